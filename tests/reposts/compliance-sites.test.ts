import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { safeJsonStringify } from "../../src/http/json.js";
import { createEmbeddedPlatform, type EmbeddedPlatform } from "../../src/platform/embedded/index.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import type { Platform, QueryOptions, RecordStore } from "../../src/platform/ports.js";
import { buildComplianceReport } from "../../src/reposts/compliance.js";
import {
  ALL_MONTHS,
  COUNTER_SHARDS,
  siteCounterShard,
  siteCountsPartition,
  storedSiteLabel,
} from "../../src/reposts/counters.js";
import type { SiteLevel } from "../../src/reposts/model.js";

/**
 * The report's per-site part read from the all-time site counters: each shard's page folded in as
 * it arrives, sorted and merged into the pages before (compliance.ts SiteFigures). What it must
 * give is what sorting every site at once gives: by region code, then name, and sites equal in both
 * in the order read (shard by shard, each by site id).
 */
let dir: string | undefined;
let platform: EmbeddedPlatform | undefined;
afterEach(() => {
  platform?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  platform = undefined;
  dir = undefined;
});

interface Site {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly level: SiteLevel;
  readonly counts: Record<string, number>;
}

function open(): EmbeddedPlatform {
  dir = mkdtempSync(join(tmpdir(), "compliance-sites-"));
  platform = createEmbeddedPlatform({
    dataDir: dir,
    clock: new ManualClock(Date.parse("2026-03-02T02:00:00Z")),
  });
  return platform;
}

async function store(records: RecordStore, sites: readonly Site[], label: (s: Site) => unknown) {
  for (const s of sites) {
    await records.transact([
      {
        add: { pk: siteCountsPartition(ALL_MONTHS, siteCounterShard(s.id)), sk: s.id, data: label(s) },
        counts: s.counts,
      },
    ]);
  }
}

/** The store's answers to the site-counter shards in reverse shard order, each later than the one after it. */
function shardsAnsweringBackwards(records: RecordStore): Pick<Platform, "records"> {
  const view = Object.create(records) as RecordStore;
  view.query = async <T>(partition: string, options?: QueryOptions) => {
    const page = await records.query<T>(partition, options);
    const shard = /^SITE_COUNTS#all#(\d+)$/.exec(partition)?.[1];
    if (shard !== undefined) await new Promise((r) => setTimeout(r, 5 * (COUNTER_SHARDS - Number(shard))));
    return page;
  };
  return { records: view };
}

/** Sites spread over the shards: many of one region and one name, others around them. */
function someSites(): Site[] {
  const sites: Site[] = [];
  for (let i = 0; i < 40; i++) {
    const id = `site-${String(i).padStart(3, "0")}`;
    const same = i % 2 === 0;
    sites.push({
      id,
      name: same ? "人民政府" : `第${i % 7}县`,
      region: same ? "510104" : `51${String(10 + (i % 5)).padStart(2, "0")}0${i % 3}`,
      level: i % 3 === 0 ? "county" : "township",
      counts: { notices: 1 + (i % 4), delivered: i % 4, verified: i % 2 },
    });
  }
  return sites;
}

/** The order of sorting every site at once, read shard by shard and each shard by id (as stored). */
function expectedOrder(sites: readonly Site[]): string[] {
  const names = new Intl.Collator();
  return [...sites]
    .sort((a, b) => siteCounterShard(a.id) - siteCounterShard(b.id) || (a.id < b.id ? -1 : 1))
    .sort((a, b) => (a.region !== b.region ? (a.region < b.region ? -1 : 1) : names.compare(a.name, b.name)))
    .map((s) => s.id);
}

describe("compliance report: sites from the all-time counters", () => {
  it("orders sites by region and name, and sites equal in both as read (shard, then id), however the shards' answers arrive", async () => {
    // Prepare
    const { records, clock } = open();
    const sites = someSites();
    expect(new Set(sites.map((s) => siteCounterShard(s.id))).size).toBeGreaterThan(4);
    await store(records, sites, storedSiteLabel);

    // Act
    const inOrder = await buildComplianceReport({ records, clock }, {});
    const backwards = await buildComplianceReport({ ...shardsAnsweringBackwards(records), clock }, {});

    // Assess
    expect(inOrder.sites.map((s) => s.siteId)).toEqual(expectedOrder(sites));
    expect(safeJsonStringify(backwards)).toBe(safeJsonStringify(inOrder));
    const first = inOrder.sites[0]!;
    const stored = sites.find((s) => s.id === first.siteId)!;
    expect(first).toEqual({
      siteId: stored.id,
      name: stored.name,
      region: stored.region,
      level: stored.level,
      notices: stored.counts.notices,
      delivered: stored.counts.delivered,
      acknowledged: 0,
      verified: stored.counts.verified,
      verification_failed: 0,
      overdue: 0,
      failed: 0,
      rates: expect.objectContaining({ delivered: expect.any(Number), verified: expect.any(Number) }),
    });
  });

  it("reads counters labelled as before REPOSTS_REBUILD_VERSION 5 (an object with the site's id) as those labelled now", async () => {
    // Prepare
    const { records, clock } = open();
    const sites = someSites();
    await store(records, sites.slice(0, 20), storedSiteLabel);
    await store(records, sites.slice(20), (s) => ({
      siteId: s.id,
      name: s.name,
      region: s.region,
      level: s.level,
    }));

    // Act
    const report = await buildComplianceReport({ records, clock }, {});
    const region = await buildComplianceReport({ records, clock }, { region: "510104", level: "county" });

    // Assess
    expect(report.sites.map((s) => [s.siteId, s.name, s.region, s.level])).toEqual(
      expectedOrder(sites).map((id) => {
        const s = sites.find((x) => x.id === id)!;
        return [s.id, s.name, s.region, s.level];
      }),
    );
    expect(region.sites.map((s) => s.siteId)).toEqual(
      expectedOrder(sites.filter((s) => s.region === "510104" && s.level === "county")),
    );
  });

  it("leaves out a site without notices, from the sites and from its city's sums, and a city with no site left", async () => {
    // Prepare: a site in 510700 whose counters hold no notice (a delivery only), one in 510104
    // without notices beside one with
    const { records, clock } = open();
    const sites: Site[] = [
      { id: "a", name: "锦江区", region: "510104", level: "county", counts: { notices: 2, delivered: 2 } },
      { id: "b", name: "青羊区", region: "510105", level: "county", counts: { delivered: 5, overdue: 1 } },
      { id: "c", name: "绵阳市", region: "510700", level: "city", counts: { delivered: 1 } },
    ];
    await store(records, sites, storedSiteLabel);

    // Act
    const report = await buildComplianceReport({ records, clock }, {});

    // Assess
    expect(report.sites.map((s) => s.siteId)).toEqual(["a"]);
    expect(report.regions).toEqual([
      {
        region: "510100",
        notices: 2,
        delivered: 2,
        acknowledged: 0,
        verified: 0,
        verification_failed: 0,
        overdue: 0,
        failed: 0,
        rates: { delivered: 1, acknowledged: 0, verified: 0, overdue: 0, failed: 0 },
      },
    ]);
  });
});

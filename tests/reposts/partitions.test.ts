import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { DATABASE_FILE } from "../../src/platform/embedded/index.js";
import { SqliteRecordStore } from "../../src/platform/embedded/sqlite-records.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import {
  LEGACY_OUTBOX_PARTITION,
  listOutbox,
  OUTBOX_RELAY_AFTER_SECONDS,
  relayOutbox,
} from "../../src/platform/outbox.js";
import { buildComplianceReport } from "../../src/reposts/compliance.js";
import { rebuildReposts } from "../../src/reposts/rebuild.js";
import {
  LEGACY_REPOST_DOCS_PARTITION,
  type RepostDocument,
  repostDocumentKeys,
  repostDocumentPages,
} from "../../src/reposts/records.js";
import { createWorkingDayCalendar } from "../../src/reposts/working-days.js";
import { drainArchiveQueue } from "../archive/harness.js";
import { createRepostsHarness, type RepostsHarness } from "./harness.js";

const calendar = createWorkingDayCalendar();
const START = Date.parse("2026-03-02T02:00:00Z");

function aRepostDocument(n: number): RepostDocument {
  return {
    documentId: `01JDOC${String(n).padStart(20, "0")}`,
    editionId: "1",
    title: `关于第${n}件事的通知`,
    docNumber: null,
    publishedAt: "2026-03-02T02:00:00.000Z",
    deadline: "2026-03-09",
    deadlineProvisional: false,
  };
}

let h: RepostsHarness | undefined;
afterEach(() => h?.close());

describe("sharded partitions", () => {
  it("moves fanned-out documents from their one partition of old to their shards, once, and lists them in order", async () => {
    // Prepare: 20 documents as an older release stored them
    const clock = new ManualClock(START);
    const records = new SqliteRecordStore(new Database(":memory:"), clock);
    const docs = Array.from({ length: 20 }, (_, i) => aRepostDocument(i));
    for (const doc of docs) {
      await records.put({ pk: LEGACY_REPOST_DOCS_PARTITION, sk: doc.documentId, data: doc });
    }

    // Act
    const first = await rebuildReposts({ records, clock }, calendar);
    const second = await rebuildReposts({ records, clock }, calendar);

    // Assess
    expect(first).toMatchObject({ moved: 20, documents: 20 });
    expect(second).toMatchObject({ moved: 0, documents: 20 });
    expect((await records.query(LEGACY_REPOST_DOCS_PARTITION)).items).toEqual([]);
    for (const doc of docs)
      expect((await records.get(repostDocumentKeys(doc.documentId)))?.data).toEqual(doc);
    const listed: string[] = [];
    for await (const page of repostDocumentPages(records, 3)) listed.push(...page.map((i) => i.sk));
    expect(listed).toEqual(docs.map((d) => d.documentId));
    const shards = new Set(docs.map((d) => repostDocumentKeys(d.documentId).pk));
    expect(shards.size).toBeGreaterThan(1);
    const report = await buildComplianceReport({ records, clock }, {}, { limit: 50 });
    expect(report.documents.map((d) => d.documentId)).toEqual(docs.map((d) => d.documentId));
  });

  it("relays an entry left in the outbox's one partition of old, and drains it", async () => {
    // Prepare: an event an older release noted and never sent
    h = createRepostsHarness({ start: START });
    const { platform } = h.container;
    const site = await h.registerSite({ name: "锦江区", level: "county", region: "510104" });
    await platform.records.put({
      pk: LEGACY_OUTBOX_PARTITION,
      sk: `${new Date(START).toISOString()}#old`,
      data: {
        queue: "repost-delivery",
        messages: [JSON.stringify({ type: "repost.remind", noticeId: "docX.nobody" })],
        requires: { pk: `SITE#${site.id}`, sk: "SITE" },
        createdAt: new Date(START).toISOString(),
      },
    });
    h.clock.advance((OUTBOX_RELAY_AFTER_SECONDS + 1) * 1000);

    // Act
    const relayed = await relayOutbox(platform);

    // Assess
    expect(relayed).toMatchObject({ sent: 1, failed: 0 });
    expect(await listOutbox(platform.records)).toEqual([]);
    expect(await platform.queues.depth("repost-delivery")).toBe(1);
  });

  it("gives no kind of record a partition that every item of the kind shares (reposts, intake, editions, archive), except the few listed with their reason", async () => {
    // Prepare: every key the store is given is logged, including records deleted later (outbox entries)
    h = createRepostsHarness({ start: START });
    const db = new Database(join(h.dataDir, DATABASE_FILE));
    db.exec(`
      CREATE TABLE key_log (attr TEXT NOT NULL, partition TEXT NOT NULL, sk TEXT NOT NULL);
      CREATE TRIGGER key_log_insert AFTER INSERT ON records BEGIN
        INSERT INTO key_log VALUES ('pk', NEW.pk, NEW.sk);
        INSERT INTO key_log SELECT 'gsi1pk', NEW.gsi1pk, NEW.gsi1sk WHERE NEW.gsi1pk IS NOT NULL;
        INSERT INTO key_log SELECT 'gsi2pk', NEW.gsi2pk, NEW.gsi2sk WHERE NEW.gsi2pk IS NOT NULL;
      END;
      CREATE TRIGGER key_log_update AFTER UPDATE ON records BEGIN
        INSERT INTO key_log SELECT 'gsi1pk', NEW.gsi1pk, NEW.gsi1sk WHERE NEW.gsi1pk IS NOT NULL;
        INSERT INTO key_log SELECT 'gsi2pk', NEW.gsi2pk, NEW.gsi2sk WHERE NEW.gsi2pk IS NOT NULL;
      END;
    `);
    const DOCUMENTS = 16;

    // Act: sites register, documents are submitted, published and fanned out; ticks run over the
    // reminder day and the deadline; the outbox is relayed
    for (const [name, region] of [
      ["锦江区", "510104"],
      ["青羊区", "510105"],
      ["绵阳市", "510700"],
    ] as const) {
      await h.registerSite({ name, level: "county", region });
    }
    const documents: string[] = [];
    for (let i = 0; i < DOCUMENTS; i++) documents.push(await h.submitRepost({ scope: "all" }));
    await h.publish(documents);
    await h.runQueues();
    for (const day of ["2026-03-06T02:00:00Z", "2026-03-10T02:00:00Z"]) {
      h.clock.advance(Date.parse(day) - h.clock.now().getTime());
      await h.reposts.tick.run();
      await relayOutbox(h.container.platform);
      await h.runQueues();
    }
    const api = (path: string, init: { method?: string; json?: unknown } = {}) =>
      h!.request(path, {
        method: init.method ?? "GET",
        ...(init.json === undefined
          ? {}
          : { headers: { "content-type": "application/json" }, body: JSON.stringify(init.json) }),
      });
    // … editions are created, each given a document, listed …
    for (const [n, documentId] of documents.entries()) {
      const created = await api("/api/editions", {
        method: "POST",
        json: { year: 2026, date: `2026-03-${String(11 + (n % 15)).padStart(2, "0")}` },
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const placed = await api(`/api/editions/${id}/documents`, {
        method: "PUT",
        json: { documents: [documentId] },
      });
      expect(placed.status).toBe(200);
    }
    expect((await api("/api/editions?limit=5")).status).toBe(200);
    // … and the back catalogue is imported — one job of as many texts, then one issue per job —
    // and reviewed
    const text = (n: number) =>
      `四川省人民政府文件\n川府发〔2017〕${n + 1}号\n四川省人民政府关于第${n + 1}项工作的通知\n各市（州）人民政府：\n现就有关事项通知如下。\n四川省人民政府\n二〇一七年五月三日`;
    for (let issue = 1; issue <= DOCUMENTS; issue++) {
      const imported = await api("/api/archive/texts", {
        method: "POST",
        json: {
          year: 2017,
          issue,
          documents:
            issue === 1
              ? Array.from({ length: DOCUMENTS }, (_, n) => ({ text: text(n) }))
              : [{ text: text(DOCUMENTS + issue) }],
        },
      });
      expect(imported.status).toBe(202);
    }
    await drainArchiveQueue(h.container.platform.queues, h.container.archive!.handler);
    expect((await api("/api/archive/items?review=true&limit=5")).status).toBe(200);

    // Assess: partitions that got at least DOCUMENTS items. A kind spread over shards names its
    // shard last (`<kind>#<number>`, several numbers written); any other such partition is one
    // that every item of a kind (or of one value of it) shares, allowed only for its reason.
    const rows = db
      .prepare<[], { attr: string; partition: string; items: number }>(
        "SELECT attr, partition, COUNT(DISTINCT sk) AS items FROM key_log GROUP BY attr, partition",
      )
      .all();
    db.close();
    const shardFamily = (partition: string) => /^(.*)#\d+$/.exec(partition)?.[1];
    const shardsOf = new Map<string, Set<string>>();
    for (const r of rows) {
      const family = shardFamily(r.partition);
      if (family !== undefined)
        shardsOf.set(
          `${r.attr} ${family}`,
          (shardsOf.get(`${r.attr} ${family}`) ?? new Set()).add(r.partition),
        );
    }
    const sharded = (r: { attr: string; partition: string }) => {
      const family = shardFamily(r.partition);
      return family !== undefined && (shardsOf.get(`${r.attr} ${family}`)?.size ?? 0) > 1;
    };
    const single = rows
      .filter((r) => r.items >= DOCUMENTS && !sharded(r))
      .map((r) => `${r.attr} ${r.partition}`)
      .sort();
    // Left as they are, each for its reason (docs/reposts.md, "Partitions"):
    const ALLOWED: readonly RegExp[] = [
      // The intake queue's filter index (src/documents/filter-index.ts): one partition per value of
      // the equality filters (a state, a section, an issuer, a disclosure and their combinations),
      // read by the console's filtered listing in one query per page. Each document writes ~15
      // entries to 15 different partitions; the busiest (a state) takes one write per document
      // received or moved, a few hundred a day against DynamoDB's 1,000 writes/s per partition,
      // while sharding them would make every filtered page read every shard.
      /^pk DOCQ#/,
      // One issuing body's documents, for its completeness register (issue 16): keyed by the body,
      // so bodies spread over partitions; every document of this flow has the same issuer.
      /^gsi1pk ISSUERDOCS#/,
      // One site's notices, for its portal: keyed by the site, so the writes of a fan-out (one
      // notice per site) spread over as many partitions as there are sites.
      /^gsi1pk SITE_REPOSTS#/,
      // One archive job's units and item listing: written by that job's own messages, as many as
      // the job has texts or pages, and read whole when the job is shown.
      /^pk archive#job#/,
      // The archive's documents and issues of one year (browse by year): keyed by the year, sorted
      // by the documents' dates and the issues' numbers (not by when they were written), as many
      // as one year of the gazette holds; every text and issue of this import is of 2017.
      /^pk archive#year#\d{4}$/,
    ];
    expect(single.filter((p) => !ALLOWED.some((allowed) => allowed.test(p)))).toEqual([]);
    // The sharded kinds were written, over more than one partition each.
    for (const family of [
      "pk REPOST_DOCS",
      "pk OUTBOX",
      "gsi1pk DOCUMENTS",
      "gsi1pk EDITIONS",
      "pk archive#items",
    ])
      expect(shardsOf.get(family)?.size ?? 0, family).toBeGreaterThan(1);
    // The imported editions, one partition per issue (archive#edition#<year>#<issue>).
    expect(shardsOf.get("pk archive#edition#2017")?.size).toBe(DOCUMENTS);
  });
});

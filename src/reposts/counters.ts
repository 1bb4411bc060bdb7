/**
 * The compliance report's counters, kept with the notices so that a report reads
 * O(documents + sites) counters instead of every notice.
 *
 * Each notice contributes a 0/1 to each figure (`contribution`); every write of a notice adds the
 * difference between its old and new contribution to the counters, in the same transaction as the
 * write itself, which is conditioned on the notice's version (absence for a new one). So a
 * redelivered change — a second delivery of the same message, a tick run twice — either finds the
 * notice already changed and changes nothing, or loses the condition and reads again: it counts
 * once. The counters always equal the sum of the stored notices' contributions, which is what the
 * rebuild (rebuild.ts) recomputes and the property test compares.
 *
 *   pk REPOST_COUNTS#<documentId>   sk TOTAL#<shard>            a document's totals, in DUE_SHARDS
 *                                                               shards so fan-out spreads its writes
 *   pk REPOST_COUNTS#<documentId>   sk REGION#<region>#<level>  per document × region × level
 *   pk SITE_COUNTS#<month>#<shard>  sk <siteId>                 per site, for documents published in
 *                                                               that China month (YYYY-MM), or "all";
 *                                                               data [name, region, level] (StoredSiteLabel)
 *   the overdue list: the notice itself, in the sparse index gsi3 while it is overdue
 *   (overdueIndex): gsi3pk OVERDUE#<documentId>, gsi3sk <region>#<siteId>; the report builds each
 *   OverdueItem from the notice. Before REPOSTS_REBUILD_VERSION 4 it was a record of its own per
 *   overdue notice (pk REPOST_OVERDUE#<documentId>, sk <region>#<siteId>), written with the
 *   notice; the rebuild deletes those.
 *
 * Overdue counts what the tick has escalated (`overdueAt`) and is still not reposted: an
 * acknowledgement clears it, a failed verification of that page brings it back.
 */
import { hash } from "node:crypto";
import type { RecordKey, TransactionWrite } from "../platform/ports.js";
import { chinaDate, type NoticeStatus, noticeStatus, type RepostNotice, type SiteLevel } from "./model.js";

export const FIGURES = [
  "notices",
  "delivered",
  "acknowledged",
  "verified",
  "verification_failed",
  "overdue",
  "failed",
] as const;
export type Figure = (typeof FIGURES)[number];
export type Totals = Record<Figure, number>;

export const COUNTER_SHARDS = 8;
export const ALL_MONTHS = "all";

export function emptyTotals(): Totals {
  return {
    notices: 0,
    delivered: 0,
    acknowledged: 0,
    verified: 0,
    verification_failed: 0,
    overdue: 0,
    failed: 0,
  };
}

/** Whether the tick escalated the notice and it is still not reposted. */
export function isCountedOverdue(n: RepostNotice): boolean {
  return n.overdueAt !== null && (!n.ack || n.verification?.state === "failed");
}

/** What one notice adds to each figure. */
export function contribution(n: RepostNotice): Totals {
  return {
    notices: 1,
    // A site that acknowledged evidently received the notice, whatever the delivery record says.
    delivered: n.delivery.state === "delivered" || n.ack ? 1 : 0,
    acknowledged: n.ack ? 1 : 0,
    verified: n.verification?.state === "verified" ? 1 : 0,
    verification_failed: n.verification?.state === "failed" ? 1 : 0,
    overdue: isCountedOverdue(n) ? 1 : 0,
    failed: n.delivery.state === "failed" && !n.ack ? 1 : 0,
  };
}

export function addTotals(into: Totals, from: { readonly [F in Figure]?: number }, sign = 1): Totals {
  for (const f of FIGURES) into[f] += sign * (from[f] ?? 0);
  return into;
}

function shardOf(id: string): number {
  return hash("sha256", id, "buffer")[0]! % COUNTER_SHARDS;
}

/**
 * `compute` with its results remembered, up to `max` keys (then forgotten all at once): for pure
 * functions of a few recurring keys that a tick calls for each of 1,000 notices.
 */
function remembered<T>(compute: (key: string) => T, max: number): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = compute(key);
      if (cache.size >= max) cache.clear();
      cache.set(key, value);
    }
    return value;
  };
}

/** The shard of a site's counters (`SITE_COUNTS#<month>#<shard>`); sites are tens of thousands at most. */
export const siteCounterShard: (siteId: string) => number = remembered(shardOf, 100_000);

/** The China month (YYYY-MM) of a time. */
export function chinaMonth(at: string): string {
  return chinaDate(at).slice(0, 7);
}

/** A document's notices share one publication time. */
const publicationMonth = remembered(chinaMonth, 10_000);

/** The China month (YYYY-MM) of the document's publication, which site counters are filed by. */
export function counterMonth(n: RepostNotice): string {
  return publicationMonth(n.document.publishedAt ?? n.createdAt);
}

export function documentCountsPartition(documentId: string): string {
  return `REPOST_COUNTS#${documentId}`;
}

export function siteCountsPartition(month: string, shard: number): string {
  return `SITE_COUNTS#${month}#${shard}`;
}

/** The overdue list's index: a notice is in it while it counts as overdue (isCountedOverdue). */
export const OVERDUE_INDEX = "gsi3";

/** A document's overdue notices, in OVERDUE_INDEX, sorted by region then site. */
export function overdueIndexPartition(documentId: string): string {
  return `OVERDUE#${documentId}`;
}

/** A notice's keys in the overdue list's index: present exactly while it counts as overdue. */
export function overdueIndex(n: RepostNotice): { gsi3pk: string; gsi3sk: string } | Record<string, never> {
  return isCountedOverdue(n)
    ? { gsi3pk: overdueIndexPartition(n.documentId), gsi3sk: `${n.site.region}#${n.siteId}` }
    : {};
}

/** Where the overdue list was kept before it was an index (an item per overdue notice): the rebuild deletes these. */
export function legacyOverduePartition(documentId: string): string {
  return `REPOST_OVERDUE#${documentId}`;
}

export interface SiteLabel {
  readonly siteId: string;
  readonly name: string;
  readonly region: string;
  readonly level: SiteLevel;
}

/**
 * A site counter's label as stored (its `data`): [name, region, level]. The site's id is the
 * counter's sort key. A report reads every site's counter (10,000 and more), so the label is kept
 * short: ~70 bytes fewer per item than an object with the id and the field names (~280 → ~210
 * bytes a counter as DynamoDB returns it; read units and the time to send and parse them follow).
 * Before REPOSTS_REBUILD_VERSION 5 the label was a SiteLabel object; the rebuild rewrites those,
 * and siteLabelOf reads both.
 */
export type StoredSiteLabel = readonly [name: string, region: string, level: SiteLevel];

export function storedSiteLabel(site: {
  readonly name: string;
  readonly region: string;
  readonly level: SiteLevel;
}): StoredSiteLabel {
  return [site.name, site.region, site.level];
}

/** The label of the site counter `siteId` (its sort key) from its `data`, either form. */
export function siteLabelOf(siteId: string, data: unknown): SiteLabel {
  if (Array.isArray(data)) {
    const [name, region, level] = data as unknown as StoredSiteLabel;
    return { siteId, name, region, level };
  }
  const { name, region, level } = data as SiteLabel;
  return { siteId, name, region, level };
}

export interface RegionLabel {
  readonly region: string;
  readonly level: SiteLevel;
}

/** One overdue notice as the report lists it. */
export interface OverdueItem {
  readonly noticeId: string;
  readonly documentId: string;
  readonly title: string;
  readonly docNumber: string | null;
  readonly siteId: string;
  readonly siteName: string;
  readonly region: string;
  readonly level: SiteLevel;
  readonly deadline: string;
  readonly status: NoticeStatus;
  readonly reason: string | null;
}

export function overdueItem(n: RepostNotice): OverdueItem {
  return {
    noticeId: n.id,
    documentId: n.documentId,
    title: n.document.title,
    docNumber: n.document.docNumber,
    siteId: n.siteId,
    siteName: n.site.name,
    region: n.site.region,
    level: n.site.level,
    deadline: n.deadline,
    status: noticeStatus(n),
    reason: n.verification?.reason ?? n.delivery.lastError,
  };
}

/** The document's counter records a notice counts in (its total's shard, its region × level). */
export function documentCounterTargets(n: RepostNotice): { key: RecordKey; data: unknown }[] {
  return [
    {
      key: { pk: documentCountsPartition(n.documentId), sk: `TOTAL#${shardOf(n.id)}` },
      data: { documentId: n.documentId },
    },
    {
      key: { pk: documentCountsPartition(n.documentId), sk: `REGION#${n.site.region}#${n.site.level}` },
      data: { region: n.site.region, level: n.site.level } satisfies RegionLabel,
    },
  ];
}

/** The counter records a notice counts in: keys and labels. */
export function counterTargets(n: RepostNotice): { key: RecordKey; data: unknown }[] {
  const site = storedSiteLabel(n.site);
  const siteShard = siteCounterShard(n.siteId);
  return [
    ...documentCounterTargets(n),
    { key: { pk: siteCountsPartition(counterMonth(n), siteShard), sk: n.siteId }, data: site },
    { key: { pk: siteCountsPartition(ALL_MONTHS, siteShard), sk: n.siteId }, data: site },
  ];
}

/** Whether two notices count in the same records: what counterTargets depends on is equal. */
function sameTargets(a: RepostNotice, b: RepostNotice): boolean {
  return (
    a.id === b.id &&
    a.documentId === b.documentId &&
    a.siteId === b.siteId &&
    a.site.name === b.site.name &&
    a.site.region === b.site.region &&
    a.site.level === b.site.level &&
    (a.document.publishedAt ?? a.createdAt) === (b.document.publishedAt ?? b.createdAt)
  );
}

/**
 * The counter writes that go with changing a notice from `before` (undefined: a new notice) to
 * `after`. Empty when no figure changes. (The overdue list is the notice's own index keys,
 * overdueIndex, written with it.)
 */
export function counterWrites(before: RepostNotice | undefined, after: RepostNotice): TransactionWrite[] {
  const writes: TransactionWrite[] = [];
  const was = before ? contribution(before) : emptyTotals();
  const now = contribution(after);
  if (before !== undefined && sameTargets(before, after)) {
    const counts: Record<string, number> = {};
    let moved = false;
    for (const f of FIGURES) {
      const d = now[f] - was[f];
      if (d !== 0) {
        counts[f] = d;
        moved = true;
      }
    }
    if (moved) {
      for (const t of counterTargets(after)) writes.push({ add: { ...t.key, data: t.data }, counts });
    }
  } else {
    // The notice moved between counters (a snapshot changed): out of the old ones, into the new.
    const out = new Map<string, TransactionWrite>();
    if (before) {
      const counts = Object.fromEntries(FIGURES.filter((f) => was[f] !== 0).map((f) => [f, -was[f]]));
      for (const t of counterTargets(before))
        out.set(`${t.key.pk}\n${t.key.sk}`, { add: { ...t.key, data: t.data }, counts });
    }
    for (const t of counterTargets(after)) {
      const id = `${t.key.pk}\n${t.key.sk}`;
      const prior = out.get(id);
      const counts: Record<string, number> = {};
      for (const f of FIGURES) {
        const n = now[f] + (prior && "add" in prior ? (prior.counts[f] ?? 0) : 0);
        if (n !== 0) counts[f] = n;
      }
      out.set(id, { add: { ...t.key, data: t.data }, counts });
    }
    for (const w of out.values()) if ("add" in w && Object.keys(w.counts).length > 0) writes.push(w);
  }
  return writes;
}

/**
 * Recomputes, from the notices themselves, everything kept beside them: each notice's reminder day,
 * publication time and due-index keys (due.ts), the report's counters and the overdue list
 * (counters.ts). It is the migration for notices stored before these existed (`reposts-rebuild`
 * in src/migrations, run once per REPOSTS_REBUILD_VERSION at `npm start`, by the migration
 * function after a deploy or by `gazette migrate`; `gazette reposts rebuild` runs it again on
 * demand against a data directory or a deployed table) and the oracle the property test compares
 * the incremental counters with.
 *
 * Its cost is one read of every notice. Counters are corrected by adding the difference between
 * what the notices give and what is stored, so a rebuild of a consistent store writes nothing; run
 * it while nothing else writes notices (before starting the pipeline, or with the repost functions
 * paused), since a notice changed between its read and the counters' correction is counted as read.
 */
import { ConditionFailedError } from "../platform/errors.js";
import type { Platform, RecordKey, RecordStore, StoredRecord, TransactionWrite } from "../platform/ports.js";
import {
  ALL_MONTHS,
  addTotals,
  COUNTER_SHARDS,
  contribution,
  counterMonth,
  counterTargets,
  documentCountsPartition,
  emptyTotals,
  FIGURES,
  isCountedOverdue,
  type OverdueItem,
  overdueItem,
  overduePartition,
  siteCountsPartition,
  type Totals,
} from "./counters.js";
import { reminderDay } from "./due.js";
import type { RepostNotice } from "./model.js";
import {
  LEGACY_REPOST_DOCS_PARTITION,
  noticeIndex,
  noticePartition,
  type RepostDocument,
  repostDocumentKeys,
  repostDocumentPages,
} from "./records.js";
import type { WorkingDayCalendar } from "./working-days.js";

/**
 * 1: the due index; 2: the report's counters and overdue list, and publication times on notices;
 * 3: fanned-out documents moved from their one partition to shards (records.ts).
 */
export const REPOSTS_REBUILD_VERSION = 3;
export const REPOSTS_REBUILD_MARKER = { pk: "REPOST_TICK", sk: "due-index-version" } as const;
const BATCH = 100;

export interface RebuildResult {
  readonly documents: number;
  readonly notices: number;
  /** Notices written again (reminder day, publication time or due keys were missing or stale). */
  readonly rewritten: number;
  /** Counter records corrected. */
  readonly counters: number;
  /** Overdue-list entries added, changed or removed. */
  readonly overdue: number;
  /** Fanned-out documents moved from the legacy partition to their shard. */
  readonly moved: number;
}

interface Expected {
  readonly key: RecordKey;
  readonly data: unknown;
  readonly counts: Totals;
}

async function* pages<T>(records: RecordStore, partition: string, limit = 500) {
  let cursor: string | undefined;
  do {
    const page = await records.query<T>(partition, { cursor, limit });
    cursor = page.cursor;
    yield page.items;
  } while (cursor);
}

/** The notice as the current code would have stored it, or undefined when it already is. */
function completed(
  item: StoredRecord<RepostNotice>,
  doc: RepostDocument,
  remindFrom: string,
  now: Date,
): RepostNotice | undefined {
  const n = item.data;
  const next: RepostNotice = {
    ...n,
    remindFrom: n.remindFrom ?? remindFrom,
    document: { ...n.document, publishedAt: n.document.publishedAt ?? doc.publishedAt },
  };
  const index = noticeIndex(next, now);
  const same =
    n.remindFrom !== undefined &&
    n.document.publishedAt !== undefined &&
    item.index?.gsi1pk === index.gsi1pk &&
    item.index?.gsi1sk === index.gsi1sk &&
    item.index?.gsi2pk === index.gsi2pk &&
    item.index?.gsi2sk === index.gsi2sk;
  return same ? undefined : next;
}

export async function rebuildReposts(
  platform: Pick<Platform, "records" | "clock">,
  calendar: WorkingDayCalendar,
): Promise<RebuildResult> {
  const { records } = platform;
  const result = { documents: 0, notices: 0, rewritten: 0, counters: 0, overdue: 0, moved: 0 };
  result.moved = await moveLegacyDocuments(records);
  const siteCounters = new Map<string, Expected>();
  const months = new Set<string>([ALL_MONTHS]);
  const writes: TransactionWrite[] = [];
  const flush = async (all = false) => {
    while (writes.length >= (all ? 1 : BATCH)) await records.transact(writes.splice(0, BATCH));
  };
  const expect = (into: Map<string, Expected>, key: RecordKey, data: unknown, n: RepostNotice) => {
    const id = `${key.pk}\n${key.sk}`;
    const entry = into.get(id) ?? { key, data, counts: emptyTotals() };
    addTotals(entry.counts, contribution(n));
    into.set(id, entry);
  };

  for await (const docs of repostDocumentPages(records, 100)) {
    for (const { data: doc } of docs) {
      result.documents += 1;
      const remindFrom = reminderDay(calendar, doc.deadline);
      const docCounters = new Map<string, Expected>();
      const overdue = new Map<string, OverdueItem>();
      for await (const items of pages<RepostNotice>(records, noticePartition(doc.documentId))) {
        for (const item of items) {
          result.notices += 1;
          let stored = item;
          for (;;) {
            const next = completed(stored, doc, remindFrom, platform.clock.now());
            if (!next) break;
            try {
              stored = await records.put<RepostNotice>(
                { pk: stored.pk, sk: stored.sk, data: next, index: noticeIndex(next, platform.clock.now()) },
                { kind: "version", version: stored.version },
              );
              result.rewritten += 1;
              break;
            } catch (error) {
              if (!(error instanceof ConditionFailedError)) throw error;
              const fresh = await records.get<RepostNotice>(stored);
              if (!fresh) break;
              stored = fresh;
            }
          }
          const n = stored.data;
          for (const t of counterTargets(n)) {
            expect(t.key.pk.startsWith("SITE_COUNTS#") ? siteCounters : docCounters, t.key, t.data, n);
          }
          months.add(counterMonth(n));
          if (isCountedOverdue(n)) overdue.set(`${n.site.region}#${n.siteId}`, overdueItem(n));
        }
      }
      result.counters += await correct(records, documentCountsPartition(doc.documentId), docCounters, writes);
      await flush();
      const listed = new Map<string, unknown>();
      for await (const items of pages<OverdueItem>(records, overduePartition(doc.documentId))) {
        for (const i of items) listed.set(i.sk, i.data);
      }
      for (const sk of listed.keys()) {
        if (overdue.has(sk)) continue;
        writes.push({ delete: { pk: overduePartition(doc.documentId), sk } });
        result.overdue += 1;
      }
      for (const [sk, item] of overdue) {
        if (JSON.stringify(listed.get(sk)) === JSON.stringify(item)) continue;
        writes.push({ put: { pk: overduePartition(doc.documentId), sk, data: item } });
        result.overdue += 1;
      }
      await flush();
    }
  }
  for (const month of months) {
    for (let shard = 0; shard < COUNTER_SHARDS; shard++) {
      const partition = siteCountsPartition(month, shard);
      result.counters += await correct(records, partition, siteCounters, writes);
      await flush();
    }
  }
  await flush(true);
  return result;
}

/**
 * Moves each fanned-out document from the one partition of old to its shard: the copy and the
 * deletion in one transaction, under the old record's version. A copy already in the shard (a
 * fan-out by the new code meanwhile) is the current one: then the old record only goes.
 */
async function moveLegacyDocuments(records: RecordStore): Promise<number> {
  let moved = 0;
  for (;;) {
    const { items } = await records.query<RepostDocument>(LEGACY_REPOST_DOCS_PARTITION, { limit: 25 });
    if (items.length === 0) return moved;
    for (const item of items) {
      const old = { kind: "version", version: item.version } as const;
      const target = repostDocumentKeys(item.sk);
      try {
        await records.transact([
          { put: { ...target, data: item.data }, condition: { kind: "absent" } },
          { delete: { pk: item.pk, sk: item.sk }, condition: old },
        ]);
        moved += 1;
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
        // Otherwise, or when this deletion fails too, the old record changed meanwhile: read again.
        if (await records.get(target)) {
          await records.delete({ pk: item.pk, sk: item.sk }, old).catch((e: unknown) => {
            if (!(e instanceof ConditionFailedError)) throw e;
          });
        }
      }
    }
  }
}

/**
 * Queues the adds that bring the partition's stored counters to the expected ones (records
 * expected under other partitions are left to their own call); returns how many change.
 */
async function correct(
  records: RecordStore,
  partition: string,
  expected: ReadonlyMap<string, Expected>,
  writes: TransactionWrite[],
): Promise<number> {
  const stored = new Map<string, StoredRecord>();
  for await (const items of pages(records, partition)) for (const i of items) stored.set(i.sk, i);
  let changed = 0;
  const wanted = [...expected.values()].filter((e) => e.key.pk === partition);
  const seen = new Set<string>();
  for (const e of wanted) {
    seen.add(e.key.sk);
    const have = stored.get(e.key.sk);
    const counts: Record<string, number> = {};
    for (const f of FIGURES) {
      const d = e.counts[f] - (have?.counts?.[f] ?? 0);
      if (d !== 0) counts[f] = d;
    }
    if (Object.keys(counts).length === 0 && have && JSON.stringify(have.data) === JSON.stringify(e.data))
      continue;
    writes.push({ add: { ...e.key, data: e.data }, counts });
    changed += 1;
  }
  for (const [sk, have] of stored) {
    if (seen.has(sk) || !have.counts) continue;
    const counts = Object.fromEntries(
      Object.entries(have.counts)
        .filter(([, n]) => n !== 0)
        .map(([f, n]) => [f, -n]),
    );
    if (Object.keys(counts).length === 0) continue;
    writes.push({ add: { pk: partition, sk, data: have.data }, counts });
    changed += 1;
  }
  return changed;
}

/** Whether this version's rebuild has been done (noted by `markRepostsRebuilt`). */
export async function repostsRebuilt(platform: Pick<Platform, "records">): Promise<boolean> {
  const marker = await platform.records.get<{ version: number }>(REPOSTS_REBUILD_MARKER);
  return (marker?.data.version ?? 0) >= REPOSTS_REBUILD_VERSION;
}

/** Notes that this version's rebuild has been done. */
export async function markRepostsRebuilt(platform: Pick<Platform, "records">): Promise<void> {
  await platform.records.put({ ...REPOSTS_REBUILD_MARKER, data: { version: REPOSTS_REBUILD_VERSION } });
}

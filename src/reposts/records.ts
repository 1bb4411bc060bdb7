/**
 * Record layout of the reposts module in the single table.
 *
 *   pk SITE#<siteId>            sk SITE              the site (SiteRecord); gsi1 SITES / <siteId>
 *   pk REPOSTS#<documentId>     sk SITE#<siteId>     the notice (RepostNotice);
 *                                                    gsi1 SITE_REPOSTS#<siteId> / <createdAt>#<documentId>
 *                                                    gsi2 DUE#<day>#<shard> / <due time>#<id> (due.ts),
 *                                                    only while something is pending
 *                                                    gsi3 OVERDUE#<documentId> / <region>#<siteId>
 *                                                    (counters.ts), only while overdue
 *   pk REPOST_DOCS#<shard>      sk <documentId>      a document that was fanned out (RepostDocument),
 *                                                    sharded by a hash of its id (platform/sharded.ts):
 *                                                    ids grow, so one partition would take every write
 *   the report's counters and overdue list: counters.ts
 *
 * A notice's key is its (document, site) pair, so a conditional absent put is the "exactly one
 * notice" guard. Fan-out pages through the SITES index; a document's notices are one query; a
 * site's notices one index query.
 */
import { ConditionFailedError } from "../platform/errors.js";
import type {
  NewRecord,
  Platform,
  RecordIndexKeys,
  RecordKey,
  RecordStore,
  StoredRecord,
  TransactionWrite,
} from "../platform/ports.js";
import { mergedPages, shardOf, shardPartitions } from "../platform/sharded.js";
import { counterWrites, overdueIndex } from "./counters.js";
import { dueIndex } from "./due.js";
import type { RepostNotice, SiteRecord } from "./model.js";

export const SITES_INDEX = "SITES";
/** The documents' partition before it was sharded; the rebuild (version 3) moves what it holds. */
export const LEGACY_REPOST_DOCS_PARTITION = "REPOST_DOCS";
export const REPOST_DOCS_KIND = "REPOST_DOCS";

export function siteKeys(siteId: string) {
  return { pk: `SITE#${siteId}`, sk: "SITE" };
}

export function siteIndex(siteId: string) {
  return { gsi1pk: SITES_INDEX, gsi1sk: siteId };
}

/**
 * One page of stored sites (index order: registration order): what fan-out reads
 * (SiteRegistry.page) and the console's publication page lists, where the registry is not built.
 */
export async function pageSites(
  records: Pick<RecordStore, "query">,
  options: { limit: number; cursor?: string | undefined },
): Promise<{ sites: SiteRecord[]; cursor: string | undefined }> {
  const page = await records.query<SiteRecord>(SITES_INDEX, {
    index: "gsi1",
    limit: options.limit,
    cursor: options.cursor,
  });
  return { sites: page.items.map((r) => r.data), cursor: page.cursor };
}

export function noticeKeys(documentId: string, siteId: string) {
  return { pk: noticePartition(documentId), sk: `SITE#${siteId}` };
}

export function noticePartition(documentId: string): string {
  return `REPOSTS#${documentId}`;
}

export function siteNoticesPartition(siteId: string): string {
  return `SITE_REPOSTS#${siteId}`;
}

/**
 * A notice's index keys: its site's list (gsi1), while something is pending the due index (gsi2),
 * while it is overdue the report's overdue list (gsi3).
 */
export function noticeIndex(notice: RepostNotice, writtenAt: Date): RecordIndexKeys {
  return {
    gsi1pk: siteNoticesPartition(notice.siteId),
    gsi1sk: `${notice.createdAt}#${notice.documentId}`,
    ...dueIndex(notice, writtenAt),
    ...overdueIndex(notice),
  };
}

const MAX_ATTEMPTS = 20;

/**
 * Notices one transaction of updateNotices holds at most, whatever the store takes: a transaction
 * that fails is done again a notice at a time, and the outbox entry that goes with it (Alongside)
 * holds its messages: 250 escalations (~250 bytes each) and reminders (~80) stay far under the
 * 400 KB a record may hold.
 */
export const NOTICES_PER_TRANSACTION = 250;

/**
 * Read-modify-write of one notice under its version (optimistic concurrency, retried when another
 * writer got there first) that files it again under its due time and moves the report's counters
 * (counters.ts) in the same transaction: every notice write goes through here or `createNotice`.
 * `change` returns the new notice, or undefined to leave it as it is. Returns the notice as it ends
 * up, or undefined when it does not exist. `known`, a copy just read, saves the first read.
 */
export async function updateNotice(
  platform: Pick<Platform, "records" | "clock">,
  key: RecordKey,
  change: (current: RepostNotice) => RepostNotice | undefined,
  known?: StoredRecord<RepostNotice>,
  alongside?: Alongside,
): Promise<StoredRecord<RepostNotice> | undefined> {
  return (await updateOne(platform, key, change, known, alongside)).record;
}

/** updateNotice, also telling the notice as it was before this call changed it (undefined: unchanged). */
async function updateOne(
  platform: Pick<Platform, "records" | "clock">,
  key: RecordKey,
  change: (current: RepostNotice) => RepostNotice | undefined,
  known?: StoredRecord<RepostNotice>,
  alongside?: Alongside,
): Promise<NoticeUpdateResult> {
  const { records } = platform;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = attempt === 0 && known ? known : await records.get<RepostNotice>(key);
    if (!current) return { record: undefined };
    const next = change(current.data);
    if (next === undefined) return { record: current };
    const record = { ...key, data: next, index: noticeIndex(next, platform.clock.now()) };
    const condition = { kind: "version", version: current.version } as const;
    const counted = counterWrites(current.data, next);
    const extra = alongside?.writes([{ before: current.data, after: next }]) ?? [];
    try {
      if (counted.length === 0 && extra.length === 0) {
        return { record: await records.put<RepostNotice>(record, condition), before: current.data };
      }
      await records.transact([{ put: record, condition }, ...counted, ...extra]);
      if (extra.length > 0) alongside?.committed?.(extra);
      return { record: { ...record, version: current.version + 1 }, before: current.data };
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }
  throw new ConditionFailedError(
    `Notice ${key.pk}/${key.sk} kept changing; giving up after ${MAX_ATTEMPTS} tries`,
  );
}

/**
 * Records written in the same transaction as some notices' changes (an outbox entry with the
 * messages they call for), given each changed notice before and after. At most `reserve` writes.
 */
export interface Alongside {
  readonly reserve: number;
  readonly writes: (changed: readonly { before: RepostNotice; after: RepostNotice }[]) => TransactionWrite[];
  /** Called with the writes of `writes` whose transaction committed. */
  readonly committed?: ((writes: readonly TransactionWrite[]) => void) | undefined;
}

export interface NoticeUpdate {
  readonly key: RecordKey;
  readonly change: (current: RepostNotice) => RepostNotice | undefined;
  /** A copy just read (an index page's item), which saves reading the notice again. */
  readonly known?: StoredRecord<RepostNotice> | undefined;
}

export interface NoticeUpdateResult {
  /** The notice as it ends up; undefined when it does not exist. */
  readonly record: StoredRecord<RepostNotice> | undefined;
  /** The notice before this call changed it; absent when this call left it as it was. */
  readonly before?: RepostNotice | undefined;
}

/**
 * `updateNotice` for many notices at once, in as few transactions as the store takes: each
 * transaction holds the changed notices (each under its version), their counter moves summed per
 * counter record, their overdue-list writes and the `alongside` records, up to the store's
 * `transactEachLimit` writes (DynamoDB: 100; SQLite, where a transaction is a savepoint, more, so
 * the counter moves of many notices are summed before they reach the store) and
 * NOTICES_PER_TRANSACTION notices. Counters stay exact: a transaction commits every notice change
 * in it with its counts, or nothing. When one fails (a notice changed since it was read: a stale
 * index copy, a concurrent consumer), its notices are done again one by one from a fresh read, as
 * updateNotice does, so each change is still applied, and counted, once.
 * Results are in the order of `updates`. `limits` lowers the writes a transaction takes (tests).
 */
export async function updateNotices(
  platform: Pick<Platform, "records" | "clock">,
  updates: readonly NoticeUpdate[],
  alongside?: Alongside,
  limits?: { readonly writes?: number },
): Promise<NoticeUpdateResult[]> {
  const { records } = platform;
  const results: NoticeUpdateResult[] = new Array(updates.length);
  const budget =
    Math.min(records.transactEachLimit, limits?.writes ?? Number.POSITIVE_INFINITY) -
    (alongside?.reserve ?? 0);
  interface Planned {
    readonly i: number;
    readonly current: StoredRecord<RepostNotice>;
    readonly record: NewRecord<RepostNotice>;
    readonly counted: TransactionWrite[];
  }
  let chunk: Planned[] = [];
  /** The notices in `chunk`, by key: a notice twice in `updates` goes in the next transaction. */
  let inChunk = new Set<string>();
  let merged = new Map<string, TransactionWrite>();
  const planned: { notices: Planned[]; writes: TransactionWrite[]; extra: TransactionWrite[] }[] = [];
  const flush = () => {
    if (chunk.length === 0) return;
    const notices = chunk;
    const counters = [...merged.values()];
    chunk = [];
    inChunk = new Set();
    merged = new Map();
    const extra =
      alongside?.writes(notices.map((p) => ({ before: p.current.data, after: p.record.data }))) ?? [];
    const writes: TransactionWrite[] = [
      ...notices.map((p) => ({
        put: p.record,
        condition: { kind: "version", version: p.current.version } as const,
      })),
      ...counters.filter((w) => !("add" in w) || Object.keys(w.counts).length > 0),
      ...extra,
    ];
    planned.push({ notices, writes, extra });
  };
  const now = platform.clock.now();
  for (const [i, u] of updates.entries()) {
    const current = u.known ?? (await records.get<RepostNotice>(u.key));
    if (!current) {
      results[i] = { record: undefined };
      continue;
    }
    const next = u.change(current.data);
    if (next === undefined) {
      results[i] = { record: current };
      continue;
    }
    const planned: Planned = {
      i,
      current,
      record: { ...u.key, data: next, index: noticeIndex(next, now) },
      counted: counterWrites(current.data, next),
    };
    // The writes this notice adds to the chunk: its own, and counters the chunk does not move yet.
    const ids = planned.counted.map(writeId);
    let added = 1;
    for (const [j, w] of planned.counted.entries()) if (!("add" in w && merged.has(ids[j]!))) added++;
    const noticeId = `${u.key.pk}\n${u.key.sk}`;
    if (
      chunk.length > 0 &&
      (inChunk.has(noticeId) ||
        chunk.length >= NOTICES_PER_TRANSACTION ||
        merged.size + chunk.length + added > budget)
    )
      flush();
    chunk.push(planned);
    inChunk.add(noticeId);
    for (const [j, w] of planned.counted.entries()) {
      const id = ids[j]!;
      const prior = merged.get(id);
      if (!("add" in w)) merged.set(id, w);
      else if (prior && "add" in prior) {
        // The chunk's own copy (made below): summed in place, with the latest label.
        const sum = prior as MergedAdd;
        sum.add = w.add;
        for (const name in w.counts) {
          const n = (sum.counts[name] ?? 0) + w.counts[name]!;
          if (n === 0) delete sum.counts[name];
          else sum.counts[name] = n;
        }
      } else {
        const copy: MergedAdd = { add: w.add, counts: { ...w.counts } };
        merged.set(id, copy);
      }
    }
  }
  flush();
  if (planned.length === 0) return results;
  const committed = await records.transactEach(planned.map((t) => t.writes));
  for (const [t, { notices, extra }] of planned.entries()) {
    if (committed[t]) {
      if (extra.length > 0) alongside?.committed?.(extra);
      for (const p of notices) {
        results[p.i] = { record: { ...p.record, version: p.current.version + 1 }, before: p.current.data };
      }
    } else {
      // Nothing of it was written: each notice again, from a fresh read.
      for (const p of notices) {
        const u = updates[p.i]!;
        results[p.i] = await updateOne(platform, u.key, u.change, undefined, alongside);
      }
    }
  }
  return results;
}

/** A counter add of a chunk being filled, its moves summed in place (updateNotices). */
interface MergedAdd {
  add: RecordKey & { readonly data: unknown };
  readonly counts: Record<string, number>;
}

function writeId(w: TransactionWrite): string {
  const key = "put" in w ? w.put : "delete" in w ? w.delete : w.add;
  return `${key.pk}\n${key.sk}`;
}

/** Stores a new notice and counts it; ConditionFailedError when it exists already (counted once). */
export async function createNotice(
  platform: Pick<Platform, "records" | "clock">,
  notice: RepostNotice,
): Promise<void> {
  await platform.records.transact([
    {
      put: {
        ...noticeKeys(notice.documentId, notice.siteId),
        data: notice,
        index: noticeIndex(notice, platform.clock.now()),
      },
      condition: { kind: "absent" },
    },
    ...counterWrites(undefined, notice),
  ]);
}

export function repostDocumentKeys(documentId: string) {
  return { pk: `${REPOST_DOCS_KIND}#${shardOf(documentId)}`, sk: documentId };
}

/**
 * Every fanned-out document, in document-id order (publication order: ids are ULIDs), a page at a
 * time: the shards merged, and the legacy partition with them until the rebuild has emptied it.
 */
export function repostDocumentPages(
  records: RecordStore,
  pageSize = 100,
): AsyncGenerator<StoredRecord<RepostDocument>[]> {
  return mergedPages<RepostDocument>(
    records,
    [...shardPartitions(REPOST_DOCS_KIND), LEGACY_REPOST_DOCS_PARTITION],
    pageSize,
  );
}

/** A fanned-out document: what the report and the periodic tick start from. */
export interface RepostDocument {
  readonly documentId: string;
  readonly editionId: string;
  readonly title: string;
  readonly docNumber: string | null;
  readonly publishedAt: string;
  readonly deadline: string;
  readonly deadlineProvisional: boolean;
  /**
   * The late-registration sweep (a second fan-out pass, see fanout.ts): queued once by the first
   * pass's last page. `queuedBy` is the SQS message id that queued it, so a redelivery of that
   * message queues it again (it may have crashed before the send) and no other message does.
   * Absent on documents fanned out before the sweep existed, or while the first pass runs.
   */
  readonly sweep?: {
    readonly queuedAt: string;
    readonly queuedBy: string;
    /** When the sweep's last page was done; a sweep message arriving later does nothing. */
    readonly doneAt: string | null;
  };
}

/**
 * Recomputes, from the notices themselves, everything kept beside them: each notice's reminder day,
 * publication time, due-index keys (due.ts) and overdue-list keys, and the report's counters
 * (counters.ts). It is the migration for notices stored before these existed (`reposts-rebuild`
 * in src/migrations, run once per REPOSTS_REBUILD_VERSION at `npm start`, by the migration
 * function after a deploy or by `gazette migrate`; `gazette reposts rebuild` runs it again on
 * demand against a data directory or a deployed table) and the oracle the property test compares
 * the incremental counters with.
 *
 * It works in bounded steps (`rebuildStep`), each resumable from the cursor the previous one
 * returned, and is meant to run with the pipeline live. Phases:
 *
 *   move       fanned-out documents moved from their one partition of old to their shards
 *   snapshot   one step per site-counter shard: the version of every site counter (A), kept in
 *              scratch records (REPOST_REBUILD#T0#<shard>)
 *   documents  one step per document: its counters read (A), its notices read and completed (S),
 *              its counters read again (B); where A and B agree, the differences from what the
 *              notices give are added under B's versions, else the document is read again. A
 *              notice's index keys (due index, overdue list) are completed with the notice, under
 *              its version; the overdue list's items of before version 4 are deleted.
 *              The notices' per-site contributions go to scratch records (REPOST_REBUILD#SITES#…)
 *   sites      one step per site-counter shard: the contributions summed from scratch, the
 *              counters read (B); a counter whose version is still the snapshot's was written by
 *              nobody while the notices were read, so the sum is exact: the difference is added
 *              under that version. A counter written meanwhile goes to
 *   recheck    its site read again alone: its counters, then its notice in every document (gets),
 *              then its counters again, corrected under their versions when unchanged
 *   cleanup    the scratch records deleted
 *
 * Why that is exact with the pipeline live: every write of a notice that changes what it counts
 * also writes (and so moves the version of) each counter it counts in, in one transaction
 * (records.ts). A counter whose version is the same before and after the notices were read had no
 * such write in between, so the notices read are what it should hold; a correction conditioned on
 * that version lands only if still nothing wrote it, and any later change adds its own difference
 * on top. Counter records are never deleted, so a version never repeats. A step redone after a
 * crash (its writes made, its cursor not stored) reads again and finds nothing left to correct,
 * or finds the counters it wrote moved and rechecks them.
 */
import { hash, randomBytes } from "node:crypto";
import { ConditionFailedError } from "../platform/errors.js";
import {
  type Platform,
  type RecordKey,
  type RecordStore,
  type StoredRecord,
  sameIndexKeys,
  type TransactionWrite,
  type WriteCondition,
} from "../platform/ports.js";
import { mapConcurrently, queryAll } from "../platform/reads.js";
import { queryShards, shardPartitions } from "../platform/sharded.js";
import {
  ALL_MONTHS,
  COUNTER_SHARDS,
  chinaMonth,
  contribution,
  counterMonth,
  counterTargets,
  documentCounterTargets,
  documentCountsPartition,
  FIGURES,
  legacyOverduePartition,
  type SiteLabel,
  type StoredSiteLabel,
  siteCounterShard,
  siteCountsPartition,
  storedSiteLabel,
} from "./counters.js";
import { reminderDay } from "./due.js";
import type { RepostNotice } from "./model.js";
import {
  LEGACY_REPOST_DOCS_PARTITION,
  noticeIndex,
  noticeKeys,
  noticePartition,
  REPOST_DOCS_KIND,
  type RepostDocument,
  repostDocumentKeys,
  repostDocumentPages,
} from "./records.js";
import type { WorkingDayCalendar } from "./working-days.js";

/**
 * 1: the due index; 2: the report's counters and overdue list, and publication times on notices;
 * 3: fanned-out documents moved from their one partition to shards (records.ts); 4: the overdue
 * list as an index of the notices (gsi3), its items of before deleted (counters.ts); 5: site
 * counters' labels as [name, region, level] (StoredSiteLabel), rewritten where stored as objects.
 */
export const REPOSTS_REBUILD_VERSION = 5;
export const REPOSTS_REBUILD_MARKER = { pk: "REPOST_TICK", sk: "due-index-version" } as const;

const SCRATCH = "REPOST_REBUILD";
/** Scratch records of one shard are split in this many by site, to stay far under an item's size. */
const SUBS = 8;
const READS_AT_ONCE = 32;
const WRITES_AT_ONCE = 16;
/** Tries within a step, then steps, before a document or site still changing is left with a warning. */
const TRIES_IN_STEP = 3;
const STEPS_PER_ITEM = 5;
const RECHECK_SITES_PER_STEP = 200;
const CLEANUP_PER_STEP = 1_000;
/**
 * Scratch of another rebuild older than this is taken as abandoned (a killed `gazette reposts
 * rebuild`, which keeps no cursor), unless it is the migration's (its state names it).
 */
const ABANDONED_MS = 24 * 3600_000;
/** The migration runner's state of `reposts-rebuild` (src/migrations/runner.ts migrationKey). */
const MIGRATION_STATE = { pk: "MIGRATION#reposts-rebuild", sk: "STATE" } as const;

export interface RebuildResult {
  readonly documents: number;
  readonly notices: number;
  /** Notices written again (reminder day, publication time or due keys were missing or stale). */
  readonly rewritten: number;
  /** Counter records corrected. */
  readonly counters: number;
  /** Overdue-list items of before version 4 (one per overdue notice) deleted: the list is now an index. */
  readonly overdue: number;
  /** Fanned-out documents moved from the legacy partition to their shard. */
  readonly moved: number;
  /** Sites whose counters changed while the notices were read, read again notice by notice. */
  readonly rechecked: number;
  /**
   * Documents and sites whose counters kept changing through every try (STEPS_PER_ITEM steps of
   * TRIES_IN_STEP): left as they were, each named in a warning.
   */
  readonly unsettled: number;
}

type Counts = { -readonly [K in keyof RebuildResult]: number };

const emptyResult = (): Counts => ({
  documents: 0,
  notices: 0,
  rewritten: 0,
  counters: 0,
  overdue: 0,
  moved: 0,
  rechecked: 0,
  unsettled: 0,
});

type Phase = "move" | "snapshot" | "documents" | "sites" | "recheck" | "cleanup";

/** Where the next step starts (JSON in the migration's state). */
interface Cursor {
  /** This rebuild's generation: its scratch records' sort keys start with it. */
  readonly g: string;
  readonly phase: Phase;
  /** Months (YYYY-MM) with site counters: of the documents, and of notices met since. */
  readonly months: readonly string[];
  readonly shard?: number | undefined;
  /** documents: the listing's cursor past the documents done. */
  readonly after?: string | undefined;
  /** Steps the current document or recheck batch has taken without settling. */
  readonly tries?: number | undefined;
  /** recheck: the sites of the shard still to read again. */
  readonly pending?: readonly string[] | undefined;
}

export interface RebuildStepResult {
  /** Undefined when the rebuild is finished. */
  readonly cursor?: string | undefined;
  readonly counts: RebuildResult;
  readonly warnings: readonly string[];
}

export interface RebuildOptions {
  /**
   * Steps a document or a batch of sites may take, each of TRIES_IN_STEP reads, while its counters
   * keep changing, before it is left with a warning (default STEPS_PER_ITEM).
   */
  readonly stepsPerItem?: number | undefined;
}

interface StepContext {
  readonly stepsPerItem: number;
  readonly records: RecordStore;
  readonly platform: Pick<Platform, "records" | "clock">;
  readonly calendar: WorkingDayCalendar;
  readonly result: Counts;
  readonly warnings: string[];
}

/** One bounded step of the rebuild from `cursor` (undefined: the start). */
export async function rebuildStep(
  platform: Pick<Platform, "records" | "clock">,
  calendar: WorkingDayCalendar,
  cursor: string | undefined,
  options: RebuildOptions = {},
): Promise<RebuildStepResult> {
  const ctx: StepContext = {
    stepsPerItem: options.stepsPerItem ?? STEPS_PER_ITEM,
    records: platform.records,
    platform,
    calendar,
    result: emptyResult(),
    warnings: [],
  };
  const at: Cursor = cursor
    ? (JSON.parse(cursor) as Cursor)
    : {
        g: `${platform.clock.now().toISOString()}~${randomBytes(4).toString("hex")}`,
        phase: "move",
        months: [],
      };
  const next = await PHASES[at.phase](ctx, at);
  return { cursor: next && JSON.stringify(next), counts: ctx.result, warnings: ctx.warnings };
}

/** The whole rebuild in this process: every step in turn. */
export async function rebuildReposts(
  platform: Pick<Platform, "records" | "clock">,
  calendar: WorkingDayCalendar,
  options: RebuildOptions & { onWarning?: (warning: string) => void } = {},
): Promise<RebuildResult> {
  const total = emptyResult();
  let cursor: string | undefined;
  do {
    const step = await rebuildStep(platform, calendar, cursor, options);
    for (const k of Object.keys(total) as (keyof Counts)[]) total[k] += step.counts[k];
    for (const w of step.warnings) options.onWarning?.(w);
    cursor = step.cursor;
  } while (cursor !== undefined);
  return total;
}

const PHASES: Record<Phase, (ctx: StepContext, at: Cursor) => Promise<Cursor | undefined>> = {
  move: moveStep,
  snapshot: snapshotStep,
  documents: documentStep,
  sites: sitesStep,
  recheck: recheckStep,
  cleanup: cleanupStep,
};

// ---------------------------------------------------------------------------------------------
// Reading and writing helpers

/** Every record of a partition (or its prefix), 1,000 a page. */
function readAll<T = unknown>(records: RecordStore, partition: string, prefix?: string) {
  return queryAll<T>(records, partition, { prefix, pageSize: 1_000 });
}

async function* eachRecord<T = unknown>(
  records: RecordStore,
  partition: string,
  prefix?: string,
): AsyncGenerator<StoredRecord<T>> {
  let cursor: string | undefined;
  do {
    const page = await records.query<T>(partition, { cursor, limit: 100, prefix });
    yield* page.items;
    cursor = page.cursor;
  } while (cursor);
}

const idOf = (key: RecordKey) => `${key.pk}\n${key.sk}`;

/** Every fanned-out document (main table, consistent), in id order. */
async function allDocuments(records: RecordStore): Promise<RepostDocument[]> {
  const docs: RepostDocument[] = [];
  for await (const page of repostDocumentPages(records, 100)) docs.push(...page.map((r) => r.data));
  return docs;
}

const buckets = new Map<string, readonly [shard: number, sub: number]>();

/**
 * A site's counter shard (as counters.ts files it) and which of that shard's SUBS scratch records
 * its entries go to; cached, since a site recurs in every document.
 */
function siteBuckets(siteId: string): readonly [shard: number, sub: number] {
  let b = buckets.get(siteId);
  if (b === undefined) {
    if (buckets.size > 100_000) buckets.clear();
    b = [siteCounterShard(siteId), hash("sha256", siteId, "buffer")[1]! % SUBS];
    buckets.set(siteId, b);
  }
  return b;
}

const siteSub = (siteId: string) => siteBuckets(siteId)[1];

const t0Partition = (shard: number) => `${SCRATCH}#T0#${shard}`;
const sitesPartition = (shard: number) => `${SCRATCH}#SITES#${shard}`;

interface Expected {
  readonly key: RecordKey;
  data: unknown;
  readonly counts: Record<string, number>;
}

function bitsOf(n: RepostNotice): number {
  const c = contribution(n);
  let bits = 0;
  FIGURES.forEach((f, i) => {
    if (c[f]) bits |= 1 << i;
  });
  return bits;
}

function addBits(into: Record<string, number>, bits: number): void {
  FIGURES.forEach((f, i) => {
    if (bits & (1 << i)) into[f] = (into[f] ?? 0) + 1;
  });
}

/**
 * The add that brings a stored counter (or its absence) to the expected counts, under the version
 * it was read at; undefined when nothing differs.
 */
function correction(
  key: RecordKey,
  expected: Expected | undefined,
  stored: StoredRecord | undefined,
): TransactionWrite | undefined {
  const counts: Record<string, number> = {};
  const names = new Set<string>([...FIGURES, ...Object.keys(stored?.counts ?? {})]);
  for (const f of names) {
    const d = (expected?.counts[f] ?? 0) - (stored?.counts?.[f] ?? 0);
    if (d !== 0) counts[f] = d;
  }
  const data = expected?.data ?? stored?.data ?? null;
  const sameData = !stored || !expected || JSON.stringify(stored.data) === JSON.stringify(expected.data);
  if (Object.keys(counts).length === 0 && (sameData || !stored)) return undefined;
  if (!stored && !expected) return undefined;
  const condition: WriteCondition = stored
    ? { kind: "version", version: stored.version }
    : { kind: "absent" };
  return { add: { ...key, data }, counts, condition };
}

/** Commits the writes in transactions of up to 100; returns the keys of those that did not commit. */
async function commit(records: RecordStore, writes: readonly TransactionWrite[]): Promise<Set<string>> {
  const batches: TransactionWrite[][] = [];
  for (let i = 0; i < writes.length; i += 100) batches.push(writes.slice(i, i + 100));
  const failed = new Set<string>();
  if (batches.length === 0) return failed;
  const done = await records.transactEach(batches);
  done.forEach((ok, i) => {
    if (ok) return;
    for (const w of batches[i]!) failed.add(idOf("put" in w ? w.put : "delete" in w ? w.delete : w.add));
  });
  return failed;
}

// ---------------------------------------------------------------------------------------------
// Phases

async function moveStep(ctx: StepContext, at: Cursor): Promise<Cursor> {
  for (let batch = 0; batch < 20; batch++) {
    const moved = await moveLegacyBatch(ctx.records);
    if (moved === undefined) {
      const months = new Set((await allDocuments(ctx.records)).map((d) => chinaMonth(d.publishedAt)));
      return { ...at, phase: "snapshot", shard: 0, months: [...months].sort() };
    }
    ctx.result.moved += moved;
  }
  return at;
}

/** The version of every site counter of the shard, before any notice is read. */
async function snapshotStep(ctx: StepContext, at: Cursor): Promise<Cursor> {
  const shard = at.shard ?? 0;
  const writes: Promise<unknown>[] = [];
  for (const month of [...at.months, ALL_MONTHS]) {
    const subs: [string, number][][] = Array.from({ length: SUBS }, () => []);
    for (const r of await readAll(ctx.records, siteCountsPartition(month, shard))) {
      subs[siteSub(r.sk)]!.push([r.sk, r.version]);
    }
    subs.forEach((versions, sub) => {
      if (versions.length === 0) return;
      writes.push(ctx.records.put({ pk: t0Partition(shard), sk: `${at.g}#${month}#${sub}`, data: versions }));
    });
  }
  await Promise.all(writes);
  return shard + 1 < COUNTER_SHARDS
    ? { ...at, shard: shard + 1 }
    : { ...at, phase: "documents", shard: undefined, after: undefined };
}

async function documentStep(ctx: StepContext, at: Cursor): Promise<Cursor> {
  const sources = shardPartitions(REPOST_DOCS_KIND).map((partition) => ({ partition }));
  const page = await queryShards<RepostDocument>(ctx.records, "repost-rebuild", sources, {
    limit: 1,
    cursor: at.after,
  });
  const item = page.items[0];
  const toSites: Cursor = { ...at, phase: "sites", shard: 0, after: undefined, tries: undefined };
  if (!item) return toSites;
  const months = new Set(at.months);
  const settled = await rebuildDocument(ctx, at.g, item.data, months);
  const withMonths = { ...at, months: [...months].sort() };
  if (!settled) {
    const tries = (at.tries ?? 0) + 1;
    if (tries < ctx.stepsPerItem) return { ...withMonths, tries };
    ctx.result.unsettled += 1;
    ctx.warnings.push(
      `reposts rebuild: the counters of document ${item.data.documentId} changed during each of ${tries * TRIES_IN_STEP} reads of its notices and were left as they were; run \`gazette reposts rebuild\` again when it is quieter`,
    );
  }
  return page.cursor
    ? { ...withMonths, after: page.cursor, tries: undefined }
    : { ...toSites, months: withMonths.months };
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
    n.remindFrom !== undefined && n.document.publishedAt !== undefined && sameIndexKeys(item.index, index);
  return same ? undefined : next;
}

/** Writes the notice as the current code would have; returns what is stored (read again when it moved). */
async function complete(
  ctx: StepContext,
  item: StoredRecord<RepostNotice>,
  doc: RepostDocument,
  remindFrom: string,
): Promise<StoredRecord<RepostNotice> | undefined> {
  let stored: StoredRecord<RepostNotice> | undefined = item;
  for (;;) {
    const next = completed(stored, doc, remindFrom, ctx.platform.clock.now());
    if (!next) return stored;
    try {
      stored = await ctx.records.put<RepostNotice>(
        { pk: stored.pk, sk: stored.sk, data: next, index: noticeIndex(next, ctx.platform.clock.now()) },
        { kind: "version", version: stored.version },
      );
      ctx.result.rewritten += 1;
      return stored;
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      stored = await ctx.records.get<RepostNotice>(stored);
      if (!stored) return undefined;
    }
  }
}

/**
 * Every notice of the document, each completed, handed to `visit` a page at a time (consistent
 * reads of the main table); returns how many.
 */
async function readNotices(
  ctx: StepContext,
  doc: RepostDocument,
  remindFrom: string,
  visit: (notice: StoredRecord<RepostNotice>) => void,
): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await ctx.records.query<RepostNotice>(noticePartition(doc.documentId), {
      cursor,
      limit: 500,
    });
    cursor = page.cursor;
    const now = ctx.platform.clock.now();
    const stale = page.items.filter((i) => completed(i, doc, remindFrom, now) !== undefined);
    const fixed = new Map<string, StoredRecord<RepostNotice> | undefined>();
    await mapConcurrently(stale, WRITES_AT_ONCE, async (i) =>
      fixed.set(i.sk, await complete(ctx, i, doc, remindFrom)),
    );
    for (const i of page.items) {
      const n = fixed.has(i.sk) ? fixed.get(i.sk) : i;
      if (!n) continue;
      count += 1;
      visit(n);
    }
  } while (cursor);
  return count;
}

const sameVersions = (a: readonly StoredRecord[], b: readonly StoredRecord[]) => {
  if (a.length !== b.length) return false;
  const versions = new Map(a.map((r) => [r.sk, r.version]));
  return b.every((r) => versions.get(r.sk) === r.version);
};

/**
 * One document: its counters corrected (settled: true) or found moving through every try; its
 * overdue list's old items deleted; its notices' site contributions put in scratch for the sites phase.
 */
async function rebuildDocument(
  ctx: StepContext,
  g: string,
  doc: RepostDocument,
  months: Set<string>,
): Promise<boolean> {
  const { records } = ctx;
  const remindFrom = reminderDay(ctx.calendar, doc.deadline);
  const countsPk = documentCountsPartition(doc.documentId);
  let settled = false;
  let count = 0;
  /** The notices' contributions to their sites' counters, for the sites phase, by scratch record. */
  let scratch = new Map<string, string[]>();
  const monthOf = new Map<string, string>();
  for (let attempt = 0; attempt < TRIES_IN_STEP && !settled; attempt++) {
    const expected = new Map<string, Expected>();
    scratch = new Map();
    const visit = (stored: StoredRecord<RepostNotice>) => {
      const n = stored.data;
      const bits = bitsOf(n);
      for (const t of documentCounterTargets(n)) {
        const e = expected.get(t.key.sk) ?? { key: t.key, data: t.data, counts: {} };
        addBits(e.counts, bits);
        expected.set(t.key.sk, e);
      }
      const at = n.document.publishedAt ?? n.createdAt;
      let month = monthOf.get(at);
      if (month === undefined) {
        month = counterMonth(n);
        monthOf.set(at, month);
        months.add(month);
      }
      const [shard, sub] = siteBuckets(n.siteId);
      const id = `${shard}\n${g}#${doc.documentId}#${sub}`;
      const entries = scratch.get(id) ?? [];
      entries.push(scratchEntry(n.siteId, month, bits, n.site));
      scratch.set(id, entries);
    };
    const before = await readAll(records, countsPk);
    count = await readNotices(ctx, doc, remindFrom, visit);
    const after = await readAll(records, countsPk);
    if (!sameVersions(before, after)) continue;
    const stored = new Map(after.map((r) => [r.sk, r]));
    const writes: TransactionWrite[] = [];
    for (const sk of new Set([...expected.keys(), ...stored.keys()])) {
      const w = correction({ pk: countsPk, sk }, expected.get(sk), stored.get(sk));
      if (w) writes.push(w);
    }
    const failed = await commit(records, writes);
    ctx.result.counters += writes.length - failed.size;
    settled = failed.size === 0;
  }
  ctx.result.documents += 1;
  ctx.result.notices += count;
  await mapConcurrently([...scratch], WRITES_AT_ONCE, ([id, entries]) => {
    const [shard, sk] = id.split("\n") as [string, string];
    return records.put({ pk: sitesPartition(Number(shard)), sk, data: entries.join("\n") });
  });
  await removeLegacyOverdue(ctx, doc);
  return settled;
}

/**
 * One line of a scratch record: site, month, contribution bits, then the site's label (its name
 * as JSON: escaped, it holds no tab or newline).
 */
function scratchEntry(siteId: string, month: string, bits: number, site: RepostNotice["site"]): string {
  return `${siteId}\t${month}\t${bits}\t${site.region}\t${site.level}\t${JSON.stringify(site.name)}`;
}

function parseScratchEntry(line: string) {
  const [siteId, month, bits, region, level, name] = line.split("\t") as [
    string,
    string,
    string,
    string,
    SiteLabel["level"],
    string,
  ];
  return {
    siteId,
    month,
    bits: Number(bits),
    label: storedSiteLabel({ name: JSON.parse(name) as string, region, level }),
  };
}

/**
 * The document's overdue list as kept before it was an index (an item per overdue notice, written
 * with the notice): deleted. Nothing writes those items any more and the report reads the index,
 * so the deletes need no condition, and a step done again finds none left.
 */
async function removeLegacyOverdue(ctx: StepContext, doc: RepostDocument): Promise<void> {
  const pk = legacyOverduePartition(doc.documentId);
  const listed = await readAll(ctx.records, pk);
  const failed = await commit(
    ctx.records,
    listed.map((r) => ({ delete: { pk, sk: r.sk } })),
  );
  ctx.result.overdue += listed.length - failed.size;
}

/** The site counters of a shard, from the scratch the documents phase wrote. */
async function sitesStep(ctx: StepContext, at: Cursor): Promise<Cursor> {
  const { records } = ctx;
  const shard = at.shard ?? 0;
  const months = new Set(at.months);
  const expected = new Map<string, Expected>();
  const expect = (month: string, siteId: string, bits: number, label: StoredSiteLabel) => {
    const key = { pk: siteCountsPartition(month, shard), sk: siteId };
    const e = expected.get(idOf(key)) ?? { key, data: label, counts: {} };
    addBits(e.counts, bits);
    // The newest document's notice names the site (documents are read in id order).
    e.data = label;
    expected.set(idOf(key), e);
  };
  // A page at a time: at national scale a shard's scratch is tens of MB (hundreds of documents).
  for await (const r of eachRecord<string>(records, sitesPartition(shard), `${at.g}#`)) {
    for (const line of r.data.split("\n")) {
      const { siteId, month, bits, label } = parseScratchEntry(line);
      months.add(month);
      expect(month, siteId, bits, label);
      expect(ALL_MONTHS, siteId, bits, label);
    }
  }
  const snapshot = new Map<string, number>();
  for (const r of await readAll<[string, number][]>(records, t0Partition(shard), `${at.g}#`)) {
    const month = r.sk.slice(at.g.length + 1, r.sk.lastIndexOf("#"));
    for (const [siteId, version] of r.data)
      snapshot.set(idOf({ pk: siteCountsPartition(month, shard), sk: siteId }), version);
  }
  const stored = new Map<string, StoredRecord>();
  for (const month of [...months, ALL_MONTHS]) {
    for (const r of await readAll(records, siteCountsPartition(month, shard))) stored.set(idOf(r), r);
  }
  const recheck = new Set<string>();
  const planned: { site: string; write: TransactionWrite }[] = [];
  for (const id of new Set([...expected.keys(), ...stored.keys()])) {
    const have = stored.get(id);
    const e = expected.get(id);
    const key = have ?? e!.key;
    if (snapshot.get(id) !== have?.version) {
      recheck.add(key.sk);
      continue;
    }
    const w = correction({ pk: key.pk, sk: key.sk }, e, have);
    if (w) planned.push({ site: key.sk, write: w });
  }
  const writes = planned.filter((p) => !recheck.has(p.site)).map((p) => p.write);
  const failed = await commit(records, writes);
  ctx.result.counters += writes.length - failed.size;
  for (const w of writes) {
    if ("add" in w && failed.has(idOf(w.add))) recheck.add(w.add.sk);
  }
  const next: Cursor = { ...at, months: [...months].sort() };
  if (recheck.size > 0) return { ...next, phase: "recheck", pending: [...recheck].sort(), tries: undefined };
  return afterShard(next, shard);
}

function afterShard(at: Cursor, shard: number): Cursor {
  return shard + 1 < COUNTER_SHARDS
    ? { ...at, phase: "sites", shard: shard + 1, pending: undefined, tries: undefined }
    : { ...at, phase: "cleanup", shard: undefined, pending: undefined, tries: undefined };
}

async function recheckStep(ctx: StepContext, at: Cursor): Promise<Cursor> {
  const shard = at.shard ?? 0;
  const pending = at.pending ?? [];
  const batch = pending.slice(0, RECHECK_SITES_PER_STEP);
  const months = new Set(at.months);
  const left = await recheckSites(ctx, shard, batch, months);
  ctx.result.rechecked += batch.length - left.length;
  let rest = pending.slice(batch.length);
  let tries: number | undefined;
  if (left.length > 0) {
    tries = (at.tries ?? 0) + 1;
    if (tries < ctx.stepsPerItem) rest = [...left, ...rest];
    else {
      tries = undefined;
      ctx.result.unsettled += left.length;
      ctx.warnings.push(
        `reposts rebuild: the counters of site(s) ${left.join(", ")} changed during each of ${ctx.stepsPerItem * TRIES_IN_STEP} reads and were left as they were; run \`gazette reposts rebuild\` again when it is quieter`,
      );
    }
  }
  const next: Cursor = { ...at, months: [...months].sort() };
  if (rest.length > 0) return { ...next, pending: rest, tries };
  return afterShard(next, shard);
}

/**
 * Sites read again alone: their counters (A), every document's notice to them (S), their counters
 * again (B); where A and B agree, corrected under B's versions. Returns the sites still moving.
 */
async function recheckSites(
  ctx: StepContext,
  shard: number,
  sites: readonly string[],
  months: Set<string>,
): Promise<string[]> {
  const { records } = ctx;
  let todo = [...sites];
  for (let attempt = 0; attempt < TRIES_IN_STEP && todo.length > 0; ) {
    const keys = todo.flatMap((site) =>
      [...months, ALL_MONTHS].map((month) => ({ pk: siteCountsPartition(month, shard), sk: site })),
    );
    const before = await mapConcurrently(keys, READS_AT_ONCE, (k) => records.get(k));
    const docs = await allDocuments(records);
    const pairs = todo.flatMap((site) => docs.map((doc) => noticeKeys(doc.documentId, site)));
    const notices = await mapConcurrently(pairs, READS_AT_ONCE, (k) => records.get<RepostNotice>(k));
    const unseen = notices.filter((n) => n && !months.has(counterMonth(n.data)));
    if (unseen.length > 0) {
      // A month whose counters were not read before the notices: read them too, and again.
      for (const n of unseen) months.add(counterMonth(n!.data));
      continue;
    }
    attempt += 1;
    const expected = new Map<string, Expected>();
    for (const stored of notices) {
      if (!stored) continue;
      const n = stored.data;
      for (const t of counterTargets(n)) {
        if (!t.key.pk.startsWith("SITE_COUNTS#")) continue;
        const e = expected.get(idOf(t.key)) ?? { key: t.key, data: t.data, counts: {} };
        addBits(e.counts, bitsOf(n));
        e.data = t.data;
        expected.set(idOf(t.key), e);
      }
    }
    const after = await mapConcurrently(keys, READS_AT_ONCE, (k) => records.get(k));
    const moving = new Set<string>();
    keys.forEach((k, i) => {
      if (before[i]?.version !== after[i]?.version) moving.add(k.sk);
    });
    const writes: TransactionWrite[] = [];
    keys.forEach((k, i) => {
      if (moving.has(k.sk)) return;
      const w = correction(k, expected.get(idOf(k)), after[i]);
      if (w) writes.push(w);
    });
    const failed = await commit(records, writes);
    ctx.result.counters += writes.length - failed.size;
    for (const w of writes) if ("add" in w && failed.has(idOf(w.add))) moving.add(w.add.sk);
    todo = todo.filter((site) => moving.has(site));
  }
  return todo;
}

/** Deletes this rebuild's scratch records, and any an abandoned rebuild left. */
async function cleanupStep(ctx: StepContext, at: Cursor): Promise<Cursor | undefined> {
  const { records } = ctx;
  const now = ctx.platform.clock.now().getTime();
  // The migration's own rebuild, if one is under way (however long it has been), is left alone.
  const migration = await records.get<{ cursor?: string }>(MIGRATION_STATE);
  let running: string | undefined;
  try {
    running = migration?.data.cursor ? (JSON.parse(migration.data.cursor) as Cursor).g : undefined;
  } catch {
    running = undefined;
  }
  const ours = (sk: string) => {
    const g = sk.slice(0, sk.indexOf("#"));
    if (g === at.g) return true;
    if (g === running) return false;
    const started = Date.parse(g.slice(0, g.indexOf("~")));
    return Number.isFinite(started) && now - started > ABANDONED_MS;
  };
  const deletes: TransactionWrite[] = [];
  for (let shard = 0; shard < COUNTER_SHARDS && deletes.length < CLEANUP_PER_STEP; shard++) {
    for (const partition of [t0Partition(shard), sitesPartition(shard)]) {
      let cursor: string | undefined;
      do {
        const page = await records.query(partition, { cursor, limit: 100 });
        cursor = page.cursor;
        for (const r of page.items) if (ours(r.sk)) deletes.push({ delete: { pk: r.pk, sk: r.sk } });
      } while (cursor && deletes.length < CLEANUP_PER_STEP);
    }
  }
  await commit(records, deletes.slice(0, CLEANUP_PER_STEP));
  return deletes.length >= CLEANUP_PER_STEP ? at : undefined;
}

/**
 * Moves up to 25 fanned-out documents from the one partition of old to their shard: the copy and
 * the deletion in one transaction, under the old record's version. A copy already in the shard (a
 * fan-out by the new code meanwhile) is the current one: then the old record only goes. Returns
 * undefined when the old partition is empty.
 */
async function moveLegacyBatch(records: RecordStore): Promise<number | undefined> {
  let moved = 0;
  const { items } = await records.query<RepostDocument>(LEGACY_REPOST_DOCS_PARTITION, { limit: 25 });
  if (items.length === 0) return undefined;
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
  return moved;
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

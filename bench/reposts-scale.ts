/**
 * Reposts at national scale (issue 15): the compliance report and the repost tick against the
 * number of notices stored, with the same 10,000 sites and the same 1,000 notices due at every size.
 *
 * Each size seeds its notices straight into the store — on SQLite as bulk inserts in one
 * transaction, on dynalite (DynamoDB's protocol) as BatchWriteItem — as an older release would
 * have left them (no counters), then runs the rebuild (src/reposts/rebuild.ts), which is the
 * migration and writes the counters and the overdue list. Documents: size / 10,000, each to every
 * site; per document 3 in 10 notices verified, 1 in 10 failed, 1 in 50 escalated overdue, the
 * rest delivered and open, and 1,000 / documents whose reminder day is today (the due ones).
 *
 * Then: the report (`GET /api/compliance` without filter: the report and its JSON; and with a
 * region filter), p50 of several runs; the tick with the 1,000 due (after a tick the day before,
 * as a running deployment has; the median of TICKS ticks a week apart, each with its own
 * 1,000 due, see tickSchedule, with the checkpoint of each tick's log pages timed apart, as the
 * local runtime makes it in a thread of its own); an idle tick; the heap held by one report (after a full collection). At 10^5 on SQLite the
 * old tick (bench/peers/scan-tick.ts, kept verbatim as the peer) runs on a copy for comparison.
 */
import {
  closeSync,
  copyFileSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  DynamoDBClient,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import Database from "better-sqlite3";
import { EVENTS_QUEUE } from "../src/documents/events.js";
import { safeJsonStringify } from "../src/http/json.js";
import { createEmbeddedPlatform, DATABASE_FILE } from "../src/platform/embedded/index.js";
import { ManualClock } from "../src/platform/manual-clock.js";
import type { Platform } from "../src/platform/ports.js";
import { buildComplianceReport } from "../src/reposts/compliance.js";
import { ALL_MONTHS, siteCountsPartition } from "../src/reposts/counters.js";
import { reminderDay } from "../src/reposts/due.js";
import { DELIVERY_QUEUE } from "../src/reposts/messages.js";
import type { RepostNotice, SiteLevel } from "../src/reposts/model.js";
import { REPOSTS_REBUILD_VERSION, rebuildReposts } from "../src/reposts/rebuild.js";
import { noticeIndex, noticeKeys, type RepostDocument, repostDocumentKeys } from "../src/reposts/records.js";
import { RepostTick } from "../src/reposts/tick.js";
import { createWorkingDayCalendar } from "../src/reposts/working-days.js";
import {
  createEmulatedPlatform,
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  startEmulators,
} from "../tests/support/aws-emulators.js";
import { startEmulatorsInThread } from "../tests/support/emulator-thread.js";
import { startProfile, stopProfile } from "./cpu-profile.js";
import {
  type DynaliteFloor,
  FloorTable,
  floorLines,
  RequestCapture,
  type TickFloor,
} from "./dynalite-floor.js";
import { ScanningRepostTick } from "./peers/scan-tick.js";

const SITES = 10_000;
const DUE = 1000;
/** Measured ticks on SQLite, each with its own DUE due notices; the figure is their median. */
const TICKS = 7;
/** Monday 2026-03-02, 10:00 in China. */
const NOW = Date.parse("2026-03-02T02:00:00Z");
const DAY = 86_400_000;
const calendar = createWorkingDayCalendar();

export interface ScaleRun {
  readonly store: "sqlite" | "dynalite";
  readonly notices: number;
  readonly documents: number;
  readonly seedSeconds: number;
  readonly rebuildSeconds: number;
  readonly databaseMiB: number | null;
  /** SQLite: the checkpoint after the rebuild (the seed's and the rebuild's log and dirty pages to disk). */
  readonly rebuildCheckpointMs?: number | undefined;
  readonly reportP50Ms: number;
  readonly reportRuns: number;
  readonly reportRegionP50Ms: number;
  readonly reportJsonKiB: number;
  readonly reportHeapMiB: number;
  /** The tick with 1,000 due: the median of `ticks` (each with its own 1,000 due), and each one. */
  readonly tickMs: number;
  /** Notices reminded by the median tick (each measured tick reminds DUE when all goes well). */
  readonly reminded: number;
  readonly ticks: readonly TickSample[];
  /**
   * The tick escalating 1,000 to overdue: the median of the ticks the day before the measured ones
   * that escalated a group (SQLite: TICKS - 1 of them; none on one tick), and how many escalated.
   */
  readonly escalating?: { readonly ms: number; readonly ticks: number; readonly overdue: number } | undefined;
  readonly idleTickMs: number;
  readonly rssMiB: number;
  readonly peer?:
    | { readonly tickMs: number; readonly idleTickMs: number; readonly reminded: number }
    | undefined;
  /** DynamoDB's protocol only: the requests each step sent, and the items its transactions wrote. */
  readonly requests?: StepRequests | undefined;
  /** ms per GetItem on this emulator, measured in the same run (100 in a row). */
  readonly msPerGetItem?: number | undefined;
  /** ms per Query of one shard of site counters (5 in a row), and the items it returned. */
  readonly counterQuery?: { readonly ms: number; readonly items: number } | undefined;
  /** DynamoDB's protocol only: the emulator floor of the tick and the report (bench/dynalite-floor.ts). */
  readonly floor?: DynaliteFloor | undefined;
  /** DynamoDB's protocol only: where dynalite and fauxqs ran (tests/support/emulator-thread.ts). */
  readonly emulators?: "worker thread" | "bench's thread" | undefined;
}

/** One measured tick (the k-th week's group) and the tick the day before it. */
export interface TickSample {
  readonly day: string;
  readonly ms: number;
  /** CPU time of the process during the tick (all its threads): what the load cannot stretch. */
  readonly cpuMs: number;
  readonly reminded: number;
  /** Any other mark the tick made (escalations, re-checks): 0 when it handled exactly its group. */
  readonly other: number;
  /** SQLite: write-ahead-log frames (pages) the tick appended, and checkpoints that ran inside it. */
  readonly wal?: WalDelta | undefined;
  /** SQLite: checkpoints made outside the tick by the bench's stand-in for the runtime (ms), if any. */
  readonly checkpointMs?: number | undefined;
  /** The tick the day before (it escalates the previous group, reminded a week earlier). */
  readonly dayBefore: { readonly ms: number; readonly overdue: number; readonly reminded: number };
}

export interface WalDelta {
  readonly frames: number | null;
  readonly checkpoints: number;
}

/** Requests sent, cumulative: by DynamoDB command, to SQS, and the items the transactions wrote. */
export interface RequestCounts {
  readonly dynamodb: Readonly<Record<string, number>>;
  readonly sqs: number;
  /** Items written by the TransactWriteItems applied (each one request, see tests/support/dynalite-transactions.ts). */
  readonly transactionWrites: number;
}

export interface StepRequests {
  readonly report: RequestCounts;
  readonly tick: RequestCounts;
  readonly idleTick: RequestCounts;
}

function dynamoTotal(c: RequestCounts): number {
  return Object.values(c.dynamodb).reduce((a, b) => a + b, 0);
}

function difference(after: RequestCounts, before: RequestCounts): RequestCounts {
  const dynamodb: Record<string, number> = {};
  for (const [command, n] of Object.entries(after.dynamodb)) {
    const d = n - (before.dynamodb[command] ?? 0);
    if (d > 0) dynamodb[command.replace(/Command$/, "")] = d;
  }
  return {
    dynamodb,
    sqs: after.sqs - before.sqs,
    transactionWrites: after.transactionWrites - before.transactionWrites,
  };
}

function documentId(d: number): string {
  return `01JDOC${String(d).padStart(20, "0")}`;
}

function siteOf(s: number): { id: string; region: string; level: SiteLevel; name: string } {
  const city = String(1 + (s % 20)).padStart(2, "0");
  const county = String(1 + (Math.floor(s / 20) % 30)).padStart(2, "0");
  const isCity = s % 25 === 0;
  return {
    id: `01JSITE${String(s).padStart(19, "0")}`,
    region: `51${city}${isCity ? "00" : county}`,
    level: isCity ? "city" : "county",
    name: `第${s}${isCity ? "市" : "县"}人民政府`,
  };
}

function documentOf(d: number): RepostDocument {
  return {
    documentId: documentId(d),
    editionId: "1",
    title: `关于第${d}件事的通知`,
    docNumber: `川府发〔2026〕${d + 1}号`,
    publishedAt: new Date(NOW - 12 * DAY).toISOString(),
    deadline: "2026-02-27",
    deadlineProvisional: false,
  };
}

/**
 * The measured ticks: tick k comes on the first working day of the k-th week from NOW's Monday, and
 * reminds group k, whose deadline is the next working day (so its reminder day is that day). A
 * week apart, not a day: a reminded notice not acknowledged escalates at the end of its deadline
 * day, which for ticks on successive working days is the instant the group two ticks later falls
 * due (same due time), so every tick from the third would handle 2,000. A week apart, the tick
 * the day before each measured one (as a deployment has) escalates the previous group, and every
 * measured tick reminds exactly its own 1,000.
 */
export function tickSchedule(ticks: number): { day: string; deadline: string }[] {
  const schedule: { day: string; deadline: string }[] = [];
  for (let k = 0; k < ticks; k++) {
    let day = new Date(NOW + 7 * k * DAY).toISOString().slice(0, 10);
    while (!calendar.isWorkingDay(day)) day = new Date(Date.parse(day) + DAY).toISOString().slice(0, 10);
    const deadline = calendar.addWorkingDays(day, 1).date;
    if (reminderDay(calendar, deadline) !== day)
      throw new Error(`tick ${k}: ${deadline} is not reminded from ${day}`);
    schedule.push({ day, deadline });
  }
  if (schedule.length > 0 && schedule.at(-1)!.deadline >= OPEN_REMIND_FROM)
    throw new Error("more ticks than the open notices' deadline leaves room for");
  return schedule;
}

/** The deadline of the open notices not among the due groups, after every measured tick. */
const OPEN_DEADLINE = "2026-05-29";
const OPEN_REMIND_FROM = reminderDay(calendar, OPEN_DEADLINE);

/**
 * Notice s of document d: its state by s (see the header); in due group g when s falls in the g-th
 * due share (g < groups), with group g's deadline (tickSchedule).
 */
function noticeOf(
  d: number,
  s: number,
  dueShare: number,
  schedule: readonly { deadline: string }[],
  overdueEvery = 50,
): RepostNotice {
  const doc = documentOf(d);
  const site = siteOf(s);
  const group = Math.floor(s / dueShare);
  const due = group < schedule.length;
  const overdue = !due && s % overdueEvery === 7 % overdueEvery;
  const kind = s % 10;
  const deadline = due ? schedule[group]!.deadline : overdue ? "2026-02-27" : OPEN_DEADLINE;
  const at = new Date(NOW - 11 * DAY).toISOString();
  const failed = !due && !overdue && kind === 4;
  const verified = !due && !overdue && kind >= 1 && kind <= 3;
  return {
    id: `${doc.documentId}.${site.id}`,
    documentId: doc.documentId,
    siteId: site.id,
    editionId: "1",
    createdAt: doc.publishedAt,
    site: { name: site.name, region: site.region, level: site.level },
    document: { title: doc.title, docNumber: doc.docNumber, publishedAt: doc.publishedAt },
    deadline,
    deadlineProvisional: false,
    delivery: {
      state: failed ? "failed" : "delivered",
      attempts: failed ? 8 : 1,
      nextAttemptAt: null,
      deliveredAt: failed ? null : at,
      failedAt: failed ? at : null,
      lastStatus: failed ? 503 : 200,
      lastError: failed ? "HTTP 503" : null,
      lease: null,
    },
    ack: verified ? { url: `https://example.gov.cn/${s}/${d}.html`, at } : null,
    verification: verified
      ? { state: "verified", reason: null, checkedAt: at, checks: 1, nextCheckAt: null }
      : null,
    reminderSentAt: overdue ? at : null,
    overdueAt: overdue ? new Date(NOW - 2 * DAY).toISOString() : null,
    remindFrom: reminderDay(calendar, deadline),
  };
}

/** What a seeded store holds besides its size. */
export interface SeedOptions {
  /** One notice in this many (of those not due) is overdue: 50 (2%) unless said; 1 makes all. */
  readonly overdueEvery?: number;
  /**
   * The overdue notices seeded in the overdue list's index, as the current release writes them;
   * without, they are an older release's rows, which the rebuild indexes.
   */
  readonly overdueIndex?: boolean;
}

/** The store's records at `notices` notices, with `groups` groups of DUE due notices (one per measured tick). */
function* seedRecords(notices: number, groups = 1, options: SeedOptions = {}) {
  const documents = Math.max(1, Math.round(notices / SITES));
  const dueShare = Math.round(DUE / documents);
  if (dueShare * groups > SITES) throw new Error(`${groups} groups of ${DUE} due do not fit ${SITES} sites`);
  const schedule = tickSchedule(groups);
  const now = new Date(NOW - DAY);
  for (let d = 0; d < documents; d++) {
    yield { ...repostDocumentKeys(documentId(d)), data: documentOf(d) as unknown, index: undefined };
    for (let s = 0; s < SITES; s++) {
      const n = noticeOf(d, s, dueShare, schedule, options.overdueEvery);
      yield { ...noticeKeys(n.documentId, n.siteId), data: n as unknown, index: noticeIndex(n, now) };
    }
  }
}

/** Bulk inserts in one transaction, as an older release's rows (no counters). */
export function seedSqlite(dataDir: string, notices: number, groups = 1, options: SeedOptions = {}): void {
  createEmbeddedPlatform({ dataDir, synchronous: "normal" }).close(); // creates the schema
  const db = new Database(join(dataDir, DATABASE_FILE));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  const insert = db.prepare(
    "INSERT INTO records (pk, sk, data, version, gsi1pk, gsi1sk, gsi2pk, gsi2sk, gsi3pk, gsi3sk) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?)",
  );
  db.transaction(() => {
    for (const r of seedRecords(notices, groups, options)) {
      insert.run(
        r.pk,
        r.sk,
        JSON.stringify(r.data),
        r.index?.gsi1pk ?? null,
        r.index?.gsi1sk ?? null,
        r.index?.gsi2pk ?? null,
        r.index?.gsi2sk ?? null,
        (options.overdueIndex && r.index?.gsi3pk) || null,
        (options.overdueIndex && r.index?.gsi3sk) || null,
      );
    }
  })();
  db.close();
}

/** The keys of the notices due at the k-th measured tick (group k of seedRecords). */
function dueNoticeKeys(notices: number, group: number) {
  const documents = Math.max(1, Math.round(notices / SITES));
  const dueShare = Math.round(DUE / documents);
  const keys: { pk: string; sk: string }[] = [];
  for (let d = 0; d < documents; d++)
    for (let s = group * dueShare; s < (group + 1) * dueShare; s++)
      keys.push(noticeKeys(documentId(d), siteOf(s).id));
  return keys;
}

export async function seedDynamo(
  endpoint: string,
  tableName: string,
  notices: number,
  groups = 1,
  options: SeedOptions = {},
): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: EMULATOR_REGION, credentials: EMULATOR_CREDENTIALS });
  let batch: WriteRequest[] = [];
  const send = async () => {
    let items: WriteRequest[] | undefined = batch;
    batch = [];
    while (items?.length) {
      const out: BatchWriteItemCommandOutput = await client.send(
        new BatchWriteItemCommand({ RequestItems: { [tableName]: items } }),
      );
      items = out.UnprocessedItems?.[tableName];
    }
  };
  for (const r of seedRecords(notices, groups, options)) {
    const item: Record<string, { S: string } | { N: string }> = {
      pk: { S: r.pk },
      sk: { S: r.sk },
      data: { S: JSON.stringify(r.data) },
      version: { N: "1" },
    };
    if (r.index) {
      item.gsi1pk = { S: r.index.gsi1pk };
      item.gsi1sk = { S: r.index.gsi1sk };
      if (r.index.gsi2pk && r.index.gsi2sk) {
        item.gsi2pk = { S: r.index.gsi2pk };
        item.gsi2sk = { S: r.index.gsi2sk };
      }
      if (options.overdueIndex && r.index.gsi3pk && r.index.gsi3sk) {
        item.gsi3pk = { S: r.index.gsi3pk };
        item.gsi3sk = { S: r.index.gsi3sk };
      }
    }
    batch.push({ PutRequest: { Item: item } });
    if (batch.length === 25) await send();
  }
  await send();
  client.destroy();
}

function p50(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(
  platform: Pick<Platform, "records" | "queues" | "clock">,
  clock: ManualClock,
  runs: number,
  counts?: () => RequestCounts,
  options: {
    /** Measured ticks, each with its own group of due notices (seeded with as many groups). */
    ticks?: number;
    /** SQLite: the write-ahead log's state, read around each tick. */
    wal?: () => WalState;
    /** A checkpoint made outside the ticks (the local runtime's background thread), returning its ms. */
    checkpoint?: () => Promise<number>;
    /** Takes the ticks' messages off their queues, as the consumers would (not timed). */
    drain?: () => Promise<void>;
    /** Called before the k-th measured tick's clock starts, and after the tick (and its drain). */
    aroundTick?: { before(k: number): Promise<void>; after(k: number): Promise<void> };
  } = {},
): Promise<
  Omit<
    ScaleRun,
    | "store"
    | "notices"
    | "documents"
    | "seedSeconds"
    | "rebuildSeconds"
    | "databaseMiB"
    | "rebuildCheckpointMs"
    | "msPerGetItem"
    | "counterQuery"
    | "floor"
  >
> {
  const step = async <R>(work: () => Promise<R>): Promise<{ value: R; requests?: RequestCounts }> => {
    const before = counts?.();
    const value = await work();
    return before && counts ? { value, requests: difference(counts(), before) } : { value };
  };
  const api = { records: platform.records, clock: platform.clock };
  // The report as GET /api/compliance answers it: built, then serialised.
  const report = async (filter = {}) => {
    const t0 = performance.now();
    const body = safeJsonStringify(await buildComplianceReport(api, filter, { limit: 50 }));
    return { ms: performance.now() - t0, bytes: body.length };
  };
  await report(); // warm-up
  // The heap one report holds (its result and JSON, still referenced) after a full collection on
  // each side: without one, a collection during the report made the difference negative.
  const collect = exposedGc();
  collect();
  const heapBefore = process.memoryUsage().heapUsed;
  const held = await buildComplianceReport(api, {}, { limit: 50 });
  const heldJson = safeJsonStringify(held);
  collect();
  const reportHeapMiB = Math.max(0, process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  if (heldJson.length === 0) throw new Error("empty report");
  const { value: first, requests: reportRequests } = await step(() => report());
  const times = [first.ms];
  for (let i = 1; i < runs; i++) times.push((await report()).ms);
  const regionTimes: number[] = [];
  for (let i = 0; i < Math.max(3, Math.floor(runs / 3)); i++)
    regionTimes.push((await report({ region: "510100" })).ms);

  const tick = new RepostTick({ platform, calendar });
  // Each measured tick: the tick the day before (the first one: nothing due, the watermark set;
  // later ones escalate the group reminded a week earlier), then the tick on the group's reminder
  // day, timed with whatever SQLite does in its commits (automatic checkpoints included).
  const samples: TickSample[] = [];
  let tickRequests: RequestCounts | undefined;
  for (const [k, { day }] of tickSchedule(options.ticks ?? 1).entries()) {
    const at = Date.parse(`${day}T02:00:00Z`); // 10:00 in China, as NOW
    clock.advance(at - DAY - clock.now().getTime());
    if (k > 0) await startProfile();
    let t0 = performance.now();
    const before = await tick.run();
    if (k > 0) await stopProfile(`escalating-${clock.now().toISOString().slice(0, 10)}`);
    const dayBefore = { ms: performance.now() - t0, overdue: before.overdue, reminded: before.reminded };
    await options.drain?.();
    await options.checkpoint?.();
    clock.advance(DAY);
    await options.aroundTick?.before(k);
    const wal0 = options.wal?.();
    const cpu0 = process.cpuUsage();
    t0 = performance.now();
    const { value: due, requests } = await step(() => tick.run());
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const wal1 = options.wal?.();
    if (k === 0) tickRequests = requests;
    // The checkpoint of the tick's own log pages, as the runtime's thread makes it after the tick.
    const checkpointMs = await options.checkpoint?.();
    await options.drain?.();
    await options.aroundTick?.after(k);
    samples.push({
      day,
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      reminded: due.reminded,
      other: due.overdue + due.rechecked + due.resumed,
      wal: wal0 && wal1 ? walDelta(wal0, wal1) : undefined,
      checkpointMs,
      dayBefore,
    });
  }
  const median = [...samples].sort((a, b) => a.ms - b.ms)[Math.floor(samples.length / 2)]!;
  const escalated = samples.filter((s) => s.dayBefore.overdue > 0).map((s) => s.dayBefore);
  const escalatingMedian = [...escalated].sort((a, b) => a.ms - b.ms)[Math.floor(escalated.length / 2)];
  const t0 = performance.now();
  const { requests: idleRequests } = await step(() => tick.run());
  const idleTickMs = performance.now() - t0;
  return {
    requests:
      reportRequests && tickRequests && idleRequests
        ? { report: reportRequests, tick: tickRequests, idleTick: idleRequests }
        : undefined,
    reportP50Ms: p50(times),
    reportRuns: runs,
    reportRegionP50Ms: p50(regionTimes),
    reportJsonKiB: first.bytes / 1024,
    reportHeapMiB,
    tickMs: median.ms,
    reminded: median.reminded,
    ticks: samples,
    escalating: escalatingMedian
      ? { ms: escalatingMedian.ms, ticks: escalated.length, overdue: escalatingMedian.overdue }
      : undefined,
    idleTickMs,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
  };
}

/**
 * The write-ahead log's state, read from SQLite's shared-memory index (the -shm file; its layout is
 * SQLite's WAL-index format, native byte order): frames in the log (mxFrame), frames already copied
 * into the database by a checkpoint (nBackfill), and the salt that changes each time the log
 * restarts from its beginning (the first write after a complete checkpoint).
 */
export interface WalState {
  readonly mxFrame: number;
  readonly nBackfill: number;
  readonly salt: number;
}

export function readWalState(dataDir: string): WalState {
  const fd = openSync(join(dataDir, `${DATABASE_FILE}-shm`), "r");
  try {
    const header = Buffer.alloc(136);
    readSync(fd, header, 0, 136, 0);
    return {
      mxFrame: header.readUInt32LE(16),
      salt: header.readUInt32LE(32),
      nBackfill: header.readUInt32LE(96),
    };
  } finally {
    closeSync(fd);
  }
}

/**
 * Frames a step appended and the checkpoints that ran inside it. A checkpoint copies the log into
 * the database (nBackfill rises); the next write restarts the log (a new salt, nBackfill 0). So a
 * step held one when nBackfill rose under the same salt, or when the log restarted though no
 * checkpoint had finished before it, or restarted and was copied again. Frames are unknown (null)
 * when the log restarted inside the step after some of its frames.
 */
export function walDelta(before: WalState, after: WalState): WalDelta {
  if (after.salt === before.salt) {
    return {
      frames: after.mxFrame - before.mxFrame,
      checkpoints: after.nBackfill > before.nBackfill ? 1 : 0,
    };
  }
  // The log restarted: after a checkpoint that had finished before the step, or one inside it.
  const finishedBefore = before.mxFrame > 0 && before.nBackfill >= before.mxFrame;
  return {
    frames: finishedBefore ? after.mxFrame : null,
    checkpoints: (finishedBefore ? 0 : 1) + (after.nBackfill > 0 ? 1 : 0),
  };
}

/** The ticks' messages taken off their queues, as the delivery and events consumers would. */
async function drainQueues(queues: Platform["queues"]): Promise<void> {
  for (const queue of [DELIVERY_QUEUE, EVENTS_QUEUE]) {
    for (;;) {
      const messages = await queues.receive(queue, { maxMessages: 10, waitSeconds: 0 });
      if (messages.length === 0) break;
      for (const m of messages) await queues.delete(queue, m.receiptHandle);
    }
  }
}

async function peerTick(dataDir: string) {
  const clock = new ManualClock(NOW - DAY);
  const platform = createEmbeddedPlatform({ dataDir, clock, synchronous: "normal" });
  const tick = new ScanningRepostTick({ platform, calendar });
  clock.advance(DAY);
  let t0 = performance.now();
  const first = await tick.run();
  const tickMs = performance.now() - t0;
  t0 = performance.now();
  await tick.run();
  const idleTickMs = performance.now() - t0;
  platform.close();
  return { tickMs, idleTickMs, reminded: first.reminded };
}

export async function rebuild(platform: Pick<Platform, "records" | "clock">): Promise<number> {
  const t0 = performance.now();
  await rebuildReposts(platform, calendar);
  await platform.records.put({
    pk: "REPOST_TICK",
    sk: "due-index-version",
    data: { version: REPOSTS_REBUILD_VERSION },
  });
  return (performance.now() - t0) / 1000;
}

export async function benchSqliteScale(notices: number, options: { peer?: boolean } = {}): Promise<ScaleRun> {
  const dataDir = mkdtempSync(join(tmpdir(), "gazette-scale-"));
  const copy = mkdtempSync(join(tmpdir(), "gazette-scale-peer-"));
  try {
    let t0 = performance.now();
    seedSqlite(dataDir, notices, TICKS);
    const seedSeconds = (performance.now() - t0) / 1000;
    if (options.peer) {
      for (const f of readdirSync(dataDir)) {
        if (statSync(join(dataDir, f)).isFile()) copyFileSync(join(dataDir, f), join(copy, f));
      }
    }
    // The day before: the rebuild and the reports, then the tick once before the clock moves on.
    const clock = new ManualClock(NOW - DAY);
    // As the local runtime opens it (src/runtime/local.ts): the write-ahead log checkpointed by a
    // thread of its own, here when the bench asks (after each tick, timed apart), not in commits.
    const platform = createEmbeddedPlatform({
      dataDir,
      clock,
      synchronous: "normal",
      backgroundCheckpoints: { intervalMs: 0 },
    });
    const checkpoint = async () => {
      const c0 = performance.now();
      await platform.checkpoint();
      return performance.now() - c0;
    };
    t0 = performance.now();
    const rebuildSeconds = await rebuild(platform);
    // What the seed and the rebuild left in the log (and the operating system's cache) goes to disk first.
    const rebuildCheckpointMs = await checkpoint();
    // The database file after that checkpoint holds every page; the log keeps its size after a
    // checkpoint (up to the 10,000-page backstop the rebuild may reach), so it is not counted.
    const databaseMiB = statSync(join(dataDir, DATABASE_FILE)).size / 2 ** 20;
    const run = await measure(platform, clock, 15, undefined, {
      ticks: TICKS,
      wal: () => readWalState(dataDir),
      checkpoint,
      drain: () => drainQueues(platform.queues),
    });
    platform.close();
    const peer = options.peer ? await peerTick(copy) : undefined;
    return {
      store: "sqlite",
      notices,
      documents: Math.round(notices / SITES),
      seedSeconds,
      rebuildSeconds,
      databaseMiB,
      rebuildCheckpointMs,
      ...run,
      peer,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(copy, { recursive: true, force: true });
  }
}

export async function benchDynaliteScale(
  notices: number,
  options: { readonly inProcess?: boolean } = {},
): Promise<ScaleRun> {
  // In a worker thread of their own by default, as a remote service: the app's CPU and the
  // emulators' overlap instead of queueing on one event loop (requests and results the same).
  const emulators = options.inProcess ? await startEmulators() : await startEmulatorsInThread();
  try {
    const tableName = "gazette-scale";
    const dynamodb: Record<string, number> = {};
    let sqs = 0;
    // The requests of the measured tick and of one report, sent again by the emulator floor.
    const capture = new RequestCapture();
    const platform = await createEmulatedPlatform(emulators, {
      tableName,
      bucketName: "gazette-scale",
      queues: [DELIVERY_QUEUE, "events"],
      maxReceiveCount: 5,
      onRequest: (service, command, input) => {
        if (service === "dynamodb") dynamodb[command] = (dynamodb[command] ?? 0) + 1;
        if (service === "sqs") sqs += 1;
        capture.record(service, command, input);
      },
    });
    const counts = (): RequestCounts => ({
      dynamodb: { ...dynamodb },
      sqs,
      transactionWrites: emulators.stats.transactionWrites,
    });
    const t0 = performance.now();
    await seedDynamo(emulators.dynamoEndpoint, tableName, notices, TICKS);
    const seedSeconds = (performance.now() - t0) / 1000;
    const clock = new ManualClock(NOW - DAY);
    const view = { ...platform, clock };
    const rebuildSeconds = await rebuild(view);
    // The floor's table on the same dynalite: the due notices copied before the tick (not timed).
    const floorTable = await FloorTable.create(emulators.dynamoEndpoint, tableName, {
      region: EMULATOR_REGION,
      credentials: EMULATOR_CREDENTIALS,
    });
    let dueItems: Awaited<ReturnType<FloorTable["copy"]>> = [];
    // After each measured tick, its floor (the same due notices, copied before it).
    const tickFloors: TickFloor[] = [];
    let profileName = "";
    const run = await measure(view, clock, 7, counts, {
      ticks: TICKS,
      aroundTick: {
        before: async (k) => {
          profileName = `dynalite-${notices}-tick-${k}`;
          dueItems = await floorTable.copy(dueNoticeKeys(notices, k));
          capture.start();
          await startProfile();
        },
        after: async () => {
          await stopProfile(profileName);
          const captured = capture.stop();
          await startProfile();
          const floor = await floorTable.tick({
            captured,
            items: dueItems,
            clock,
            calendar,
            queues: platform.queues,
            sqsRequests: () => sqs,
          });
          tickFloors.push(floor);
          await stopProfile(`${profileName}-floor`);
        },
      },
    });
    // The report's requests (one more report, not timed), then the floor's runs of them, each
    // after a run of the report itself (GET /api/compliance's work: built, then serialised).
    capture.start();
    await buildComplianceReport(view, {}, { limit: 50 });
    let reportRun = 0;
    const reportFloor = await floorTable.report(capture.stop(), 7, async () => {
      if (reportRun === 0) await startProfile();
      safeJsonStringify(await buildComplianceReport(view, {}, { limit: 50 }));
      if (reportRun++ === 0) await stopProfile(`dynalite-${notices}-report`);
    });
    floorTable.client.destroy();
    // The emulator's pace in this run: one GetItem after another.
    const probe = noticeKeys(documentId(0), siteOf(SITES - 1).id);
    const p0 = performance.now();
    for (let i = 0; i < 100; i++) await platform.records.get(probe);
    const msPerGetItem = (performance.now() - p0) / 100;
    // And one Query returning a shard of site counters (~1,250 items), as the report makes 8 of.
    const shard = siteCountsPartition(ALL_MONTHS, 0);
    let counterItems = 0;
    const q0 = performance.now();
    for (let i = 0; i < 5; i++)
      counterItems = (await platform.records.query(shard, { limit: 5000 })).items.length;
    const counterQuery = { ms: (performance.now() - q0) / 5, items: counterItems };
    return {
      store: "dynalite",
      notices,
      documents: Math.round(notices / SITES),
      seedSeconds,
      rebuildSeconds,
      databaseMiB: null,
      ...run,
      msPerGetItem,
      counterQuery,
      floor: { ticks: tickFloors, report: reportFloor },
      emulators: options.inProcess ? "bench's thread" : "worker thread",
    };
  } finally {
    await emulators.stop();
  }
}

export function repostsScaleReport(runs: readonly ScaleRun[], machine: string): string[] {
  const lines = [
    `# Reposts at scale (${new Date().toISOString()})`,
    machine,
    `${SITES.toLocaleString("en")} sites; documents = notices / ${SITES.toLocaleString("en")}, each to every site; the same ${DUE} notices due (reminders) per measured tick at every size; 2% escalated overdue, 30% verified, 10% failed`,
    `tick with 1,000 due = the median of ${TICKS} ticks a week apart, each reminding its own ${DUE} (seeded as ${TICKS} groups), after the tick the day before (which escalates the group reminded a week earlier); checkpoints: see below the table`,
    "notices seeded straight into the store without counters, then the rebuild (the migration) writes them; report = buildComplianceReport + its JSON as GET /api/compliance sends it (safeJsonStringify), first overdue page of 50",
    "",
    "| store | notices | documents | seed | rebuild | database | report p50 | report p50, region 510100 | report JSON | heap held by one report | tick with 1,000 due | tick escalating 1,000 | idle tick | RSS |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of runs) {
    lines.push(
      `| ${r.store} | ${r.notices.toLocaleString("en")} | ${r.documents} | ${r.seedSeconds.toFixed(1)} s | ${r.rebuildSeconds.toFixed(1)} s | ${r.databaseMiB === null ? "—" : `${r.databaseMiB.toFixed(0)} MiB`} | ${r.reportP50Ms.toFixed(1)} ms (${r.reportRuns} runs) | ${r.reportRegionP50Ms.toFixed(1)} ms | ${r.reportJsonKiB.toFixed(0)} KiB | ${r.reportHeapMiB.toFixed(1)} MiB | ${r.tickMs.toFixed(0)} ms (${(r.ticks?.length ?? 1) > 1 ? `median of ${r.ticks.length}, ` : ""}${r.reminded} reminded) | ${r.escalating ? `${r.escalating.ms.toFixed(0)} ms (median of ${r.escalating.ticks}, ${r.escalating.overdue} escalated)` : "—"} | ${r.idleTickMs.toFixed(1)} ms | ${r.rssMiB.toFixed(0)} MiB |`,
    );
  }
  for (const r of runs) {
    if ((r.ticks?.length ?? 0) < 2) continue;
    const ms = r.ticks.map((t) => t.ms);
    const wal = r.ticks.every((t) => t.wal);
    const checkpoints = r.ticks.reduce((n, t) => n + (t.wal?.checkpoints ?? 0), 0);
    const apart = r.ticks.every((t) => t.checkpointMs !== undefined);
    const withCheckpoint = r.ticks.map((t) => t.ms + (t.checkpointMs ?? 0));
    const escalating = r.ticks.filter((t) => t.dayBefore.overdue > 0).map((t) => t.dayBefore.ms);
    lines.push(
      "",
      ...(r.escalating
        ? [
            `${r.store} at ${r.notices.toLocaleString("en")}, tick escalating 1,000 (the tick the day before each measured one, from the second: it escalates the group reminded a week earlier, ${r.escalating.overdue} notices to overdue): median ${r.escalating.ms.toFixed(0)} ms, min ${Math.min(...escalating).toFixed(0)}, max ${Math.max(...escalating).toFixed(0)} (${escalating.length} ticks)`,
          ]
        : []),
      `${r.store} at ${r.notices.toLocaleString("en")}, tick with 1,000 due: median ${r.tickMs.toFixed(0)} ms, min ${Math.min(...ms).toFixed(0)}, max ${Math.max(...ms).toFixed(0)}; CPU time median ${p50(r.ticks.map((t) => t.cpuMs)).toFixed(0)} ms (${r.ticks.length} ticks${wal ? `; ${checkpoints} of them with a checkpoint inside` : ""})`,
      ...(apart
        ? [
            `  checkpoints are NOT in these ticks: the local runtime copies the log into the database in a thread of its own (src/platform/embedded/checkpointer.ts); the checkpoint of each tick's log pages, made right after it and timed apart: median ${p50(r.ticks.map((t) => t.checkpointMs!)).toFixed(0)} ms, max ${Math.max(...r.ticks.map((t) => t.checkpointMs!)).toFixed(0)}; tick + its checkpoint: median ${p50(withCheckpoint).toFixed(0)} ms, max ${Math.max(...withCheckpoint).toFixed(0)}${r.rebuildCheckpointMs !== undefined ? `; the checkpoint after the seed and the rebuild (not in any tick): ${r.rebuildCheckpointMs.toFixed(0)} ms` : ""}`,
            "  each step's messages are taken off the queues after it (as the consumers would; not timed)",
          ]
        : []),
      `  ${r.ticks
        .map(
          (t) =>
            `${t.day}: ${t.ms.toFixed(0)} ms (CPU ${t.cpuMs.toFixed(0)}), ${t.reminded} reminded${t.other ? ` + ${t.other} other marks` : ""}${t.wal ? `, ${t.wal.frames ?? "?"} log pages${t.wal.checkpoints ? ", checkpoint inside" : ""}` : ""}${t.checkpointMs !== undefined ? `, checkpoint after it ${t.checkpointMs.toFixed(0)} ms` : ""} (day before: ${t.dayBefore.ms.toFixed(0)} ms, ${t.dayBefore.overdue} escalated${t.dayBefore.reminded ? `, ${t.dayBefore.reminded} reminded` : ""})`,
        )
        .join("; ")}`,
    );
  }
  const sqlite = runs.filter((r) => r.store === "sqlite");
  const small = sqlite[0];
  const large = sqlite.at(-1);
  if (small && large && small !== large) {
    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    lines.push(
      "",
      `sqlite, ${large.notices.toLocaleString("en")} vs ${small.notices.toLocaleString("en")} notices: report p50 ×${ratio(large.reportP50Ms, small.reportP50Ms)}, region report ×${ratio(large.reportRegionP50Ms, small.reportRegionP50Ms)}, tick with 1,000 due ×${ratio(large.tickMs, small.tickMs)}, ${large.escalating && small.escalating ? `tick escalating 1,000 ×${ratio(large.escalating.ms, small.escalating.ms)}, ` : ""}idle tick ×${ratio(large.idleTickMs, small.idleTickMs)}, heap held by one report ×${ratio(Math.max(large.reportHeapMiB, 0.1), Math.max(small.reportHeapMiB, 0.1))}, RSS ×${ratio(large.rssMiB, small.rssMiB)}`,
      `goals at ${large.notices.toLocaleString("en")}: report p50 < 200 ms: ${large.reportP50Ms < 200 ? "met" : "NOT met"} (${large.reportP50Ms.toFixed(1)} ms); tick < 100 ms: ${large.tickMs < 100 ? "met" : "NOT met"} (${large.tickMs.toFixed(0)} ms)${large.escalating ? `; tick escalating 1,000 < 100 ms: ${large.escalating.ms < 100 ? "met" : "NOT met"} (${large.escalating.ms.toFixed(0)} ms)` : ""}; each within 1.5× of ${small.notices.toLocaleString("en")}: report ${large.reportP50Ms <= 1.5 * small.reportP50Ms ? "met" : "NOT met"}, tick ${large.tickMs <= 1.5 * small.tickMs ? "met" : "NOT met"}${large.escalating && small.escalating ? `, tick escalating ${large.escalating.ms <= 1.5 * small.escalating.ms ? "met" : "NOT met"}` : ""}`,
    );
  }
  const dynalite = runs.filter((r) => r.store === "dynalite");
  const dSmall = dynalite[0];
  const dLarge = dynalite.at(-1);
  if (dSmall && dLarge && dSmall !== dLarge) {
    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    lines.push(
      "",
      `dynalite, ${dLarge.notices.toLocaleString("en")} vs ${dSmall.notices.toLocaleString("en")} notices (same 10,000 sites, same 1,000 due; ${dLarge.documents} vs ${dSmall.documents} documents): report p50 ×${ratio(dLarge.reportP50Ms, dSmall.reportP50Ms)}, tick with 1,000 due ×${ratio(dLarge.tickMs, dSmall.tickMs)}, idle tick ×${ratio(dLarge.idleTickMs, dSmall.idleTickMs)}`,
    );
    if (dSmall.msPerGetItem && dLarge.msPerGetItem) {
      // The emulator's pace drifts with the machine's load: each time in GetItems of its own run.
      const paced = (r: ScaleRun, ms: number) => ms / r.msPerGetItem!;
      lines.push(
        `  in GetItems of each run's own pace (${dSmall.msPerGetItem.toFixed(1)} and ${dLarge.msPerGetItem.toFixed(1)} ms): report ${paced(dSmall, dSmall.reportP50Ms).toFixed(0)} → ${paced(dLarge, dLarge.reportP50Ms).toFixed(0)} (×${ratio(paced(dLarge, dLarge.reportP50Ms), paced(dSmall, dSmall.reportP50Ms))}), tick ${paced(dSmall, dSmall.tickMs).toFixed(0)} → ${paced(dLarge, dLarge.tickMs).toFixed(0)} (×${ratio(paced(dLarge, dLarge.tickMs), paced(dSmall, dSmall.tickMs))}), idle tick ${paced(dSmall, dSmall.idleTickMs).toFixed(1)} → ${paced(dLarge, dLarge.idleTickMs).toFixed(1)} (×${ratio(paced(dLarge, dLarge.idleTickMs), paced(dSmall, dSmall.idleTickMs))})`,
      );
    }
    if (dSmall.requests && dLarge.requests) {
      const [a, b] = [dSmall.requests, dLarge.requests];
      lines.push(
        `  DynamoDB requests ${dLarge.notices.toLocaleString("en")} / ${dSmall.notices.toLocaleString("en")}: report ${dynamoTotal(b.report)} / ${dynamoTotal(a.report)}, tick ${dynamoTotal(b.tick)} / ${dynamoTotal(a.tick)}, idle tick ${dynamoTotal(b.idleTick)} / ${dynamoTotal(a.idleTick)}`,
      );
    }
  }
  for (const r of runs) {
    if (r.counterQuery && r.msPerGetItem !== undefined) {
      lines.push(
        "",
        `${r.store} at ${r.notices.toLocaleString("en")}, its pace in the same run: ${r.msPerGetItem.toFixed(1)} ms per GetItem (100 in a row); ${r.counterQuery.ms.toFixed(0)} ms per Query of one site-counter shard (${r.counterQuery.items} items; the report reads 8)${r.emulators ? `; dynalite and fauxqs ran in ${r.emulators === "worker thread" ? "a worker thread of their own (tests/support/emulator-thread.ts), as a remote service: the app's CPU and theirs overlap; CPU times are the whole process's, both threads" : "the bench's own thread (--dynalite-in-process): the app's CPU and theirs take turns"}` : ""}`,
      );
    }
  }
  const withRequests = runs.filter((r) => r.requests);
  if (withRequests.length > 0) {
    const show = (c: RequestCounts) =>
      `${dynamoTotal(c)} (${Object.entries(c.dynamodb)
        .sort((x, y) => y[1] - x[1])
        .map(([command, n]) => `${n} ${command}`)
        .join(", ")})`;
    lines.push(
      "",
      "Requests per step on DynamoDB's protocol (what a deployment pays; counted by a middleware on the SDK clients), and the items their transactions wrote (dynalite applies a TransactWriteItems as one request in its own process, tests/support/dynalite-transactions.ts):",
      "",
      "| store | notices | step | DynamoDB requests | SQS requests | items written by transactions | time | ms per GetItem (100 in a row) |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const r of withRequests) {
      const req = r.requests!;
      for (const [name, c, ms] of [
        ["report (one run)", req.report, r.reportP50Ms],
        ["tick with 1,000 due", req.tick, r.tickMs],
        ["idle tick", req.idleTick, r.idleTickMs],
      ] as const) {
        lines.push(
          `| ${r.store} | ${r.notices.toLocaleString("en")} | ${name} | ${show(c)} | ${c.sqs} | ${c.transactionWrites} | ${ms.toFixed(0)} ms | ${r.msPerGetItem?.toFixed(1) ?? "—"} |`,
        );
      }
    }
  }
  for (const r of runs) {
    if (r.floor && r.requests)
      lines.push("", ...floorLines(r.store, r.notices, r.floor, { ...r, requests: r.requests }));
  }
  for (const r of runs) {
    if (r.peer) {
      lines.push(
        "",
        `peer at ${r.notices.toLocaleString("en")} (${r.store}): the tick before the due index (bench/peers/scan-tick.ts) ${r.peer.tickMs.toFixed(0)} ms with 1,000 due (${r.peer.reminded} reminded), idle ${r.peer.idleTickMs.toFixed(0)} ms`,
      );
    }
  }
  return [...lines, ""];
}

/** V8's full collection, exposed at run time (the bench runs without --expose-gc). */
export function exposedGc(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/**
 * `npm run bench -- --overdue-list`: the whole overdue list (GET /api/compliance?format=overdue-csv,
 * what an inspection sends on to the sites) at national scale, where every notice of 2 and of 20
 * documents to 10,000 sites is overdue (20,000 and 200,000 rows), on the embedded store and on
 * dynalite (the DynamoDB protocol). In AWS the answer is buffered by the API function, which
 * API Gateway gives 29 s: the list must be read and written within that.
 *
 * Peer: the reads alone, the same pages of the same overdue index (1,000 a query, documents in the
 * list's order, one page after another) through the same record store, no row built or written.
 * Ours / peer says what building and writing the rows adds to reading them.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { defaultIsContentTypeBinary, handle } from "hono/aws-lambda";
import { createEmbeddedPlatform } from "../src/platform/embedded/index.js";
import { ManualClock } from "../src/platform/manual-clock.js";
import type { RecordStore } from "../src/platform/ports.js";
import {
  complianceOverdueCsv,
  documentsInScope,
  OVERDUE_STREAM_PAGE,
  overdueOrder,
} from "../src/reposts/compliance.js";
import { OVERDUE_INDEX, overdueIndexPartition } from "../src/reposts/counters.js";
import { DELIVERY_QUEUE } from "../src/reposts/messages.js";
import { apiGatewayHandler, type ProxyResult } from "../src/runtime/lambda/api-gateway.js";
import { createRepostsApiFunctionApp } from "../src/runtime/lambda/api-reposts.js";
import {
  createEmulatedPlatform,
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
} from "../tests/support/aws-emulators.js";
import { startEmulatorsInThread } from "../tests/support/emulator-thread.js";
import { httpApiEvent, lambdaContext } from "../tests/support/events.js";
import { exposedGc, seedDynamo, seedSqlite } from "./reposts-scale.js";

const RUNS = 3;
/** A Lambda function's share of a vCPU at the reposts API function's 1,024 MB (one vCPU at 1,769 MB). */
const LAMBDA_VCPU_AT_1024_MB = 1024 / 1769;

/**
 * CPU time of the bench's own thread (ms), not the emulators' worker thread: Linux's schedstat of
 * the main thread (whose task id is the process id).
 */
function appThreadCpuMs(): number {
  return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0]) / 1e6;
}
/** API Gateway's limit on an HTTP API's integration: the buffered answer must be ready by then. */
const API_GATEWAY_SECONDS = 29;

export interface OverdueListRun {
  readonly store: "SQLite" | "dynalite";
  readonly overdue: number;
  readonly documents: number;
  readonly seedSeconds: number;
  /** Rows written (without the header) and bytes of the CSV, from the last run. */
  readonly rows: number;
  readonly bytes: number;
  readonly ms: readonly number[];
  /** CPU time of the app's thread in each timed run: reading (the SDK's parsing), building, writing. */
  readonly cpuMs: readonly number[];
  /**
   * The most the heap held over its size before the list, after a full collection every 10,000
   * rows: what the stream keeps, not the garbage it leaves (a run of its own, not timed).
   */
  readonly heapHeldMiB: number;
  readonly peerMs: readonly number[];
  readonly peerItems: number;
  /**
   * DynamoDB's protocol only: GET /api/compliance?format=overdue-csv through the reposts API
   * function's app and its Lambda adapter (apiGatewayHandler: the whole result, base64, before any
   * spill to the bucket), against hono's own adapter as it was used before (its base64 encoder).
   */
  readonly lambda?:
    | { readonly ms: number; readonly resultBytes: number; readonly honoMs: number }
    | undefined;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const NOW = Date.parse("2026-03-02T02:00:00Z");

async function streamOnce(records: RecordStore, gc?: () => void) {
  gc?.();
  const before = process.memoryUsage().heapUsed;
  let held = 0;
  let rows = -1;
  let bytes = 0;
  const c0 = appThreadCpuMs();
  const t0 = performance.now();
  for await (const line of await complianceOverdueCsv({ records }, {})) {
    rows++;
    bytes += Buffer.byteLength(line);
    if (gc && rows % 10_000 === 0) {
      gc();
      held = Math.max(held, process.memoryUsage().heapUsed - before);
    }
  }
  return {
    ms: performance.now() - t0,
    cpuMs: appThreadCpuMs() - c0,
    rows,
    bytes,
    heapHeldMiB: held / 2 ** 20,
  };
}

/** The peer: the overdue index's pages read one after another, nothing built from them. */
async function readsOnce(records: RecordStore) {
  const t0 = performance.now();
  const { selected } = await documentsInScope(records, {});
  const docs = overdueOrder(selected);
  let items = 0;
  for (const doc of docs) {
    let cursor: string | undefined;
    do {
      const page = await records.query(overdueIndexPartition(doc.documentId), {
        index: OVERDUE_INDEX,
        cursor,
        limit: OVERDUE_STREAM_PAGE,
      });
      items += page.items.length;
      cursor = page.cursor;
    } while (cursor);
  }
  return { ms: performance.now() - t0, items };
}

async function measure(
  store: OverdueListRun["store"],
  overdue: number,
  seedSeconds: number,
  records: RecordStore,
): Promise<OverdueListRun> {
  const ms: number[] = [];
  const cpuMs: number[] = [];
  const peerMs: number[] = [];
  let peerItems = 0;
  // The untimed run: warms the code and the store's caches, and samples the heap.
  const { rows, bytes, heapHeldMiB } = await streamOnce(records, exposedGc());
  // Alternating, so a change in the machine's load falls on both.
  for (let i = 0; i < RUNS; i++) {
    const run = await streamOnce(records);
    ms.push(run.ms);
    cpuMs.push(run.cpuMs);
    const peer = await readsOnce(records);
    peerMs.push(peer.ms);
    peerItems = peer.items;
  }
  return {
    store,
    overdue,
    documents: overdue / 10_000,
    seedSeconds,
    rows,
    bytes,
    heapHeldMiB,
    ms,
    cpuMs,
    peerMs,
    peerItems,
  };
}

export async function benchOverdueListSqlite(overdue: number): Promise<OverdueListRun> {
  const dir = mkdtempSync(join(tmpdir(), "gazette-overdue-"));
  try {
    const t0 = performance.now();
    seedSqlite(dir, overdue, 0, { overdueEvery: 1, overdueIndex: true });
    const seedSeconds = (performance.now() - t0) / 1000;
    const platform = createEmbeddedPlatform({
      dataDir: dir,
      clock: new ManualClock(NOW),
      synchronous: "normal",
    });
    try {
      return await measure("SQLite", overdue, seedSeconds, platform.records);
    } finally {
      platform.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchOverdueListDynalite(overdue: number): Promise<OverdueListRun> {
  const emulators = await startEmulatorsInThread();
  try {
    const tableName = "gazette-overdue";
    const platform = await createEmulatedPlatform(emulators, {
      tableName,
      bucketName: "gazette-overdue",
      queues: [DELIVERY_QUEUE],
      maxReceiveCount: 5,
    });
    const t0 = performance.now();
    await seedDynamo(emulators.dynamoEndpoint, tableName, overdue, 0, {
      overdueEvery: 1,
      overdueIndex: true,
    });
    const seedSeconds = (performance.now() - t0) / 1000;
    const run = await measure("dynalite", overdue, seedSeconds, platform.records);
    return { ...run, lambda: await lambdaAdapters(emulators.dynamoEndpoint, tableName) };
  } finally {
    await emulators.stop();
  }
}

/** The function's app behind our adapter and behind hono's, the same request to each. */
async function lambdaAdapters(dynamoEndpoint: string, tableName: string) {
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
  });
  try {
    const app = createRepostsApiFunctionApp({
      GAZETTE_TABLE: tableName,
      GAZETTE_BUCKET: "gazette-blobs",
      GAZETTE_STAGING_BUCKET: "gazette-staging",
      GAZETTE_BASE_URL: "https://gazette.example.gov.cn",
      GAZETTE_CONSOLE_OIDC_ISSUER: "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_Pool",
      GAZETTE_CONSOLE_OIDC_CLIENT_ID: "console-client",
      GAZETTE_CONSOLE_OIDC_SIGN_IN_URL: "https://gazette-123456789012.auth.cn-north-1.amazoncognito.com",
      AWS_REGION: EMULATOR_REGION,
    });
    const event = () =>
      httpApiEvent({
        method: "GET",
        path: "/api/compliance",
        query: "format=overdue-csv",
        iamUserArn: "arn:aws:iam::123456789012:user/editor-zhang",
      });
    const time = async (
      handler: (e: ReturnType<typeof event>, c: typeof lambdaContext) => Promise<unknown>,
    ) => {
      exposedGc()();
      const t0 = performance.now();
      const result = (await handler(event(), lambdaContext)) as ProxyResult;
      if (result.statusCode !== 200 || !result.isBase64Encoded)
        throw new Error(`answered ${result.statusCode}`);
      return { ms: performance.now() - t0, resultBytes: result.body.length };
    };
    const ours = await time(apiGatewayHandler(app));
    const hono = await time(
      handle(app, { isContentTypeBinary: (t) => defaultIsContentTypeBinary(t) || /^text\/csv\b/i.test(t) }),
    );
    return { ms: ours.ms, resultBytes: ours.resultBytes, honoMs: hono.ms };
  } finally {
    process.env = saved;
  }
}

export function overdueListReport(runs: readonly OverdueListRun[], machine: string): string[] {
  const lines = [
    `# The whole overdue list at scale (${new Date().toISOString()})`,
    machine,
    "GET /api/compliance?format=overdue-csv as the reposts function streams it (complianceOverdueCsv): every notice of 10,000 sites overdue, seeded straight into the store with its overdue-index keys; dynalite and fauxqs in a worker thread of their own",
    `ours: the CSV read, built and counted line by line (median of ${RUNS} runs after an untimed one, which samples the heap after a full collection every 10,000 rows); peer: the same index pages read alone (1,000 a query, one after another, nothing built), alternating with ours`,
    "",
    "| store | overdue notices | documents | rows | CSV | ours (median) | runs | app thread's CPU (median) | peer: reads alone | ours / peer | heap held | per 1,000 rows |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of runs) {
    const ours = median(r.ms);
    const peer = median(r.peerMs);
    lines.push(
      `| ${r.store} | ${r.overdue.toLocaleString("en")} | ${r.documents} | ${r.rows.toLocaleString("en")} | ${(r.bytes / 1e6).toFixed(1)} MB | ${(ours / 1000).toFixed(2)} s | ${r.ms.map((m) => (m / 1000).toFixed(2)).join(" / ")} s | ${(median(r.cpuMs) / 1000).toFixed(2)} s | ${(peer / 1000).toFixed(2)} s (${r.peerItems.toLocaleString("en")} items) | ×${(ours / peer).toFixed(2)} | ${r.heapHeldMiB.toFixed(1)} MiB | ${(ours / (r.rows / 1000)).toFixed(1)} ms |`,
    );
  }
  lines.push("");
  const pairs = new Map<string, OverdueListRun[]>();
  for (const r of runs) pairs.set(r.store, [...(pairs.get(r.store) ?? []), r]);
  for (const [store, rs] of pairs) {
    if (rs.length < 2) continue;
    const [a, b] = [rs[0]!, rs[rs.length - 1]!];
    lines.push(
      `${store}, ${b.overdue.toLocaleString("en")} vs ${a.overdue.toLocaleString("en")} overdue: ours ×${(median(b.ms) / median(a.ms)).toFixed(2)} for ×${(b.rows / a.rows).toFixed(1)} the rows; heap held ${a.heapHeldMiB.toFixed(1)} → ${b.heapHeldMiB.toFixed(1)} MiB`,
    );
  }
  for (const r of runs) {
    if (!r.lambda) continue;
    const { ms, resultBytes, honoMs } = r.lambda;
    lines.push(
      `dynalite at ${r.overdue.toLocaleString("en")}, through the reposts API function's app and its Lambda adapter (apiGatewayHandler; the whole ${(resultBytes / 1e6).toFixed(1)} MB result, base64, before the spill to the bucket): ${(ms / 1000).toFixed(2)} s; peer, hono's own adapter (its base64 encoder, as before 2026-12-06): ${(honoMs / 1000).toFixed(2)} s; ours / hono's ×${(ms / honoMs).toFixed(2)}`,
    );
  }
  for (const r of runs.filter((x) => x.store === "dynalite").slice(-1)) {
    const perRow = median(r.ms) / r.rows;
    const cpu = median(r.cpuMs);
    lines.push(
      `dynalite at ${r.overdue.toLocaleString("en")}: the app's thread used ${(cpu / 1000).toFixed(2)} s of CPU (median; the SDK's parsing of the pages, the rows, the CSV); the reposts API function has 1,024 MB, ${LAMBDA_VCPU_AT_1024_MB.toFixed(2)} of a vCPU, so in Lambda that CPU alone takes ~${(cpu / LAMBDA_VCPU_AT_1024_MB / 1000).toFixed(1)} s, overlapping DynamoDB's answers (the next page is asked for before this one is written)`,
    );
    lines.push(
      `${API_GATEWAY_SECONDS} s (API Gateway's limit on the buffered answer) at dynalite's pace of ${(perRow * 1000).toFixed(1)} ms per 1,000 rows: ${Math.floor((API_GATEWAY_SECONDS * 1000) / perRow / 1000).toLocaleString("en")},000 overdue notices; DynamoDB's own pace cannot be measured here (no AWS account)`,
    );
  }
  return lines;
}

/**
 * Reposts benchmark: one document fanned out to 10,000 registered local webhook sites through the
 * whole pipeline (fan-out queue → notices with conditional puts → delivery queue → signed webhook
 * POSTs over loopback), on the embedded store, with the consumers as `npm start` runs them.
 *
 * Receiving is a separate worker thread (one HTTP server, one path per site) that verifies every
 * signature with the `standardwebhooks` library and counts deliveries per site, so duplicates and
 * losses are measured at the receiving end.
 *
 * Peer, measured in the same run against the same receiver: the bare loop of signing and POSTing
 * the same 10,000 webhooks with the same outbound client and concurrency, without queues or store.
 * The ratio says what the durable, exactly-once-per-site pipeline costs over fire-and-forget.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { loadConfig } from "../src/config.js";
import { createEmbeddedPlatform } from "../src/platform/embedded/index.js";
import type { SqsHandler } from "../src/platform/sqs-consumer.js";
import { enqueueFanout } from "../src/reposts/fanout.js";
import { REPOST_QUEUE_SETTINGS, startRepostWorkers } from "../src/reposts/local-workers.js";
import { FANOUT_QUEUE } from "../src/reposts/messages.js";
import type { RepostNotice } from "../src/reposts/model.js";
import { createOutboundFetch } from "../src/reposts/outbound.js";
import { ackUrl, noticeDocument } from "../src/reposts/payload.js";
import { noticePartition } from "../src/reposts/records.js";
import { webhookHeaders } from "../src/reposts/signing.js";
import { createContainer } from "../src/runtime/container.js";
import { aSubmission } from "../tests/support/factories.js";

export interface RepostsBenchResult {
  readonly sites: number;
  readonly deliveryPollers: number;
  /** Deliveries in flight at most: pollers × batch of 10. */
  readonly concurrency: number;
  readonly registrationSeconds: number;
  /** From edition.published to the last notice written (fan-out done). */
  readonly fanoutSeconds: number;
  readonly noticesPerSecond: number;
  /** From edition.published to the last site's first delivery received. */
  readonly endToEndSeconds: number;
  readonly deliveriesPerSecond: number;
  readonly duplicates: number;
  readonly losses: number;
  readonly invalidSignatures: number;
  readonly storedNotices: number;
  readonly deliveredNotices: number;
  readonly peer: {
    readonly seconds: number;
    readonly perSecond: number;
    readonly duplicates: number;
    readonly losses: number;
  };
  /** endToEndSeconds / peer.seconds. */
  readonly ratio: number;
  readonly goalMet: boolean;
}

interface ReceiverStats {
  total: number;
  distinct: number;
  duplicates: number;
  invalid: number;
}

function receiver() {
  const worker = new Worker(new URL("./reposts-receiver.mjs", import.meta.url));
  const waiting = new Map<string, (m: Record<string, unknown>) => void>();
  worker.on("message", (m: { type: string } & Record<string, unknown>) => {
    const key = m.type.replace(/-ok$/, "");
    waiting.get(key)?.(m);
    waiting.delete(key);
  });
  const ask = <T>(type: string, extra: Record<string, unknown> = {}, answer = type) =>
    new Promise<T>((resolve) => {
      waiting.set(answer, resolve as (m: Record<string, unknown>) => void);
      if (type !== "listening") worker.postMessage({ type, ...extra });
    });
  return {
    listening: ask<{ port: number }>("listening"),
    secrets: (secrets: [string, string][]) => ask("secrets", { secrets }),
    reset: () => ask("reset"),
    stats: () => ask<ReceiverStats>("stats"),
    async close() {
      await ask("close", {}, "closed");
      await worker.terminate();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchReposts(sites = 10_000, deliveryPollers = 8): Promise<RepostsBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "gazette-bench-reposts-"));
  // No late-registration sweep: the registry does not change during the run, and its delayed
  // message would keep the fan-out queue from ever looking empty.
  const config = loadConfig({
    GAZETTE_DATA_DIR: dataDir,
    GAZETTE_BASE_URL: "http://127.0.0.1:3000",
    GAZETTE_REPOST_SWEEP_SECONDS: "0",
  });
  const platform = createEmbeddedPlatform({
    dataDir,
    synchronous: config.sqliteSynchronous,
    queues: REPOST_QUEUE_SETTINGS,
  });
  const container = createContainer(config, platform, { editorToken: "bench" });
  const { reposts } = container;
  const rx = receiver();
  try {
    const { port } = await rx.listening;

    // Registration (not timed in the fan-out): each webhook answers its challenge first.
    let t = performance.now();
    const secrets: [string, string][] = [];
    for (let i = 0; i < sites; i += 100) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(100, sites - i) }, (_, k) => {
          const n = i + k;
          const path = `/site/${n}`;
          return reposts.registry
            .register({
              name: `单位${n}`,
              level: (["province_dept", "city", "county", "township"] as const)[n % 4],
              region: `51${String(1 + (n % 20)).padStart(2, "0")}${String(1 + (n % 30)).padStart(2, "0")}`,
              sectors: [],
              delivery: { type: "webhook", url: `http://127.0.0.1:${port}${path}` },
            })
            .then((site) => [path, site.webhookSecret] as [string, string]);
        }),
      );
      secrets.push(...batch);
    }
    await rx.secrets(secrets);
    const registrationSeconds = (performance.now() - t) / 1000;

    const submitted = await container.intake.submit({
      input: aSubmission({
        repost: { scope: "all", regions: [], levels: [], sectors: [], deadlineWorkingDays: 5 },
      }),
      submittedBy: "bench",
    });
    const documentId = submitted.document.id;

    // The pipeline, timed from edition.published.
    let lastFanout = 0;
    const fanoutHandler: SqsHandler = async (event, context) => {
      const result = await reposts.fanoutHandler(event, context);
      lastFanout = performance.now();
      return result;
    };
    t = performance.now();
    await enqueueFanout(platform.queues, {
      editionId: "1",
      publishedAt: new Date().toISOString(),
      documents: [documentId],
    });
    const workers = startRepostWorkers({
      queues: platform.queues,
      reposts: { fanoutHandler, deliveryHandler: reposts.deliveryHandler, tick: reposts.tick },
      deliveryPollers,
      tickIntervalMs: 0,
      idleDelayMs: 20,
    });
    let stats: ReceiverStats;
    const deadline = performance.now() + 180_000;
    for (;;) {
      stats = await rx.stats();
      if (stats.distinct >= sites || performance.now() > deadline) break;
      await sleep(20);
    }
    const endToEnd = (performance.now() - t) / 1000;
    // Let stragglers (a duplicate would arrive now) land before counting.
    await sleep(1000);
    await workers.stop();
    stats = await rx.stats();
    const fanoutSeconds =
      ((await platform.queues.depth(FANOUT_QUEUE)) === 0 ? lastFanout - t : Number.NaN) / 1000;

    let storedNotices = 0;
    let deliveredNotices = 0;
    let cursor: string | undefined;
    do {
      const page = await platform.records.query<RepostNotice>(noticePartition(documentId), {
        cursor,
        limit: 1000,
      });
      cursor = page.cursor;
      storedNotices += page.items.length;
      deliveredNotices += page.items.filter((n) => n.data.delivery.state === "delivered").length;
    } while (cursor);

    // Peer: sign and POST the same webhooks directly, same client, same concurrency.
    await rx.reset();
    const fetch = createOutboundFetch({
      allowPrivateTargets: true,
      timeoutMs: config.reposts.outboundTimeoutMs,
      maxResponseBytes: config.reposts.maxResponseBytes,
    });
    const document = noticeDocument(await container.intake.get(documentId), config.baseUrl);
    const concurrency = deliveryPollers * 10;
    let next = 0;
    t = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < sites; i = next++) {
          const [path, secret] = secrets[i]!;
          const id = `${documentId}.peer${i}`;
          const body = JSON.stringify({
            type: "repost.requested",
            data: { noticeId: id, deadline: "2026-02-26", ackUrl: ackUrl(config.baseUrl, id), document },
          });
          const headers = webhookHeaders([secret], id, Math.floor(Date.now() / 1000), body);
          const response = await fetch(`http://127.0.0.1:${port}${path}`, {
            method: "POST",
            headers: { "content-type": "application/json", ...headers },
            body,
          });
          await response.arrayBuffer();
        }
      }),
    );
    const peerSeconds = (performance.now() - t) / 1000;
    const peerStats = await rx.stats();

    return {
      sites,
      deliveryPollers,
      concurrency,
      registrationSeconds,
      fanoutSeconds,
      noticesPerSecond: sites / fanoutSeconds,
      endToEndSeconds: endToEnd,
      deliveriesPerSecond: stats.distinct / endToEnd,
      duplicates: stats.duplicates,
      losses: sites - stats.distinct,
      invalidSignatures: stats.invalid,
      storedNotices,
      deliveredNotices,
      peer: {
        seconds: peerSeconds,
        perSecond: sites / peerSeconds,
        duplicates: peerStats.duplicates,
        losses: sites - peerStats.distinct,
      },
      ratio: endToEnd / peerSeconds,
      goalMet: endToEnd < 30 && stats.duplicates === 0 && sites - stats.distinct === 0,
    };
  } finally {
    await rx.close();
    platform.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function repostsReport(r: RepostsBenchResult): string {
  const f = (n: number, d = 2) => n.toFixed(d);
  return [
    `# Reposts benchmark (${new Date().toISOString()})`,
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, node ${process.version}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} (other work on the machine slows both the pipeline and the peer)`,
    `one document (scope all) fanned out to ${r.sites} registered loopback webhook sites on the embedded store; ${r.deliveryPollers} delivery pollers × batches of 10 (${r.concurrency} in flight); receiver in a worker thread verifies every signature with standardwebhooks`,
    "",
    `registration (not timed below; each webhook answers its challenge): ${f(r.registrationSeconds)} s`,
    `fan-out (edition.published → last notice written): ${f(r.fanoutSeconds)} s, ${f(r.noticesPerSecond, 0)} notices/s`,
    `end to end (edition.published → every site has its webhook): ${f(r.endToEndSeconds)} s, ${f(r.deliveriesPerSecond, 0)} deliveries/s`,
    `duplicates: ${r.duplicates}   losses: ${r.losses}   invalid signatures: ${r.invalidSignatures}   notices stored: ${r.storedNotices}, delivered: ${r.deliveredNotices}`,
    `peer: bare loop signing and POSTing the same ${r.sites} webhooks (same outbound client, ${r.concurrency} in flight, no queues, no store): ${f(r.peer.seconds)} s, ${f(r.peer.perSecond, 0)} webhooks/s (duplicates ${r.peer.duplicates}, losses ${r.peer.losses})`,
    `ratio pipeline/peer (end-to-end time): ${f(r.ratio)}`,
    `goal: all delivered in < 30 s with zero duplicates and zero losses — ${r.goalMet ? "met" : "not met"}`,
    "",
  ].join("\n");
}

/** Runs the benchmark and writes bench/results/reposts.txt and .json. */
export async function writeRepostsBench(): Promise<void> {
  const sites = Number(process.env.BENCH_SITES ?? 10_000);
  const pollers = Number(process.env.BENCH_DELIVERY_POLLERS ?? 8);
  process.stderr.write(`reposts: ${sites} sites, ${pollers} delivery pollers…\n`);
  const result = await benchReposts(sites, pollers);
  const text = repostsReport(result);
  process.stdout.write(text);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/reposts.txt", text);
  writeFileSync("bench/results/reposts.json", `${JSON.stringify(result, null, 2)}\n`);
}

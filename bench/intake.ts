import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { serve } from "@hono/node-server";
import Database from "better-sqlite3";
import { Hono } from "hono";
import { loadConfig } from "../src/config.js";
import { createApiApp } from "../src/handlers/api.js";
import { createEmbeddedPlatform } from "../src/platform/embedded/index.js";
import type { SynchronousMode } from "../src/platform/embedded/sqlite.js";
import { WalFlusher } from "../src/platform/embedded/wal-flusher.js";
import { createContainer } from "../src/runtime/container.js";
import { aSubmission } from "../tests/support/factories.js";

export interface IntakeBenchResult {
  readonly synchronous: SynchronousMode;
  readonly documents: number;
  readonly intakePerSecond: number;
  /** Over loopback HTTP with `concurrency` keep-alive clients. */
  readonly httpPerSecond: number;
  readonly concurrency: number;
  /** HTTP peer: the same server stack answering 201 after reading the body, nothing else. */
  readonly httpPeerPerSecond: number;
  readonly peerPerSecond: number;
  readonly heapDeltaMiB: number;
  readonly rssMiB: number;
}

function rate(n: number, ms: number) {
  return (n * 1000) / ms;
}

/**
 * Intake throughput on the embedded store, against its peer: a bare better-sqlite3 INSERT of the
 * same accepted-document JSON with the same durability setting, i.e. what storing alone costs on
 * this machine and disk. The ratio says how much validation, body parsing, uniqueness claims,
 * idempotency and the event (five commits per document in all) add on top.
 */
/** Serves the app on loopback like `npm start` and drives it from a worker thread. */
async function loadOverHttp(
  fetch: (request: Request) => Response | Promise<Response>,
  bodies: string[],
  concurrency: number,
): Promise<number> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  try {
    const { port } = server.address() as AddressInfo;
    const worker = new Worker(new URL("./load-client.mjs", import.meta.url), {
      workerData: { url: `http://127.0.0.1:${port}`, token: "bench", bodies, concurrency },
    });
    const result = await new Promise<{ ms?: number; error?: string }>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    await worker.terminate();
    if (result.error || result.ms === undefined) throw new Error(result.error ?? "load client failed");
    return result.ms;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export async function benchIntake(
  documents: number,
  synchronous: SynchronousMode,
  concurrency: number,
): Promise<IntakeBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "gazette-bench-"));
  try {
    const config = loadConfig({ GAZETTE_DATA_DIR: dataDir });
    const platform = createEmbeddedPlatform({ dataDir, synchronous });
    const container = createContainer(config, platform, { editorToken: "bench" });
    const app = createApiApp(container);
    const inputs = Array.from({ length: documents * 2 }, (_, i) =>
      aSubmission({ docNumber: `川府发〔2024〕${i + 1}号`, issuers: [`四川省人民政府${i % 50}`] }),
    );

    // Warm-up: JIT and SQLite page cache.
    for (let i = 0; i < 50; i++) {
      await container.intake.submit({
        input: aSubmission({ docNumber: `川办发〔2023〕${i + 1}号` }),
        submittedBy: "bench",
      });
    }
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;

    let t = performance.now();
    for (let i = 0; i < documents; i++) {
      await container.intake.submit({ input: inputs[i], submittedBy: "bench", idempotencyKey: `bench-${i}` });
      await platform.flush(); // as the HTTP layer does before acknowledging
    }
    const intakeMs = performance.now() - t;
    const heapDeltaMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;

    const httpMs = await loadOverHttp(
      app.fetch,
      inputs.slice(documents).map((input) => JSON.stringify(input)),
      concurrency,
    );

    const trivial = new Hono();
    trivial.post("/api/documents", async (c) => c.json({ length: (await c.req.text()).length }, 201));
    const httpPeerMs = await loadOverHttp(
      trivial.fetch,
      inputs.slice(documents).map((input) => JSON.stringify(input)),
      concurrency,
    );

    const sample = (await container.intake.list({}, { limit: 1 })).items[0];
    const stored = sample ? await container.intake.get(sample.id) : undefined;
    platform.close();

    // Peer: the same JSON rows straight into SQLite (WAL, one autocommit INSERT each, like intake's writes).
    const peer = new Database(join(dataDir, "peer.sqlite"));
    peer.pragma("journal_mode = WAL");
    peer.pragma(`synchronous = ${synchronous === "full" ? "FULL" : "NORMAL"}`);
    const peerWal = new WalFlusher(join(dataDir, "peer.sqlite-wal"));
    peer.exec("CREATE TABLE docs (pk TEXT, sk TEXT, data TEXT, PRIMARY KEY (pk, sk))");
    const insert = peer.prepare("INSERT INTO docs (pk, sk, data) VALUES (?, ?, ?)");
    const json = JSON.stringify(stored);
    t = performance.now();
    for (let i = 0; i < documents; i++) {
      insert.run(`DOC#${i}`, "DOC", json);
      if (synchronous === "ack") await peerWal.flush();
    }
    const peerMs = performance.now() - t;
    peer.close();

    return {
      synchronous,
      documents,
      concurrency,
      httpPeerPerSecond: rate(documents, httpPeerMs),
      intakePerSecond: rate(documents, intakeMs),
      httpPerSecond: rate(documents, httpMs),
      peerPerSecond: rate(documents, peerMs),
      heapDeltaMiB,
      rssMiB: process.memoryUsage().rss / 2 ** 20,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { loadConfig } from "../src/config.js";
import { createApiApp } from "../src/handlers/api.js";
import { createEmbeddedPlatform } from "../src/platform/embedded/index.js";
import { createContainer } from "../src/runtime/container.js";
import { aSubmission } from "../tests/support/factories.js";

export interface IntakeBenchResult {
  readonly synchronous: "full" | "normal";
  readonly documents: number;
  readonly intakePerSecond: number;
  readonly httpPerSecond: number;
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
export async function benchIntake(
  documents: number,
  synchronous: "full" | "normal",
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
    }
    const intakeMs = performance.now() - t;
    const heapDeltaMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;

    t = performance.now();
    for (let i = documents; i < documents * 2; i++) {
      const res = await app.fetch(
        new Request("http://localhost/api/documents", {
          method: "POST",
          headers: {
            authorization: "Bearer bench",
            "content-type": "application/json",
            "idempotency-key": `http-${i}`,
          },
          body: JSON.stringify(inputs[i]),
        }),
      );
      if (res.status !== 201) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
    }
    const httpMs = performance.now() - t;

    const sample = (await container.intake.list({}, { limit: 1 })).items[0];
    const stored = sample ? await container.intake.get(sample.id) : undefined;
    platform.close();

    // Peer: the same JSON rows straight into SQLite (WAL, one autocommit INSERT each, like intake's writes).
    const peer = new Database(join(dataDir, "peer.sqlite"));
    peer.pragma("journal_mode = WAL");
    peer.pragma(`synchronous = ${synchronous.toUpperCase()}`);
    peer.exec("CREATE TABLE docs (pk TEXT, sk TEXT, data TEXT, PRIMARY KEY (pk, sk))");
    const insert = peer.prepare("INSERT INTO docs (pk, sk, data) VALUES (?, ?, ?)");
    const json = JSON.stringify(stored);
    t = performance.now();
    for (let i = 0; i < documents; i++) insert.run(`DOC#${i}`, "DOC", json);
    const peerMs = performance.now() - t;
    peer.close();

    return {
      synchronous,
      documents,
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

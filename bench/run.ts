import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { benchIntake } from "./intake.js";

/** `npm run bench`: prints results and writes them to bench/results/. */
async function main() {
  const documents = Number(process.env.BENCH_DOCUMENTS ?? 2000);
  process.stderr.write(`intake: ${documents} documents on the embedded store…\n`);
  const r = await benchIntake(documents);
  const lines = [
    `# Intake benchmark (${new Date().toISOString()})`,
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, node ${process.version}`,
    `documents: ${r.documents} (realistic 通知 with headings and a table; Idempotency-Key on each)`,
    "",
    `intake service (validate, parse body, claim 发文字号, idempotency, store, event): ${r.intakePerSecond.toFixed(0)} documents/s`,
    `intake over HTTP (same, plus JSON parse and Hono routing):                   ${r.httpPerSecond.toFixed(0)} documents/s`,
    `peer: bare better-sqlite3 INSERT of the same document JSON:                  ${r.peerPerSecond.toFixed(0)} documents/s`,
    `ratio intake/peer: ${(r.intakePerSecond / r.peerPerSecond).toFixed(3)}   http/peer: ${(r.httpPerSecond / r.peerPerSecond).toFixed(3)}`,
    `goal ≥ 500 documents/s over HTTP: ${r.httpPerSecond >= 500 ? "met" : "NOT met"}`,
    `heap growth during intake: ${r.heapDeltaMiB.toFixed(1)} MiB; RSS at end: ${r.rssMiB.toFixed(0)} MiB`,
  ];
  const text = `${lines.join("\n")}\n`;
  process.stdout.write(text);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/intake.txt", text);
  writeFileSync("bench/results/intake.json", `${JSON.stringify(r, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

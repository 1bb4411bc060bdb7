import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { archiveReport, benchArchive } from "./archive.js";
import { benchConsole, consoleReport } from "./console.js";
import { benchIntake, type IntakeBenchResult } from "./intake.js";
import { benchLambda, lambdaReport } from "./lambda.js";
import {
  benchOverdueListDynalite,
  benchOverdueListSqlite,
  type OverdueListRun,
  overdueListReport,
} from "./overdue-list.js";
import { benchPdf, type PdfBenchResult } from "./pdf.js";
import { writeRepostsBench } from "./reposts.js";
import { benchDynaliteScale, benchSqliteScale, repostsScaleReport, type ScaleRun } from "./reposts-scale.js";
import { benchSearch, searchReport } from "./search.js";

const DURABILITY = {
  ack: "the default: one WAL fsync before each acknowledgement; acknowledged documents survive power loss",
  full: "SQLite fsyncs every commit; survives power loss",
  normal: "WAL NORMAL, no fsync; survives process crashes only",
} as const;

function report(r: IntakeBenchResult): string[] {
  return [
    `## synchronous=${r.synchronous} (${DURABILITY[r.synchronous]})`,
    `intake service (validate, parse body, claim 发文字号, idempotency, store, event): ${r.intakePerSecond.toFixed(0)} documents/s`,
    `intake over HTTP (npm start's server on loopback, ${r.concurrency} keep-alive clients):     ${r.httpPerSecond.toFixed(0)} documents/s`,
    `peer: bare better-sqlite3 INSERT of the same JSON, same durability per document:${r.peerPerSecond.toFixed(0)} documents/s`,
    `ratio intake/peer: ${(r.intakePerSecond / r.peerPerSecond).toFixed(3)}   http/peer: ${(r.httpPerSecond / r.peerPerSecond).toFixed(3)}`,
    `HTTP peer: a Hono endpoint on the same server that only reads the body and answers 201: ${r.httpPeerPerSecond.toFixed(0)} requests/s; ratio http/HTTP-peer: ${(r.httpPerSecond / r.httpPeerPerSecond).toFixed(3)}`,
    `goal ≥ 500 documents/s — intake service: ${r.intakePerSecond >= 500 ? "met" : "not met"}; over HTTP: ${r.httpPerSecond >= 500 ? "met" : "not met"}`,
    `heap growth during intake: ${r.heapDeltaMiB.toFixed(1)} MiB; RSS at end: ${r.rssMiB.toFixed(0)} MiB`,
    "",
  ];
}

function typstReport(r: PdfBenchResult): string[] {
  const t = r.typst;
  if ("error" in t)
    return [`peer Typst (@myriaddreamin/typst-ts-node-compiler): not measured here: ${t.error}`];
  return [
    `peer Typst (@myriaddreamin/typst-ts-node-compiler ${t.version}, bench/peers/edition.typ, same fonts): ${t.pagesPerSecond.toFixed(1)} pages/s (median of ${t.runs.length} runs: ${t.runs.map((x) => x.toFixed(2)).join(" / ")} s), ${(t.bytesPerPage / 1024).toFixed(2)} KiB/page, ${t.pages} pages`,
    `ratio speed ours/typst: ${t.pagesPerSecondRatio.toFixed(2)} (ours renders the edition PDF, 40 per-document PDFs, the web pages and texts; Typst the edition PDF only); our edition PDF alone: ${r.editionPdfOnly.pagesPerSecond.toFixed(1)} pages/s (median of ${r.editionPdfOnly.runs.length} runs: ${r.editionPdfOnly.runs.map((x) => x.toFixed(2)).join(" / ")} s), ratio ${t.editionPdfOnlyRatio.toFixed(2)}`,
    `ratio bytes/page ours/typst: ${t.bytesPerPageRatio.toFixed(2)}`,
  ];
}

function pdfReport(r: PdfBenchResult): string[] {
  const lines = [
    `# Edition rendering benchmark (${new Date().toISOString()})`,
    machineLine(),
    `edition: ${r.pages} pages of generated documents, GB/T 9704 layout; rendered as publishing does: the edition PDF, every per-document PDF, ${r.webPages} web pages and the canonical texts`,
    "",
    `ours (pdf-lib + fontkit 2, Fandol fonts + Noto Serif for Latin; PDF + pages): ${r.pagesPerSecond.toFixed(1)} pages/s (median of ${r.runs.length} runs: ${r.runs.map((x) => x.toFixed(2)).join(" / ")} s), ${(r.bytesPerPage / 1024).toFixed(2)} KiB/page, peak RSS ${r.peakRssMiB.toFixed(0)} MiB`,
    `preflight on the ${r.pages}-page edition: ${r.preflightFindings} finding(s)`,
    `per-document PDFs (own font subsets): ${r.documentPdfs}, ${(r.documentPdfBytes / 1024).toFixed(0)} KiB in all, largest ${(r.largestDocumentPdfBytes / 1024).toFixed(0)} KiB`,
    ...typstReport(r),
  ];
  if (r.chromium) {
    lines.push(
      `peer: Debian chromium --headless --print-to-pdf of the same edition's HTML: ${r.chromium.pagesPerSecond.toFixed(1)} pages/s (median of ${r.chromium.runs.length} runs: ${r.chromium.runs.map((x) => x.toFixed(2)).join(" / ")} s), ${(r.chromium.bytesPerPage / 1024).toFixed(2)} KiB/page`,
      `ratio speed ours/chromium: ${r.chromium.pagesPerSecondRatio.toFixed(2)} (goal ≥ 5: ${r.chromium.pagesPerSecondRatio >= 5 ? "met" : "not met"})`,
      `ratio bytes/page ours/chromium: ${r.chromium.bytesPerPageRatio.toFixed(2)} (goal ≤ 0.5: ${r.chromium.bytesPerPageRatio <= 0.5 ? "met" : "not met"})`,
      `ours + PAdES signing of all ${r.signed.pdfs} PDFs (what publishing does): ${r.signed.pagesPerSecond.toFixed(1)} pages/s (median of ${r.signed.runs.length} runs: ${r.signed.runs.map((x) => x.toFixed(2)).join(" / ")} s; signing alone ${r.signed.signingSeconds.toFixed(2)} s); ratio ours+signing/chromium: ${(r.signed.pagesPerSecond / r.chromium.pagesPerSecond).toFixed(2)} (goal ≥ 5: ${r.signed.pagesPerSecond / r.chromium.pagesPerSecond >= 5 ? "met" : "not met"})`,
    );
  } else {
    lines.push(
      "peer: /usr/bin/chromium is not installed (apt-get install chromium), so no ratio was measured",
    );
  }
  return [...lines, ""];
}

/** The machine and how busy it was: every report carries it, since a shared machine skews timings. */
function machineLine(): string {
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
  return `machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, node ${process.version}, load average ${load}`;
}

/** `--overdue-list`: the whole overdue list at 20,000 and 200,000 rows, SQLite and dynalite. */
async function writeOverdueList() {
  const runs: OverdueListRun[] = [];
  for (const overdue of [20_000, 200_000]) {
    runs.push(await benchOverdueListSqlite(overdue));
    console.log(overdueListReport(runs, machineLine()).join("\n"));
  }
  for (const overdue of [20_000, 200_000]) {
    runs.push(await benchOverdueListDynalite(overdue));
    console.log(overdueListReport(runs, machineLine()).join("\n"));
  }
  const lines = overdueListReport(runs, machineLine());
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/overdue-list.txt", `${lines.join("\n")}\n`);
  writeFileSync("bench/results/overdue-list.json", `${JSON.stringify(runs, null, 2)}\n`);
}

/** `npm run bench`: prints results and writes them to bench/results/. */
async function main() {
  if (process.argv.includes("--pdf-only")) return writePdf();
  if (process.argv.includes("--search-only")) return writeSearch();
  if (process.argv.includes("--reposts-only")) return writeRepostsBench();
  if (process.argv.includes("--overdue-list")) return writeOverdueList();
  if (process.argv.includes("--reposts-scale")) {
    // --sizes 100000,1000000 (the default), --no-dynalite to skip the DynamoDB-protocol run,
    // --dynalite-only to run only that; --dynalite-in-process runs the emulators in the bench's
    // thread instead of a worker thread of their own.
    const at = process.argv.indexOf("--sizes");
    const sizes = process.argv.includes("--dynalite-only")
      ? []
      : at > 0
        ? process.argv[at + 1]!.split(",").map(Number)
        : [100_000, 1_000_000];
    const results: ScaleRun[] = [];
    for (const [i, notices] of sizes.entries()) {
      results.push(await benchSqliteScale(notices, { peer: i === 0 }));
      console.log(repostsScaleReport(results, machineLine()).join("\n"));
    }
    if (!process.argv.includes("--no-dynalite")) {
      // --dynalite-sizes 10000,100000 (the default): the request counts at two sizes, and their ratio.
      const d = process.argv.indexOf("--dynalite-sizes");
      const dynaliteSizes = d > 0 ? process.argv[d + 1]!.split(",").map(Number) : [10_000, 100_000];
      for (const notices of dynaliteSizes) {
        results.push(
          await benchDynaliteScale(notices, { inProcess: process.argv.includes("--dynalite-in-process") }),
        );
        console.log(repostsScaleReport(results, machineLine()).join("\n"));
      }
    }
    const lines = repostsScaleReport(results, machineLine());
    console.log(lines.join("\n"));
    mkdirSync("bench/results", { recursive: true });
    // A --dynalite-only run keeps its own files, so the SQLite rows of the full run stay.
    const file = `bench/results/reposts-scale${sizes.length ? "" : "-dynalite"}`;
    writeFileSync(`${file}.txt`, `${lines.join("\n")}\n`);
    writeFileSync(`${file}.json`, `${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  if (process.argv.includes("--archive-only")) return writeArchive();
  if (process.argv.includes("--lambda-only")) return writeLambda();
  if (process.argv.includes("--console-only")) return writeConsole();
  await writeIntake();
  if (process.argv.includes("--intake-only")) return;
  await writeRepostsBench();
  await writePdf();
  await writeSearch();
  await writeArchive();
  await writeLambda();
  await writeConsole();
}

async function writeConsole() {
  const documents = Number(process.env.BENCH_CONSOLE_DOCUMENTS ?? 10_000);
  const editions = Number(process.env.BENCH_CONSOLE_EDITIONS ?? 500);
  const requests = Number(process.env.BENCH_CONSOLE_REQUESTS ?? 100);
  const accepted = Number(process.env.BENCH_CONSOLE_ACCEPTED ?? 500);
  process.stderr.write(
    `console pages: ${documents} documents (${accepted} accepted), ${editions} editions…\n`,
  );
  const result = await benchConsole(documents, editions, requests, accepted);
  const text = [
    `# Console page benchmark (${new Date().toISOString()})`,
    machineLine(),
    ...consoleReport(result),
  ].join("\n");
  process.stdout.write(text);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/console.txt", text);
  writeFileSync("bench/results/console.json", `${JSON.stringify(result, null, 2)}\n`);
}

async function writeIntake() {
  const documents = Number(process.env.BENCH_DOCUMENTS ?? 2000);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
  const results: IntakeBenchResult[] = [];
  for (const mode of ["ack", "full", "normal"] as const) {
    process.stderr.write(`intake: ${documents} documents on the embedded store, synchronous=${mode}…\n`);
    results.push(await benchIntake(documents, mode, concurrency));
  }
  const lines = [
    `# Intake benchmark (${new Date().toISOString()})`,
    machineLine(),
    `documents: ${documents} per run (a realistic 通知 with headings and a table; an Idempotency-Key on each)`,
    "",
    ...results.flatMap(report),
  ];
  const text = `${lines.join("\n")}`;
  process.stdout.write(text);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/intake.txt", text);
  writeFileSync("bench/results/intake.json", `${JSON.stringify(results, null, 2)}\n`);
}

async function writePdf() {
  const pages = Number(process.env.BENCH_PAGES ?? 200);
  process.stderr.write(`edition rendering: ${pages} pages…\n`);
  const result = await benchPdf(pages);
  const text = pdfReport(result).join("\n");
  process.stdout.write(text);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/edition-pdf.txt", text);
  writeFileSync("bench/results/edition-pdf.json", `${JSON.stringify(result, null, 2)}\n`);
}

async function writeArchive() {
  const result = await benchArchive();
  const text = `${[
    `# Archive OCR benchmark (${new Date().toISOString()})`,
    machineLine(),
    "",
    ...archiveReport(result),
  ].join("\n")}\n`;
  process.stdout.write(text);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/archive.txt", text);
  writeFileSync("bench/results/archive.json", `${JSON.stringify(result, null, 2)}\n`);
}

async function writeLambda() {
  const runs = Number(process.env.BENCH_LAMBDA_RUNS ?? 9);
  const result = await benchLambda({ runs, log: (s) => process.stderr.write(`lambda: ${s}\n`) });
  const text = `${[
    `# Lambda bundles benchmark (${new Date().toISOString()})`,
    machineLine(),
    "",
    ...lambdaReport(result),
  ].join("\n")}\n`;
  process.stdout.write(text);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/lambda.txt", text);
  writeFileSync("bench/results/lambda.json", `${JSON.stringify(result, null, 2)}\n`);
}

async function writeSearch() {
  const documents = Number(process.env.BENCH_SEARCH_DOCUMENTS ?? 100_000);
  const result = await benchSearch(documents, { log: (s) => process.stderr.write(`search: ${s}\n`) });
  const lines = [`# Search benchmark (${new Date().toISOString()})`, machineLine(), ...searchReport(result)];
  const text = lines.join("\n");
  process.stdout.write(text);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/search.txt", text);
  writeFileSync("bench/results/search.json", `${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

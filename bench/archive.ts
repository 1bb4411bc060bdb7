/**
 * Archive OCR benchmark: pages/min and CER of the page unit's reading (rasterise → clean →
 * orientation → layout → OCR per block, src/archive/ocr/page.ts) on eval scan pages — real public
 * text in real layouts at 200 dpi (eval/scans, made by eval/make-scans.ts) — with the two
 * engines: tesseract.js (npm, WebAssembly; what `npm install` brings) and, where installed, the
 * native tesseract CLI (Debian tesseract-ocr 5.3 with tesseract-ocr-chi-sim/-tra/-*-vert; the
 * peer). The same pages through the same code; one process per engine, pages in sequence; the
 * native CLI runs with OMP_THREAD_LIMIT=1, so a deployment runs one per core. The CPU is shared
 * with other work: the load average is printed, and both engines run back to back.
 */
import { loadavg } from "node:os";
import { runScanEval, type ScanEvalReport } from "../eval/scans-eval.js";
import { detectNativeTesseract, type OcrEngine, TesseractJsEngine } from "../src/archive/ocr/engine.js";

/** One page of each layout (and aged copies): the bench's page set, a subset of eval/scans. */
export const BENCH_PAGES: readonly string[] = [
  "s01",
  "s03",
  "t01",
  "t03",
  "v01",
  "v04",
  "m01",
  "r01",
  "r02",
  "a01",
  "a02",
  "a03",
];

export interface EngineResult {
  readonly engine: string;
  readonly pages: number;
  readonly pagesPerMinute: number;
  readonly cer: number;
  readonly clean: { readonly pages: number; readonly cer: number };
  readonly aged: { readonly pages: number; readonly cer: number };
  readonly byLayout: ScanEvalReport["byLayout"];
}

export interface ArchiveBenchResult {
  /** 1-minute load average before and after: other work on the machine slows OCR down. */
  readonly loadAverage: { readonly before: number; readonly after: number };
  readonly pages: readonly string[];
  readonly engines: EngineResult[];
}

async function measure(engine: OcrEngine, pages: readonly string[]): Promise<EngineResult> {
  // Warm up (worker start, traineddata load) outside the timing.
  await runScanEval({ engine, only: [pages[0]!] });
  const report = await runScanEval({
    engine,
    only: pages,
    log: (l) => process.stderr.write(`archive: ${engine.name}: ${l}\n`),
  });
  const condition = (name: string) => {
    const g = report.byCondition.find((c) => c.name === name);
    return { pages: g?.pages ?? 0, cer: g?.cer ?? 0 };
  };
  return {
    engine: engine.name,
    pages: report.pages,
    pagesPerMinute: report.pagesPerMinute,
    cer: report.cer,
    clean: condition("clean"),
    aged: condition("aged"),
    byLayout: report.byLayout,
  };
}

export async function benchArchive(
  pages: readonly string[] = process.env.BENCH_ARCHIVE_PAGES?.split(",") ?? BENCH_PAGES,
): Promise<ArchiveBenchResult> {
  const loadBefore = loadavg()[0] ?? 0;
  const engines: EngineResult[] = [];
  const candidates: OcrEngine[] = [new TesseractJsEngine()];
  const native = await detectNativeTesseract();
  if (native) candidates.push(native);
  for (const engine of candidates) {
    process.stderr.write(`archive: ${engine.name}: ${pages.length} eval scan pages…\n`);
    try {
      engines.push(await measure(engine, pages));
    } finally {
      await engine.close();
    }
  }
  return { loadAverage: { before: loadBefore, after: loadavg()[0] ?? 0 }, pages, engines };
}

export function archiveReport(r: ArchiveBenchResult): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const lines = [
    `pages: ${r.pages.length} eval scan pages (${r.pages.join(", ")}: single, two-column, vertical, mixed faces with formulas, rotated, aged), real text, 200 dpi`,
    "path: the page unit's — decode → clean → orientation → layout → OCR per block (src/archive/ocr/page.ts)",
    `one process per engine, pages in sequence; 1-min load average ${r.loadAverage.before.toFixed(1)} before, ${r.loadAverage.after.toFixed(1)} after (the 2 cores are shared with other work: absolute pages/min vary, the ratio of back-to-back runs less)`,
  ];
  for (const e of r.engines) {
    lines.push(
      `${e.engine}: ${e.pagesPerMinute.toFixed(1)} pages/min; CER ${pct(e.cer)} (clean ${pct(e.clean.cer)} on ${e.clean.pages} pages, goal ≤ 1.5%; aged ${pct(e.aged.cer)} on ${e.aged.pages} pages, goal ≤ 3%)`,
      `  per layout: ${e.byLayout.map((g) => `${g.name} ${pct(g.cer)} (${g.pages})`).join(", ")}`,
    );
  }
  const js = r.engines.find((e) => e.engine === "tesseract.js");
  const native = r.engines.find((e) => e.engine !== "tesseract.js");
  if (js && native) {
    const ratio = js.pagesPerMinute / native.pagesPerMinute;
    lines.push(
      `peer: ${native.engine} (Debian tesseract-ocr, OMP_THREAD_LIMIT=1); speed ratio tesseract.js/native on the same pages: ${ratio.toFixed(2)} (goal ≥ 0.9: ${ratio >= 0.9 ? "met" : "not met"})`,
    );
  } else {
    lines.push(
      "peer: the native tesseract CLI is not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim …), so no ratio was measured",
    );
  }
  return lines;
}

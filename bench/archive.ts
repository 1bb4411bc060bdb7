/**
 * Archive OCR benchmark: pages/min and CER on synthetic scans of known text.
 *
 * Pages: the sample documents' bodies typeset like GB/T 9704 (16 pt, 28 characters × 22 lines,
 * Fandol Song) with pdf-lib, rasterised by mupdf at 200 dpi; "degraded" copies are rotated,
 * noised, blurred and yellowed. Every page goes through the pipeline's own stages: clean →
 * recognise (as the archive consumer does). Engines: tesseract.js (npm, WebAssembly) and, where
 * installed, the native tesseract CLI (Debian tesseract-ocr 5.3 with tesseract-ocr-chi-*; the
 * peer). One process each, pages in sequence; the native CLI runs with OMP_THREAD_LIMIT=1, so a
 * deployment runs one per core.
 */
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { cleanPage } from "../src/archive/clean.js";
import { encodePng, type GreyImage } from "../src/archive/images.js";
import { detectNativeTesseract, type OcrEngine, TesseractJsEngine } from "../src/archive/ocr/engine.js";
import {
  characterErrorRate,
  type Degradation,
  degrade,
  rasterisePdf,
  syntheticPdf,
} from "../src/archive/synthetic.js";

export interface EngineResult {
  readonly engine: string;
  readonly clean: { pages: number; cer: number; pagesPerMinute: number };
  readonly degraded: { pages: number; cer: number; pagesPerMinute: number };
  /** Degraded pages recognised without the cleaning stage (shows what cleaning buys). */
  readonly degradedUncleaned?: { pages: number; cer: number } | undefined;
}

export interface ArchiveBenchResult {
  /** 1-minute load average before and after: other work on the machine slows OCR down. */
  readonly loadAverage: { readonly before: number; readonly after: number };
  readonly pages: number;
  readonly charactersPerPage: number;
  readonly cleaningMsPerPage: number;
  readonly engines: EngineResult[];
}

const DEGRADATIONS: readonly Degradation[] = [
  { rotation: 1.5, noise: 0.04, blur: 1, yellowing: 0.5, seed: 1 },
  { rotation: -2, noise: 0.06, yellowing: 0.7, seed: 2 },
  { rotation: 0.8, noise: 0.03, blur: 1, yellowing: 0.6, seed: 3 },
  { rotation: -1, noise: 0.05, blur: 1, yellowing: 0.4, seed: 4 },
];

/** Page texts: the sample documents' bodies in lines of 28 characters, 22 lines a page. */
function pageTexts(count: number): string[][] {
  const dir = "samples/documents";
  const text = readdirSync(dir)
    .filter((f) => f.endsWith(".json") && !f.endsWith(".meta.json"))
    .sort()
    .map((f) => String((JSON.parse(readFileSync(join(dir, f), "utf8")) as { body?: unknown }).body ?? ""))
    .join("")
    .replace(/[\s\u3000]+/g, "")
    .replace(/[^\p{Script=Han}0-9，。、；：（）《》“”]/gu, "");
  const chars = [...text];
  const pages: string[][] = [];
  for (let p = 0; p < count; p++) {
    const lines: string[] = [];
    for (let l = 0; l < 22; l++) {
      const start = (p * 22 + l) * 28;
      lines.push(chars.slice(start, start + 28).join(""));
    }
    pages.push(lines);
  }
  return pages;
}

interface Page {
  readonly reference: string;
  readonly image: GreyImage;
}

async function run(
  engine: OcrEngine,
  pages: readonly Page[],
  cleaning: boolean,
): Promise<{ cer: number; pagesPerMinute: number }> {
  let errors = 0;
  let chars = 0;
  const start = performance.now();
  for (const page of pages) {
    const cleaned = cleaning ? cleanPage(page.image) : { image: page.image, layout: { vertical: false } };
    const result = await engine.recognize(encodePng(cleaned.image), {
      script: "sim",
      vertical: cleaned.layout.vertical,
    });
    const n = [...page.reference].length;
    errors += characterErrorRate(page.reference, result.text) * n;
    chars += n;
  }
  const minutes = (performance.now() - start) / 60_000;
  return { cer: errors / chars, pagesPerMinute: pages.length / minutes };
}

export async function benchArchive(
  pageCount = Number(process.env.BENCH_ARCHIVE_PAGES ?? 6),
): Promise<ArchiveBenchResult> {
  const loadBefore = loadavg()[0] ?? 0;
  const texts = pageTexts(pageCount);
  const clean: Page[] = [];
  const degraded: Page[] = [];
  for (const [i, lines] of texts.entries()) {
    const image = rasterisePdf(await syntheticPdf([{ lines }]));
    const reference = lines.join("");
    clean.push({ reference, image });
    degraded.push({ reference, image: degrade(image, DEGRADATIONS[i % DEGRADATIONS.length]!) });
  }
  const t = performance.now();
  for (const page of degraded) cleanPage(page.image);
  const cleaningMsPerPage = (performance.now() - t) / degraded.length;

  const engines: EngineResult[] = [];
  const candidates: OcrEngine[] = [new TesseractJsEngine()];
  const native = await detectNativeTesseract();
  if (native) candidates.push(native);
  for (const engine of candidates) {
    process.stderr.write(`archive: ${engine.name}: ${pageCount} clean + ${pageCount} degraded pages…\n`);
    // Warm up (worker start, traineddata load) outside the timing.
    await engine.recognize(encodePng(clean[0]!.image), { script: "sim", vertical: false });
    const c = await run(engine, clean, true);
    const d = await run(engine, degraded, true);
    const raw = engine.name === "tesseract.js" ? await run(engine, degraded, false) : undefined;
    engines.push({
      engine: engine.name,
      clean: { pages: clean.length, ...c },
      degraded: { pages: degraded.length, ...d },
      degradedUncleaned: raw ? { pages: degraded.length, cer: raw.cer } : undefined,
    });
    await engine.close();
  }
  return {
    loadAverage: { before: loadBefore, after: loadavg()[0] ?? 0 },
    pages: pageCount,
    charactersPerPage: 28 * 22,
    cleaningMsPerPage,
    engines,
  };
}

export function archiveReport(r: ArchiveBenchResult): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const lines = [
    `pages: ${r.pages} clean + ${r.pages} degraded (rotation ±0.8–2°, salt-and-pepper noise 3–6%, blur, yellowing), ${r.charactersPerPage} characters each, 200 dpi`,
    `cleaning (median, background, levels, deskew; JS on raw pixels): ${r.cleaningMsPerPage.toFixed(0)} ms/page`,
    `pages/min include cleaning; one process per engine, pages in sequence; 1-min load average ${r.loadAverage.before.toFixed(1)} before, ${r.loadAverage.after.toFixed(1)} after (other work shares the cores)`,
  ];
  for (const e of r.engines) {
    lines.push(
      `${e.engine}: clean ${e.clean.pagesPerMinute.toFixed(1)} pages/min, CER ${pct(e.clean.cer)} (goal ≤ 2%: ${e.clean.cer <= 0.02 ? "met" : "not met"}); degraded ${e.degraded.pagesPerMinute.toFixed(1)} pages/min, CER ${pct(e.degraded.cer)} (goal ≤ 5%: ${e.degraded.cer <= 0.05 ? "met" : "not met"})`,
    );
    if (e.degradedUncleaned)
      lines.push(
        `  ${e.engine} on the degraded pages without the cleaning stage: CER ${pct(e.degradedUncleaned.cer)}`,
      );
  }
  const js = r.engines.find((e) => e.engine === "tesseract.js");
  const native = r.engines.find((e) => e.engine !== "tesseract.js");
  if (js && native) {
    lines.push(
      `peer: ${native.engine} (Debian tesseract-ocr, OMP_THREAD_LIMIT=1); speed ratio tesseract.js/native on clean pages: ${(js.clean.pagesPerMinute / native.clean.pagesPerMinute).toFixed(2)}`,
    );
  } else {
    lines.push(
      "peer: the native tesseract CLI is not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim …), so no ratio was measured",
    );
  }
  return lines;
}

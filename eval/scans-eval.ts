/**
 * OCR evaluation on the eval scan pages (eval/scans/<id>.png + <id>.truth.json, made by
 * eval/make-scans.ts from real public text).
 *
 * Every page goes through the code a scan job's page unit runs: rasterisePage (decode) →
 * readPage (clean → orientation → layout → OCR per block). CER = edit distance / truth length,
 * whitespace removed and both sides NFKC-normalised; reported per layout and per condition
 * (clean / aged), character-weighted, with the page counts behind them, pages per minute, the
 * orientation and script decisions, and the worst pages.
 *
 * Pages are split like the documents (eval/README.md, `splitOf`: by a hash of the id). Tune on
 * `dev` only: per-page results (the progress lines, the worst pages, `results`) are `dev` pages
 * only; `test` pages count in the totals per layout and condition, never shown one by one.
 *
 *   npx tsx eval/scans-eval.ts [--engine tesseract.js|native] [--baseline] [id-prefix …]
 */
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { cleanPage } from "../src/archive/clean.js";
import { DEFAULT_SCAN_LIMITS, encodePng, rasterisePage } from "../src/archive/images.js";
import { detectNativeTesseract, type OcrEngine, TesseractJsEngine } from "../src/archive/ocr/engine.js";
import { readPage } from "../src/archive/ocr/page.js";
import { type Split, splitOf } from "./texts-eval.js";

export interface ScanEvalOptions {
  /** Directory of the pages; default eval/scans. */
  readonly dir?: string;
  /** Engine: default tesseract.js (what `npm install` brings); "native" needs the tesseract CLI. */
  readonly engine?: OcrEngine | "tesseract.js" | "native";
  /** Only pages whose id starts with one of these. */
  readonly only?: readonly string[];
  /** How many worst pages to list; default 5. */
  readonly worst?: number;
  /**
   * Measure the pipeline before layout analysis (whole page, Tesseract's own segmentation,
   * no orientation, script from the more confident of both models), for before/after numbers.
   */
  readonly baseline?: boolean;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

export interface CerGroup {
  readonly name: string;
  readonly pages: number;
  readonly characters: number;
  /** Character-weighted CER, 0–1. */
  readonly cer: number;
}

export interface ScanPageResult {
  readonly id: string;
  readonly split: Split;
  readonly layout: string;
  readonly condition: string;
  readonly characters: number;
  readonly cer: number;
  readonly rotation: { readonly truth: number; readonly found: number };
  readonly script: { readonly truth: string; readonly found: string };
  readonly seconds: number;
}

export interface ScanEvalReport {
  readonly engine: string;
  readonly pipeline: "page unit" | "baseline";
  readonly pages: number;
  readonly characters: number;
  readonly cer: number;
  readonly byLayout: readonly CerGroup[];
  readonly byCondition: readonly CerGroup[];
  /** The same groups within each split: "all", then each layout and condition. */
  readonly bySplit: Readonly<Record<Split, readonly CerGroup[]>>;
  readonly pagesPerMinute: number;
  readonly orientationCorrect: number;
  readonly scriptCorrect: number;
  /** The worst `dev` pages. */
  readonly worst: readonly ScanPageResult[];
  /** Per page, `dev` pages only. */
  readonly results: readonly ScanPageResult[];
  readonly loadAverage: { readonly before: number; readonly after: number };
}

interface Truth {
  readonly id: string;
  readonly layout: string;
  readonly condition: string;
  readonly script: "simplified" | "traditional";
  readonly rotation: number;
  readonly text: string;
}

/** Edit distance between two strings' characters after removing whitespace and NFKC. */
export function editDistance(reference: string, hypothesis: string): { distance: number; length: number } {
  const a = [...reference.normalize("NFKC").replace(/\s+/g, "")];
  const b = [...hypothesis.normalize("NFKC").replace(/\s+/g, "")];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return { distance: prev[b.length]!, length: a.length };
}

async function engineFor(choice: ScanEvalOptions["engine"]): Promise<OcrEngine> {
  if (choice && typeof choice !== "string") return choice;
  if (choice === "native") {
    const native = await detectNativeTesseract();
    if (!native) throw new Error("the native tesseract CLI with chi_sim and chi_tra is not installed");
    return native;
  }
  return new TesseractJsEngine();
}

async function baselineRead(
  bytes: Uint8Array,
  engine: OcrEngine,
): Promise<{ text: string; rotation: number; script: string }> {
  const raster = rasterisePage(bytes, "png", 0, DEFAULT_SCAN_LIMITS);
  const cleaned = cleanPage(raster);
  const png = encodePng(cleaned.image);
  const vertical = cleaned.layout.vertical;
  const sim = await engine.recognize(png, { script: "sim", vertical });
  const tra = await engine.recognize(png, { script: "tra", vertical });
  const result = tra.confidence > sim.confidence ? tra : sim;
  return { text: result.text, rotation: 0, script: result === tra ? "tra" : "sim" };
}

function group(name: string, results: readonly ScanPageResult[]): CerGroup {
  const characters = results.reduce((s, r) => s + r.characters, 0);
  const errors = results.reduce((s, r) => s + r.cer * r.characters, 0);
  return { name, pages: results.length, characters, cer: characters ? errors / characters : 0 };
}

export async function runScanEval(options: ScanEvalOptions = {}): Promise<ScanEvalReport> {
  const dir = options.dir ?? "eval/scans";
  const ids = readdirSync(dir)
    .filter((f) => f.endsWith(".truth.json"))
    .map((f) => f.slice(0, -".truth.json".length))
    .filter((id) => !options.only?.length || options.only.some((o) => id.startsWith(o)))
    .sort();
  const engine = await engineFor(options.engine);
  const owned = typeof options.engine !== "object";
  const loadBefore = loadavg()[0] ?? 0;
  const results: ScanPageResult[] = [];
  let seconds = 0;
  try {
    for (const id of ids) {
      const truth = JSON.parse(readFileSync(join(dir, `${id}.truth.json`), "utf8")) as Truth;
      const bytes = new Uint8Array(readFileSync(join(dir, `${id}.png`)));
      const start = performance.now();
      let text: string;
      let rotation: number;
      let script: string;
      let evidence = "";
      if (options.baseline) {
        ({ text, rotation, script } = await baselineRead(bytes, engine));
      } else {
        // The page unit's path: decode the stored scan, then read the page.
        const raster = rasterisePage(bytes, "png", 0, DEFAULT_SCAN_LIMITS);
        const reading = await readPage(raster, engine, { script: "auto" });
        text = reading.text;
        // readPage reports the turn that sets the page upright; the truth, the turn that was applied.
        rotation = (360 - reading.rotation) % 360;
        script = reading.script;
        if (reading.glyphs)
          evidence = `, glyphs ${reading.glyphs.twoForms} two-form, ratio ${reading.glyphs.ratio.toFixed(3)}`;
      }
      const elapsed = (performance.now() - start) / 1000;
      seconds += elapsed;
      const { distance, length } = editDistance(truth.text, text);
      const result: ScanPageResult = {
        id,
        split: splitOf(id),
        layout: truth.layout,
        condition: truth.condition,
        characters: length,
        cer: length ? distance / length : 0,
        rotation: { truth: truth.rotation, found: rotation },
        script: { truth: truth.script === "traditional" ? "tra" : "sim", found: script },
        seconds: elapsed,
      };
      results.push(result);
      if (result.split === "test") {
        options.log?.(`${id}: test page read, ${elapsed.toFixed(1)} s`);
        continue;
      }
      options.log?.(
        `${id}: CER ${(result.cer * 100).toFixed(2)}% (${length} chars), rotation ${rotation}/${truth.rotation}, script ${script}${evidence}, ${elapsed.toFixed(1)} s`,
      );
    }
  } finally {
    if (owned) await engine.close();
  }
  const layouts = [...new Set(results.map((r) => r.layout))].sort();
  const dev = results.filter((r) => r.split === "dev");
  const worst = [...dev].sort((a, b) => b.cer - a.cer).slice(0, options.worst ?? 5);
  const all = group("all", results);
  const groupsOf = (of: readonly ScanPageResult[]) => [
    group("all", of),
    ...layouts.map((l) =>
      group(
        l,
        of.filter((r) => r.layout === l),
      ),
    ),
    ...["clean", "aged"].map((c) =>
      group(
        c,
        of.filter((r) => r.condition === c),
      ),
    ),
  ];
  return {
    engine: engine.name,
    pipeline: options.baseline ? "baseline" : "page unit",
    pages: results.length,
    characters: all.characters,
    cer: all.cer,
    byLayout: layouts.map((l) =>
      group(
        l,
        results.filter((r) => r.layout === l),
      ),
    ),
    byCondition: ["clean", "aged"].map((c) =>
      group(
        c,
        results.filter((r) => r.condition === c),
      ),
    ),
    bySplit: {
      dev: groupsOf(dev),
      test: groupsOf(results.filter((r) => r.split === "test")),
    },
    pagesPerMinute: seconds ? results.length / (seconds / 60) : 0,
    orientationCorrect: results.filter((r) => r.rotation.truth === r.rotation.found).length,
    scriptCorrect: results.filter((r) => r.script.truth === r.script.found).length,
    worst,
    results: dev,
    loadAverage: { before: loadBefore, after: loadavg()[0] ?? 0 },
  };
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

export function formatScanReport(report: ScanEvalReport): string {
  const lines = [
    `OCR on eval scan pages (${report.pipeline}, ${report.engine}, 200 dpi): ${report.pages} pages, ${report.characters} characters, CER ${pct(report.cer)}`,
    "  CER per layout (whitespace removed, NFKC, character-weighted):",
    ...report.byLayout.map(
      (g) => `    ${g.name.padEnd(12)} ${pct(g.cer).padStart(7)}  (${g.pages} pages, ${g.characters} chars)`,
    ),
    "  CER per condition:",
    ...report.byCondition.map(
      (g) => `    ${g.name.padEnd(12)} ${pct(g.cer).padStart(7)}  (${g.pages} pages, ${g.characters} chars)`,
    ),
    "  CER per split (tune on dev; test pages are counted, never shown one by one):",
    ...(["dev", "test"] as const).map(
      (split) =>
        `    ${split.padEnd(5)} ${report.bySplit[split]
          .filter((g) => g.pages > 0)
          .map((g) => `${g.name} ${pct(g.cer)} (${g.pages})`)
          .join(", ")}`,
    ),
    `  orientation right on ${report.orientationCorrect}/${report.pages} pages; script right on ${report.scriptCorrect}/${report.pages}`,
    `  speed: ${report.pagesPerMinute.toFixed(1)} pages/min (one process, pages in sequence; 1-min load average ${report.loadAverage.before.toFixed(1)} before, ${report.loadAverage.after.toFixed(1)} after — the machine is shared)`,
    "  worst dev pages:",
    ...report.worst.map(
      (r) =>
        `    ${r.id}: CER ${pct(r.cer)} (${r.layout}, ${r.condition}; rotation found ${r.rotation.found}° for ${r.rotation.truth}°, script ${r.script.found} for ${r.script.truth})`,
    ),
  ];
  return lines.join("\n");
}

if (process.argv[1]?.endsWith("scans-eval.ts")) {
  const args = process.argv.slice(2);
  const engineArg = args.includes("--engine") ? args[args.indexOf("--engine") + 1] : undefined;
  const only = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--engine");
  const report = await runScanEval({
    engine: engineArg === "native" ? "native" : "tesseract.js",
    baseline: args.includes("--baseline"),
    only,
    log: (l) => process.stderr.write(`${l}\n`),
  });
  process.stdout.write(`${formatScanReport(report)}\n`);
}

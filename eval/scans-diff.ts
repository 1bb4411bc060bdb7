/**
 * The errors of one or more `dev` scan pages, for a person to look at: the page is read as the
 * eval reads it and the truth and the reading are aligned character by character (whitespace
 * removed, NFKC); each run of differences is printed with a little context. Refuses `test`
 * pages (their errors are never shown: eval/README.md).
 *
 *   npx tsx eval/scans-diff.ts <id-prefix> …
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_SCAN_LIMITS, rasterisePage } from "../src/archive/images.js";
import { TesseractJsEngine } from "../src/archive/ocr/engine.js";
import { readPage } from "../src/archive/ocr/page.js";
import { splitOf } from "./texts-eval.js";

/** Aligned runs of differences between a truth and a reading (both already normalised). */
export function differences(
  truth: readonly string[],
  read: readonly string[],
  context = 4,
): { at: number; truth: string; read: string; before: string; after: string }[] {
  const n = truth.length;
  const m = read.length;
  const d: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = 0; i <= n; i++) d[i]![0] = i;
  for (let j = 0; j <= m; j++) d[0]![j] = j;
  for (let i = 1; i <= n; i++)
    for (let j = 1; j <= m; j++)
      d[i]![j] = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (truth[i - 1] === read[j - 1] ? 0 : 1),
      );
  const ops: { i: number; t: string; r: string }[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && d[i]![j] === d[i - 1]![j - 1]! + (truth[i - 1] === read[j - 1] ? 0 : 1)) {
      ops.push({ i: i - 1, t: truth[i - 1]!, r: read[j - 1]! });
      i--;
      j--;
    } else if (i > 0 && d[i]![j] === d[i - 1]![j]! + 1) {
      ops.push({ i: i - 1, t: truth[i - 1]!, r: "" });
      i--;
    } else {
      ops.push({ i, t: "", r: read[j - 1]! });
      j--;
    }
  }
  ops.reverse();
  const out: { at: number; truth: string; read: string; before: string; after: string }[] = [];
  let k = 0;
  while (k < ops.length) {
    if (ops[k]!.t === ops[k]!.r) {
      k++;
      continue;
    }
    const start = k;
    while (k < ops.length && ops[k]!.t !== ops[k]!.r) k++;
    const at = ops[start]!.i;
    const end = ops[k - 1]!.i + (ops[k - 1]!.t ? 1 : 0);
    out.push({
      at,
      truth: ops
        .slice(start, k)
        .map((o) => o.t)
        .join(""),
      read: ops
        .slice(start, k)
        .map((o) => o.r)
        .join(""),
      before: truth.slice(Math.max(0, at - context), at).join(""),
      after: truth.slice(end, end + context).join(""),
    });
  }
  return out;
}

const norm = (s: string) => [...s.normalize("NFKC").replace(/\s+/g, "")];

if (process.argv[1]?.endsWith("scans-diff.ts")) {
  const dir = "eval/scans";
  const prefixes = process.argv.slice(2);
  const ids = readdirSync(dir)
    .filter((f) => f.endsWith(".truth.json"))
    .map((f) => f.slice(0, -".truth.json".length))
    .filter((id) => prefixes.some((p) => id.startsWith(p)))
    .sort();
  const engine = new TesseractJsEngine();
  try {
    for (const id of ids) {
      if (splitOf(id) !== "dev") {
        process.stdout.write(`${id}: a test page — its errors are not shown\n`);
        continue;
      }
      const truth = JSON.parse(readFileSync(join(dir, `${id}.truth.json`), "utf8")) as { text: string };
      const raster = rasterisePage(
        new Uint8Array(readFileSync(join(dir, `${id}.png`))),
        "png",
        0,
        DEFAULT_SCAN_LIMITS,
      );
      const reading = await readPage(raster, engine, { script: "auto" });
      const diffs = differences(norm(truth.text), norm(reading.text));
      const errors = diffs.reduce((s, x) => s + Math.max([...x.truth].length, [...x.read].length), 0);
      process.stdout.write(
        `${id}: ${diffs.length} differences (~${errors} edits), script ${reading.script}\n`,
      );
      for (const x of diffs)
        process.stdout.write(`  ${x.before}[${x.truth || "∅"} → ${x.read || "∅"}]${x.after}\n`);
    }
  } finally {
    await engine.close();
  }
}

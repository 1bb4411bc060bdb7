/**
 * The bench's second peer: the same edition set by Typst (@myriaddreamin/typst-ts-node-compiler,
 * Typst compiled to a Node addon; its linux-x64-gnu platform package comes from the npm registry)
 * from bench/peers/edition.typ, with the same faces (fonts/: FandolFang/Hei/Kai/Song, Noto Serif
 * for Latin letters and digits). The edition goes to Typst as JSON in sys.inputs.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PDFDocument } from "pdf-lib";
import { type Block, tableGrid } from "../src/documents/blocks.js";
import type { EditionRenderInput } from "../src/editions/render-model.js";
import { chineseDate, issueLabel } from "../src/publishing/pdf/layout.js";

const TEMPLATE = join(dirname(fileURLToPath(import.meta.url)), "peers/edition.typ");
const FACES = [
  "FandolFang-Regular.otf",
  "FandolHei-Regular.otf",
  "FandolKai-Regular.otf",
  "FandolSong-Bold.otf",
  "NotoSerif-Regular.ttf",
];

export interface TypstPeerResult {
  readonly runs: readonly number[];
  readonly pages: number;
  readonly seconds: number;
  readonly pagesPerSecond: number;
  readonly bytesPerPage: number;
  readonly version: string;
}

type TypstBlock =
  | { readonly k: "p" | "h1" | "h2" | "h"; readonly t: string }
  | {
      readonly k: "table";
      readonly columns: number;
      readonly head: readonly TypstCell[];
      readonly body: readonly TypstCell[];
    };
interface TypstCell {
  readonly t: string;
  readonly cs: number;
  readonly rs: number;
}

function typstBlocks(blocks: readonly Block[]): TypstBlock[] {
  return blocks.map((b): TypstBlock => {
    if (b.type === "paragraph") return { k: "p", t: b.text };
    if (b.type === "heading") return { k: b.level === 1 ? "h1" : b.level === 2 ? "h2" : "h", t: b.text };
    const grid = tableGrid(b);
    const cells = grid.cells.map((c) => ({ t: c.text, cs: c.colSpan, rs: c.rowSpan, header: c.header }));
    return {
      k: "table",
      columns: grid.colCount,
      head: cells.filter((c) => c.header).map(({ t, cs, rs }) => ({ t, cs, rs })),
      body: cells.filter((c) => !c.header).map(({ t, cs, rs }) => ({ t, cs, rs })),
    };
  });
}

/** The edition as the JSON the Typst template reads. */
export function editionTypstData(input: EditionRenderInput): string {
  const e = input.edition;
  return JSON.stringify({
    name: input.masthead.name,
    header: `${input.masthead.name}　${issueLabel(input)}`,
    year: `${e.year}年`,
    issue: `第${e.issue}期（总第${e.cumulative}期）`,
    sections: input.sections.map((s) => ({ name: s.name, documents: s.documents.map((d) => d.id) })),
    documents: input.sections.flatMap((s) =>
      s.documents.map((d) => ({
        title: d.title,
        number: d.docNumber,
        addressees: d.addressees,
        blocks: typstBlocks(d.blocks),
        note:
          d.attachments.length === 0
            ? null
            : d.attachments.length === 1
              ? `附件：${d.attachments[0]?.title}`
              : `附件：${d.attachments.map((a, k) => `${k + 1}.${a.title}`).join("　")}`,
        attachments: d.attachments.map((a) => ({ title: a.title, blocks: typstBlocks(a.blocks) })),
        signer: d.signer,
        date: chineseDate(d.dateWritten),
        cc: d.cc,
        printed: d.printed ? { by: d.printed.by, date: chineseDate(d.printed.date) } : null,
      })),
    ),
  });
}

interface Compiler {
  compile(opts: { mainFileContent: string; inputs: Record<string, string> }): {
    result?: unknown;
    takeDiagnostics(): unknown;
  };
  pdf(doc: unknown): Buffer;
  evictCache(maxAge: number): void;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * Sets `input` with Typst `runs` times after a warm-up on `warmUp` (fonts parsed, as our renderer
 * is warmed up), clearing Typst's memoisation cache before each timed run so that no run reuses
 * the previous one's layout. Throws with the reason when the compiler cannot be loaded or fails.
 */
export async function benchTypst(
  input: EditionRenderInput,
  warmUp: EditionRenderInput,
  fontsDir: string,
  runs: number,
): Promise<TypstPeerResult> {
  const require = createRequire(import.meta.url);
  const pkg = "@myriaddreamin/typst-ts-node-compiler";
  const { NodeCompiler } = require(pkg) as { NodeCompiler: { create(args: unknown): Compiler } };
  const version = (require(`${pkg}/package.json`) as { version: string }).version;
  const compiler = NodeCompiler.create({
    fontArgs: [{ fontBlobs: FACES.map((f) => readFileSync(join(fontsDir, f))) }],
  });
  const template = readFileSync(TEMPLATE, "utf8");
  const render = (edition: EditionRenderInput): Buffer => {
    const compiled = compiler.compile({
      mainFileContent: template,
      inputs: { edition: editionTypstData(edition) },
    });
    if (!compiled.result) throw new Error(`Typst failed: ${JSON.stringify(compiled.takeDiagnostics())}`);
    return compiler.pdf(compiled.result);
  };
  render(warmUp);
  const samples: number[] = [];
  let pdf: Buffer | undefined;
  for (let run = 0; run < runs; run++) {
    compiler.evictCache(0);
    const t0 = performance.now();
    pdf = render(input);
    samples.push((performance.now() - t0) / 1000);
  }
  if (!pdf) throw new Error("no run");
  const pages = (await PDFDocument.load(pdf, { updateMetadata: false })).getPageCount();
  const seconds = median(samples);
  return {
    runs: samples,
    pages,
    seconds,
    pagesPerSecond: pages / seconds,
    bytesPerPage: pdf.byteLength / pages,
    version,
  };
}

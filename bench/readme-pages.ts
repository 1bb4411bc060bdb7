/**
 * The README's "a page before and after": renders the sample edition's policy document with an
 * earlier renderer (a tree extracted from git, e.g. `git archive 436fc4b src fonts templates |
 * tar -x -C /tmp/old`, with node_modules linked in) and with this one, and writes the PNG of the
 * same page of each to docs/images/.
 *
 *   npx tsx bench/readme-pages.ts /tmp/old [pageOfDocument=last]
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as mupdf from "mupdf";
import { renderEditionPdf } from "../src/publishing/pdf/render-edition.js";
import { policy, sampleEdition } from "../tests/publishing/pdf/fixtures.js";

const before = process.argv[2];
if (!before) throw new Error("usage: tsx bench/readme-pages.ts <tree of the earlier renderer> [page]");
const old = (await import(resolve(before, "src/publishing/pdf/render-edition.ts"))) as {
  renderEditionPdf: typeof renderEditionPdf;
};

function png(pdf: Uint8Array, which: string | undefined): Uint8Array {
  const doc = mupdf.Document.openDocument(pdf, "application/pdf");
  const index = which === undefined ? doc.countPages() - 1 : Number(which) - 1;
  const pixmap = doc
    .loadPage(index)
    .toPixmap(mupdf.Matrix.scale(1.25, 1.25), mupdf.ColorSpace.DeviceRGB, false);
  return pixmap.asPNG().slice();
}

const out = resolve("docs/images");
for (const [name, render] of [
  ["page-before.png", old.renderEditionPdf],
  ["page-after.png", renderEditionPdf],
] as const) {
  const rendered = await render(sampleEdition);
  const pdf = rendered.documentPdfs.get(policy.id);
  if (!pdf) throw new Error(`no PDF for ${policy.id}`);
  writeFileSync(join(out, name), png(pdf, process.argv[3]));
  console.log(`${name}: ${pdf.byteLength} bytes of PDF`);
}

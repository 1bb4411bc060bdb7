import { describe, expect, it } from "vitest";
import { defaultFontSet, FaceBook } from "../../../src/publishing/pdf/fonts.js";
import { layoutEdition } from "../../../src/publishing/pdf/layout.js";
import { createPdf, paintPages } from "../../../src/publishing/pdf/paint.js";
import { renderEditionPdf } from "../../../src/publishing/pdf/render-edition.js";
import { generatedEdition, sampleEdition } from "./fixtures.js";

/**
 * Per-document PDFs carry their own font subsets (issue 13, point 5): a 1-page 人事任免 PDF was
 * 438 KB because it held the glyphs of the whole edition. Each document's PDF is at most 1.5× the
 * bytes of the same pages rendered alone, and the edition PDF is unchanged by making them.
 */
describe("per-document PDFs", () => {
  it("are each at most 1.5× the bytes of the same pages rendered alone", async () => {
    // Prepare
    const input = generatedEdition(40);
    const book = new FaceBook(defaultFontSet());
    const laid = layoutEdition(book, input);

    // Act
    const rendered = await renderEditionPdf(input);

    // Assess
    expect(laid.documents.length).toBeGreaterThan(4);
    for (const d of laid.documents) {
      const alone = await createPdf(book);
      await paintPages(
        alone,
        book,
        d.pageIndexes.map((i) => laid.pages[i]!),
        "alone",
      );
      const aloneBytes = (await alone.save({ useObjectStreams: true })).byteLength;
      const bytes = rendered.documentPdfs.get(d.doc.id)?.byteLength ?? 0;
      expect(bytes, d.doc.title).toBeGreaterThan(0);
      expect(bytes / aloneBytes, d.doc.title).toBeLessThanOrEqual(1.5);
    }
  });

  it("keep a 1-page document's PDF well under the edition's bytes (it held all of the edition's glyphs)", async () => {
    // Prepare: the sample edition (6 pages) and its 1-page notice
    const rendered = await renderEditionPdf(sampleEdition);

    // Act
    const onePage = rendered.placements.find((p) => p.firstPage === p.lastPage)!;
    const bytes = rendered.documentPdfs.get(onePage.id)!.byteLength;

    // Assess: 196 KiB of a 216 KiB edition before, 89 KiB after
    expect(bytes).toBeLessThan(rendered.pdf.byteLength / 2);
  });

  it("leave the edition PDF byte for byte as it is rendered without them", async () => {
    // Act
    const withDocuments = await renderEditionPdf(sampleEdition);
    const without = await renderEditionPdf(sampleEdition, { documentPdfs: false });

    // Assess
    expect(Buffer.from(withDocuments.pdf).equals(Buffer.from(without.pdf))).toBe(true);
  });
});

describe("a 200-page edition", () => {
  it("passes the preflight with no findings", async () => {
    // Act
    const rendered = await renderEditionPdf(generatedEdition(200), { documentPdfs: false });

    // Assess
    expect(rendered.pageCount).toBeGreaterThanOrEqual(200);
    expect(rendered.findings).toEqual([]);
  }, 120_000);
});

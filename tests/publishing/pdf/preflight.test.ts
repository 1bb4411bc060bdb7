/**
 * The preflight on every render: clean editions pass; each fault is reported with its page.
 */
import { PDFDocument, StandardFonts } from "pdf-lib";
import { describe, expect, it } from "vitest";
import type { RenderDocument } from "../../../src/editions/render-model.js";
import { defaultFontSet, FaceBook } from "../../../src/publishing/pdf/fonts.js";
import { TYPE_W } from "../../../src/publishing/pdf/geometry.js";
import { type DrawOp, type LaidEdition, layoutEdition } from "../../../src/publishing/pdf/layout.js";
import { preflightFonts, preflightLayout } from "../../../src/publishing/pdf/preflight.js";
import { renderEditionPdf } from "../../../src/publishing/pdf/render-edition.js";
import { generatedEdition, notice, policy, sampleEdition } from "./fixtures.js";

const book = new FaceBook(defaultFontSet());
type TextOp = Extract<DrawOp, { op: "text" }>;
const text = (op: DrawOp) => (op.op === "text" ? op.runs.map((r) => r.text).join("") : "");

/** A copy of a laid edition with page `index`'s ops changed by `edit`. */
function edited(laid: LaidEdition, index: number, edit: (ops: DrawOp[]) => DrawOp[]): LaidEdition {
  return {
    ...laid,
    pages: laid.pages.map((p, i) => (i === index ? { ...p, ops: edit([...p.ops]) } : p)),
  };
}

describe("preflight", () => {
  it("finds nothing in the sample edition", async () => {
    const r = await renderEditionPdf(sampleEdition, { documentPdfs: false });
    expect(r.findings).toEqual([]);
  });

  it("finds nothing in a 200-page edition", async () => {
    const r = await renderEditionPdf(generatedEdition(200, 5), { documentPdfs: false });
    expect(r.placements.at(-1)?.lastPage).toBeGreaterThanOrEqual(190);
    expect(r.findings).toEqual([]);
  }, 120_000);

  it("reports a line past the type area with its printed page", () => {
    const laid = layoutEdition(book, sampleEdition);
    const index = laid.documents[0]?.pageIndexes[1] as number;
    const bad = edited(laid, index, (ops) =>
      ops.map((op) =>
        op.op === "text" && op.role === "body" && op.struct?.type === "P"
          ? { ...op, x: op.x + TYPE_W / 2 }
          : op,
      ),
    );
    const found = preflightLayout(book, bad);
    expect(found.length).toBeGreaterThan(0);
    expect(
      found.every((f) => f.code === "outside_type_area" && f.page === 2 && f.pdfPage === index + 1),
    ).toBe(true);
    expect(found[0]?.severity).toBe("error");
  });

  it("reports a heading left alone at the foot of a page", () => {
    const laid = layoutEdition(book, sampleEdition);
    const index = laid.documents[0]?.pageIndexes[0] as number;
    // Drop everything drawn after the first heading on the policy's first page.
    const bad = edited(laid, index, (ops) => {
      const k = ops.findIndex((op) => op.op === "text" && op.part === "heading");
      const heading = ops[k] as TextOp;
      return ops.filter((op, i) => i <= k || op.op !== "text" || op.role !== "body" || op.y < heading.y);
    });
    const found = preflightLayout(book, bad);
    // The table dropped with the rest of the page is reported too.
    expect(found.filter((f) => f.code !== "table_cell_missing").map((f) => [f.code, f.page])).toEqual([
      ["orphaned_heading", 1],
    ]);
    expect(found[0]?.message).toContain("一、总体要求");
  });

  it("reports attachments without 附件说明", () => {
    const laid = layoutEdition(book, sampleEdition);
    const doc = laid.documents.find((d) => d.doc.id === policy.id);
    let bad = laid;
    for (const i of doc?.pageIndexes ?? [])
      bad = edited(bad, i, (ops) => ops.filter((op) => text(op) !== "附件："));
    expect(preflightLayout(book, bad).map((f) => [f.code, f.page, f.documentId])).toEqual([
      ["missing_attachment_note", 1, policy.id],
    ]);
  });

  it("reports a character no face has, on its page", async () => {
    const set = defaultFontSet();
    const doc: RenderDocument = { ...notice, id: "x", blocks: [{ type: "paragraph", text: "說明" }] };
    const r = await renderEditionPdf(
      { ...sampleEdition, sections: [{ name: "部门文件", documents: [doc] }] },
      { fonts: { ...set, fallbacks: [] }, documentPdfs: false },
    );
    const missing = r.findings.filter((f) => f.code === "missing_glyph");
    expect(missing.map((f) => f.page)).toEqual([1]);
    expect(missing[0]?.message).toContain("說");
  });

  it("reports a font without its font file", async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    pdf.addPage().drawText("x", { font });
    // A standard font has no descriptor: give it one without a font file, as a broken writer would.
    const descriptor = pdf.context.obj({ Type: "FontDescriptor", FontName: "Broken" });
    pdf.context.register(descriptor);
    await pdf.save();
    expect(preflightFonts(pdf).map((f) => f.code)).toEqual(["font_not_embedded"]);
    const ours = await PDFDocument.create();
    expect(preflightFonts(ours)).toEqual([]);
  });
});

/**
 * Preflight: checks every rendered edition the way a gazette office checks proofs, after layout
 * and painting, and reports each finding with the page it is on.
 *
 * - outside_type_area: a line whose ink, or a table rule, runs past the type area (156 × 225 mm)
 * - table_cell_missing: a table cell's text that is not set in the PDF (a merged cell lost)
 * - orphaned_heading: a heading on a line of its own, last on its page, its text on the next
 * - missing_attachment_note: a document with attachments but no 附件说明 ("附件：…")
 * - missing_glyph: a character no face has (drawn as a .notdef box)
 * - text_not_extractable: a character whose glyph does not map back to it, so that text
 *   extracted from the PDF (copying, search, screen readers) would differ from the source
 * - font_not_embedded: a font of the PDF without its font file
 */
import { PDFDict, type PDFDocument, PDFName } from "pdf-lib";
import { tableGrid } from "../../documents/blocks.js";
import { bookTitle } from "../../site/format.js";
import type { FaceBook, FaceId } from "./fonts.js";
import { TOP, TYPE_H, TYPE_W, typeLeft } from "./geometry.js";
import type { DrawOp, LaidEdition } from "./layout.js";

export type PreflightCode =
  | "outside_type_area"
  | "table_cell_missing"
  | "orphaned_heading"
  | "missing_attachment_note"
  | "missing_glyph"
  | "text_not_extractable"
  | "font_not_embedded";

export interface PreflightFinding {
  /** Errors stop publication unless an editor overrides them with a reason. */
  readonly severity: "error" | "warning";
  readonly code: PreflightCode;
  /** The printed page number ("— 12 —"), null on front matter or for the whole file. */
  readonly page: number | null;
  /** 1-based page of the PDF file, null for the whole file. */
  readonly pdfPage: number | null;
  readonly documentId: string | null;
  readonly message: string;
}

type TextOp = Extract<DrawOp, { op: "text" }>;
const TOLERANCE = 0.5;

/**
 * Where the ink of a text line ends: the last visible glyph's origin plus its outline's right
 * edge (glyphs advance to the right, so the last one ends the line).
 */
export function inkRight(book: FaceBook, op: TextOp): number {
  let right = op.x;
  for (let r = op.runs.length - 1; r >= 0; r--) {
    const run = op.runs[r] as TextOp["runs"][number];
    let x = op.x + run.dx;
    let found = false;
    for (let i = 0; i < run.text.length; i++) {
      const cp = run.text.codePointAt(i) as number;
      if (cp > 0xffff) i++;
      if (cp > 0x20 && cp !== 0x3000) {
        right = x + book.inkRight(run.face, cp) * op.size;
        found = true;
      }
      x += book.advance(run.face, cp) * op.size + op.tc;
    }
    if (found) return right;
  }
  return right;
}

function textOf(op: TextOp): string {
  return op.runs.map((r) => r.text).join("");
}

/** Checks the laid-out pages: the type area, headings, 附件说明, glyphs. */
export function preflightLayout(book: FaceBook, laid: LaidEdition): PreflightFinding[] {
  const findings: PreflightFinding[] = [];
  const extractable = new Map<number, boolean>();
  const reported = new Set<string>();
  const maps = (face: FaceId, cp: number): boolean => {
    const key = cp * 64 + face;
    let ok = extractable.get(key);
    if (ok === undefined) {
      const glyph = book.font(face).glyphForCodePoint(cp);
      ok = glyph.id !== 0 && (glyph.codePoints.length === 0 || glyph.codePoints.includes(cp));
      extractable.set(key, ok);
    }
    return ok;
  };
  laid.pages.forEach((page, index) => {
    if (page.kind !== "document") return;
    const at = { page: page.printed, pdfPage: index + 1, documentId: page.docId };
    const left = typeLeft(page.printed ?? 1);
    const body = page.ops.filter((op): op is TextOp => op.op === "text" && op.role === "body");
    for (const op of body) {
      const right = inkRight(book, op);
      const outside =
        op.x < left - TOLERANCE ||
        right > left + TYPE_W + TOLERANCE ||
        op.y < TOP ||
        op.y > TOP + TYPE_H + TOLERANCE;
      if (outside)
        findings.push({
          severity: "error",
          code: "outside_type_area",
          ...at,
          message: `第${page.printed}页“${textOf(op)}”超出版心${right > left + TYPE_W ? ` ${(right - left - TYPE_W).toFixed(1)} pt` : ""}`,
        });
      for (const run of op.runs)
        for (const ch of run.text) {
          const cp = ch.codePointAt(0) ?? 0;
          if (cp <= 0x20 || (!book.missing.has(cp) && maps(run.face, cp))) continue;
          if (!reported.has(`${index}/${cp}`)) {
            reported.add(`${index}/${cp}`);
            const missing = book.missing.has(cp);
            findings.push({
              severity: "error",
              code: missing ? "missing_glyph" : "text_not_extractable",
              ...at,
              message: missing
                ? `第${page.printed}页字符“${ch}”（U+${cp.toString(16).toUpperCase()}）无字形`
                : `第${page.printed}页字符“${ch}”（U+${cp.toString(16).toUpperCase()}）提取出的文字与原文不同`,
            });
          }
        }
    }
    for (const op of page.ops) {
      // Table rules (the running header's rule sits above the type area by design).
      if (op.op !== "rule" || Math.min(op.y1, op.y2) < TOP - TOLERANCE) continue;
      const outside =
        Math.min(op.x1, op.x2) < left - TOLERANCE ||
        Math.max(op.x1, op.x2) > left + TYPE_W + TOLERANCE ||
        Math.max(op.y1, op.y2) > TOP + TYPE_H + TOLERANCE;
      if (outside)
        findings.push({
          severity: "error",
          code: "outside_type_area",
          ...at,
          message: `第${page.printed}页表格线超出版心`,
        });
    }
    // A heading that ends its page while its document goes on.
    const last = body.reduce<TextOp | null>((a, op) => (op.struct && (!a || op.y > a.y) ? op : a), null);
    const next = laid.pages[index + 1];
    if (last?.part === "heading" && next?.docId === page.docId && next?.kind === "document")
      findings.push({
        severity: "error",
        code: "orphaned_heading",
        ...at,
        message: `第${page.printed}页末行标题“${textOf(last)}”与其正文不在同一页`,
      });
  });
  for (const d of laid.documents) findings.push(...missingCells(laid, d));
  for (const d of laid.documents) {
    if (d.doc.attachments.length === 0) continue;
    const has = d.pageIndexes.some((i) =>
      laid.pages[i]?.ops.some(
        (op) => op.op === "text" && op.role === "body" && /^\s*附\s*件\s*[：:]/.test(textOf(op)),
      ),
    );
    if (!has)
      findings.push({
        severity: "error",
        code: "missing_attachment_note",
        page: d.firstPage,
        pdfPage: (d.pageIndexes[0] ?? 0) + 1,
        documentId: d.doc.id,
        message: `${bookTitle(d.doc.title)}有${d.doc.attachments.length}个附件，正文后缺少附件说明`,
      });
  }
  return findings;
}

/**
 * Table cells of a document whose text is not set: the cells' texts in reading order against the
 * text of the laid TH/TD elements (white space aside; repeated header rows are not counted).
 */
function missingCells(laid: LaidEdition, d: LaidEdition["documents"][number]): PreflightFinding[] {
  const squeeze = (t: string) => t.replace(/\s+/g, "");
  const set = new Map<string, string>();
  for (const i of d.pageIndexes)
    for (const op of laid.pages[i]?.ops ?? [])
      if (op.op === "text" && op.role === "body" && (op.struct?.type === "TD" || op.struct?.type === "TH"))
        set.set(op.struct.id, (set.get(op.struct.id) ?? "") + squeeze(textOf(op)));
  const laidCells = [...set.values()];
  const blocks = [...d.doc.blocks, ...d.doc.attachments.flatMap((a) => a.blocks)];
  const wanted = blocks.flatMap((b) =>
    b.type === "table"
      ? tableGrid(b)
          .cells.map((c) => squeeze(c.text))
          .filter(Boolean)
      : [],
  );
  const findings: PreflightFinding[] = [];
  let j = 0;
  for (const text of wanted) {
    if (laidCells[j] === text) {
      j++;
      continue;
    }
    findings.push({
      severity: "error",
      code: "table_cell_missing",
      page: d.firstPage,
      pdfPage: (d.pageIndexes[0] ?? 0) + 1,
      documentId: d.doc.id,
      message: `${bookTitle(d.doc.title)}的表格单元格“${text.slice(0, 20)}”未完整排出`,
    });
  }
  return findings;
}

/** Checks the painted PDF: every font carries its font file. */
export function preflightFonts(pdf: PDFDocument): PreflightFinding[] {
  const findings: PreflightFinding[] = [];
  for (const [, obj] of pdf.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFDict) || obj.get(PDFName.of("Type")) !== PDFName.of("FontDescriptor")) continue;
    const embedded = ["FontFile", "FontFile2", "FontFile3"].some((k) => obj.get(PDFName.of(k)) !== undefined);
    if (!embedded)
      findings.push({
        severity: "error",
        code: "font_not_embedded",
        page: null,
        pdfPage: null,
        documentId: null,
        message: `字体 ${obj.get(PDFName.of("FontName"))?.toString() ?? "?"} 未嵌入`,
      });
  }
  return findings;
}

/**
 * Paints laid-out pages into a pdf-lib document: fonts embedded as subsets through fontkit 2,
 * one BT…ET per line with Tc (character spacing) for the grid and justification.
 */
import { createHash } from "node:crypto";
import { PDFDocument, type PDFFont, PDFName, type PDFPage } from "pdf-lib";
import { createFontkitAdapter } from "./fontkit-adapter.js";
import type { FaceBook, FaceId } from "./fonts.js";
import { PAGE_H, PAGE_W } from "./geometry.js";
import type { LaidPage } from "./layout.js";
import { useNativeDeflate } from "./native-deflate.js";

useNativeDeflate();

/**
 * Glyph codes per character, remembered per embedded font. pdf-lib's encodeText shapes every
 * string with fontkit's layout engine; Chinese text needs no shaping, and widths were measured
 * per code point (text.ts), so each character is encoded once — which also adds its glyph to the
 * subset — and lines are assembled from the cached codes.
 */
class GlyphCodes {
  private readonly codes = new Map<number, string>();
  constructor(private readonly font: PDFFont) {}

  /** The glyph codes of `text` as hex digits, for a `<…> Tj` string. */
  hex(text: string): string {
    let hex = "";
    for (const ch of text) {
      const cp = ch.codePointAt(0) ?? 0;
      let code = this.codes.get(cp);
      if (code === undefined) {
        code = this.font.encodeText(ch).asString();
        this.codes.set(cp, code);
      }
      hex += code;
    }
    return hex;
  }
}

/** Six capital letters derived from `seed`, for the subset tag "ABCDEF+FontName" (ISO 32000 9.6.4). */
export function subsetTag(seed: string): string {
  const h = createHash("sha256").update(seed).digest();
  let tag = "";
  for (let i = 0; i < 6; i++) tag += String.fromCharCode(65 + ((h[i] ?? 0) % 26));
  return tag;
}

export async function createPdf(book: FaceBook): Promise<PDFDocument> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const collectionFace = book.faces.find((f) => f.collectionFace)?.collectionFace;
  pdf.registerFontkit(createFontkitAdapter(collectionFace) as never);
  return pdf;
}

/**
 * Paints pages; `seed` makes the subset tags differ between PDFs. Returns the PDF pages.
 * `subset: false` embeds whole fonts (tests compare glyphs drawn from subsets against them).
 */
export async function paintPages(
  pdf: PDFDocument,
  book: FaceBook,
  pages: readonly LaidPage[],
  seed: string,
  options: { subset?: boolean } = {},
): Promise<PDFPage[]> {
  const subset = options.subset !== false;
  const fonts = new Map<FaceId, PDFFont>();
  const codes = new Map<FaceId, GlyphCodes>();
  const fontFor = async (id: FaceId): Promise<PDFFont> => {
    let f = fonts.get(id);
    if (!f) {
      const face = book.faces[id];
      if (!face) throw new Error(`no face ${id}`);
      f = await pdf.embedFont(face.bytes, {
        subset,
        customName: subset ? `${subsetTag(`${seed}/${face.name}`)}+${face.name}` : face.name,
      });
      fonts.set(id, f);
      codes.set(id, new GlyphCodes(f));
    }
    return f;
  };
  // Embed in a fixed order so object numbering is reproducible.
  const used = new Set<FaceId>();
  for (const p of pages)
    for (const op of p.ops) if (op.op === "text") for (const r of op.runs) used.add(r.face);
  for (const id of [...used].sort((a, b) => a - b)) await fontFor(id);

  const out: PDFPage[] = [];
  for (const laid of pages) {
    const page = pdf.addPage([PAGE_W, PAGE_H]);
    const keys = new Map<FaceId, PDFName>();
    const keyFor = (id: FaceId): PDFName => {
      let k = keys.get(id);
      if (!k) {
        k = PDFName.of(`F${id}`);
        page.node.setFontDictionary(k, (fonts.get(id) as PDFFont).ref);
        keys.set(id, k);
      }
      return k;
    };
    // The content stream is written as text and compressed once: pdf-lib's operator objects
    // cost an object per number and were the renderer's biggest allocation.
    let content = "";
    for (const op of laid.ops) {
      if (op.op === "rule") {
        const c = op.color ?? [0, 0, 0];
        content +=
          `q ${num(c[0])} ${num(c[1])} ${num(c[2])} RG ${num(op.width)} w ` +
          `${num(op.x1)} ${num(PAGE_H - op.y1)} m ${num(op.x2)} ${num(PAGE_H - op.y2)} l S Q\n`;
        continue;
      }
      if (op.runs.length === 0) continue;
      const c = op.color ?? [0, 0, 0];
      content += `BT ${num(c[0])} ${num(c[1])} ${num(c[2])} rg ${num(op.tc)} Tc\n`;
      for (const run of op.runs) {
        content +=
          `${keyFor(run.face).asString()} ${num(op.size)} Tf 1 0 0 1 ${num(op.x + run.dx)} ${num(PAGE_H - op.y)} Tm ` +
          `<${(codes.get(run.face) as GlyphCodes).hex(run.text)}> Tj\n`;
      }
      content += "ET\n";
    }
    if (content) page.node.addContentStream(pdf.context.register(pdf.context.flateStream(content)));
    out.push(page);
  }
  return out;
}

/** A PDF number: at most three decimals, never exponent notation. */
function num(n: number): string {
  const r = Math.round(n * 1000) / 1000;
  return r === 0 ? "0" : String(r);
}

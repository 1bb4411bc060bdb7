/**
 * Paints laid-out pages into a pdf-lib document: fonts embedded as subsets through fontkit 2,
 * one BT…ET per line with Tc (character spacing) for the grid and justification.
 */
import { createHash } from "node:crypto";
import {
  type PDFDict,
  PDFDocument,
  type PDFFont,
  PDFName,
  PDFNumber,
  type PDFPage,
  type PDFRef,
} from "pdf-lib";
import { createFontkitAdapter } from "./fontkit-adapter.js";
import type { FaceBook, FaceId } from "./fonts.js";
import { PAGE_H, PAGE_W } from "./geometry.js";
import type { LaidPage, StructTag, TableAttributes } from "./layout.js";
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
  options: {
    subset?: boolean;
  } = {},
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
  const structure = new StructureTree(pdf);
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
    // Tagged: text is marked content of its structure element; rules, running headers, folios
    // and repeated table headers are artifacts.
    let content = "";
    const marks = structure.page(page, laid.docId);
    for (const op of laid.ops) {
      if (op.op === "rule") {
        const c = op.color ?? [0, 0, 0];
        content +=
          `/Artifact BMC q ${num(c[0])} ${num(c[1])} ${num(c[2])} RG ${num(op.width)} w ` +
          `${num(op.x1)} ${num(PAGE_H - op.y1)} m ${num(op.x2)} ${num(PAGE_H - op.y2)} l S Q EMC\n`;
        continue;
      }
      if (op.runs.length === 0) continue;
      const c = op.color ?? [0, 0, 0];
      if (op.role === "header" || op.role === "folio") content += "/Artifact <</Type /Pagination>> BDC ";
      // A table header repeated on a continuation page: furniture, with no text of its own, so
      // that extracted text is the document's text exactly once.
      else if (op.role === "repeat") content += "/Artifact <</Type /Pagination /ActualText ()>> BDC ";
      else content += `/${op.struct?.type ?? "P"} <</MCID ${marks.mark(op.struct)}>> BDC `;
      content += `BT ${num(c[0])} ${num(c[1])} ${num(c[2])} rg ${num(op.tc)} Tc\n`;
      for (const run of op.runs) {
        content +=
          `${keyFor(run.face).asString()} ${num(op.size)} Tf 1 0 0 1 ${num(op.x + run.dx)} ${num(PAGE_H - op.y)} Tm ` +
          `<${(codes.get(run.face) as GlyphCodes).hex(run.text)}> Tj\n`;
      }
      content += "ET EMC\n";
    }
    if (content) page.node.addContentStream(pdf.context.register(pdf.context.flateStream(content)));
    out.push(page);
  }
  structure.finish();
  return out;
}

interface Element {
  readonly ref: PDFRef;
  readonly type: string;
  readonly parent: Element | null;
  readonly table?: TableAttributes | undefined;
  /** Child elements and marked-content references, in reading order. */
  readonly kids: (Element | { readonly page: PDFPage; readonly mcid: number })[];
}

/**
 * The logical structure of the painted pages (ISO 32000-1 14.7–14.8): Document → one Sect per
 * document → its headings, paragraphs and tables, each pointing at its marked content. Readers
 * and screen readers use it for reading order and navigation; /MarkInfo says the PDF is tagged.
 */
class StructureTree {
  private readonly root: Element;
  private readonly elements = new Map<string, Element>();
  private readonly sections = new Map<string, Element>();
  /** Per page (its /StructParents key): the element of each MCID. */
  private readonly parentTree: Element[][] = [];
  private anonymous = 0;

  constructor(private readonly pdf: PDFDocument) {
    this.root = { ref: pdf.context.nextRef(), type: "Document", parent: null, kids: [] };
  }

  page(page: PDFPage, docId: string | null) {
    const key = this.parentTree.length;
    const mcids: Element[] = [];
    this.parentTree.push(mcids);
    page.node.set(PDFName.of("StructParents"), PDFNumber.of(key));
    // Tab order follows the structure.
    page.node.set(PDFName.of("Tabs"), PDFName.of("S"));
    return {
      /** Records a line of `tag` (untagged: a paragraph of its own) and returns its MCID. */
      mark: (wanted: StructTag | undefined): number => {
        const tag = wanted ?? { id: `~${this.anonymous++}`, type: "P" as const };
        const element = this.element(tag, docId);
        element.kids.push({ page, mcid: mcids.length });
        mcids.push(element);
        return mcids.length - 1;
      },
    };
  }

  private element(tag: StructTag, docId: string | null): Element {
    const known = this.elements.get(tag.id);
    if (known) return known;
    const parent = tag.parent ? this.element(tag.parent, docId) : docId ? this.section(docId) : this.root;
    const element: Element = {
      ref: this.pdf.context.nextRef(),
      type: tag.type,
      parent,
      kids: [],
      table: tag.table,
    };
    parent.kids.push(element);
    this.elements.set(tag.id, element);
    return element;
  }

  private section(docId: string): Element {
    let section = this.sections.get(docId);
    if (!section) {
      section = { ref: this.pdf.context.nextRef(), type: "Sect", parent: this.root, kids: [] };
      this.root.kids.push(section);
      this.sections.set(docId, section);
    }
    return section;
  }

  finish(): void {
    const ctx = this.pdf.context;
    const treeRef = ctx.nextRef();
    const assign = (element: Element) => {
      const dict = ctx.obj({
        Type: "StructElem",
        S: element.type,
        P: element.parent?.ref ?? treeRef,
      }) as PDFDict;
      if (element.table) {
        const { rowSpan, colSpan, scope } = element.table;
        const a: Record<string, unknown> = { O: "Table" };
        if (rowSpan) a.RowSpan = rowSpan;
        if (colSpan) a.ColSpan = colSpan;
        if (scope) a.Scope = scope;
        dict.set(PDFName.of("A"), ctx.obj(a as never));
      }
      const kids = element.kids.map((kid) => {
        if ("ref" in kid) {
          assign(kid);
          return kid.ref;
        }
        return ctx.obj({ Type: "MCR", Pg: kid.page.ref, MCID: kid.mcid });
      });
      dict.set(PDFName.of("K"), ctx.obj(kids));
      ctx.assign(element.ref, dict);
    };
    assign(this.root);
    const nums: unknown[] = [];
    this.parentTree.forEach((elements, key) => {
      nums.push(
        key,
        elements.map((e) => e.ref),
      );
    });
    const parentTree = ctx.register(ctx.obj({ Nums: nums as never }));
    ctx.assign(
      treeRef,
      ctx.obj({
        Type: "StructTreeRoot",
        K: this.root.ref,
        ParentTree: parentTree,
        ParentTreeNextKey: this.parentTree.length,
      }),
    );
    this.pdf.catalog.set(PDFName.of("StructTreeRoot"), treeRef);
    this.pdf.catalog.set(PDFName.of("MarkInfo"), ctx.obj({ Marked: true }));
  }
}

/** A PDF number: at most three decimals, never exponent notation. */
function num(n: number): string {
  const r = Math.round(n * 1000) / 1000;
  return r === 0 ? "0" : String(r);
}

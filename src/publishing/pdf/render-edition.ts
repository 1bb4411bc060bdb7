/**
 * Renders an edition of the gazette to PDF, and each document to a PDF of its own with the same
 * pages (same layout, same printed page numbers).
 *
 * See layout.ts for the page design and numbering, fonts/README.md for the faces.
 */
import {
  type PDFDocument,
  PDFHexString,
  PDFName,
  PDFNull,
  PDFNumber,
  type PDFPage,
  type PDFRef,
} from "pdf-lib";
import type {
  DocumentPlacement,
  EditionRenderInput,
  RenderedEditionPdf,
} from "../../editions/render-model.js";
import { type PdfSignatureReservation, reserveSignature } from "../../signing/placeholder.js";
import { defaultFontSet, FaceBook, type FontSet } from "./fonts.js";
import { issueLabel, type LaidEdition, type LaidPage, layoutEdition } from "./layout.js";
import { createPdf, paintPages } from "./paint.js";
import { preflightFonts, preflightLayout } from "./preflight.js";

export type { FontSet } from "./fonts.js";

export interface RenderPdfOptions {
  /** Faces to use; defaults to the shipped Fandol set (+ Noto Serif CJK TC fallback). */
  readonly fonts?: FontSet;
  /** Also build one PDF per document (default true). */
  readonly documentPdfs?: boolean;
  /** Told about characters that no face has (they are drawn as .notdef boxes). */
  readonly onMissingGlyphs?: (chars: string) => void;
  /** Reserve this signature in every PDF, for publishing to sign in place (src/signing/pades.ts). */
  readonly signature?: PdfSignatureReservation | undefined;
}

export const PRODUCER = "gazette-pipeline PDF renderer (pdf-lib 1.17.1, fontkit 2.0.4)";

interface OutlineItem {
  readonly title: string;
  readonly page?: PDFPage | undefined;
  readonly children?: readonly OutlineItem[];
}

/** Writes /Outlines (bookmarks); pdf-lib has no API for them. */
export function addOutline(pdf: PDFDocument, items: readonly OutlineItem[]): void {
  if (items.length === 0) return;
  const ctx = pdf.context;
  const rootRef = ctx.nextRef();
  const build = (
    list: readonly OutlineItem[],
    parent: PDFRef,
  ): { first: PDFRef; last: PDFRef; count: number } => {
    const refs = list.map(() => ctx.nextRef());
    let count = 0;
    list.forEach((item, k) => {
      const d = ctx.obj({});
      d.set(PDFName.of("Title"), PDFHexString.fromText(item.title));
      d.set(PDFName.of("Parent"), parent);
      const prev = refs[k - 1];
      const next = refs[k + 1];
      if (prev) d.set(PDFName.of("Prev"), prev);
      if (next) d.set(PDFName.of("Next"), next);
      const target = item.page ?? item.children?.[0]?.page;
      if (target)
        d.set(PDFName.of("Dest"), ctx.obj([target.ref, PDFName.of("XYZ"), PDFNull, PDFNull, PDFNull]));
      count++;
      if (item.children && item.children.length > 0) {
        const sub = build(item.children, refs[k] as PDFRef);
        d.set(PDFName.of("First"), sub.first);
        d.set(PDFName.of("Last"), sub.last);
        d.set(PDFName.of("Count"), PDFNumber.of(sub.count));
        count += sub.count;
      }
      ctx.assign(refs[k] as PDFRef, d);
    });
    return { first: refs[0] as PDFRef, last: refs[refs.length - 1] as PDFRef, count };
  };
  const top = build(items, rootRef);
  ctx.assign(
    rootRef,
    ctx.obj({ Type: "Outlines", First: top.first, Last: top.last, Count: PDFNumber.of(top.count) }),
  );
  pdf.catalog.set(PDFName.of("Outlines"), rootRef);
  pdf.catalog.set(PDFName.of("PageMode"), PDFName.of("UseOutlines"));
}

/**
 * Page labels (ISO 32000-1 12.4.2) equal to the printed folios, so that a viewer's page box
 * shows "12" where the page prints "— 12 —": front matter (cover, contents) in lower-case roman
 * numerals, then decimal from `firstPrinted` at page index `frontPages`.
 */
export function setPageLabels(pdf: PDFDocument, frontPages: number, firstPrinted: number): void {
  const ctx = pdf.context;
  const nums: unknown[] = [];
  if (frontPages > 0) nums.push(PDFNumber.of(0), ctx.obj({ S: PDFName.of("r") }));
  nums.push(PDFNumber.of(frontPages), ctx.obj({ S: PDFName.of("D"), St: PDFNumber.of(firstPrinted) }));
  pdf.catalog.set(PDFName.of("PageLabels"), ctx.obj({ Nums: nums as never }));
}

function isoToDate(iso: string): Date {
  const d = new Date(`${iso}T00:00:00+08:00`);
  return Number.isNaN(d.getTime()) ? new Date(0) : d;
}

function setMetadata(
  pdf: PDFDocument,
  m: { title: string; subject: string; keywords: string[]; author: string; date: string },
): void {
  pdf.setTitle(m.title, { showInWindowTitleBar: true });
  pdf.setSubject(m.subject);
  pdf.setKeywords(m.keywords);
  pdf.setAuthor(m.author);
  pdf.setLanguage("zh-CN");
  pdf.setProducer(PRODUCER);
  pdf.setCreator("gazette-pipeline");
  const when = isoToDate(m.date);
  pdf.setCreationDate(when);
  pdf.setModificationDate(when);
  // The same facts as XMP (ISO 32000-1 14.3.2), which archives and PDF/UA-minded readers use.
  const xmp = new TextEncoder().encode(xmpPacket({ ...m, date: `${m.date}T00:00:00+08:00` }));
  const stream = pdf.context.stream(xmp, { Type: "Metadata", Subtype: "XML", Length: xmp.byteLength });
  pdf.catalog.set(PDFName.of("Metadata"), pdf.context.register(stream));
}

function xml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** An XMP packet with Dublin Core, XMP basic and PDF properties. */
export function xmpPacket(m: {
  title: string;
  subject: string;
  keywords: string[];
  author: string;
  date: string;
}): string {
  const alt = (v: string) => `<rdf:Alt><rdf:li xml:lang="x-default">${xml(v)}</rdf:li></rdf:Alt>`;
  return [
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about=""',
    ' xmlns:dc="http://purl.org/dc/elements/1.1/"',
    ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
    ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/">',
    `<dc:title>${alt(m.title)}</dc:title>`,
    `<dc:description>${alt(m.subject)}</dc:description>`,
    `<dc:creator><rdf:Seq><rdf:li>${xml(m.author)}</rdf:li></rdf:Seq></dc:creator>`,
    `<dc:subject><rdf:Bag>${m.keywords.map((k) => `<rdf:li>${xml(k)}</rdf:li>`).join("")}</rdf:Bag></dc:subject>`,
    "<dc:language><rdf:Bag><rdf:li>zh-CN</rdf:li></rdf:Bag></dc:language>",
    "<dc:format>application/pdf</dc:format>",
    `<xmp:CreateDate>${xml(m.date)}</xmp:CreateDate>`,
    `<xmp:ModifyDate>${xml(m.date)}</xmp:ModifyDate>`,
    "<xmp:CreatorTool>gazette-pipeline</xmp:CreatorTool>",
    `<pdf:Producer>${xml(PRODUCER)}</pdf:Producer>`,
    `<pdf:Keywords>${xml(m.keywords.join(", "))}</pdf:Keywords>`,
    "</rdf:Description>",
    "</rdf:RDF>",
    "</x:xmpmeta>",
    '<?xpacket end="w"?>',
  ].join("\n");
}

async function renderEdition(
  input: EditionRenderInput,
  book: FaceBook,
  laid: LaidEdition,
  signature: PdfSignatureReservation | undefined,
): Promise<{ pdf: Uint8Array; pages: PDFPage[]; document: PDFDocument }> {
  const pdf = await createPdf(book);
  const pages = await paintPages(pdf, book, laid.pages, `${input.edition.id}/edition`);
  const issue = issueLabel(input);
  setMetadata(pdf, {
    title: `${input.masthead.name} ${issue}`,
    subject: `${input.masthead.name} ${issue}（总第${input.edition.cumulative}期）`,
    keywords: [input.masthead.name, issue, ...input.sections.map((s) => s.name)],
    author: input.masthead.publisher,
    date: input.edition.date,
  });
  const outline: OutlineItem[] = [{ title: "封面", page: pages[0] }];
  const tocFirst = laid.tocPageIndexes[0];
  if (tocFirst !== undefined) outline.push({ title: "目录", page: pages[tocFirst] });
  for (const section of input.sections) {
    const children = laid.documents
      .filter((d) => d.section === section.name)
      .map((d) => ({ title: d.doc.title, page: pages[d.pageIndexes[0] ?? 0] }));
    if (children.length > 0) outline.push({ title: section.name, children });
  }
  addOutline(pdf, outline);
  setPageLabels(pdf, laid.frontPages, 1);
  if (signature) reserveSignature(pdf, signature);
  return { pdf: await pdf.save({ useObjectStreams: true }), pages, document: pdf };
}

/** Renders the edition PDF, the placements of its documents and one PDF per document. */
export async function renderEditionPdf(
  input: EditionRenderInput,
  options: RenderPdfOptions = {},
): Promise<RenderedEditionPdf> {
  const book = new FaceBook(options.fonts ?? defaultFontSet());
  const laid = layoutEdition(book, input);
  const edition = await renderEdition(input, book, laid, options.signature);

  const documentPdfs = new Map<string, Uint8Array>();
  if (options.documentPdfs !== false) {
    // Each document's PDF is painted from the edition's own laid-out pages (the same layout and
    // printed page numbers, nothing laid out again), into a PDF of its own with its own font
    // subsets: only the glyphs of its pages, so a 1-page document does not carry the glyphs of
    // the whole edition. Its tags are built as it is painted.
    const issue = issueLabel(input);
    for (const d of laid.documents) {
      const pdf = await createPdf(book);
      const pages = await paintPages(
        pdf,
        book,
        d.pageIndexes.map((i) => laid.pages[i] as LaidPage),
        `${input.edition.id}/${d.doc.id}`,
      );
      setMetadata(pdf, {
        title: d.doc.title,
        subject: `${input.masthead.name} ${issue} 第${d.firstPage}–${d.lastPage}页${d.doc.docNumber ? ` ${d.doc.docNumber}` : ""}`,
        keywords: [input.masthead.name, issue, d.section, ...(d.doc.docNumber ? [d.doc.docNumber] : [])],
        author: d.doc.issuers.join("、") || input.masthead.publisher,
        date: input.edition.date,
      });
      addOutline(pdf, [{ title: d.doc.title, page: pages[0] }]);
      setPageLabels(pdf, 0, d.firstPage);
      if (options.signature) reserveSignature(pdf, options.signature);
      documentPdfs.set(d.doc.id, await pdf.save({ useObjectStreams: true }));
    }
  }

  if (book.missing.size > 0) {
    options.onMissingGlyphs?.(String.fromCodePoint(...book.missing));
  }
  const placements: DocumentPlacement[] = laid.documents.map((d) => ({
    id: d.doc.id,
    firstPage: d.firstPage,
    lastPage: d.lastPage,
  }));
  const findings = [...preflightLayout(book, laid), ...preflightFonts(edition.document)];
  return { pdf: edition.pdf, pageCount: laid.pages.length, placements, documentPdfs, findings };
}

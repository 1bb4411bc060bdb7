/**
 * View models: the plain data the templates show. Everything that needs a decision (heading ranks,
 * labels, dates, links) is made here, so the templates only print escaped values.
 */
import {
  type Attachment,
  type Block,
  hasAttachmentNote,
  runInHeading,
  tableGrid,
} from "../documents/blocks.js";
import { DISCLOSURE_LABELS } from "../documents/model.js";
import type {
  DocumentPlacement,
  EditionInfo,
  EditionRenderInput,
  RenderDocument,
} from "../editions/render-model.js";
import { chineseDate, citation, editionLabel, editionLabelFull, fileSize, pageLabel } from "./format.js";
import type {
  DocumentLink,
  DocumentStatusView,
  EditionPdfSizes,
  EditionPdfUrls,
  EditionSiteInput,
} from "./model.js";
import { documentPath, editionPath, href } from "./urls.js";

/** Links on the site: http(s), root-relative or relative. Anything else (javascript:, data:) is refused. */
export function safeUrl(url: string): string {
  // Browsers drop tabs and newlines inside a URL ("java\tscript:"), so none are accepted.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  const clean = !/[\u0000-\u0020\u007F]/.test(url) && !url.startsWith("//");
  const scheme = /^([^:/?#]+):/.exec(url)?.[1];
  if (clean && (scheme === undefined || /^https?$/i.test(scheme))) return url;
  throw new RangeError(`Refusing to link to "${url}": only http(s) and relative URLs`);
}

// ---------------------------------------------------------------------------------------------
// Blocks

export type BlockView =
  | {
      readonly heading: true;
      readonly rank: number;
      /** The heading sentence; `runIn` is the text that runs on after it in print, or null. */
      readonly text: string;
      readonly runIn: string | null;
    }
  | { readonly paragraph: true; readonly text: string }
  | {
      readonly table: true;
      readonly caption: string;
      /** Header rows (null when there are none) and body rows: the cells that start in each row. */
      readonly head: readonly (readonly CellView[])[] | null;
      readonly body: readonly (readonly CellView[])[];
    };

/**
 * A table cell of the web page. Spans are null when 1. A table with merged cells gives every
 * header cell an `id` and every data cell the `headers` over its columns (WCAG technique H43);
 * a header cell over several columns has the scope "colgroup".
 */
export interface CellView {
  readonly text: string;
  readonly colspan: number | null;
  readonly rowspan: number | null;
  readonly scope: "col" | "colgroup" | null;
  readonly id: string | null;
  readonly headers: string | null;
}

/** The head and body rows of a table block's web view; `n` numbers its header ids on the page. */
export function tableView(
  block: Parameters<typeof tableGrid>[0],
  n: number,
): { head: CellView[][] | null; body: CellView[][] } {
  const grid = tableGrid(block);
  const explicit = (block.merges?.length ?? 0) > 0;
  const idOf = (k: number) => `t${n}h${k}`;
  const rows: CellView[][] = Array.from({ length: grid.rowCount }, () => []);
  grid.cells.forEach((cell, k) => {
    const headers =
      explicit && !cell.header
        ? grid.cells
            .map((h, j) => ({ h, j }))
            .filter(({ h }) => h.header && h.col < cell.col + cell.colSpan && cell.col < h.col + h.colSpan)
            .map(({ j }) => idOf(j))
            .join(" ")
        : "";
    (rows[cell.row] as CellView[]).push({
      text: cell.text,
      colspan: cell.colSpan > 1 ? cell.colSpan : null,
      rowspan: cell.rowSpan > 1 ? cell.rowSpan : null,
      scope: cell.header ? (cell.colSpan > 1 ? "colgroup" : "col") : null,
      id: cell.header && explicit ? idOf(k) : null,
      headers: headers || null,
    });
  });
  return grid.headerRows > 0
    ? { head: rows.slice(0, grid.headerRows), body: rows.slice(grid.headerRows) }
    : { head: null, body: rows };
}

/** Counts tables across a whole page, so captions are numbered 表格1, 表格2… */
export interface TableCounter {
  next(): number;
}

function tableCounter(): TableCounter {
  let n = 0;
  return { next: () => ++n };
}

/**
 * Heading ranks follow the levels actually used (一、 → （一） → 1. → （1）), starting at `base`,
 * so a document whose first heading is （一） does not skip from h1 to h3. Never deeper than h6.
 */
export function blockViews(blocks: readonly Block[], base: number, tables: TableCounter): BlockView[] {
  const levels = [...new Set(blocks.flatMap((b) => (b.type === "heading" ? [b.level] : [])))].sort(
    (a, b) => a - b,
  );
  return blocks.map((block): BlockView => {
    if (block.type === "heading") {
      // A run-in heading is a heading sentence and a paragraph, as the PDF sets it.
      const split = runInHeading(block.text);
      return {
        heading: true,
        rank: Math.min(6, base + levels.indexOf(block.level)),
        text: split.heading,
        runIn: split.text || null,
      };
    }
    if (block.type === "paragraph") return { paragraph: true, text: block.text };
    const n = tables.next();
    return { table: true, caption: `表格${n}`, ...tableView(block, n) };
  });
}

// ---------------------------------------------------------------------------------------------
// Status

export interface StatusView {
  readonly label: DocumentStatusView["status"];
  readonly valid: boolean;
  /** CSS modifier: valid, amended, repealed, expired. */
  readonly kind: "valid" | "amended" | "repealed" | "expired";
  /** 修改 / 废止 / 失效: the verb of the banner. */
  readonly verb: string;
  readonly changedAt: string | null;
  readonly changedBy: LinkView | null;
  readonly corrections: readonly LinkView[];
}

export interface LinkView {
  readonly title: string;
  readonly docNumber: string | null;
  readonly href: string;
}

function linkView(link: DocumentLink): LinkView {
  return { title: link.title, docNumber: link.docNumber, href: safeUrl(link.url) };
}

const STATUS_KIND = {
  有效: ["valid", ""],
  已修改: ["amended", "修改"],
  已废止: ["repealed", "废止"],
  失效: ["expired", "失效"],
} as const;

export function statusView(status: DocumentStatusView | undefined): StatusView {
  const s = status ?? { status: "有效" };
  const [kind, verb] = STATUS_KIND[s.status];
  return {
    label: s.status,
    valid: s.status === "有效",
    kind,
    // An act that ended it declared it so (宣布失效); an ended validity period has no act.
    verb: s.status === "失效" && s.changedBy ? "宣布失效" : verb,
    changedAt: s.changedAt ? chineseDate(s.changedAt) : null,
    changedBy: s.changedBy ? linkView(s.changedBy) : null,
    corrections: (s.correctedBy ?? []).map(linkView),
  };
}

// ---------------------------------------------------------------------------------------------
// Edition and documents

export interface TocEntryView {
  readonly title: string;
  readonly href: string;
  readonly docNumber: string | null;
  readonly pages: string | null;
  /** Shown next to the title when the document is no longer 有效. */
  readonly status: string | null;
}

export interface TocSectionView {
  readonly name: string;
  readonly anchor: string;
  readonly entries: readonly TocEntryView[];
}

export interface EditionView {
  readonly name: string;
  readonly publisher: string;
  readonly serialNumbers: string | null;
  readonly label: string;
  readonly labelFull: string;
  readonly cumulative: number;
  readonly date: string;
  readonly isoDate: string;
  readonly href: string;
  readonly pdfHref: string | null;
  readonly pdfSize: string | null;
  readonly documentCount: number;
  readonly sections: readonly TocSectionView[];
}

export interface AttachmentView {
  readonly anchor: string;
  /** 附件 alone, or 附件1, 附件2… */
  readonly label: string;
  /** In the 附件： list under the body: "1." when there are several, else "". */
  readonly number: string;
  readonly title: string;
  readonly blocks: readonly BlockView[];
}

export interface DocumentView {
  readonly id: string;
  readonly title: string;
  readonly section: string;
  readonly docNumber: string | null;
  readonly issuers: string;
  readonly dateWritten: string;
  readonly published: string;
  readonly kind: string;
  readonly disclosure: string;
  readonly status: StatusView;
  readonly citation: string;
  readonly pages: string | null;
  readonly addressees: string | null;
  readonly blocks: readonly BlockView[];
  readonly attachments: readonly AttachmentView[];
  /** Whether to list the attachments under the text: not when the text has its own 附件说明. */
  readonly attachmentNote: boolean;
  readonly signer: string | null;
  /** The signature block as printed: the signer, else every issuer (joint documents). */
  readonly signatures: readonly string[];
  readonly cc: string | null;
  readonly printed: { readonly by: string; readonly date: string } | null;
  readonly interpretations: readonly LinkView[];
  readonly interprets: LinkView | null;
  readonly pdfHref: string;
  readonly pdfSize: string | null;
  readonly edition: { readonly label: string; readonly labelFull: string; readonly href: string };
}

function sizeOf(bytes: number | undefined): string | null {
  return bytes === undefined ? null : fileSize(bytes);
}

function placementsById(placements: readonly DocumentPlacement[]): Map<string, DocumentPlacement> {
  return new Map(placements.map((p) => [p.id, p]));
}

export function editionView(
  edition: EditionRenderInput,
  placements: readonly DocumentPlacement[],
  urls?: Pick<EditionPdfUrls, "editionPdf"> | undefined,
  pdfSizes?: EditionPdfSizes | undefined,
  status?: ReadonlyMap<string, DocumentStatusView> | undefined,
): EditionView {
  const pages = placementsById(placements);
  const info = edition.edition;
  return {
    name: edition.masthead.name,
    publisher: edition.masthead.publisher,
    serialNumbers: edition.masthead.serialNumbers ?? null,
    label: editionLabel(info),
    labelFull: editionLabelFull(info),
    cumulative: info.cumulative,
    date: chineseDate(info.date),
    isoDate: info.date,
    href: href(editionPath(info)),
    pdfHref: urls ? safeUrl(urls.editionPdf) : null,
    pdfSize: sizeOf(pdfSizes?.edition),
    documentCount: edition.sections.reduce((n, s) => n + s.documents.length, 0),
    sections: edition.sections.map((section, i) => ({
      name: section.name,
      anchor: `section-${i + 1}`,
      entries: section.documents.map((doc) => {
        const placement = pages.get(doc.id);
        const docStatus = status?.get(doc.id)?.status;
        return {
          title: doc.title,
          href: href(documentPath(doc.id)),
          docNumber: doc.docNumber,
          pages: placement ? pageLabel(placement) : null,
          status: docStatus && docStatus !== "有效" ? docStatus : null,
        };
      }),
    })),
  };
}

function attachmentViews(attachments: readonly Attachment[], tables: TableCounter): AttachmentView[] {
  return attachments.map((attachment, i) => ({
    anchor: `attachment-${i + 1}`,
    label: attachments.length === 1 ? "附件" : `附件${i + 1}`,
    number: attachments.length === 1 ? "" : `${i + 1}.`,
    title: attachment.title,
    blocks: blockViews(attachment.blocks, 3, tables),
  }));
}

/** A document's text as it prints: what templates/partials/document-body.hbs shows. */
export type DocumentBodyView = Pick<
  DocumentView,
  "addressees" | "blocks" | "attachments" | "attachmentNote" | "signatures" | "dateWritten" | "cc" | "printed"
>;

/**
 * The body of a document as the edition prints it (addressees, text, 附件 list and attachments,
 * signature, date, 抄送, 印发): the public document page and the console's document page both
 * render it through templates/partials/document-body.hbs.
 */
export function documentBodyView(
  doc: Pick<
    RenderDocument,
    "addressees" | "blocks" | "attachments" | "signer" | "issuers" | "dateWritten" | "cc" | "printed"
  >,
): DocumentBodyView {
  const tables = tableCounter();
  return {
    addressees: doc.addressees,
    blocks: blockViews(doc.blocks, 2, tables),
    attachments: attachmentViews(doc.attachments, tables),
    attachmentNote: doc.attachments.length > 0 && !hasAttachmentNote(doc.blocks),
    signatures: doc.signer ? [doc.signer] : doc.issuers,
    dateWritten: chineseDate(doc.dateWritten),
    cc: doc.cc,
    printed: doc.printed ? { by: doc.printed.by, date: chineseDate(doc.printed.date) } : null,
  };
}

/** Every document of an edition, keyed by id, with what its page needs. */
export function documentViews(input: EditionSiteInput): Map<string, DocumentView> {
  const { edition, urls, pdfSizes, status } = input;
  const pages = placementsById(input.placements);
  const byId = new Map<string, RenderDocument>();
  for (const section of edition.sections) for (const doc of section.documents) byId.set(doc.id, doc);
  const related = (id: string, fallback: string): LinkView => {
    const doc = byId.get(id);
    return { title: doc?.title ?? fallback, docNumber: doc?.docNumber ?? null, href: href(documentPath(id)) };
  };
  const editionLink = {
    label: editionLabel(edition.edition),
    labelFull: editionLabelFull(edition.edition),
    href: href(editionPath(edition.edition)),
  };
  const views = new Map<string, DocumentView>();
  for (const section of edition.sections) {
    for (const doc of section.documents) {
      const placement = pages.get(doc.id);
      views.set(doc.id, {
        ...documentBodyView(doc),
        id: doc.id,
        title: doc.title,
        section: section.name,
        docNumber: doc.docNumber,
        issuers: doc.issuers.join("、"),
        published: chineseDate(edition.edition.date),
        kind: doc.kind,
        // A gazette carries only documents published on the initiative of the government.
        disclosure: DISCLOSURE_LABELS.public,
        status: statusView(status?.get(doc.id)),
        citation: citation(edition.masthead, edition.edition, placement),
        pages: placement ? pageLabel(placement) : null,
        signer: doc.signer,
        interpretations: (doc.interpretations ?? []).map((id) => related(id, "政策解读")),
        interprets: doc.interprets ? related(doc.interprets, "被解读的文件") : null,
        pdfHref: safeUrl(urls.documentPdf(doc.id)),
        pdfSize: sizeOf(pdfSizes?.documents?.get(doc.id)),
        edition: editionLink,
      });
    }
  }
  return views;
}

// ---------------------------------------------------------------------------------------------
// Home

export interface ArchiveYearView {
  readonly year: number;
  readonly editions: readonly { label: string; labelFull: string; date: string; href: string }[];
}

/** Earlier editions grouped by year, newest first. */
export function archiveView(editions: readonly { readonly edition: EditionInfo }[]): ArchiveYearView[] {
  const sorted = [...editions].sort(
    (a, b) => b.edition.year - a.edition.year || b.edition.issue - a.edition.issue,
  );
  const years = new Map<number, ArchiveYearView["editions"][number][]>();
  for (const e of sorted) {
    const list = years.get(e.edition.year) ?? [];
    list.push({
      label: `第${e.edition.issue}期`,
      labelFull: editionLabelFull(e.edition),
      date: chineseDate(e.edition.date),
      href: href(editionPath(e.edition)),
    });
    years.set(e.edition.year, list);
  }
  return [...years].map(([year, list]) => ({ year, editions: list }));
}

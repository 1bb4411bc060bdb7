/**
 * Lays an edition out into a display list of pages (pure apart from font measuring): cover,
 * table of contents, then each document from a new page. Painting is in paint.ts.
 *
 * Page numbering: printed numbers ("— 1 —") start at 1 on the first document page and run on
 * through the edition. The cover and the table of contents are unnumbered and carry no running
 * header; a blank page is added after the contents when needed so that printed page 1 is a recto
 * (odd physical page), keeping odd printed pages on the right-hand side with the binding on the
 * left. Documents are laid out before the contents, so the contents' page numbers are final.
 */
import type { Block } from "../../documents/blocks.js";
import type { EditionRenderInput, RenderDocument } from "../../editions/render-model.js";
import { FACE, type FaceBook, type FaceId } from "./fonts.js";
import {
  BODY,
  baselineIn,
  CHAR_PITCH,
  MM,
  PAGE_H,
  PAGE_W,
  PITCH,
  SIZE,
  TOP,
  TYPE_H,
  TYPE_W,
  typeLeft,
} from "./geometry.js";
import { type Run, type SetLine, type Span, setText, textWidth } from "./text.js";

export type Rgb = readonly [number, number, number];

/**
 * What a line of text is: "body" is the document's own text, "front" the cover and contents;
 * the running "header", the "folio" and a "repeat"ed table header are page furniture (artifacts).
 */
export type TextRole = "body" | "header" | "folio" | "front" | "repeat";

/** Standard structure types (ISO 32000-1 14.8.4) used for the tagged PDF. */
export type StructType = "H1" | "H2" | "H3" | "H4" | "P" | "Table" | "TR" | "TH" | "TD";

/**
 * Where a line belongs in the document's logical structure. Lines with the same id form one
 * element (a paragraph that runs over a page break); `parent` nests cells in rows in tables.
 */
export interface StructTag {
  readonly id: string;
  readonly type: StructType;
  readonly parent?: StructTag | undefined;
}

export type DrawOp =
  | {
      readonly op: "text";
      /** Left end of the line and its baseline, from the page's top-left corner. */
      readonly x: number;
      readonly y: number;
      readonly size: number;
      readonly tc: number;
      readonly runs: readonly Run[];
      readonly color?: Rgb | undefined;
      /** What the text is, for tests and tools: "body" text is the document's own. */
      readonly role: TextRole;
      /** Its element in the tagged PDF; untagged body and front lines are paragraphs of their own. */
      readonly struct?: StructTag | undefined;
    }
  | {
      readonly op: "rule";
      readonly x1: number;
      readonly y1: number;
      readonly x2: number;
      readonly y2: number;
      readonly width: number;
      readonly color?: Rgb | undefined;
    };

export interface LaidPage {
  readonly kind: "cover" | "toc" | "blank" | "document";
  readonly ops: DrawOp[];
  /** Printed page number, null on front matter. */
  readonly printed: number | null;
  readonly docId: string | null;
}

export interface LaidDocument {
  readonly doc: RenderDocument;
  readonly section: string;
  readonly firstPage: number;
  readonly lastPage: number;
  /** Indexes into LaidEdition.pages. */
  readonly pageIndexes: readonly number[];
}

export interface LaidEdition {
  readonly pages: readonly LaidPage[];
  readonly documents: readonly LaidDocument[];
  /** Number of front-matter pages (cover, contents, padding) before printed page 1. */
  readonly frontPages: number;
  readonly tocPageIndexes: readonly number[];
}

const RED: Rgb = [0.8, 0, 0];
const BODY_TRACK = CHAR_PITCH - BODY;

/** 2024-05-03 → 2024年5月3日; anything else is kept as written. */
export function chineseDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
}

export function issueLabel(input: EditionRenderInput): string {
  return `${input.edition.year}年第${input.edition.issue}期`;
}

function textOp(
  x: number,
  y: number,
  line: SetLine,
  role: TextRole,
  color?: Rgb,
  struct?: StructTag,
): DrawOp {
  return { op: "text", x, y, size: line.size, tc: line.tc, runs: line.runs, color, role, struct };
}

/** One unbroken line of text. */
function oneLine(book: FaceBook, text: string, face: FaceId, size: number, track = 0): SetLine {
  const lines = setText(book, [{ text, face }], {
    size,
    width: Number.POSITIVE_INFINITY,
    track,
    hang: false,
  });
  return lines[0] ?? { runs: [], size, tc: track, width: 0, text: "", indent: 0 };
}

/** Heading face for the heading sentence, body face for the rest of the paragraph. */
export function headingSpans(text: string, level: 1 | 2 | 3 | 4): Span[] {
  const face = level === 1 ? FACE.hei : level === 2 ? FACE.kai : FACE.fang;
  const stop = text.indexOf("。");
  if (stop < 0 || stop === text.length - 1) return [{ text, face }];
  return [
    { text: text.slice(0, stop + 1), face },
    { text: text.slice(stop + 1), face: FACE.fang },
  ];
}

/** Flows one document's pages on the 22 × 28 grid. */
class DocumentFlow {
  readonly pages: LaidPage[] = [];
  private page: LaidPage | null = null;
  /** Offset of the next line from the top of the type area. */
  private y = 0;
  private structs = 0;

  constructor(
    private readonly book: FaceBook,
    private readonly header: string,
    private nextNumber: number,
    private readonly docId: string,
  ) {}

  get printedNext(): number {
    return this.nextNumber;
  }

  /** A new structure element of this document (ids are unique within the edition). */
  tag(type: StructType, parent?: StructTag): StructTag {
    return { id: `${this.docId}/${this.structs++}`, type, parent };
  }

  private get left(): number {
    return typeLeft(this.page?.printed ?? 1);
  }

  newPage(): void {
    const printed = this.nextNumber++;
    const page: LaidPage = { kind: "document", ops: [], printed, docId: this.docId };
    const left = typeLeft(printed);
    // Running header: gazette name and issue, 五号, over a thin rule 4 mm above the type area.
    const head = oneLine(this.book, this.header, FACE.fang, SIZE.wuhao);
    const ruleY = TOP - 4 * MM;
    page.ops.push(textOp(left + (TYPE_W - head.width) / 2, ruleY - 2 * MM, head, "header"));
    page.ops.push({ op: "rule", x1: left, y1: ruleY, x2: left + TYPE_W, y2: ruleY, width: 0.5 });
    // Folio "— 7 —", 四号, 7 mm below the type area, one character in from the outer edge.
    const folio = oneLine(this.book, `— ${printed} —`, FACE.fang, SIZE.si);
    const fy = TOP + TYPE_H + 7 * MM + SIZE.si * 0.88;
    const fx = printed % 2 === 1 ? left + TYPE_W - SIZE.si - folio.width : left + SIZE.si;
    page.ops.push(textOp(fx, fy, folio, "folio"));
    this.pages.push(page);
    this.page = page;
    this.y = 0;
  }

  private ensure(height: number): void {
    if (!this.page || this.y + height > TYPE_H + 0.01) this.newPage();
  }

  /** Starts a new page unless `height` still fits on this one. */
  ensureRoom(height: number): void {
    this.ensure(height);
  }

  get linesLeft(): number {
    if (!this.page) return 0;
    return Math.floor((TYPE_H - this.y + 0.01) / PITCH);
  }

  get atTop(): boolean {
    return this.page !== null && this.y === 0;
  }

  blank(): void {
    if (!this.page || this.y === 0) return;
    this.y = Math.min(this.y + PITCH, TYPE_H);
  }

  /** Places lines on the grid; `xOf` gives each line's left offset within the type area. */
  lines(lines: readonly SetLine[], xOf: (line: SetLine) => number, struct?: StructTag, color?: Rgb): void {
    for (const line of lines) {
      this.ensure(PITCH);
      const page = this.page as LaidPage;
      page.ops.push(
        textOp(
          this.left + line.indent + xOf(line),
          baselineIn(this.y, line.size),
          line,
          "body",
          color,
          struct,
        ),
      );
      this.y += PITCH;
    }
  }

  /** Moves to the bottom of the page so that `height` fits exactly (for 版记). */
  bottom(height: number): void {
    this.ensure(height);
    this.y = Math.max(this.y, TYPE_H - height);
  }

  /** Free-form placement: returns the type-area origin and advances by `height`. */
  block(height: number): { left: number; top: number } {
    this.ensure(height);
    const at = { left: this.left, top: TOP + this.y };
    this.y += height;
    return at;
  }

  push(op: DrawOp): void {
    this.page?.ops.push(op);
  }

  /** Snaps to the next grid line (after a table). */
  snap(): void {
    this.y = Math.min(Math.ceil(this.y / PITCH - 1e-6) * PITCH, TYPE_H);
  }

  canFit(height: number): boolean {
    return this.page !== null && this.y + height <= TYPE_H + 0.01;
  }
}

interface BodyOpts {
  readonly indent?: number;
  readonly justify?: boolean;
}

function setBody(book: FaceBook, spans: readonly Span[], opts: BodyOpts = {}): SetLine[] {
  return setText(book, spans, {
    size: BODY,
    width: TYPE_W,
    indent: opts.indent ?? 2 * CHAR_PITCH,
    track: BODY_TRACK,
    justify: opts.justify ?? true,
    hang: true,
  });
}

const TABLE_SIZE = SIZE.si;
const TABLE_LEADING = TABLE_SIZE * 1.45;
const TABLE_PAD_X = 4;
const TABLE_PAD_Y = 4;

function layoutTable(
  book: FaceBook,
  flow: DocumentFlow,
  rows: readonly (readonly string[])[],
  header: boolean,
): void {
  const ncols = Math.max(1, ...rows.map((r) => r.length));
  const natural = new Array<number>(ncols).fill(0);
  for (const row of rows) {
    row.forEach((cell, c) => {
      natural[c] = Math.max(natural[c] ?? 0, textWidth(book, [{ text: cell, face: FACE.fang }], TABLE_SIZE));
    });
  }
  const minW = 2 * TABLE_SIZE + 2 * TABLE_PAD_X;
  let widths = natural.map((w) => Math.max(minW, w + 2 * TABLE_PAD_X));
  const total = widths.reduce((a, b) => a + b, 0);
  if (total <= TYPE_W) {
    widths = widths.map((w) => (w * TYPE_W) / total);
  } else {
    const sumNat = natural.reduce((a, b) => a + b, 0) || 1;
    widths = natural.map((w) => Math.max(minW, (TYPE_W * w) / sumNat));
    const t2 = widths.reduce((a, b) => a + b, 0);
    widths = widths.map((w) => (w * TYPE_W) / t2);
  }
  const xs: number[] = [0];
  for (const w of widths) xs.push((xs[xs.length - 1] as number) + w);

  const table = flow.tag("Table");
  const setRow = (row: readonly string[], isHeader: boolean) => {
    const cells = widths.map((w, c) =>
      setText(book, [{ text: row[c] ?? "", face: isHeader ? FACE.hei : FACE.fang }], {
        size: TABLE_SIZE,
        width: w - 2 * TABLE_PAD_X,
        hang: false,
      }),
    );
    const nLines = Math.max(1, ...cells.map((c) => c.length));
    return { cells, isHeader, height: nLines * TABLE_LEADING + 2 * TABLE_PAD_Y };
  };
  type SetRow = ReturnType<typeof setRow>;
  /** `struct` null: a repeated header row, drawn as an artifact. */
  const drawRow = (row: SetRow, firstOnPage: boolean, struct: StructTag | null) => {
    const at = flow.block(row.height);
    const top = at.top;
    const x0 = at.left;
    if (firstOnPage) flow.push({ op: "rule", x1: x0, y1: top, x2: x0 + TYPE_W, y2: top, width: 0.75 });
    flow.push({
      op: "rule",
      x1: x0,
      y1: top + row.height,
      x2: x0 + TYPE_W,
      y2: top + row.height,
      width: 0.5,
    });
    for (const x of xs)
      flow.push({ op: "rule", x1: x0 + x, y1: top, x2: x0 + x, y2: top + row.height, width: 0.5 });
    row.cells.forEach((lines, c) => {
      const cw = widths[c] ?? 0;
      const cell = struct ? flow.tag(row.isHeader ? "TH" : "TD", struct) : undefined;
      lines.forEach((line, k) => {
        const inner = cw - 2 * TABLE_PAD_X;
        const dx = row.isHeader || lines.length === 1 ? Math.max(0, (inner - line.width) / 2) : 0;
        const baseline =
          top + TABLE_PAD_Y + k * TABLE_LEADING + (TABLE_LEADING - TABLE_SIZE) / 2 + 0.88 * TABLE_SIZE;
        const x = x0 + (xs[c] ?? 0) + TABLE_PAD_X + dx;
        flow.push(textOp(x, baseline, line, cell ? "body" : "repeat", undefined, cell));
      });
    });
  };

  const headerRow = header && rows[0] ? setRow(rows[0], true) : null;
  let firstRowOnPage = true;
  rows.forEach((row, r) => {
    const set = r === 0 && headerRow ? headerRow : setRow(row, false);
    if (!flow.canFit(set.height)) {
      firstRowOnPage = true;
      // A table that runs on: its header row is repeated at the top of the next page, as an
      // artifact of the layout (the structure keeps one header row).
      if (headerRow && r > 0 && headerRow.height + set.height <= TYPE_H) {
        flow.ensureRoom(headerRow.height + set.height);
        drawRow(headerRow, true, null);
        firstRowOnPage = false;
      }
    }
    drawRow(set, firstRowOnPage, flow.tag("TR", table));
    firstRowOnPage = false;
  });
  flow.snap();
}

function layoutBlocks(book: FaceBook, flow: DocumentFlow, blocks: readonly Block[]): void {
  blocks.forEach((block, i) => {
    switch (block.type) {
      case "paragraph":
        flow.lines(setBody(book, [{ text: block.text, face: FACE.fang }]), () => 0, flow.tag("P"));
        break;
      case "heading": {
        const lines = setBody(book, headingSpans(block.text, block.level));
        // Keep a heading with the first line of what follows.
        if (i + 1 < blocks.length && flow.linesLeft > 0 && flow.linesLeft < lines.length + 1) flow.newPage();
        flow.lines(lines, () => 0, flow.tag(block.level === 1 ? "H2" : block.level === 2 ? "H3" : "H4"));
        break;
      }
      case "table":
        layoutTable(book, flow, block.rows, block.header === true);
        break;
    }
  });
}

function centred(line: SetLine): number {
  return Math.max(0, (TYPE_W - line.width) / 2);
}

function layoutTitle(book: FaceBook, flow: DocumentFlow, title: string, type: StructType = "H1"): void {
  const lines = setText(book, [{ text: title, face: FACE.song }], {
    size: SIZE.er,
    width: TYPE_W - 2 * SIZE.er,
    hang: false,
  });
  flow.lines(lines, centred, flow.tag(type));
}

function layoutDocument(book: FaceBook, flow: DocumentFlow, doc: RenderDocument): void {
  flow.newPage();
  layoutTitle(book, flow, doc.title);
  if (doc.docNumber) flow.lines([oneLine(book, doc.docNumber, FACE.kai, BODY)], centred, flow.tag("P"));
  flow.blank();
  if (doc.addressees)
    flow.lines(
      setBody(book, [{ text: doc.addressees, face: FACE.fang }], { indent: 0 }),
      () => 0,
      flow.tag("P"),
    );
  layoutBlocks(book, flow, doc.blocks);

  // Signature and date: the date ends four characters from the right edge; the signature
  // lines are centred over the date (GB/T 9704-2012 7.3.5.1).
  const signers = doc.signer ? [doc.signer] : doc.issuers;
  const date = doc.dateWritten ? chineseDate(doc.dateWritten) : "";
  if (signers.length > 0 || date) {
    flow.blank();
    const dateLine = oneLine(book, date, FACE.fang, BODY, BODY_TRACK);
    const dateRight = TYPE_W - 4 * CHAR_PITCH;
    const centre = date ? dateRight - dateLine.width / 2 : TYPE_W - 6 * CHAR_PITCH;
    const sigLines = signers.map((s) => oneLine(book, s, FACE.fang, BODY, BODY_TRACK));
    flow.lines(
      sigLines,
      (l) => Math.max(0, Math.min(TYPE_W - 2 * CHAR_PITCH - l.width, centre - l.width / 2)),
      flow.tag("P"),
    );
    if (date) flow.lines([dateLine], () => dateRight - dateLine.width, flow.tag("P"));
  }

  doc.attachments.forEach((att, k) => {
    flow.newPage();
    const label = doc.attachments.length > 1 ? `附件${k + 1}` : "附件";
    flow.lines([oneLine(book, label, FACE.hei, BODY, BODY_TRACK)], () => 0, flow.tag("P"));
    flow.blank();
    layoutTitle(book, flow, att.title, "H2");
    flow.blank();
    layoutBlocks(book, flow, att.blocks);
  });

  // 版记: 抄送 and 印发 in 四号 between rules, at the foot of the last page.
  const entries: SetLine[][] = [];
  const width = TYPE_W - 2 * SIZE.si;
  if (doc.cc)
    entries.push(setText(book, [{ text: `抄送：${doc.cc}`, face: FACE.fang }], { size: SIZE.si, width }));
  if (doc.printed) entries.push([oneLine(book, doc.printed.by, FACE.fang, SIZE.si)]);
  if (entries.length > 0) {
    const leading = PITCH * 0.8;
    const height = entries.reduce((h, e) => h + e.length * leading, 0) + 4;
    flow.bottom(height);
    const at = flow.block(height);
    let y = at.top;
    const x0 = at.left;
    flow.push({ op: "rule", x1: x0, y1: y, x2: x0 + TYPE_W, y2: y, width: 0.75 });
    entries.forEach((lines, e) => {
      for (const line of lines) {
        flow.push(textOp(x0 + SIZE.si, y + (leading - SIZE.si) / 2 + 0.88 * SIZE.si, line, "body"));
        if (e === entries.length - 1 && doc.printed) {
          const when = oneLine(book, `${chineseDate(doc.printed.date)}印发`, FACE.fang, SIZE.si);
          flow.push(
            textOp(
              x0 + TYPE_W - SIZE.si - when.width,
              y + (leading - SIZE.si) / 2 + 0.88 * SIZE.si,
              when,
              "body",
            ),
          );
        }
        y += leading;
      }
      const w = e === entries.length - 1 ? 0.75 : 0.5;
      flow.push({ op: "rule", x1: x0, y1: y + 2, x2: x0 + TYPE_W, y2: y + 2, width: w });
    });
  }
}

function layoutCover(book: FaceBook, input: EditionRenderInput): LaidPage {
  const ops: DrawOp[] = [];
  const left = typeLeft(1);
  const name = input.masthead.name;
  const nameSize = Math.min(56, TYPE_W / Math.max(1, Array.from(name).length));
  const mast = oneLine(book, name, FACE.song, nameSize);
  let y = TOP + 20 * MM;
  ops.push(textOp(left + (TYPE_W - mast.width) / 2, y, mast, "front", RED));
  y += 12 * MM;
  ops.push({ op: "rule", x1: left, y1: y, x2: left + TYPE_W, y2: y, width: 2, color: RED });
  y += 14 * MM;
  const e = input.edition;
  const lines: [string, FaceId, number][] = [
    [`${e.year}年`, FACE.hei, SIZE.er],
    [`第${e.issue}期（总第${e.cumulative}期）`, FACE.hei, SIZE.er],
  ];
  for (const [text, face, size] of lines) {
    const l = oneLine(book, text, face, size);
    ops.push(textOp(left + (TYPE_W - l.width) / 2, y, l, "front"));
    y += size * 1.8;
  }
  // Section list as a short contents of the issue.
  y += 10 * MM;
  for (const section of input.sections) {
    const l = oneLine(book, `${section.name}（${section.documents.length}件）`, FACE.kai, SIZE.si);
    ops.push(textOp(left + (TYPE_W - l.width) / 2, y, l, "front"));
    y += SIZE.si * 1.9;
    if (y > TOP + TYPE_H - 40 * MM) break;
  }
  const foot: string[] = [`${input.masthead.publisher}　主办`, `${chineseDate(e.date)}出版`];
  if (input.masthead.serialNumbers) foot.push(input.masthead.serialNumbers);
  let fy = TOP + TYPE_H - (foot.length - 1) * SIZE.si * 1.8;
  ops.push({
    op: "rule",
    x1: left,
    y1: fy - 12 * MM,
    x2: left + TYPE_W,
    y2: fy - 12 * MM,
    width: 1,
    color: RED,
  });
  for (const text of foot) {
    const l = oneLine(book, text, FACE.fang, SIZE.si);
    ops.push(textOp(left + (TYPE_W - l.width) / 2, fy, l, "front"));
    fy += SIZE.si * 1.8;
  }
  return { kind: "cover", ops, printed: null, docId: null };
}

function layoutToc(
  book: FaceBook,
  input: EditionRenderInput,
  docs: readonly LaidDocument[],
  firstPhysical: number,
) {
  const pages: LaidPage[] = [];
  let page: LaidPage | null = null;
  let y = 0;
  const left = () => typeLeft(firstPhysical + pages.length - 1);
  const newPage = () => {
    page = { kind: "toc", ops: [], printed: null, docId: null };
    pages.push(page);
    y = 0;
  };
  const place = (line: SetLine, x: number) => {
    if (!page || y + PITCH > TYPE_H + 0.01) newPage();
    (page as LaidPage).ops.push(textOp(left() + x, baselineIn(y, line.size), line, "front"));
    y += PITCH;
  };
  newPage();
  const title = setText(book, [{ text: "目录", face: FACE.song }], {
    size: SIZE.er,
    width: TYPE_W,
    track: SIZE.er,
  })[0];
  if (title) place(title, (TYPE_W - title.width + SIZE.er) / 2);
  y += PITCH;
  const numberCol = 3 * CHAR_PITCH;
  const indent = 2 * CHAR_PITCH;
  const dot = oneLine(book, ".", FACE.fang, BODY);
  const dotPitch = Math.max(dot.width, BODY / 3);
  for (const section of input.sections) {
    const mine = docs.filter((d) => d.section === section.name);
    if (mine.length === 0) continue;
    if (y > 0 && y + 2 * PITCH > TYPE_H) newPage();
    place(oneLine(book, section.name, FACE.hei, BODY, BODY_TRACK), 0);
    for (const d of mine) {
      const lines = setText(book, [{ text: d.doc.title, face: FACE.fang }], {
        size: BODY,
        width: TYPE_W - indent - numberCol - CHAR_PITCH,
        track: BODY_TRACK,
        hang: false,
      });
      lines.forEach((line, k) => {
        place(line, indent);
        if (k === lines.length - 1) {
          const pageOps = (page as LaidPage).ops;
          const baseline = baselineIn(y - PITCH, BODY);
          const num = oneLine(book, String(d.firstPage), FACE.fang, BODY);
          pageOps.push(textOp(left() + TYPE_W - num.width, baseline, num, "front"));
          const from = indent + line.width + dotPitch / 2;
          const to = TYPE_W - numberCol + CHAR_PITCH / 2;
          const count = Math.floor((to - from) / dotPitch);
          if (count > 0) {
            const dots = oneLine(book, ".".repeat(count), FACE.fang, BODY);
            pageOps.push(
              textOp(
                left() + to - count * dotPitch,
                baseline,
                { ...dots, tc: dotPitch - dot.width },
                "front",
              ),
            );
          }
        }
      });
    }
  }
  return pages;
}

/** Lays out the whole edition. */
export function layoutEdition(book: FaceBook, input: EditionRenderInput): LaidEdition {
  const header = `${input.masthead.name}　${issueLabel(input)}`;
  const docPages: LaidPage[] = [];
  const laid: {
    doc: RenderDocument;
    section: string;
    first: number;
    last: number;
    from: number;
    to: number;
  }[] = [];
  let next = 1;
  for (const section of input.sections) {
    for (const doc of section.documents) {
      const flow = new DocumentFlow(book, header, next, doc.id);
      layoutDocument(book, flow, doc);
      const from = docPages.length;
      docPages.push(...flow.pages);
      laid.push({
        doc,
        section: section.name,
        first: next,
        last: flow.printedNext - 1,
        from,
        to: docPages.length,
      });
      next = flow.printedNext;
    }
  }
  const cover = layoutCover(book, input);
  const provisional = laid.map((l) => ({
    doc: l.doc,
    section: l.section,
    firstPage: l.first,
    lastPage: l.last,
    pageIndexes: [] as number[],
  }));
  const toc = layoutToc(book, input, provisional, 2);
  const front: LaidPage[] = [cover, ...toc];
  if (front.length % 2 === 1) front.push({ kind: "blank", ops: [], printed: null, docId: null });
  const pages = [...front, ...docPages];
  const documents: LaidDocument[] = laid.map((l) => ({
    doc: l.doc,
    section: l.section,
    firstPage: l.first,
    lastPage: l.last,
    pageIndexes: Array.from({ length: l.to - l.from }, (_, k) => front.length + l.from + k),
  }));
  return { pages, documents, frontPages: front.length, tocPageIndexes: toc.map((_, k) => 1 + k) };
}

export { PAGE_H, PAGE_W };

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
import {
  type Block,
  hasAttachmentNote,
  runInHeading,
  type TableCell,
  type TableGrid,
  tableGrid,
} from "../../documents/blocks.js";
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
import { codePointCount } from "./line-breaking.js";
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
  /** Table attributes of a TH or TD (ISO 32000-1 14.8.5.7): its spans, a header's scope. */
  readonly table?: TableAttributes | undefined;
}

export interface TableAttributes {
  readonly rowSpan?: number;
  readonly colSpan?: number;
  readonly scope?: "Column";
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
      /** "heading": a line of a heading set on lines of its own (not run in with its text). */
      readonly part?: "heading" | undefined;
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
  const runIn = runInHeading(text);
  if (!runIn.text) return [{ text, face }];
  return [
    { text: runIn.heading, face },
    { text: runIn.text, face: FACE.fang },
  ];
}

/**
 * Why a page may not break after an item: the compositor's keep rules, named so that the
 * preflight and the tests can say which rule held a line back.
 */
export type KeepRule =
  | "orphan" // the first line of a paragraph would stay alone at the foot of a page
  | "widow" // the last line of a paragraph would stand alone at the top of the next page
  | "heading" // a heading keeps with at least two lines of what follows it
  | "signature" // signature and date keep together, with at least one line of the text above
  | "title" // a title keeps with what follows it
  | "table-header"; // a table's header row keeps with its first row

/** Where an item is drawn: `firstOnPage`/`lastOnPage` when nothing of its flow is above/below it on the page. */
interface DrawAt {
  readonly left: number;
  readonly top: number;
  readonly firstOnPage: boolean;
  readonly lastOnPage: boolean;
}

/** What the page breaker places: a line of the grid, a blank grid line or a box (a table row). */
interface FlowItem {
  readonly kind: "line" | "blank" | "box";
  /** Height in points (lines and blanks: one grid pitch). */
  readonly height: number;
  /** Draws the item with the type area's left edge at `left` and its top `top` from the page top. */
  readonly draw: (at: DrawAt) => DrawOp[];
  /** Set when the page may not break after this item, and why. */
  keep: KeepRule | null;
  /** The item starts a new page (an attachment). */
  readonly pageBreakBefore?: boolean;
  /** A table row: the header to repeat when it starts a page. */
  readonly repeatHeader?: FlowItem | undefined;
}

/** Items of one document's flow are laid out first, then broken into pages. */
class DocumentFlow {
  readonly pages: LaidPage[] = [];
  private readonly items: FlowItem[] = [];
  private structs = 0;
  private breakNext = false;
  /** Lines (or rows) after a heading that still keep with it. */
  private keepFollow = 0;
  /** The 版记, set at the foot of the last page. */
  private foot: { height: number; draw: (left: number, top: number) => DrawOp[] } | null = null;

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
  tag(type: StructType, parent?: StructTag, table?: TableAttributes): StructTag {
    const id = `${this.docId}/${this.structs++}`;
    return table && Object.keys(table).length ? { id, type, parent, table } : { id, type, parent };
  }

  /** The next item starts a new page. */
  newPage(): void {
    this.breakNext = true;
  }

  private add(item: Omit<FlowItem, "pageBreakBefore">): FlowItem {
    const it: FlowItem = { ...item, pageBreakBefore: this.breakNext };
    this.breakNext = false;
    if (it.kind !== "blank" && this.keepFollow > 0) {
      this.keepFollow--;
      if (this.keepFollow > 0 && it.keep === null) it.keep = "heading";
    }
    this.items.push(it);
    return it;
  }

  /** The next `lines` lines or rows keep with what came before (after a heading). */
  keepNext(lines: number): void {
    this.keepFollow = lines;
  }

  /** Keeps the last item placed so far with what follows it. */
  keepLast(rule: KeepRule): void {
    const last = this.items[this.items.length - 1];
    if (last) last.keep = rule;
  }

  blank(keep: KeepRule | null = null): void {
    this.add({ kind: "blank", height: PITCH, draw: () => [], keep });
  }

  /**
   * Places a paragraph's lines on the grid; `xOf` gives each line's left offset within the type
   * area. Breaks inside the paragraph leave at least two lines on each page (no orphan, no
   * widow); `keep` holds all its lines together with what follows (a heading, a title).
   */
  lines(
    lines: readonly SetLine[],
    xOf: (line: SetLine) => number,
    struct?: StructTag,
    color?: Rgb,
    keep: KeepRule | null = null,
    /** Extra text drawn on a line's grid line before it (the "附件：1." of a 附件说明). */
    before?: (line: SetLine, index: number, left: number, top: number) => DrawOp[],
  ): void {
    const n = lines.length;
    lines.forEach((line, k) => {
      let rule: KeepRule | null = keep;
      if (k < n - 1 && rule === null) {
        if (k === 0) rule = "orphan";
        else if (k === n - 2) rule = "widow";
      }
      this.add({
        kind: "line",
        height: PITCH,
        keep: k === n - 1 ? keep : rule,
        draw: ({ left, top }) => {
          const op = textOp(
            left + line.indent + xOf(line),
            baselineIn(top - TOP, line.size),
            line,
            "body",
            color,
            struct,
          );
          const main = keep === "heading" && op.op === "text" ? { ...op, part: "heading" as const } : op;
          if (!before) return [main];
          return [...before(line, k, left, top), main];
        },
      });
    });
  }

  /** A box of its own height (a table row); the page breaks between boxes, never inside one. */
  box(
    height: number,
    draw: FlowItem["draw"],
    keep: KeepRule | null = null,
    repeatHeader?: FlowItem,
  ): FlowItem {
    return this.add({ kind: "box", height, draw, keep, repeatHeader });
  }

  /** The 版记: at the foot of the last page, on a page of its own if it does not fit there. */
  bottom(height: number, draw: (left: number, top: number) => DrawOp[]): void {
    this.foot = { height, draw };
  }

  private startPage(): LaidPage {
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
    return page;
  }

  /**
   * Breaks the items into pages, filling each page: a page ends at the last item after which a
   * break is allowed (no keep rule) and that fits; only when no such item is on the page (a
   * keep chain longer than a page) does it break where the page is full. Lines sit on the grid;
   * after a table the next line snaps to the next grid line. A blank line at the top of a page
   * is dropped.
   */
  finish(): void {
    const items = this.items;
    const n = items.length;
    let i = 0;
    const fits = (y: number) => y <= TYPE_H + 0.01;
    let used = 0;
    while (i < n) {
      // Fit as many items as possible, remembering where a break is allowed.
      while (i < n && (items[i] as FlowItem).kind === "blank") i++;
      if (i >= n) break;
      const placed: { item: FlowItem; y: number; header: boolean }[] = [];
      let y = 0;
      let lastBreak = -1;
      let j = i;
      for (; j < n; j++) {
        const item = items[j] as FlowItem;
        if (j > i && item.pageBreakBefore) break;
        let top = item.kind === "box" ? y : Math.ceil(y / PITCH - 1e-6) * PITCH;
        const header = j === i && item.repeatHeader !== undefined;
        if (header) top += (item.repeatHeader as FlowItem).height;
        if (!fits(top + item.height) && j > i) break;
        placed.push({ item, y: top, header });
        y = top + item.height;
        if (item.keep === null) lastBreak = placed.length - 1;
      }
      let take = placed.length;
      if (j < n && !(items[j] as FlowItem).pageBreakBefore && lastBreak >= 0) take = lastBreak + 1;
      const page = this.startPage();
      const left = typeLeft(page.printed ?? 1);
      placed.slice(0, take).forEach(({ item, y: at, header }, k) => {
        if (header) {
          const h = item.repeatHeader as FlowItem;
          page.ops.push(...h.draw({ left, top: TOP + at - h.height, firstOnPage: true, lastOnPage: false }));
        }
        page.ops.push(
          ...item.draw({ left, top: TOP + at, firstOnPage: k === 0 && !header, lastOnPage: k === take - 1 }),
        );
      });
      const last = placed[take - 1];
      used = last ? last.y + last.item.height : 0;
      i += take;
    }
    let page = this.pages[this.pages.length - 1] ?? this.startPage();
    if (this.foot) {
      if (!fits(Math.ceil(used / PITCH - 1e-6) * PITCH + this.foot.height)) page = this.startPage();
      page.ops.push(...this.foot.draw(typeLeft(page.printed ?? 1), TOP + TYPE_H - this.foot.height));
    }
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
  });
}

const TABLE_SIZE = SIZE.si;
const TABLE_LEADING = TABLE_SIZE * 1.45;
const TABLE_PAD_X = 4;
const TABLE_PAD_Y = 4;

/** A word wider than this is broken inside rather than widen its column (a URL, a long code). */
const WORD_BREAK = 6 * TABLE_SIZE;

/** Cells this short are set on one line when the table can afford it ("序号", "2025年6月"). */
const SHORT_CELL = 10;

/**
 * Column widths from content, as browsers size auto tables: each column gets at least its
 * minimum (the widest short cell, which should not break, or two characters) and the rest of the
 * measure in proportion to what its cells would need on one line beyond that minimum. A merged
 * cell that needs more than the columns it spans spreads the difference over them.
 */
export function columnWidths(book: FaceBook, grid: TableGrid): number[] {
  const ncols = grid.colCount;
  const pad = 2 * TABLE_PAD_X;
  const floor = 2 * TABLE_SIZE + pad;
  // hard: what a cell cannot be narrower than (its widest unbreakable piece: a character with
  // the marks that may not be parted from it, a word up to WORD_BREAK wide, past which it breaks).
  const hard = new Array<number>(ncols).fill(floor);
  const min = new Array<number>(ncols).fill(floor);
  const pref = new Array<number>(ncols).fill(floor);
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  const cells = [...grid.cells].sort((a, b) => a.colSpan - b.colSpan);
  for (const cell of cells) {
    const face = cell.header ? FACE.hei : FACE.fang;
    const w = textWidth(book, [{ text: cell.text, face }], TABLE_SIZE) + pad + 0.5;
    const pieces = setText(book, [{ text: cell.text, face }], { size: TABLE_SIZE, width: 1, hang: false });
    const unbreakable = Math.max(0, ...pieces.map((l) => Math.min(l.width, WORD_BREAK))) + pad + 0.5;
    const short = codePointCount(cell.text) <= SHORT_CELL;
    if (cell.colSpan === 1) {
      pref[cell.col] = Math.max(pref[cell.col] as number, w);
      hard[cell.col] = Math.max(hard[cell.col] as number, unbreakable);
      min[cell.col] = Math.max(min[cell.col] as number, short ? w : unbreakable);
      continue;
    }
    const spread = (xs: number[], need: number) => {
      const span = xs.slice(cell.col, cell.col + cell.colSpan);
      const have = sum(span);
      if (need <= have) return;
      for (let c = cell.col; c < cell.col + cell.colSpan; c++)
        xs[c] = (xs[c] as number) + ((need - have) * (xs[c] as number)) / have;
    };
    spread(pref, w);
    spread(hard, unbreakable);
    spread(min, short ? w : unbreakable);
  }
  for (let c = 0; c < ncols; c++) pref[c] = Math.max(pref[c] as number, min[c] as number);
  const sumPref = sum(pref);
  if (sumPref <= TYPE_W) return pref.map((w) => w + ((TYPE_W - sumPref) * w) / sumPref);
  let sumMin = sum(min);
  if (sumMin > TYPE_W) {
    // Even the short cells cannot all stay whole: scale the minimums, never below what cannot
    // break (and, when even that is too wide, everything in proportion).
    const sumHard = sum(hard);
    if (sumHard >= TYPE_W) return hard.map((h) => (h * TYPE_W) / sumHard);
    const over = sumMin - TYPE_W;
    const give = min.map((m, c) => m - (hard[c] as number));
    const room = sum(give) || 1;
    for (let c = 0; c < ncols; c++) min[c] = (min[c] as number) - (over * (give[c] as number)) / room;
    sumMin = sum(min);
  }
  const extra = pref.map((p, c) => Math.max(0, p - (min[c] as number)));
  const sumExtra = sum(extra) || 1;
  return min.map((m, c) => m + ((TYPE_W - sumMin) * (extra[c] as number)) / sumExtra);
}

/** The lines of one cell drawn in a box: `dy` is the top of the first line below the box's top. */
interface CellPiece {
  readonly cell: number;
  readonly lines: readonly SetLine[];
  readonly dy: number;
}

/**
 * What the page breaker places for a table: one or more whole rows. A row group (rows joined by
 * a row span) is one box, so a page never breaks inside it, unless it is taller than a page:
 * then each row is a box and a merged cell's lines are shared out over its rows.
 */
interface TableBox {
  /** Grid rows in the box. */
  readonly from: number;
  readonly to: number;
  /** Tops of rows from..to and the bottom of the last, relative to the box's top. */
  readonly rowTops: readonly number[];
  readonly pieces: readonly CellPiece[];
  /** A slice of a row taller than a page that goes on in the next box: its bottom is ruled. */
  readonly continues: boolean;
}

/**
 * Sets a table: column widths from content, each cell's text wrapped in its merged width, row
 * heights from the tallest cell of each row and shared by a row span (a merged cell taller than
 * its rows adds the difference evenly), rules around each cell (none inside a merged cell), the
 * header rows repeated at the top of continuation pages.
 */
function layoutTable(book: FaceBook, flow: DocumentFlow, block: Parameters<typeof tableGrid>[0]): void {
  const grid = tableGrid(block);
  const { cells, owner } = grid;
  const widths = columnWidths(book, grid);
  const xs: number[] = [0];
  for (const w of widths) xs.push((xs[xs.length - 1] as number) + w);
  const leftOf = (c: number) => xs[c] as number;
  const widthOf = (cell: TableCell) => leftOf(cell.col + cell.colSpan) - leftOf(cell.col);
  const heightOf = (lines: number) => Math.max(1, lines) * TABLE_LEADING + 2 * TABLE_PAD_Y;

  const set = cells.map((cell) =>
    setText(book, [{ text: cell.text, face: cell.header ? FACE.hei : FACE.fang }], {
      size: TABLE_SIZE,
      width: widthOf(cell) - 2 * TABLE_PAD_X,
      hang: false,
      breakWords: true,
    }),
  );
  const linesOf = (k: number) => set[k] as SetLine[];

  // Row heights: the tallest single-row cell; a merged cell's extra height is shared evenly.
  const heights = new Array<number>(grid.rowCount).fill(heightOf(1));
  cells.forEach((cell, k) => {
    if (cell.rowSpan === 1)
      heights[cell.row] = Math.max(heights[cell.row] as number, heightOf(linesOf(k).length));
  });
  const spanHeight = (cell: TableCell) =>
    heights.slice(cell.row, cell.row + cell.rowSpan).reduce((a, b) => a + b, 0);
  const spanned = cells
    .map((cell, k) => ({ cell, k }))
    .filter(({ cell }) => cell.rowSpan > 1)
    .sort((a, b) => a.cell.rowSpan - b.cell.rowSpan);
  for (const { cell, k } of spanned) {
    const short = heightOf(linesOf(k).length) - spanHeight(cell);
    if (short > 0)
      for (let r = cell.row; r < cell.row + cell.rowSpan; r++)
        heights[r] = (heights[r] as number) + short / cell.rowSpan;
  }

  // Row groups: rows joined by row spans; the header rows are the first group.
  const groups: [number, number][] = [];
  for (let r = 0; r < grid.rowCount; ) {
    let end = r;
    for (let q = r; q <= end; q++)
      for (let c = 0; c < grid.colCount; c++) {
        const cell = cells[(owner[q] as number[])[c] as number] as TableCell;
        end = Math.max(end, cell.row + cell.rowSpan - 1);
      }
    groups.push([r, end]);
    r = end + 1;
  }

  const boxes: { box: TableBox; header: boolean }[] = [];
  const headerHeight =
    grid.headerRows > 0 && grid.headerRows < grid.rowCount
      ? heights.slice(0, grid.headerRows).reduce((a, b) => a + b, 0)
      : 0;
  for (const [a, b] of groups) {
    const header = a < grid.headerRows;
    const room = TYPE_H - (header ? 0 : headerHeight);
    const total = heights.slice(a, b + 1).reduce((x, y) => x + y, 0);
    if (total <= room + 0.01 || a === b) {
      const rowTops = [0];
      for (let r = a; r <= b; r++)
        rowTops.push((rowTops[rowTops.length - 1] as number) + (heights[r] as number));
      const pieces: CellPiece[] = [];
      cells.forEach((cell, k) => {
        if (cell.row < a || cell.row > b) return;
        const lines = linesOf(k);
        const top = rowTops[cell.row - a] as number;
        // A merged cell's text is centred in its rows; other cells start at the top.
        const dy =
          cell.rowSpan > 1
            ? top + Math.max(TABLE_PAD_Y, (spanHeight(cell) - lines.length * TABLE_LEADING) / 2)
            : top + TABLE_PAD_Y;
        if (lines.length) pieces.push({ cell: k, lines, dy });
      });
      const box = { from: a, to: b, rowTops, pieces, continues: false };
      // A single row taller than a page is set in slices that each fit a page.
      boxes.push(...sliceTallRow(box, room).map((slice) => ({ box: slice, header })));
      continue;
    }
    // Taller than a page: a box per row; a merged cell's lines fill its rows from the top, the
    // last row taking what is left.
    const given = new Map<number, number>();
    for (let r = a; r <= b; r++) {
      const pieces: CellPiece[] = [];
      let height = heights[r] as number;
      cells.forEach((cell, k) => {
        if (cell.row > r || cell.row + cell.rowSpan - 1 < r) return;
        const lines = linesOf(k);
        const from = given.get(k) ?? 0;
        const last = r === cell.row + cell.rowSpan - 1;
        const fit = Math.max(0, Math.floor((height - 2 * TABLE_PAD_Y) / TABLE_LEADING + 1e-6));
        const take = last ? lines.length - from : Math.min(fit, lines.length - from);
        given.set(k, from + take);
        if (last) height = Math.max(height, heightOf(take));
        if (take > 0) pieces.push({ cell: k, lines: lines.slice(from, from + take), dy: TABLE_PAD_Y });
      });
      const box = { from: r, to: r, rowTops: [0, height], pieces, continues: false };
      boxes.push(...sliceTallRow(box, room).map((slice) => ({ box: slice, header })));
    }
  }

  const table = flow.tag("Table");
  const rowTags = Array.from({ length: grid.rowCount }, () => flow.tag("TR", table));
  const cellTags = cells.map((cell) =>
    flow.tag(cell.header ? "TH" : "TD", rowTags[cell.row], {
      ...(cell.rowSpan > 1 ? { rowSpan: cell.rowSpan } : {}),
      ...(cell.colSpan > 1 ? { colSpan: cell.colSpan } : {}),
      ...(cell.header ? { scope: "Column" as const } : {}),
    }),
  );

  /** `tagged` false: a repeated header row, drawn as an artifact. */
  const drawBox =
    (box: TableBox, tagged: boolean, first: boolean) =>
    ({ left: x0, top, firstOnPage, lastOnPage }: DrawAt): DrawOp[] => {
      const ops: DrawOp[] = [];
      // The top rule over the table's first row, wherever it falls, and over the first row of
      // each later page.
      if (first || firstOnPage)
        ops.push({ op: "rule", x1: x0, y1: top, x2: x0 + TYPE_W, y2: top, width: 0.75 });
      const vertical: { x: number; y1: number; y2: number }[][] = xs.map(() => []);
      for (let r = box.from; r <= box.to; r++) {
        const y1 = top + (box.rowTops[r - box.from] as number);
        const y2 = top + (box.rowTops[r - box.from + 1] as number);
        const row = owner[r] as number[];
        // Bottom rules under the cells that end in this row (all of them at the foot of a page).
        const closeAll = r === box.to && (lastOnPage || box.continues);
        let from = -1;
        for (let c = 0; c <= grid.colCount; c++) {
          const cell = c < grid.colCount ? (cells[row[c] as number] as TableCell) : null;
          const ends = cell !== null && (closeAll || cell.row + cell.rowSpan - 1 === r);
          if (ends && from < 0) from = c;
          if (!ends && from >= 0) {
            ops.push({ op: "rule", x1: x0 + leftOf(from), y1: y2, x2: x0 + leftOf(c), y2: y2, width: 0.5 });
            from = -1;
          }
        }
        // Column rules between cells, not inside a merged one.
        for (let j = 0; j <= grid.colCount; j++) {
          if (j > 0 && j < grid.colCount && row[j - 1] === row[j]) continue;
          const runs = vertical[j] as { x: number; y1: number; y2: number }[];
          const prev = runs[runs.length - 1];
          if (prev && Math.abs(prev.y2 - y1) < 1e-6) prev.y2 = y2;
          else runs.push({ x: x0 + leftOf(j), y1, y2 });
        }
      }
      for (const runs of vertical)
        for (const v of runs) ops.push({ op: "rule", x1: v.x, y1: v.y1, x2: v.x, y2: v.y2, width: 0.5 });
      for (const piece of box.pieces) {
        const cell = cells[piece.cell] as TableCell;
        const all = linesOf(piece.cell);
        const inner = widthOf(cell) - 2 * TABLE_PAD_X;
        piece.lines.forEach((line, i) => {
          const dx = cell.header || all.length === 1 ? Math.max(0, (inner - line.width) / 2) : 0;
          const baseline =
            top + piece.dy + i * TABLE_LEADING + (TABLE_LEADING - TABLE_SIZE) / 2 + 0.88 * TABLE_SIZE;
          const x = x0 + leftOf(cell.col) + TABLE_PAD_X + dx;
          ops.push(
            textOp(
              x,
              baseline,
              line,
              tagged ? "body" : "repeat",
              undefined,
              tagged ? cellTags[piece.cell] : undefined,
            ),
          );
        });
      }
      return ops;
    };

  let repeat: FlowItem | undefined;
  boxes.forEach(({ box, header }, k) => {
    const height = box.rowTops[box.rowTops.length - 1] as number;
    const item = flow.box(
      height,
      drawBox(box, true, k === 0),
      header ? "table-header" : null,
      header ? undefined : repeat,
    );
    // Repeated at the top of continuation pages as an artifact (the structure keeps one).
    if (header && !repeat && grid.headerRows < grid.rowCount)
      repeat = { ...item, draw: drawBox(box, false, true) };
  });
}

/** A one-row box taller than `room` as slices of whole lines that each fit a page. */
function sliceTallRow(box: TableBox, room: number): TableBox[] {
  const height = box.rowTops[box.rowTops.length - 1] as number;
  if (box.from !== box.to || height <= room + 0.01) return [box];
  const perSlice = Math.max(1, Math.floor((room - 2 * TABLE_PAD_Y) / TABLE_LEADING + 1e-6));
  const most = Math.max(1, ...box.pieces.map((p) => p.lines.length));
  const slices: TableBox[] = [];
  for (let from = 0; from < most; from += perSlice) {
    const n = Math.min(perSlice, most - from);
    slices.push({
      from: box.from,
      to: box.to,
      rowTops: [0, n * TABLE_LEADING + 2 * TABLE_PAD_Y],
      pieces: box.pieces.map((p) => ({ ...p, lines: p.lines.slice(from, from + perSlice), dy: TABLE_PAD_Y })),
      continues: from + perSlice < most,
    });
  }
  return slices;
}

function isRunIn(spans: readonly Span[]): boolean {
  return spans.length > 1;
}

function layoutBlocks(book: FaceBook, flow: DocumentFlow, blocks: readonly Block[]): void {
  for (const block of blocks) {
    switch (block.type) {
      case "paragraph":
        flow.lines(setBody(book, [{ text: block.text, face: FACE.fang }]), () => 0, flow.tag("P"));
        break;
      case "heading": {
        const spans = headingSpans(block.text, block.level);
        const lines = setBody(book, spans);
        const type = block.level === 1 ? "H2" : block.level === 2 ? "H3" : "H4";
        // A heading on a line of its own keeps with what follows; a run-in heading ("（一）……。
        // text") is a paragraph whose first two lines already keep together.
        flow.lines(lines, () => 0, flow.tag(type), undefined, isRunIn(spans) ? null : "heading");
        if (!isRunIn(spans)) flow.keepNext(2);
        break;
      }
      case "table":
        layoutTable(book, flow, block);
        break;
    }
  }
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
  flow.lines(lines, centred, flow.tag(type), undefined, "title");
}

/** The 附件说明's number of attachment `k` (1-based) when there are several: "1." */
export function attachmentNumber(k: number): string {
  return `${k}.`;
}

/**
 * 附件说明 (GB/T 9704-2012 7.3.4): a blank line under the text, then, two characters in,
 * "附件：" and the attachments' names; several are numbered "1." "2." with each number under
 * the first, and a name that runs over continues under its own first character.
 */
function layoutAttachmentNote(book: FaceBook, flow: DocumentFlow, attachments: readonly { title: string }[]) {
  if (attachments.length === 0) return;
  flow.keepLast("signature");
  flow.blank("signature");
  const label = oneLine(book, "附件：", FACE.fang, BODY, BODY_TRACK);
  const labelX = 2 * CHAR_PITCH;
  const numberX = labelX + label.width;
  const several = attachments.length > 1;
  const numbers = attachments.map((_, k) =>
    several ? oneLine(book, attachmentNumber(k + 1), FACE.fang, BODY, BODY_TRACK) : null,
  );
  // Names start after the widest number and a quarter em, so that all names align.
  const nameX = numberX + (several ? Math.max(...numbers.map((n) => n?.width ?? 0)) + BODY / 4 : 0);
  attachments.forEach((att, k) => {
    const lines = setText(book, [{ text: att.title, face: FACE.fang }], {
      size: BODY,
      width: TYPE_W - nameX,
      track: BODY_TRACK,
      justify: true,
    });
    const number = numbers[k];
    const struct = flow.tag("P");
    flow.lines(
      lines,
      () => nameX,
      struct,
      undefined,
      null,
      (_line, i, left, top) => {
        if (i > 0) return [];
        const y = baselineIn(top - TOP, BODY);
        const ops: DrawOp[] = [];
        if (k === 0) ops.push(textOp(left + labelX, y, label, "body", undefined, struct));
        if (number) ops.push(textOp(left + numberX, y, number, "body", undefined, struct));
        return ops;
      },
    );
  });
}

function layoutDocument(book: FaceBook, flow: DocumentFlow, doc: RenderDocument): void {
  flow.newPage();
  layoutTitle(book, flow, doc.title);
  if (doc.docNumber)
    flow.lines([oneLine(book, doc.docNumber, FACE.kai, BODY)], centred, flow.tag("P"), undefined, "title");
  flow.blank("title");
  if (doc.addressees)
    flow.lines(
      setBody(book, [{ text: doc.addressees, face: FACE.fang }], { indent: 0 }),
      () => 0,
      flow.tag("P"),
      undefined,
      "title",
    );
  layoutBlocks(book, flow, doc.blocks);
  // A text that carries its own 附件说明 (from .docx) keeps it; otherwise it is generated.
  if (!hasAttachmentNote(doc.blocks)) layoutAttachmentNote(book, flow, doc.attachments);

  // Signature and date: the date ends four characters from the right edge; the signature
  // lines are centred over the date (GB/T 9704-2012 7.3.5.1). They keep together and with the
  // last line of the text above.
  const signers = doc.signer ? [doc.signer] : doc.issuers;
  const date = doc.dateWritten ? chineseDate(doc.dateWritten) : "";
  if (signers.length > 0 || date) {
    flow.keepLast("signature");
    flow.blank("signature");
    const dateLine = oneLine(book, date, FACE.fang, BODY, BODY_TRACK);
    const dateRight = TYPE_W - 4 * CHAR_PITCH;
    const centre = date ? dateRight - dateLine.width / 2 : TYPE_W - 6 * CHAR_PITCH;
    const sigLines = signers.map((s) => oneLine(book, s, FACE.fang, BODY, BODY_TRACK));
    flow.lines(
      sigLines,
      (l) => Math.max(0, Math.min(TYPE_W - 2 * CHAR_PITCH - l.width, centre - l.width / 2)),
      flow.tag("P"),
      undefined,
      date ? "signature" : null,
    );
    if (date) flow.lines([dateLine], () => dateRight - dateLine.width, flow.tag("P"));
  }

  doc.attachments.forEach((att, k) => {
    flow.newPage();
    const label = doc.attachments.length > 1 ? `附件${k + 1}` : "附件";
    flow.lines(
      [oneLine(book, label, FACE.hei, BODY, BODY_TRACK)],
      () => 0,
      flow.tag("P"),
      undefined,
      "title",
    );
    flow.blank("title");
    layoutTitle(book, flow, att.title, "H2");
    flow.blank("title");
    layoutBlocks(book, flow, att.blocks);
  });

  // 版记: 抄送 and 印发 in 四号 between rules, at the foot of the last page, one character in
  // from each side. A 抄送 list that runs over continues under its first organ, after the colon
  // (GB/T 9704-2012 7.4.2).
  const entries: { line: SetLine; dx: number }[][] = [];
  const width = TYPE_W - 2 * SIZE.si;
  if (doc.cc) {
    const label = oneLine(book, "抄送：", FACE.fang, SIZE.si);
    const organs = setText(book, [{ text: doc.cc, face: FACE.fang }], {
      size: SIZE.si,
      width: width - label.width,
    });
    entries.push([{ line: label, dx: 0 }, ...organs.map((line) => ({ line, dx: label.width }))]);
  }
  if (doc.printed) entries.push([{ line: oneLine(book, doc.printed.by, FACE.fang, SIZE.si), dx: 0 }]);
  if (entries.length > 0) {
    const leading = PITCH * 0.8;
    const rows = (e: readonly { dx: number }[]) => e.filter((x) => x.dx > 0).length || e.length;
    const height = entries.reduce((h, e) => h + rows(e) * leading, 0) + 4;
    flow.bottom(height, (x0, top) => {
      const ops: DrawOp[] = [];
      let y = top;
      ops.push({ op: "rule", x1: x0, y1: y, x2: x0 + TYPE_W, y2: y, width: 0.75 });
      entries.forEach((lines, e) => {
        const baseline = (yy: number) => yy + (leading - SIZE.si) / 2 + 0.88 * SIZE.si;
        const cont = lines.some((l) => l.dx > 0);
        lines.forEach(({ line, dx }, k) => {
          // The label shares the first line with the first organs.
          if (cont && dx === 0) {
            ops.push(textOp(x0 + SIZE.si, baseline(y), line, "body"));
            return;
          }
          ops.push(textOp(x0 + SIZE.si + dx, baseline(y), line, "body"));
          if (e === entries.length - 1 && doc.printed && k === 0) {
            const when = oneLine(book, `${chineseDate(doc.printed.date)}印发`, FACE.fang, SIZE.si);
            ops.push(textOp(x0 + TYPE_W - SIZE.si - when.width, baseline(y), when, "body"));
          }
          y += leading;
        });
        const w = e === entries.length - 1 ? 0.75 : 0.5;
        ops.push({ op: "rule", x1: x0, y1: y + 2, x2: x0 + TYPE_W, y2: y + 2, width: w });
      });
      return ops;
    });
  }
  flow.finish();
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

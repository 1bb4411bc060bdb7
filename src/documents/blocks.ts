/**
 * The structured body of a document: what intake stores and what the PDF and web renderers lay
 * out. Text is kept exactly as submitted (numbering included), so text extracted from the
 * rendered edition can be compared with the source.
 */

/** 1: 一、  2: （一）  3: 1.  4: （1） */
export type HeadingLevel = 1 | 2 | 3 | 4;

export type Block =
  | { readonly type: "heading"; readonly level: HeadingLevel; readonly text: string }
  | { readonly type: "paragraph"; readonly text: string }
  /**
   * `rows` is the table's grid, row by row (a shorter row is filled with empty cells). `merges`
   * lists merged cells (Word's gridSpan/vMerge, HTML's colspan/rowspan): the text is in the
   * merge's top-left slot and the other slots it covers are "". When `header` is true the first
   * row is a header row, together with the rows a merged cell of the first row reaches into.
   */
  | {
      readonly type: "table";
      readonly rows: readonly (readonly string[])[];
      readonly header?: boolean;
      readonly merges?: readonly CellMerge[];
    };

/** A merged cell: `rowSpan` × `colSpan` slots of the grid from (`row`, `col`), 0-based. */
export interface CellMerge {
  readonly row: number;
  readonly col: number;
  readonly rowSpan: number;
  readonly colSpan: number;
}

/** One cell of a table as laid out: an ordinary cell is a 1 × 1 merge of its own slot. */
export interface TableCell extends CellMerge {
  readonly text: string;
  /** In the header rows. */
  readonly header: boolean;
}

/** A table's cells with their spans, as the PDF and web renderers and the preflight read them. */
export interface TableGrid {
  readonly rowCount: number;
  readonly colCount: number;
  /** In reading order: by the row, then the column, of their top-left slot. */
  readonly cells: readonly TableCell[];
  /** owner[r][c]: the index in `cells` of the cell that covers slot (r, c). */
  readonly owner: readonly (readonly number[])[];
  /** How many rows from the top are header rows (0 when the table has no header). */
  readonly headerRows: number;
}

/**
 * The grid of a table block. Merges are clipped to the grid (a rowspan past the last row ends
 * there); a merge overlapping an earlier one is ignored, as validation refuses it on input.
 */
export function tableGrid(block: {
  readonly rows: readonly (readonly string[])[];
  readonly header?: boolean | undefined;
  readonly merges?: readonly CellMerge[] | undefined;
}): TableGrid {
  const rowCount = block.rows.length;
  const merges = block.merges ?? [];
  const colCount = Math.max(1, ...block.rows.map((r) => r.length), ...merges.map((m) => m.col + m.colSpan));
  const owner: number[][] = Array.from({ length: rowCount }, () => new Array<number>(colCount).fill(-1));
  const spans: CellMerge[] = [];
  for (const m of merges) {
    if (m.row < 0 || m.col < 0 || m.row >= rowCount || m.rowSpan < 1 || m.colSpan < 1) continue;
    const r1 = Math.min(rowCount, m.row + m.rowSpan);
    const c1 = Math.min(colCount, m.col + m.colSpan);
    let free = true;
    for (let r = m.row; r < r1 && free; r++)
      for (let c = m.col; c < c1 && free; c++) if ((owner[r] as number[])[c] !== -1) free = false;
    if (!free) continue;
    const span = { row: m.row, col: m.col, rowSpan: r1 - m.row, colSpan: c1 - m.col };
    for (let r = m.row; r < r1; r++)
      for (let c = m.col; c < c1; c++) (owner[r] as number[])[c] = -2 - spans.length;
    spans.push(span);
  }
  const anchors: CellMerge[] = [];
  for (let r = 0; r < rowCount; r++) {
    for (let c = 0; c < colCount; c++) {
      const o = (owner[r] as number[])[c] as number;
      if (o === -1) anchors.push({ row: r, col: c, rowSpan: 1, colSpan: 1 });
      else {
        const span = spans[-2 - o] as CellMerge;
        if (span.row === r && span.col === c) anchors.push(span);
      }
    }
  }
  let headerRows = 0;
  if (block.header === true && rowCount > 0) {
    headerRows = 1;
    for (let grown = true; grown; ) {
      grown = false;
      for (const a of anchors) {
        if (a.row < headerRows && a.row + a.rowSpan > headerRows) {
          headerRows = a.row + a.rowSpan;
          grown = true;
        }
      }
    }
  }
  const cells: TableCell[] = anchors.map((a) => ({
    ...a,
    text: block.rows[a.row]?.[a.col] ?? "",
    header: a.row < headerRows,
  }));
  cells.forEach((cell, k) => {
    for (let r = cell.row; r < cell.row + cell.rowSpan; r++)
      for (let c = cell.col; c < cell.col + cell.colSpan; c++) (owner[r] as number[])[c] = k;
  });
  return { rowCount, colCount, cells, owner, headerRows };
}

export interface Attachment {
  readonly title: string;
  readonly blocks: readonly Block[];
}

/**
 * A run-in heading ("（一）加强人才队伍建设。支持职业院校……"): the heading sentence, up to and
 * including the first 。, and the text that runs on after it on the same line. `text` is "" for
 * a heading that is only a heading.
 */
export function runInHeading(text: string): { readonly heading: string; readonly text: string } {
  const stop = text.indexOf("。");
  if (stop < 0 || stop === text.length - 1) return { heading: text, text: "" };
  return { heading: text.slice(0, stop + 1), text: text.slice(stop + 1) };
}

/** Whether the text already ends with its own 附件说明 ("附件：1. …"), as documents from .docx may. */
export function hasAttachmentNote(blocks: readonly Block[]): boolean {
  return blocks.some((b) => b.type === "paragraph" && /^\s*附\s*件\s*[：:]/.test(b.text));
}

/**
 * Random tables with merged cells for property tests: a grid of 1–12 rows × 1–7 columns with
 * up to eight merges placed where they do not overlap, random CJK/Latin cell text (the slots a
 * merge covers are ""), with or without a header.
 */
import fc from "fast-check";
import type { CellMerge } from "../../src/documents/blocks.js";

export interface MergeLayout {
  readonly rows: string[][];
  readonly merges: CellMerge[];
  readonly header: boolean;
}

const CHARS = "一二三四五六七八九十省市县区合计备注说明数据项目2025年%（）、，。AB";
const cellText = fc
  .array(fc.constantFrom(...CHARS), { minLength: 0, maxLength: 40 })
  .map((cs) => cs.join(""));

export const mergeLayouts: fc.Arbitrary<MergeLayout> = fc
  .record({
    rowCount: fc.integer({ min: 1, max: 12 }),
    colCount: fc.integer({ min: 1, max: 7 }),
    header: fc.boolean(),
    seeds: fc.array(
      fc.record({
        row: fc.nat(11),
        col: fc.nat(6),
        rowSpan: fc.integer({ min: 1, max: 30 }),
        colSpan: fc.integer({ min: 1, max: 7 }),
      }),
      { maxLength: 8 },
    ),
    texts: fc.array(cellText, { minLength: 84, maxLength: 84 }),
  })
  .map(({ rowCount, colCount, header, seeds, texts }) => {
    const taken = Array.from({ length: rowCount }, () => new Array<boolean>(colCount).fill(false));
    const merges: CellMerge[] = [];
    for (const s of seeds) {
      if (s.row >= rowCount || s.col >= colCount) continue;
      const rowSpan = Math.min(s.rowSpan, rowCount - s.row);
      const colSpan = Math.min(s.colSpan, colCount - s.col);
      if (rowSpan === 1 && colSpan === 1) continue;
      let free = true;
      for (let r = s.row; r < s.row + rowSpan; r++)
        for (let c = s.col; c < s.col + colSpan; c++) if (taken[r]?.[c]) free = false;
      if (!free) continue;
      for (let r = s.row; r < s.row + rowSpan; r++)
        for (let c = s.col; c < s.col + colSpan; c++) (taken[r] as boolean[])[c] = true;
      merges.push({ row: s.row, col: s.col, rowSpan, colSpan });
    }
    const covered = (r: number, c: number) =>
      merges.some(
        (m) =>
          r >= m.row &&
          r < m.row + m.rowSpan &&
          c >= m.col &&
          c < m.col + m.colSpan &&
          (r !== m.row || c !== m.col),
      );
    const rows = Array.from({ length: rowCount }, (_, r) =>
      Array.from({ length: colCount }, (_, c) => (covered(r, c) ? "" : (texts[r * colCount + c] ?? ""))),
    );
    if (rows.every((row) => row.every((t) => t === ""))) (rows[0] as string[])[0] = "表";
    return { rows, merges, header };
  });

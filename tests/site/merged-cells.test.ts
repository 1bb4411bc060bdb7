/**
 * Merged table cells on the web edition: real colspan/rowspan, and every data cell associated
 * with the header cells over its columns (`id`/`headers`, WCAG H43) — the sample's 备注 row
 * spanning three columns was lost on the web page (issue 13).
 */
import type { Element } from "domhandler";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Block, tableGrid } from "../../src/documents/blocks.js";
import { renderEditionSite } from "../../src/site/render.js";
import { documentPath } from "../../src/site/urls.js";
import { type CellView, tableView } from "../../src/site/view.js";
import { mergeLayouts } from "../support/merge-layouts.js";
import { edition, NOTICE_ID, siteInput } from "./fixtures.js";
import { all, parseHtml, text } from "./html.js";

const MERGED: Block = {
  type: "table",
  header: true,
  rows: [
    ["地区", "2024年", "", "备注"],
    ["", "上半年", "下半年", ""],
    ["成都市", "120", "200", "含天府新区"],
    ["自贡市", "30", "55", ""],
    ["说明", "数据来源于各市（州）报送的统计快报。", "", ""],
  ],
  merges: [
    { row: 0, col: 0, rowSpan: 2, colSpan: 1 },
    { row: 0, col: 1, rowSpan: 1, colSpan: 2 },
    { row: 0, col: 3, rowSpan: 2, colSpan: 1 },
    { row: 2, col: 3, rowSpan: 2, colSpan: 1 },
    { row: 4, col: 1, rowSpan: 1, colSpan: 3 },
  ],
};

interface Placed {
  readonly el: Element;
  readonly row: number;
  readonly col: number;
  readonly rowSpan: number;
  readonly colSpan: number;
}

/** HTML's table model (forming a table, simplified): each cell takes the next free slot of its row. */
function placeCells(table: Element): { placed: Placed[]; slots: Map<string, number> } {
  const slots = new Map<string, number>();
  const placed: Placed[] = [];
  all(table, "tr").forEach((tr, row) => {
    let col = 0;
    for (const el of tr.children.filter(
      (c): c is Element => "name" in c && (c.name === "td" || c.name === "th"),
    )) {
      while (slots.has(`${row},${col}`)) col++;
      const colSpan = Number(el.attribs.colspan ?? 1);
      const rowSpan = Number(el.attribs.rowspan ?? 1);
      for (let r = row; r < row + rowSpan; r++)
        for (let c = col; c < col + colSpan; c++) slots.set(`${r},${c}`, (slots.get(`${r},${c}`) ?? 0) + 1);
      placed.push({ el, row, col, rowSpan, colSpan });
      col += colSpan;
    }
  });
  return { placed, slots };
}

describe("merged table cells on the web page", () => {
  it("renders the merged header and body cells with colspan, rowspan and header associations", () => {
    // Prepare
    const notice = edition.sections[0]?.documents.find((d) => d.id === NOTICE_ID);
    const doc = { ...notice!, blocks: [MERGED] };
    const input = siteInput({
      edition: { ...edition, sections: [{ name: "省政府办公厅文件", documents: [doc] }] },
    });

    // Act
    const html = renderEditionSite(input).get(documentPath(NOTICE_ID));

    // Assess
    const table = all(parseHtml(html ?? ""), "table")[0] as Element;
    const { placed, slots } = placeCells(table);
    expect(slots.size).toBe(5 * 4);
    expect([...slots.values()].every((n) => n === 1)).toBe(true);
    const byText = new Map(placed.map((p) => [text(p.el), p]));
    expect(byText.get("2024年")).toMatchObject({ row: 0, col: 1, colSpan: 2 });
    expect(byText.get("2024年")?.el.attribs.scope).toBe("colgroup");
    expect(byText.get("地区")).toMatchObject({ row: 0, col: 0, rowSpan: 2 });
    expect(byText.get("数据来源于各市（州）报送的统计快报。")).toMatchObject({ row: 4, col: 1, colSpan: 3 });
    expect(all(table, "thead")[0] && all(all(table, "thead")[0] as Element, "tr")).toHaveLength(2);
    // 120 is under 2024年 and 上半年; the 说明 text is under every header of columns 1–3.
    const ids = (t: string) => byText.get(t)?.el.attribs.id;
    expect(byText.get("120")?.el.attribs.headers?.split(" ")).toEqual([ids("2024年"), ids("上半年")]);
    expect(byText.get("数据来源于各市（州）报送的统计快报。")?.el.attribs.headers?.split(" ")).toEqual([
      ids("2024年"),
      ids("备注"),
      ids("上半年"),
      ids("下半年"),
    ]);
  });

  it("keeps a table without merges as it was: scope only, no ids", () => {
    // Act
    const view = tableView(
      {
        header: true,
        rows: [
          ["指标", "2025年"],
          ["托位数", "4.0"],
        ],
      },
      1,
    );

    // Assess
    expect(view.head?.[0]?.map((c) => [c.text, c.scope, c.id])).toEqual([
      ["指标", "col", null],
      ["2025年", "col", null],
    ]);
    expect(view.body[0]?.every((c) => c.headers === null)).toBe(true);
  });

  it("places every cell of a random merge layout in the right slots, each slot once", () => {
    fc.assert(
      fc.property(mergeLayouts, (layout) => {
        // Prepare
        const block = { type: "table" as const, ...layout };
        const grid = tableGrid(block);

        // Act
        const view = tableView(block, 1);

        // Assess: the rows as a browser forms them give back the grid's cells
        const rows: CellView[][] = [...(view.head ?? []), ...view.body];
        const slots = new Map<string, string>();
        const seen: { row: number; col: number; rowSpan: number; colSpan: number; text: string }[] = [];
        rows.forEach((row, r) => {
          let c = 0;
          for (const cell of row) {
            while (slots.has(`${r},${c}`)) c++;
            const rowSpan = cell.rowspan ?? 1;
            const colSpan = cell.colspan ?? 1;
            for (let y = r; y < r + rowSpan; y++)
              for (let x = c; x < c + colSpan; x++) {
                expect(slots.has(`${y},${x}`)).toBe(false);
                slots.set(`${y},${x}`, cell.text);
              }
            seen.push({ row: r, col: c, rowSpan, colSpan, text: cell.text });
            c += colSpan;
          }
        });
        expect(slots.size).toBe(grid.rowCount * grid.colCount);
        expect(seen).toEqual(
          grid.cells.map(({ row, col, rowSpan, colSpan, text }) => ({ row, col, rowSpan, colSpan, text })),
        );
        // Every header id a data cell names exists and covers one of its columns.
        const headers = new Set(grid.cells.flatMap((cell, k): string[] => (cell.header ? [`t1h${k}`] : [])));
        for (const row of view.body)
          for (const cell of row)
            for (const id of cell.headers?.split(" ") ?? []) expect(headers.has(id)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

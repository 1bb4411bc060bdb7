/**
 * Merged table cells (row and column spans) in the PDF: the sample .docx's 备注 row spanning
 * three columns (issue 13: it was lost), rules around merged cells, text wrapped in the merged
 * width, row heights shared by a row span, page breaks that repeat the header rows and never
 * split a row-span group unless it is taller than a page. Golden positions are in
 * tests/golden/pdf/; after an intended layout change regenerate them with
 *
 *   UPDATE_GOLDEN=1 npx vitest run tests/publishing/pdf/merged-cells.test.ts
 *
 * and review the diff before committing.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Block, type CellMerge, tableGrid } from "../../../src/documents/blocks.js";
import { convertDocx } from "../../../src/documents/docx.js";
import type { EditionRenderInput, RenderDocument } from "../../../src/editions/render-model.js";
import { defaultFontSet, FaceBook } from "../../../src/publishing/pdf/fonts.js";
import { TOP, TYPE_H, TYPE_W, typeLeft } from "../../../src/publishing/pdf/geometry.js";
import {
  type DrawOp,
  type LaidEdition,
  type LaidPage,
  layoutEdition,
} from "../../../src/publishing/pdf/layout.js";
import { preflightLayout } from "../../../src/publishing/pdf/preflight.js";
import { mergeLayouts } from "../../support/merge-layouts.js";
import { notice, sampleEdition } from "./fixtures.js";

const here = dirname(fileURLToPath(import.meta.url));
const GOLDEN_DIR = join(here, "../../golden/pdf");
const UPDATE = process.env.UPDATE_GOLDEN === "1";
const book = new FaceBook(defaultFontSet());

type TextOp = Extract<DrawOp, { op: "text" }>;
type RuleOp = Extract<DrawOp, { op: "rule" }>;
const textOf = (op: TextOp) => op.runs.map((r) => r.text).join("");
const round = (n: number) => Math.round(n * 100) / 100;

function matchesGolden(name: string, actual: unknown): void {
  const file = join(GOLDEN_DIR, name);
  const json = `${JSON.stringify(actual, null, 1)}\n`;
  if (UPDATE) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, json);
    return;
  }
  if (!existsSync(file)) throw new Error(`Golden file ${file} is missing; run with UPDATE_GOLDEN=1`);
  expect(json, `${name} differs from its golden file; if intended, UPDATE_GOLDEN=1`).toBe(
    readFileSync(file, "utf8"),
  );
}

function editionOf(blocks: readonly Block[]): EditionRenderInput {
  const doc: RenderDocument = { ...notice, id: "01HXKZ5M6N7P8Q9R0S1T2V3W4Y", blocks, attachments: [] };
  return { ...sampleEdition, sections: [{ name: "省政府办公厅文件", documents: [doc] }] };
}

const documentPages = (laid: LaidEdition) => laid.pages.filter((p) => p.kind === "document");
const cellOps = (page: LaidPage) =>
  page.ops.filter(
    (op): op is TextOp =>
      op.op === "text" && (op.role === "repeat" || op.struct?.type === "TD" || op.struct?.type === "TH"),
  );
const tableRules = (page: LaidPage) =>
  page.ops.filter((op): op is RuleOp => op.op === "rule" && Math.min(op.y1, op.y2) >= TOP - 0.5);

/** 地区 over two rows, 2024年 over two columns in a two-row header, a 备注 row over three columns. */
const MERGED: Block = {
  type: "table",
  header: true,
  rows: [
    ["地区", "2024年", "", "备注"],
    ["", "上半年", "下半年", ""],
    ["成都市", "120", "200", "含天府新区"],
    ["自贡市", "30", "55", ""],
    ["合计", "150", "255", ""],
    ["说明", "数据来源于各市（州）报送的统计快报，按照常住人口口径统计，未含在建项目。", "", ""],
  ],
  merges: [
    { row: 0, col: 0, rowSpan: 2, colSpan: 1 },
    { row: 0, col: 1, rowSpan: 1, colSpan: 2 },
    { row: 0, col: 3, rowSpan: 2, colSpan: 1 },
    { row: 2, col: 3, rowSpan: 3, colSpan: 1 },
    { row: 5, col: 1, rowSpan: 1, colSpan: 3 },
  ],
};

describe("merged table cells in the PDF", () => {
  it("sets the sample .docx's 备注 row across its three merged columns (it was lost)", async () => {
    // Prepare
    const bytes = readFileSync(join(here, "../../../samples/documents/07-office-notice.docx"));
    const converted = await convertDocx(bytes, {
      maxBytes: 5 * 1024 * 1024,
      maxUncompressedBytes: 64 * 1024 * 1024,
      maxEntries: 2000,
    });
    const table = converted.blocks.find((b) => b.type === "table");
    expect(table).toBeDefined();

    // Act
    const laid = layoutEdition(book, editionOf([table as Block]));

    // Assess: the note is one line, wider than any single column, with no column rule across it
    const page = documentPages(laid)[0] as LaidPage;
    const note = cellOps(page).find((op) => textOf(op) === "完成时限以各地报送的实施方案为准");
    expect(note, "the note is set on one line").toBeDefined();
    const verticals = tableRules(page).filter((r) => r.x1 === r.x2);
    const { x, y } = note as TextOp;
    const width = textWidthOf(note as TextOp);
    const crossing = verticals.filter(
      (r) => r.x1 > x + 1 && r.x1 < x + width - 1 && Math.min(r.y1, r.y2) < y && Math.max(r.y1, r.y2) > y,
    );
    expect(crossing).toEqual([]);
    expect(preflightLayout(book, laid)).toEqual([]);
  });

  it("lays out a table with row and column spans exactly as its golden file", () => {
    // Act
    const laid = layoutEdition(book, editionOf([{ type: "paragraph", text: "统计如下。" }, MERGED]));

    // Assess
    const page = documentPages(laid)[0] as LaidPage;
    const left = typeLeft(page.printed ?? 1);
    const snapshot = {
      cells: cellOps(page).map((op) => ({
        text: textOf(op),
        x: round(op.x - left),
        y: round(op.y - TOP),
        tag: op.struct?.type,
        ...(op.struct?.table ? { table: op.struct.table } : {}),
      })),
      rules: tableRules(page).map((r) =>
        [r.x1 - left, r.y1 - TOP, r.x2 - left, r.y2 - TOP, r.width].map(round),
      ),
    };
    matchesGolden("merged-table.json", snapshot);
    expect(preflightLayout(book, laid)).toEqual([]);
  });

  it("repeats both header rows on each continuation page and never splits a row-span group", () => {
    // Prepare: 40 groups of three rows joined by a merged 地区 cell
    const rows: string[][] = [["地区", "项目", "金额"]];
    const merges: CellMerge[] = [];
    for (let g = 0; g < 40; g++) {
      merges.push({ row: rows.length, col: 0, rowSpan: 3, colSpan: 1 });
      rows.push([`第${g + 1}区`, `道路${g}`, "10"], ["", `管网${g}`, "20"], ["", `绿化${g}`, "30"]);
    }

    // Act
    const laid = layoutEdition(book, editionOf([{ type: "table", header: true, rows, merges }]));

    // Assess
    const pages = documentPages(laid);
    expect(pages.length).toBeGreaterThan(2);
    pages.forEach((page, k) => {
      const ops = cellOps(page);
      const texts = ops.map(textOf);
      // The header row is at the top of every page, as an artifact after the first.
      expect(texts.slice(0, 3)).toEqual(["地区", "项目", "金额"]);
      if (k > 0) expect(ops.slice(0, 3).every((op) => op.role === "repeat")).toBe(true);
      // Each group's three rows are on the page together.
      for (let g = 0; g < 40; g++) {
        const on = [`道路${g}`, `管网${g}`, `绿化${g}`].filter((t) => texts.includes(t)).length;
        expect(on === 0 || on === 3, `group ${g + 1} on page ${page.printed}`).toBe(true);
      }
    });
    expect(preflightLayout(book, laid)).toEqual([]);
  });

  it("splits a row-span group taller than a page, keeping all its text inside the type area", () => {
    // Prepare: a merged cell over 30 rows next to long cells
    const long = "按照全省统一部署，各地要细化工作方案，明确责任分工和时间节点，确保按期完成改造任务。";
    const rows: string[][] = [["地区", "任务"]];
    for (let r = 0; r < 30; r++) rows.push([r === 0 ? "成都市".repeat(20) : "", `${r + 1}.${long}`]);
    const merges: CellMerge[] = [{ row: 1, col: 0, rowSpan: 30, colSpan: 1 }];

    // Act
    const laid = layoutEdition(book, editionOf([{ type: "table", header: true, rows, merges }]));

    // Assess
    expect(documentPages(laid).length).toBeGreaterThan(1);
    expect(preflightLayout(book, laid)).toEqual([]);
  });
});

describe("narrow table columns", () => {
  it("keep a number with its closing marks and a long word inside their columns (found by the property below)", () => {
    // Prepare: seven columns whose short cells cannot all stay whole
    const rows = [
      ["", "", "", "一一一一一", "20，。", "", "一一一"],
      ["", "", "", "", "", "一一一一一一", ""],
      ["一一一一一", "一一一一", "一一一一一一一一", "", "", "", "https://www.sc.gov.cn/10462/zfgb.shtml"],
    ];

    // Act
    const laid = layoutEdition(book, editionOf([{ type: "table", rows }]));

    // Assess
    expect(preflightLayout(book, laid)).toEqual([]);
    const page = documentPages(laid)[0] as LaidPage;
    const verticals = tableRules(page).filter((r) => r.x1 === r.x2);
    for (const op of cellOps(page)) {
      const right = op.x + textWidthOf(op);
      const crossed = verticals.some(
        (r) =>
          r.x1 > op.x + 0.5 &&
          r.x1 < right - 0.5 &&
          Math.min(r.y1, r.y2) < op.y &&
          Math.max(r.y1, r.y2) > op.y,
      );
      expect(crossed, `“${textOf(op)}” crosses a column rule`).toBe(false);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Property: random merge layouts

const NUM_RUNS = 60;

describe("random merge layouts", () => {
  it("cover every grid slot exactly once, keep cells apart and inside the type area, set all text", () => {
    fc.assert(
      fc.property(mergeLayouts, fc.integer({ min: 0, max: 40 }), (layout, before) => {
        // Prepare: the table after some paragraphs, so that it meets a page break anywhere
        const block: Block = { type: "table", ...layout };
        const paragraphs: Block[] = Array.from({ length: before }, (_, k) => ({
          type: "paragraph",
          text: `第${k + 1}段正文。`,
        }));

        // Act
        const grid = tableGrid(block);
        const laid = layoutEdition(book, editionOf([...paragraphs, block]));

        // Assess: each slot belongs to exactly one cell, and that cell covers it
        const count = new Map<string, number>();
        for (const cell of grid.cells)
          for (let r = cell.row; r < cell.row + cell.rowSpan; r++)
            for (let c = cell.col; c < cell.col + cell.colSpan; c++) {
              expect(r).toBeLessThan(grid.rowCount);
              expect(c).toBeLessThan(grid.colCount);
              count.set(`${r},${c}`, (count.get(`${r},${c}`) ?? 0) + 1);
            }
        expect(count.size).toBe(grid.rowCount * grid.colCount);
        expect([...count.values()].every((n) => n === 1)).toBe(true);

        // No two cells' lines overlap; no rule crosses a line; nothing leaves the type area.
        for (const page of documentPages(laid)) {
          const left = typeLeft(page.printed ?? 1);
          const boxes = cellOps(page).map((op) => ({
            id: op.struct?.id ?? `repeat${op.x}`,
            x1: op.x,
            x2: op.x + textWidthOf(op),
            y1: op.y - 0.88 * op.size,
            y2: op.y + 0.12 * op.size,
          }));
          for (let i = 0; i < boxes.length; i++)
            for (let j = i + 1; j < boxes.length; j++) {
              const a = boxes[i] as (typeof boxes)[number];
              const b = boxes[j] as (typeof boxes)[number];
              if (a.id === b.id) continue;
              const overlap =
                a.x1 < b.x2 - 0.01 && b.x1 < a.x2 - 0.01 && a.y1 < b.y2 - 0.01 && b.y1 < a.y2 - 0.01;
              expect(overlap, `lines overlap on page ${page.printed}`).toBe(false);
            }
          for (const r of tableRules(page)) {
            expect(Math.min(r.x1, r.x2)).toBeGreaterThanOrEqual(left - 0.5);
            expect(Math.max(r.x1, r.x2)).toBeLessThanOrEqual(left + TYPE_W + 0.5);
            expect(Math.max(r.y1, r.y2)).toBeLessThanOrEqual(TOP + TYPE_H + 0.5);
            if (r.x1 !== r.x2) continue;
            const crossed = boxes.some(
              (b) =>
                b.x1 < r.x1 - 0.5 &&
                b.x2 > r.x1 + 0.5 &&
                b.y1 < Math.max(r.y1, r.y2) &&
                b.y2 > Math.min(r.y1, r.y2),
            );
            expect(crossed, `a column rule crosses a cell's text on page ${page.printed}`).toBe(false);
          }
        }
        expect(preflightLayout(book, laid)).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
  }, 300_000);
});

/** Width of a set line: its runs' advances (the line's own measure is not on the op). */
function textWidthOf(op: TextOp): number {
  let w = 0;
  for (const run of op.runs) {
    let x = run.dx;
    for (const ch of run.text) x += book.advance(run.face, ch.codePointAt(0) ?? 0) * op.size + op.tc;
    w = Math.max(w, x);
  }
  return w;
}

/**
 * Merged cells in structured-block input: accepted when they describe a grid, refused with the
 * field and the reason otherwise (a 400 from the API).
 */
import { describe, expect, it } from "vitest";
import { type BlockLimits, validateBlocks } from "../../src/documents/body.js";

const limits: BlockLimits = { maxBlocks: 10, maxTextLength: 500, maxTableCells: 40 };
const rows = [
  ["地区", "2024年", "", "备注"],
  ["", "上半年", "下半年", ""],
  ["成都市", "120", "200", "含天府新区"],
];

describe("validateBlocks with merged cells", () => {
  it("keeps valid merges and drops nothing else", () => {
    // Prepare
    const merges = [
      { row: 0, col: 0, rowSpan: 2, colSpan: 1 },
      { row: 0, col: 1, rowSpan: 1, colSpan: 2 },
      { row: 0, col: 3, rowSpan: 2, colSpan: 1 },
    ];

    // Act
    const result = validateBlocks([{ type: "table", header: true, rows, merges }], limits);

    // Assess
    expect(result).toEqual({ ok: true, blocks: [{ type: "table", header: true, rows, merges }] });
  });

  it.each([
    ["not an array", { row: 0 }, "0.merges", "must be an array"],
    ["a negative row", [{ row: -1, col: 0, rowSpan: 2, colSpan: 1 }], "0.merges.0.row", "integer ≥ 0"],
    ["a zero span", [{ row: 0, col: 0, rowSpan: 0, colSpan: 2 }], "0.merges.0.rowSpan", "integer ≥ 1"],
    [
      "an unknown key",
      [{ row: 0, col: 0, rowSpan: 2, colSpan: 1, rowspan: 2 }],
      "0.merges.0.rowspan",
      "not a property",
    ],
    ["a 1 × 1 merge", [{ row: 0, col: 0, rowSpan: 1, colSpan: 1 }], "0.merges.0", "merges nothing"],
    [
      "past the last row",
      [{ row: 2, col: 0, rowSpan: 2, colSpan: 1 }],
      "0.merges.0",
      "inside the table's 3 rows × 4 columns",
    ],
    ["past the last column", [{ row: 0, col: 3, rowSpan: 1, colSpan: 2 }], "0.merges.0", "inside the table"],
    [
      "two overlapping merges",
      [
        { row: 0, col: 1, rowSpan: 1, colSpan: 2 },
        { row: 0, col: 2, rowSpan: 2, colSpan: 1 },
      ],
      "0.merges.1",
      "overlaps merged cell 0",
    ],
    [
      "text under a merge",
      [{ row: 2, col: 1, rowSpan: 1, colSpan: 2 }],
      "0.rows.2.2",
      "covered by merged cell 0",
    ],
  ])("refuses %s with the field and the reason", (_name, merges, path, message) => {
    // Act
    const result = validateBlocks([{ type: "table", rows, merges }], limits);

    // Assess
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors).toContainEqual({ path, message: expect.stringContaining(message) });
  });
});

import { describe, expect, it } from "vitest";
import { defaultFontSet, FaceBook } from "../../../src/publishing/pdf/fonts.js";
import { layoutEdition } from "../../../src/publishing/pdf/layout.js";
import { sampleEdition } from "./fixtures.js";

/**
 * A table is closed on every side: its top rule is drawn over its first row also when the table
 * starts in the middle of a page (it was drawn only over a row that began a page, so the sample's
 * 重点任务分工表 had no top rule).
 */
describe("table rules", () => {
  it("draw a top rule over the first row of a table that starts mid-page", () => {
    // Prepare
    const laid = layoutEdition(new FaceBook(defaultFontSet()), sampleEdition);

    // Act: on each page with column rules, the highest point they reach
    const checked = laid.pages.flatMap((page, index) => {
      const rules = page.ops.flatMap((op) => (op.op === "rule" ? [op] : []));
      const verticals = rules.filter((r) => r.x1 === r.x2);
      if (verticals.length === 0) return [];
      const top = Math.min(...verticals.map((r) => Math.min(r.y1, r.y2)));
      const closed = rules.some((r) => r.y1 === r.y2 && Math.abs(r.y1 - top) < 0.01);
      return [{ index, top, closed }];
    });

    // Assess
    expect(checked.length).toBeGreaterThan(0);
    for (const c of checked) expect(c, `page index ${c.index}`).toMatchObject({ closed: true });
  });
});

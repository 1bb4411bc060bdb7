import { describe, expect, it } from "vitest";
import { hasAttachmentNote, runInHeading } from "../../src/documents/blocks.js";
import { blockViews } from "../../src/site/view.js";

describe("run-in headings on the web, as in print", () => {
  it("splits the heading sentence from the text that runs on after it", () => {
    // Prepare
    const blocks = [
      { type: "heading" as const, level: 1 as const, text: "一、总体要求" },
      {
        type: "heading" as const,
        level: 2 as const,
        text: "（一）加强人才队伍建设。支持职业院校开设养老服务专业。",
      },
    ];
    // Act
    const views = blockViews(blocks, 2, { next: () => 1 });
    // Assess: the heading holds only its sentence; the text is a paragraph of its own.
    expect(views).toEqual([
      { heading: true, rank: 2, text: "一、总体要求", runIn: null },
      { heading: true, rank: 3, text: "（一）加强人才队伍建设。", runIn: "支持职业院校开设养老服务专业。" },
    ]);
  });

  it("keeps a heading that ends with its only 。 whole", () => {
    expect(runInHeading("1.完善规划布局。")).toEqual({ heading: "1.完善规划布局。", text: "" });
  });

  it("sees a text's own 附件说明, so the list is not added a second time", () => {
    expect(hasAttachmentNote([{ type: "paragraph", text: "附件：1. 申报表" }])).toBe(true);
    expect(hasAttachmentNote([{ type: "paragraph", text: "附件是申报表。" }])).toBe(false);
  });
});

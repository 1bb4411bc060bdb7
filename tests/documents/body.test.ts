import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Block } from "../../src/documents/blocks.js";
import {
  type BlockLimits,
  blocksToPlainText,
  headingLevelOf,
  parsePlainBody,
  validateBlocks,
} from "../../src/documents/body.js";

const SAMPLES = join(import.meta.dirname, "../../samples/documents");

describe("headingLevelOf", () => {
  it.each([
    ["一、总体要求", 1],
    ["十、附则", 1],
    ["十二、其他", 1],
    ["二十九、附则", 1],
    ["九十九、最后", 1],
    ["一、 总体要求", 1],
    ["（一）加强组织领导", 2],
    ["(一)加强组织领导", 2],
    ["（十二）其他事项", 2],
    ["（一)混用括号", 2],
    ["1.加强组织领导", 3],
    ["1．加强组织领导", 3],
    ["1、加强组织领导", 3],
    ["12.第十二项", 3],
    ["1. 有空格", 3],
    ["１．全角数字", 3],
    ["（1）具体要求", 4],
    ["(1)具体要求", 4],
    ["（12）具体要求", 4],
    ["第一章　总则", 1],
    ["第十二章 附则", 1],
    ["第一节 一般规定", 2],
  ])("recognises %s as level %i", (line, level) => {
    expect(headingLevelOf(line)).toBe(level);
  });

  it.each([
    "1.5万元以上的项目要报批。",
    "1．5亿元",
    "1、2月份降雨偏少。",
    "2024.5.3前完成。",
    "100.以上",
    "一、",
    "（一）",
    "1.",
    "一是加强领导。",
    "十一五期间",
    "百、错误",
    "一十一、不合规范",
    "第一条　为了规范……，制定本办法。",
    "第一章规定的事项，由省人民政府负责解释。",
    "①第一项",
    "各市（州）人民政府：",
  ])("treats %j as a paragraph", (line) => {
    expect(headingLevelOf(line)).toBeNull();
  });
});

describe("parsePlainBody", () => {
  it("makes one paragraph per line, ignoring blank lines and indentation", () => {
    // Prepare
    const text = "　　第一段。\n\n  第二段。\r\n\u3000\u3000第三段。  \n   \n";

    // Act
    const blocks = parsePlainBody(text);

    // Assess
    expect(blocks).toEqual([
      { type: "paragraph", text: "第一段。" },
      { type: "paragraph", text: "第二段。" },
      { type: "paragraph", text: "第三段。" },
    ]);
  });

  it("recognises the four heading levels and keeps their numbering as written", () => {
    const text = ["一、总体要求", "（一）工作目标", "1.近期目标", "(1)具体指标", "正文。"].join("\n");

    const blocks = parsePlainBody(text);

    expect(blocks).toEqual([
      { type: "heading", level: 1, text: "一、总体要求" },
      { type: "heading", level: 2, text: "（一）工作目标" },
      { type: "heading", level: 3, text: "1.近期目标" },
      { type: "heading", level: 4, text: "(1)具体指标" },
      { type: "paragraph", text: "正文。" },
    ]);
  });

  it("keeps a numbered line that runs on into its paragraph as one heading block", () => {
    const blocks = parsePlainBody("1.加强组织领导。各地要成立工作专班，明确责任分工。");

    expect(blocks).toEqual([
      { type: "heading", level: 3, text: "1.加强组织领导。各地要成立工作专班，明确责任分工。" },
    ]);
  });

  it("does not take a decimal amount at the start of a line for a heading", () => {
    const blocks = parsePlainBody("1.5万元以下的项目由市（州）审批。");

    expect(blocks).toEqual([{ type: "paragraph", text: "1.5万元以下的项目由市（州）审批。" }]);
  });

  it("groups consecutive tab-separated lines into one table with a header row", () => {
    const text = "如下表：\n单位\t金额（万元）\n省政府办公厅\t210.0\n 省档案馆 \t 80.0 \n合计。";

    const blocks = parsePlainBody(text);

    expect(blocks).toEqual([
      { type: "paragraph", text: "如下表：" },
      {
        type: "table",
        rows: [
          ["单位", "金额（万元）"],
          ["省政府办公厅", "210.0"],
          ["省档案馆", "80.0"],
        ],
        header: true,
      },
      { type: "paragraph", text: "合计。" },
    ]);
  });

  it("keeps empty cells, including a trailing one", () => {
    const blocks = parsePlainBody("甲\t\t丙\n丁\t戊\t");

    expect(blocks).toEqual([
      {
        type: "table",
        rows: [
          ["甲", "", "丙"],
          ["丁", "戊", ""],
        ],
        header: true,
      },
    ]);
  });

  it("makes a single tab-separated line a table without a header row", () => {
    expect(parsePlainBody("联系人：张示例\t电话：028-00000000")).toEqual([
      { type: "table", rows: [["联系人：张示例", "电话：028-00000000"]], header: false },
    ]);
  });

  it("starts a new table after a blank line", () => {
    const blocks = parsePlainBody("a\tb\nc\td\n\ne\tf\ng\th");

    expect(blocks.map((b) => b.type)).toEqual(["table", "table"]);
  });

  it("treats the numbered items continuing a 附件说明 as paragraphs, not headings", () => {
    const text = [
      "特此通知。",
      "附件：1.重点任务分工表",
      "2.联络员名单",
      "3.进度安排表",
      "1.这是新的小标题",
    ].join("\n");

    const blocks = parsePlainBody(text);

    expect(blocks).toEqual([
      { type: "paragraph", text: "特此通知。" },
      { type: "paragraph", text: "附件：1.重点任务分工表" },
      { type: "paragraph", text: "2.联络员名单" },
      { type: "paragraph", text: "3.进度安排表" },
      { type: "paragraph", text: "1.这是新的小标题" },
    ]);
  });

  it("also treats the items below a bare 附件： line as paragraphs", () => {
    const blocks = parsePlainBody("附件：\n1.重点任务分工表\n2.联络员名单");

    expect(blocks.map((b) => b.type)).toEqual(["paragraph", "paragraph", "paragraph"]);
  });

  it("treats the items of an article (第X条) as paragraphs while chapters stay headings", () => {
    const text = [
      "第一章　总则",
      "第五条　下列文件应当刊登：",
      "（一）规章；",
      "（二）规范性文件。",
      "第二章　附则",
    ].join("\n");

    const blocks = parsePlainBody(text);

    expect(blocks).toEqual([
      { type: "heading", level: 1, text: "第一章　总则" },
      { type: "paragraph", text: "第五条　下列文件应当刊登：" },
      { type: "paragraph", text: "（一）规章；" },
      { type: "paragraph", text: "（二）规范性文件。" },
      { type: "heading", level: 1, text: "第二章　附则" },
    ]);
  });

  it("normalises the text first: zero-width characters and control characters disappear", () => {
    expect(parsePlainBody("\uFEFF一、\u200B总体要求\u0007")).toEqual([
      { type: "heading", level: 1, text: "一、总体要求" },
    ]);
  });

  it("returns no blocks for an empty or blank body", () => {
    expect(parsePlainBody("")).toEqual([]);
    expect(parsePlainBody("\n \u3000\n\t\n")).toEqual([]);
  });
});

describe("blocksToPlainText", () => {
  it("writes one line per block and tab-separated table rows", () => {
    // Prepare
    const blocks: Block[] = [
      { type: "heading", level: 1, text: "一、总体要求" },
      { type: "paragraph", text: "正文。" },
      {
        type: "table",
        rows: [
          ["甲", "乙"],
          ["丙", "丁"],
        ],
        header: true,
      },
    ];

    // Act
    const text = blocksToPlainText(blocks);

    // Assess
    expect(text).toBe("一、总体要求\n正文。\n甲\t乙\n丙\t丁");
  });

  it("separates two consecutive tables with a blank line so that they stay two tables", () => {
    const blocks = parsePlainBody("a\tb\nc\td\n\ne\tf");

    expect(parsePlainBody(blocksToPlainText(blocks))).toEqual(blocks);
  });

  it("replaces tabs and line breaks inside cells with a space", () => {
    const text = blocksToPlainText([{ type: "table", rows: [["第一行\n第二行", "a\tb"]] }]);

    expect(text).toBe("第一行 第二行\ta b");
  });

  it.each([
    "",
    "　　一段。\n\n二段。",
    "一、总体要求\n（一）目标\n1.加强领导。各地要落实。\n(1)细则\n第一章 总则\n第一条 内容。\n（一）项；",
    "附件：1.甲\n2.乙\n3.丙",
    "a\tb\n\nc\td\ne\t\n\t\n单行\t表格",
    "1.5万元\n一、\n（一）",
  ])("round-trips parsePlainBody output for %j", (text) => {
    const blocks = parsePlainBody(text);

    expect(parsePlainBody(blocksToPlainText(blocks))).toEqual(blocks);
  });

  it("round-trips the bodies of every sample document", () => {
    const bodies = readdirSync(SAMPLES)
      .filter((f) => f.endsWith(".json"))
      .flatMap((f) => {
        const doc = JSON.parse(readFileSync(join(SAMPLES, f), "utf8")) as {
          body?: string;
          attachments?: { body: string }[];
          interpretations?: { body: string }[];
        };
        return [
          doc.body,
          ...(doc.attachments ?? []).map((a) => a.body),
          ...(doc.interpretations ?? []).map((i) => i.body),
        ];
      })
      .filter((b): b is string => typeof b === "string");

    for (const body of bodies) {
      const blocks = parsePlainBody(body);
      expect(parsePlainBody(blocksToPlainText(blocks))).toEqual(blocks);
    }
    expect(bodies.length).toBeGreaterThanOrEqual(8);
  });
});

describe("validateBlocks", () => {
  const limits: BlockLimits = { maxBlocks: 10, maxTextLength: 50, maxTableCells: 6 };

  it("accepts headings, paragraphs and tables and normalises their text", () => {
    // Prepare
    const input = [
      { type: "heading", level: 1, text: " 一、总体要求\u200B " },
      { type: "paragraph", text: "正文。\r" },
      { type: "table", rows: [["甲", " 乙 "], ["丙"]], header: true },
      { type: "table", rows: [["多行\n单元格"]] },
    ];

    // Act
    const result = validateBlocks(input, limits);

    // Assess
    expect(result).toEqual({
      ok: true,
      blocks: [
        { type: "heading", level: 1, text: "一、总体要求" },
        { type: "paragraph", text: "正文。" },
        { type: "table", rows: [["甲", "乙"], ["丙"]], header: true },
        { type: "table", rows: [["多行\n单元格"]] },
      ],
    });
  });

  it("accepts an empty body and leaves that decision to the caller", () => {
    expect(validateBlocks([], limits)).toEqual({ ok: true, blocks: [] });
  });

  it("rejects something that is not an array", () => {
    expect(validateBlocks({ type: "paragraph", text: "x" }, limits)).toEqual({
      ok: false,
      errors: [{ path: "", message: "must be an array of blocks" }],
    });
  });

  it("rejects more blocks than allowed, naming the first block too many", () => {
    const input = Array.from({ length: 11 }, () => ({ type: "paragraph", text: "x" }));

    const result = validateBlocks(input, limits);

    expect(result).toEqual({ ok: false, errors: [{ path: "10", message: "at most 10 blocks are allowed" }] });
  });

  it("reports every invalid block with a path relative to the body", () => {
    const input = [
      "text",
      { type: "quote", text: "x" },
      { type: "heading", level: 5, text: "五级" },
      { type: "heading", level: "1", text: "一、" },
      { type: "paragraph", text: "  \u200B " },
      { type: "paragraph", text: 12 },
      { type: "paragraph", txt: "typo", text: "ok" },
      { type: "paragraph", text: "x".repeat(51) },
      { type: "paragraph", text: "两行\n文字" },
      { type: "paragraph", text: "响铃\u0007" },
    ];

    const result = validateBlocks(input, limits);

    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual([
      "0",
      "1.type",
      "2.level",
      "3.level",
      "4.text",
      "5.text",
      "6.txt",
      "7.text",
      "8.text",
      "9.text",
    ]);
  });

  it("rejects malformed tables", () => {
    const input = [
      { type: "table", rows: [] },
      { type: "table", rows: "a\tb" },
      { type: "table", rows: [[], ["x"]] },
      { type: "table", rows: [["x", 1]] },
      { type: "table", rows: [["", " "]] },
      {
        type: "table",
        rows: [
          ["a", "b", "c", "d"],
          ["e", "f", "g"],
        ],
      },
      { type: "table", rows: [["x".repeat(30), "y".repeat(30)]] },
      { type: "table", rows: [["x"]], header: "yes" },
    ];

    const result = validateBlocks(input, limits);

    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual([
      "0.rows",
      "1.rows",
      "2.rows.0",
      "3.rows.0.1",
      "4.rows",
      "5.rows",
      "6.rows",
      "7.header",
    ]);
  });

  it("allows rows with different numbers of cells (merged cells)", () => {
    const result = validateBlocks([{ type: "table", rows: [["甲", "乙", "丙"], ["合计"]] }], limits);

    expect(result.ok).toBe(true);
  });

  it("reports at most 50 errors", () => {
    const input = Array.from({ length: 100 }, () => ({ type: "paragraph", text: "" }));

    const result = validateBlocks(input, { ...limits, maxBlocks: 100 });

    expect(result.ok ? 0 : result.errors.length).toBe(50);
  });

  it("accepts what parsePlainBody produces", () => {
    const blocks = parsePlainBody("一、总体要求\n正文。\n甲\t乙\n丙\t丁");

    expect(validateBlocks(blocks, { maxBlocks: 100, maxTextLength: 1000, maxTableCells: 100 })).toEqual({
      ok: true,
      blocks,
    });
  });
});

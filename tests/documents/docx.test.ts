import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildSampleDocx, SAMPLE_DOCX_EXPECTED, SAMPLE_DOCX_META } from "../../samples/make-docx.js";
import type { Block } from "../../src/documents/blocks.js";
import {
  convertDocx,
  DocxError,
  type DocxErrorCode,
  type DocxHints,
  type DocxLimits,
} from "../../src/documents/docx.js";
import { buildDocx } from "./docx-fixtures.js";
import { buildZip, minimalDocxEntries } from "./zip-fixtures.js";

const SAMPLE_FILE = join(import.meta.dirname, "../../samples/documents/07-office-notice.docx");

const LIMITS: DocxLimits = {
  maxBytes: 5 * 1024 * 1024,
  maxUncompressedBytes: 64 * 1024 * 1024,
  maxEntries: 2000,
};

const SAMPLE_HINTS: DocxHints = {
  title: SAMPLE_DOCX_META.title,
  docNumber: SAMPLE_DOCX_META.docNumber,
  issuers: [...SAMPLE_DOCX_META.issuers],
  addressees: SAMPLE_DOCX_META.addressees,
  signer: SAMPLE_DOCX_META.signer,
  dateWritten: SAMPLE_DOCX_META.dateWritten,
};

async function refusal(
  bytes: Uint8Array,
  limits: DocxLimits = LIMITS,
): Promise<{ code: DocxErrorCode; message: string }> {
  try {
    await convertDocx(bytes, limits);
  } catch (error) {
    if (error instanceof DocxError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("convertDocx accepted the file");
}

function texts(blocks: readonly Block[]): string[] {
  return blocks.map((b) => (b.type === "table" ? "[table]" : b.text));
}

/** The body the sample should convert to: every line, with the placeholder replaced by the table. */
function expectedSampleBody(): string[] {
  return SAMPLE_DOCX_EXPECTED.body.map((t) => (t === "表格" ? "[table]" : t));
}

describe("convertDocx on the sample office notice", () => {
  it("converts the committed sample into the body, tables and attachments it was written from", async () => {
    // Prepare
    const bytes = readFileSync(SAMPLE_FILE);

    // Act
    const result = await convertDocx(bytes, LIMITS, SAMPLE_HINTS);

    // Assess
    expect(texts(result.blocks)).toEqual(expectedSampleBody());
    expect(result.attachments.map((a) => a.title)).toEqual(
      SAMPLE_DOCX_EXPECTED.attachments.map((a) => a.title),
    );
    expect(result.attachments.map((a) => a.blocks)).toEqual(
      SAMPLE_DOCX_EXPECTED.attachments.map((a) => [{ type: "table", rows: a.table, header: true }]),
    );
  });

  it("finds the heading levels from the numbering and keeps the 附件说明 items as paragraphs", async () => {
    const result = await convertDocx(await buildSampleDocx(), LIMITS, SAMPLE_HINTS);

    const byText = new Map(result.blocks.map((b) => [b.type === "table" ? "" : b.text, b]));
    expect(byText.get("一、总体要求")).toEqual({ type: "heading", level: 1, text: "一、总体要求" });
    expect(byText.get("（一）补齐基础设施短板。")).toMatchObject({ type: "heading", level: 2 });
    expect(
      byText.get("1.改造提升供排水、供电、供气、通信等管线设施，同步实施雨污分流改造，消除安全隐患。"),
    ).toMatchObject({
      type: "heading",
      level: 3,
    });
    expect(byText.get("附件：1.城镇老旧小区改造提质增效专项行动重点任务分工表")?.type).toBe("paragraph");
    expect(byText.get("2.专项行动联络员名单")?.type).toBe("paragraph");
  });

  it("keeps the body table with its header row and the merged note cell (备注 over three columns)", async () => {
    const result = await convertDocx(await buildSampleDocx(), LIMITS, SAMPLE_HINTS);

    const table = result.blocks.find((b) => b.type === "table");
    expect(table).toEqual({
      type: "table",
      rows: [
        ...SAMPLE_DOCX_EXPECTED.progressTable,
        [SAMPLE_DOCX_EXPECTED.progressNote[0], SAMPLE_DOCX_EXPECTED.progressNote[1], "", ""],
      ],
      header: true,
      merges: [{ row: SAMPLE_DOCX_EXPECTED.progressTable.length, col: 1, rowSpan: 1, colSpan: 3 }],
    });
  });

  it("reports what it removed and the ignored seal image", async () => {
    const result = await convertDocx(await buildSampleDocx(), LIMITS, SAMPLE_HINTS);

    expect(result.messages).toEqual([
      "1 image(s) were ignored (图片未转换).",
      expect.stringContaining("Removed the 版头"),
      expect.stringContaining("Removed the 版记"),
      expect.stringContaining("Removed the signature and date"),
    ]);
    const all = result.messages.join("\n");
    for (const removed of [
      "川办发〔2024〕20号",
      "抄送：",
      "2024年6月19日印发",
      "2024年6月18日",
      "（此件公开发布）",
    ]) {
      expect(all).toContain(removed);
    }
  });

  it("leaves no 版头, signature or 版记 text in the blocks", async () => {
    const result = await convertDocx(await buildSampleDocx(), LIMITS, SAMPLE_HINTS);

    const body = [...texts(result.blocks), ...result.attachments.flatMap((a) => texts(a.blocks))].join("\n");
    for (const gone of [
      "四川省人民政府办公厅文件",
      "川办发",
      "000018",
      "抄送",
      "印发",
      "此件公开发布",
      "2024年6月18日",
      "— 1 —",
    ]) {
      expect(body).not.toContain(gone);
    }
  });

  it("without hints still removes the issuer mark, 发文字号, signature, date and 版记 but keeps the title", async () => {
    const result = await convertDocx(await buildSampleDocx(), LIMITS);

    expect(texts(result.blocks).slice(0, 3)).toEqual([
      "四川省人民政府办公厅关于开展城镇老旧小区",
      "改造提质增效专项行动的通知",
      SAMPLE_DOCX_META.addressees,
    ]);
    expect(texts(result.blocks).slice(3)).toEqual(expectedSampleBody());
    expect(result.attachments).toHaveLength(2);
  });

  it("warns when the document date differs from dateWritten", async () => {
    const result = await convertDocx(await buildSampleDocx(), LIMITS, {
      ...SAMPLE_HINTS,
      dateWritten: "2024-06-17",
    });

    expect(result.messages).toContain(
      "The date in the document (2024-06-18) differs from dateWritten (2024-06-17).",
    );
  });
});

describe("convertDocx on other layouts", () => {
  it("removes the 令 header, the signature and date after the 公布语 and the repeated regulation title", async () => {
    // Prepare
    const bytes = await buildDocx([
      "四川省人民政府令",
      "第901号",
      "《四川省政府公报编辑出版管理办法》已经省人民政府常务会议审议通过，现予公布，自2024年7月1日起施行。",
      "省长　王示例",
      "二〇二四年五月八日",
      "四川省政府公报编辑出版管理办法",
      "第一章　总则",
      "第一条　为了规范政府公报编辑出版工作，制定本办法。",
      "第二条　下列文件应当刊登：",
      "（一）规章；",
      "（二）行政规范性文件。",
      "第二章　附则",
      "第三条　本办法自2024年7月1日起施行。",
    ]);

    // Act
    const result = await convertDocx(bytes, LIMITS, {
      title: "四川省政府公报编辑出版管理办法",
      docNumber: "四川省人民政府令第901号",
      issuers: ["四川省人民政府"],
      signer: "王示例",
      dateWritten: "2024-05-08",
    });

    // Assess
    expect(result.blocks).toEqual([
      {
        type: "paragraph",
        text: "《四川省政府公报编辑出版管理办法》已经省人民政府常务会议审议通过，现予公布，自2024年7月1日起施行。",
      },
      { type: "heading", level: 1, text: "第一章　总则" },
      { type: "paragraph", text: "第一条　为了规范政府公报编辑出版工作，制定本办法。" },
      { type: "paragraph", text: "第二条　下列文件应当刊登：" },
      { type: "paragraph", text: "（一）规章；" },
      { type: "paragraph", text: "（二）行政规范性文件。" },
      { type: "heading", level: 1, text: "第二章　附则" },
      { type: "paragraph", text: "第三条　本办法自2024年7月1日起施行。" },
    ]);
    expect(result.messages.join("\n")).not.toContain("title given in the metadata was not found");
  });

  it("removes a joint issuer mark laid out as a table and a joint signature", async () => {
    const bytes = await buildDocx([
      {
        table: [
          ["四川省财政厅", "文件"],
          ["四川省教育厅", ""],
        ],
      },
      "川财教〔2024〕8号",
      "四川省财政厅　四川省教育厅关于下达2024年学生资助资金的通知",
      "各市（州）财政局、教育局：",
      "现将2024年学生资助资金下达你们。",
      "请按规定及时拨付。",
      "四川省财政厅",
      "四川省教育厅",
      "2024年3月1日",
      "（联系人：李示例，电话：028-00000000）",
    ]);

    const result = await convertDocx(bytes, LIMITS, {
      title: "四川省财政厅 四川省教育厅关于下达2024年学生资助资金的通知",
      docNumber: "川财教〔2024〕8号",
      issuers: ["四川省财政厅", "四川省教育厅"],
    });

    expect(texts(result.blocks)).toEqual(["现将2024年学生资助资金下达你们。", "请按规定及时拨付。"]);
  });

  it("removes a 版记 whose 抄送 list wraps over several paragraphs, and one laid out as a table", async () => {
    const wrapped = await buildDocx([
      "正文第一段。",
      "正文第二段。",
      "四川省人民政府",
      "2024年5月20日",
      "抄送：省委各部门，省人大常委会办公厅，",
      "省政协办公厅，省法院，省检察院。",
      "四川省人民政府办公厅 2024年5月21日印发",
    ]);
    const tabled = await buildDocx([
      "正文第一段。",
      "正文第二段。",
      { table: [["抄送：省委各部门，省人大常委会办公厅。"], ["四川省人民政府办公厅 2024年5月21日印发"]] },
    ]);

    const a = await convertDocx(wrapped, LIMITS, { issuers: ["四川省人民政府"] });
    const b = await convertDocx(tabled, LIMITS);

    expect(texts(a.blocks)).toEqual(["正文第一段。", "正文第二段。"]);
    expect(texts(b.blocks)).toEqual(["正文第一段。", "正文第二段。"]);
  });

  it("keeps a trailing table or date that is not part of a 版记", async () => {
    const bytes = await buildDocx([
      "报名表如下：",
      {
        table: [
          ["姓名", "单位"],
          ["", ""],
        ],
        header: true,
      },
    ]);

    const result = await convertDocx(bytes, LIMITS);

    expect(result.blocks).toEqual([
      { type: "paragraph", text: "报名表如下：" },
      {
        type: "table",
        rows: [
          ["姓名", "单位"],
          ["", ""],
        ],
        header: true,
      },
    ]);
  });

  it("keeps a 附件说明 introduced on its own line in the body", async () => {
    const bytes = await buildDocx([
      "特此通知。",
      "附件：",
      "1.重点任务分工表",
      "2.联络员名单",
      "四川省人民政府",
      "2024年5月20日",
    ]);

    const result = await convertDocx(bytes, LIMITS, { issuers: ["四川省人民政府"] });

    expect(result.attachments).toEqual([]);
    expect(result.blocks).toEqual([
      { type: "paragraph", text: "特此通知。" },
      { type: "paragraph", text: "附件：" },
      { type: "paragraph", text: "1.重点任务分工表" },
      { type: "paragraph", text: "2.联络员名单" },
    ]);
  });

  it("splits attachments at 附件 markers and uses the marker as title when none follows", async () => {
    const bytes = await buildDocx([
      "正文。",
      "附件1",
      "项目清单",
      "一、第一类项目",
      "具体内容。",
      "附件 2",
      {
        table: [
          ["序号", "名称"],
          ["1", "示例"],
        ],
      },
    ]);

    const result = await convertDocx(bytes, LIMITS);

    expect(result.blocks).toEqual([{ type: "paragraph", text: "正文。" }]);
    expect(result.attachments).toEqual([
      {
        title: "项目清单",
        blocks: [
          { type: "heading", level: 1, text: "一、第一类项目" },
          { type: "paragraph", text: "具体内容。" },
        ],
      },
      {
        title: "附件 2",
        blocks: [
          {
            type: "table",
            rows: [
              ["序号", "名称"],
              ["1", "示例"],
            ],
            header: true,
          },
        ],
      },
    ]);
  });

  it("maps Word heading styles, English or Chinese names, to levels unless the text is numbered", async () => {
    const bytes = await buildDocx([
      { heading: 1, text: "总体要求" },
      { style: "标题 2", text: "工作目标" },
      { heading: 1, text: "（一）编号优先" },
      { heading: 2, text: "一、编号优先" },
    ]);

    const result = await convertDocx(bytes, LIMITS);

    expect(result.blocks).toEqual([
      { type: "heading", level: 1, text: "总体要求" },
      { type: "heading", level: 2, text: "工作目标" },
      { type: "heading", level: 2, text: "（一）编号优先" },
      { type: "heading", level: 1, text: "一、编号优先" },
    ]);
  });

  it("splits a paragraph at soft line breaks, turns tabs into a space and joins cell paragraphs with a newline", async () => {
    const bytes = await buildDocx([
      { lines: ["一、第一行", "第二行。"] },
      { tabbed: ["联系人：李示例", "电话：028-00000000"] },
      {
        table: [
          ["单位", "说明"],
          ["省民政厅", "第一段\n第二段"],
        ],
      },
    ]);

    const result = await convertDocx(bytes, LIMITS);

    expect(result.blocks).toEqual([
      { type: "heading", level: 1, text: "一、第一行" },
      { type: "paragraph", text: "第二行。" },
      { type: "paragraph", text: "联系人：李示例 电话：028-00000000" },
      {
        type: "table",
        rows: [
          ["单位", "说明"],
          ["省民政厅", "第一段\n第二段"],
        ],
        header: true,
      },
    ]);
  });

  it("keeps Word's merged cells (vMerge, gridSpan) as merges over an aligned grid", async () => {
    const result = await convertDocx(await buildDocx([{ mergedTable: true }]), LIMITS);

    expect(result.blocks).toEqual([
      {
        type: "table",
        rows: [
          ["地区", "项目", "金额"],
          ["成都市", "道路", "10"],
          ["", "管网", "20"],
          ["合计", "", "30"],
        ],
        header: true,
        merges: [
          { row: 1, col: 0, rowSpan: 2, colSpan: 1 },
          { row: 3, col: 0, rowSpan: 1, colSpan: 2 },
        ],
      },
    ]);
  });

  it("drops footnotes and reports them and Word automatic numbering", async () => {
    const bytes = await buildDocx([
      { footnote: "脚注内容", text: "带脚注的段落。" },
      { numbered: "自动编号的段落。" },
    ]);

    const result = await convertDocx(bytes, LIMITS);

    expect(texts(result.blocks)).toEqual(["带脚注的段落。", "自动编号的段落。"]);
    expect(result.messages).toEqual([
      expect.stringContaining("footnote/endnote"),
      expect.stringContaining("automatic numbering"),
    ]);
  });

  it("says so when the title from the metadata is not in the document", async () => {
    const result = await convertDocx(await buildDocx(["正文。"]), LIMITS, { title: "另一个标题" });

    expect(result.messages).toContain(
      "The title given in the metadata was not found in the document; check the 版头 (未找到标题).",
    );
  });

  it("converts a minimal hand-built archive", async () => {
    const result = await convertDocx(buildZip(minimalDocxEntries(["一、总体要求", "正文。"])), LIMITS);

    expect(result.blocks).toEqual([
      { type: "heading", level: 1, text: "一、总体要求" },
      { type: "paragraph", text: "正文。" },
    ]);
  });
});

describe("convertDocx refusals", () => {
  it("refuses a legacy .doc or password-protected file (OLE compound file header)", async () => {
    // Prepare
    const cfb = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(504),
    ]);

    // Act
    const error = await refusal(cfb);

    // Assess
    expect(error.code).toBe("docx_encrypted");
    expect(error.message).toContain("legacy Word .doc or a password-protected .docx");
  });

  it("refuses a file that is not a zip", async () => {
    const error = await refusal(Buffer.from("这不是一个Word文档", "utf8"));

    expect(error).toEqual({ code: "docx_invalid", message: expect.stringContaining("not a zip archive") });
  });

  it("refuses an empty file", async () => {
    expect((await refusal(new Uint8Array())).code).toBe("docx_invalid");
  });

  it.each([
    ["a PDF", "%PDF-1.7\n", "PDF"],
    ["an RTF file", "{\\rtf1\\ansi}", "RTF"],
  ])("refuses %s with a specific message", async (_, content, word) => {
    const error = await refusal(Buffer.from(content));

    expect(error.code).toBe("docx_unsupported");
    expect(error.message).toContain(word);
  });

  it("refuses a damaged zip", async () => {
    const damaged = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 0x41)]);

    expect((await refusal(damaged)).code).toBe("docx_invalid");
  });

  it("refuses a file larger than maxBytes before opening it", async () => {
    const bytes = buildZip(minimalDocxEntries());

    const error = await refusal(bytes, { ...LIMITS, maxBytes: bytes.length - 1 });

    expect(error.code).toBe("docx_too_large");
  });

  it("refuses a zip without word/document.xml", async () => {
    const error = await refusal(buildZip([{ name: "readme.txt", data: Buffer.from("hello") }]));

    expect(error).toEqual({
      code: "docx_invalid",
      message: expect.stringContaining("word/document.xml is missing"),
    });
  });

  it.each([
    ["an Excel workbook", "xl/workbook.xml", "Excel"],
    ["a PowerPoint file", "ppt/presentation.xml", "PowerPoint"],
    ["an OpenDocument file", "content.xml", "OpenDocument"],
  ])("recognises %s", async (_, name, word) => {
    const error = await refusal(buildZip([{ name, data: Buffer.from("<x/>") }]));

    expect(error.code).toBe("docx_unsupported");
    expect(error.message).toContain(word);
  });

  it("refuses an archive with more entries than allowed", async () => {
    const entries = [
      ...minimalDocxEntries(),
      ...Array.from({ length: 20 }, (_, i) => ({ name: `word/media/${i}.bin` })),
    ];

    const error = await refusal(buildZip(entries), { ...LIMITS, maxEntries: 10 });

    expect(error).toEqual({ code: "docx_too_large", message: expect.stringContaining("more than 10 parts") });
  });

  it("refuses an entry with zip-level encryption", async () => {
    const entries = minimalDocxEntries().map((e) =>
      e.name === "word/document.xml" ? { ...e, flags: 0x1 } : e,
    );

    const error = await refusal(buildZip(entries));

    expect(error.code).toBe("docx_encrypted");
  });

  it("refuses a zip bomb whose declared size of one entry is beyond the limit", async () => {
    // Prepare: 8 MiB of zeros deflate to a few kilobytes.
    const bomb = { name: "word/media/bomb.bin", data: new Uint8Array(8 * 1024 * 1024) };
    const bytes = buildZip([...minimalDocxEntries(), bomb]);

    // Act
    const error = await refusal(bytes, { ...LIMITS, maxUncompressedBytes: 1024 * 1024 });

    // Assess
    expect(bytes.length).toBeLessThan(64 * 1024);
    expect(error).toEqual({ code: "docx_too_large", message: expect.stringContaining("zip bomb") });
  });

  it("refuses an archive whose entries together declare more than the limit", async () => {
    const parts = Array.from({ length: 4 }, (_, i) => ({
      name: `word/media/${i}.bin`,
      data: new Uint8Array(400 * 1024),
    }));

    const error = await refusal(buildZip([...minimalDocxEntries(), ...parts]), {
      ...LIMITS,
      maxUncompressedBytes: 1024 * 1024,
    });

    expect(error).toEqual({ code: "docx_too_large", message: expect.stringContaining("file expands to") });
  });

  it("refuses a declared size near 4 GiB without any data behind it", async () => {
    const claim = { name: "word/media/huge.bin", data: new Uint8Array(16), declaredSize: 0xfffffff0 };

    const error = await refusal(buildZip([...minimalDocxEntries(), claim]));

    expect(error.code).toBe("docx_too_large");
  });

  it("refuses a zip bomb that understates its size, before handing it to mammoth", async () => {
    // Prepare: the headers claim 100 bytes; the data inflates to 32 MiB.
    const liar = { name: "word/styles.xml", data: new Uint8Array(32 * 1024 * 1024), declaredSize: 100 };
    const bytes = buildZip([...minimalDocxEntries(), liar]);

    // Act
    const error = await refusal(bytes, { ...LIMITS, maxUncompressedBytes: 1024 * 1024 });

    // Assess
    expect(error).toEqual({ code: "docx_invalid", message: expect.stringContaining("misdeclared") });
  });

  it("refuses a document.xml mammoth cannot read", async () => {
    const entries = minimalDocxEntries().map((e) =>
      e.name === "word/document.xml" ? { name: e.name, data: Buffer.from("<w:document><unclosed") } : e,
    );

    const error = await refusal(buildZip(entries));

    expect(error.code).toBe("docx_conversion_failed");
  });

  it("builds hostile archives that really are small", () => {
    expect(deflateRawSync(new Uint8Array(32 * 1024 * 1024)).length).toBeLessThan(64 * 1024);
  });
});

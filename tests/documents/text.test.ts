import { describe, expect, it } from "vitest";
import { compactText, hasControlCharacters, normalizeText, stripIndent } from "../../src/documents/text.js";

describe("normalizeText", () => {
  it("turns CRLF and lone CR into LF", () => {
    // Prepare
    const input = "第一行\r\n第二行\r第三行";

    // Act
    const result = normalizeText(input);

    // Assess
    expect(result).toBe("第一行\n第二行\n第三行");
  });

  it("removes control characters but keeps newlines and tabs", () => {
    const result = normalizeText("a\u0000b\u0007c\u001Bd\u007Fe\u0085f\tg\nh");

    expect(result).toBe("abcdef\tg\nh");
  });

  it("removes zero-width characters, soft hyphens, bidi marks and byte-order marks", () => {
    const result = normalizeText("\uFEFF四川\u200B省\u200C人\u200D民\u2060政\u00AD府\u200E\u202E");

    expect(result).toBe("四川省人民政府");
  });

  it("composes to NFC", () => {
    const decomposed = "e\u0301";

    expect(normalizeText(decomposed)).toBe("\u00E9");
  });

  it("trims trailing ASCII, full-width and no-break spaces from every line but keeps leading indentation", () => {
    const result = normalizeText("　　正文。 \u3000\n  第二段\u00A0\n");

    expect(result).toBe("　　正文。\n  第二段\n");
  });

  it("keeps trailing tabs, which are empty table cells", () => {
    expect(normalizeText("名称\t数量\t\n")).toBe("名称\t数量\t\n");
  });

  it("turns Unicode line and paragraph separators into newlines", () => {
    expect(normalizeText("甲\u2028乙\u2029丙")).toBe("甲\n乙\n丙");
  });

  it("leaves clean text unchanged", () => {
    const clean = "一、总体要求\n（一）加强组织领导。\n1.5万元";

    expect(normalizeText(clean)).toBe(clean);
  });
});

describe("hasControlCharacters", () => {
  it("reports C0 and C1 control characters and DEL", () => {
    expect(hasControlCharacters("标题\u0000")).toBe(true);
    expect(hasControlCharacters("标题\u0085")).toBe(true);
    expect(hasControlCharacters("标题\u007F")).toBe(true);
  });

  it("allows tabs and line breaks by default", () => {
    expect(hasControlCharacters("甲\t乙\r\n丙")).toBe(false);
  });

  it("reports tabs and line breaks for single-line fields", () => {
    expect(hasControlCharacters("甲\n乙", { singleLine: true })).toBe(true);
    expect(hasControlCharacters("甲\t乙", { singleLine: true })).toBe(true);
    expect(hasControlCharacters("川府发〔2024〕12号", { singleLine: true })).toBe(false);
  });

  it("does not report invisible format characters, which normalizeText removes instead", () => {
    expect(hasControlCharacters("\uFEFF标题\u200B")).toBe(false);
  });
});

describe("stripIndent and compactText", () => {
  it("strips ASCII, full-width and no-break indentation but not tabs", () => {
    expect(stripIndent("　　 \u00A0正文")).toBe("正文");
    expect(stripIndent("\t正文")).toBe("\t正文");
  });

  it("compacts by removing all whitespace and folding full-width forms", () => {
    expect(compactText(" 四川省 人民政府\u3000办公厅\n：１２")).toBe("四川省人民政府办公厅:12");
  });
});

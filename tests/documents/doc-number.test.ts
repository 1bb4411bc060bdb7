import { describe, expect, it } from "vitest";
import {
  docNumberKey,
  formatDocNumber,
  normalizeDocNumber,
  parseDocNumber,
} from "../../src/documents/doc-number.js";

describe("normalizeDocNumber", () => {
  it.each([
    ["川府发〔2024〕12号", "川府发〔2024〕12号"],
    ["川府发[2024]12号", "川府发〔2024〕12号"],
    ["川府发［2024］12号", "川府发〔2024〕12号"],
    ["川府发【2024】12号", "川府发〔2024〕12号"],
    ["川府发(2024)12号", "川府发〔2024〕12号"],
    ["川府发（2024）12号", "川府发〔2024〕12号"],
    ["川府发﹝2024﹞12号", "川府发〔2024〕12号"],
    ["川府发〖2024〗12号", "川府发〔2024〕12号"],
    ["川府发[2024〕12号", "川府发〔2024〕12号"],
    ["川府发〔２０２４〕１２号", "川府发〔2024〕12号"],
    ["川府发〔2024〕012号", "川府发〔2024〕12号"],
    ["川府发〔2024〕0012号", "川府发〔2024〕12号"],
    [" 川府发 〔2024〕 12 号 ", "川府发〔2024〕12号"],
    ["川府发\u3000〔2024〕\u300012号", "川府发〔2024〕12号"],
    ["川府发\u00A0〔2024〕\u200B12号", "川府发〔2024〕12号"],
    ["川府發〔2024〕12號", "川府發〔2024〕12号"],
    ["四川省人民政府令 第 0356 号", "四川省人民政府令第356号"],
    ["第０３５６号", "第356号"],
  ])("normalises %s to %s", (input, expected) => {
    // Act
    const result = normalizeDocNumber(input);

    // Assess
    expect(result).toBe(expected);
  });

  it("keeps a serial of 10 or 100 intact while removing leading zeros", () => {
    expect(normalizeDocNumber("川办函〔2024〕0100号")).toBe("川办函〔2024〕100号");
    expect(normalizeDocNumber("川办函〔2024〕10号")).toBe("川办函〔2024〕10号");
  });

  it("does not touch brackets around something that is not a year", () => {
    expect(normalizeDocNumber("附件(一)")).toBe("附件(一)");
  });
});

describe("parseDocNumber", () => {
  it.each([
    ["川府发〔2024〕12号", "川府发", 2024, 12],
    ["川办发〔2024〕20号", "川办发", 2024, 20],
    ["国办发〔2023〕5号", "国办发", 2023, 5],
    ["川府规〔2023〕5号", "川府规", 2023, 5],
    ["成府函〔2024〕77号", "成府函", 2024, 77],
    ["川发改环资〔2024〕101号", "川发改环资", 2024, 101],
    ["川财行〔2024〕45号", "川财行", 2024, 45],
    ["国办发明电〔2024〕3号", "国办发明电", 2024, 3],
    ["川府发 [2024] 012 号", "川府发", 2024, 12],
    ["川府函（２０２４）８８号", "川府函", 2024, 88],
    ["川府人【2024】15号", "川府人", 2024, 15],
  ])("parses %s as bracketed", (input, prefix, year, serial) => {
    expect(parseDocNumber(input)).toEqual({ form: "bracketed", prefix, year, serial });
  });

  it.each([
    ["四川省人民政府令第356号", "四川省人民政府令", 356],
    ["四川省人民政府令 第３５６号", "四川省人民政府令", 356],
    ["成都市人民政府令第210号", "成都市人民政府令", 210],
    ["第356号", "", 356],
    ["四川省人民政府公告第3号", "四川省人民政府公告", 3],
  ])("parses %s as an order number", (input, prefix, serial) => {
    expect(parseDocNumber(input)).toEqual({ form: "order", prefix, serial });
  });

  it.each([
    "",
    "川府发",
    "川府发〔2024〕号",
    "川府发〔2024〕12",
    "〔2024〕12号",
    "川府发〔24〕12号",
    "川府发〔1900〕12号",
    "川府发〔2024〕0号",
    "川府发〔2024〕123456号",
    "川府发2024年12号",
    "第号",
    "四川省人民政府第356号",
    "关于做好防汛工作的通知",
    "2024年5月3日",
  ])("rejects %j", (input) => {
    expect(parseDocNumber(input)).toBeNull();
  });
});

describe("docNumberKey", () => {
  it("gives the same key to different spellings of one number", () => {
    // Prepare
    const spellings = [
      "川府发〔2024〕12号",
      "川府发[2024]012号",
      " 川府发（２０２４）１２号",
      "川府发【2024】 12 號",
    ];

    // Act
    const keys = new Set(spellings.map(docNumberKey));

    // Assess
    expect([...keys]).toEqual(["川府发〔2024〕12号"]);
  });

  it("gives different keys to different numbers", () => {
    expect(docNumberKey("川府发〔2024〕12号")).not.toBe(docNumberKey("川府发〔2024〕13号"));
    expect(docNumberKey("川府发〔2024〕12号")).not.toBe(docNumberKey("川府函〔2024〕12号"));
    expect(docNumberKey("川府发〔2024〕12号")).not.toBe(docNumberKey("川府发〔2023〕12号"));
  });

  it("upper-cases Latin letters and keeps a key for unparseable text", () => {
    expect(docNumberKey("abc 〔2024〕1号")).toBe("ABC〔2024〕1号");
    expect(docNumberKey(" 无 文号 ")).toBe("无文号");
  });

  it("formats parsed numbers in the canonical spelling", () => {
    expect(formatDocNumber({ form: "bracketed", prefix: "川府发", year: 2024, serial: 9 })).toBe(
      "川府发〔2024〕9号",
    );
    expect(formatDocNumber({ form: "order", prefix: "四川省人民政府令", serial: 356 })).toBe(
      "四川省人民政府令第356号",
    );
  });
});

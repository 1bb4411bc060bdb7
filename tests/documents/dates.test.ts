import { describe, expect, it } from "vitest";
import { formatChineseDate, isValidIsoDate, parseChineseDate } from "../../src/documents/dates.js";

describe("parseChineseDate", () => {
  it.each([
    ["2024年5月3日", "2024-05-03"],
    ["2024年05月03日", "2024-05-03"],
    ["2024 年 5 月 3 日", "2024-05-03"],
    ["２０２４年５月３日", "2024-05-03"],
    ["二〇二四年五月三日", "2024-05-03"],
    ["二〇一七年五月三日", "2017-05-03"],
    ["二○二四年十二月三十一日", "2024-12-31"],
    ["二零二四年十月二十日", "2024-10-20"],
    ["二O二四年十一月十日", "2024-11-10"],
    ["二〇二四年二月二十九日", "2024-02-29"],
    ["二〇二四年一月廿三日", "2024-01-23"],
    ["2024年五月三日", "2024-05-03"],
    ["2024年5月3号", "2024-05-03"],
    ["2024-05-03", "2024-05-03"],
    ["2024-5-3", "2024-05-03"],
    ["2024.5.3", "2024-05-03"],
    ["2024/5/3", "2024-05-03"],
    ["2024．5．3", "2024-05-03"],
    ["民國113年5月3日", "2024-05-03"],
    ["民国113年5月3日", "2024-05-03"],
    ["中華民國一一三年五月三日", "2024-05-03"],
    ["民國一百一十三年五月三日", "2024-05-03"],
    ["民國38年10月1日", "1949-10-01"],
  ])("parses %s as %s", (input, expected) => {
    // Act
    const result = parseChineseDate(input);

    // Assess
    expect(result).toBe(expected);
  });

  it.each([
    "2024年2月30日",
    "2023年2月29日",
    "二〇二三年二月二十九日",
    "2024年13月1日",
    "2024年4月31日",
    "2024年0月1日",
    "2024年1月0日",
    "2024-02-30",
    "2024.5",
    "2024年5月",
    "5月3日",
    "二〇二四年五月三十二日",
    "二〇二四年十十月一日",
    "二〇二四年一二月一日",
    "民国0年1月1日",
    "2024年5月3日印发",
    "四川省人民政府",
    "",
  ])("rejects %j", (input) => {
    expect(parseChineseDate(input)).toBeNull();
  });
});

describe("formatChineseDate", () => {
  it("writes Arabic numerals without leading zeros, as GB/T 9704 does", () => {
    expect(formatChineseDate("2024-05-03")).toBe("2024年5月3日");
    expect(formatChineseDate("2024-12-31")).toBe("2024年12月31日");
  });

  it("round-trips with parseChineseDate", () => {
    expect(parseChineseDate(formatChineseDate("2024-02-29"))).toBe("2024-02-29");
  });

  it("throws a RangeError for something that is not a calendar date", () => {
    expect(() => formatChineseDate("2024-02-30")).toThrow(RangeError);
    expect(() => formatChineseDate("2024年5月3日")).toThrow(RangeError);
  });
});

describe("isValidIsoDate", () => {
  it.each(["2024-05-03", "2024-02-29", "2000-02-29", "1949-10-01", "0001-01-01", "9999-12-31"])(
    "accepts %s",
    (input) => {
      expect(isValidIsoDate(input)).toBe(true);
    },
  );

  it.each([
    "2023-02-29",
    "1900-02-29",
    "2024-04-31",
    "2024-13-01",
    "2024-00-10",
    "2024-01-00",
    "2024-5-3",
    "2024-05-03T00:00:00Z",
    " 2024-05-03",
    "0000-01-01",
    "20240503",
    "",
  ])("rejects %j", (input) => {
    expect(isValidIsoDate(input)).toBe(false);
  });
});

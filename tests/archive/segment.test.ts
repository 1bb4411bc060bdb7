import { describe, expect, it } from "vitest";
import {
  dateLine,
  docNumberIn,
  isTitleLine,
  kindOfTitle,
  linesOf,
  normalizeArchiveDocNumber,
  segmentEdition,
} from "../../src/archive/segment.js";

const EDITION = [
  "四川省人民政府公报",
  "2017年第10期（总第562期）",
  "目  录",
  "四川省人民政府关于加强林业工作的通知……………………1",
  "\f四川省人民政府文件",
  "川府发〔２０１７〕２３号",
  "四川省人民政府关于加强林业工作的通知",
  "各市（州）人民政府，省政府各部门：",
  "为加强林业工作，现就有关事项通知如下。",
  "一、提高认识。",
  "四川省人民政府",
  "二〇一七年五月三日",
  "\f四川省人民政府办公厅文件",
  "川办发[2017]45号",
  "四川省人民政府办公厅关于印发",
  "四川省森林防火实施办法的通知",
  "各市（州）人民政府：",
  "《四川省森林防火实施办法》已经省政府同意，现印发给你们，请认真贯彻执行。",
  "四川省人民政府办公厅",
  "2017年5月20日",
  "四川省人民政府令",
  "第三百二十一号",
  "四川省档案管理办法",
  "第一条 为了加强档案管理，制定本办法。",
  "省长 尹力",
  "2017年6月1日",
].join("\n");

describe("segmentation of an edition's text", () => {
  it("splits an edition into its documents and skips the masthead and contents", () => {
    // Prepare
    const lines = linesOf(EDITION);

    // Act
    const segments = segmentEdition(lines);

    // Assess
    expect(segments.map((s) => s.title)).toEqual([
      "四川省人民政府关于加强林业工作的通知",
      "四川省人民政府办公厅关于印发四川省森林防火实施办法的通知",
      "四川省档案管理办法",
    ]);
  });

  it("extracts 发文字号 as printed and normalised, issuers, dates, kind and pages", () => {
    // Act
    const [first, second, third] = segmentEdition(linesOf(EDITION));

    // Assess
    expect(first).toMatchObject({
      docNumberPrinted: "川府发〔２０１７〕２３号",
      docNumber: "川府发〔2017〕23号",
      issuers: ["四川省人民政府"],
      date: "2017-05-03",
      datePrinted: "二〇一七年五月三日",
      kind: "通知",
      pages: [2],
      missing: [],
    });
    expect(second).toMatchObject({
      docNumber: "川办发〔2017〕45号",
      issuers: ["四川省人民政府办公厅"],
      date: "2017-05-20",
      kind: "通知",
      pages: [3],
    });
    expect(third).toMatchObject({
      docNumber: "四川省人民政府令第321号",
      kind: "令",
      date: "2017-06-01",
      issuers: ["省长尹力"],
    });
  });

  it("keeps each document's body with it and the next document's header out of it", () => {
    // Act
    const [first, second] = segmentEdition(linesOf(EDITION));

    // Assess
    expect(first?.text).toContain("一、提高认识。");
    expect(first?.text).not.toContain("川办发");
    expect(second?.text.startsWith("四川省人民政府办公厅文件\n川办发[2017]45号")).toBe(true);
  });

  it("returns one untitled segment, flagged missing title, when no title is found", () => {
    // Act
    const segments = segmentEdition(linesOf("这是一段没有标题的文字。\n另一段文字。"));

    // Assess
    expect(segments).toHaveLength(1);
    expect(segments[0]?.missing).toEqual(["title", "date", "issuers", "kind"]);
  });
});

describe("metadata recognisers", () => {
  it.each([
    ["二〇一七年五月三日", "2017-05-03"],
    ["二○一七年十二月三十一日", "2017-12-31"],
    ["2017年5月3日", "2017-05-03"],
    ["２０１７年５月３日", "2017-05-03"],
    ["一九五六年 十 月 一 日", "1956-10-01"],
    ["中華民國六十年一月五日", "1971-01-05"],
    ["民國60年1月5日", "1971-01-05"],
    ["（2017年5月3日）", "2017-05-03"],
  ])("reads the 成文日期 %s as %s", (printed, iso) => {
    expect(dateLine(printed)).toBe(iso);
  });

  it.each(["2017年2月30日", "五月三日", "2017年5月3日起施行。"])(
    "does not read %s as a date line",
    (line) => {
      expect(dateLine(line)).toBeUndefined();
    },
  );

  it.each([
    ["川府发〔2017〕23号", "川府发〔2017〕23号"],
    ["国发 [2016] 第 5 号", "国发〔2016〕5号"],
    ["川办函（2017）007號", "川办函〔2017〕7号"],
    ["第三百五十六号", "第356号"],
  ])("normalises the printed 发文字号 %s to %s", (printed, normalised) => {
    expect(normalizeArchiveDocNumber(docNumberIn(printed) ?? "")).toBe(normalised);
  });

  it.each([
    ["1989年6月17日 中华人民共和国国务院令第37号发布", "中华人民共和国国务院令第37号"],
    [
      "12. 中華民國一百零三年三月二十六日行政院院臺金字第 1030008769 號令修正發布",
      "院臺金字第 1030008769 號",
    ],
    ["发文字号：国发〔2016〕23号", "国发〔2016〕23号"],
    ["中华人民共和国国务院、中央军事委员会令 第602号", "中华人民共和国国务院、中央军事委员会令 第602号"],
  ])("reads the document's own 发文字号 in %s", (line, printed) => {
    expect(docNumberIn(line)).toBe(printed);
  });

  it("takes no number cited in a history line's amendment as the document's own", () => {
    expect(
      docNumberIn("根据2011年1月8日国务院令第588号《国务院关于废止和修改部分行政法规的决定》修订"),
    ).toBeUndefined();
  });

  it("finds no 发文字号 in a body sentence that mentions one", () => {
    expect(
      docNumberIn("根据《四川省人民政府关于加强林业工作的通知》（川府发〔2017〕23号）精神，"),
    ).toBeUndefined();
  });

  it.each([
    ["四川省人民政府关于加强林业工作的通知", "通知"],
    ["四川省森林防火实施细则", "细则"],
    ["国务院关于机构设置的决定", "决定"],
    ["关于同意设立某某开发区的批复", "批复"],
    ["四川省人民政府令", "令"],
    ["某某县城市规划（试行）", "规划"],
  ])("reads the 文种 of %s as %s", (title, kind) => {
    expect(kindOfTitle(title)).toBe(kind);
  });

  it.each(["为加强林业工作，现就有关事项通知如下。", "一、关于林业工作的通知", "通知", "2017年5月3日"])(
    "does not take %s for a title",
    (line) => {
      expect(isTitleLine(line)).toBe(false);
    },
  );
});

describe("a 令 printed with its header over its number", () => {
  it("takes the header and the number together, over a shorter number a site printed above them", () => {
    // Prepare: a portal's metadata line, then the order as GB/T 9704 sets it.
    const text = [
      "省政府令第232号",
      "江西省人民政府令",
      "第232号",
      "江西省人民政府关于废止和修改部分省政府规章的决定",
      "为了更好地服务改革，省政府决定废止和修改部分规章。",
      "省长　易炼红",
      "2019年3月1日",
    ].join("\n");

    // Act
    const [segment] = segmentEdition(linesOf(text));

    // Assess
    expect(segment?.docNumberPrinted).toBe("江西省人民政府令第232号");
    expect(segment?.docNumber).toBe(normalizeArchiveDocNumber("江西省人民政府令第232号"));
  });
});

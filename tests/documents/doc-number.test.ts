import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkDocNumber,
  docNumberKey,
  docNumberMatches,
  docNumberQueryKey,
  docNumberSearchKeys,
  findDocNumbers,
  formatDocNumber,
  isFullerDocNumber,
  normalizeDocNumber,
  type ParsedDocNumber,
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
    ["川府發〔2024〕12號", "川府发〔2024〕12号"],
    ["國發〔1981〕88號", "国发〔1981〕88号"],
    ["国发〔2016〕第23号", "国发〔2016〕23号"],
    ["四川省人民政府令 第 0356 号", "四川省人民政府令第356号"],
    ["第０３５６号", "第356号"],
    ["第三百五十六号", "第356号"],
    ["（1985）财税字12号", "〔1985〕财税字第12号"],
    ["（85）财税字第12号", "〔1985〕财税字第12号"],
    ["（76）台財稅字第12345號", "〔1987〕台财税字第12345号"],
    ["院臺法字第 1090123456 號", "院台法字第1090123456号"],
    ["中国人民银行令〔2018〕第1号", "中国人民银行令2018年第1号"],
    ["（国发〔2016〕23号）", "国发〔2016〕23号"],
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

/** The structure without the printed details (printedYear), for comparing spellings. */
function shape(p: ParsedDocNumber | null) {
  if (!p) return null;
  const { printedYear: _p, ...rest } = p;
  return rest;
}

describe("parseDocNumber", () => {
  it.each([
    ["川府发〔2024〕12号", "川府发", 2024, 12],
    ["川办发〔2024〕20号", "川办发", 2024, 20],
    ["国办发〔2023〕5号", "国办发", 2023, 5],
    ["川发改环资〔2024〕101号", "川发改环资", 2024, 101],
    ["国办发明电〔2024〕3号", "国办发明电", 2024, 3],
    ["川府发 [2024] 012 号", "川府发", 2024, 12],
    ["川府函（２０２４）８８号", "川府函", 2024, 88],
    ["川府人【2024】15号", "川府人", 2024, 15],
    ["财税字〔2020〕102号", "财税字", 2020, 102],
    ["国发（1985）12号", "国发", 1985, 12],
    ["国发〔1985〕第12号", "国发", 1985, 12],
    ["國發〔1981〕88號", "国发", 1981, 88],
  ])("parses %s as bracketed (code, Gregorian year, serial)", (input, code, year, serial) => {
    expect(parseDocNumber(input)).toMatchObject({
      form: "bracketed",
      prefix: code,
      code,
      year,
      serial,
      issuers: [],
    });
  });

  it.each([
    ["（1985）财税字第12号", "财税字", 1985, "gregorian", 12],
    ["(1985)国经贸字第123号", "国经贸字", 1985, "gregorian", 123],
    ["（85）国经贸字第123号", "国经贸字", 1985, "gregorian", 123],
    ["（76）台財稅字第12345號", "台财税字", 1987, "roc", 12345],
    ["（76）財稅字第7547號", "财税字", 1987, "roc", 7547],
    ["（109）院台法字第12号", "院台法字", 2020, "roc", 12],
  ])("parses %s as year-first with its Gregorian year", (input, code, year, era, serial) => {
    expect(parseDocNumber(input)).toMatchObject({
      form: "year-first",
      prefix: code,
      codeAfterYear: code,
      year,
      era,
      serial,
    });
  });

  it("reads a two-digit year as ROC in a Traditional number and as 19NN in a Simplified one", () => {
    expect(parseDocNumber("（76）人字第12號")).toMatchObject({
      form: "year-first",
      printedYear: 76,
      year: 1987,
      era: "roc",
    });
    expect(parseDocNumber("（76）人字第12号")).toMatchObject({
      form: "year-first",
      printedYear: 76,
      year: 1976,
      era: "gregorian",
    });
  });

  it.each([
    ["院臺法字第1090123456號", "院台法字", 2020, 1090123456],
    ["華總一義字第10900012345號", "华总一义字", 2020, 10900012345],
    ["院臺經字第0980012345號", "院台经字", 2009, 980012345],
  ])("reads the ROC year at the start of Taiwan's long serial in %s", (input, code, year, serial) => {
    expect(parseDocNumber(input)).toMatchObject({ form: "serial", prefix: code, year, era: "roc", serial });
  });

  it("parses …字第N号 without a year", () => {
    expect(parseDocNumber("国函字第12号")).toMatchObject({ form: "serial", prefix: "国函字", serial: 12 });
    expect(parseDocNumber("国函字第12号")?.year).toBeUndefined();
  });

  it.each([
    ["四川省人民政府令第356号", ["四川省人民政府"], "四川省人民政府令", 356],
    ["四川省人民政府令 第３５６号", ["四川省人民政府"], "四川省人民政府令", 356],
    ["中华人民共和国国务院令第588号", ["中华人民共和国国务院"], "中华人民共和国国务院令", 588],
    ["中華人民共和國國務院令第588號", ["中华人民共和国国务院"], "中华人民共和国国务院令", 588],
    ["国令第707号", ["国"], "国令", 707],
    ["财政部令第12号", ["财政部"], "财政部令", 12],
    ["中华人民共和国主席令第三十一号", ["中华人民共和国主席"], "中华人民共和国主席令", 31],
    ["四川省人民政府公告第3号", ["四川省人民政府"], "四川省人民政府公告", 3],
    [
      "台州市第四届人民代表大会常务委员会公告第37号",
      ["台州市第四届人民代表大会常务委员会"],
      "台州市第四届人民代表大会常务委员会公告",
      37,
    ],
  ])("parses %s as an order of %j", (input, issuers, prefix, serial) => {
    expect(parseDocNumber(input)).toMatchObject({ form: "order", issuers, prefix, serial });
  });

  it.each([
    ["中华人民共和国国务院、中央军事委员会令第602号", ["中华人民共和国国务院", "中央军事委员会"]],
    [
      "中华人民共和国国务院 中华人民共和国中央军事委员会令 第602号",
      ["中华人民共和国国务院", "中华人民共和国中央军事委员会"],
    ],
    ["财政部、国家税务总局令第602号", ["财政部", "国家税务总局"]],
    ["财政部 国家税务总局令第602号", ["财政部", "国家税务总局"]],
    [
      "国家发展和改革委员会、财政部、住房和城乡建设部令第602号",
      ["国家发展和改革委员会", "财政部", "住房和城乡建设部"],
    ],
  ])("parses the joint order %s with every issuer", (input, issuers) => {
    expect(parseDocNumber(input)).toMatchObject({ form: "order", issuers, serial: 602 });
  });

  it("joins a header a stray space splits inside one name (四川省 人民政府令)", () => {
    expect(parseDocNumber("四川省 人民政府令第356号")?.issuers).toEqual(["四川省人民政府"]);
    expect(parseDocNumber("国务院 办公厅令第1号")?.issuers).toEqual(["国务院办公厅"]);
  });

  it.each([
    ["国家税务总局公告2018年第28号", "国家税务总局公告", 2018, 28],
    ["中国人民银行令〔2018〕第1号", "中国人民银行令", 2018, 1],
    ["中国人民银行令[2018]第1号", "中国人民银行令", 2018, 1],
  ])("parses the order %s with its year", (input, prefix, year, serial) => {
    expect(parseDocNumber(input)).toMatchObject({ form: "order", prefix, year, serial });
  });

  it("parses a bare 第356号 as an order number without its header", () => {
    expect(parseDocNumber("第356号")).toMatchObject({ form: "order", prefix: "", issuers: [], serial: 356 });
  });

  it.each([
    "",
    "川府发",
    "川府发〔2024〕号",
    "川府发〔2024〕12",
    "〔2024〕12号",
    "川府发〔1890〕12号",
    "川府发〔2024〕0号",
    "川府发〔2024〕1234567890123号",
    "川府发2024年12号",
    "第号",
    "四川省人民政府第356号",
    "关于做好防汛工作的通知",
    "2024年5月3日",
    "2024年12月12号",
    "第3号楼",
    "2024年第5期",
    "（2024）川01民初123号",
    "川府发〔2024〕12号？",
  ])("rejects %j", (input) => {
    expect(parseDocNumber(input)).toBeNull();
  });
});

describe("checkDocNumber", () => {
  it.each([
    ["川府发〔2024〕12", "does not end with 号"],
    ["川府发〔2024〕号", "no serial number before 号"],
    ["川府发〔1890〕12号", "year 1890 is outside 1900–2100"],
    ["川府发〔2024〕0号", "at least 1"],
    ["川府发〔2024〕1?2号", "does not have: ?"],
    ["〔2024〕12号", "no issuer code"],
    ["四川省人民政府第356号", "no …字, …令"],
  ])("says why %s is not a 发文字号", (input, reason) => {
    // Act
    const result = checkDocNumber(input);

    // Assess
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.reason).toContain(reason);
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
      "川府發〔2024〕12號",
    ];

    // Act
    const keys = new Set(spellings.map(docNumberKey));

    // Assess
    expect([...keys]).toEqual(["川府发〔2024〕12号"]);
  });

  it("gives one key to the full, short and abbreviated names of an order's issuer", () => {
    const keys = new Set(
      ["中华人民共和国国务院令第588号", "国务院令第588号", "国令第588号", "國務院令第五百八十八號"].map(
        docNumberKey,
      ),
    );
    expect([...keys]).toEqual(["国务院令第588号"]);
    expect(docNumberKey("四川省政府令第356号")).toBe(docNumberKey("四川省人民政府令第356号"));
  });

  it("gives different keys to different numbers", () => {
    expect(docNumberKey("川府发〔2024〕12号")).not.toBe(docNumberKey("川府发〔2024〕13号"));
    expect(docNumberKey("川府发〔2024〕12号")).not.toBe(docNumberKey("川府函〔2024〕12号"));
    expect(docNumberKey("川府发〔2024〕12号")).not.toBe(docNumberKey("川府发〔2023〕12号"));
    expect(docNumberKey("财政部令第12号")).not.toBe(docNumberKey("财政部、国家税务总局令第12号"));
    expect(docNumberKey("第356号")).not.toBe(docNumberKey("四川省人民政府令第356号"));
  });

  it("upper-cases Latin letters and keeps a key for unparseable text", () => {
    expect(docNumberKey("abc 〔2024〕1号")).toBe("ABC〔2024〕1号");
    expect(docNumberKey(" 无 文号 ")).toBe("无文号");
  });

  it("formats parsed numbers in the canonical spelling", () => {
    expect(formatDocNumber(parseDocNumber("川府发 [2024] 009号")!)).toBe("川府发〔2024〕9号");
    expect(formatDocNumber(parseDocNumber("四川省人民政府令 第0356號")!)).toBe("四川省人民政府令第356号");
  });
});

describe("isFullerDocNumber", () => {
  it("prefers the number a document prints in full to a site's abbreviation of it", () => {
    expect(isFullerDocNumber("中华人民共和国国务院令第707号", "国令第707号")).toBe(true);
    expect(isFullerDocNumber("江西省人民政府令第232号", "省政府令第232号")).toBe(true);
    expect(isFullerDocNumber("国令第707号", "中华人民共和国国务院令第707号")).toBe(false);
    expect(isFullerDocNumber("江西省人民政府令第233号", "省政府令第232号")).toBe(false);
    expect(isFullerDocNumber("四川省人民政府令第232号", "第232号")).toBe(false);
  });
});

describe("docNumberSearchKeys", () => {
  it("lets the short form 国务院令第N号 find 中华人民共和国国务院令第N号", () => {
    // Prepare
    const stored = "中华人民共和国国务院令第707号";

    // Act
    const found = [
      "国务院令第707号",
      "国令第707号",
      "国务院令 第 707 号",
      "中华人民共和国国务院令第0707号",
    ].map((q) => docNumberSearchKeys(stored).includes(docNumberQueryKey(q)!));

    // Assess
    expect(found).toEqual([true, true, true, true]);
    expect(docNumberMatches("国务院令第708号", stored)).toBe(false);
  });

  it("lets the first issuer's order find a joint order", () => {
    const stored = "中华人民共和国国务院、中央军事委员会令第602号";
    expect(docNumberMatches("国务院令第602号", stored)).toBe(true);
    expect(docNumberMatches("国务院、中央军事委员会令第602号", stored)).toBe(true);
    expect(docNumberMatches("中央军事委员会令第602号", stored)).toBe(false);
  });

  it("has no lookup key for a query that is not a number or too vague to be one", () => {
    expect(docNumberQueryKey("防汛工作")).toBeUndefined();
    expect(docNumberQueryKey("第356号")).toBeUndefined();
    expect(docNumberQueryKey("川府发[2024]12号")).toBe("川府发〔2024〕12号");
  });
});

describe("findDocNumbers", () => {
  it.each([
    ["川府发〔2024〕12号", "川府发〔2024〕12号", true],
    ["  川 府 发〔2024〕12号  签发人：张三", "川 府 发〔2024〕12号", true],
    ["发文字号：国发〔2016〕23号", "国发〔2016〕23号", true],
    ["（国发〔2016〕23号）", "国发〔2016〕23号", true],
    ["第356号", "第356号", true],
    ["根据《四川省人民政府关于加强林业工作的通知》（川府发〔2017〕23号）精神，", "川府发〔2017〕23号", false],
    ["1989年6月17日 中华人民共和国国务院令第37号发布", "中华人民共和国国务院令第37号", false],
    ["2011年1月8日中华人民共和国国务院令第588号公布", "中华人民共和国国务院令第588号", false],
    [
      "2016年8月9日 台州市第四届人民代表大会常务委员会公告第37号公布",
      "台州市第四届人民代表大会常务委员会公告第37号",
      false,
    ],
    ["国务院文件 国发〔2016〕23号", "国发〔2016〕23号", false],
    ["依照国务院令第588号的规定", "国务院令第588号", false],
    ["和平区人民政府令第5号", "和平区人民政府令第5号", true],
  ])("finds in %j the number %j (standalone: %s)", (text, printed, standalone) => {
    // Act
    const found = findDocNumbers(text);

    // Assess
    expect(found.map((m) => [m.printed, m.standalone])).toEqual([[printed, standalone]]);
    expect(text.slice(found[0]!.start, found[0]!.end)).toBe(printed);
  });

  it.each([
    [
      "中華民國一百零四年十二月十七日行政院院臺金字第 1040039090 號令修正發布全文 14 條",
      "院台金字第1040039090号",
    ],
    [
      "中華民國七十五年十一月二十一日總統（75）華總（一）義字第 6006號令修正公布",
      "〔1986〕华总（一）义字第6006号",
    ],
    ["1975 內政部（64）台內地字第 615377 號函訂頒", "〔1975〕台内地字第615377号"],
    ["國務院辦公廳國辦發〔2020〕1號", "国办发〔2020〕1号"],
    ["環署空字第0950055340D號", "环署空字第950055340D号"],
    ["赣府厅明电〔2020〕20号", "赣府厅明电〔2020〕20号"],
  ])("leaves the date and the organ before a code out of the number in %j", (text, normalized) => {
    expect(findDocNumbers(text).map((m) => m.normalized)).toEqual([normalized]);
  });

  it("finds every number of a line, in order, with its position", () => {
    // Prepare
    const text = "依照国务院令第588号和国发〔2016〕23号、國發〔2017〕5號的规定\n第3号";

    // Act
    const found = findDocNumbers(text);

    // Assess
    expect(found.map((m) => m.normalized)).toEqual([
      "国务院令第588号",
      "国发〔2016〕23号",
      "国发〔2017〕5号",
      "第3号",
    ]);
    for (const m of found) expect(text.slice(m.start, m.end)).toBe(m.printed);
  });

  it.each([
    "住在人民路第3号楼",
    "他在第3号楼",
    "2024年第5期",
    "2024年12月12号",
    "请于第二号窗口办理",
    "本条例自2024年第5号起",
  ])("takes no number from the prose %j", (text) => {
    expect(findDocNumbers(text)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests: every spelling people print or type parses to one structure and one key.

const OPEN_CLOSE: readonly (readonly [string, string])[] = [
  ["〔", "〕"],
  ["[", "]"],
  ["［", "］"],
  ["【", "】"],
  ["(", ")"],
  ["（", "）"],
  ["﹝", "﹞"],
  ["〖", "〗"],
];
const SPACES = [" ", "\u3000", "\u00A0", "  "];
/** Simplified → Traditional for the characters of real codes that have a Traditional form. */
const TRADITIONAL: Record<string, string> = {
  发: "發",
  国: "國",
  办: "辦",
  财: "財",
  税: "稅",
  经: "經",
  台: "臺",
  务: "務",
  华: "華",
  总: "總",
  义: "義",
  号: "號",
  银: "銀",
  农: "農",
  卫: "衛",
  环: "環",
  资: "資",
  关: "關",
};
const CODE_CHARS = [..."川府发国办函财税字经贸农卫环资规人教民政商粤京沪苏浙鲁豫鄂湘闽赣皖"];

// A 机关代字 never holds an organ's name: in running text the finder reads …政府 before a code as the
// issuing organ (四川省人民政府川府发〔2017〕23号 gives 川府发〔2017〕23号), so codes such as 川政府川川
// are not generated.
const code = fc
  .array(fc.constantFrom(...CODE_CHARS.filter((c) => c !== "字")), { minLength: 2, maxLength: 5 })
  .map((cs) => cs.join(""))
  .filter((c) => !c.includes("政府"));
const serial = fc.integer({ min: 1, max: 99_999 });
const year = fc.integer({ min: 1949, max: 2100 });
const issuer = fc.constantFrom(
  "中华人民共和国国务院",
  "国务院",
  "四川省人民政府",
  "成都市人民政府",
  "财政部",
  "国家税务总局",
  "中国人民银行",
  "交通运输部",
  "国家发展和改革委员会",
  "中央军事委员会",
);

interface Spelling {
  readonly brackets: readonly [string, string];
  readonly fullWidth: boolean;
  readonly zeros: number;
  readonly traditional: boolean;
  readonly spaces: readonly boolean[];
  readonly space: string;
}

const spelling: fc.Arbitrary<Spelling> = fc.record({
  brackets: fc.constantFrom(...OPEN_CLOSE),
  fullWidth: fc.boolean(),
  zeros: fc.integer({ min: 0, max: 3 }),
  traditional: fc.boolean(),
  spaces: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  space: fc.constantFrom(...SPACES),
});

function digits(n: number | string, s: Spelling): string {
  const text = String(n);
  return s.fullWidth ? text.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)) : text;
}

function script(text: string, s: Spelling): string {
  return s.traditional ? [...text].map((c) => TRADITIONAL[c] ?? c).join("") : text;
}

/** Joins the parts of a number with spaces where the spelling puts them. */
function spaced(parts: readonly string[], s: Spelling): string {
  return parts.map((p, i) => (i > 0 && s.spaces[i % s.spaces.length] ? s.space : "") + p).join("");
}

function bracketed(c: string, y: number, n: number, s: Spelling): string {
  const [open, close] = s.brackets;
  return script(
    spaced([c, open, digits(y, s), close, "0".repeat(s.zeros) + digits(n, s), "号"], s).replace(/0/g, (z) =>
      s.fullWidth ? "０" : z,
    ),
    s,
  );
}

describe("发文字号 spellings (property)", () => {
  it("every spelling of a bracketed number normalises to its canonical form and parses alike", () => {
    fc.assert(
      fc.property(code, year, serial, spelling, (c, y, n, s) => {
        // Prepare
        const canonical = `${c}〔${y}〕${n}号`;
        const printed = bracketed(c, y, n, s);

        // Act
        const parsed = parseDocNumber(printed);

        // Assess
        expect(normalizeDocNumber(printed)).toBe(canonical);
        expect(shape(parsed)).toEqual(shape(parseDocNumber(canonical)));
        expect(docNumberKey(printed)).toBe(docNumberKey(canonical));
        expect(findDocNumbers(`　${printed}　`).map((m) => m.normalized)).toEqual([canonical]);
      }),
    );
  });

  it("every spelling of a year-first or …字第N号 number parses to one structure", () => {
    fc.assert(
      fc.property(code, year, serial, spelling, fc.boolean(), (c, y, n, s, yearFirst) => {
        const [open, close] = s.brackets;
        const canonical = yearFirst ? `〔${y}〕${c}字第${n}号` : `${c}字第${n}号`;
        const parts = yearFirst
          ? [open, digits(y, s), close, c, "字", "第", "0".repeat(s.zeros) + digits(n, s), "号"]
          : [c, "字", "第", "0".repeat(s.zeros) + digits(n, s), "号"];
        const printed = script(spaced(parts, s), s);

        expect(normalizeDocNumber(printed)).toBe(canonical);
        expect(shape(parseDocNumber(printed))).toEqual(shape(parseDocNumber(canonical)));
        expect(docNumberKey(printed)).toBe(docNumberKey(canonical));
      }),
    );
  });

  it("every spelling of a Taiwan number gives the ROC year of its serial", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 114 }),
        fc.integer({ min: 0, max: 9_999_999 }),
        spelling,
        fc.constantFrom("院台法字", "院台经字", "台财税字", "华总一义字"),
        (roc, rest, s, c) => {
          const serialDigits = `${roc}${String(rest).padStart(7, "0")}`;
          const printed = script(spaced([c, "第", digits(serialDigits, s), "号"], s), {
            ...s,
            traditional: true,
          });

          const parsed = parseDocNumber(printed);

          expect(parsed).toMatchObject({ form: "serial", prefix: c, year: roc + 1911, era: "roc" });
          expect(normalizeDocNumber(printed)).toBe(`${c}第${Number(serialDigits)}号`);
        },
      ),
    );
  });

  it("every spelling of an order, joint ones included, parses to its issuers and one key", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(issuer, { minLength: 1, maxLength: 3 }),
        serial,
        spelling,
        fc.boolean(),
        (issuers, n, s, spaceJoined) => {
          // Prepare: joint issuers separated by 、 or by a space; spaces elsewhere only between words.
          const header = issuers.join(spaceJoined ? s.space : "、");
          const canonical = `${issuers.join("、")}令第${n}号`;
          const printed = script(
            spaced([header, "令", "第", "0".repeat(s.zeros) + digits(n, s), "号"], s).replace(/0/g, (z) =>
              s.fullWidth ? "０" : z,
            ),
            s,
          );

          // Act
          const parsed = parseDocNumber(printed);

          // Assess
          expect(parsed).toMatchObject({ form: "order", issuers, serial: n });
          expect(normalizeDocNumber(printed)).toBe(canonical);
          expect(docNumberKey(printed)).toBe(docNumberKey(canonical));
          expect(docNumberMatches(`${issuers[0]!.replace(/^中华人民共和国/, "")}令第${n}号`, printed)).toBe(
            true,
          );
        },
      ),
    );
  });

  it("normalising is idempotent and keeps the key, whatever the text", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.tuple(code, year, serial, spelling).map(([c, y, n, s]) => bracketed(c, y, n, s)),
          fc.tuple(issuer, serial).map(([i, n]) => `${i}令第${n}号`),
        ),
        (text) => {
          const once = normalizeDocNumber(text);
          expect(normalizeDocNumber(once)).toBe(once);
          if (parseDocNumber(text)) expect(docNumberKey(once)).toBe(docNumberKey(text));
        },
      ),
    );
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  datesInText,
  findDocumentDates,
  isValidIsoDate,
  parseChineseDate,
} from "../../src/documents/dates.js";

// ── Writing a date the ways documents print it (the test's own writer, independent of the parser) ──

const DIGIT = "〇一二三四五六七八九";

function daysIn(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** 1–299 as written in running Chinese: 三, 十二, 二十三, 一百一十三, 一百零五. */
function positional(n: number): string {
  const h = Math.floor(n / 100);
  const t = Math.floor((n % 100) / 10);
  const u = n % 10;
  let s = h ? `${DIGIT[h]}百` : "";
  if (t) s += h || t > 1 ? `${DIGIT[t]}十` : "十";
  else if (h && u) s += "零";
  if (u) s += DIGIT[u];
  return s;
}

const iso = (y: number, m: number, d: number) =>
  `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;

const fullWidth = (s: string) => s.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** A real calendar date in the years documents carry (ROC years need 1912 on). */
const calendarDate = fc
  .record({
    y: fc.integer({ min: 1912, max: 2199 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 31 }),
  })
  .map(({ y, m, d }) => ({ y, m, d: Math.min(d, daysIn(y, m)) }));

/** An impossible date: a day past the month's end (1998-02-30, 2023-02-29, 2024-04-31). */
const impossibleDate = fc
  .record({
    y: fc.integer({ min: 1912, max: 2199 }),
    m: fc.integer({ min: 1, max: 12 }),
    over: fc.integer({ min: 1, max: 3 }),
  })
  .map(({ y, m, over }) => ({ y, m, d: daysIn(y, m) + over }))
  .filter(({ d }) => d <= 32);

type Parts = { y: number; m: number; d: number };
type Writer = (
  p: Parts,
  o: {
    pad: boolean;
    space: string;
    zero: string;
    wide: boolean;
    roc: string;
    dayChar: string;
    twenty: boolean;
  },
) => string;

const two = (n: number, pad: boolean) => (pad ? String(n).padStart(2, "0") : String(n));

function chineseDay(d: number, twenty: boolean): string {
  if (twenty && d > 20 && d < 30) return `廿${DIGIT[d - 20]}`;
  if (twenty && d === 20) return "廿";
  if (twenty && d >= 30) return d === 30 ? "卅" : `卅${DIGIT[d - 30]}`;
  return positional(d);
}

const WRITERS: Record<string, Writer> = {
  arabic: ({ y, m, d }, o) => {
    const s = [String(y), "年", two(m, o.pad), "月", two(d, o.pad), o.dayChar].join(o.space);
    return o.wide ? fullWidth(s) : s;
  },
  chinese: ({ y, m, d }, o) =>
    [
      [...String(y)].map((c) => (c === "0" ? o.zero : DIGIT[Number(c)])).join(""),
      "年",
      positional(m),
      "月",
      chineseDay(d, o.twenty),
      "日",
    ].join(o.space),
  rocArabic: ({ y, m, d }, o) => {
    const s = [o.roc, String(y - 1911), "年", two(m, o.pad), "月", two(d, o.pad), "日"].join(o.space);
    return o.wide ? fullWidth(s) : s;
  },
  rocChinese: ({ y, m, d }, o) =>
    [o.roc, positional(y - 1911), "年", positional(m), "月", chineseDay(d, o.twenty), "日"].join(o.space),
  eightDigits: ({ y, m, d }, o) =>
    (o.wide ? fullWidth : (s: string) => s)(`${y}${two(m, true)}${two(d, true)}`),
  dashed: ({ y, m, d }, o) => `${y}-${two(m, o.pad)}-${two(d, o.pad)}`,
  dotted: ({ y, m, d }, o) => `${y}.${two(m, o.pad)}.${two(d, o.pad)}`,
  slashed: ({ y, m, d }, o) => `${y}/${two(m, o.pad)}/${two(d, o.pad)}`,
};

const options = fc.record({
  pad: fc.boolean(),
  space: fc.constantFrom("", " ", "\u3000"),
  zero: fc.constantFrom("〇", "○", "零"),
  wide: fc.boolean(),
  roc: fc.constantFrom("民國", "中華民國", "民国", "中华民国"),
  dayChar: fc.constantFrom("日", "号", "號"),
  twenty: fc.boolean(),
});
const form = fc.constantFrom(...Object.keys(WRITERS));

describe("a date written in any form reads back as its calendar date", () => {
  it("parseChineseDate round-trips every form to the ISO date", () => {
    fc.assert(
      fc.property(calendarDate, form, options, (p, f, o) => {
        // Act
        const parsed = parseChineseDate(WRITERS[f]!(p, o));

        // Assess
        expect(parsed).toBe(iso(p.y, p.m, p.d));
      }),
      { numRuns: 2000 },
    );
  });

  it("refuses impossible dates in every form", () => {
    fc.assert(
      fc.property(impossibleDate, form, options, (p, f, o) => {
        // Prepare
        const written = WRITERS[f]!(p, o);

        // Act / Assess
        expect(parseChineseDate(written)).toBeNull();
        expect(datesInText(`于${written}印发`)).toEqual([]);
        expect(isValidIsoDate(iso(p.y, p.m, p.d))).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it("finds a date inside running text where it stands", () => {
    fc.assert(
      fc.property(
        calendarDate,
        form,
        options,
        fc.constantFrom("，", "第", "于", "会议"),
        (p, f, o, before) => {
          // Prepare
          const written = WRITERS[f]!(p, o);
          const text = `此前${before}${written}起`;

          // Act
          const found = datesInText(text);

          // Assess
          expect(found.map((m) => m.date)).toEqual([iso(p.y, p.m, p.d)]);
          expect(text.slice(found[0]!.start, found[0]!.end)).toBe(written);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("a history line's date in any 年月日 form is the document's publication date", () => {
    const yearMonthDay = fc.constantFrom("arabic", "chinese", "rocArabic", "rocChinese");
    fc.assert(
      fc.property(calendarDate, yearMonthDay, options, (p, f, o) => {
        // Prepare
        const lines = [
          "某某管理办法",
          `（${WRITERS[f]!(p, o)}某某省人民政府令第12号发布）`,
          "第一条　为了规范管理，制定本办法。",
        ];

        // Act
        const { date } = findDocumentDates(lines);

        // Assess
        expect(date).toMatchObject({ kind: "published", date: iso(p.y, p.m, p.d) });
      }),
      { numRuns: 500 },
    );
  });
});

describe("parseChineseDate: the forms of real documents", () => {
  it.each([
    ["中華民國八十六年七月一日", "1997-07-01"],
    ["中华民国八十六年七月一日", "1997-07-01"],
    ["民國 86 年 7 月 1 日", "1997-07-01"],
    ["民國８６年７月１日", "1997-07-01"],
    ["一九八五年十二月廿日", "1985-12-20"],
    ["一九四九年十月一日", "1949-10-01"],
    ["19970701", "1997-07-01"],
    ["１９９７０７０１", "1997-07-01"],
    ["2024年5月3號", "2024-05-03"],
    ["一九五〇年元月五日", "1950-01-05"],
    ["2024 - 05 - 03", "2024-05-03"],
  ])("reads %s as %s", (input, expected) => {
    expect(parseChineseDate(input)).toBe(expected);
  });

  it.each([
    "1998-02-30",
    "19980230",
    "民國八十七年二月三十日",
    "一九九八年二月三十日",
    "20241301",
    "12345678",
    "2024050",
  ])("refuses %j", (input) => {
    expect(parseChineseDate(input)).toBeNull();
  });
});

/**
 * Dates as written in Chinese official documents, and the ISO YYYY-MM-DD form intake stores.
 *
 * GB/T 9704-2012 writes the 成文日期 in Arabic numerals (2024年5月3日); older documents and many
 * 令 use Chinese numerals (二〇二四年五月三日), and submitters type ○ (U+25CB WHITE CIRCLE), 零
 * or even the letter O for 〇.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

function isCalendarDate(y: number, m: number, d: number): boolean {
  return (
    Number.isInteger(y) &&
    Number.isInteger(m) &&
    Number.isInteger(d) &&
    y >= 1 &&
    y <= 9999 &&
    m >= 1 &&
    m <= 12 &&
    d >= 1 &&
    d <= daysInMonth(y, m)
  );
}

function toIso(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/**
 * Strict check for a calendar date written YYYY-MM-DD (proleptic Gregorian, years 0001–9999):
 * 2024-02-29 is valid, 2023-02-29 and 2024-2-3 are not.
 */
export function isValidIsoDate(s: string): boolean {
  const m = ISO.exec(s);
  return m !== null && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Chinese digit characters, including the usual stand-ins for 〇. */
const DIGITS: Readonly<Record<string, number>> = {
  〇: 0,
  "○": 0,
  "◯": 0,
  零: 0,
  O: 0,
  o: 0,
  Ｏ: 0,
  "０": 0,
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/**
 * A small number written in Arabic digits or in Chinese: positional (十二, 二十三, 廿三, 卅一,
 * 一百一十三) or, when `digitByDigit`, one Chinese digit per position (一一三, 二〇二四).
 * Returns NaN when it is neither.
 */
function parseNumber(s: string, digitByDigit: boolean): number {
  if (/^\d+$/.test(s)) return Number(s);
  if (!s) return Number.NaN;
  if (/[十百廿卅]/.test(s)) return parsePositional(s);
  if (!digitByDigit && [...s].length > 1) return Number.NaN;
  let n = 0;
  for (const c of s) {
    const d = DIGITS[c];
    if (d === undefined) return Number.NaN;
    n = n * 10 + d;
  }
  return n;
}

/** A serial number in Chinese (三百五十六, 二〇二四) or Arabic digits; NaN when it is neither. */
export function parseChineseNumber(s: string): number {
  return parseNumber(s, true);
}

/** 十二, 二十三, 廿三, 卅一, 一百一十三, 一百零三: units must decrease and digits alternate with units. */
function parsePositional(s: string): number {
  let total = 0;
  let pending: number | null = null;
  let lastUnit = Number.POSITIVE_INFINITY;
  let first = true;
  for (const c of s) {
    if (c === "廿" || c === "卅") {
      if (!first) return Number.NaN;
      total = c === "廿" ? 20 : 30;
      lastUnit = 10;
    } else if (c === "百" || c === "十") {
      const unit = c === "百" ? 100 : 10;
      if (unit >= lastUnit) return Number.NaN;
      total += (pending ?? 1) * unit;
      pending = null;
      lastUnit = unit;
    } else {
      const d = DIGITS[c];
      if (d === undefined || pending !== null) return Number.NaN;
      if (d !== 0) pending = d; // the 零 of 一百零三 only marks a gap
    }
    first = false;
  }
  return total + (pending ?? 0);
}

/** Digits of a year as written: Arabic, or one Chinese digit per position. */
const YEAR_CN = "[〇○◯零OoＯ０一二三四五六七八九]{4}";
const NUM = "[0-9]{1,2}|[〇○◯零一二三四五六七八九十廿卅]{1,3}";
const CHINESE_FORM = new RegExp(
  `^(?:(民国|中华民国)([0-9]{1,3}|[〇○◯零一二三四五六七八九十百]{1,5})|([0-9]{4}|${YEAR_CN}))年(${NUM})月(${NUM})[日号]$`,
);
const NUMERIC_FORM = /^(\d{4})([-./])(\d{1,2})\2(\d{1,2})$/;

/** Full-width digits and punctuation → ASCII; traditional 國/華 → 国/华; no whitespace. */
function clean(s: string): string {
  return s
    .replace(/[\uFF10-\uFF19\uFF0D\uFF0E\uFF0F]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/國/g, "国")
    .replace(/華/g, "华")
    .replace(/[\s\u200B\uFEFF]+/g, "");
}

/**
 * Parses a date as written in a Chinese document and returns it as YYYY-MM-DD, or null when the
 * text is not exactly one date or not a calendar date (2024年2月30日 → null).
 *
 * Accepted: 2024年5月3日, 2024年05月03日, 二〇二四年五月三日 (〇, ○, 零 or O for zero),
 * 二○二四年十二月三十一日, mixed forms (2024年五月三日), 3号 for 3日, 2024-05-03, 2024-5-3,
 * 2024.5.3, 2024/5/3, and Republic-of-China years 民國113年5月3日 / 民国一百一十三年… (year + 1911).
 * Whitespace anywhere and full-width digits are ignored.
 */
export function parseChineseDate(s: string): string | null {
  const t = clean(s);
  let y: number;
  let m: number;
  let d: number;
  const c = CHINESE_FORM.exec(t);
  if (c) {
    if (c[2] !== undefined) {
      const roc = parseNumber(c[2], true);
      if (!(roc >= 1)) return null;
      y = roc + 1911;
    } else {
      y = parseNumber(c[3]!, true);
    }
    m = parseNumber(c[4]!, false);
    d = parseNumber(c[5]!, false);
  } else {
    const n = NUMERIC_FORM.exec(t);
    if (!n) return null;
    y = Number(n[1]);
    m = Number(n[3]);
    d = Number(n[4]);
  }
  return isCalendarDate(y, m, d) ? toIso(y, m, d) : null;
}

/**
 * Formats YYYY-MM-DD the way GB/T 9704 writes a 成文日期: Arabic numerals, no leading zeros
 * (2024-05-03 → 2024年5月3日). Throws RangeError for anything that is not a valid ISO date.
 */
export function formatChineseDate(iso: string): string {
  const m = ISO.exec(iso);
  if (!m || !isValidIsoDate(iso)) throw new RangeError(`Not a YYYY-MM-DD calendar date: "${iso}"`);
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
}

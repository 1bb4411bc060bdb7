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
  `^(?:(民国|中华民国)([0-9]{1,3}|[〇○◯零一二三四五六七八九十百]{1,5})|([0-9]{4}|${YEAR_CN}))年(元|${NUM})月(${NUM})[日号號]$`,
);
const NUMERIC_FORM = /^(\d{4})([-./])(\d{1,2})\2(\d{1,2})$/;
/** Eight digits YYYYMMDD (19970701), as law databases store dates; years 1800–2199 only. */
const EIGHT_DIGITS = /^(1[89]\d{2}|2[01]\d{2})(\d{2})(\d{2})$/;

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
 * 二○二四年十二月三十一日, 一九八五年十二月廿日, mixed forms (2024年五月三日), 3号/3號 for 3日,
 * 元月 for 一月, 2024-05-03, 2024-5-3, 2024.5.3, 2024/5/3, eight digits 19970701, and
 * Republic-of-China years 民國113年5月3日 / 中華民國八十六年七月一日 / 民国一百一十三年… (year + 1911).
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
    m = c[4] === "元" ? 1 : parseNumber(c[4]!, false);
    d = parseNumber(c[5]!, false);
  } else {
    const n = NUMERIC_FORM.exec(t);
    const e = n ? null : EIGHT_DIGITS.exec(t);
    if (n) {
      y = Number(n[1]);
      m = Number(n[3]);
      d = Number(n[4]);
    } else if (e) {
      y = Number(e[1]);
      m = Number(e[2]);
      d = Number(e[3]);
    } else return null;
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

// ── Dates in running text ─────────────────────────────────────────────────────────────────────

const SP = "[\\s\\u3000]*";
const AR = "[0-9０-９]";
const CN_DIGIT = "〇○◯零Ｏ一二三四五六七八九";
const DATE_SOURCE = [
  // 2024年5月3日, 二〇二四年五月三日, 民國86年7月1日, 中華民國八十六年七月一日 (spaces anywhere)
  `(?:(?:中华民国|中華民國|民国|民國)${SP}(?:${AR}{1,3}|[${CN_DIGIT}十百]{1,5})|(?<!${AR})${AR}{4}|(?<![${CN_DIGIT}十])[${CN_DIGIT}]{4})`,
  `${SP}年${SP}(?:元|${AR}{1,2}|[${CN_DIGIT}十]{1,3})${SP}月${SP}(?:${AR}{1,2}|[${CN_DIGIT}十廿卅]{1,3})${SP}[日号號]`,
  // 2024-05-03, 2024.5.3, 2024/5/3 (ASCII or full-width separators)
  `|(?<!${AR})${AR}{4}${SP}[-./－．／]${SP}${AR}{1,2}${SP}[-./－．／]${SP}${AR}{1,2}(?!${AR})`,
  // 19970701
  `|(?<!${AR})(?:[1１][89８９]|[2２][01０１])${AR}{6}(?!${AR})`,
].join("");

/** A date found in a text: where it stands, as printed, and as YYYY-MM-DD. */
export interface DateMatch {
  readonly start: number;
  readonly end: number;
  readonly printed: string;
  readonly date: string;
}

/**
 * Every date written in `text`, in order: the forms parseChineseDate reads, found inside running
 * text. Spans that look like a date but are not a calendar date (1998年2月30日) are skipped.
 */
export function datesInText(text: string): DateMatch[] {
  const out: DateMatch[] = [];
  for (const m of text.matchAll(new RegExp(DATE_SOURCE, "gu"))) {
    // Eight digits before 號/号 are a serial (院台廳字第 21560901 號), not a date.
    if (/^\d{8}$/.test(m[0]) && /^[\s\u3000]*[號号]/u.test(text.slice(m.index + m[0].length))) continue;
    const date = parseChineseDate(m[0]);
    if (date) out.push({ start: m.index, end: m.index + m[0].length, printed: m[0], date });
  }
  return out;
}

// ── What a date means ─────────────────────────────────────────────────────────────────────────

/**
 * What a date in a document says about it: signed (成文日期), published (发布/公布/發布/印发),
 * amended (修正/修订, 修正發布), adopted (通过 by a congress or government meeting) or in force
 * (施行/生效).
 */
export type DateKind = "written" | "published" | "amended" | "adopted" | "effective";

export const DATE_KINDS: readonly DateKind[] = ["written", "published", "amended", "adopted", "effective"];

/** How each kind is labelled on public pages. */
export const DATE_KIND_LABELS: Readonly<Record<DateKind, string>> = {
  written: "成文日期",
  published: "发布日期",
  amended: "修正日期",
  adopted: "通过日期",
  effective: "施行日期",
};

/** A date a document gives about itself. */
export interface DatedEvent {
  readonly kind: DateKind;
  /** YYYY-MM-DD. */
  readonly date: string;
}

/** Labels of dated metadata fields on scraped pages and in law-database records. */
const LABEL_KINDS: readonly [RegExp, DateKind][] = [
  [/^(?:成文|发文|發文|签发|簽發|签署|簽署|落款)(?:日期|时间|時間|日)$/, "written"],
  [/^(?:最新)?(?:修正|修订|修訂|修改|增订|增訂)(?:发布|發布|公布|公佈)?(?:日期|时间|時間|日)$/, "amended"],
  [
    /^(?:发布|發布|公布|公佈|公发布|公發布|颁布|頒布|印发|印發|公告|发文发布)(?:日期|时间|時間|日)$/,
    "published",
  ],
  [/^(?:通过|通過|批准|审议通过|審議通過)(?:日期|时间|時間|日)$/, "adopted"],
  [/^(?:施行|实施|實施|生效|执行|執行)(?:日期|时间|時間|日)$/, "effective"],
  // Field names of law-database dumps.
  [/^(?:date_?)?(?:written|signed|signing)(?:_?date)?$/i, "written"],
  [/^(?:law_?)?(?:modified|amended|amendment|revised|revision)(?:_?date)?$/i, "amended"],
  [
    /^(?:law_?)?(?:publish|published|publication|promulgated|promulgation|issued|issue|release|released)(?:_?date)?$/i,
    "published",
  ],
  [/^(?:law_?)?(?:adopted|adoption|passed)(?:_?date)?$/i, "adopted"],
  [/^(?:law_?)?(?:effective|in_?force|implementation|commencement)(?:_?date)?$/i, "effective"],
];

/**
 * The kind of date a metadata label names: 成文日期 → written, 发布日期/發布日期/公布日期/印发日期 →
 * published, 修正日期/修订日期/修正發布日期 → amended, 通过日期 → adopted, 施行日期/生效日期 →
 * effective; also the field names of law-database records (LawModifiedDate → amended). A bare
 * 日期/时间 says nothing about the date's meaning: undefined.
 */
export function dateKindOfLabel(label: string): DateKind | undefined {
  const t = label
    .replace(/[\s\u3000*_【】[\]「」『』《》<>:：|]+/g, (c) => (c.includes("_") ? "_" : ""))
    .replace(/^_+|_+$/g, "");
  for (const [re, kind] of LABEL_KINDS) if (re.test(t)) return kind;
  return undefined;
}

/**
 * A labelled date field (发布日期：2016年04月13日, 發布日期: 民國 86 年 07 月 01 日, 修正日期 19970701,
 * "LawModifiedDate": "20190605"): its kind and the date, or null when the label names no kind of
 * date or the value does not begin with a real calendar date. A time after the date
 * (2016-04-13 17:48, 1997-07-01T00:00:00) is ignored.
 */
export function parseLabelledDate(label: string, value: string): DatedEvent | null {
  const kind = dateKindOfLabel(label);
  if (!kind) return null;
  const date = leadingDate(value);
  return date ? { kind, date } : null;
}

/** The date a field value begins with (after spaces and brackets), or null. */
export function leadingDate(value: string): string | null {
  const first = datesInText(value)[0];
  if (!first) return null;
  return /^[\s\u3000[［【(（"'“]*$/.test(value.slice(0, first.start)) ? first.date : null;
}

/** A date a document gives about itself, with where it was found. */
export interface FoundDate extends DatedEvent {
  /** The date as printed. */
  readonly printed: string;
  /** 0-based index of the line it was found on. */
  readonly line: number;
  /**
   * How it was found: the date line under the signature, a labelled field (发布日期：), a
   * history line (…令第N号发布, …会议通过), or a sentence of the text about itself (本办法自…起施行).
   */
  readonly source: SourcedDate["source"];
}

export interface DocumentDates {
  /** The date the document is dated by (see findDocumentDates), if it gives any. */
  readonly date?: FoundDate | undefined;
  /** Every date it gives about itself, in order of appearance, one per kind and date. */
  readonly dates: readonly FoundDate[];
}

/** Years a document date may have: old gazettes go back to the 19th century. */
const MIN_YEAR = 1800;
const MAX_YEAR = 2200;

const LABEL_WORDS =
  "(?:最新)?(?:成文|发文|發文|签发|簽發|签署|簽署|落款|修正|修订|修訂|修改|增订|增訂|发布|發布|公布|公佈|公发布|公發布|颁布|頒布|印发|印發|通过|通過|批准|施行|实施|實施|生效)(?:发布|發布|公布|公佈)?(?:日期|时间|時間|日)";
/** 发布日期：…, 【成文日期】…, | 修正日期 | …, **發布日期**: … */
const LABEL = new RegExp(
  `(${LABEL_WORDS})[\\s\\u3000*】\\]」』]*(?:[：:|]|[\\s\\u3000]+)[\\s\\u3000*|]*`,
  "gu",
);

/** A clause's verb, strongest meaning first: 修正公布 is an amendment, 通过…公布 an adoption. */
const VERBS: readonly [RegExp, DateKind][] = [
  [/修正|修订|修訂|修改|增订|增訂/, "amended"],
  [/通过|通過|批准/, "adopted"],
  [/发布|發布|公布|公佈|颁布|頒布|印发|印發/, "published"],
  [/施行|实施|實施|生效/, "effective"],
];

/** 自2024年1月1日起施行 / 並自中華民國…施行: the date the text is in force. */
const IN_FORCE_AFTER = /^[\s\u3000]*起?[\s\u3000]*(?:施行|实施|實施|生效|执行|執行)/;

function strip(line: string): string {
  return line
    .replace(/^[\s\u3000>#*\-•·]+|[\s\u3000*]+$/g, "")
    .replace(/\*\*/g, "")
    .trim();
}

function plausible(date: string): boolean {
  const y = Number(date.slice(0, 4));
  return y >= MIN_YEAR && y <= MAX_YEAR;
}

/** Titles cited in a clause (《…》, nested 〈…〉) say nothing about this document's event. */
function withoutCitedTitles(s: string): string {
  let t = s;
  for (let i = 0; i < 3; i++) t = t.replace(/《[^《》]*》|〈[^〈〉]*〉/g, "《》");
  return t;
}

/** The meaning of one clause of a history line (text after a date up to the next date). */
function clauseKind(clause: string): DateKind | undefined {
  const c = withoutCitedTitles(clause)
    .replace(
      /[\s\u3000，,；;、。）)\]】]*(?:根据|根據|经|經|并|並|自|于|於|及|和|又)?[\s\u3000，,；;、（([【]*$/u,
      "",
    )
    // …发布，自发布之日起施行 / …公布；並自公布日施行: the entry into force that follows on the same day.
    .replace(/[，,；;][\s\u3000]*(?:并|並)?[\s\u3000]*自[^，,。；;]{0,20}(?:施行|实施|實施|生效)$/u, "")
    .trim();
  if (!c || [...c].length > 80 || /[。，,？！]/.test(c)) return undefined;
  for (const [re, kind] of VERBS) {
    const m = re.exec(c);
    // The verb ends the clause, or is followed by what it covers (全文 20 條, 第3、5條條文, 施行,
    // 自发布之日施行).
    if (
      m &&
      /^(?:[\s\u3000]*|[\s\u3000，,；;]*(?:全文|第|并|並|自|同时|同時|施行|实施|實施|公布|發布|发布|公佈).*)$/u.test(
        c.slice(m.index + m[0].length),
      )
    )
      return kind;
  }
  return undefined;
}

/**
 * A history line under a title: every date on it starts a clause that ends in what happened
 * (2005年4月8日中华人民共和国国务院令第431号发布　根据2011年1月8日《…决定》修订; 2009年8月27日
 * 第十一届全国人民代表大会常务委员会第十次会议通过; 中華民國八十六年七月一日總統…令修正公布;
 * 自2005年5月1日起施行). Anything else on the line (a sentence that cites a date) makes it no
 * history line.
 */
interface HistoryEvent {
  readonly kind: DateKind;
  readonly match: DateMatch;
}

function historyEvents(line: string): HistoryEvent[] | undefined {
  const t = line
    .replace(/^[（(【[]+|[）)】\]。]+$/g, "")
    .replace(/^\d{1,3}[.、．]\s*/, "")
    .trim();
  const found = datesInText(t);
  if (found.length === 0) return undefined;
  if (!/^(?:根据|根據|经|經|自|于|於|并|並)?[\s\u3000]*$/.test(t.slice(0, found[0]!.start))) return undefined;
  const events: HistoryEvent[] = [];
  for (const [i, match] of found.entries()) {
    const clause = t.slice(match.end, found[i + 1]?.start ?? t.length);
    const before = t.slice(i > 0 ? found[i - 1]!.end : 0, match.start);
    const kind = /[自]\s*$/.test(before) && IN_FORCE_AFTER.test(clause) ? "effective" : clauseKind(clause);
    if (!kind) return undefined;
    events.push({ kind, match });
  }
  return events;
}

/** The clause before 自: 本办法, 第五十六条 本条例, 并, or nothing. */
const SELF_CLAUSE =
  /^[\s\u3000]*(?:第[\s\u3000\d一二三四五六七八九十百千〇零]+[条條][\s\u3000]*)?(?:(?:本|此)[\p{Script=Han}]{0,8}|并|並)?[\s\u3000]*$/u;

/** A sentence about this text: 本办法由…负责解释, 第三十条　本规定… */
const SELF_SENTENCE = /^[\s\u3000]*(?:第[\s\u3000\d一二三四五六七八九十百千〇零]+[条條][\s\u3000]*)?[本此]/u;

/** 现予公布，自2024年7月1日起施行 / 本办法自2024年1月1日起施行: the text's own date of force. */
function inForceSentence(line: string): DateMatch[] {
  const out: DateMatch[] = [];
  for (const match of datesInText(line)) {
    const before = line.slice(0, match.start);
    if (!/自[\s\u3000]*$/.test(before) || !IN_FORCE_AFTER.test(line.slice(match.end))) continue;
    const sentence = before.slice(Math.max(before.lastIndexOf("。"), before.lastIndexOf("；")) + 1);
    const clause = sentence.slice(sentence.lastIndexOf("，") + 1).replace(/自[\s\u3000]*$/, "");
    // The clause names this text (本办法, 本规定…), or follows 现予公布 or a sentence about this
    // text (本办法由…负责解释，自…起施行); not another one (省政府印发了《…》，自…起施行).
    const self = /[本此]/.test(clause)
      ? SELF_CLAUSE.test(clause)
      : /^[\s\u3000]*$/.test(clause) &&
        (/(?:现予|予以|现)(?:公布|发布|發布|印发|公佈)/.test(sentence) || SELF_SENTENCE.test(sentence));
    if (self) out.push(match);
  }
  return out;
}

/** 《…》已经2024年4月28日省人民政府第50次常务会议审议通过，现予公布: the 令's own adoption. */
function adoptedSentence(line: string): DateMatch[] {
  const out: DateMatch[] = [];
  for (const match of datesInText(line)) {
    const before = line.slice(Math.max(0, match.start - 3), match.start);
    const after = line.slice(match.end);
    if (
      /(?:已经|已經|业经|業經)[\s\u3000]*$/.test(before) &&
      /^[^，。；]{0,50}?(?:通过|通過)，?现予(?:公布|发布|印发)/.test(after)
    )
      out.push(match);
  }
  return out;
}

/** A signing organ or signatory before a date on the same line (四川省人民政府　2024年5月3日). */
const SIGNER =
  /^[\p{Script=Han}（）()、\s\u3000]{2,40}?(?:人民政府|政府|人民代表大会常务委员会|常务委员会|委员会|办公厅|辦公廳|办公室|辦公室|厅|廳|局|部|院|署|会|會|处|處|中心|省长|省長|市长|市長|县长|縣長|主席|总统|總統)[\s\u3000]+$/u;

/**
 * The dates a document gives about itself, each with its meaning, and the one it is dated by.
 *
 * Found: the 成文日期 (a date alone on a line, or after the signing organ on its line, below
 * the text; a date alone in brackets — under a title without signature); labelled fields
 * (成文日期：, 发布日期：, 發布日期：, 修正日期：, 施行日期：…); history lines (…令第N号发布, …会议通过,
 * 根据…修订, 自…起施行); 版记 (××办公厅 2024年5月6日印发); the text's own 施行 and 通过 sentences
 * (本办法自…起施行; 已经…审议通过，现予公布); and a page's publication line (2016-04-13 17:48
 * 来源：…). Dates the text merely cites (根据2019年…的通知, 2020年全省…) are not the document's.
 *
 * The date it is dated by: the 成文日期 under the signature; else the latest publication date
 * (published, or amended for a 修正/修订 date); else the adoption (通过); else entry into force.
 */
export function findDocumentDates(lines: readonly string[]): DocumentDates {
  const found: FoundDate[] = [];
  const add = (kind: DateKind, match: DateMatch, line: number, source: FoundDate["source"]) => {
    if (plausible(match.date))
      found.push({ kind, date: match.date, printed: match.printed.trim(), line, source });
  };
  const texts = lines.map(strip);
  /** The next non-empty line after `i`, if any. */
  const next = (i: number) => {
    for (let j = i + 1; j < texts.length; j++) if (texts[j]) return j;
    return undefined;
  };
  const previous = (i: number) => {
    for (let j = i - 1; j >= 0; j--) if (texts[j]) return j;
    return undefined;
  };
  let bodySeen = false;
  let skip = -1;
  for (const [i, line] of texts.entries()) {
    if (!line || i <= skip) continue;
    const labels = [...line.matchAll(LABEL)];
    if (labels.length) {
      for (const label of labels) {
        const kind = dateKindOfLabel(label[1]!);
        const rest = line.slice(label.index + label[0].length);
        // The value is on the label's line, or alone on the next (a table's label cell, then its value).
        const valueLine = rest.trim() ? i : labels.length === 1 ? next(i) : undefined;
        const value = valueLine === i ? rest : valueLine !== undefined ? texts[valueLine]! : "";
        const first = datesInText(value)[0];
        if (kind && first && /^[\s\u3000]*$/.test(value.slice(0, first.start))) {
          add(kind, first, valueLine!, "label");
          if (valueLine !== i) skip = valueLine!;
        }
      }
      continue;
    }
    const all = datesInText(line);
    if (all.length === 0) {
      if (/[。；！？]/.test(line)) bodySeen = true;
      continue;
    }
    const only = all.length === 1 ? all[0]! : undefined;
    const bare = line.replace(/[\s\u3000]+/g, "");
    const inBrackets = /^[（(].*[）)]$/.test(bare);
    // A date alone on its line; a short note may follow it (中華民國95年2月14日（補登）).
    const unnoted = bare.replace(/(日|號|号)[（(][^（()）]{1,6}[）)]$/u, "$1");
    const alone = inBrackets ? unnoted.replace(/^[（(]|[）)]$/g, "") : unnoted;
    if (only && /年/.test(only.printed) && only.printed.replace(/[\s\u3000]+/g, "") === alone) {
      const before = previous(i);
      const after = next(i);
      if (bodySeen || inBrackets) {
        // The 成文日期 below the text, or in brackets under a title.
        add("written", only, i, inBrackets && !bodySeen ? "heading" : "signature");
        continue;
      }
      if ([before, after].some((j) => j !== undefined && isNumberLine(texts[j]!))) {
        // Printed next to the 发文字号 in the document's head (Taiwan: 中華民國95年3月8日 / 院臺財字第…號).
        add("written", only, i, "signature");
        continue;
      }
    }
    if (
      only &&
      !bodySeen &&
      /年/.test(only.printed) &&
      /^[\p{Script=Han}\s\u3000]{2,24}$/u.test(line.slice(0, only.start)) &&
      /^[\s\u3000]*$/.test(line.slice(only.end)) &&
      [previous(i), next(i)].some((j) => j !== undefined && isNumberLine(texts[j]!))
    ) {
      // The head on one line, then the 发文字号: 行政院令　中華民國95年3月8日 / 院臺財字第…號.
      add("written", only, i, "signature");
      continue;
    }
    if (only && bodySeen && /年/.test(only.printed) && SIGNER.test(line.slice(0, only.start))) {
      // 四川省人民政府　2024年5月3日 (signature and date on one line), or the 版记's 印发 date.
      const tail = line.slice(only.end).replace(/[\s\u3000]+/g, "");
      if (tail === "") {
        add("written", only, i, "signature");
        continue;
      }
      if (/^(?:印发|印發|发布|發布)$/.test(tail)) {
        add("published", only, i, "label");
        continue;
      }
    }
    const own = historyEvents(line);
    const history = own ? { events: own, through: i } : continuedHistory(i);
    if (history) {
      for (const e of history.events) add(e.kind, e.match, i, "history");
      skip = history.through;
      continue;
    }
    const first = all[0]!;
    if (
      /^(?:发布时间|發布時間)?[\s\u3000]*$/.test(line.slice(0, first.start)) &&
      /^[\s\u3000]*(?:\d{1,2}:\d{2}(?::\d{2})?)?[\s\u3000]*(?:来源|來源|作者|字号|字號|【字体|浏览|瀏覽|访问|點擊|点击)/.test(
        line.slice(first.end),
      )
    ) {
      // A scraped page's own publication line: 2016-04-13 17:48 来源：中国政府网.
      add("published", first, i, "label");
      continue;
    }
    for (const match of adoptedSentence(line)) add("adopted", match, i, "text");
    for (const match of inForceSentence(line)) add("effective", match, i, "text");
    if (/[。；！？]/.test(line)) bodySeen = true;
  }

  /**
   * A history clause broken over lines by a crawler or a narrow column: 1984年4月4日 国务院 /
   * 中央军委发布; 中華民國 58 年 12 月 5 日 / 修正全文12條. Up to two short lines without a date or a
   * sentence end are joined to the dated line.
   */
  function continuedHistory(i: number): { events: HistoryEvent[]; through: number } | undefined {
    let joined = texts[i]!;
    let j: number | undefined = i;
    for (let n = 0; n < 2; n++) {
      j = next(j);
      if (j === undefined) return undefined;
      const more = texts[j]!;
      if ([...more].length > 40 || /[。！？：:]/.test(more) || datesInText(more).length || isNumberLine(more))
        return undefined;
      joined += more;
      const events = historyEvents(joined);
      if (events) return { events, through: j };
    }
    return undefined;
  }

  // One per kind and date, where it first appears, from the strongest place it was found.
  const rank = (f: FoundDate) => SOURCE_RANK.indexOf(f.source);
  const dates = found
    .filter((f, n) => found.findIndex((g) => g.kind === f.kind && g.date === f.date) === n)
    .map((f) =>
      found
        .filter((g) => g.kind === f.kind && g.date === f.date)
        .reduce((a, b) => (rank(b) < rank(a) ? b : a)),
    );
  return { date: chooseDocumentDate(found), dates };
}

/** A 发文字号 alone on a line: 院臺財字第0950009842號, 国发〔2016〕23号, 国务院令第709号. */
function isNumberLine(line: string): boolean {
  const t = line.replace(/[\s\u3000]+/g, "");
  return (
    [...t].length <= 40 &&
    !/[。，；：:]/.test(t) &&
    /(?:字第|令第|第|[〔[［【(（][0-9０-９]{2,4}[〕\]］】)）])[0-9０-９A-Za-z一二三四五六七八九十百〇零]{1,12}[號号]$/.test(
      t,
    )
  );
}

/** A date with where it came from, as findDocumentDates and the ingest formats' stated fields give it. */
export interface SourcedDate extends DatedEvent {
  /**
   * signature: under the signature (or beside the 发文字号 in the head); heading: in brackets under
   * the title; history: a history line of the text; text: the text's own sentence; label: a
   * labelled field or a record's field (a site's metadata).
   */
  readonly source: "signature" | "heading" | "label" | "history" | "text";
}

const SOURCE_RANK: readonly SourcedDate["source"][] = ["signature", "heading", "history", "text", "label"];

/**
 * The date a document is dated by (README of eval/): the 成文日期 under the signature (the last
 * one), else one printed in brackets under the title; else, when the text has a history line, the
 * latest of its 发布/公布 and 修正 dates and any stated amendment date (修正日期, 最新異動日期); else a
 * labelled 成文日期; else the latest publication date however found (published, or amended for a
 * 修正/修订 date); else the latest adoption (通过); else the latest entry into force (施行). What the
 * document prints outranks a site's metadata table, whose 成文日期 and 发布日期 are often the day
 * a page was put up; a stated amendment date is the law's own.
 */
export function chooseDocumentDate<T extends SourcedDate>(given: readonly T[]): T | undefined {
  // A stated 发布/修正 date (最新異動日期, publish_date) on a day the text itself dates: the text
  // says what happened that day (公布, 通过).
  const publication = (d: T) => d.kind === "published" || d.kind === "amended";
  const dates = given.filter(
    (d) =>
      !(
        d.source === "label" &&
        publication(d) &&
        given.some(
          (t) => t.source !== "label" && t.date === d.date && t.kind !== "written" && t.kind !== "effective",
        )
      ),
  );
  const written = (source: SourcedDate["source"]) =>
    dates.filter((d) => d.kind === "written" && d.source === source);
  return (
    written("signature").at(-1) ??
    written("heading").at(-1) ??
    (dates.some((d) => publication(d) && d.source === "history")
      ? latest(dates.filter((d) => publication(d) && (d.source === "history" || d.kind === "amended")))
      : undefined) ??
    written("label")[0] ??
    latest(dates.filter(publication)) ??
    latest(dates.filter((d) => d.kind === "adopted")) ??
    latest(dates.filter((d) => d.kind === "effective"))
  );
}

/** The latest; on the same day an amendment (修正公布) over a plain publication. */
function latest<T extends DatedEvent>(dates: readonly T[]): T | undefined {
  return dates.reduce<T | undefined>((best, d) => {
    if (!best || d.date > best.date) return d;
    if (d.date === best.date && d.kind === "amended" && best.kind !== "amended") return d;
    return best;
  }, undefined);
}

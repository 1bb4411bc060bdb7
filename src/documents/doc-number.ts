import { parseChineseNumber } from "./dates.js";
import { lazyCharConverter } from "./han-variants.js";

/**
 * 发文字号 (document numbers): the one grammar that intake, the archive and search share.
 *
 * Forms (every one also with spaces anywhere, full-width digits and letters, leading zeros in the
 * serial, 號 for 号 and Traditional characters such as 發/國/臺 in the code):
 * - `bracketed`: 机关代字 + year in brackets + serial + 号, GB/T 9704's 川府发〔2024〕12号. Any
 *   bracket pair around the year ([ ] ［ ］ 【 】 ( ) （ ） ﹝ ﹞ 〖 〗 〔 〕), a code ending in 字
 *   (财税字〔2020〕102号), a 第 before the serial (国发〔1985〕第12号), and the year inside the
 *   code (台（87）内字第12号).
 * - `year-first`: the year in brackets before the code, as older numbers print it:
 *   （1985）财税字第12号, （85）国经贸字第123号, Taiwan's （76）台财税字第12345號.
 * - `serial`: …字第N号 with no year in brackets: 国函字第12号, Taiwan's 院臺法字第1090123456號
 *   (a serial of nine or more digits starts with the ROC year: 109 → 2020).
 * - `order`: the number of a 令 (or of a numbered 公告/通告), with its issuing body or bodies:
 *   四川省人民政府令第356号, 中华人民共和国国务院令第588号, 财政部令第12号, joint orders
 *   中华人民共和国国务院、中央军事委员会令第602号 (also separated by spaces), a year
 *   (国家税务总局公告2018年第28号, 中国人民银行令〔2018〕第1号), Chinese serials (第三百五十六号),
 *   and a bare 第356号 (a 令's number printed under its header).
 *
 * Years: four digits are Gregorian (1900–2100). Two or three digits in brackets are an ROC year
 * (民国 N = N + 1911) when the number is in Traditional script, names 台/臺 in its code or has three
 * digits; a two-digit year in a Simplified number is 19NN (20NN below 50); otherwise the year stays
 * unknown but the number is still accepted.
 *
 * What is not a number: text that lacks the serial + 号 ending, has neither a bracketed year nor a
 * …字 / …令 / …公告 / …通告 code before 第N号, has a year outside 1900–2100 or a serial of 0.
 * In running text ({@link findDocNumbers}), a bare 第N号 or N年第N号 counts only on a line of its
 * own: "第3号楼" and "2024年第5期" are never numbers.
 */

export type DocNumberForm = "bracketed" | "year-first" | "serial" | "order";

export interface ParsedDocNumber {
  readonly form: DocNumberForm;
  /**
   * The whole code in canonical spelling (Simplified, ASCII letters as printed): 川府发, 财税字,
   * 院台法字, the order header 四川省人民政府令 / 国家税务总局公告; "" for a bare 第356号.
   */
  readonly prefix: string;
  /** Part of the code printed before the year (川府发; "" for year-first numbers). */
  readonly code: string;
  /** Part of the code printed after the year (（1985）财税字第12号 → 财税字), else "". */
  readonly codeAfterYear: string;
  /** Orders: the issuing bodies named in the header, in printed order (joint orders: several). */
  readonly issuers: readonly string[];
  /** The Gregorian year, when the number gives one (ROC years converted). */
  readonly year?: number;
  /** The year as printed in the brackets (85 for （85）), when the number has a bracketed year. */
  readonly printedYear?: number;
  /** How the year counts: "gregorian" or "roc"; absent when the number has no year or it is unknown. */
  readonly era?: "gregorian" | "roc";
  readonly serial: number;
  /** A letter some Taiwan serials end with (環署空字第0950055340D號 → "D"). */
  readonly serialSuffix?: string;
}

export type DocNumberCheck =
  | { readonly ok: true; readonly parsed: ParsedDocNumber }
  | { readonly ok: false; readonly reason: string };

const MIN_YEAR = 1900;
const MAX_YEAR = 2100;
const MAX_SERIAL_DIGITS = 12;
/** Longest text taken for a number; joint orders of several ministries run to about 60 characters. */
const MAX_CHARS = 120;

const OPEN = "[\\[［【(（〔﹝〖]";
const CLOSE = "[\\]］】)）〕﹞〗]";
const OPEN_RE = new RegExp(OPEN, "g");
const CLOSE_RE = new RegExp(CLOSE, "g");
/** Spaces of every kind (\s covers U+3000 and NBSP) and zero-width characters. */
const SPACE = "[\\s\\u200B-\\u200D\\u2060\\uFEFF]";
const SPACES = new RegExp(`${SPACE}+`, "gu");
const CHINESE_DIGITS = "〇零一二三四五六七八九十百千";
const ORDER_WORD = "令|公告|通告";

// ---------------------------------------------------------------------------------------------
// Characters

// Marked pure so a bundle that imports this module without parsing numbers (the publisher reads
// records.ts) leaves opencc's dictionaries out.
const toSimplified = [/* @__PURE__ */ lazyCharConverter("tw→cn"), /* @__PURE__ */ lazyCharConverter("hk→cn")];
const toTraditional = /* @__PURE__ */ lazyCharConverter("cn→tw");
const simplifiedChar = new Map<string, string>();

/** Full-width ASCII letters and digits → ASCII; Traditional → Simplified; one character each. */
function foldChar(c: string): string {
  const cached = simplifiedChar.get(c);
  if (cached !== undefined) return cached;
  let f = c;
  const code = c.charCodeAt(0);
  if (
    (code >= 0xff10 && code <= 0xff19) ||
    (code >= 0xff21 && code <= 0xff3a) ||
    (code >= 0xff41 && code <= 0xff5a)
  ) {
    f = String.fromCharCode(code - 0xfee0);
  } else if (/\p{Script=Han}/u.test(c)) {
    for (const convert of toSimplified) {
      const s = convert(f);
      if (s.length === f.length) f = s;
    }
  }
  simplifiedChar.set(c, f);
  return f;
}

/** The text with every character folded; the same length, position for position. */
function fold(text: string): string {
  let out = "";
  for (const c of text) out += foldChar(c);
  return out;
}

/** Whether the text has a character that only Traditional script writes (號, 發, 臺, 國). */
function hasTraditional(raw: string): boolean {
  for (const c of raw) if (/\p{Script=Han}/u.test(c) && foldChar(c) !== c) return true;
  return false;
}

/** Whether the text has a character that only Simplified script writes (号, 发, 国); 台 is both. */
function hasSimplified(raw: string): boolean {
  for (const c of raw) {
    if (c === "台" || !/\p{Script=Han}/u.test(c)) continue;
    if (toTraditional(c) !== c) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** Ends of organisation names, for telling joint issuers apart when only a space separates them. */
/**
 * Ends of an organ's name printed before its code in running text (行政院院臺金字, 内政部（64）台内地字,
 * 苗栗區農業改良場農苗改環字, 臺北區監理所北監字); a code's own characters (赣府厅明电, 川府办发, 京市场监管发)
 * do not end one.
 */
const ORGAN = /(?:人民政府|政府|办公厅|办公室|委员会|院|部|局|署|总统|主席|银行|..(?<!市)场|..所|..馆)$/u;
/** Organs with two-character names that print them before a code (總統華總一義字). */
const SHORT_ORGANS = /^(?:总统|主席)$/u;
const ORG_END = /(?:院|部|委|会|局|署|行|厅|办|室|府|席|统|中心|公司|集团)$/u;

/**
 * Whitespace inside an order header separates joint issuers when the text on both sides names an
 * organisation (中华人民共和国国务院 中央军事委员会令); elsewhere it is a stray space (四川省 人民政府令).
 */
function markJointIssuers(text: string): string {
  if (!new RegExp(ORDER_WORD).test(text)) return text;
  const pieces = text.trim().split(SPACES);
  let out = pieces[0] ?? "";
  for (let i = 1; i < pieces.length; i++) {
    const right = pieces[i]!;
    const rightName = right.replace(new RegExp(`(?:${ORDER_WORD}).*$`, "u"), "");
    const leftName = /[\p{Script=Han}]+$/u.exec(out)?.[0] ?? "";
    const joint =
      leftName.length >= 2 &&
      ORG_END.test(leftName) &&
      rightName.length >= 2 &&
      ORG_END.test(rightName) &&
      !/^办公[厅室]/.test(rightName);
    out += (joint ? "、" : "") + right;
  }
  return out;
}

/** Canonical characters, no spaces, brackets unified to 〔〕; one surrounding bracket pair removed. */
function clean(raw: string): string {
  const s = fold(markJointIssuers(raw.normalize("NFC")))
    .replace(SPACES, "")
    .replace(OPEN_RE, "〔")
    .replace(CLOSE_RE, "〕")
    .replace(/[，,／/]/g, "、");
  return /^〔.*号〕$/u.test(s) ? s.slice(1, -1) : s;
}

const NAME = "[\\p{Script=Han}A-Za-z]";
/** A code's part: a character, or a numbered part in brackets (華總（一）義字). */
const CODE = `(?:${NAME}|〔[一二三四五六七八九十]{1,3}〕)`;
const SERIAL = `(\\d{1,${MAX_SERIAL_DIGITS}}|[${CHINESE_DIGITS}]{1,8})`;
const ORDER = new RegExp(
  `^((?:${NAME}{1,40}、)*${NAME}{1,40}?)?(${ORDER_WORD})(?:(\\d{4})年|〔(\\d{4})〕)?(第)?${SERIAL}号$`,
  "u",
);
const BARE = new RegExp(`^(?:(\\d{4})年)?第${SERIAL}号$`, "u");
const BRACKETED = new RegExp(`^(${CODE}{1,30})〔(\\d{2,4})〕(?:(第))?(\\d{1,${MAX_SERIAL_DIGITS}})号$`, "u");
/** Taiwan serials may end in a letter (環署空字第0950055340D號). */
const LETTER = "([A-Z]?)";
const YEAR_FIRST = new RegExp(`^〔(\\d{2,4})〕(${CODE}{1,30}?)(第)?${SERIAL}${LETTER}号$`, "u");
const SERIAL_FORM = new RegExp(`^(${CODE}{0,39}字)第${SERIAL}${LETTER}号$`, "u");

interface Year {
  year?: number;
  printedYear: number;
  era?: "gregorian" | "roc";
}

/** A bracketed year: four digits Gregorian; two or three digits ROC or 19NN by the script (see module doc). */
function bracketYear(digits: string, raw: string, code: string): Year | string {
  const printedYear = Number(digits);
  if (digits.length === 4) {
    if (printedYear < MIN_YEAR || printedYear > MAX_YEAR)
      return `year ${printedYear} is outside ${MIN_YEAR}–${MAX_YEAR}`;
    return { year: printedYear, printedYear, era: "gregorian" };
  }
  if (printedYear < 1 || printedYear > 199)
    return `year ${digits} in brackets is neither a Gregorian nor an ROC year`;
  if (digits.length === 3 || hasTraditional(raw) || /台/.test(code))
    return { year: printedYear + 1911, printedYear, era: "roc" };
  if (hasSimplified(raw))
    return {
      year: printedYear < 50 ? 2000 + printedYear : 1900 + printedYear,
      printedYear,
      era: "gregorian",
    };
  return { printedYear };
}

/** ROC year at the start of a long Taiwan serial (1090123456 → 109, 0980012345 → 98). */
function rocYearOfSerial(digits: string): number | undefined {
  if (digits.length < 9) return undefined;
  const first3 = Number(digits.slice(0, 3));
  if (digits.length >= 10 && first3 >= 100 && first3 <= 199) return first3;
  const first2 = Number(digits.startsWith("0") ? digits.slice(1, 3) : digits.slice(0, 2));
  return first2 >= 38 && first2 <= 99 ? first2 : undefined;
}

function serialOf(text: string): number | string {
  const value = /^\d+$/.test(text) ? Number(text) : parseChineseNumber(text);
  if (!Number.isFinite(value)) return `serial ${text} is not a number`;
  if (value < 1) return "the serial number must be at least 1";
  return value;
}

/** Splits an order header's issuers (财政部、国家税务总局) apart. */
function issuersOf(names: string | undefined): string[] {
  return (names ?? "").split("、").filter((n) => n.length > 0);
}

/**
 * Checks a 发文字号 and says why it is not one. The reason names what is wrong in words a
 * submitter understands (no 号 at the end, a year out of range, …).
 */
export function checkDocNumber(input: string): DocNumberCheck {
  const fail = (reason: string): DocNumberCheck => ({ ok: false, reason });
  if (input.length > MAX_CHARS) return fail(`is longer than ${MAX_CHARS} characters`);
  const raw = input.normalize("NFC");
  const n = clean(raw);
  if (n === "") return fail("is empty");
  if (!n.endsWith("号")) return fail("does not end with 号 (號)");
  if (!new RegExp(`(?:\\d[A-Z]?|[${CHINESE_DIGITS}])号$`, "u").test(n))
    return fail("has no serial number before 号");
  const odd = [...n.replace(new RegExp(`${NAME}|\\d|[〔〕、]`, "gu"), "")];
  if (odd.length) return fail(`contains characters a 发文字号 does not have: ${[...new Set(odd)].join(" ")}`);
  const done = (p: ParsedDocNumber | string): DocNumberCheck =>
    typeof p === "string" ? fail(p) : { ok: true, parsed: p };

  const o = ORDER.exec(n);
  if (o && (o[1] || o[5] || o[3] || o[4])) {
    const serial = serialOf(o[6]!);
    if (typeof serial === "string") return fail(serial);
    const yearText = o[3] ?? o[4];
    const year = yearText ? Number(yearText) : undefined;
    if (year !== undefined && (year < MIN_YEAR || year > MAX_YEAR))
      return fail(`year ${year} is outside ${MIN_YEAR}–${MAX_YEAR}`);
    const issuers = issuersOf(o[1]);
    return done({
      form: "order",
      prefix: `${issuers.join("、")}${o[2]}`,
      code: `${issuers.join("、")}${o[2]}`,
      codeAfterYear: "",
      issuers,
      ...(year !== undefined ? { year, era: "gregorian" as const } : {}),
      serial,
    });
  }
  const bare = BARE.exec(n);
  if (bare) {
    const serial = serialOf(bare[2]!);
    if (typeof serial === "string") return fail(serial);
    const year = bare[1] ? Number(bare[1]) : undefined;
    if (year !== undefined && (year < MIN_YEAR || year > MAX_YEAR))
      return fail(`year ${year} is outside ${MIN_YEAR}–${MAX_YEAR}`);
    return done({
      form: "order",
      prefix: "",
      code: "",
      codeAfterYear: "",
      issuers: [],
      ...(year !== undefined ? { year, era: "gregorian" as const } : {}),
      serial,
    });
  }
  const b = BRACKETED.exec(n);
  if (b) {
    const code = b[1]!;
    const codeAfterYear = "";
    const year = bracketYear(b[2]!, raw, code);
    if (typeof year === "string") return fail(year);
    const serial = serialOf(b[4]!);
    if (typeof serial === "string") return fail(serial);
    return done({
      form: "bracketed",
      prefix: code + codeAfterYear,
      code,
      codeAfterYear,
      issuers: [],
      ...year,
      serial,
    });
  }
  const y = YEAR_FIRST.exec(n);
  if (y) {
    const codeAfterYear = y[2]!;
    if (!y[3] && !/^\d+$/.test(y[4]!)) return fail("a serial in Chinese numerals needs 第 before it");
    const year = bracketYear(y[1]!, raw, codeAfterYear);
    if (typeof year === "string") return fail(year);
    const serial = serialOf(y[4]!);
    if (typeof serial === "string") return fail(serial);
    return done({
      form: "year-first",
      prefix: codeAfterYear,
      code: "",
      codeAfterYear,
      issuers: [],
      ...year,
      serial,
      ...(y[5] ? { serialSuffix: y[5] } : {}),
    });
  }
  const s = SERIAL_FORM.exec(n);
  if (s && s[1]!.length > 1) {
    const serial = serialOf(s[2]!);
    if (typeof serial === "string") return fail(serial);
    const roc = /^\d+$/.test(s[2]!) ? rocYearOfSerial(s[2]!) : undefined;
    return done({
      form: "serial",
      prefix: s[1]!,
      code: s[1]!,
      codeAfterYear: "",
      issuers: [],
      ...(roc !== undefined ? { year: roc + 1911, era: "roc" as const } : {}),
      serial,
      ...(s[3] ? { serialSuffix: s[3] } : {}),
    });
  }
  if (/^〔\d+〕(?:第)?\d/.test(n))
    return fail("has a year in brackets but no issuer code (机关代字) before the serial");
  if (!/〔\d+〕/.test(n) && /第/.test(n))
    return fail("has 第N号 but no …字, …令, …公告 or …通告 before it and no year in brackets");
  return fail(
    "is not a 发文字号: expected an issuer code with the year in brackets and a serial (川府发〔2024〕12号), " +
      "…字第N号, or an order number (四川省人民政府令第356号)",
  );
}

/**
 * Parses a 发文字号 in any spelling. Returns null for anything else, including a year outside
 * 1900–2100 or a serial of 0 (see {@link checkDocNumber} for the reason).
 */
export function parseDocNumber(s: string): ParsedDocNumber | null {
  const checked = checkDocNumber(s);
  return checked.ok ? checked.parsed : null;
}

// ---------------------------------------------------------------------------------------------
// Canonical spelling and keys

function yearInBrackets(p: ParsedDocNumber): string {
  return p.year !== undefined ? `〔${p.year}〕` : `（${p.printedYear}）`;
}

/**
 * The canonical spelling of a parsed number: Simplified characters, no spaces, ASCII digits, no
 * leading zeros; a bracketed year as its Gregorian year in 〔〕 (（85）财税字 → 〔1985〕财税字,
 * Taiwan's （76）台财税字 → 〔1987〕台财税字), a year of unknown era as printed in （）; 第 before the serial except in the GB/T 9704 form 川府发〔2024〕12号;
 * an order's year as 2018年.
 */
export function formatDocNumber(p: ParsedDocNumber): string {
  const part = (code: string) => code.replace(/〔([一二三四五六七八九十]+)〕/gu, "（$1）");
  const serial = `${p.serial}${p.serialSuffix ?? ""}`;
  switch (p.form) {
    case "bracketed":
      return `${part(p.code)}${yearInBrackets(p)}${p.codeAfterYear ? `${part(p.codeAfterYear)}第` : ""}${serial}号`;
    case "year-first":
      return `${yearInBrackets(p)}${part(p.codeAfterYear)}第${serial}号`;
    case "serial":
      return `${part(p.prefix)}第${serial}号`;
    case "order":
      return `${p.prefix}${p.year !== undefined ? `${p.year}年` : ""}第${p.serial}号`;
  }
}

/**
 * The canonical spelling of a 发文字号 (see {@link formatDocNumber}), the form kept for duplicates
 * and lookups beside the number as printed. Text that is not a 发文字号 comes back cleaned (no
 * spaces, ASCII digits, 号 for 號, 〔〕 around a four-digit year) but otherwise unchanged.
 */
export function normalizeDocNumber(s: string): string {
  const parsed = parseDocNumber(s);
  if (parsed) return formatDocNumber(parsed);
  return s
    .normalize("NFC")
    .replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, (c) =>
      String.fromCharCode(c.charCodeAt(0) - 0xfee0),
    )
    .replace(SPACES, "")
    .replace(/號/g, "号")
    .replace(new RegExp(`${OPEN}(\\d{4})${CLOSE}`, "g"), "〔$1〕");
}

/** An issuer as keys name it: without the state's name in front, 人民政府 as 政府, 国 (国令) as 国务院. */
function keyIssuer(issuer: string): string {
  const short = issuer.replace(/^中华人民共和国(?=.)/, "").replace(/人民政府$/, "政府");
  return short === "国" ? "国务院" : short;
}

function orderWord(p: ParsedDocNumber): string {
  return new RegExp(`(?:${ORDER_WORD})$`, "u").exec(p.prefix)?.[0] ?? "";
}

function orderKey(p: ParsedDocNumber, issuers: readonly string[]): string {
  return `${issuers.map(keyIssuer).join("、")}${orderWord(p)}${p.year !== undefined ? `${p.year}年` : ""}第${p.serial}号`;
}

/**
 * The identity of a 发文字号 for uniqueness and lookups: every spelling of one number gives the same
 * key (川府发[2024]012号 and 川府发〔2024〕12号, 川府發〔2024〕12號, （85）财税字第12号 and
 * （1985）财税字第12号, 中华人民共和国国务院令第588号 and 国务院令第588号 and 国令第588号,
 * 四川省人民政府令 and 四川省政府令). Latin letters are upper-cased. Unparseable input gives its
 * cleaned form, so the key is always defined.
 *
 * A bare 第356号 and 四川省人民政府令第356号 have different keys: which 令 a bare number belongs to
 * depends on the issuer, which callers combine with the key.
 */
export function docNumberKey(s: string): string {
  const parsed = parseDocNumber(s);
  if (!parsed) return normalizeDocNumber(s).toUpperCase();
  return (parsed.form === "order" ? orderKey(parsed, parsed.issuers) : formatDocNumber(parsed)).toUpperCase();
}

/**
 * The keys a stored 发文字号 answers to in a search: its own {@link docNumberKey} and, for a joint
 * order, the first issuer's order of that number (国务院令第602号 finds 中华人民共和国国务院、中央军事
 * 委员会令第602号: joint orders carry the number of the first issuer's series). A query is an exact
 * number lookup when its docNumberKey is one of these.
 */
export function docNumberSearchKeys(stored: string): string[] {
  const parsed = parseDocNumber(stored);
  const keys = new Set([docNumberKey(stored)]);
  if (parsed?.form === "order" && parsed.issuers.length > 1)
    keys.add(orderKey(parsed, parsed.issuers.slice(0, 1)).toUpperCase());
  return [...keys];
}

/**
 * Keys of the number with leading characters of its code dropped (two kept at least): what a
 * stored number that is a shorter form of this one is found by (发〔2016〕23号 for a query
 * 国发〔2016〕23号). Empty for a bare 第N号 and for joint orders.
 */
export function shorterDocNumberKeys(parsed: ParsedDocNumber): string[] {
  const out: string[] = [];
  const drop = (text: string, make: (shorter: string) => string) => {
    const chars = Array.from(text);
    for (let i = 1; i + 2 <= chars.length; i++) out.push(make(chars.slice(i).join("")).toUpperCase());
  };
  switch (parsed.form) {
    case "bracketed":
      drop(parsed.code, (code) => formatDocNumber({ ...parsed, code, prefix: code + parsed.codeAfterYear }));
      break;
    case "year-first":
      drop(parsed.codeAfterYear, (code) => formatDocNumber({ ...parsed, codeAfterYear: code, prefix: code }));
      break;
    case "serial":
      drop(parsed.prefix, (prefix) => formatDocNumber({ ...parsed, code: prefix, prefix }));
      break;
    case "order":
      if (parsed.issuers.length === 1) {
        const key = orderKey(parsed, parsed.issuers);
        const head = key.slice(0, key.length - orderKey(parsed, []).length + orderWord(parsed).length);
        drop(head, (shorter) => shorter + key.slice(head.length));
      }
      break;
  }
  return [...new Set(out)];
}

/**
 * For an order of one issuer, the start of the keys of the joint orders it leads (国务院令第602号
 * → "国务院、"): a range of keys to look such orders up by, each confirmed with
 * {@link docNumberMatches}. Undefined for every other number.
 */
export function jointOrderKeyPrefix(parsed: ParsedDocNumber): string | undefined {
  if (parsed.form !== "order" || parsed.issuers.length !== 1) return undefined;
  return `${keyIssuer(parsed.issuers[0]!)}、`.toUpperCase();
}

/**
 * Whether `a` is a fuller spelling of the same number as `b`: 中华人民共和国国务院令第707号 of
 * 国令第707号, 江西省人民政府令第232号 of 省政府令第232号. A site's metadata often abbreviates the
 * number a document prints in full.
 */
export function isFullerDocNumber(a: string, b: string): boolean {
  const pa = parseDocNumber(a);
  const pb = parseDocNumber(b);
  if (!pa || !pb || pb.prefix === "") return false;
  const ka = docNumberKey(a);
  const kb = docNumberKey(b);
  if (ka !== kb && !ka.endsWith(kb)) return false;
  return formatDocNumber(pa).length > formatDocNumber(pb).length;
}

/**
 * The lookup key of a search query shaped like a 发文字号 (in any spelling, short forms included),
 * or undefined when the query is not one. A bare 第356号 is too vague to look up and gives none.
 */
export function docNumberQueryKey(query: string): string | undefined {
  const parsed = parseDocNumber(query);
  if (!parsed || parsed.prefix === "") return undefined;
  return docNumberKey(query);
}

/**
 * A number typed with its year spelled out instead of bracketed (国办发2004年7号, 国办函1996年
 * 第14号): the bracketed spelling (国办发〔2004〕7号) when that is a number and the input is not one
 * as it stands; otherwise the input unchanged. For queries: in running text "…2004年7号" is a date.
 */
export function bracketSpelledYear(s: string): string {
  const t = s.trim();
  if (parseDocNumber(t)) return s;
  const m =
    /^([\p{Script=Han}A-Za-z]{2,12}?)[\s\u3000]*((?:1[89]|20|21)\d{2})[\s\u3000]*年[\s\u3000]*(?:第[\s\u3000]*)?([0-9０-９]{1,5})[\s\u3000]*[号號]$/u.exec(
      t,
    );
  // The code ends as 机关代字 do (国办发, 国办函, 财税字, 明电); an order (…令) has its own year form.
  if (!m || !/[发發函字电電规規]$/u.test(m[1]!)) return s;
  const candidate = `${m[1]}〔${m[2]}〕${m[3]}号`;
  return parseDocNumber(candidate)?.form === "bracketed" ? candidate : s;
}

/** Whether a query or reference designates the stored number (see {@link docNumberSearchKeys}). */
export function docNumberMatches(query: string, stored: string): boolean {
  const key = docNumberQueryKey(query) ?? docNumberKey(query);
  return docNumberSearchKeys(stored).includes(key);
}

// ---------------------------------------------------------------------------------------------
// Finding numbers in text

export interface DocNumberMatch {
  /** Offsets in the text searched (UTF-16 code units), end exclusive. */
  readonly start: number;
  readonly end: number;
  /** The number as printed. */
  readonly printed: string;
  readonly parsed: ParsedDocNumber;
  /** Canonical spelling. */
  readonly normalized: string;
  /**
   * Whether the number stands alone on its line: nothing before it but a label (发文字号：, 文号:)
   * or an opening bracket, nothing after it but a closing bracket or a 签发人.
   */
  readonly standalone: boolean;
}

const SP = "[ \\t\\u3000\\u00A0\\u200B-\\u200D\\u2060\\uFEFF]*";
const HC = "[\\p{Script=Han}A-Za-z]";
const YB = `${OPEN}${SP}\\d(?:${SP}\\d){1,3}${SP}${CLOSE}`;
const PART = `${OPEN}[一二三四五六七八九十]{1,3}${CLOSE}`;
const ISSUERS = `(?:${HC}|${PART})(?:${SP}(?:${HC}|${PART})|${SP}、${SP}${HC})*`;
const SER = `(?:\\d(?:${SP}\\d)*[A-Z]?|[${CHINESE_DIGITS}]+)`;
/** A number ending at the end of the window, loosely: the grammar then checks it. */
const CANDIDATE = new RegExp(
  `(?:${YB}${SP})?(?:${ISSUERS}${SP})?(?:${YB}${SP}(?:${HC}{1,10}字${SP})?)?(?:\\d{4}${SP}年${SP})?(?:第${SP})?${SER}${SP}号$`,
  "u",
);
const DATE_BEFORE = new RegExp(
  `^.*?[0-9${CHINESE_DIGITS}]{1,4}[\\s\\u3000]*年[\\s\\u3000]*[0-9${CHINESE_DIGITS}]{1,3}[\\s\\u3000]*月[\\s\\u3000]*[0-9${CHINESE_DIGITS}]{1,3}[\\s\\u3000]*日`,
  "u",
);
/** How far before its 号 a number may start. */
const WINDOW = 90;

/**
 * Words that end running text before a number (根据国发〔2016〕23号, 依照国务院令第588号) and labels
 * (文号 国发〔2016〕23号): a number does not start with them.
 */
const LEAD_IN = new RegExp(
  "^(?:发文字号|发文号|文件编号|文号|字号|编号|根据|依据|按照|依照|参照|遵照|对照|执行|贯彻|落实|实施|印发|转发|" +
    "发布|公布|颁布|施行|废止|修改|修订|通过|关于|详见|参见|见|据|按|由|以|为|与|及|或|的|了|是|在|现)",
  "u",
);
const LABEL_BEFORE =
  /^[\s\u3000]*(?:[\p{Script=Han}]{0,6}(?:文号|字号|编号|文件号)[\s\u3000]*[:：]?)?[\s\u3000]*[（(〔[【]?[\s\u3000]*$/u;
const AFTER_ALONE = /^[\s\u3000]*[）)〕\]】]?[\s\u3000]*(?:签发人.*)?$/u;

/**
 * Every 发文字号 in a text (a line or a block), in order, with its position. Running text is read
 * as people write it: 根据川府发〔2017〕23号文件 gives 川府发〔2017〕23号, 1989年6月17日中华人民
 * 共和国国务院令第37号发布 gives 中华人民共和国国务院令第37号. A bare 第356号 or 2018年第28号 counts
 * only when it stands alone on its line (see {@link DocNumberMatch.standalone}).
 */
export function findDocNumbers(text: string): DocNumberMatch[] {
  const folded = fold(text);
  const out: DocNumberMatch[] = [];
  let floor = 0;
  const parses = (from: number, end: number) => parseDocNumber(text.slice(from, end));
  for (let i = folded.indexOf("号"); i >= 0; i = folded.indexOf("号", i + 1)) {
    const lineStart = folded.lastIndexOf("\n", i) + 1;
    const from = Math.max(floor, lineStart, i - WINDOW);
    const m = CANDIDATE.exec(folded.slice(from, i + 1));
    if (!m) continue;
    const end = i + 1;
    let start = numberStart(folded, from + m.index, end);
    // Text that runs into the number without a lead-in word (內政部（64）台內地字第615377號):
    // the longest part that is a number.
    const loose = start;
    while (start < end - 2 && !parses(start, end)) start++;
    // …號令、行政院院臺法字第…號: what remains may still begin with its organ's name.
    if (start !== loose) start = numberStart(folded, start, end);
    const printed = text.slice(start, end);
    const parsed = parseDocNumber(printed);
    if (!parsed) continue;
    const lineEnd = text.indexOf("\n", end);
    const standalone =
      LABEL_BEFORE.test(text.slice(lineStart, start)) &&
      AFTER_ALONE.test(text.slice(end, lineEnd < 0 ? text.length : lineEnd));
    if (parsed.prefix === "" && !standalone) continue;
    out.push({ start, end, printed, parsed, normalized: formatDocNumber(parsed), standalone });
    floor = end;
  }
  return out;
}

/**
 * Where a number found loosely at [start, end) really starts: after lead-in words (根据, 依照, 文号),
 * after the 年/月/日 that ends a date, and after a word of three or more characters that a space
 * separates from a code (国务院文件 国发〔2016〕23号; a code spaced out by OCR, 川 府 发, stays whole).
 */
function numberStart(folded: string, start: number, end: number): number {
  for (;;) {
    while (start < end && /[\s\u3000]/.test(folded[start]!)) start++;
    const lead = LEAD_IN.exec(folded.slice(start, end));
    if (lead && parseDocNumber(folded.slice(start + lead[0].length, end))) {
      start += lead[0].length;
      continue;
    }
    // Conjunctions that also begin place names (和平区, 将乐县) end running text before a code only.
    const joined = /^[和及与或将即对并另]/u.exec(folded.slice(start, end));
    const rest = joined ? parseDocNumber(folded.slice(start + 1, end)) : null;
    if (rest && rest.form !== "order") {
      start += 1;
      continue;
    }
    if (
      start > 0 &&
      /[年月日号]/.test(folded[start]!) &&
      /[\d〇零一二三四五六七八九十]/.test(folded[start - 1]!)
    ) {
      start++;
      continue;
    }
    break;
  }
  // A date before the number (中華民國一百零四年十二月十七日行政院院臺金字第…號) is not part of it.
  const dated = DATE_BEFORE.exec(folded.slice(start, end));
  if (dated && parseDocNumber(folded.slice(start + dated[0].length, end))) start += dated[0].length;
  const spaced = folded.slice(start, end);
  if (!new RegExp(`(?:${ORDER_WORD})`, "u").test(spaced)) {
    const code = /^[^\d〔［【(（[﹝〖第]*/u.exec(spaced)![0].replace(/[\s\u3000]+$/u, "");
    const pieces = [...code.matchAll(/[^\s\u3000]+[\s\u3000]+/gu)];
    const base = start;
    for (const piece of pieces) {
      if (piece[0].trim().length >= 3) {
        const next = base + piece.index! + piece[0].length;
        if (parseDocNumber(folded.slice(next, end))) start = next;
      }
    }
  }
  const candidate = folded.slice(start, end);
  const parsed = parseDocNumber(candidate);
  if (parsed && parsed.form !== "order") {
    // The issuing organ's name before a code (行政院院臺金字, 国务院办公厅国办发): shortest first.
    for (let cut = 2; cut + 2 <= candidate.length; cut++) {
      const head = candidate.slice(0, cut);
      if (!/^[\p{Script=Han}]+$/u.test(head)) break;
      if (!ORGAN.test(head) || (cut === 2 && !SHORT_ORGANS.test(head))) continue;
      const rest = parseDocNumber(candidate.slice(cut));
      if (rest && rest.form === parsed.form && Array.from(rest.prefix).length >= 2) {
        return numberStart(folded, start + cut, end);
      }
    }
  }
  return start;
}

/**
 * 发文字号 (document numbers).
 *
 * Two forms are recognised:
 * - bracketed: 机关代字 + 〔year〕 + serial + 号, e.g. 川府发〔2024〕12号, 国办发〔2023〕5号,
 *   川发改环资〔2024〕101号. GB/T 9704 prescribes the hexagonal brackets 〔〕; submitters type
 *   [ ] ［ ］ 【 】 ( ) （ ） ﹝ ﹞ 〖 〗 instead, which normalisation repairs.
 * - order: the number of a 政府令 (and of a numbered 公告/通告): 四川省人民政府令第356号, or just
 *   第356号.
 */

export type ParsedDocNumber =
  | {
      readonly form: "bracketed";
      /** 机关代字 + 类别, e.g. 川府发, 川办函, 川发改环资. */
      readonly prefix: string;
      readonly year: number;
      readonly serial: number;
    }
  | {
      readonly form: "order";
      /** e.g. 四川省人民政府令; "" for a bare 第356号. */
      readonly prefix: string;
      readonly serial: number;
    };

/** Oldest and newest year accepted in a bracketed number. */
const MIN_YEAR = 1949;
const MAX_YEAR = 2100;
const MAX_SERIAL = 99_999;

const OPEN = "[\\[［【(（〔﹝〖]";
const CLOSE = "[\\]］】)）〕﹞〗]";
const YEAR_IN_BRACKETS = new RegExp(`${OPEN}(\\d{4})${CLOSE}`, "g");

/** Whitespace of every kind (\s covers U+3000 and NBSP) and zero-width characters. */
const SPACES = /[\s\u200B-\u200D\u2060\uFEFF]+/g;

/** Full-width ASCII (U+FF01–U+FF5E) → ASCII, except the brackets handled above. */
function halfWidth(s: string): string {
  return s.replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, (c) =>
    String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );
}

/**
 * The canonical spelling of a 发文字号:
 * - full-width digits and letters become ASCII (１２ → 12);
 * - all whitespace is removed, including U+3000 and NBSP;
 * - any bracket pair around a four-digit year becomes 〔 〕 (川府发[2024]12号 → 川府发〔2024〕12号);
 * - leading zeros of the serial are removed (川府发〔2024〕012号 → 川府发〔2024〕12号, 第0356号 → 第356号);
 * - 號 becomes 号.
 *
 * Text that is not a 发文字号 comes back cleaned but otherwise unchanged.
 */
export function normalizeDocNumber(s: string): string {
  return halfWidth(s.normalize("NFC"))
    .replace(SPACES, "")
    .replace(/號/g, "号")
    .replace(YEAR_IN_BRACKETS, "〔$1〕")
    .replace(/(〔\d{4}〕|第)0+(\d+号)$/, "$1$2");
}

/** 机关代字: Chinese characters, optionally with Latin letters; no digits, brackets or punctuation. */
const PREFIX = "[\\p{Script=Han}A-Za-z]{1,30}";
const BRACKETED = new RegExp(`^(${PREFIX})〔(\\d{4})〕(\\d{1,5})号$`, "u");
const ORDER = new RegExp(`^((?:${PREFIX})?(?:令|公告|通告))?第(\\d{1,5})号$`, "u");

/**
 * Parses a 发文字号 (after {@link normalizeDocNumber}). Returns null for anything else, including
 * a year outside 1949–2100 or a serial of 0.
 */
export function parseDocNumber(s: string): ParsedDocNumber | null {
  const n = normalizeDocNumber(s);
  const b = BRACKETED.exec(n);
  if (b) {
    const year = Number(b[2]);
    const serial = Number(b[3]);
    if (year < MIN_YEAR || year > MAX_YEAR || serial < 1 || serial > MAX_SERIAL) return null;
    return { form: "bracketed", prefix: b[1]!, year, serial };
  }
  const o = ORDER.exec(n);
  if (o) {
    const serial = Number(o[2]);
    if (serial < 1 || serial > MAX_SERIAL) return null;
    return { form: "order", prefix: o[1] ?? "", serial };
  }
  return null;
}

/** Formats a parsed number in the canonical spelling. */
export function formatDocNumber(parsed: ParsedDocNumber): string {
  return parsed.form === "bracketed"
    ? `${parsed.prefix}〔${parsed.year}〕${parsed.serial}号`
    : `${parsed.prefix}第${parsed.serial}号`;
}

/**
 * A key for uniqueness comparisons: two spellings of the same number give the same key
 * (川府发[2024]012号 and 川府发〔2024〕12号). Latin letters are upper-cased. Unparseable input
 * gives its normalised form, so the key is always defined.
 *
 * A bare 第356号 and 四川省人民政府令第356号 have different keys: which 令 a bare number belongs
 * to depends on the issuer, which callers combine with the key.
 */
export function docNumberKey(s: string): string {
  const parsed = parseDocNumber(s);
  return (parsed ? formatDocNumber(parsed) : normalizeDocNumber(s)).toUpperCase();
}

/**
 * Verification of a reposted page: does the page a site acknowledged carry the document?
 *
 * Sites repost into their own templates (navigation, breadcrumbs, footers, share buttons) and
 * their editors retype or paste the text, so the check is tolerant where reposting legitimately
 * differs and strict where it matters: the title and the 发文字号 must appear; of the body, at
 * least {@link BODY_COVERAGE_REQUIRED} of the characters must appear in order.
 */
import { Parser } from "htmlparser2";
import {
  docNumberMatches,
  findDocNumbers,
  formatDocNumber,
  normalizeDocNumber,
  parseDocNumber,
} from "../documents/doc-number.js";

export interface RepostedDocument {
  readonly title: string;
  readonly docNumber: string | null;
  /** The body as plain text (paragraphs on their own lines). */
  readonly text: string;
}

export type RepostCheck = { ok: true } | { ok: false; reason: string };

/** Share of the body's characters that must be found on the page, in order. */
export const BODY_COVERAGE_REQUIRED = 0.98;

/** Elements whose text is never shown. */
const HIDDEN_ELEMENTS = new Set(["script", "style", "noscript", "template"]);

/** The text a reader sees on the page, entities decoded, without scripts and styles. */
export function visibleText(html: string): string {
  const parts: string[] = [];
  let hiddenDepth = 0;
  const parser = new Parser(
    {
      onopentagname(name) {
        if (HIDDEN_ELEMENTS.has(name)) hiddenDepth++;
      },
      onclosetag(name) {
        if (HIDDEN_ELEMENTS.has(name) && hiddenDepth > 0) hiddenDepth--;
      },
      ontext(text) {
        if (hiddenDepth === 0) parts.push(text);
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  return parts.join("\n");
}

/** Whitespace of every kind (\s covers U+3000 and NBSP) and invisible format characters. */
const SPACES = /[\s\u00AD\u200B-\u200F\u2060\uFEFF]+/g;

/**
 * The comparison form of a text: NFC; full-width ASCII letters, digits and punctuation
 * (U+FF01–U+FF5E) as half-width; the brackets 〔〕 [] ［］ 【】 all as 〔〕; no whitespace.
 */
export function normalizeForComparison(s: string): string {
  return s
    .normalize("NFC")
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[[【]/g, "〔")
    .replace(/[\]】]/g, "〕")
    .replace(SPACES, "");
}

/** Checks that the page at a repost URL carries the document. */
export function checkRepostPage(html: string, document: RepostedDocument): RepostCheck {
  const page = normalizeForComparison(visibleText(html));
  const problems: string[] = [];

  if (!containsTitle(page, document.title)) {
    problems.push(`title: “${document.title.trim()}” not found on the page`);
  }
  if (
    document.docNumber !== null &&
    document.docNumber.trim() !== "" &&
    !containsDocNumber(page, document.docNumber)
  ) {
    problems.push(`docNumber: ${normalizeDocNumber(document.docNumber)} not found on the page`);
  }
  const body = bodyCoverage(document.text, page);
  if (body.total > 0 && body.coverage < BODY_COVERAGE_REQUIRED) {
    const missing = body.firstMissing ? `, first missing: “${body.firstMissing}”` : "";
    problems.push(
      `body: only ${percent(body.coverage)} of the text found in order (${percent(BODY_COVERAGE_REQUIRED, 0)} required)${missing}`,
    );
  }
  return problems.length === 0 ? { ok: true } : { ok: false, reason: problems.join("; ") };
}

function percent(share: number, digits = 1): string {
  // Rounded down, so that 97.99% is never shown as a passing 98.0%.
  const factor = 10 ** digits;
  return `${(Math.floor(share * 100 * factor) / factor).toFixed(digits)}%`;
}

/** Punctuation and symbols, which retyped titles vary (quotes, dashes, 《》 or “”). */
const PUNCTUATION = /[\p{P}\p{S}]/gu;

function containsTitle(page: string, title: string): boolean {
  const t = normalizeForComparison(title);
  if (t === "" || page.includes(t)) return true;
  return page.replace(PUNCTUATION, "").includes(t.replace(PUNCTUATION, ""));
}

/**
 * Whether the page carries the 发文字号 in any spelling the shared grammar treats as the same
 * number: other brackets around the year, leading zeros, 號/發 for 号/发, letters in either case,
 * the short or the full name of an order's issuer (国务院令 / 中华人民共和国国务院令).
 */
function containsDocNumber(page: string, docNumber: string): boolean {
  const parsed = parseDocNumber(docNumber);
  if (!parsed) {
    return page.toUpperCase().includes(normalizeForComparison(normalizeDocNumber(docNumber)).toUpperCase());
  }
  // A bare 第356号 is printed under its header or after it (四川省人民政府令第356號).
  if (parsed.prefix === "") return new RegExp(`第0*${parsed.serial}[号號]`, "u").test(page);
  const canonical = formatDocNumber(parsed).toUpperCase();
  return findDocNumbers(page).some(
    (m) =>
      docNumberMatches(m.printed, docNumber) ||
      docNumberMatches(docNumber, m.printed) ||
      // The page's text runs into the number (四川省人民政府文件川府发〔2024〕9号).
      m.normalized.toUpperCase().endsWith(canonical),
  );
}

/** The body is compared in pieces of this many characters. */
const PIECE = 96;
/** A short piece (the last one) found verbatim further than this ahead is taken as a coincidence. */
const SHORT_PIECE = 16;
const SHORT_PIECE_REACH = 4096;
/** Length of the fragments of a retyped piece that locate it on the page, and their spacing. */
const ANCHOR = 10;
const ANCHOR_STEP = 16;
/** How far ahead a piece is looked for once the body's start is found: more than any block a site inserts. */
const ANCHOR_REACH = 16_384;
/** Page characters a match may skip per body character matched before it stops paying off. */
const GAP_COST = 0.25;

interface Coverage {
  /** Characters of the normalised body. */
  readonly total: number;
  /** Share of them found on the page in order (1 for an empty body). */
  readonly coverage: number;
  /** The start of the first piece that was not fully found. */
  readonly firstMissing: string | null;
}

/**
 * How much of the body appears on the page, in order.
 *
 * An exact LCS of a 100,000-character body against a larger page is too slow, so the body is cut
 * into pieces of {@link PIECE} characters, each looked up after the previous one: verbatim
 * (indexOf, which skips navigation and whatever the site put between paragraphs, preferring a
 * place just ahead); otherwise, for a retyped piece, located by its intact {@link ANCHOR}-character
 * fragments and aligned there by the longest common subsequence (bit-parallel), stopping where
 * further matches would only be scattered characters. The count is a lower bound of the true
 * LCS, close to it when the page does carry the body; the work per piece is bounded by
 * {@link ANCHOR_REACH}, so a check takes well under a second even for a page of another document.
 */
export function bodyCoverage(text: string, page: string): Coverage {
  const pieces = splitPieces(text);
  const total = pieces.reduce((n, p) => n + p.length, 0);
  if (total === 0) return { total, coverage: 1, firstMissing: null };

  let position = 0;
  let found = 0;
  let firstMissing: string | null = null;
  for (const piece of pieces) {
    // Verbatim: anywhere until the body's start is found (navigation can be long), then nearer.
    const at = indexOfWithin(page, piece, position, found === 0 ? page.length : ANCHOR_REACH);
    if (at >= 0 && at - position <= nearby(piece)) {
      found += piece.length;
      position = at + piece.length;
      continue;
    }
    // Retyped here, or found verbatim only further on (where a repeated sentence may stand).
    const start = locate(piece, page, position);
    const match = longestCommonSubsequence(piece, page.slice(start, start + nearby(piece)), GAP_COST);
    if (
      match.length < piece.length / 2 &&
      at >= 0 &&
      (piece.length >= SHORT_PIECE || at - position <= SHORT_PIECE_REACH)
    ) {
      // Nothing like it nearby: the site put something long in between.
      found += piece.length;
      position = at + piece.length;
      continue;
    }
    found += match.length;
    if (match.length > 0) position = start + match.end;
    if (match.length < piece.length && firstMissing === null) firstMissing = piece.slice(0, 24);
  }
  return { total, coverage: found / total, firstMissing };
}

function indexOfWithin(page: string, piece: string, position: number, reach: number): number {
  if (position + reach >= page.length) return page.indexOf(piece, position);
  const at = page.slice(position, position + reach + piece.length).indexOf(piece);
  return at < 0 ? -1 : position + at;
}

/** How far ahead of the position a piece counts as in its place. */
function nearby(piece: string): number {
  return 2 * piece.length + 64;
}

/**
 * Where a piece that is not on the page verbatim most likely starts, at or after `position`: the
 * median of the starts implied by its fragments found ahead, a little earlier to allow for
 * characters dropped before them; `position` when no fragment is found.
 */
function locate(piece: string, page: string, position: number): number {
  const region = page.slice(position, position + ANCHOR_REACH);
  const starts: number[] = [];
  for (let offset = 0; offset + ANCHOR <= piece.length; offset += ANCHOR_STEP) {
    const at = region.indexOf(piece.slice(offset, offset + ANCHOR));
    if (at >= 0) starts.push(at - offset);
  }
  if (starts.length === 0) return position;
  starts.sort((a, b) => a - b);
  const median = starts[(starts.length - 1) >> 1]!;
  return position + Math.max(0, median - ANCHOR);
}

/** The normalised body cut into pieces of PIECE characters (line breaks are gone by then). */
function splitPieces(text: string): string[] {
  const body = normalizeForComparison(text);
  const pieces: string[] = [];
  for (let i = 0; i < body.length; i += PIECE) pieces.push(body.slice(i, i + PIECE));
  return pieces;
}

/**
 * The longest common subsequence of `a` (short) and a prefix of `b`: its length, and `end`, the
 * length of that prefix. With `gapCost` 0 the prefix is the shortest that gives the LCS of `a`
 * and all of `b`; with a positive cost, the prefix maximising length − gapCost · end, so that
 * characters matched far away, one here and one there, do not stretch the match.
 * The bit-vector algorithm of Hyyrö (2004): one bit per character of `a`, O(|b| · |a| / 32).
 */
export function longestCommonSubsequence(a: string, b: string, gapCost = 0): { length: number; end: number } {
  const words = Math.ceil(a.length / 32);
  if (words === 0 || b.length === 0) return { length: 0, end: 0 };
  const masks = new Map<number, Uint32Array>();
  for (let i = 0; i < a.length; i++) {
    const c = a.charCodeAt(i);
    let mask = masks.get(c);
    if (!mask) {
      mask = new Uint32Array(words);
      masks.set(c, mask);
    }
    mask[i >>> 5]! |= 1 << (i & 31);
  }
  // V has a 1 for each character of `a` not yet matched; the LCS is the number of 0s.
  const v = new Uint32Array(words).fill(0xffffffff);
  const tail = a.length & 31;
  if (tail) v[words - 1] = (1 << tail) - 1;
  let best = { length: 0, end: 0 };
  let bestScore = 0;
  for (let j = 0; j < b.length; j++) {
    const m = masks.get(b.charCodeAt(j));
    if (!m) continue;
    let carry = 0;
    for (let k = 0; k < words; k++) {
      const vk = v[k]!;
      const u = vk & m[k]!;
      const sum = vk + u + carry;
      carry = sum > 0xffffffff ? 1 : 0;
      v[k] = (sum | (vk & ~m[k]!)) >>> 0;
    }
    if (tail) v[words - 1]! &= (1 << tail) - 1;
    const length = a.length - popcount(v);
    const score = length - gapCost * (j + 1);
    if (length > best.length && (gapCost === 0 || score > bestScore)) {
      best = { length, end: j + 1 };
      bestScore = score;
    }
  }
  return best;
}

function popcount(v: Uint32Array): number {
  let n = 0;
  for (let x of v) {
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    n += (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return n;
}

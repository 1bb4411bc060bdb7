import { lazyCharConverter } from "../documents/han-variants.js";

/**
 * Text normalisation and CJK bigram tokens shared by the search adapters.
 *
 * Folding works character by character and keeps every character's length, so a position in the
 * folded text is the same position in the original: snippets highlight the original text.
 * Traditional characters fold to Simplified (opencc-js, character level: the phrase tables would
 * change lengths and only matter for display, which keeps the original), full-width forms to ASCII
 * (NFKC), Latin to lower case.
 */

const toSimplified = [lazyCharConverter("hk→cn"), lazyCharConverter("tw→cn")];

const folded = new Map<string, string>();

function foldChar(c: string): string {
  const cached = folded.get(c);
  if (cached !== undefined) return cached;
  let f: string = c.normalize("NFKC").toLowerCase();
  if (f.length !== c.length) f = c.toLowerCase().length === c.length ? c.toLowerCase() : c;
  for (const convert of toSimplified) {
    const s: string = convert(f);
    if (s.length === f.length) f = s;
  }
  folded.set(c, f);
  return f;
}

/** Same length as the input, position for position. */
export function foldText(text: string): string {
  let out = "";
  for (const c of text) out += foldChar(c);
  return out;
}

/**
 * Han characters (including 〇, as in 二〇二四年) form CJK runs; other letters and digits form words.
 * A Han run is a run wherever it stands: "24小时值班" is the word "24" and the run "小时值班", so
 * Han text that follows digits or Latin letters (2024年, 5日前, 第60号, GB/T标准) is searchable.
 */
const RUNS = /([\p{Script=Han}〇]+)|((?:(?![\p{Script=Han}〇])[\p{L}\p{N}])+)/gu;

/**
 * Version of the token scheme below. An index built with another version cannot answer queries
 * tokenised with this one (version 1 kept Han text after digits or letters inside one word; version 2
 * kept the leading zeros of numbers; version 3 indexed a title only as printed, see titleSearchText), so
 * the embedded index stores it and re-tokenises its documents when it differs.
 */
export const TOKENIZER_VERSION = 4;

/**
 * What a title is searched as: as printed, and without the brackets around a law it cites and the
 * state's name (最高人民法院关于适用《中华人民共和国行政诉讼法》若干问题的解释 is also found as
 * 适用行政诉讼法若干问题的解释): people name laws by their short names.
 */
export function titleSearchText(title: string): string {
  const short = title.replace(/[《》〈〉「」『』]/gu, "").replace(/中华人民共和国|中華人民共和國/gu, "");
  return short.trim() && short !== title ? `${title}\n${short}` : title;
}

/**
 * The token of a word: a number loses its leading zeros (第0356号 and 第356号, the ROC-era
 * 第0950001993號 typed as 950001993, are the same number); other words are themselves.
 */
export function wordToken(word: string): string {
  return /^0+\d/.test(word) && /^\d+$/.test(word) ? word.replace(/^0+(?=\d)/, "") : word;
}

/** Leading zeros of a number that is a word of its own (after Han text, punctuation or the start). */
const LEADING_ZEROS =
  /(?<=^|[^\p{L}\p{N}]|[\p{Script=Han}〇])0+(?=\d+(?:$|[^\p{L}\p{N}]|[\p{Script=Han}〇]))/gu;

/**
 * Folded text with the leading zeros of numbers blanked out, position for position: for engines
 * that tokenise on their side (OpenSearch), so they see the numbers as wordToken makes them while
 * highlights still map back to the original text.
 */
export function blankLeadingZeros(folded: string): string {
  return folded.replace(LEADING_ZEROS, (zeros) => " ".repeat(zeros.length));
}

export interface QueryTerm {
  /** "cjk": a run of Han characters; "word": letters and digits. */
  readonly kind: "cjk" | "word";
  /** Folded text of the run. */
  readonly text: string;
}

/** The runs of folded text, in order. */
export function runs(folded: string): QueryTerm[] {
  return segments(folded).flat();
}

/**
 * The runs of folded text grouped into segments: runs that touch (no space or punctuation
 * between them, as in 国务院令第588号) form one segment, which a query matches as one phrase.
 */
export function segments(folded: string): QueryTerm[][] {
  const out: QueryTerm[][] = [];
  let end = -1;
  for (const m of folded.matchAll(RUNS)) {
    const term: QueryTerm = m[1] ? { kind: "cjk", text: m[1] } : { kind: "word", text: m[2]! };
    if (m.index === end) out[out.length - 1]!.push(term);
    else out.push([term]);
    end = m.index + m[0].length;
  }
  return out;
}

/**
 * Index tokens of already folded text, the scheme of Lucene's CJKAnalyzer: overlapping bigrams of
 * each Han run, words for Latin/digit runs. Each Han run also ends with its last character as a
 * unigram, so a prefix query on one character finds every occurrence of it (a character is either
 * the first of some bigram or the last of its run) at the cost of one token per run.
 */
export function bigramTokens(folded: string): string[] {
  const tokens: string[] = [];
  for (const run of runs(folded)) {
    if (run.kind === "word") {
      tokens.push(wordToken(run.text));
      continue;
    }
    const chars = Array.from(run.text);
    for (let i = 0; i + 1 < chars.length; i++) tokens.push(chars[i]! + chars[i + 1]!);
    tokens.push(chars[chars.length - 1]!);
  }
  return tokens;
}

/**
 * The tokens a segment of a query must match at consecutive positions, and whether the last one is
 * a prefix. The segment's text appears in a document exactly where this phrase does:
 * - a Han run followed by a word in the segment ends its run in the document too: its bigrams and
 *   its closing unigram;
 * - the segment's last Han run may continue in the document: its bigrams only, or, for a single
 *   character, that character as a prefix (of the bigram it starts or of its closing unigram);
 * - a word is its token (a number without leading zeros).
 * A Han run that starts the segment may continue backwards in the document, which leaves its own
 * tokens unchanged.
 */
export function segmentPhrase(segment: readonly QueryTerm[]): { tokens: string[]; prefix: boolean } {
  const tokens: string[] = [];
  let prefix = false;
  segment.forEach((run, i) => {
    if (run.kind === "word") {
      tokens.push(wordToken(run.text));
      return;
    }
    const chars = Array.from(run.text);
    for (let j = 0; j + 1 < chars.length; j++) tokens.push(chars[j]! + chars[j + 1]!);
    const last = i === segment.length - 1;
    if (!last || chars.length === 1) tokens.push(chars[chars.length - 1]!);
    if (last && chars.length === 1) prefix = true;
  });
  return { tokens, prefix };
}

/** The texts to highlight for a query: each segment whole and each of its runs. */
export function highlightTerms(folded: string): QueryTerm[] {
  const out: QueryTerm[] = [];
  for (const segment of segments(folded)) {
    if (segment.length > 1) out.push({ kind: "word", text: segment.map((t) => t.text).join("") });
    out.push(...segment);
  }
  return out;
}

/** Tokens joined by spaces: what the FTS5 columns hold (unicode61 splits them back on spaces). */
export function tokenString(text: string): string {
  return bigramTokens(foldText(text)).join(" ");
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

const SNIPPET_CHARS = 120;

/**
 * An HTML-escaped excerpt of `text` around the densest group of query terms, terms in <mark>.
 * Without a match, the start of the text.
 */
export function snippet(text: string, terms: readonly QueryTerm[], size = SNIPPET_CHARS): string {
  const foldedText = foldText(text);
  const needles = [...new Set(terms.map((t) => t.text))].filter(Boolean);
  const spans: [number, number][] = [];
  for (const needle of needles) {
    let from = 0;
    for (;;) {
      const at = foldedText.indexOf(needle, from);
      if (at < 0) break;
      spans.push([at, at + needle.length]);
      from = at + needle.length;
      if (spans.length > 2000) break;
    }
  }
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  // Drop overlaps, longest first at each start.
  const marks: [number, number][] = [];
  for (const s of spans) {
    const last = marks[marks.length - 1];
    if (last && s[0] < last[1]) continue;
    marks.push(s);
  }
  let start = 0;
  if (marks.length > 0) {
    // The window (starting a little before some mark) that covers the most marks.
    let best = 0;
    let bestCount = -1;
    let j = 0;
    for (let i = 0; i < marks.length; i++) {
      while (j < marks.length && marks[j]![1] <= marks[i]![0] + size) j++;
      if (j - i > bestCount) {
        bestCount = j - i;
        best = i;
      }
    }
    start = Math.max(0, marks[best]![0] - Math.floor(size / 6));
  }
  const end = Math.min(text.length, start + size);
  let html = start > 0 ? "…" : "";
  let at = start;
  for (const [s, e] of marks) {
    if (e <= start || s >= end) continue;
    const ms = Math.max(s, start);
    const me = Math.min(e, end);
    html += escapeHtml(text.slice(at, ms));
    html += `<mark>${escapeHtml(text.slice(ms, me))}</mark>`;
    at = me;
  }
  html += escapeHtml(text.slice(at, end));
  if (end < text.length) html += "…";
  return html.replace(/\s+/g, " ");
}

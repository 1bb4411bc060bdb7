/**
 * Chinese line breaking with 禁则 (kinsoku), as a pure function over measured pieces.
 *
 * - A piece is one CJK character or punctuation mark, a run of spaces, or an unbreakable Latin
 *   word / number ("2024", "GB/T", "9704-2012", "4.5", "65%").
 * - No line starts with closing punctuation (，。、；：！？）】」』》…” …) and none ends with
 *   opening punctuation (（【「『《“ …).
 * - A closing mark that would start the next line may hang into the margin (one mark, at most
 *   `hang` wide); otherwise characters are pushed to the next line until the rules hold.
 * - Spaces at a break stay at the end of the line, take no width and are not justified.
 */

/** May not start a line. */
export const NO_LINE_START = new Set([
  ..."，。、；：！？）］｝〕〗】」』》〉…‥”’·・～%‰℃°,.;:!?)]}>—－",
  "\u00b7",
  "\u30fb",
  "\u2030",
]);
/** May not end a line. */
export const NO_LINE_END = new Set([..."（［｛〔〖【「『《〈“‘([{<"]);
/** Closing marks that may hang past the right edge. */
export const HANGABLE = new Set([..."，。、；：！？,.;:!?"]);
/**
 * Full-width closing marks whose ink sits in the left half of the em (GB-style faces), so that
 * at a line end they can be set half-width (标点挤压) and the line still ends inside the
 * measure. ？ is centred in these faces and is not compressed; a face that centres any of
 * these marks has its pieces marked `fixed` (see text.ts).
 */
export const SQUEEZABLE = new Set([..."，。、：；！）］｝〕〗】」』》〉”’"]);

export type PieceKind = "char" | "word" | "space";

export interface Segment {
  readonly text: string;
  readonly kind: PieceKind;
}

export interface Piece extends Segment {
  /** Width in the same unit as the line width. */
  readonly width: number;
  /** A SQUEEZABLE mark whose glyph's ink would not fit its compressed width (a centred face). */
  readonly fixed?: boolean;
}

/** Whether a piece is a closing mark that may be set compressed. */
export function squeezable(p: Piece): boolean {
  return p.fixed !== true && SQUEEZABLE.has(p.text);
}

/** Letters and digits that form unbreakable words: Latin (with accents), Greek, Cyrillic. */
function isWordChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0xc0 && c <= 0x24f) ||
    (c >= 0x370 && c <= 0x3ff) ||
    (c >= 0x400 && c <= 0x4ff)
  );
}
/** Joiners kept inside a word when letters/digits follow them: 9704-2012, 4.5, GB/T, a_b. */
const WORD_JOINERS = new Set([...".,:/-_+&'’@#"].map((c) => c.charCodeAt(0)));
/** Suffixes kept on a word: 65%, 30℃. */
const WORD_SUFFIXES = new Set([..."%‰℃°"].map((c) => c.charCodeAt(0)));

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0xa0;
}

/**
 * Splits text into breakable units. Concatenating the texts gives the input back. Scans UTF-16
 * code units (a surrogate pair stays one char): this runs over every character of an edition.
 */
export function segment(text: string): Segment[] {
  const out: Segment[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      let j = i + 1;
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      out.push({ text: text.slice(i, j), kind: "space" });
      i = j;
    } else if (isWordChar(c)) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isWordChar(d)) j++;
        else if (WORD_JOINERS.has(d) && j + 1 < n && isWordChar(text.charCodeAt(j + 1))) j += 2;
        else break;
      }
      while (j < n && WORD_SUFFIXES.has(text.charCodeAt(j))) j++;
      out.push({ text: text.slice(i, j), kind: "word" });
      i = j;
    } else {
      const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < n && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      const j = pair ? i + 2 : i + 1;
      out.push({ text: text.slice(i, j), kind: "char" });
      i = j;
    }
  }
  return out;
}

/** Code points in a string, without allocating. */
export function codePointCount(s: string): number {
  let count = 0;
  for (let i = 0; i < s.length; i++) if ((s.charCodeAt(i) & 0xfc00) !== 0xdc00) count++;
  return count;
}

function firstChar(s: string): string {
  return String.fromCodePoint(s.codePointAt(0) ?? 0);
}

function lastChar(s: string): string {
  const end = s.length;
  if (end >= 2 && (s.charCodeAt(end - 1) & 0xfc00) === 0xdc00) return s.slice(end - 2);
  return s.slice(end - 1);
}

export function mayStartLine(p: Segment): boolean {
  return p.kind === "word" ? !NO_LINE_START.has(firstChar(p.text)) : !NO_LINE_START.has(p.text);
}

export function mayEndLine(p: Segment): boolean {
  return p.kind === "word" ? !NO_LINE_END.has(lastChar(p.text)) : !NO_LINE_END.has(p.text);
}

export interface BreakOptions {
  /** Available width of every line. */
  readonly width: number;
  /** First-line indent (reduces the first line's width). */
  readonly indent?: number;
  /** How far one closing mark may hang past the edge; 0 disables hanging. */
  readonly hang?: number;
  /**
   * The fraction of their width by which closing marks at a line end may be compressed (0.5:
   * set half-width) so that they end the line inside the measure; 0 disables it.
   */
  readonly squeeze?: number;
}

export interface Line {
  /** Pieces [start, end) belong to the line, including trailing spaces and a hanging mark. */
  readonly start: number;
  readonly end: number;
  /** Pieces [start, contentEnd) are set inside the measure: no trailing spaces, no hanging mark. */
  readonly contentEnd: number;
  /** Width of pieces [start, contentEnd). */
  readonly width: number;
  /** The width this line had available. */
  readonly available: number;
  readonly hanging: boolean;
  /**
   * The closing marks (SQUEEZABLE) in [squeezeFrom, contentEnd) are set compressed by `squeeze`
   * of their width, and `width` is what the line measures so; contentEnd when none is.
   */
  readonly squeezeFrom: number;
  /** Last line of the paragraph (not justified). */
  readonly last: boolean;
}

const EPS = 1e-6;

function sumWidth(pieces: readonly Piece[], from: number, to: number): number {
  let w = 0;
  for (let k = from; k < to; k++) w += (pieces[k] as Piece).width;
  return w;
}

/** Greedy line breaking with 禁则. Pieces wider than a line get a line of their own. */
export function breakLines(pieces: readonly Piece[], opts: BreakOptions): Line[] {
  const lines: Line[] = [];
  const n = pieces.length;
  const hang = opts.hang ?? 0;
  const squeeze = opts.squeeze ?? 0;
  /** Whether the first non-space piece from `at` may start a line. */
  const startsOk = (at: number): boolean => {
    let k = at;
    while (k < n && (pieces[k] as Piece).kind === "space") k++;
    return k >= n || mayStartLine(pieces[k] as Piece);
  };
  let i = 0;
  // Leading spaces of the paragraph are content (they were submitted); spaces at breaks are not.
  while (i < n) {
    const available = lines.length === 0 ? opts.width - (opts.indent ?? 0) : opts.width;
    const start = i;
    let w = 0;
    let hanging = false;
    let squeezeFrom = -1;
    while (i < n) {
      const p = pieces[i] as Piece;
      if (w + p.width <= available + EPS || i === start) {
        w += p.width;
        i++;
        continue;
      }
      if (p.kind === "space") break;
      if (squeeze > 0 && squeezable(p) && mayEndLine(pieces[i - 1] as Piece)) {
        // The closing marks from here (at most two: 。”) end this line if compressing them and
        // the closing marks before them on the line (标点挤压) makes room, and what follows
        // them may start a line. The fewest marks, counted from the line end, are compressed.
        let k = i;
        while (k < n && k < i + 2 && squeezable(pieces[k] as Piece)) {
          w += (pieces[k] as Piece).width;
          k++;
        }
        let from = k;
        while (w > available + EPS && from > start) {
          from--;
          const q = pieces[from] as Piece;
          if (squeezable(q)) w -= q.width * squeeze;
        }
        if (w <= available + EPS && startsOk(k)) {
          squeezeFrom = from;
          i = k;
          break;
        }
        w = sumWidth(pieces, start, i);
      }
      if (
        hang > 0 &&
        HANGABLE.has(p.text) &&
        p.width <= hang + EPS &&
        startsOk(i + 1) &&
        mayEndLine(pieces[i - 1] as Piece)
      ) {
        hanging = true;
        i++;
      }
      break;
    }
    let contentEnd = hanging ? i - 1 : i;
    if (squeezeFrom >= 0) {
      // Ends inside the measure with its compressed marks; spaces after them stay behind.
      while (i < n && (pieces[i] as Piece).kind === "space") i++;
      lines.push({ start, end: i, contentEnd, width: w, available, hanging, squeezeFrom, last: i >= n });
      continue;
    }
    if (!hanging && i < n) {
      // Push pieces to the next line until the break is allowed. Spaces at a break stay behind,
      // so what must be allowed to start a line is the first piece after them.
      const endsOk = (at: number): boolean => {
        let k = at - 1;
        while (k > start && (pieces[k] as Piece).kind === "space") k--;
        return mayEndLine(pieces[k] as Piece);
      };
      const allowed = (at: number): boolean => startsOk(at) && endsOk(at);
      let j = i;
      while (j > start + 1 && !allowed(j)) j--;
      if (allowed(j)) i = j;
      else {
        // Nothing can be pushed down (e.g. one over-wide word, or an opening mark followed by a
        // word too wide for the rest of the line): keep what follows on this line, past the edge,
        // rather than end the line with an opening mark or start the next with a closing one.
        while (i < n && !allowed(i)) i++;
      }
      contentEnd = i;
      w = sumWidth(pieces, start, contentEnd);
    } else if (hanging) {
      w = sumWidth(pieces, start, contentEnd);
    }
    // Spaces at the break stay on this line without width.
    while (contentEnd > start + 1 && (pieces[contentEnd - 1] as Piece).kind === "space" && !hanging) {
      contentEnd--;
      w -= (pieces[contentEnd] as Piece).width;
    }
    while (i < n && (pieces[i] as Piece).kind === "space") i++;
    lines.push({
      start,
      end: i,
      contentEnd,
      width: w,
      available,
      hanging,
      squeezeFrom: contentEnd,
      last: i >= n,
    });
  }
  return lines;
}

/** Number of glyphs (code points) in a piece range. */
export function glyphCount(pieces: readonly Piece[], from: number, to: number): number {
  let c = 0;
  for (let k = from; k < to; k++) c += codePointCount((pieces[k] as Piece).text);
  return c;
}

/**
 * Extra space after each glyph that justifies a line to its available width. 0 for the last
 * line of a paragraph, a line with one glyph, or when the gap would exceed `maxGap`.
 */
export function justifyGap(pieces: readonly Piece[], line: Line, maxGap = Number.POSITIVE_INFINITY): number {
  if (line.last) return 0;
  const glyphs = glyphCount(pieces, line.start, line.contentEnd);
  if (glyphs < 2) return 0;
  const gap = (line.available - line.width) / (glyphs - 1);
  return gap > maxGap ? 0 : gap;
}

/**
 * Styled text → measured pieces → positioned runs. Bridges the pure line breaker and the fonts.
 */
import type { FaceBook, FaceId } from "./fonts.js";
import {
  breakLines,
  justifyGap,
  type Line,
  type Piece,
  SQUEEZABLE,
  segment,
  squeezable,
} from "./line-breaking.js";

/** A span of text in one wanted face (before fallback). */
export interface Span {
  readonly text: string;
  readonly face: FaceId;
}

export interface StyledPiece extends Piece {
  readonly face: FaceId;
}

/** A run of glyphs in one face, `dx` from the start of the line. */
export interface Run {
  readonly face: FaceId;
  readonly text: string;
  readonly dx: number;
}

/** A line ready to draw: runs, character spacing (Tc) and its drawn width. */
export interface SetLine {
  readonly runs: readonly Run[];
  readonly size: number;
  /** Character spacing (Tc) applied after every glyph. */
  readonly tc: number;
  /** Drawn width of the content (excluding a hanging mark and trailing spaces). */
  readonly width: number;
  /** The source text of the line, trailing spaces included. */
  readonly text: string;
  /** Offset of the line within its measure: the first-line indent, else 0. */
  readonly indent: number;
}

export interface SetOptions {
  readonly size: number;
  /** Width available to each line. */
  readonly width: number;
  /** First-line indent. */
  readonly indent?: number;
  /**
   * Spacing added to every glyph before justification: negative to fit 28 characters of 16 pt
   * into 156 mm (the document grid), 0 elsewhere.
   */
  readonly track?: number;
  readonly justify?: boolean;
  /**
   * Keep closing marks inside the measure: at a line end they are set half-width (标点挤压)
   * when that lets them end the line; otherwise a character is pulled down with them. Default
   * true; false breaks with 禁则 only (titles, table cells).
   */
  readonly hang?: boolean;
  /**
   * A word (a long number, a URL) wider than the measure is broken inside (after a joiner, else
   * between digits or letters) rather than run past the edge: for narrow table columns.
   */
  readonly breakWords?: boolean;
}

/** Closing marks at a line end may lose half their width. */
export const SQUEEZE = 0.5;
/**
 * The most a justified line may be letter-spaced, per gap between glyphs, as a fraction of the
 * size. A wider gap (a long number moved to the next line) breaks inside that number instead
 * (after a hyphen, slash or dot, else between digits or letters).
 */
export const MAX_STRETCH = 0.15;

export function measurePieces(
  book: FaceBook,
  spans: readonly Span[],
  size: number,
  track: number,
): StyledPiece[] {
  const out: StyledPiece[] = [];
  for (const span of spans) {
    for (const seg of segment(span.text)) {
      const t = seg.text;
      let w = 0;
      // Index scan rather than for…of: no string per character (this runs over every character).
      for (let i = 0; i < t.length; i++) {
        const cp = t.codePointAt(i) as number;
        if (cp > 0xffff) i++;
        w += (book.metric(span.face, cp)[1] as number) * size + track;
      }
      if (seg.kind === "char" && SQUEEZABLE.has(t)) {
        // Compressible only if the glyph's ink ends inside the compressed advance.
        const cp = t.codePointAt(0) as number;
        const [face, advance] = book.metric(span.face, cp);
        const fixed = book.inkRight(face, cp) > advance * (1 - SQUEEZE) + 0.02;
        out.push({ text: t, kind: seg.kind, width: w, face: span.face, fixed });
        continue;
      }
      out.push({ text: t, kind: seg.kind, width: w, face: span.face });
    }
  }
  return out;
}

/**
 * Positioned runs for pieces [from, to) with `tc` after every glyph. Closing marks in
 * [squeezeFrom, squeezeTo) are set compressed: their advance loses SQUEEZE of its width.
 */
export function runsOf(
  book: FaceBook,
  pieces: readonly StyledPiece[],
  from: number,
  to: number,
  size: number,
  tc: number,
  squeezeFrom = to,
  squeezeTo = to,
): Run[] {
  const runs: Run[] = [];
  let x = 0;
  let cur: { face: FaceId; text: string; dx: number } | null = null;
  for (let k = from; k < to; k++) {
    const p = pieces[k] as StyledPiece;
    const squeezed = k >= squeezeFrom && k < squeezeTo && squeezable(p);
    for (const ch of p.text) {
      const [face, advance] = book.metric(p.face, ch.codePointAt(0) ?? 0);
      if (!cur || cur.face !== face) {
        if (cur) runs.push(cur);
        cur = { face, text: "", dx: x };
      }
      cur.text += ch;
      x += advance * size * (squeezed ? 1 - SQUEEZE : 1) + tc;
      if (squeezed) {
        // The next glyph is placed after the compressed advance: a run of its own.
        runs.push(cur);
        cur = null;
      }
    }
  }
  if (cur) runs.push(cur);
  return runs;
}

/** Where a word may be broken when it would otherwise leave a line letter-spaced. */
function wordBreaks(text: string): number[][] {
  const joiners: number[] = [];
  const digits: number[] = [];
  const letters: number[] = [];
  const cps = Array.from(text);
  let at = 0;
  for (let k = 0; k < cps.length - 1; k++) {
    at += (cps[k] as string).length;
    const a = cps[k] as string;
    const b = cps[k + 1] as string;
    if (/[-/._:+&@]/.test(a) && /[\p{L}\p{N}]/u.test(b)) joiners.push(at);
    else if (/\d/.test(a) && /\d/.test(b)) digits.push(at);
    else if (/[\p{L}\p{N}]/u.test(a) && /[\p{L}\p{N}]/u.test(b)) letters.push(at);
  }
  return [joiners, digits, letters];
}

/**
 * Splits the word at `index` so that its first part fills the line before it (`room` wide),
 * preferring a break after a joiner, then between digits, then between letters. Returns false
 * when no part fits.
 */
function splitWord(
  book: FaceBook,
  pieces: StyledPiece[],
  index: number,
  room: number,
  size: number,
  track: number,
): boolean {
  const p = pieces[index] as StyledPiece;
  for (const candidates of wordBreaks(p.text)) {
    let best = -1;
    for (const at of candidates) {
      const head = measurePieces(book, [{ text: p.text.slice(0, at), face: p.face }], size, track);
      if (head.reduce((w, h) => w + h.width, 0) <= room + 1e-6) best = at;
    }
    if (best > 0) {
      const parts = [p.text.slice(0, best), p.text.slice(best)].map(
        (text): StyledPiece => ({
          text,
          kind: "word",
          face: p.face,
          width: measurePieces(book, [{ text, face: p.face }], size, track).reduce((w, h) => w + h.width, 0),
        }),
      );
      pieces.splice(index, 1, ...parts);
      return true;
    }
  }
  return false;
}

/** Breaks and sets styled text into lines. */
export function setText(book: FaceBook, spans: readonly Span[], opts: SetOptions): SetLine[] {
  const track = opts.track ?? 0;
  const pieces = measurePieces(book, spans, opts.size, track);
  const squeeze = opts.hang === false ? 0 : SQUEEZE;
  const breakOpts = { width: opts.width, indent: opts.indent ?? 0, squeeze };
  let lines = breakLines(pieces, breakOpts);
  if (opts.breakWords) {
    for (let k = 0; k < lines.length; k++) {
      const line = lines[k] as Line;
      if (line.width <= line.available + 1e-6) continue;
      // The first word that crosses the edge gives what fits before it to this line.
      let w = 0;
      let at = line.start;
      while (at < line.contentEnd && w + (pieces[at] as StyledPiece).width <= line.available + 1e-6)
        w += (pieces[at++] as StyledPiece).width;
      if (at >= line.contentEnd || (pieces[at] as StyledPiece).kind !== "word") continue;
      const room = w > 0 && at > line.start ? line.available - w : line.available;
      if (
        splitWord(book, pieces, at, room, opts.size, track) ||
        (room < line.available && splitWord(book, pieces, at, line.available, opts.size, track))
      ) {
        lines = breakLines(pieces, breakOpts);
        k--;
      }
    }
  }
  if (opts.justify) {
    // A line that would be letter-spaced beyond MAX_STRETCH takes part of the word that was
    // moved to the next line instead.
    const limit = MAX_STRETCH * opts.size;
    for (let k = 0; k < lines.length - 1; k++) {
      const line = lines[k] as Line;
      const next = lines[k + 1] as Line;
      const word = pieces[next.start] as StyledPiece;
      if (justifyGap(pieces, line) <= limit || word.kind !== "word") continue;
      if (splitWord(book, pieces, next.start, line.available - line.width, opts.size, track)) {
        lines = breakLines(pieces, breakOpts);
        k--; // the same line again: the rest of the word may fill it further
      }
    }
  }
  return lines.map((line: Line, k) => {
    // Justification gaps are capped at half an em; wider would look like letter-spacing.
    const gap = opts.justify ? justifyGap(pieces, line, opts.size * 0.5) : 0;
    const tc = track + gap;
    let text = "";
    for (let k = line.start; k < line.end; k++) text += (pieces[k] as StyledPiece).text;
    let width = line.width;
    if (gap > 0) width = line.available;
    return {
      runs: runsOf(book, pieces, line.start, line.end, opts.size, tc, line.squeezeFrom, line.contentEnd),
      size: opts.size,
      tc,
      width,
      text,
      indent: k === 0 ? (opts.indent ?? 0) : 0,
    };
  });
}

/** Natural drawn width of a single-line text. */
export function textWidth(book: FaceBook, spans: readonly Span[], size: number, track = 0): number {
  return measurePieces(book, spans, size, track).reduce((w, p) => w + p.width, 0);
}

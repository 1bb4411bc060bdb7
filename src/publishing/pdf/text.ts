/**
 * Styled text → measured pieces → positioned runs. Bridges the pure line breaker and the fonts.
 */
import type { FaceBook, FaceId } from "./fonts.js";
import { breakLines, justifyGap, type Line, type Piece, segment } from "./line-breaking.js";

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
  /** Allow a closing mark to hang past the edge (one grid character). */
  readonly hang?: boolean;
}

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
      out.push({ text: t, kind: seg.kind, width: w, face: span.face });
    }
  }
  return out;
}

/** Positioned runs for pieces [from, to) with `tc` after every glyph. */
export function runsOf(
  book: FaceBook,
  pieces: readonly StyledPiece[],
  from: number,
  to: number,
  size: number,
  tc: number,
): Run[] {
  const runs: Run[] = [];
  let x = 0;
  let cur: { face: FaceId; text: string; dx: number } | null = null;
  for (let k = from; k < to; k++) {
    const p = pieces[k] as StyledPiece;
    for (const ch of p.text) {
      const [face, advance] = book.metric(p.face, ch.codePointAt(0) ?? 0);
      if (!cur || cur.face !== face) {
        if (cur) runs.push(cur);
        cur = { face, text: "", dx: x };
      }
      cur.text += ch;
      x += advance * size + tc;
    }
  }
  if (cur) runs.push(cur);
  return runs;
}

/** Breaks and sets styled text into lines. */
export function setText(book: FaceBook, spans: readonly Span[], opts: SetOptions): SetLine[] {
  const track = opts.track ?? 0;
  const pieces = measurePieces(book, spans, opts.size, track);
  const hang = opts.hang === false ? 0 : opts.size + track;
  const lines = breakLines(pieces, { width: opts.width, indent: opts.indent ?? 0, hang });
  return lines.map((line: Line, k) => {
    // Justification gaps are capped at half an em; wider would look like letter-spacing.
    const gap = opts.justify ? justifyGap(pieces, line, opts.size * 0.5) : 0;
    const tc = track + gap;
    let text = "";
    for (let k = line.start; k < line.end; k++) text += (pieces[k] as StyledPiece).text;
    let width = line.width;
    if (gap > 0) width = line.available;
    return {
      runs: runsOf(book, pieces, line.start, line.end, opts.size, tc),
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

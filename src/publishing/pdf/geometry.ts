/** Page geometry of GB/T 9704-2012 on A4, in PDF points. */

export const MM = 72 / 25.4;
export const PAGE_W = 595.28;
export const PAGE_H = 841.89;
/** 天头 37 mm; binding side 订口 28 mm; type area 156 × 225 mm. */
export const TOP = 37 * MM;
export const BINDING = 28 * MM;
export const OUTER = PAGE_W - BINDING - 156 * MM;
export const TYPE_W = 156 * MM;
export const TYPE_H = 225 * MM;
export const LINES_PER_PAGE = 22;
export const CHARS_PER_LINE = 28;
/** Line pitch of the 22-line grid. */
export const PITCH = TYPE_H / LINES_PER_PAGE;

/** 号 sizes in points. */
export const SIZE = { er: 22, san: 16, si: 14, xiaosi: 12, wuhao: 10.5 } as const;
export const BODY = SIZE.san;
/** Horizontal pitch of the 28-character grid at the body size (15.79 pt). */
export const CHAR_PITCH = TYPE_W / CHARS_PER_LINE;
/** Fandol/Noto ascent as a fraction of the em; used to sit an em box in a grid line. */
export const ASCENT = 0.88;

/** Left edge of the type area: binding on the left of odd (recto) pages, right of even ones. */
export function typeLeft(physicalOrPrintedPage: number): number {
  return physicalOrPrintedPage % 2 === 1 ? BINDING : OUTER;
}

/** Baseline (from the page top) of text of `size` set in the grid line whose top is `lineTop`. */
export function baselineIn(lineTop: number, size: number, pitch: number = PITCH): number {
  return TOP + lineTop + (pitch - size) / 2 + ASCENT * size;
}

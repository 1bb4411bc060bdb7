/**
 * Marks the recogniser reads where nothing is printed.
 *
 * Tesseract's LSTM models, reading Chinese, fill a wide stretch of blank paper inside a line —
 * the full-width space after 第五条 or 第1條, a gap between the cells of a table — with a mark
 * it guesses from context: ” “ ] [ , and the like. A printed mark has ink; so a mark whose place
 * in the line is blank paper, in a blank stretch wider than the space a mark leaves around itself
 * (a full-width mark fills about half its cell), was not printed and is dropped.
 *
 * Word boxes are exact; where a character sits inside a multi-character word is estimated
 * (the box split evenly among its characters: Chinese type is set in square cells). Only marks
 * are ever dropped, never a letter, digit or Han character.
 */
import type { GreyImage } from "../images.js";
import type { HocrPage, OcrLine, OcrWord } from "./hocr.js";

const INK = 128;

/** Punctuation and symbols: what the models put into a blank stretch. */
export function isMark(ch: string): boolean {
  return /^[\p{P}\p{S}]$/u.test(ch);
}

/** Ink pixels per column of [x0, x1) over rows [y0, y1). */
function columnInk(image: GreyImage, x0: number, x1: number, y0: number, y1: number): Uint32Array {
  const out = new Uint32Array(Math.max(0, x1 - x0));
  for (let y = Math.max(0, y0); y < Math.min(image.height, y1); y++) {
    const row = y * image.width;
    for (let x = Math.max(0, x0); x < Math.min(image.width, x1); x++)
      if (image.pixels[row + x]! < INK) out[x - x0]!++;
  }
  return out;
}

/**
 * Drops the marks of a reading that sit on blank paper, in a word whose confidence is below
 * `UNSURE`: the middle of the mark's estimated place has no ink and lies in a blank stretch of the
 * line at least `BLANK` characters wide; or the mark is glued to the front (back) of a word of
 * characters whose box begins (ends) at a character's ink beside a blank stretch at least
 * `GLUED_BLANK` characters wide (`blankBeside`).
 * `c` is the character size in pixels; the page's boxes are in `image`'s coordinates.
 */
export function dropPhantomMarks(page: HocrPage, image: GreyImage, c: number): HocrPage {
  const minBlank = Math.max(3, Math.round(c * BLANK));
  const lines = page.lines.map((line): OcrLine => {
    if (line.words.length === 0) return line;
    const y0 = Math.min(...line.words.map((w) => w.bbox[1]));
    const y1 = Math.max(...line.words.map((w) => w.bbox[3]));
    const x0 = Math.max(0, Math.min(...line.words.map((w) => w.bbox[0])));
    const x1 = Math.min(image.width, Math.max(...line.words.map((w) => w.bbox[2])));
    let profile: Uint32Array | undefined;
    /** Width of the blank stretch of the line around x (0 where there is ink). */
    const blankAround = (x: number): number => {
      profile ??= columnInk(image, x0, x1, y0, y1);
      const at = Math.round(x) - x0;
      if (at < 0 || at >= profile.length || profile[at]! > 0) return 0;
      let from = at;
      while (from > 0 && profile[from - 1] === 0) from--;
      let to = at;
      while (to + 1 < profile.length && profile[to + 1] === 0) to++;
      return to - from + 1;
    };
    const words: OcrWord[] = [];
    for (const word of line.words) {
      const chars = [...word.text];
      if (word.confidence >= UNSURE || !chars.some(isMark)) {
        words.push(word);
        continue;
      }
      const step = (word.bbox[2] - word.bbox[0]) / chars.length;
      // A mark glued to the front (or back) of a word of characters, where the word's box begins
      // (ends) at a character's ink right after (before) a wide blank: the model read the blank
      // as the mark and boxed only the characters (its boxes for such words run on far past
      // their text, so the mark's estimated place lands on ink).
      const glued = (end: "front" | "back"): boolean => {
        const i = end === "front" ? 0 : chars.length - 1;
        const neighbour = chars[end === "front" ? 1 : chars.length - 2];
        if (!isMark(chars[i]!) || neighbour === undefined || isMark(neighbour)) return false;
        return blankBeside(image, word.bbox, y0, y1, c, end);
      };
      const front = glued("front");
      const back = glued("back");
      const kept = chars.filter((ch, i) => {
        if (!isMark(ch)) return true;
        if ((i === 0 && front) || (i === chars.length - 1 && back)) return false;
        const middle = word.bbox[0] + (i + 0.5) * step;
        return word.confidence >= UNSURE || blankAround(middle) < minBlank;
      });
      if (kept.length === chars.length) words.push(word);
      else if (kept.length > 0) words.push({ ...word, text: kept.join("") });
    }
    return { words };
  });
  return { ...page, lines: lines.filter((l) => l.words.length > 0) };
}

/**
 * Whether a word's box starts (`front`) or ends (`back`) at ink that is a character, not a mark,
 * with a blank stretch of at least `GLUED_BLANK` characters outside it. A printed full-width mark
 * leaves at most about half a cell blank on its open side, and its own ink is a mark's: narrow
 * (「 （ [) or short (“ 、).
 */
function blankBeside(
  image: GreyImage,
  bbox: OcrWord["bbox"],
  y0: number,
  y1: number,
  c: number,
  end: "front" | "back",
): boolean {
  const tolerance = Math.max(2, Math.round(c * 0.25));
  const dir = end === "front" ? 1 : -1;
  const edge = end === "front" ? bbox[0] : bbox[2] - 1;
  const inkAt = (x: number): number => {
    if (x < 0 || x >= image.width) return 0;
    let n = 0;
    for (let y = Math.max(0, y0); y < Math.min(image.height, y1); y++)
      if (image.pixels[y * image.width + x]! < INK) n++;
    return n;
  };
  // The first ink from just outside the box's edge inwards, within a character.
  let first = -1;
  for (let k = -tolerance; k <= c; k++) {
    const x = edge + dir * k;
    if (inkAt(x) > 0) {
      first = x;
      break;
    }
  }
  if (first < 0) return false;
  // The blank stretch outside that ink.
  let blank = 0;
  for (let x = first - dir; x >= 0 && x < image.width && inkAt(x) === 0; x -= dir) blank++;
  if (blank < c * GLUED_BLANK) return false;
  // The ink there: its run of inked columns (up to a character; a mark set against the next
  // character still leaves a column blank) and its height.
  let top = y1;
  let bottom = y0;
  let width = 0;
  for (let x = first; width < c && x >= 0 && x < image.width; x += dir) {
    let any = false;
    for (let y = Math.max(0, y0); y < Math.min(image.height, y1); y++) {
      if (image.pixels[y * image.width + x]! >= INK) continue;
      any = true;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
    }
    if (!any) break;
    width++;
  }
  const height = bottom - top + 1;
  return width > c * 0.45 && height > c * 0.5;
}

/** A blank stretch this many characters wide beside a word's box holds no mark glued to it. */
export const GLUED_BLANK = 0.75;

/**
 * A blank stretch this many characters wide holds no printed mark: a full-width mark leaves at
 * most about half a cell blank on one side, plus the side bearing of its neighbour (two marks
 * side by side, 》（, leave about a cell between them).
 */
export const BLANK = 1;

/**
 * Word confidence below which the model itself doubts the word. Phantom marks come with
 * confidences of 0–68 on the eval pages; printed marks in a gap (，》 before （) with about 90.
 */
export const UNSURE = 75;

/**
 * Which script a page is printed in, from the printed glyphs themselves.
 *
 * Each Chinese model reads the other script fluently: chi_tra reads a printed 会 as 會 with
 * about the confidence chi_sim reads it as 会, so the models' confidences decide a page only by a
 * point or two, and the text they write says nothing (each writes its own script). The print
 * does: a character that has two forms (会/會, 书/書, 条/條) is drawn with many more strokes in
 * Traditional than in Simplified, while a character with one form (人, 第, 法) is the same in
 * both. So on a page read with either model:
 *   complexity(glyphs of two-form characters) / complexity(glyphs of one-form characters)
 * is about 1 on a Simplified page (a Simplified form is about as complex as the average
 * character) and clearly above on a Traditional one (see the thresholds below). A glyph's complexity is its number of ink runs
 * along every row and column over its width plus height — a count of strokes crossed, which
 * does not depend much on the type's size or weight.
 *
 * The glyphs are found from the reading's word boxes, each word's box split evenly among its
 * characters along its longer side (Chinese type is set in square cells).
 */
import { lazyCharConverter } from "../../documents/han-variants.js";
import type { GreyImage } from "../images.js";
import type { Script } from "./engine.js";
import type { HocrPage } from "./hocr.js";

// Single characters only: the character dictionaries suffice (documents/han-variants.ts), and the
// full opencc-js entry would add its ~1 MB of phrase tables to the archive consumer's bundle.
const toSimplified = lazyCharConverter("t→cn");
const toTraditional = lazyCharConverter("cn→t");

/** Whether a Han character is written differently in the two scripts. */
export function hasTwoForms(ch: string): boolean {
  return toTraditional(ch) !== ch || toSimplified(ch) !== ch;
}

export interface GlyphTally {
  /** Glyphs of characters with two forms: count and summed complexity. */
  readonly twoForms: { readonly n: number; readonly sum: number };
  /** Glyphs of characters with one form. */
  readonly oneForm: { readonly n: number; readonly sum: number };
}

export const EMPTY_TALLY: GlyphTally = { twoForms: { n: 0, sum: 0 }, oneForm: { n: 0, sum: 0 } };

export function addTallies(a: GlyphTally, b: GlyphTally): GlyphTally {
  return {
    twoForms: { n: a.twoForms.n + b.twoForms.n, sum: a.twoForms.sum + b.twoForms.sum },
    oneForm: { n: a.oneForm.n + b.oneForm.n, sum: a.oneForm.sum + b.oneForm.sum },
  };
}

/** Ink runs along the rows and columns of a box, over its width plus height. */
export function glyphComplexity(image: GreyImage, x0: number, y0: number, x1: number, y1: number): number {
  const ax0 = Math.max(0, Math.round(x0));
  const ay0 = Math.max(0, Math.round(y0));
  const ax1 = Math.min(image.width, Math.round(x1));
  const ay1 = Math.min(image.height, Math.round(y1));
  if (ax1 - ax0 < 2 || ay1 - ay0 < 2) return 0;
  const { pixels, width } = image;
  let runs = 0;
  for (let y = ay0; y < ay1; y++) {
    let prev = false;
    for (let x = ax0; x < ax1; x++) {
      const on = pixels[y * width + x]! < 128;
      if (on && !prev) runs++;
      prev = on;
    }
  }
  for (let x = ax0; x < ax1; x++) {
    let prev = false;
    for (let y = ay0; y < ay1; y++) {
      const on = pixels[y * width + x]! < 128;
      if (on && !prev) runs++;
      prev = on;
    }
  }
  return runs / (ax1 - ax0 + (ay1 - ay0));
}

/** Tallies the glyphs of a reading, in the coordinates of the image it was read from. */
export function tallyGlyphs(image: GreyImage, page: HocrPage): GlyphTally {
  const two = { n: 0, sum: 0 };
  const one = { n: 0, sum: 0 };
  for (const line of page.lines) {
    for (const word of line.words) {
      const chars = [...word.text];
      const [x0, y0, x1, y1] = word.bbox;
      const across = x1 - x0 >= y1 - y0;
      const step = ((across ? x1 - x0 : y1 - y0) || 0) / chars.length;
      chars.forEach((ch, i) => {
        if (!/\p{Script=Han}/u.test(ch)) return;
        const c = across
          ? glyphComplexity(image, x0 + i * step, y0, x0 + (i + 1) * step, y1)
          : glyphComplexity(image, x0, y0 + i * step, x1, y0 + (i + 1) * step);
        if (c <= 0) return;
        const into = hasTwoForms(ch) ? two : one;
        into.n++;
        into.sum += c;
      });
    }
  }
  return { twoForms: two, oneForm: one };
}

/** Fewer two-form glyphs than this and the tally does not decide. */
export const MIN_TWO_FORM_GLYPHS = 30;

/**
 * The ratio depends a little on the text (which characters it uses) and on the copy (an aged
 * print's strokes run together), so it decides only when it is clearly on one side: at most
 * SIMPLIFIED_RATIO (Simplified pages measured 0.99–1.03 on the eval set, a Simplified notice
 * 1.10), at least TRADITIONAL_RATIO (Traditional pages 1.16–1.38, an aged vertical one 1.11).
 * In between it says nothing and the models' confidence decides.
 */
export const SIMPLIFIED_RATIO = 1.05;
export const TRADITIONAL_RATIO = 1.15;

/** The tally as evidence: two-form glyphs read and the complexity ratio (NaN without glyphs). */
export function glyphEvidence(tally: GlyphTally): { twoForms: number; ratio: number } {
  return {
    twoForms: tally.twoForms.n,
    ratio: tally.twoForms.sum / tally.twoForms.n / (tally.oneForm.sum / tally.oneForm.n),
  };
}

/** The script the glyphs show, or undefined when there are too few or the ratio is in between. */
export function scriptOfGlyphs(tally: GlyphTally): Script | undefined {
  if (tally.twoForms.n < MIN_TWO_FORM_GLYPHS || tally.oneForm.n < MIN_TWO_FORM_GLYPHS) return undefined;
  const ratio = tally.twoForms.sum / tally.twoForms.n / (tally.oneForm.sum / tally.oneForm.n);
  if (ratio >= TRADITIONAL_RATIO) return "tra";
  if (ratio <= SIMPLIFIED_RATIO) return "sim";
  return undefined;
}

import * as OpenCC from "opencc-js";
import { beforeAll, describe, expect, it } from "vitest";
import type { GreyImage } from "../../src/archive/images.js";
import type { HocrPage } from "../../src/archive/ocr/hocr.js";
import {
  glyphComplexity,
  hasTwoForms,
  MIN_TWO_FORM_GLYPHS,
  scriptOfGlyphs,
  tallyGlyphs,
} from "../../src/archive/ocr/script.js";
import { rasterisePdf, SAMPLE_LINES_SIMPLIFIED, syntheticPdf } from "../../src/archive/synthetic.js";

// The script of a page from its printed glyphs (no OCR): words are boxed where syntheticPdf
// set them, as an engine would box them.

const toTraditional = OpenCC.Converter({ from: "cn", to: "t" });
// Lines of Han characters and full-width punctuation only (every character one em wide).
const SIMPLIFIED = SAMPLE_LINES_SIMPLIFIED.filter((l) => !/[0-9A-Za-z]/.test(l));
const TRADITIONAL = SIMPLIFIED.map((l) => toTraditional(l));
const SIZE = 12;

/** The page as read: one word per line, boxed where syntheticPdf sets the line at 200 dpi. */
function readingOf(lines: readonly string[]): HocrPage {
  const s = 200 / 72;
  const pageTop = 841.89;
  return {
    width: Math.round(595.28 * s),
    height: Math.round(pageTop * s),
    lines: lines.map((text, row) => {
      const baseline = pageTop - (760 - row * SIZE * 1.8);
      return {
        words: [
          {
            text,
            confidence: 90,
            bbox: [
              Math.round(72 * s),
              Math.round((baseline - SIZE * 0.9) * s),
              Math.round((72 + [...text].length * SIZE) * s),
              Math.round((baseline + SIZE * 0.15) * s),
            ] as const,
          },
        ],
      };
    }),
  };
}

describe("the script of a page from its glyphs", () => {
  let simplified: GreyImage;
  let traditional: GreyImage;

  beforeAll(async () => {
    // Prepare: the same notice printed in Simplified (Song) and in Traditional (Noto Serif TC).
    simplified = rasterisePdf(await syntheticPdf([{ lines: SIMPLIFIED, size: SIZE }]));
    traditional = rasterisePdf(await syntheticPdf([{ lines: TRADITIONAL, size: SIZE, traditional: true }]));
  });

  it("tells a Traditional print whichever script the reading is in, and never calls the Simplified one Traditional", () => {
    // Act: each page tallied under a reading in its own script and under one in the other
    // (each model writes its own script whatever the print).
    const fromSimplified = [
      scriptOfGlyphs(tallyGlyphs(simplified, readingOf(SIMPLIFIED))),
      scriptOfGlyphs(tallyGlyphs(simplified, readingOf(TRADITIONAL))),
    ];
    const fromTraditional = [
      scriptOfGlyphs(tallyGlyphs(traditional, readingOf(TRADITIONAL))),
      scriptOfGlyphs(tallyGlyphs(traditional, readingOf(SIMPLIFIED))),
    ];
    // Assess: the Traditional print is Traditional; the Simplified one is Simplified or left to
    // the models' confidence (its ratio falls between the thresholds).
    expect(fromTraditional).toEqual(["tra", "tra"]);
    for (const found of fromSimplified) expect(found).not.toBe("tra");
  });

  it("calls a page Simplified when its two-form glyphs are no more complex than the others", () => {
    const tally = { twoForms: { n: 40, sum: 40 * 2.0 }, oneForm: { n: 80, sum: 80 * 2.0 } };
    expect(scriptOfGlyphs(tally)).toBe("sim");
    expect(scriptOfGlyphs({ ...tally, twoForms: { n: 40, sum: 40 * 2.5 } })).toBe("tra");
    expect(scriptOfGlyphs({ ...tally, twoForms: { n: 40, sum: 40 * 2.2 } })).toBeUndefined();
  });

  it("counts the two-form characters it measured, and does not decide on too few", () => {
    const tally = tallyGlyphs(traditional, readingOf(TRADITIONAL));
    const twoForms = TRADITIONAL.join("")
      .split("")
      .filter((ch) => /\p{Script=Han}/u.test(ch) && hasTwoForms(ch)).length;
    expect(tally.twoForms.n).toBe(twoForms);
    expect(twoForms).toBeGreaterThanOrEqual(MIN_TWO_FORM_GLYPHS);
    expect(scriptOfGlyphs(tallyGlyphs(traditional, readingOf(TRADITIONAL.slice(0, 1))))).toBeUndefined();
  });

  it("measures more complexity in a glyph of more strokes", () => {
    // Prepare: a box with one bar across and a box with five.
    const draw = (bars: number): GreyImage => {
      const pixels = new Uint8Array(40 * 40).fill(255);
      for (let b = 0; b < bars; b++) {
        const y = 4 + Math.round((b * 32) / Math.max(1, bars - 1));
        pixels.fill(0, y * 40 + 4, y * 40 + 36);
      }
      return { width: 40, height: 40, pixels };
    };
    // Act / Assess
    expect(glyphComplexity(draw(5), 0, 0, 40, 40)).toBeGreaterThan(glyphComplexity(draw(1), 0, 0, 40, 40));
    expect(glyphComplexity(draw(1), 0, 0, 1, 1)).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { decodeImage, type GreyImage } from "../../src/archive/images.js";
import type { OcrEngine, OcrOptions, OcrResult } from "../../src/archive/ocr/engine.js";
import { pageText } from "../../src/archive/ocr/hocr.js";
import { readPage } from "../../src/archive/ocr/page.js";
import { inkCrop, rasterisePdf, SAMPLE_LINES_SIMPLIFIED, syntheticPdf } from "../../src/archive/synthetic.js";

// The script of a vertical page whose glyphs do not tell (an aged Traditional copy, whose strokes
// run together, measured in between): the trial reading of a few sample columns decided it alone.

/**
 * An engine standing in for Tesseract: each model reads every line as the same words in its own
 * script, surer of them the more of the page it sees in one script. On the few columns of the
 * trial sample (the first image it is given) the Simplified model is the surer; on the whole
 * page (relaid as more lines: a taller image) the Traditional one.
 */
class SampleMisleadsEngine implements OcrEngine {
  readonly name = "sample-misleads";
  private sample = 0;

  async recognize(png: Uint8Array, options: OcrOptions): Promise<OcrResult> {
    const image = decodeImage(png);
    this.sample ||= image.height;
    const whole = image.height >= this.sample * 1.5;
    const text = options.script === "tra" ? "這個國家的規定" : "这个国家的规定";
    const confidence = (options.script === "tra") === whole ? 95 : 80;
    const lines = Array.from({ length: 4 }, (_, i) => {
      const y0 = Math.floor((image.height * i) / 4);
      const y1 = Math.floor((image.height * (i + 1)) / 4);
      return { words: [{ text, bbox: [0, y0, image.width, y1] as const, confidence }] };
    });
    const page = { width: image.width, height: image.height, lines };
    return { text: pageText(page), confidence, hocr: "", page, language: `chi_${options.script}` };
  }

  async close(): Promise<void> {}
}

describe("deciding a page's script when its glyphs do not tell", () => {
  it("lets a vertical page read whole with both scripts' models decide, not the trial sample's few columns", async () => {
    // Prepare: a vertical page of twenty columns (the trial sample takes about eight) and an
    // engine whose Traditional model is surer on the whole page but not on the sample.
    const lines = [...SAMPLE_LINES_SIMPLIFIED, ...SAMPLE_LINES_SIMPLIFIED].slice(0, 20);
    const page: GreyImage = inkCrop(
      rasterisePdf(await syntheticPdf([{ lines, size: 12, vertical: true, traditional: true }])),
      40,
    );
    const engine = new SampleMisleadsEngine();
    // Act
    const reading = await readPage(page, engine, { script: "auto" });
    // Assess
    expect(reading.vertical).toBe(true);
    expect(reading.glyphs?.twoForms ?? 0).toBeLessThan(30);
    expect(reading.script).toBe("tra");
    expect(reading.text.replace(/\s/g, "")).toContain("這個國家的規定");
  });
});

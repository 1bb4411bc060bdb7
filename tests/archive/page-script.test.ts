import { describe, expect, it } from "vitest";
import { decodeImage, type GreyImage } from "../../src/archive/images.js";
import type { OcrEngine, OcrOptions, OcrResult } from "../../src/archive/ocr/engine.js";
import { pageText } from "../../src/archive/ocr/hocr.js";
import { readPage } from "../../src/archive/ocr/page.js";
import { inkCrop, rasterisePdf, SAMPLE_LINES_SIMPLIFIED, syntheticPdf } from "../../src/archive/synthetic.js";

// The page's script when its glyphs do not tell (an aged Traditional copy, whose strokes run
// together, measured in between): the trial reading of a few sample lines decided it alone.

/**
 * An engine standing in for Tesseract: each model reads every line as the same words in its own
 * script, surer of them the more of the page it sees in one script. On the few lines of the
 * trial sample the Simplified model is the surer; on the whole page the Traditional one.
 */
class SampleMisleadsEngine implements OcrEngine {
  readonly name = "sample-misleads";
  constructor(private readonly pageHeight: number) {}

  async recognize(png: Uint8Array, options: OcrOptions): Promise<OcrResult> {
    const image = decodeImage(png);
    const whole = image.height >= this.pageHeight * 0.7;
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
  it("lets the whole page read with both scripts' models decide, not the trial sample's few lines", async () => {
    // Prepare: a page of sixteen lines (the trial sample is a third of it) and an engine whose
    // Traditional model is surer on the whole page but not on the sample.
    const lines = [...SAMPLE_LINES_SIMPLIFIED, ...SAMPLE_LINES_SIMPLIFIED].slice(0, 16);
    const page: GreyImage = inkCrop(rasterisePdf(await syntheticPdf([{ lines, size: 12 }])), 40);
    const engine = new SampleMisleadsEngine(page.height);
    // Act
    const reading = await readPage(page, engine, { script: "auto" });
    // Assess
    expect(reading.glyphs?.twoForms ?? 0).toBeLessThan(30);
    expect(reading.script).toBe("tra");
    expect(reading.text.replace(/\s/g, "")).toContain("這個國家的規定");
  });
});

/**
 * OCR engines for tests that exercise the archive's pipeline, not its recognition: they "read" a
 * page by what the test says it holds, with real hOCR (one line box per text line) parsed by the
 * archive's own hOCR reader, so the page unit, segmentation and completion run as with Tesseract.
 */
import { decodeImage, encodePng } from "../../src/archive/images.js";
import type { OcrEngine, OcrOptions, OcrResult } from "../../src/archive/ocr/engine.js";

/** hOCR for a 200-pixel-wide page with one line box per line of `text`, each word at `confidence`. */
export function hocrOf(text: string, confidence = 92): string {
  const lines = text
    .split("\n")
    .filter((line) => line !== "")
    .map(
      (line, i) =>
        `<span class='ocr_line' title='bbox 0 ${i * 20} 200 ${i * 20 + 18}'><span class='ocrx_word' title='bbox 0 ${i * 20} 200 ${i * 20 + 18}; x_wconf ${confidence}'>${line}</span></span>`,
    )
    .join("");
  return `<div class='ocr_page' title='bbox 0 0 200 120'>${lines}</div>`;
}

/** A blank page whose width (200 + index) says which page it stands for. */
export function indexedPagePng(index: number): Uint8Array {
  const width = 200 + index;
  return encodePng({ width, height: 120, pixels: new Uint8Array(width * 120).fill(255) });
}

/**
 * Reads each page as the text its width stands for (`texts[width − 200]`, see indexedPagePng),
 * or, given one string, every page as that string. Counts the pages it read.
 */
export class PageTextOcr implements OcrEngine {
  readonly name = "page-text";
  pages = 0;
  constructor(
    private readonly texts: string | readonly string[],
    private readonly confidence = 92,
  ) {}

  async recognize(png: Uint8Array, options: OcrOptions): Promise<OcrResult> {
    this.pages++;
    const text =
      typeof this.texts === "string" ? this.texts : (this.texts[decodeImage(png).width - 200] ?? "");
    const hocr = hocrOf(text, this.confidence);
    const { parseHocr } = await import("../../src/archive/ocr/hocr.js");
    return {
      text,
      confidence: this.confidence,
      hocr,
      page: parseHocr(hocr),
      language: `chi_${options.script}`,
    };
  }

  async close() {}
}

/**
 * The OCR engine of the processes that read pages: the native tesseract CLI where installed
 * (GAZETTE_OCR_ENGINE=tesseract.js turns it off), else tesseract.js. Loaded on first use, like
 * mupdf; a separate module so that only those processes bundle the engine.
 */
import type { OcrEngine } from "./engine.js";

export async function loadOcrEngine(): Promise<OcrEngine> {
  const { createOcrEngine } = await import("./engine.js");
  return createOcrEngine({ native: process.env.GAZETTE_OCR_ENGINE === "tesseract.js" ? "off" : "auto" });
}

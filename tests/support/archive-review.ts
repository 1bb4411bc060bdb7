import { encodePng } from "../../src/archive/images.js";
import { type Archive, createArchive } from "../../src/archive/module.js";
import type { OcrEngine } from "../../src/archive/ocr/engine.js";
import { parseHocr } from "../../src/archive/ocr/hocr.js";
import { drainArchiveQueue } from "../archive/harness.js";
import type { TestApp } from "./local-app.js";

/** hOCR of one line, 四川省 森林 防火 and `lastWord`, the last word read with confidence 50. */
export function poorlyReadLineHocr(lastWord: string): string {
  return `<div class='ocr_page' title='bbox 0 0 1000 2000'>
<span class='ocr_line' title='bbox 100 200 900 240'>
<span class='ocrx_word' title='bbox 100 200 300 240; x_wconf 95'>四川省</span>
<span class='ocrx_word' title='bbox 300 200 500 240; x_wconf 93'>森林</span>
<span class='ocrx_word' title='bbox 500 200 700 240; x_wconf 90'>防火</span>
<span class='ocrx_word' title='bbox 700 200 900 240; x_wconf 50'>${lastWord}</span>
</span></div>`;
}

/**
 * The OCR engine port answering with a poorly read page (confidence 60, no date, no issuer; by
 * default a misread 法 in its last word), so that the archive puts the item in the review queue
 * as it would a real bad scan.
 */
export function poorlyReadPage(lastWord = "办怯"): OcrEngine {
  const hocr = poorlyReadLineHocr(lastWord);
  return {
    name: "test-page-reader",
    async recognize() {
      return {
        text: `四川省森林防火${lastWord}`,
        confidence: 60,
        hocr,
        page: parseHocr(hocr),
        language: "chi_sim",
      };
    },
    async close() {},
  };
}

/** One scanned page read by the archive consumer into one item waiting for review. */
export async function ingestScanForReview(
  app: TestApp,
  ocr: OcrEngine = poorlyReadPage(),
): Promise<{ archive: Archive; itemId: string; jobId: string }> {
  const archive = createArchive({
    platform: app.container.platform,
    gazette: app.container.config.gazette,
    search: app.container.search,
    ocr: async () => ocr,
  });
  const png = encodePng({ width: 100, height: 200, pixels: new Uint8Array(20_000).fill(255) });
  const job = await archive.service.submitScans(
    [{ field: "files.0", name: "p1.png", bytes: png }],
    { year: "1985", issue: "3", gazette: "四川政报", date: "1985-03-10" },
    "editor",
  );
  await drainArchiveQueue(app.container.platform.queues, archive.handler);
  return { archive, itemId: `${job.id}-001`, jobId: job.id };
}

/** One scanned page read by the archive consumer into one item waiting for review; its id. */
export async function scannedItemForReview(app: TestApp): Promise<string> {
  const { archive, itemId } = await ingestScanForReview(app);
  await archive.close();
  return itemId;
}

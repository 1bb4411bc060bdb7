/**
 * Synthetic scans for the archive's tests and bench: known Chinese text typeset with pdf-lib and
 * the project's fonts, rasterised by mupdf at 200 dpi, then optionally aged like a real scan
 * (rotation, noise, blur, yellowing). The known text is the ground truth for CER.
 */
import "./mupdf-wasm.js";
import * as mupdf from "mupdf";
import { PDFDocument, rgb } from "pdf-lib";
import { createFontkitAdapter } from "../publishing/pdf/fontkit-adapter.js";
import { defaultFontSet, NOTO_SERIF_TC } from "../publishing/pdf/fonts.js";
import { rotate } from "./clean.js";
import type { GreyImage } from "./images.js";

export interface SyntheticPageOptions {
  /** Lines of text, top to bottom (columns, right to left, when vertical). */
  readonly lines: readonly string[];
  readonly vertical?: boolean;
  /** Traditional text needs the Noto Serif CJK TC face (Fandol has Simplified only). */
  readonly traditional?: boolean;
  /** Font size in points; default 16 (三号, the GB/T 9704 body size). */
  readonly size?: number;
}

/** A one-page A4 PDF with the given text. */
export async function syntheticPdf(pages: readonly SyntheticPageOptions[]): Promise<Uint8Array> {
  const fonts = defaultFontSet();
  const traditional = pages.some((p) => p.traditional);
  const pdf = await PDFDocument.create({ updateMetadata: false });
  pdf.registerFontkit(createFontkitAdapter(traditional ? NOTO_SERIF_TC : undefined) as never);
  const face = traditional ? fonts.fallbacks?.find((f) => f.collectionFace === NOTO_SERIF_TC) : fonts.song;
  const font = await pdf.embedFont((face ?? fonts.song).bytes, { subset: true });
  for (const options of pages) {
    const page = pdf.addPage([595.28, 841.89]);
    const size = options.size ?? 16;
    const pitch = size * 1.8;
    if (options.vertical) {
      options.lines.forEach((line, col) => {
        [...line].forEach((ch, row) => {
          page.drawText(ch, {
            x: 500 - col * pitch,
            y: 760 - row * size * 1.1,
            size,
            font,
            color: rgb(0, 0, 0),
          });
        });
      });
    } else {
      options.lines.forEach((line, row) => {
        page.drawText(line, { x: 72, y: 760 - row * pitch, size, font, color: rgb(0, 0, 0) });
      });
    }
  }
  return pdf.save();
}

/** Rasterises page `index` of a PDF to grey at `dpi`. */
export function rasterisePdf(pdfBytes: Uint8Array, index = 0, dpi = 200): GreyImage {
  const doc = mupdf.Document.openDocument(pdfBytes, "application/pdf");
  try {
    const page = doc.loadPage(index);
    const pixmap = page.toPixmap(mupdf.Matrix.scale(dpi / 72, dpi / 72), mupdf.ColorSpace.DeviceGray, false);
    const width = pixmap.getWidth();
    const height = pixmap.getHeight();
    const stride = pixmap.getStride();
    const src = pixmap.getPixels();
    const pixels = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) pixels.set(src.subarray(y * stride, y * stride + width), y * width);
    pixmap.destroy();
    return { width, height, pixels };
  } finally {
    doc.destroy();
  }
}

export interface Degradation {
  /** Degrees, clockwise. */
  readonly rotation?: number;
  /** Fraction of pixels flipped to random grey (salt and pepper). */
  readonly noise?: number;
  /** Box-blur radius in pixels. */
  readonly blur?: number;
  /** 0–1: paper darkened towards yellowed grey, unevenly from one corner. */
  readonly yellowing?: number;
  /** Seed for the noise, so pages are reproducible. */
  readonly seed?: number;
}

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Ages a clean raster like an old scan. */
export function degrade(image: GreyImage, d: Degradation): GreyImage {
  let img = image;
  const { width: w, height: h } = img;
  if (d.blur) {
    const r = d.blur;
    const out = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let sum = 0;
        let n = 0;
        for (let dy = -r; dy <= r; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= h) continue;
          for (let dx = -r; dx <= r; dx++) {
            const xx = x + dx;
            if (xx < 0 || xx >= w) continue;
            sum += img.pixels[yy * w + xx]!;
            n++;
          }
        }
        out[y * w + x] = sum / n;
      }
    }
    img = { width: w, height: h, pixels: out };
  }
  if (d.rotation) img = rotate(img, d.rotation);
  const random = prng(d.seed ?? 1);
  const out = new Uint8Array(img.pixels);
  if (d.yellowing) {
    // Yellowed paper scans to a darker, uneven grey and the ink fades a little.
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const shade = d.yellowing * (0.45 + 0.35 * ((x / w + y / h) / 2));
        const v = out[y * w + x]!;
        out[y * w + x] = 40 * d.yellowing + v * (1 - shade);
      }
    }
  }
  if (d.noise) {
    for (let i = 0; i < out.length; i++) {
      if (random() < d.noise) out[i] = random() < 0.5 ? random() * 90 : 160 + random() * 95;
    }
  }
  return { width: w, height: h, pixels: out };
}

/**
 * Character error rate: Levenshtein distance / reference length, whitespace ignored and both
 * sides NFKC-normalised (Tesseract often reads ， as , and （ as (; a reader does not care).
 */
export function characterErrorRate(reference: string, hypothesis: string): number {
  const a = [...reference.normalize("NFKC").replace(/\s+/g, "")];
  const b = [...hypothesis.normalize("NFKC").replace(/\s+/g, "")];
  if (a.length === 0) return b.length === 0 ? 0 : 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]! / a.length;
}

/** Known text for test pages: a GB/T 9704-style notice, 28 characters a line. */
export const SAMPLE_LINES_SIMPLIFIED: readonly string[] = [
  "四川省人民政府关于加强林业工作的通知",
  "川府发〔2017〕23号",
  "各市（州）人民政府，省政府各部门：",
  "为进一步加强全省林业工作，推进生态文明",
  "建设，现就有关事项通知如下。",
  "一、提高思想认识。各地各部门要充分认识",
  "林业工作的重要意义，切实加强组织领导。",
  "二、落实工作责任。各级人民政府对本行政",
  "区域内的林业工作负总责，主要负责同志是",
  "第一责任人。",
  "三、强化监督检查。省政府将适时组织开展",
  "专项督查，对工作不力的地方予以通报。",
  "四川省人民政府",
  "2017年5月3日",
];

export const SAMPLE_LINES_TRADITIONAL: readonly string[] = [
  "臺灣省政府關於加強林業工作的通知",
  "為進一步加強全省林業工作，推進生態建設",
  "現就有關事項通知如下。各地各部門要充分",
  "認識林業工作的重要意義，切實加強組織領",
  "導，落實工作責任，強化監督檢查。",
];

/** The part of a raster holding ink (grey < 160), with `margin` pixels of paper around it. */
export function inkCrop(image: GreyImage, margin = 30): GreyImage {
  let x0 = image.width;
  let y0 = image.height;
  let x1 = 0;
  let y1 = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (image.pixels[y * image.width + x]! < 160) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < x0) return image;
  x0 = Math.max(0, x0 - margin);
  y0 = Math.max(0, y0 - margin);
  x1 = Math.min(image.width, x1 + margin + 1);
  y1 = Math.min(image.height, y1 + margin + 1);
  const width = x1 - x0;
  const pixels = new Uint8Array(width * (y1 - y0));
  for (let y = y0; y < y1; y++)
    pixels.set(image.pixels.subarray(y * image.width + x0, y * image.width + x1), (y - y0) * width);
  return { width, height: y1 - y0, pixels };
}

/**
 * A page assembled from parts: each raster pasted at its position on white paper, and black
 * rules (boxes) drawn — for layouts of several blocks (columns side by side, tiers one above
 * the other).
 */
export function composePage(
  width: number,
  height: number,
  parts: readonly { readonly image: GreyImage; readonly x: number; readonly y: number }[],
  rules: readonly {
    readonly x0: number;
    readonly y0: number;
    readonly x1: number;
    readonly y1: number;
  }[] = [],
): GreyImage {
  const pixels = new Uint8Array(width * height).fill(255);
  for (const { image, x, y } of parts) {
    for (let row = 0; row < image.height && y + row < height; row++) {
      const w = Math.min(image.width, width - x);
      pixels.set(image.pixels.subarray(row * image.width, row * image.width + w), (y + row) * width + x);
    }
  }
  for (const r of rules) for (let y = r.y0; y < r.y1; y++) pixels.fill(0, y * width + r.x0, y * width + r.x1);
  return { width, height, pixels };
}

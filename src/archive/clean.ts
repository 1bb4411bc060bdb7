/**
 * Stage "clean": a scanned page → a page Tesseract can read. Pure JavaScript on raw grey pixels.
 *
 * Reads: a grey raster. Writes: a cleaned grey raster, and the layout guess (vertical or
 * horizontal lines) taken from it.
 *
 * Steps, each cheap (a few passes over the pixels):
 * 1. median filter 3×3 — removes salt-and-pepper noise and speckle that Tesseract turns into
 *    stray characters;
 * 2. normalise the background — divides by a local background estimate (the maximum over
 *    blocks, smoothed), which removes yellowing, uneven lighting and shadows;
 * 3. levels — stretches so the ink's dark end is black and the background white;
 * 4. deskew — the angle (±5°) whose row (or column) ink profile has the largest variance,
 *    measured on a reduced image; the page is rotated back when the angle exceeds 0.2°.
 * Clean pages pass through these steps nearly unchanged.
 */
import type { GreyImage } from "./images.js";
import { linesRunDown } from "./ocr/layout.js";

export function medianFilter3(image: GreyImage): GreyImage {
  const { width: w, height: h, pixels: src } = image;
  const out = new Uint8Array(src.length);
  const window = new Uint8Array(9);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let k = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = Math.min(h - 1, Math.max(0, y + dy)) * w;
        for (let dx = -1; dx <= 1; dx++) window[k++] = src[yy + Math.min(w - 1, Math.max(0, x + dx))]!;
      }
      window.sort();
      out[y * w + x] = window[4]!;
    }
  }
  return { width: w, height: h, pixels: out };
}

/** Divides by the local background (block maxima, smoothed) so paper becomes uniformly white. */
export function normaliseBackground(image: GreyImage, block = 32): GreyImage {
  const { width: w, height: h, pixels: src } = image;
  const bw = Math.ceil(w / block);
  const bh = Math.ceil(h / block);
  const maxima = new Float32Array(bw * bh);
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      // A high percentile rather than the maximum: one white speck must not set the background.
      const hist = new Uint32Array(256);
      let count = 0;
      for (let y = by * block; y < Math.min(h, (by + 1) * block); y++) {
        for (let x = bx * block; x < Math.min(w, (bx + 1) * block); x++) {
          hist[src[y * w + x]!]!++;
          count++;
        }
      }
      let seen = 0;
      let v = 255;
      for (; v > 0; v--) {
        seen += hist[v]!;
        if (seen >= count * 0.1) break;
      }
      maxima[by * bw + bx] = Math.max(v, 1);
    }
  }
  // Smooth the block grid (3×3 max then mean) so a block full of ink borrows its neighbours' paper.
  const grown = new Float32Array(maxima.length);
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      let m = 0;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const yy = by + dy;
          const xx = bx + dx;
          if (yy >= 0 && yy < bh && xx >= 0 && xx < bw) m = Math.max(m, maxima[yy * bw + xx]!);
        }
      grown[by * bw + bx] = m;
    }
  }
  const out = new Uint8Array(src.length);
  for (let y = 0; y < h; y++) {
    // Bilinear interpolation of the background between block centres.
    const fy = Math.min(bh - 1, Math.max(0, (y - block / 2) / block));
    const y0 = Math.floor(fy);
    const y1 = Math.min(bh - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.min(bw - 1, Math.max(0, (x - block / 2) / block));
      const x0 = Math.floor(fx);
      const x1 = Math.min(bw - 1, x0 + 1);
      const tx = fx - x0;
      const bg =
        (grown[y0 * bw + x0]! * (1 - tx) + grown[y0 * bw + x1]! * tx) * (1 - ty) +
        (grown[y1 * bw + x0]! * (1 - tx) + grown[y1 * bw + x1]! * tx) * ty;
      out[y * w + x] = Math.min(255, Math.round((src[y * w + x]! / bg) * 255));
    }
  }
  return { width: w, height: h, pixels: out };
}

/** Maps the 1st percentile to black and the 60th (paper) to white, with a mild gamma for thin strokes. */
export function levels(image: GreyImage): GreyImage {
  const hist = new Uint32Array(256);
  for (const p of image.pixels) hist[p]!++;
  const percentile = (q: number) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += hist[v]!;
      if (seen >= image.pixels.length * q) return v;
    }
    return 255;
  };
  const black = percentile(0.01);
  const white = Math.max(black + 16, percentile(0.6));
  const table = new Uint8Array(256);
  for (let v = 0; v < 256; v++) {
    const t = Math.min(1, Math.max(0, (v - black) / (white - black)));
    table[v] = Math.round(t ** 1.2 * 255);
  }
  const out = new Uint8Array(image.pixels.length);
  for (let i = 0; i < out.length; i++) out[i] = table[image.pixels[i]!]!;
  return { width: image.width, height: image.height, pixels: out };
}

function downsample(image: GreyImage, factor: number): GreyImage {
  const w = Math.floor(image.width / factor);
  const h = Math.floor(image.height / factor);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let min = 255;
      for (let dy = 0; dy < factor; dy++)
        for (let dx = 0; dx < factor; dx++)
          min = Math.min(min, image.pixels[(y * factor + dy) * image.width + x * factor + dx]!);
      out[y * w + x] = min;
    }
  }
  return { width: w, height: h, pixels: out };
}

/** Variance of ink per row (vertical = false) or per column after shearing by `angle` radians. */
function profileVariance(image: GreyImage, angle: number, vertical: boolean): number {
  const { width: w, height: h, pixels } = image;
  const size = vertical ? w : h;
  const bins = new Float64Array(size + 1);
  const tan = Math.tan(angle);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (pixels[y * w + x]! >= 128) continue;
      const bin = vertical ? Math.round(x - y * tan) : Math.round(y + x * tan);
      if (bin >= 0 && bin <= size) bins[bin]!++;
    }
  }
  let sum = 0;
  let sq = 0;
  for (const v of bins) {
    sum += v;
    sq += v * v;
  }
  const mean = sum / bins.length;
  return sq / bins.length - mean * mean;
}

export interface LayoutGuess {
  /** Text runs in columns (top to bottom, right to left). */
  readonly vertical: boolean;
  /** Skew in degrees (positive: clockwise). */
  readonly skewDegrees: number;
}

/**
 * Layout from the ink profiles: lines of text leave blank rows between them (horizontal text)
 * or blank columns (vertical text), so the direction whose profile varies more is the line
 * direction. The skew is the shear that maximises that variance.
 */
export function guessLayout(image: GreyImage): LayoutGuess {
  const factor = Math.max(1, Math.floor(Math.max(image.width, image.height) / 600));
  const small = downsample(image, factor);
  // The direction from the space between lines (ocr/layout.ts): profile variance alone mistakes
  // a page of short two-column lines, or a skewed one, for vertical text, and the deskew then
  // turns it the wrong way.
  const vertical = linesRunDown(image);
  let best = 0;
  let bestVariance = -1;
  for (let deg = -5; deg <= 5.001; deg += 0.25) {
    const v = profileVariance(small, (deg * Math.PI) / 180, vertical);
    if (v > bestVariance) {
      bestVariance = v;
      best = deg;
    }
  }
  return { vertical, skewDegrees: best };
}

/** Rotates by `degrees` about the centre (bilinear), filling with white. */
export function rotate(image: GreyImage, degrees: number): GreyImage {
  const { width: w, height: h, pixels: src } = image;
  const a = (degrees * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const cx = w / 2;
  const cy = h / 2;
  const out = new Uint8Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = cos * (x - cx) - sin * (y - cy) + cx;
      const sy = sin * (x - cx) + cos * (y - cy) + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= w || y0 + 1 >= h) {
        out[y * w + x] = 255;
        continue;
      }
      const tx = sx - x0;
      const ty = sy - y0;
      const p = y0 * w + x0;
      out[y * w + x] =
        (src[p]! * (1 - tx) + src[p + 1]! * tx) * (1 - ty) +
        (src[p + w]! * (1 - tx) + src[p + w + 1]! * tx) * ty;
    }
  }
  return { width: w, height: h, pixels: out };
}

export interface CleanedPage {
  readonly image: GreyImage;
  readonly layout: LayoutGuess;
  readonly condition: PageCondition;
}

export interface PageCondition {
  /** The paper's grey level (60th percentile): 255 for white paper, lower when yellowed or grey. */
  readonly paper: number;
  /** Share of pixels that differ sharply from all four neighbours: speckle. */
  readonly speckle: number;
}

export function pageCondition(image: GreyImage): PageCondition {
  const { width: w, height: h, pixels: p } = image;
  const hist = new Uint32Array(256);
  for (const v of p) hist[v]!++;
  let seen = 0;
  let paper = 255;
  for (let v = 0; v < 256; v++) {
    seen += hist[v]!;
    if (seen >= p.length * 0.6) {
      paper = v;
      break;
    }
  }
  let speckles = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      // A speck differs sharply from all four neighbours in the same direction; a stroke's edge
      // pixel always has a neighbour on the stroke.
      const v = p[i]!;
      const lo = Math.min(p[i - 1]!, p[i + 1]!, p[i - w]!, p[i + w]!);
      const hi = Math.max(p[i - 1]!, p[i + 1]!, p[i - w]!, p[i + w]!);
      if (v + 80 < lo || v - 80 > hi) speckles++;
    }
  }
  return { paper, speckle: speckles / p.length };
}

/**
 * The whole cleaning stage (see the module comment). Each step runs only where the page needs
 * it: on a clean page the median filter and levels cost a few tenths of a percent of CER (thin
 * strokes get thinner), so speckle (> 0.1 % of pixels isolated) gates the median filter and a paper
 * darker than 235 gates background normalisation and levels; deskew runs on every page.
 */
export function cleanPage(image: GreyImage): CleanedPage {
  const condition = pageCondition(image);
  let img = image;
  if (condition.speckle > 0.001) img = medianFilter3(img);
  if (condition.paper < 235 || condition.speckle > 0.001) img = levels(normaliseBackground(img));
  const layout = guessLayout(img);
  // The shear that straightens the profile is the skew; rotating by it undoes it.
  const straight =
    Math.abs(layout.skewDegrees) > 0.2
      ? rotate(img, layout.vertical ? layout.skewDegrees : -layout.skewDegrees)
      : img;
  return { image: straight, layout, condition };
}

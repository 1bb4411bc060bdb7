/**
 * Layout analysis of a cleaned, upright page: text blocks and their reading order.
 *
 * Pure JavaScript on the grey raster, at half resolution (100 dpi for a 200 dpi scan):
 * 1. ink mask (grey < 128 in any pixel of a 2 × 2 cell);
 * 2. rules: long thin runs of ink (row or column runs longer than ~1.5 inch and a few pixels
 *    thick) are the lines printers set between columns and tiers; they are recorded and erased
 *    so they neither join nor split blocks;
 * 3. character size: the median height of text lines (horizontal pages) or width of text
 *    columns (vertical pages), measured in narrow strips so that columns whose lines do not
 *    align are not mixed;
 * 4. recursive X-Y cut on the ink projections, with gaps measured in character sizes:
 *    - horizontal pages: a vertical gutter (≥ 1.4 characters wide, over the whole region) splits
 *      columns, read left then right; otherwise a horizontal gap (≥ 1.2 characters) splits
 *      bands, read top to bottom;
 *    - vertical pages: a horizontal gap (≥ 1.2 characters) splits tiers, read top to bottom;
 *      otherwise a vertical gap wider than the space between text columns (≥ 1.4 characters)
 *      splits blocks, read right to left.
 *    A region with no such gap is one block.
 * 5. each block says whether it is one line (or one vertical column) or many, and its
 *    direction: a block only one character high and several long is a horizontal line even on
 *    a vertical page (a heading set across), and the other way round.
 */
import type { GreyImage } from "../images.js";

export interface Box {
  readonly x0: number;
  readonly y0: number;
  /** Exclusive. */
  readonly x1: number;
  readonly y1: number;
}

export interface TextBlock {
  /** In page pixels. */
  readonly box: Box;
  /** Text runs top to bottom in columns right to left. */
  readonly vertical: boolean;
  /** A single line (or a single vertical column). */
  readonly singleLine: boolean;
}

export interface PageLayout {
  readonly vertical: boolean;
  /** Typical character size in page pixels. */
  readonly charSize: number;
  /** In reading order. */
  readonly blocks: readonly TextBlock[];
  /** Printed rules (lines between tiers or columns), in page pixels. */
  readonly rules: readonly Box[];
}

const SCALE = 2;

interface Mask {
  readonly width: number;
  readonly height: number;
  readonly ink: Uint8Array;
}

export function inkMask(image: GreyImage): Mask {
  const width = Math.floor(image.width / SCALE);
  const height = Math.floor(image.height / SCALE);
  const ink = new Uint8Array(width * height);
  const { pixels, width: w } = image;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * SCALE * w + x * SCALE;
      if (pixels[p]! < 128 || pixels[p + 1]! < 128 || pixels[p + w]! < 128 || pixels[p + w + 1]! < 128)
        ink[y * width + x] = 1;
    }
  }
  return { width, height, ink };
}

/**
 * Finds and erases rules: runs of ink at least 1.5 inch long within a band three pixels thick
 * (a rule left slightly skewed, blurred or broken by speckle still counts), bridging breaks of
 * up to three pixels. Text never has such runs: its characters are separate. Returns their
 * boxes in mask pixels.
 */
export function eraseRules(mask: Mask, dpi: number): Box[] {
  const { width, height, ink } = mask;
  const minLength = Math.round((dpi / SCALE) * 1.5);
  const bridge = 2;
  const found: Box[] = [];
  const scan = (horizontal: boolean) => {
    const lines = horizontal ? height : width;
    const along = horizontal ? width : height;
    const at = (line: number, i: number) => (horizontal ? ink[line * width + i] : ink[i * width + line]);
    // A rule has paper on both sides along its length; a line of text has its characters' other
    // strokes there.
    const clearBeside = (line: number, from: number, to: number) => {
      let n = 0;
      for (const side of [line - 3, line + 5]) {
        if (side < 0 || side >= lines) continue;
        for (let i = from; i < to; i++) if (at(side, i)) n++;
      }
      return n <= (to - from) * 0.3;
    };
    for (let line = 0; line < lines; line++) {
      let start = -1;
      let lastOn = -1;
      for (let i = 0; i <= along; i++) {
        let on = false;
        if (i < along) {
          for (let d = 0; d < 3 && line + d < lines; d++) if (at(line + d, i)) on = true;
        }
        if (on) {
          if (start < 0) start = i;
          lastOn = i;
        } else if (start >= 0 && i - lastOn > bridge) {
          if (lastOn + 1 - start >= minLength && clearBeside(line, start, lastOn + 1)) {
            found.push(
              horizontal
                ? { x0: start, y0: line, x1: lastOn + 1, y1: Math.min(lines, line + 3) }
                : { x0: line, y0: start, x1: Math.min(lines, line + 3), y1: lastOn + 1 },
            );
          }
          start = -1;
        }
      }
    }
  };
  scan(true);
  scan(false);
  // Merge overlapping bands into rules; a rule is thin (a thick bar or a picture is not).
  const rules: Box[] = [];
  for (const b of found) {
    const near = rules.findIndex(
      (r) => b.x0 <= r.x1 + bridge && r.x0 <= b.x1 + bridge && b.y0 <= r.y1 + 1 && r.y0 <= b.y1 + 1,
    );
    if (near >= 0) {
      const r = rules[near]!;
      rules[near] = {
        x0: Math.min(r.x0, b.x0),
        y0: Math.min(r.y0, b.y0),
        x1: Math.max(r.x1, b.x1),
        y1: Math.max(r.y1, b.y1),
      };
    } else rules.push(b);
  }
  // Thin: a few pixels, plus the drift of a rule left a fraction of a degree off square.
  const base = Math.max(6, Math.round(dpi / SCALE / 12));
  const thin = rules.filter((r) => {
    const length = Math.max(r.x1 - r.x0, r.y1 - r.y0);
    return Math.min(r.x1 - r.x0, r.y1 - r.y0) <= base + length * 0.02;
  });
  for (const r of thin) {
    for (let y = Math.max(0, r.y0 - 1); y < Math.min(height, r.y1 + 1); y++)
      for (let x = Math.max(0, r.x0 - 1); x < Math.min(width, r.x1 + 1); x++) ink[y * width + x] = 0;
  }
  return thin;
}

/** Median length of ink runs of the profile along rows (horizontal text) or columns, in strips. */
function characterSize(mask: Mask, vertical: boolean): number {
  const { width, height, ink } = mask;
  const runs: number[] = [];
  const strips = 6;
  const across = vertical ? height : width;
  const along = vertical ? width : height;
  for (let s = 0; s < strips; s++) {
    const from = Math.floor((s * across) / strips);
    const to = Math.floor(((s + 1) * across) / strips);
    let start = -1;
    for (let i = 0; i <= along; i++) {
      let on = false;
      if (i < along) {
        let n = 0;
        for (let j = from; j < to; j++) {
          if (vertical ? ink[j * width + i] : ink[i * width + j]) {
            n++;
            if (n >= 2) break;
          }
        }
        on = n >= 2;
      }
      if (on && start < 0) start = i;
      if (!on && start >= 0) {
        if (i - start >= 3) runs.push(i - start);
        start = -1;
      }
    }
  }
  if (runs.length === 0) return 12;
  runs.sort((a, b) => a - b);
  // The upper median: punctuation-only and short runs pull the plain median down.
  return runs[Math.floor(runs.length * 0.6)]!;
}

/** Lengths of the internal runs of empty bins of a profile along x or y within a strip. */
function stripGaps(mask: Mask, alongX: boolean, strips: number): number[] {
  const out: number[] = [];
  const across = alongX ? mask.height : mask.width;
  for (let s = 0; s < strips; s++) {
    const from = Math.floor((s * across) / strips);
    const to = Math.floor(((s + 1) * across) / strips);
    const r = alongX
      ? { x0: 0, y0: from, x1: mask.width, y1: to }
      : { x0: from, y0: 0, x1: to, y1: mask.height };
    const p = profile(mask, r, alongX);
    let first = 0;
    while (first < p.length && p[first] === 0) first++;
    let last = p.length;
    while (last > first && p[last - 1] === 0) last--;
    let start = -1;
    for (let i = first; i < last; i++) {
      if (p[i] === 0) {
        if (start < 0) start = i;
      } else if (start >= 0) {
        out.push(i - start);
        start = -1;
      }
    }
  }
  return out;
}

/**
 * Whether the page's lines run down (vertical text, or horizontal text turned 90°) rather than
 * across. Chinese type sits on a grid, so both profiles are periodic; what tells lines from
 * characters is the space: between lines (or columns) there is half a character or more,
 * between the characters of a line a tenth. Measured in strips so that text blocks side by side
 * (columns, tiers) are measured apart; the gaps are weighted by how often they occur.
 */
export function linesRunDown(image: GreyImage, dpi = 200): boolean {
  const mask = inkMask(image);
  eraseRules(mask, dpi);
  const across = stripGaps(mask, false, 8); // gaps between rows (along y within vertical strips)
  const down = stripGaps(mask, true, 8); // gaps between columns (along x within horizontal strips)
  const score = (g: number[]) => {
    // Mean of the larger half of the gaps: margins between blocks are rare, line gaps common.
    const sorted = [...g].sort((a, b) => a - b);
    const upper = sorted.slice(Math.floor(sorted.length / 2));
    return upper.length ? upper.reduce((s, v) => s + v, 0) / upper.length : 0;
  };
  return score(down) > score(across) * 1.2;
}

interface Region {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function profile(mask: Mask, r: Region, alongX: boolean): Uint32Array {
  const out = new Uint32Array(alongX ? r.x1 - r.x0 : r.y1 - r.y0);
  const { width, ink } = mask;
  for (let y = r.y0; y < r.y1; y++) {
    const row = y * width;
    for (let x = r.x0; x < r.x1; x++) {
      if (ink[row + x]) out[alongX ? x - r.x0 : y - r.y0]!++;
    }
  }
  return out;
}

/** Shrinks a region to its ink; undefined when it has none. */
function tighten(mask: Mask, r: Region): Region | undefined {
  const px = profile(mask, r, true);
  const py = profile(mask, r, false);
  let x0 = 0;
  while (x0 < px.length && px[x0] === 0) x0++;
  if (x0 === px.length) return undefined;
  let x1 = px.length;
  while (px[x1 - 1] === 0) x1--;
  let y0 = 0;
  while (py[y0] === 0) y0++;
  let y1 = py.length;
  while (py[y1 - 1] === 0) y1--;
  return { x0: r.x0 + x0, y0: r.y0 + y0, x1: r.x0 + x1, y1: r.y0 + y1 };
}

/**
 * Internal runs of empty bins at least `min` long: [start, end) pairs. A bin with at most
 * `floor` ink pixels counts as empty (speckle left in a gap must not close it).
 */
function gaps(p: Uint32Array, min: number, floor: number): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  for (let i = 0; i < p.length; i++) {
    if (p[i]! <= floor) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      if (start > 0 && i - start >= min) out.push([start, i]);
      start = -1;
    }
  }
  return out;
}

function splitAt(r: Region, cuts: [number, number][], alongX: boolean): Region[] {
  const parts: Region[] = [];
  let from = alongX ? r.x0 : r.y0;
  for (const [a, b] of cuts) {
    const at = (alongX ? r.x0 : r.y0) + a;
    parts.push(alongX ? { ...r, x0: from, x1: at } : { ...r, y0: from, y1: at });
    from = (alongX ? r.x0 : r.y0) + b;
  }
  parts.push(alongX ? { ...r, x0: from } : { ...r, y0: from });
  return parts;
}

/**
 * Whether the gap [g0, g1) (offsets along x when `alongX`, else y) of region r is still a gap in
 * each of the bands that cut r the other way: within each band (its own ink only, specks of
 * up to 1% of the band's length ignored) the gap keeps blank paper at least `min` wide.
 */
function crossedNowhere(
  mask: Mask,
  r: Region,
  g: [number, number],
  bands: readonly Region[],
  alongX: boolean,
  min: number,
): boolean {
  if (bands.length < 2) return true;
  const from = (alongX ? r.x0 : r.y0) + g[0];
  const to = (alongX ? r.x0 : r.y0) + g[1];
  for (const band of bands) {
    const b = tighten(mask, band);
    if (!b) continue;
    const part: Region = alongX ? { ...b, x0: from, x1: to } : { ...b, y0: from, y1: to };
    const p = profile(mask, part, alongX);
    const floor = Math.floor((alongX ? b.y1 - b.y0 : b.x1 - b.x0) * 0.01);
    let run = 0;
    let longest = 0;
    for (const n of p) {
      run = n <= floor ? run + 1 : 0;
      if (run > longest) longest = run;
    }
    if (longest < min) return false;
  }
  return true;
}

function xyCut(mask: Mask, region: Region, vertical: boolean, c: number, depth: number): Region[] {
  const r = tighten(mask, region);
  if (!r) return [];
  if (depth > 12) return [r];
  const columnGap = Math.max(3, Math.round(c * 1.4));
  const bandGap = Math.max(3, Math.round(c * 1.2));
  // Speckle: up to 1% of the bin's length in isolated ink pixels still counts as paper.
  const ys0 = gaps(profile(mask, r, false), bandGap, Math.floor((r.x1 - r.x0) * 0.01));
  const xs0 = gaps(profile(mask, r, true), columnGap, Math.floor((r.y1 - r.y0) * 0.01));
  // A gap found across the whole region must also be a gap in each band across it: a title's
  // characters have so little ink at their edges that, over a tall region, the speckle floor
  // takes them for paper, and the page's column gap runs on through the title.
  const xs = xs0.filter((g) => crossedNowhere(mask, r, g, splitAt(r, ys0, false), true, columnGap));
  const ys = ys0.filter((g) => crossedNowhere(mask, r, g, splitAt(r, xs0, true), false, bandGap));
  const recurse = (parts: Region[]) => parts.flatMap((p) => xyCut(mask, p, vertical, c, depth + 1));
  if (!vertical) {
    if (xs.length) return recurse(splitAt(r, xs, true));
    if (ys.length) return recurse(splitAt(r, ys, false));
  } else {
    if (ys.length) return recurse(splitAt(r, ys, false));
    if (xs.length) return recurse(splitAt(r, xs, true).reverse());
  }
  return [r];
}

/**
 * Text blocks of an upright page in reading order. `vertical` is the page's text direction (see
 * clean.ts guessLayout); `dpi` the raster's resolution.
 */
export function analyseLayout(image: GreyImage, vertical: boolean, dpi = 200): PageLayout {
  const mask = inkMask(image);
  const rules = eraseRules(mask, dpi);
  const c = characterSize(mask, vertical);
  const regions = xyCut(mask, { x0: 0, y0: 0, x1: mask.width, y1: mask.height }, vertical, c, 0);
  const pad = Math.max(2, Math.round(c * 0.3));
  const blocks: TextBlock[] = [];
  for (const r of regions) {
    const w = r.x1 - r.x0;
    const h = r.y1 - r.y0;
    // Specks left by noise: smaller than a third of a character both ways.
    if (w < c / 3 && h < c / 3) continue;
    const oneRow = h <= c * 1.6;
    const oneColumn = w <= c * 1.6;
    let blockVertical = vertical;
    if (oneRow && w > h * 2.5) blockVertical = false;
    else if (oneColumn && h > w * 2.5) blockVertical = true;
    const singleLine = blockVertical ? oneColumn : oneRow;
    blocks.push({
      box: {
        x0: Math.max(0, (r.x0 - pad) * SCALE),
        y0: Math.max(0, (r.y0 - pad) * SCALE),
        x1: Math.min(image.width, (r.x1 + pad) * SCALE),
        y1: Math.min(image.height, (r.y1 + pad) * SCALE),
      },
      vertical: blockVertical,
      singleLine,
    });
  }
  return {
    vertical,
    charSize: c * SCALE,
    blocks,
    rules: rules.map((b) => ({ x0: b.x0 * SCALE, y0: b.y0 * SCALE, x1: b.x1 * SCALE, y1: b.y1 * SCALE })),
  };
}

/** A copy of part of an image, with the given boxes (rules) painted white. */
export function crop(image: GreyImage, box: Box, erase: readonly Box[] = []): GreyImage {
  const width = box.x1 - box.x0;
  const height = box.y1 - box.y0;
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const src = (box.y0 + y) * image.width + box.x0;
    pixels.set(image.pixels.subarray(src, src + width), y * width);
  }
  for (const e of erase) {
    const x0 = Math.max(box.x0, e.x0 - 2);
    const x1 = Math.min(box.x1, e.x1 + 2);
    const y0 = Math.max(box.y0, e.y0 - 2);
    const y1 = Math.min(box.y1, e.y1 + 2);
    // A rule outside the box (a negative end would make fill() count from the array's end).
    if (x1 <= x0 || y1 <= y0) continue;
    for (let y = y0; y < y1; y++)
      pixels.fill(255, (y - box.y0) * width + (x0 - box.x0), (y - box.y0) * width + (x1 - box.x0));
  }
  return { width, height, pixels };
}

/** Turns a raster clockwise by a multiple of 90° (exact, no resampling). */
export function turn(image: GreyImage, clockwise: 0 | 90 | 180 | 270): GreyImage {
  if (clockwise === 0) return image;
  const { width: w, height: h, pixels } = image;
  const out = new Uint8Array(pixels.length);
  if (clockwise === 180) {
    for (let i = 0; i < pixels.length; i++) out[i] = pixels[pixels.length - 1 - i]!;
    return { width: w, height: h, pixels: out };
  }
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const v = pixels[row + x]!;
      if (clockwise === 90) out[x * h + (h - 1 - y)] = v;
      else out[(w - 1 - x) * h + y] = v;
    }
  }
  return { width: h, height: w, pixels: out };
}

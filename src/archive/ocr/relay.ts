/**
 * Vertical text relaid as horizontal lines, for the horizontal models.
 *
 * Tesseract's vertical models are much weaker than its horizontal ones (and npm ships no
 * chi_sim_vert at all). Chinese type is set on a grid of square cells whichever way it runs, and
 * a Han character is upright in both directions, so a block of vertical columns can be read as
 * a block of horizontal lines once each column is cut into its cells and the cells are laid side
 * by side: column i (right to left) becomes line i (top to bottom).
 *
 * 1. Columns: runs of ink along x, split by gaps of at least a third of a character; right to
 *    left.
 * 2. Pitch: the period of the rows' ink along the columns (autocorrelation between 0.8 and 1.6
 *    character sizes, refined between samples) — the cell advance, the same for the whole block.
 * 3. Cells: in each column, boundaries at the phase that puts the least ink on them, every
 *    pitch, each moved to the emptiest row within a sixth of a pitch (a scan drifts; type is not
 *    always exactly on the grid).
 * 4. Each non-empty cell's ink is copied into a square slot of the line image, the pixels
 *    unchanged:
 *    - small marks (、。，) that vertical setting puts in the upper right of the cell go to the
 *      lower left, where horizontal setting has them;
 *    - marks that vertical setting turns 90° (brackets ︵︶, a colon as ‥, 《》 as ︽︾): ink
 *      wider than high and at most half a cell high, either two or three dots side by side,
 *      one arch (its ends clearly above or below its middle; the straight stroke 一 is not) or
 *      two arches nested one above the other (the two straight strokes of 二 are not) — are
 *      turned back;
 *    - corner brackets turned (﹁ ﹂: strokes along the top and right, or the bottom and left)
 *      are turned back too; an upright 「 」 is left as it is;
 *    - two or three digits set small across one cell (縱中橫), also when a digit came apart,
 *      are scaled to text size;
 *    - anything else is centred.
 * The result tells where each slot's cell came from, so word boxes map back to the page.
 */
import type { GreyImage } from "../images.js";
import type { Box } from "./layout.js";

export interface RelayCell {
  /** The cell's ink in the source image. */
  readonly source: Box;
  /** Its slot in the relaid image. */
  readonly slot: Box;
}

export interface RelayLine {
  /** The column in the source image. */
  readonly source: Box;
  /** The line's band in the relaid image (y). */
  readonly y0: number;
  readonly y1: number;
  readonly cells: readonly RelayCell[];
}

export interface Relay {
  readonly image: GreyImage;
  /** In reading order: the rightmost column first. */
  readonly lines: readonly RelayLine[];
  /** Cell advance found, in pixels. */
  readonly pitch: number;
}

const INK = 128;

function columnRuns(image: GreyImage, minGap: number): [number, number][] {
  const { width, height, pixels } = image;
  const counts = new Uint32Array(width);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) if (pixels[row + x]! < INK) counts[x]!++;
  }
  // Speckle on an aged copy: up to 1% of the block's height in stray ink still counts as paper.
  const floor = Math.floor(height * 0.01);
  const runs: [number, number][] = [];
  let start = -1;
  let lastOn = -1;
  for (let x = 0; x <= width; x++) {
    const on = x < width && counts[x]! > floor;
    if (on) {
      if (start < 0) start = x;
      else if (x - lastOn - 1 >= minGap) {
        runs.push([start, lastOn + 1]);
        start = x;
      }
      lastOn = x;
    }
  }
  if (start >= 0) runs.push([start, lastOn + 1]);
  // A mark set at a column's side (、，。 at its right) has too little ink per pixel column to
  // rise above the speckle floor: each run takes in the ink that continues it, up to half a
  // character, never reaching the next run (ink across a blank gap is left out: on an aged copy
  // that is speckle more often than a mark).
  const reach = Math.max(1, Math.round(minGap * 1.5));
  return runs.map(([a, b], i) => {
    const lo = Math.max(i > 0 ? runs[i - 1]![1] + 1 : 0, a - reach);
    const hi = Math.min(i + 1 < runs.length ? runs[i + 1]![0] - 1 : width, b + reach);
    let from = a;
    while (from > lo && counts[from - 1]! > 0) from--;
    let to = b;
    while (to < hi && counts[to]! > 0) to++;
    return [from, to];
  });
}

function rowProfile(image: GreyImage, x0: number, x1: number): Float64Array {
  const { width, height, pixels } = image;
  const p = new Float64Array(height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let n = 0;
    for (let x = x0; x < x1; x++) if (pixels[row + x]! < INK) n++;
    p[y] = n;
  }
  return p;
}

/** The cell advance: the lag between 0.8c and 1.6c where the columns' row profiles best repeat. */
export function cellPitch(profiles: readonly Float64Array[], c: number): number {
  const lo = Math.max(2, Math.floor(c * 0.8));
  const hi = Math.max(lo + 2, Math.ceil(c * 1.6));
  const score = new Float64Array(hi + 2);
  for (const p of profiles) {
    let mean = 0;
    for (const v of p) mean += v;
    mean /= p.length || 1;
    for (let lag = lo - 1; lag <= hi + 1; lag++) {
      let s = 0;
      for (let i = 0; i + lag < p.length; i++) s += (p[i]! - mean) * (p[i + lag]! - mean);
      score[lag] = score[lag]! + s / Math.max(1, p.length - lag);
    }
  }
  // Nothing repeats, or too little to tell (columns of one or two characters): a character
  // and a little space.
  const extent = (p: Float64Array) => {
    let first = 0;
    while (first < p.length && p[first] === 0) first++;
    let last = p.length;
    while (last > first && p[last - 1] === 0) last--;
    return last - first;
  };
  if (Math.max(0, ...profiles.map(extent)) < c * 2.5) return c * 1.1;
  // Candidates: the peaks of the autocorrelation, to the sub-pixel (the vertex of the parabola
  // through a peak and its neighbours). A character's own strokes repeat too (a frame, 二 三),
  // so the peak that wins is the one whose grid crosses the least ink.
  const candidates: number[] = [];
  for (let lag = lo; lag <= hi; lag++) {
    const b = score[lag]!;
    if (b <= 0 || b < score[lag - 1]! || b < score[lag + 1]!) continue;
    const a = score[lag - 1]!;
    const d = score[lag + 1]!;
    const denominator = a - 2 * b + d;
    const shift = denominator < 0 ? (0.5 * (a - d)) / denominator : 0;
    candidates.push(lag + Math.max(-0.5, Math.min(0.5, shift)));
  }
  if (candidates.length === 0) return c * 1.1;
  let best = candidates[0]!;
  let least = Number.POSITIVE_INFINITY;
  for (const pitch of candidates) {
    const cost = gridCost(profiles, pitch);
    if (cost < least - 1e-9) {
      least = cost;
      best = pitch;
    }
  }
  return best;
}

/** Ink crossed per grid line by the best-placed grid of this pitch. */
function gridCost(profiles: readonly Float64Array[], pitch: number): number {
  const phase = gridPhase(profiles, pitch);
  let ink = 0;
  let lines = 0;
  for (const p of profiles) {
    for (let at = phase; at < p.length; at += pitch) {
      ink += p[Math.round(at)] ?? 0;
      lines++;
    }
  }
  return lines ? ink / lines : 0;
}

/**
 * The grid's phase: the offset (within one pitch) whose grid lines cross the least ink of all
 * the block's columns. Columns of a block are set on one grid; a column of a few characters
 * alone could not tell its phase (二 三 have gaps as wide as those between characters).
 */
export function gridPhase(profiles: readonly Float64Array[], pitch: number): number {
  const steps = Math.max(1, Math.round(pitch));
  const cost = new Float64Array(steps);
  for (let s = 0; s < steps; s++) {
    const offset = (s * pitch) / steps;
    for (const p of profiles) {
      for (let at = offset; at < p.length; at += pitch) cost[s] = cost[s]! + (p[Math.round(at)] ?? 0);
    }
  }
  let least = 0;
  for (let s = 1; s < steps; s++) if (cost[s]! < cost[least]!) least = s;
  // The middle of the widest stretch of offsets as good as the best (the gap between
  // characters is several rows wide; a row of paper between a character and a mark hanging
  // below it is one): boundaries in the middle of the gaps leave room for drift both ways.
  const good = (s: number) => cost[((s % steps) + steps) % steps]! <= cost[least]!;
  let middle = least;
  let widest = 0;
  for (let s = 0; s < steps; s++) {
    // Each stretch once, from its first offset (a stretch may wrap around the end; when every
    // offset is as good, the best one stands).
    if (!good(s) || good(s - 1)) continue;
    let to = s;
    while (to < s + steps - 1 && good(to + 1)) to++;
    if (to - s + 1 > widest) {
      widest = to - s + 1;
      middle = (s + to) / 2;
    }
  }
  return ((((middle % steps) + steps) % steps) * pitch) / steps;
}

/** Cell boundaries along one column's profile, on the grid of the given pitch and phase. */
function cellBoundaries(p: Float64Array, pitch: number, phase: number): number[] {
  let first = 0;
  while (first < p.length && p[first] === 0) first++;
  let last = p.length;
  while (last > first && p[last - 1] === 0) last--;
  if (first >= last) return [];
  const slack = Math.max(1, Math.round(pitch / 6));
  const out: number[] = [];
  let at = phase;
  while (at > first) at -= pitch;
  while (at + pitch <= first) at += pitch;
  for (; at < last + pitch; at += pitch) {
    const ideal = Math.round(at);
    let y = ideal;
    let inkAt = Number.POSITIVE_INFINITY;
    for (let d = -slack; d <= slack; d++) {
      const yy = ideal + d;
      const v = yy < 0 || yy >= p.length ? 0 : p[yy]!;
      // The emptiest row, the nearest to the grid among equals.
      if (v < inkAt || (v === inkAt && Math.abs(d) < Math.abs(y - ideal))) {
        inkAt = v;
        y = yy;
      }
    }
    const clamped = Math.max(0, Math.min(p.length, y));
    if (out.length === 0 || clamped > out[out.length - 1]!) out.push(clamped);
    if (clamped >= last) break;
  }
  if (out[out.length - 1]! < last) out.push(last);
  return out;
}

interface Part extends Box {
  /** Indices of its ink pixels in the image. */
  readonly pixels: readonly number[];
}

/** The 8-connected ink parts within a box (clipped to it). */
function parts(image: GreyImage, r: Box): Part[] {
  const w = r.x1 - r.x0;
  const h = r.y1 - r.y0;
  const seen = new Uint8Array(w * h);
  const out: Part[] = [];
  const inkAt = (x: number, y: number) => image.pixels[(r.y0 + y) * image.width + r.x0 + x]! < INK;
  for (let s = 0; s < w * h; s++) {
    if (seen[s] || !inkAt(s % w, Math.floor(s / w))) continue;
    const stack = [s];
    seen[s] = 1;
    let x0 = w;
    let y0 = h;
    let x1 = 0;
    let y1 = 0;
    const pixels: number[] = [];
    while (stack.length) {
      const q = stack.pop()!;
      const x = q % w;
      const y = (q - x) / w;
      pixels.push((r.y0 + y) * image.width + r.x0 + x);
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x + 1);
      y1 = Math.max(y1, y + 1);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const n = ny * w + nx;
          if (!seen[n] && inkAt(nx, ny)) {
            seen[n] = 1;
            stack.push(n);
          }
        }
      }
    }
    out.push({ x0: r.x0 + x0, y0: r.y0 + y0, x1: r.x0 + x1, y1: r.y0 + y1, pixels });
  }
  return out;
}

function union(boxes: readonly Box[]): Box {
  return {
    x0: Math.min(...boxes.map((b) => b.x0)),
    y0: Math.min(...boxes.map((b) => b.y0)),
    x1: Math.max(...boxes.map((b) => b.x1)),
    y1: Math.max(...boxes.map((b) => b.y1)),
  };
}

type Placement = "centre" | "small" | "turned" | "opening" | "closing" | "digits";

/** How a cell's ink goes into its slot (see the module comment). */
function placementOf(image: GreyImage, pieces: readonly Part[], pitch: number): Placement {
  const ink = union(pieces);
  const w = ink.x1 - ink.x0;
  const h = ink.y1 - ink.y0;
  if (w >= h * 1.8 && h <= pitch * 0.5) {
    const flat = pieces.every((p) => p.x1 - p.x0 >= (p.y1 - p.y0) * 0.9);
    // Two or three dots side by side (a colon turned: ‥; the long strokes of 二 are not), or
    // one arc (a bracket turned: ︵; one straight stroke is the character 一).
    const dots = pieces.every((p) => p.x1 - p.x0 < pitch * 0.35);
    if (flat && dots && (pieces.length === 2 || pieces.length === 3)) return "turned";
    if (pieces.length === 1 && arched(image, ink)) return "turned";
  }
  // A double angle bracket turned (︽ ︾): two arcs of one width nested one above the other,
  // each a good part as high as it is wide, together wider than high and at most half a cell
  // high (the two strokes of 二 are flat, and of two lengths).
  const widths = pieces.map((p) => p.x1 - p.x0);
  const nested =
    pieces.length === 2 &&
    Math.min(pieces[0]!.x1, pieces[1]!.x1) - Math.max(pieces[0]!.x0, pieces[1]!.x0) >=
      Math.max(...widths) * 0.8 &&
    pieces.every((p) => p.y1 - p.y0 >= (p.x1 - p.x0) * 0.25);
  if (nested && w > h && h <= pitch * 0.5 && arched(image, ink, 0.15)) return "turned";
  // A corner bracket is about half a cell long (a comma, a quarter, is not one).
  const bracketSized = Math.max(w, h) >= pitch * 0.35 && Math.max(w, h) <= pitch * 0.7;
  const corner = pieces.length === 1 && bracketSized ? cornered(image, pieces[0]!) : undefined;
  if (corner) return corner;
  // Two or three digits set across one cell (縱中橫), smaller than the text: each taller than
  // wide, side by side. Set this small, and more so on an aged copy, a digit often comes apart
  // (the tip of a 2, the bar of a 5): the pieces one above the other are one digit.
  // A fragment a fifth of the pair's height or less (a faded copy leaves one of a digit's
  // curve, between the digits) is no digit of its own.
  const digits = stacks(pieces.filter((p) => Math.max(p.x1 - p.x0, p.y1 - p.y0) > h * 0.2));
  const tall = digits.every((d) => d.y1 - d.y0 >= (d.x1 - d.x0) * 1.2 && d.y1 - d.y0 >= h * 0.7);
  if ((digits.length === 2 || digits.length === 3) && tall && h <= pitch * 0.6 && w >= h * 0.6)
    return "digits";
  if (w < pitch * 0.5 && h < pitch * 0.5) return "small";
  return "centre";
}

/** Pieces grouped where their spans along x overlap: the boxes of what stands side by side. */
function stacks(pieces: readonly Box[]): Box[] {
  const out: Box[] = [];
  for (const p of [...pieces].sort((a, b) => a.x0 - b.x0)) {
    const last = out.at(-1);
    if (last && p.x0 < last.x1) out[out.length - 1] = union([last, p]);
    else out.push({ x0: p.x0, y0: p.y0, x1: p.x1, y1: p.y1 });
  }
  return out;
}

/**
 * Whether a mark is a corner bracket as vertical setting turns it: two strokes along the top
 * and the right side of its box (﹁, 「 turned) or along the bottom and the left (﹂, 」 turned),
 * nothing inside. A bracket set upright in a column (「 」, top and left or bottom and right)
 * is what a horizontal line shows already and is not turned. Strokes are judged by how much of
 * a side they run along, not by their ink: a light face draws the short stroke one pixel wide.
 */
function cornered(image: GreyImage, part: Part): "opening" | "closing" | undefined {
  const w = part.x1 - part.x0;
  const h = part.y1 - part.y0;
  if (w < 4 || h < 4) return undefined;
  const band = Math.max(2, Math.round(Math.min(w, h) * 0.3));
  const top = new Uint8Array(w);
  const bottom = new Uint8Array(w);
  const left = new Uint8Array(h);
  const right = new Uint8Array(h);
  let inside = 0;
  for (const p of part.pixels) {
    const x = (p % image.width) - part.x0;
    const y = Math.floor(p / image.width) - part.y0;
    if (y < band) top[x] = 1;
    if (y >= h - band) bottom[x] = 1;
    if (x < band) left[y] = 1;
    if (x >= w - band) right[y] = 1;
    if (y >= band && y < h - band && x >= band && x < w - band) inside++;
  }
  if (inside > part.pixels.length * 0.05) return undefined;
  const along = (side: Uint8Array) => side.reduce((n, v) => n + v, 0) / side.length;
  const drawn = (side: Uint8Array) => along(side) >= 0.8;
  const bare = (side: Uint8Array) => along(side) < 0.5;
  if (drawn(top) && drawn(right) && bare(bottom) && bare(left)) return "opening";
  if (drawn(bottom) && drawn(left) && bare(top) && bare(right)) return "closing";
  return undefined;
}

/**
 * Whether a flat mark's ends sit clearly higher or lower than its middle (︵ ︶, not 一): by
 * `rise` of its height (two arcs nested, ︽ ︾, rise by half as much of their joint height).
 */
function arched(image: GreyImage, ink: Box, rise = 0.3): boolean {
  const w = ink.x1 - ink.x0;
  const h = ink.y1 - ink.y0;
  const meanY = (from: number, to: number) => {
    let n = 0;
    let sum = 0;
    for (let x = ink.x0 + from; x < ink.x0 + to; x++) {
      for (let y = ink.y0; y < ink.y1; y++) {
        if (image.pixels[y * image.width + x]! < INK) {
          n++;
          sum += y;
        }
      }
    }
    return n ? sum / n : undefined;
  };
  const band = Math.max(1, Math.round(w * 0.15));
  const left = meanY(0, band);
  const middle = meanY(Math.floor((w - band) / 2), Math.floor((w + band) / 2));
  const right = meanY(w - band, w);
  if (left === undefined || middle === undefined || right === undefined) return false;
  // Both ends on the same side of the middle, by a good part of the height.
  const l = left - middle;
  const r = right - middle;
  return Math.sign(l) === Math.sign(r) && Math.min(Math.abs(l), Math.abs(r)) >= h * rise;
}

/** Splits runs much wider than the usual column at their emptiest x (columns joined by speckle). */
function splitWide(image: GreyImage, runs: [number, number][], c: number): [number, number][] {
  const widths = runs.map(([a, b]) => b - a).sort((a, b) => a - b);
  const usual = Math.max(c, widths[Math.floor(widths.length / 2)] ?? c);
  const out: [number, number][] = [];
  const todo = [...runs];
  while (todo.length) {
    const [a, b] = todo.shift()!;
    if (b - a <= usual * 1.6) {
      out.push([a, b]);
      continue;
    }
    const counts = new Uint32Array(b - a);
    for (let y = 0; y < image.height; y++) {
      const row = y * image.width;
      for (let x = a; x < b; x++) if (image.pixels[row + x]! < INK) counts[x - a]!++;
    }
    // The emptiest x at least half a usual column from either side.
    const margin = Math.round(usual / 2);
    let at = -1;
    for (let x = margin; x < b - a - margin; x++) if (at < 0 || counts[x]! < counts[at]!) at = x;
    if (at < 0) {
      out.push([a, b]);
      continue;
    }
    todo.unshift([a, a + at], [a + at + 1, b]);
  }
  return out;
}

interface Cell {
  readonly box: Box;
  readonly parts: readonly Part[];
  /** Pixels in the box that belong to something else (speckle, a mark, a character), and their rims. */
  readonly exclude: ReadonlySet<number>;
}

/** The pixels of the given parts and the pixels around them (the grey rim of their strokes). */
function rimmed(image: GreyImage, parts: readonly Part[]): Set<number> {
  const out = new Set<number>();
  for (const part of parts) {
    for (const p of part.pixels) {
      const x = p % image.width;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          if (x + dx < 0 || x + dx >= image.width) continue;
          out.add(p + dy * image.width + dx);
        }
      }
    }
  }
  return out;
}

/**
 * A small mark a boundary cuts in two (a 。 set where one cell ends and the next begins: each
 * half is an arc, read as a comma or as a turned bracket) is put back together, in the upper
 * cell: a mark follows the character it hangs beside (see columnCells). Only marks: a character's stroke crossing a boundary stays cut, as the
 * boundary is where the grid says one character ends.
 */
function stitchMarks(image: GreyImage, cells: Part[][], bounds: readonly number[], pitch: number): Part[][] {
  const out = cells.map((c) => [...c]);
  for (let k = 0; k + 1 < out.length; k++) {
    const at = bounds[k + 1]!;
    for (const upper of [...out[k]!]) {
      if (upper.y1 !== at) continue;
      const lower = out[k + 1]!.find((q) => q.y0 === at && touches(image, upper, q, at));
      if (!lower) continue;
      const whole = union([upper, lower]);
      if (whole.x1 - whole.x0 >= pitch * 0.5 || whole.y1 - whole.y0 >= pitch * 0.5) continue;
      const mark: Part = { ...whole, pixels: [...upper.pixels, ...lower.pixels] };
      out[k] = out[k]!.filter((q) => q !== upper);
      out[k + 1] = out[k + 1]!.filter((q) => q !== lower);
      out[k]!.push(mark);
    }
  }
  return out;
}

/** Whether a part ending at row `at` and a part starting there touch across it (8-connected). */
function touches(image: GreyImage, upper: Part, lower: Part, at: number): boolean {
  const above = new Set<number>();
  for (const p of upper.pixels) if (Math.floor(p / image.width) === at - 1) above.add(p % image.width);
  for (const p of lower.pixels) {
    if (Math.floor(p / image.width) !== at) continue;
    const x = p % image.width;
    if (above.has(x - 1) || above.has(x) || above.has(x + 1)) return true;
  }
  return false;
}

/**
 * The cells of one column: the ink between consecutive boundaries, speckle (small parts away
 * from the character's larger ones) left out. A small mark set beside a character, out to the right of where the
 * column's characters end (older print sets 、。， there rather than in a cell of their own),
 * becomes a cell of its own after the character's.
 */
function columnCells(
  image: GreyImage,
  x0: number,
  x1: number,
  bounds: readonly number[],
  pitch: number,
): Cell[] {
  const speck = Math.max(4, Math.round((pitch * pitch) / 150));
  const raw: Part[][] = [];
  const specks: Part[][] = [];
  const inCells = stitchMarks(
    image,
    bounds.slice(0, -1).map((y0, k) => parts(image, { x0, y0, x1, y1: bounds[k + 1]! })),
    bounds,
    pitch,
  );
  const owners: number[] = [];
  for (const [index, all] of inCells.entries()) {
    // Speckle: a small part away from the character's larger parts. A small part close to them
    // is a stroke (the dots of 氵 in a light face are as small as speckle).
    const large = all.filter((p) => p.pixels.length >= speck);
    const body = large.length ? union(large) : undefined;
    const near = Math.round(pitch * 0.3);
    const found = all.filter(
      (p) =>
        p.pixels.length >= speck ||
        (p.pixels.length >= 3 &&
          body !== undefined &&
          p.x1 >= body.x0 - near &&
          p.x0 <= body.x1 + near &&
          p.y1 >= body.y0 - near &&
          p.y0 <= body.y1 + near),
    );
    if (found.length) {
      raw.push(found);
      specks.push(all.filter((p) => !found.includes(p)));
      owners.push(index);
    }
  }
  // How tall a character's ink usually is (its em box, about).
  const boxes = raw.map(union);
  const heights = boxes
    .filter((b) => b.y1 - b.y0 >= pitch * 0.6 && b.x1 - b.x0 >= pitch * 0.6)
    .map((b) => b.y1 - b.y0)
    .sort((a, b) => a - b);
  const usual = heights.length >= 3 ? heights[Math.floor(heights.length / 2)]! : Number.POSITIVE_INFINITY;
  // Where the column's characters end on the right: the usual right edge of full-size cells,
  // of the cells around each one (a copy left slightly askew drifts along a long column: the
  // right edge of the whole column's cells lies several pixels off at either end), itself
  // left out (its own mark would move it). A cell taller than a character holds a mark run
  // into it, which moves its right edge out too (編、章、節、款、 down one column): where two
  // or more cells around are no taller than a character, only those count.
  const fullSize = (b: Box) => b.y1 - b.y0 >= pitch * 0.6 && b.x1 - b.x0 >= pitch * 0.6;
  const characterHigh = (b: Box) => fullSize(b) && b.y1 - b.y0 < usual + pitch * 0.12;
  const medianRight = (of: readonly Box[], least: number) => {
    const rights = of.map((b) => b.x1).sort((a, b) => a - b);
    return rights.length >= least ? rights[Math.floor((rights.length - 1) / 2)]! : undefined;
  };
  const rightNear = (k: number) => {
    const near = boxes.slice(Math.max(0, k - 4), k + 5).filter((_, j) => j !== Math.min(k, 4));
    return (
      medianRight(near.filter(characterHigh), 2) ??
      medianRight(near.filter(fullSize), 3) ??
      medianRight(boxes.filter(fullSize), 3) ??
      Number.POSITIVE_INFINITY
    );
  };
  const cells: Cell[] = [];
  raw.forEach((found, k) => {
    const right = rightNear(k);
    const all = union(found);
    const middle = (all.y0 + all.y1) / 2;
    // Small, from about the characters' right edge outwards, in the lower half (a dot out at
    // the upper right is part of a character: 戈 犬 求); or a dot at the right wholly below all
    // the rest of the cell's ink (a character's own lower dots, 其 貝 六, sit level with its
    // other lowest strokes): a mark after the character. A dot at the right wholly above all
    // the rest, with a gap, is a mark the boundary put into the next character's cell (its own
    // cell's upper right is where vertical setting puts it): a mark before the character. An
    // aged copy's blur and deskew move marks in from the edge a little.
    const dotAtRight = (p: Part) => {
      const w = p.x1 - p.x0;
      const h = p.y1 - p.y0;
      return (
        w < pitch * 0.45 &&
        h < pitch * 0.45 &&
        w <= h * 2.2 &&
        h <= w * 2.2 &&
        (p.x0 + p.x1) / 2 >= right - pitch * 0.25
      );
    };
    const restOf = (p: Part) => found.filter((q) => q !== p);
    const beside = found.filter((p) => {
      if (p.x1 - p.x0 >= pitch * 0.45 || p.y1 - p.y0 >= pitch * 0.45) return false;
      if (strokeEnd(image, p, union(found), pitch)) return false;
      if (p.x0 >= right - pitch * 0.1 && (p.y0 + p.y1) / 2 > middle) return true;
      const rest = restOf(p);
      return dotAtRight(p) && rest.length > 0 && (p.y0 + p.y1) / 2 > union(rest).y1;
    });
    const before = found.filter((p) => {
      const rest = restOf(p);
      return (
        !beside.includes(p) &&
        dotAtRight(p) &&
        !strokeEnd(image, p, union(found), pitch) &&
        rest.length > 0 &&
        rest.some((q) => q.y1 - q.y0 >= pitch * 0.45) &&
        p.y1 + Math.max(1, pitch * 0.05) < union(rest).y0
      );
    });
    const main = found.filter((p) => !beside.includes(p) && !before.includes(p));
    // A mark put back together reaches into the next cell: the ink of the cells around that
    // lies in this one's box is not this cell's.
    const reach = union(found);
    const around = [...(inCells[owners[k]! - 1] ?? []), ...(inCells[owners[k]! + 1] ?? [])].filter(
      (q) => q.x1 > reach.x0 && q.x0 < reach.x1 && q.y1 > reach.y0 && q.y0 < reach.y1,
    );
    const noise = [...specks[k]!, ...around];
    const markCell = (mark: Part): Cell => ({
      box: union([mark]),
      parts: [mark],
      exclude: rimmed(image, [...found.filter((p) => p !== mark), ...noise]),
    });
    if (main.length && (beside.length || before.length)) {
      for (const mark of before.sort((a, b) => a.y0 - b.y0)) cells.push(markCell(mark));
      cells.push({ box: union(main), parts: main, exclude: rimmed(image, [...beside, ...before, ...noise]) });
      for (const mark of beside.sort((a, b) => a.y0 - b.y0)) cells.push(markCell(mark));
    } else {
      const hung = hangingMark(image, found, usual, right, pitch);

      if (hung) {
        const noisy = rimmed(image, noise);
        cells.push({
          box: union([hung.character]),
          parts: [hung.character],
          exclude: new Set([...hung.mark.pixels, ...noisy]),
        });
        cells.push({
          box: union([hung.mark]),
          parts: [hung.mark],
          exclude: new Set([...hung.character.pixels, ...noisy]),
        });
      } else cells.push({ box: union(found), parts: found, exclude: rimmed(image, noise) });
    }
  });
  return cells;
}

/**
 * Whether a dot is the dark end of a character's thin stroke: a light face at 200 dpi draws a
 * long horizontal stroke in grey (lighter than ink) and only the serif at its end dark, so the
 * bottom stroke of 三 or 且 leaves a dot at the character's lower right, where a mark set beside
 * it would be. A stroke runs on from the dot in grey for a good part of a cell; a printed mark
 * stands on paper (a blurred copy's grey rim around it joins the rim of the character's
 * strokes, so grey that borders other ink is not followed).
 */
function strokeEnd(image: GreyImage, dot: Part, within: Box, pitch: number): boolean {
  const { width, pixels } = image;
  const own = new Set(dot.pixels);
  const x0 = Math.max(0, within.x0 - 1);
  const x1 = Math.min(width, within.x1 + 1);
  const y0 = Math.max(0, within.y0 - 1);
  const y1 = Math.min(image.height, within.y1 + 1);
  const inside = (x: number, y: number) => x >= x0 && x < x1 && y >= y0 && y < y1;
  const bordersOther = (x: number, y: number) => {
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const q = (y + dy) * width + x + dx;
        if (inside(x + dx, y + dy) && pixels[q]! < INK && !own.has(q)) return true;
      }
    }
    return false;
  };
  const seen = new Set<number>(dot.pixels);
  const stack = [...dot.pixels];
  let lo = dot.x0;
  let hi = dot.x1;
  let top = dot.y0;
  let bottom = dot.y1;
  const reach = pitch * 0.3;
  while (stack.length) {
    const p = stack.pop()!;
    const px = p % width;
    const py = (p - px) / width;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const x = px + dx;
        const y = py + dy;
        const q = y * width + x;
        if (!inside(x, y) || seen.has(q)) continue;
        seen.add(q);
        const v = pixels[q]!;
        if (v < INK || v >= FAINT || bordersOther(x, y)) continue;
        stack.push(q);
        lo = Math.min(lo, x);
        hi = Math.max(hi, x + 1);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y + 1);
        if (dot.x0 - lo >= reach || hi - dot.x1 >= reach || dot.y0 - top >= reach || bottom - dot.y1 >= reach)
          return true;
      }
    }
  }
  return false;
}

/**
 * A mark printed touching the character before it: vertical setting puts 、。， in the upper
 * right of their own cell, just under the previous character's lower right, where a stroke
 * that ends there (the 乀 of 法, 之, 定) runs into it, more so on an aged copy whose strokes
 * spread. The cell's ink is then taller than a character's usually is, and what hangs below
 * that height lies at the column's right side only, standing out past the characters' right
 * edge: that ink is the mark.
 */
function hangingMark(
  image: GreyImage,
  found: readonly Part[],
  usual: number,
  right: number,
  pitch: number,
): { character: Part; mark: Part } | undefined {
  const box = union(found);
  if (!Number.isFinite(usual) || !Number.isFinite(right)) return undefined;
  if (box.y1 - box.y0 < usual + pitch * 0.12) return undefined;
  const side = right - pitch * 0.25;
  // The character's foot: its usual height, or lower where its strokes away from the right side
  // reach lower (a character taller than most, 編 項: the mark under its lower right begins
  // where those strokes end).
  let cut = box.y0 + usual;
  for (const part of found) {
    for (const p of part.pixels)
      if (p % image.width < side) cut = Math.max(cut, Math.floor(p / image.width) + 1);
  }
  const below: number[] = [];
  const rest: number[] = [];
  for (const part of found) {
    for (const p of part.pixels) {
      const y = Math.floor(p / image.width);
      if (y < cut) rest.push(p);
      else below.push(p);
    }
  }
  if (below.length < 3 || rest.length === 0) return undefined;
  const foot = pieceOf(image, below);
  // The mark's top is level with the character's foot (the ring of a 。 beside the end of a
  // 乀): a mark is up to half again as tall as it is wide, so the ink above the cut over the
  // mark's width, up to that height, is the mark's too — out past the characters' right edge
  // only (a character's own stroke down its right side is not).
  const top = foot.y1 - Math.min(Math.round(pitch * 0.4), Math.round((foot.x1 - foot.x0) * 1.6));
  const character = rest.filter((p) => {
    const x = p % image.width;
    const y = Math.floor(p / image.width);
    if (y < top || x < Math.max(foot.x0 - 1, right) || x >= foot.x1 + 1) return true;
    below.push(p);
    return false;
  });
  if (character.length === 0) return undefined;
  const mark = pieceOf(image, below);
  if (mark.x1 - mark.x0 >= pitch * 0.45 || mark.y1 - mark.y0 >= pitch * 0.45) return undefined;
  // A mark stands out past the characters' right edge; a character's own long stroke to the
  // lower right (the 乀 of 條) ends within it.
  if (mark.x1 < right + pitch * 0.08) return undefined;
  return { character: pieceOf(image, character), mark };
}

function pieceOf(image: GreyImage, pixels: number[]): Part {
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = 0;
  let y1 = 0;
  for (const p of pixels) {
    const x = p % image.width;
    const y = Math.floor(p / image.width);
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x + 1);
    y1 = Math.max(y1, y + 1);
  }
  return { x0, y0, x1, y1, pixels };
}

/**
 * Two cells that are each one flat stroke and together fit in one cell are one character whose
 * strokes a boundary fell between (二 三). A turned bracket (︵ ︶: an arch) is a mark of its
 * own, never a stroke of the character next to it (（一） set vertically is ︵一︶).
 */
function mergeSplitStrokes(image: GreyImage, cells: Cell[], pitch: number): Cell[] {
  const stroke = (c: Cell) => c.box.x1 - c.box.x0 >= (c.box.y1 - c.box.y0) * 3 && !arched(image, c.box);
  const out: Cell[] = [];
  for (const cell of cells) {
    const last = out.at(-1);
    if (last && stroke(last) && stroke(cell) && cell.box.y1 - last.box.y0 <= pitch * 0.95) {
      const parts = [...last.parts, ...cell.parts];
      out[out.length - 1] = {
        box: union(parts),
        parts,
        exclude: new Set([...last.exclude, ...cell.exclude]),
      };
    } else out.push(cell);
  }
  return out;
}

/** Grey at or above this is paper for the faint ends of strokes (ink proper is below INK). */
const FAINT = 224;

/**
 * Each cell's ink box grown by the faint ends of its own strokes. A cell's parts are its ink
 * darker than INK; on an aged or light copy a stroke fades out in grey at its ends (the thin
 * start of a 一, the left of 二's short stroke), and a box of the dark ink alone cuts those
 * ends off: 二 then reaches the model as two dabs. The grey joined to a cell's parts (through
 * pixels darker than FAINT, out to a quarter of a pitch left and right of its box and within its
 * rows, never into another cell's ink or into what the cell excludes) is the cell's too.
 */
function faintEdges(
  image: GreyImage,
  cells: readonly Cell[],
  pitch: number,
): { box: Box; pixels: Set<number> }[] {
  const { width, pixels } = image;
  const owned = new Set<number>();
  for (const cell of cells) for (const part of cell.parts) for (const p of part.pixels) owned.add(p);
  const reach = Math.max(1, Math.round(pitch / 4));
  return cells.map((cell) => {
    const limit = {
      x0: Math.max(0, cell.box.x0 - reach),
      y0: cell.box.y0,
      x1: Math.min(width, cell.box.x1 + reach),
      y1: cell.box.y1,
    };
    const extra = new Set<number>();
    const stack: number[] = cell.parts.flatMap((part) => [...part.pixels]);
    const seen = new Set<number>(stack);
    let { x0, y0, x1, y1 } = cell.box;
    while (stack.length) {
      const p = stack.pop()!;
      const px = p % width;
      const py = (p - px) / width;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const x = px + dx;
          const y = py + dy;
          if (x < limit.x0 || y < limit.y0 || x >= limit.x1 || y >= limit.y1) continue;
          const q = y * width + x;
          if (seen.has(q)) continue;
          seen.add(q);
          if (owned.has(q) || cell.exclude.has(q) || pixels[q]! >= FAINT) continue;
          extra.add(q);
          stack.push(q);
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x + 1);
          y1 = Math.max(y1, y + 1);
        }
      }
    }
    return { box: { x0, y0, x1, y1 }, pixels: extra };
  });
}

/**
 * Relays a block of vertical columns (a crop, rules erased) as horizontal lines. `c` is the
 * page's character size in pixels (a hint for the pitch search).
 */
export function relayColumns(image: GreyImage, c: number): Relay {
  const runs = splitWide(image, columnRuns(image, Math.max(2, Math.round(c / 3))), c).reverse();
  const profiles = runs.map(([x0, x1]) => rowProfile(image, x0, x1));
  const pitch = runs.length ? cellPitch(profiles, c) : c;

  const slot = Math.max(4, Math.round(pitch));
  const margin = Math.round(slot / 2);
  const linePitch = Math.round(slot * 1.6);
  const columns: { source: Box; cells: Cell[] }[] = [];
  runs.forEach(([x0, x1], i) => {
    // The phase of the column and its neighbours: one grid, but a copy set askew moves it a
    // little from column to column.
    const phase = gridPhase(profiles.slice(Math.max(0, i - 2), i + 3), pitch);
    const cells = mergeSplitStrokes(
      image,
      columnCells(image, x0, x1, cellBoundaries(profiles[i]!, pitch, phase), pitch),
      pitch,
    );
    if (cells.length)
      columns.push({ source: { x0, y0: cells[0]!.box.y0, x1, y1: cells.at(-1)!.box.y1 }, cells });
  });
  const longest = Math.max(1, ...columns.map((col) => col.cells.length));
  const width = margin * 2 + longest * slot;
  const height = Math.max(slot, margin * 2 + Math.max(0, columns.length - 1) * linePitch + slot);
  const pixels = new Uint8Array(width * height).fill(255);
  const put = (sx: number, sy: number, v: number) => {
    if (sx >= 0 && sy >= 0 && sx < width && sy < height) pixels[sy * width + sx] = v;
  };
  const lines: RelayLine[] = columns.map((col, i) => {
    const top = margin + i * linePitch;
    const faint = faintEdges(image, col.cells, pitch);
    const cells = col.cells.map((cell, k): RelayCell => {
      const placement = placementOf(image, cell.parts, pitch);
      // Digits set small across a cell are scaled to the size of digits in a line of text.
      const scale = placement === "digits" ? Math.min(2, (slot * 0.72) / (cell.box.y1 - cell.box.y0)) : 1;
      // What is copied: the cell's ink box, grown by the faint ends of its strokes (unscaled).
      const grown = placement === "centre" ? faint[k]! : { box: cell.box, pixels: new Set<number>() };
      const ink = grown.box;
      const left = margin + k * slot;
      const w = ink.x1 - ink.x0;
      const h = ink.y1 - ink.y0;
      const turned = placement === "turned" || placement === "opening" || placement === "closing";
      const [ow, oh] = turned ? [h, w] : [Math.round(w * scale), Math.round(h * scale)];
      let ox = left + Math.floor((slot - ow) / 2);
      let oy = top + Math.floor((slot - oh) / 2);
      // A corner bracket turned back goes where horizontal type sets it: 「 in the upper right of
      // its cell, 」 in the lower left (centred, 」 stands at the height of a letter: read as J).
      const side = Math.round(slot * 0.08);
      if (placement === "opening") {
        ox = left + slot - ow - side;
        oy = top + side;
      }
      if (placement === "closing") {
        ox = left + side;
        oy = top + slot - oh - side;
      }
      if (placement === "small") {
        ox = left + Math.round(slot * 0.08);
        oy = top + slot - oh - Math.round(slot * 0.08);
      }
      if (scale !== 1) {
        // Bilinear, what belongs to something else counted as paper.
        const at = (x: number, y: number) => {
          const i = (ink.y0 + y) * image.width + ink.x0 + x;
          return cell.exclude.has(i) ? 255 : image.pixels[i]!;
        };
        for (let y = 0; y < oh; y++) {
          for (let x = 0; x < ow; x++) {
            const sx = Math.min(w - 1, Math.max(0, (x + 0.5) / scale - 0.5));
            const sy = Math.min(h - 1, Math.max(0, (y + 0.5) / scale - 0.5));
            const x0 = Math.floor(sx);
            const y0 = Math.floor(sy);
            const x1 = Math.min(w - 1, x0 + 1);
            const y1 = Math.min(h - 1, y0 + 1);
            const fx = sx - x0;
            const fy = sy - y0;
            const v =
              (at(x0, y0) * (1 - fx) + at(x1, y0) * fx) * (1 - fy) +
              (at(x0, y1) * (1 - fx) + at(x1, y1) * fx) * fy;
            if (v < 255) put(ox + x, oy + y, Math.round(v));
          }
        }
        return { source: ink, slot: { x0: left, y0: top, x1: left + slot, y1: top + slot } };
      }
      // The box's pixels as they are (with the grey edges of the strokes), less what belongs
      // to something else.
      const inBox = (x: number, y: number) =>
        x >= cell.box.x0 && x < cell.box.x1 && y >= cell.box.y0 && y < cell.box.y1;
      for (let y = 0; y < h; y++) {
        const row = (ink.y0 + y) * image.width + ink.x0;
        for (let x = 0; x < w; x++) {
          const v = image.pixels[row + x]!;
          if (v === 255 || cell.exclude.has(row + x)) continue;
          if (!inBox(ink.x0 + x, ink.y0 + y) && !grown.pixels.has(row + x)) continue;
          // Turned back counter-clockwise: (x, y) → (y, w − 1 − x).
          if (turned) put(ox + y, oy + (w - 1 - x), v);
          else put(ox + x, oy + y, v);
        }
      }
      return { source: ink, slot: { x0: left, y0: top, x1: left + slot, y1: top + slot } };
    });
    return { source: col.source, y0: top, y1: top + slot, cells };
  });
  return { image: { width, height, pixels }, lines, pitch };
}

/** The source box of the cells under a stretch [x0, x1) of a relaid line; undefined if none. */
export function sourceOf(line: RelayLine, x0: number, x1: number): Box | undefined {
  let box: Box | undefined;
  for (const cell of line.cells) {
    const overlap = Math.min(x1, cell.slot.x1) - Math.max(x0, cell.slot.x0);
    if (overlap <= (cell.slot.x1 - cell.slot.x0) * 0.3) continue;
    box = box
      ? {
          x0: Math.min(box.x0, cell.source.x0),
          y0: Math.min(box.y0, cell.source.y0),
          x1: Math.max(box.x1, cell.source.x1),
          y1: Math.max(box.y1, cell.source.y1),
        }
      : cell.source;
  }
  return box;
}

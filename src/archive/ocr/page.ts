/**
 * Reading one scanned page: clean → orientation → layout → OCR per block → text in reading order.
 * The archive's page unit and the eval (eval/scans-eval.ts) both call readPage, so what the
 * eval measures is what a scan job does.
 *
 * Orientation. Tesseract's orientation detector (OSD) needs osd.traineddata, which no npm
 * package ships, so the page decides from its own ink and a few small trial readings:
 * - lines of ink run across the page (rows) or down it (columns) — clean.ts guessLayout;
 * - rows are horizontal text upright or upside down, or vertical text turned 90°; columns are
 *   vertical text upright or upside down, or horizontal text turned 90° either way;
 * - a sample of the page's largest block (a few lines) is read in each of these readings, the
 *   likeliest first; a reading at or above CONFIDENT stops the search, else the most confident
 *   wins. The page is turned accordingly and the turn recorded.
 *
 * Script. Decided per page (a mixed-script edition is read right): unless the job fixes it, the
 * sample is read with the Simplified and the Traditional model and the more confident wins; then
 * the whole page's glyphs check the choice (script.ts: two-form characters are drawn with many
 * more strokes in Traditional) and, when they clearly say otherwise, the page is read again with
 * the other model.
 *
 * Vertical text is relaid as horizontal lines (relay.ts) and read with the horizontal models,
 * which read far better than the _vert ones (and npm has no chi_sim_vert); only a vertical block
 * the relay finds nothing in goes to the _vert model.
 *
 * Layout. layout.ts finds the blocks and their reading order; each is cropped (rules erased)
 * and read with the segmentation mode that fits it: one line, a block of lines, a block of
 * vertical columns. Word boxes are moved back to page coordinates, so the page's hOCR serves
 * the item page's highlights.
 */
import { lazyCharConverter, lazyTraditionalToSimplified } from "../../documents/han-variants.js";
import { cleanPage, type PageCondition } from "../clean.js";
import { encodePng, type GreyImage } from "../images.js";
import type { OcrEngine, OcrResult, Script, Segmentation } from "./engine.js";
import { type HocrPage, type OcrLine, pageConfidence, pageText } from "./hocr.js";
import {
  analyseLayout,
  type Box,
  crop,
  linesRunDown,
  type PageLayout,
  type TextBlock,
  turn,
} from "./layout.js";
import { dropPhantomMarks } from "./marks.js";
import { type Relay, relayColumns, sourceOf } from "./relay.js";
import {
  addTallies,
  EMPTY_TALLY,
  type GlyphTally,
  glyphEvidence,
  scriptOfGlyphs,
  tallyGlyphs,
} from "./script.js";

export type Rotation = 0 | 90 | 180 | 270;

export interface ReadPageOptions {
  /** The job's script, or "auto" to decide on this page. */
  readonly script?: Script | "auto" | undefined;
  /** The raster's resolution. */
  readonly dpi?: number | undefined;
}

export interface ReadBlock {
  readonly box: Box;
  readonly vertical: boolean;
  readonly segmentation: Segmentation;
  readonly confidence: number;
}

export interface PageReading {
  readonly text: string;
  /** Character-weighted mean word confidence, 0–100. */
  readonly confidence: number;
  /** hOCR of the whole page, boxes in the coordinates of `image`. */
  readonly hocr: string;
  readonly page: HocrPage;
  /** Traineddata used for the page's text, e.g. chi_sim. */
  readonly language: string;
  readonly script: Script;
  /** The page's text runs in vertical columns. */
  readonly vertical: boolean;
  /** Clockwise turn applied to the scan to set it upright. */
  readonly rotation: Rotation;
  /** The cleaned, upright page. */
  readonly image: GreyImage;
  readonly condition: PageCondition;
  readonly blocks: readonly ReadBlock[];
  /**
   * The script evidence of the page's glyphs (script.ts): how many two-form characters were
   * read and their complexity over that of one-form characters; absent on a page read whole.
   */
  readonly glyphs?: { readonly twoForms: number; readonly ratio: number } | undefined;
}

/** A trial reading this confident settles the page's orientation without trying the others. */
const CONFIDENT = 60;

interface Orientation {
  readonly rotation: Rotation;
  readonly vertical: boolean;
}

/** Phrases included: OCR words are converted whole. */
const toSimplified = lazyTraditionalToSimplified();
/** Used on single characters only, so the character dictionaries suffice. */
const toTraditional = lazyCharConverter("cn→t");

/** The orientations a page can be in, the likeliest first. */
function candidates(columns: boolean): Orientation[] {
  return columns
    ? [
        { rotation: 0, vertical: true },
        { rotation: 270, vertical: false },
        { rotation: 90, vertical: false },
        { rotation: 180, vertical: true },
      ]
    : [
        { rotation: 0, vertical: false },
        { rotation: 180, vertical: false },
        { rotation: 90, vertical: true },
        { rotation: 270, vertical: true },
      ];
}

/** Ink per row (alongX false) or per column (alongX true) of a box. */
function inkProfile(image: GreyImage, box: Box, alongX: boolean): Uint32Array {
  const out = new Uint32Array(alongX ? box.x1 - box.x0 : box.y1 - box.y0);
  for (let y = box.y0; y < box.y1; y++) {
    const row = y * image.width;
    for (let x = box.x0; x < box.x1; x++)
      if (image.pixels[row + x]! < 128) out[alongX ? x - box.x0 : y - box.y0]!++;
  }
  return out;
}

/** The emptiest position of a profile within [from, to), the nearest to `near` among equals. */
function emptiest(p: Uint32Array, from: number, to: number, near: number): number {
  let best = Math.max(0, Math.min(p.length, near));
  let least = Number.POSITIVE_INFINITY;
  for (let i = Math.max(0, from); i < Math.min(p.length, to); i++) {
    if (p[i]! < least || (p[i] === least && Math.abs(i - near) < Math.abs(best - near))) {
      least = p[i]!;
      best = i;
    }
  }
  return best;
}

/**
 * A sample of the page for the trial readings: part of its largest block, about eight
 * characters across its lines and two dozen along them, cut where the paper is blank (between
 * lines, between characters) so that no character is cut in half.
 */
export function sampleBox(image: GreyImage, layout: PageLayout): Box | undefined {
  const c = layout.charSize;
  let best: TextBlock | undefined;
  const area = (b: TextBlock) => (b.box.x1 - b.box.x0) * (b.box.y1 - b.box.y0);
  for (const b of layout.blocks) if (!best || area(b) > area(best)) best = b;
  if (!best) return undefined;
  const box = best.box;
  const columns = layout.vertical;
  // Across the lines: from a gap near the middle of the block, about eight characters.
  const acrossProfile = inkProfile(image, box, columns);
  const acrossLength = acrossProfile.length;
  const span = Math.round(c * 8);
  let a0 = 0;
  let a1 = acrossLength;
  if (acrossLength > span * 1.3) {
    const mid = Math.floor((acrossLength - span) / 2);
    a0 = emptiest(acrossProfile, mid - c, mid + c, mid);
    a1 = emptiest(acrossProfile, a0 + span - c, a0 + span + c, a0 + span);
  }
  const band: Box = columns
    ? { x0: box.x0 + a0, y0: box.y0, x1: box.x0 + a1, y1: box.y1 }
    : { x0: box.x0, y0: box.y0 + a0, x1: box.x1, y1: box.y0 + a1 };
  // Along the lines: from the block's start, about two dozen characters, cut between two.
  const alongProfile = inkProfile(image, band, !columns);
  const along = Math.round(c * 24);
  let b1 = alongProfile.length;
  if (b1 > along * 1.2) b1 = emptiest(alongProfile, along - c, along + c, along);
  return columns ? { ...band, y1: band.y0 + b1 } : { ...band, x1: band.x0 + b1 };
}

function sampleOf(image: GreyImage, layout: PageLayout): GreyImage {
  const box = sampleBox(image, layout);
  return box ? crop(image, box, layout.rules) : image;
}

async function recognise(
  engine: OcrEngine,
  image: GreyImage,
  script: Script,
  vertical: boolean,
  segmentation: Segmentation,
): Promise<OcrResult> {
  return engine.recognize(encodePng(image), { script, vertical, segmentation });
}

interface CropReading extends OcrResult {
  /** The glyphs read, tallied for the script decision (script.ts). */
  readonly glyphs: GlyphTally;
}

/**
 * Reads a crop. Vertical text is relaid as horizontal lines (relay.ts) and read with the
 * horizontal model; its words are moved back to the crop's cells.
 */
async function readCrop(
  engine: OcrEngine,
  image: GreyImage,
  script: Script,
  vertical: boolean,
  segmentation: Segmentation,
  charSize: number,
): Promise<CropReading> {
  if (!vertical) {
    const read = await recognise(engine, image, script, false, segmentation);
    const page = dropPhantomMarks(read.page, image, charSize);
    return { ...read, page, text: pageText(page), glyphs: tallyGlyphs(image, page) };
  }
  const relay = relayColumns(image, charSize);
  if (relay.lines.length === 0) {
    const result = await recognise(engine, image, script, true, segmentation);
    return { ...result, glyphs: EMPTY_TALLY };
  }
  const result = await recognise(
    engine,
    relay.image,
    script,
    false,
    relay.lines.length > 1 ? "block" : "line",
  );
  const page = backFromRelay(result.page, relay, image);
  return { ...result, page, text: pageText(page), glyphs: tallyGlyphs(relay.image, result.page) };
}

/** A relaid reading's words in the coordinates of the crop the relay was made from. */
function backFromRelay(page: HocrPage, relay: Relay, image: GreyImage): HocrPage {
  const lines: OcrLine[] = relay.lines.map(() => ({ words: [] }));
  for (const line of page.lines) {
    for (const word of line.words) {
      const mid = (word.bbox[1] + word.bbox[3]) / 2;
      // The relaid line whose band holds the word's middle (or the nearest).
      let index = 0;
      let distance = Number.POSITIVE_INFINITY;
      relay.lines.forEach((l, i) => {
        const d = mid < l.y0 ? l.y0 - mid : mid > l.y1 ? mid - l.y1 : 0;
        if (d < distance) {
          distance = d;
          index = i;
        }
      });
      const target = relay.lines[index]!;
      const box = sourceOf(target, word.bbox[0], word.bbox[2]) ?? target.source;
      (lines[index]!.words as OcrLine["words"][number][]).push({
        ...word,
        bbox: [box.x0, box.y0, box.x1, box.y1],
      });
    }
  }
  return { width: image.width, height: image.height, lines: lines.filter((l) => l.words.length > 0) };
}

interface Decision {
  readonly orientation: Orientation;
  readonly script: Script;
}

async function decide(
  engine: OcrEngine,
  image: GreyImage,
  probe: PageLayout,
  fixed: Script | undefined,
): Promise<Decision> {
  const columns = probe.vertical;
  const sample = sampleOf(image, probe);
  let best: { orientation: Orientation; result: OcrResult } | undefined;
  const first = fixed ?? "sim";
  for (const orientation of candidates(columns)) {
    const turned = turn(sample, orientation.rotation);
    const result = await readCrop(
      engine,
      turned,
      first,
      orientation.vertical,
      orientation.vertical ? "vertical" : "block",
      probe.charSize,
    );
    if (!best || result.confidence > best.result.confidence) best = { orientation, result };
    if (result.confidence >= CONFIDENT) break;
  }
  const orientation = best!.orientation;
  if (fixed) return { orientation, script: fixed };
  const turned = turn(sample, orientation.rotation);
  const other = await readCrop(
    engine,
    turned,
    "tra",
    orientation.vertical,
    orientation.vertical ? "vertical" : "block",
    probe.charSize,
  );
  if (other.language === best!.result.language) {
    // One vertical model for both scripts (tesseract.js): decide from the text it read.
    return { orientation, script: looksTraditional(best!.result.text) ? "tra" : "sim" };
  }
  const sim = best!.result;
  // Each model reads the other script fluently (chi_tra writes 國 for a printed 国), so the
  // page's mean confidence differs by a point or two. Where the scripts differ — words with a
  // character that only one script has — the model that matches the print is clearly surer: compare
  // the confidence of those words; fall back to the whole reading when either has none.
  const simVariant = variantConfidence(sim, (ch) => toTraditional(ch) !== ch);
  const traVariant = variantConfidence(other, (ch) => toSimplified(ch) !== ch);
  if (simVariant !== undefined && traVariant !== undefined) {
    return { orientation, script: traVariant > simVariant ? "tra" : "sim" };
  }
  return { orientation, script: other.confidence > sim.confidence ? "tra" : "sim" };
}

/** Character-weighted confidence of the words holding a script-variant character; undefined if none. */
function variantConfidence(result: OcrResult, variant: (ch: string) => boolean): number | undefined {
  return variantConfidenceOf(result.page.lines, variant);
}

function variantConfidenceOf(
  lines: readonly OcrLine[],
  variant: (ch: string) => boolean,
): number | undefined {
  let chars = 0;
  let sum = 0;
  for (const line of lines) {
    for (const w of line.words) {
      if (![...w.text].some((ch) => /\p{Script=Han}/u.test(ch) && variant(ch))) continue;
      const n = [...w.text].length;
      chars += n;
      sum += w.confidence * n;
    }
  }
  return chars >= 3 ? sum / chars : undefined;
}

/**
 * Whether text read with a Traditional model is Traditional: a Simplified page read with
 * chi_tra_vert still comes out with many characters that only Simplified has, or with few that
 * only Traditional has.
 */
export function looksTraditional(text: string): boolean {
  const han = [...text].filter((ch) => /\p{Script=Han}/u.test(ch));
  if (han.length === 0) return false;
  let traditionalOnly = 0;
  for (const ch of han) if (toSimplified(ch) !== ch) traditionalOnly++;
  return traditionalOnly / han.length >= 0.08;
}

function segmentationFor(block: TextBlock): Segmentation {
  if (block.vertical) return "vertical";
  return block.singleLine ? "line" : "block";
}

/**
 * A Latin x standing alone in Chinese text is the multiplication sign (the Chinese models read
 * × as x): in formula lines (应纳税额＝收入×税率) and in placeholders (××部令).
 */
export function restoreTimesSign(text: string): string {
  return text.replace(/(?<![A-Za-z])[xX](?![A-Za-z])/g, "×");
}

interface Bar {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** Connected ink components of a crop (4-connected), with their boxes and pixel counts. */
function components(image: GreyImage): (Bar & { readonly n: number })[] {
  const { width: w, height: h, pixels } = image;
  const seen = new Uint8Array(w * h);
  const out: (Bar & { n: number })[] = [];
  for (let start = 0; start < pixels.length; start++) {
    if (seen[start] || pixels[start]! >= 128) continue;
    const stack = [start];
    seen[start] = 1;
    let x0 = w;
    let y0 = h;
    let x1 = 0;
    let y1 = 0;
    let n = 0;
    while (stack.length) {
      const p = stack.pop()!;
      n++;
      const x = p % w;
      const y = (p - x) / w;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      for (const q of [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, p - w, p + w]) {
        if (q < 0 || q >= pixels.length || seen[q] || pixels[q]! >= 128) continue;
        seen[q] = 1;
        stack.push(q);
      }
    }
    out.push({ x0, y0, x1: x1 + 1, y1: y1 + 1, n });
  }
  return out;
}

/** Short horizontal bars (about 0.3–1 character long) among a crop's ink components. */
function bars(found: readonly (Bar & { readonly n: number })[], c: number): Bar[] {
  const maxThick = Math.max(3, Math.round(c * 0.16));
  return found.filter((b) => {
    const bw = b.x1 - b.x0;
    const bh = b.y1 - b.y0;
    return bh <= maxThick && bw >= c * 0.3 && bw <= c * 1.05 && bw >= bh * 4 && b.n >= bw * bh * 0.6;
  });
}

/**
 * Centres (x, in the crop) of equals signs: two bars of the same length one close above the
 * other, with no third bar in line with them (三) — 二 has a short bar over a long one.
 */
function equalsSigns(image: GreyImage, c: number): { x: number; y: number }[] {
  const found = bars(components(image), c);
  const out: { x: number; y: number }[] = [];
  for (const a of found) {
    for (const b of found) {
      if (b === a || b.y0 <= a.y1) continue;
      const gap = b.y0 - a.y1;
      const wa = a.x1 - a.x0;
      const wb = b.x1 - b.x0;
      const overlap = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
      if (gap < c * 0.06 || gap > c * 0.4) continue;
      if (Math.abs(wa - wb) > Math.max(wa, wb) * 0.15 || overlap < Math.min(wa, wb) * 0.85) continue;
      const third = found.some(
        (t) =>
          t !== a &&
          t !== b &&
          Math.min(t.x1, a.x1) - Math.max(t.x0, a.x0) > 0 &&
          (Math.abs(t.y0 - b.y1) < c * 0.5 || Math.abs(a.y0 - t.y1) < c * 0.5),
      );
      if (!third) out.push({ x: (a.x0 + a.x1 + b.x0 + b.x1) / 4, y: (a.y0 + b.y1) / 2 });
    }
  }
  return out;
}

/**
 * Centres (x, y in the crop) of division signs: a short bar with a dot centred over it and one
 * under it, close, and no other ink within the sign's box (文 and 立 put their dot over a bar,
 * but the rest of the character is joined to it or lies below it).
 */
function divisionSigns(image: GreyImage, c: number): { x: number; y: number }[] {
  const found = components(image);
  const out: { x: number; y: number }[] = [];
  const dotMax = Math.max(3, c * 0.25);
  const dots = found.filter((d) => {
    const w = d.x1 - d.x0;
    const h = d.y1 - d.y0;
    return w <= dotMax && h <= dotMax && w <= h * 2 && h <= w * 2 && d.n >= w * h * 0.4;
  });
  for (const b of bars(found, c)) {
    const middle = (b.x0 + b.x1) / 2;
    const centred = (d: Bar) => Math.abs((d.x0 + d.x1) / 2 - middle) <= (b.x1 - b.x0) * 0.2;
    const over = dots.find((d) => centred(d) && d.y1 <= b.y0 && b.y0 - d.y1 <= c * 0.35);
    const under = dots.find((d) => centred(d) && d.y0 >= b.y1 && d.y0 - b.y1 <= c * 0.35);
    if (!over || !under) continue;
    const box = { x0: b.x0, y0: over.y0, x1: b.x1, y1: under.y1 };
    const alone = found.every(
      (o) =>
        o === b ||
        o === over ||
        o === under ||
        o.x1 <= box.x0 ||
        o.x0 >= box.x1 ||
        o.y1 <= box.y0 ||
        o.y0 >= box.y1,
    );
    if (alone) out.push({ x: middle, y: (box.y0 + box.y1) / 2 });
  }
  return out;
}

/** A sign found in a line's image, and what the Chinese models read in its place. */
interface Sign {
  readonly x: number;
  readonly y: number;
  readonly sign: "＝" | "÷";
}

const READ_AS: Record<Sign["sign"], readonly string[]> = {
  // ＝ is read as 二 or 三.
  "＝": ["二", "三"],
  // ÷ is read as 二 (the dots taken for strokes), 三, or a lone stroke or sign.
  "÷": ["二", "三", "一", "-", "－", "+", "＋", ":", "："],
};

/**
 * Where a line's image has a sign the models misread (＝, ÷), the character read nearest to it
 * (within about a character; word boxes of the LSTM engine are approximate) that the models
 * read for it is put right; a sign read right nearby is left alone.
 */
function restoreSignsInLine(line: OcrLine, signs: readonly Sign[], c: number): OcrLine {
  if (signs.length === 0) return line;
  const chars: { word: number; index: number; x: number; ch: string }[] = [];
  line.words.forEach((w, word) => {
    const list = [...w.text];
    list.forEach((ch, index) => {
      chars.push({ word, index, ch, x: w.bbox[0] + ((index + 0.5) * (w.bbox[2] - w.bbox[0])) / list.length });
    });
  });
  const replace = new Map<string, string>();
  for (const { x, sign } of signs) {
    const right = sign === "＝" ? ["=", "＝"] : ["÷"];
    let best: (typeof chars)[number] | undefined;
    let settled = false;
    for (const ch of chars) {
      if (right.includes(ch.ch)) {
        if (Math.abs(ch.x - x) <= c) settled = true;
        continue;
      }
      if (!READ_AS[sign].includes(ch.ch) || replace.has(`${ch.word}:${ch.index}`)) continue;
      if (Math.abs(ch.x - x) <= c * 1.2 && (!best || Math.abs(ch.x - x) < Math.abs(best.x - x))) best = ch;
    }
    if (best && !settled) replace.set(`${best.word}:${best.index}`, sign);
  }
  if (replace.size === 0) return line;
  return {
    words: line.words.map((w, word) => ({
      ...w,
      text: [...w.text].map((ch, index) => replace.get(`${word}:${index}`) ?? ch).join(""),
    })),
  };
}

/**
 * Puts back the ＝ and ÷ of formula lines that the models misread, from the signs found in the
 * image of a horizontal block (`block`, whose top left is `origin` in page coordinates). Each
 * sign belongs to the line whose words span it vertically; `c` is the character size.
 */
export function restoreFormulaSigns(
  lines: readonly OcrLine[],
  block: GreyImage,
  origin: { readonly x0: number; readonly y0: number },
  c: number,
): OcrLine[] {
  const at = (p: { x: number; y: number }, sign: Sign["sign"]): Sign => ({
    x: p.x + origin.x0,
    y: p.y + origin.y0,
    sign,
  });
  const signs = [
    ...equalsSigns(block, c).map((p) => at(p, "＝")),
    ...divisionSigns(block, c).map((p) => at(p, "÷")),
  ];
  if (signs.length === 0) return [...lines];
  return lines.map((l) => {
    const top = Math.min(...l.words.map((w) => w.bbox[1]));
    const bottom = Math.max(...l.words.map((w) => w.bbox[3]));
    const mine = signs.filter((p) => p.y >= top - c / 2 && p.y <= bottom + c / 2);
    return restoreSignsInLine(l, mine, c);
  });
}

const OPENING: Record<string, string> = { "〕": "〔", "］": "［", "]": "[", "）": "（", ")": "(" };
const CLOSING: Record<string, string> = { "〔": "〕", "［": "］", "[": "]", "（": "）", "(": ")" };

/**
 * A year or serial in brackets is printed with a matching pair (财税〔2018〕164号, ［2019］, （2）);
 * the models often read one of the pair as another bracket (〔2018]). A mixed pair around digits
 * is made whole: a 〔 or 〕 on either side wins (the 发文字号's brackets), then full-width ones.
 */
export function pairBrackets(text: string): string {
  return text.replace(
    /([〔［[（(])([0-9０-９]{1,4})([〕］\]）)])/gu,
    (all, open: string, digits: string, close: string) => {
      if (CLOSING[open] === close) return all;
      const kind =
        open === "〔" || close === "〕" ? "〔" : open === "［" || close === "］" ? "［" : undefined;
      const chosen = kind ?? (open === "（" || close === "）" ? "（" : OPENING[close]!);
      return `${chosen}${digits}${CLOSING[chosen]!}`;
    },
  );
}

function withOperators(line: OcrLine): OcrLine {
  return fullStops({
    words: line.words.map((w) => ({ ...w, text: pairBrackets(restoreTimesSign(w.text)) })),
  });
}

/**
 * A full stop after Chinese is 。: the models often read it as a Latin period. A period between
 * digits (3.5) or after Latin letters stays.
 */
export function fullStops(line: OcrLine): OcrLine {
  let before = "";
  return {
    words: line.words.map((w, i) => {
      const chars = [...w.text];
      const out = chars.map((ch, j) => {
        const prev = j > 0 ? chars[j - 1]! : before;
        const next = j + 1 < chars.length ? chars[j + 1]! : (line.words[i + 1]?.text[0] ?? "");
        return ch === "." && /\p{Script=Han}/u.test(prev) && !/[0-9]/.test(next) ? "。" : ch;
      });
      before = chars.at(-1) ?? before;
      return { ...w, text: out.join("") };
    }),
  };
}

/**
 * The reading's lines in page coordinates. An engine that gives text without word boxes has its
 * lines boxed by the block, one band a line.
 */
function linesOf(result: OcrResult, box: Box, origin: { x0: number; y0: number }): OcrLine[] {
  if (result.page.lines.length > 0 || !result.text.trim())
    return offsetLines(result.page, origin.x0, origin.y0);
  const texts = result.text.split("\n").filter((t) => t.trim());
  const band = (box.y1 - box.y0) / texts.length;
  return texts.map((text, i) => ({
    words: [
      {
        text: text.trim(),
        confidence: result.confidence,
        bbox: [box.x0, Math.round(box.y0 + i * band), box.x1, Math.round(box.y0 + (i + 1) * band)] as const,
      },
    ],
  }));
}

function offsetLines(page: HocrPage, dx: number, dy: number): OcrLine[] {
  return page.lines.map((line) => ({
    words: line.words.map((w) => ({
      ...w,
      bbox: [w.bbox[0] + dx, w.bbox[1] + dy, w.bbox[2] + dx, w.bbox[3] + dy] as const,
    })),
  }));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function bboxOf(boxes: readonly (readonly [number, number, number, number])[]): string {
  const x0 = Math.min(...boxes.map((b) => b[0]));
  const y0 = Math.min(...boxes.map((b) => b[1]));
  const x1 = Math.max(...boxes.map((b) => b[2]));
  const y1 = Math.max(...boxes.map((b) => b[3]));
  return `bbox ${x0} ${y0} ${x1} ${y1}`;
}

/** hOCR for the assembled page: one ocr_carea per block, in reading order. */
export function writeHocr(
  width: number,
  height: number,
  blocks: readonly { box: Box; lines: readonly OcrLine[] }[],
): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<html xmlns="http://www.w3.org/1999/xhtml"><head><meta charset="utf-8"/>',
    "<meta name='ocr-system' content='gazette-pipeline layout + tesseract'/></head><body>",
    `<div class='ocr_page' id='page_1' title='bbox 0 0 ${width} ${height}'>`,
  ];
  let line = 0;
  let word = 0;
  blocks.forEach((block, b) => {
    const { x0, y0, x1, y1 } = block.box;
    out.push(`<div class='ocr_carea' id='block_1_${b + 1}' title='bbox ${x0} ${y0} ${x1} ${y1}'>`);
    for (const l of block.lines) {
      line++;
      out.push(`<span class='ocr_line' id='line_1_${line}' title='${bboxOf(l.words.map((w) => w.bbox))}'>`);
      for (const w of l.words) {
        word++;
        out.push(
          `<span class='ocrx_word' id='word_1_${word}' title='bbox ${w.bbox.join(" ")}; x_wconf ${Math.round(w.confidence)}'>${escapeHtml(w.text)}</span>`,
        );
      }
      out.push("</span>");
    }
    out.push("</div>");
  });
  out.push("</div></body></html>");
  return out.join("\n");
}

/**
 * A page with no text block found (blank, or nothing but specks): read whole with Tesseract's
 * own segmentation, and with both models when the script is to be decided.
 */
async function readWhole(
  image: GreyImage,
  condition: PageCondition,
  vertical: boolean,
  engine: OcrEngine,
  fixed: Script | undefined,
): Promise<PageReading> {
  const png = encodePng(image);
  const segmentation = vertical ? "vertical" : "auto";
  let result = await engine.recognize(png, { script: fixed ?? "sim", vertical, segmentation });
  let script: Script = fixed ?? "sim";
  if (!fixed) {
    const tra = await engine.recognize(png, { script: "tra", vertical, segmentation });
    if (tra.confidence > result.confidence) {
      result = tra;
      script = "tra";
    }
  }
  return {
    text: result.text,
    confidence: result.confidence,
    hocr: result.hocr,
    page: result.page,
    language: result.language,
    script,
    vertical,
    rotation: 0,
    image,
    condition,
    blocks: [],
  };
}

interface BlocksReading {
  readonly read: { box: Box; lines: OcrLine[] }[];
  readonly blocks: ReadBlock[];
  readonly language: string;
  readonly glyphs: GlyphTally;
}

/** Reads an upright page's blocks in reading order with one script's models. */
async function readBlocks(
  engine: OcrEngine,
  image: GreyImage,
  layout: PageLayout,
  script: Script,
): Promise<BlocksReading> {
  const read: { box: Box; lines: OcrLine[] }[] = [];
  const blocks: ReadBlock[] = [];
  let language = "";
  let glyphs = EMPTY_TALLY;
  // A page of one block is read whole (its margins are paper; boxes are page coordinates as
  // they come); blocks of a page of several are cropped, rules erased, and their boxes moved.
  const whole = layout.blocks.length === 1 && layout.rules.length === 0;
  for (const block of layout.blocks) {
    const segmentation = segmentationFor(block);
    const origin = whole ? { x0: 0, y0: 0 } : block.box;
    const result = await readCrop(
      engine,
      whole ? image : crop(image, block.box, layout.rules),
      script,
      block.vertical,
      segmentation,
      layout.charSize,
    );
    if (!language || !block.singleLine) language = result.language;
    let lines = linesOf(result, block.box, origin).map(withOperators);
    if (!block.vertical)
      lines = restoreFormulaSigns(lines, crop(image, block.box, layout.rules), block.box, layout.charSize);
    // A Simplified page read with the Traditional vertical model: fold its text to Simplified.
    if (script === "sim" && result.language.startsWith("chi_tra")) {
      lines = lines.map((l) => ({ words: l.words.map((w) => ({ ...w, text: toSimplified(w.text) })) }));
    }
    glyphs = addTallies(glyphs, result.glyphs);
    read.push({ box: block.box, lines });
    blocks.push({ box: block.box, vertical: block.vertical, segmentation, confidence: result.confidence });
  }
  return { read, blocks, language, glyphs };
}

/** Reads a scanned page (a grey raster straight from rasterise/decode). */
export async function readPage(
  raster: GreyImage,
  engine: OcrEngine,
  options: ReadPageOptions = {},
): Promise<PageReading> {
  const dpi = options.dpi ?? 200;
  const cleaned = cleanPage(raster);
  const fixed = options.script && options.script !== "auto" ? options.script : undefined;
  const columns = linesRunDown(cleaned.image, dpi);
  const probe = analyseLayout(cleaned.image, columns, dpi);
  if (probe.blocks.length === 0) return readWhole(cleaned.image, cleaned.condition, columns, engine, fixed);
  const decision = await decide(engine, cleaned.image, probe, fixed);
  const { orientation } = decision;
  const image = turn(cleaned.image, orientation.rotation);
  const layout = analyseLayout(image, orientation.vertical, dpi);
  let script = decision.script;
  let reading = await readBlocks(engine, image, layout, script);
  if (!fixed) {
    // The sample decided on a few lines; the whole page's glyphs overrule it (script.ts).
    const shown = scriptOfGlyphs(reading.glyphs);
    if (shown && shown !== script) {
      script = shown;
      reading = await readBlocks(engine, image, layout, script);
    } else if (!shown && orientation.vertical) {
      // The glyphs of a vertical page do not tell (an aged copy's strokes run together): the
      // trial sample decided, read through a relay made from only a few short columns. The
      // whole page read with the other script's models too gives far more: the reading whose
      // words holding a character only its script has are surer wins. (Not on horizontal
      // pages: there the sample is read as printed, and on tables and formula pages, with few
      // Han characters among digits and signs, the whole page's words misled more often than
      // the sample did.)
      const other: Script = script === "sim" ? "tra" : "sim";
      const second = await readBlocks(engine, image, layout, other);
      const [sim, tra] = script === "sim" ? [reading, second] : [second, reading];
      const simSure = variantConfidenceOf(
        sim.read.flatMap((b) => b.lines),
        (ch) => toTraditional(ch) !== ch,
      );
      const traSure = variantConfidenceOf(
        tra.read.flatMap((b) => b.lines),
        (ch) => toSimplified(ch) !== ch,
      );
      if (simSure !== undefined && traSure !== undefined && (traSure > simSure ? "tra" : "sim") !== script) {
        script = other;
        reading = second;
      }
    }
  }
  const { read, blocks, language } = reading;
  const page: HocrPage = { width: image.width, height: image.height, lines: read.flatMap((b) => b.lines) };
  return {
    text: pageText(page),
    confidence: pageConfidence(page),
    hocr: writeHocr(image.width, image.height, read),
    page,
    language: language || (script === "tra" ? "chi_tra" : "chi_sim"),
    script,
    vertical: orientation.vertical,
    rotation: orientation.rotation,
    image,
    condition: cleaned.condition,
    blocks,
    glyphs: glyphEvidence(reading.glyphs),
  };
}

/**
 * Makes the eval scan pages: real public text (eval/scans/sources.json, each with its source)
 * typeset in the layouts real back catalogues use, rasterised at 200 dpi as 8-bit grey PNG.
 *
 *   npx tsx eval/make-scans.ts            writes eval/scans/<id>.png and <id>.truth.json
 *
 * Layouts: single column; two columns under a full-width title; vertical right-to-left text in
 * several tiers (blocks) separated by rules, Traditional and Simplified; pages rotated 90°, 180°
 * and 270°; mixed faces (centred 楷体 / 黑体 headings over 仿宋 / 宋 body) with formula lines
 * (digits, Chinese and ＝ ÷ × ％); aged copies (blur, speckle, yellowing, slight skew).
 *
 * The truth is the text as typeset, line by line in reading order. Deterministic: the same
 * sources give the same pages.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { degrees, PDFDocument, type PDFFont, type PDFPage, rgb } from "pdf-lib";
import { encodePng } from "../src/archive/images.js";
import { turn } from "../src/archive/ocr/layout.js";
import { type Degradation, degrade, rasterisePdf } from "../src/archive/synthetic.js";
import { createFontkitAdapter } from "../src/publishing/pdf/fontkit-adapter.js";
import { defaultFontSet, NOTO_SERIF_TC } from "../src/publishing/pdf/fonts.js";

const DIR = "eval/scans";
const PAGE_W = 595.28;
const PAGE_H = 841.89;

export interface Source {
  readonly id: string;
  readonly script: "simplified" | "traditional";
  readonly title: string;
  readonly source: Record<string, string>;
  readonly licence: string;
  readonly paragraphs: readonly string[];
  readonly formulas?: readonly string[];
}

export type Layout = "single" | "two-column" | "vertical" | "mixed-fonts" | "rotated";

export interface ScanTruth {
  readonly id: string;
  readonly layout: Layout;
  readonly condition: "clean" | "aged";
  readonly script: "simplified" | "traditional";
  /** Clockwise degrees the page image was turned after typesetting (0 when upright). */
  readonly rotation: 0 | 90 | 180 | 270;
  readonly dpi: 200;
  readonly made: string;
  readonly faces: readonly string[];
  readonly sources: readonly { id: string; source: Record<string, string>; licence: string }[];
  /** The typeset text in reading order, one typeset line (or vertical column) a line. */
  readonly text: string;
}

type FaceName = "song" | "fang" | "hei" | "kai" | "tc";

interface Fonts {
  readonly get: (face: FaceName) => PDFFont;
}

async function embedFonts(pdf: PDFDocument): Promise<Fonts> {
  const set = defaultFontSet();
  pdf.registerFontkit(createFontkitAdapter(NOTO_SERIF_TC) as never);
  const tcFace = set.fallbacks?.find((f) => f.collectionFace === NOTO_SERIF_TC);
  if (!tcFace) throw new Error("fonts/NotoSerifCJK-Regular.ttc is needed for Traditional pages");
  const cache = new Map<FaceName, PDFFont>();
  const faces: Record<FaceName, Uint8Array> = {
    song: set.song.bytes,
    fang: set.fang.bytes,
    hei: set.hei.bytes,
    kai: set.kai.bytes,
    tc: tcFace.bytes,
  };
  for (const name of Object.keys(faces) as FaceName[]) {
    cache.set(name, await pdf.embedFont(faces[name], { subset: true }));
  }
  return { get: (face) => cache.get(face)! };
}

/** Width of a string in points: CJK and full-width forms are 1 em, the rest from the font. */
function widthOf(text: string, font: PDFFont, size: number): number {
  let w = 0;
  for (const ch of text) {
    w += /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u2014\u201c\u201d]/u.test(ch)
      ? size
      : font.widthOfTextAtSize(ch, size);
  }
  return w;
}

/** Greedy line breaking of a paragraph into lines of at most `width` points; the first indented. */
function breakLines(paragraph: string, font: PDFFont, size: number, width: number, indent: number): string[] {
  const lines: string[] = [];
  let line = "";
  let avail = width - indent;
  // Keep runs of ASCII digits/letters together (a number is never split across lines).
  const tokens = paragraph.match(/[0-9A-Za-z.]+|./gu) ?? [];
  for (const token of tokens) {
    if (token === " " && line === "") continue;
    const next = line + token;
    if (widthOf(next, font, size) > avail && line !== "") {
      // No line starts with closing punctuation: carry it on the line (hanging).
      if (/^[，。、；：）」》！？]$/u.test(token)) {
        lines.push(next);
        line = "";
      } else {
        lines.push(line);
        line = token === " " ? "" : token;
      }
      avail = width;
      continue;
    }
    line = next;
  }
  if (line.trim()) lines.push(line);
  return lines;
}

interface Placed {
  /** Lines in reading order, for the truth. */
  readonly lines: string[];
}

/** Draws a horizontal line of text, each CJK character in a 1 em cell. */
function drawLine(page: PDFPage, text: string, x: number, y: number, font: PDFFont, size: number): void {
  page.drawText(text.replace(/ /g, "\u3000"), { x, y, size, font, color: rgb(0, 0, 0) });
}

function centred(
  page: PDFPage,
  text: string,
  font: PDFFont,
  size: number,
  y: number,
  x0: number,
  x1: number,
): void {
  drawLine(page, text, x0 + (x1 - x0 - widthOf(text, font, size)) / 2, y, font, size);
}

/**
 * Flows paragraphs into a column box from the top; returns the lines set and the paragraphs (and
 * the rest of a split paragraph) left over for the next box.
 */
function flow(
  page: PDFPage,
  paragraphs: string[],
  box: { x: number; top: number; bottom: number; width: number },
  font: PDFFont,
  size: number,
  leading: number,
  out: Placed,
): string[] {
  const left = [...paragraphs];
  let y = box.top - size;
  while (left.length > 0) {
    const para = left[0]!;
    const continued = para.startsWith("\u0000");
    const text = continued ? para.slice(1) : para;
    const lines = breakLines(text, font, size, box.width, continued ? 0 : size * 2);
    let used = 0;
    for (const [i, line] of lines.entries()) {
      if (y < box.bottom) break;
      drawLine(page, line, box.x + (i === 0 && !continued ? size * 2 : 0), y, font, size);
      out.lines.push(line);
      y -= size * leading;
      used++;
    }
    if (used < lines.length) {
      left[0] = `\u0000${lines.slice(used).join("")}`;
      return left;
    }
    left.shift();
    if (y < box.bottom) return left;
  }
  return left;
}

/** Vertical punctuation: drawn in the upper right of its cell, as vertical typesetting does. */
const SMALL_PUNCT = /^[，。、．]$/u;
const ROTATED = /^[（）「」『』《》〈〉【】〔〕［］｛｝—…：；！？]$/u;

/**
 * Sets paragraphs in vertical columns, right to left, in a tier (box); each character in a cell
 * of `size` × `advance`; runs of up to three digits set across one cell (縱中橫). Returns what is
 * left.
 */
function flowVertical(
  page: PDFPage,
  paragraphs: string[],
  box: { right: number; left: number; top: number; bottom: number },
  font: PDFFont,
  size: number,
  pitch: number,
  out: Placed,
): string[] {
  const advance = size * 1.08;
  const perColumn = Math.floor((box.top - box.bottom) / advance);
  const left = [...paragraphs];
  let x = box.right - size;
  while (left.length > 0 && x >= box.left) {
    const para = left[0]!;
    const continued = para.startsWith("\u0000");
    const cells = (continued ? para.slice(1) : para).match(/[0-9]{1,3}|./gu) ?? [];
    let row = continued ? 0 : 2;
    let column = "";
    let i = 0;
    while (i < cells.length) {
      if (x < box.left) break;
      const cell = cells[i]!;
      // Closing punctuation hangs at the foot of a full column rather than starting the next.
      const hang = row >= perColumn && /^[，。、；：）」》]$/u.test(cell);
      if (row >= perColumn && !hang) {
        out.lines.push(column);
        column = "";
        row = 0;
        x -= pitch;
        continue;
      }
      const y = box.top - (row + 1) * advance;
      if (/^[0-9]+$/u.test(cell)) {
        const s = cell.length === 1 ? size : cell.length === 2 ? size * 0.62 : size * 0.45;
        const w = font.widthOfTextAtSize(cell, s);
        page.drawText(cell, { x: x + (size - w) / 2, y: y + (size - s) / 2, size: s, font });
      } else if (SMALL_PUNCT.test(cell)) {
        page.drawText(cell, { x: x + size * 0.55, y: y + size * 0.55, size, font });
      } else if (ROTATED.test(cell)) {
        page.drawText(cell, { x: x + size * 0.12, y: y + size * 0.88, size, font, rotate: degrees(-90) });
      } else {
        page.drawText(cell, { x, y, size, font });
      }
      column += cell;
      row++;
      i++;
    }
    if (i < cells.length) {
      if (column) out.lines.push(column);
      left[0] = `\u0000${cells.slice(i).join("")}`;
      return left;
    }
    if (column) out.lines.push(column);
    left.shift();
    x -= pitch;
  }
  return left;
}

function rule(page: PDFPage, x0: number, y0: number, x1: number, y1: number): void {
  page.drawLine({ start: { x: x0, y: y0 }, end: { x: x1, y: y1 }, thickness: 0.8, color: rgb(0, 0, 0) });
}

interface Composed {
  readonly pdf: Uint8Array;
  readonly text: string;
  readonly faces: readonly string[];
  readonly made: string;
}

type Composer = (fonts: Fonts, page: PDFPage, out: Placed) => { faces: string[]; made: string };

async function compose(draw: Composer): Promise<Composed> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const fonts = await embedFonts(pdf);
  const page = pdf.addPage([PAGE_W, PAGE_H]);
  const out: Placed = { lines: [] };
  const { faces, made } = draw(fonts, page, out);
  return { pdf: await pdf.save(), text: out.lines.join("\n"), faces, made };
}

// ---------------------------------------------------------------- layouts

const body = (src: Source, from: number) => src.paragraphs.slice(from);

function single(src: Source, from: number, face: FaceName, size: number): Composer {
  return (fonts, page, out) => {
    const title = fonts.get(src.script === "traditional" ? "tc" : "hei");
    centred(page, src.title, title, 22, PAGE_H - 100, 0, PAGE_W);
    out.lines.push(src.title);
    flow(
      page,
      body(src, from),
      { x: 80, top: PAGE_H - 140, bottom: 80, width: PAGE_W - 160 },
      fonts.get(face),
      size,
      1.75,
      out,
    );
    return {
      faces: [src.script === "traditional" ? "Noto Serif CJK TC" : "FandolHei", faceLabel(face)],
      made: `single column, centred title 22 pt, body ${size} pt, leading 1.75, A4, margins 80 pt`,
    };
  };
}

function twoColumn(src: Source, from: number, face: FaceName, size: number): Composer {
  return (fonts, page, out) => {
    const title = fonts.get(src.script === "traditional" ? "tc" : "hei");
    centred(page, src.title, title, 20, PAGE_H - 80, 0, PAGE_W);
    out.lines.push(src.title);
    const gutter = 28;
    const width = (PAGE_W - 120 - gutter) / 2;
    const rest = flow(
      page,
      body(src, from),
      { x: 60, top: PAGE_H - 120, bottom: 70, width },
      fonts.get(face),
      size,
      1.6,
      out,
    );
    flow(
      page,
      rest,
      { x: 60 + width + gutter, top: PAGE_H - 120, bottom: 70, width },
      fonts.get(face),
      size,
      1.6,
      out,
    );
    return {
      faces: [src.script === "traditional" ? "Noto Serif CJK TC" : "FandolHei", faceLabel(face)],
      made: `two columns (gutter ${gutter} pt) under a full-width centred title; body ${size} pt, leading 1.6; read left column then right`,
    };
  };
}

/** Vertical text in `tiers` blocks separated by rules, with the title in its own column at the right. */
function vertical(src: Source, from: number, face: FaceName, size: number, tiers: number): Composer {
  return (fonts, page, out) => {
    const font = fonts.get(face);
    const pitch = size * 1.7;
    const right = PAGE_W - 60;
    const left = 60;
    const top = PAGE_H - 70;
    const bottom = 70;
    // Title column at the right, spanning the page; a rule between it and the text.
    flowVertical(
      page,
      [src.title],
      { right, left: right - size * 1.25 - 1, top: top - size * 2, bottom },
      fonts.get(src.script === "traditional" ? "tc" : "hei"),
      size * 1.25,
      pitch,
      { lines: [] },
    );
    out.lines.push(src.title);
    const textRight = right - size * 1.25 - size * 1.6;
    rule(page, textRight + size * 0.8, top, textRight + size * 0.8, bottom);
    const tierHeight = (top - bottom - (tiers - 1) * size * 1.6) / tiers;
    let rest = body(src, from);
    for (let t = 0; t < tiers; t++) {
      const tTop = top - t * (tierHeight + size * 1.6);
      rest = flowVertical(
        page,
        rest,
        { right: textRight, left, top: tTop, bottom: tTop - tierHeight },
        font,
        size,
        pitch,
        out,
      );
      if (t < tiers - 1)
        rule(page, left, tTop - tierHeight - size * 0.8, textRight, tTop - tierHeight - size * 0.8);
    }
    return {
      faces: [src.script === "traditional" ? "Noto Serif CJK TC" : "FandolHei", faceLabel(face)],
      made: `vertical, right to left: title column at the right, then ${tiers} tiers (blocks) top to bottom separated by rules, columns right to left within a tier; ${size} pt, column pitch 1.7 em; punctuation in the upper right of its cell, brackets turned, numbers of up to 3 digits set across one cell (縱中橫)`,
    };
  };
}

/** Centred 楷体 title, 黑体 subheading, 仿宋 body with formula lines in 宋体 set off and indented. */
function mixed(src: Source, blocks: readonly (string | { formula: string })[], subheading: string): Composer {
  return (fonts, page, out) => {
    const kai = fonts.get("kai");
    const hei = fonts.get("hei");
    const fang = fonts.get("fang");
    const song = fonts.get("song");
    let y = PAGE_H - 100;
    const titleLines = breakLines(src.title, kai, 22, PAGE_W - 180, 0);
    for (const line of titleLines) {
      centred(page, line, kai, 22, y, 0, PAGE_W);
      out.lines.push(line);
      y -= 34;
    }
    y -= 8;
    centred(page, subheading, hei, 16, y, 0, PAGE_W);
    out.lines.push(subheading);
    y -= 44;
    for (const block of blocks) {
      if (typeof block === "string") {
        const rest = flow(
          page,
          [block],
          { x: 80, top: y + 16, bottom: 70, width: PAGE_W - 160 },
          fang,
          16,
          1.75,
          out,
        );
        const n = breakLines(block, fang, 16, PAGE_W - 160, 32).length;
        y -= n * 28;
        if (rest.length) break;
      } else {
        const lines = breakLines(block.formula, song, 14, PAGE_W - 200, 0);
        for (const line of lines) {
          drawLine(page, line, 112, y, song, 14);
          out.lines.push(line);
          y -= 26;
        }
        y -= 6;
      }
      if (y < 80) break;
    }
    return {
      faces: [
        "FandolKai (title)",
        "FandolHei (subheading)",
        "FandolFang (body)",
        "FandolSong-Bold (formulas)",
      ],
      made: "mixed faces: centred 楷体 title 22 pt, centred 黑体 subheading 16 pt, 仿宋 body 16 pt, formula lines (digits, Chinese, ＝ ÷ × ％ －) in 宋体 14 pt indented 32 pt",
    };
  };
}

function faceLabel(face: FaceName): string {
  return {
    song: "FandolSong-Bold",
    fang: "FandolFang",
    hei: "FandolHei",
    kai: "FandolKai",
    tc: "Noto Serif CJK TC",
  }[face];
}

interface Spec {
  readonly id: string;
  readonly layout: Layout;
  readonly sources: readonly string[];
  readonly composer: (src: Record<string, Source>) => Composer;
  readonly rotation?: 0 | 90 | 180 | 270;
  readonly aged?: Degradation;
}

const AGED: readonly Degradation[] = [
  { rotation: 0.8, noise: 0.012, blur: 1, yellowing: 0.5, seed: 11 },
  { rotation: -1.2, noise: 0.018, yellowing: 0.65, seed: 12 },
  { rotation: 0.5, noise: 0.01, blur: 1, yellowing: 0.4, seed: 13 },
  { rotation: -0.7, noise: 0.015, blur: 1, yellowing: 0.55, seed: 14 },
  { rotation: 1.0, noise: 0.012, yellowing: 0.6, seed: 15 },
];

function formulasPage(s: Record<string, Source>): Composer {
  const n = s["caishui-2018-164"]!;
  const f = n.formulas!;
  return mixed(
    n,
    [
      n.paragraphs[1]!,
      { formula: f[0]! },
      n.paragraphs[2]!,
      { formula: f[1]! },
      n.paragraphs[3]!,
      { formula: f[2]! },
    ],
    n.paragraphs[0]!,
  );
}

function rateTablePage(s: Record<string, Source>): Composer {
  const n = s["caishui-2018-164"]!;
  const f = n.formulas!;
  return mixed(
    n,
    [n.paragraphs[1]!, { formula: f[0]! }, { formula: f[3]! }, ...f.slice(4).map((formula) => ({ formula }))],
    n.paragraphs[0]!,
  );
}

function feeTablePage(s: Record<string, Source>): Composer {
  const a = s["arbitration-fees-1995"]!;
  const f = a.formulas!;
  return mixed(
    a,
    [a.paragraphs[4]!, a.paragraphs[24]!, ...f.map((formula) => ({ formula }))],
    a.paragraphs[0]!,
  );
}

function iitMixedPage(s: Record<string, Source>): Composer {
  const i = s["iit-regulations-2018"]!;
  const n = s["caishui-2018-164"]!;
  return mixed(
    i,
    [i.paragraphs[9]!, { formula: n.formulas![0]! }, i.paragraphs[16]!, { formula: n.formulas![1]! }],
    i.paragraphs[0]!,
  );
}

export const SPECS: readonly Spec[] = [
  // single column
  {
    id: "s01-single-sim-arbitration",
    layout: "single",
    sources: ["arbitration-fees-1995"],
    composer: (s) => single(s["arbitration-fees-1995"]!, 1, "song", 16),
  },
  {
    id: "s02-single-sim-iit",
    layout: "single",
    sources: ["iit-regulations-2018"],
    composer: (s) => single(s["iit-regulations-2018"]!, 1, "fang", 16),
  },
  {
    id: "s03-single-tra-standard-act",
    layout: "single",
    sources: ["central-regulation-standard-act"],
    composer: (s) => single(s["central-regulation-standard-act"]!, 0, "tc", 14),
  },
  {
    id: "s04-single-tra-civil-code",
    layout: "single",
    sources: ["civil-code-general-part"],
    composer: (s) => single(s["civil-code-general-part"]!, 2, "tc", 15),
  },
  // two columns
  {
    id: "t01-two-column-sim-iit",
    layout: "two-column",
    sources: ["iit-regulations-2018"],
    composer: (s) => twoColumn(s["iit-regulations-2018"]!, 1, "song", 11),
  },
  {
    id: "t02-two-column-sim-arbitration",
    layout: "two-column",
    sources: ["arbitration-fees-1995"],
    composer: (s) => twoColumn(s["arbitration-fees-1995"]!, 4, "fang", 12),
  },
  {
    id: "t03-two-column-tra-civil-code",
    layout: "two-column",
    sources: ["civil-code-general-part"],
    composer: (s) => twoColumn(s["civil-code-general-part"]!, 0, "tc", 11),
  },
  {
    id: "t04-two-column-tra-standard-act",
    layout: "two-column",
    sources: ["central-regulation-standard-act"],
    composer: (s) => twoColumn(s["central-regulation-standard-act"]!, 9, "tc", 12),
  },
  // vertical, several tiers
  {
    id: "v01-vertical-tra-standard-act",
    layout: "vertical",
    sources: ["central-regulation-standard-act"],
    composer: (s) => vertical(s["central-regulation-standard-act"]!, 0, "tc", 13, 2),
  },
  {
    id: "v02-vertical-tra-civil-code",
    layout: "vertical",
    sources: ["civil-code-general-part"],
    composer: (s) => vertical(s["civil-code-general-part"]!, 2, "tc", 12, 3),
  },
  {
    id: "v03-vertical-tra-standard-act-2",
    layout: "vertical",
    sources: ["central-regulation-standard-act"],
    composer: (s) => vertical(s["central-regulation-standard-act"]!, 18, "tc", 14, 2),
  },
  {
    id: "v04-vertical-sim-arbitration",
    layout: "vertical",
    sources: ["arbitration-fees-1995"],
    composer: (s) => vertical(s["arbitration-fees-1995"]!, 1, "song", 13, 2),
  },
  {
    id: "v05-vertical-sim-iit",
    layout: "vertical",
    sources: ["iit-regulations-2018"],
    composer: (s) => vertical(s["iit-regulations-2018"]!, 1, "song", 12, 3),
  },
  {
    id: "v06-vertical-sim-iit-2",
    layout: "vertical",
    sources: ["iit-regulations-2018"],
    composer: (s) => vertical(s["iit-regulations-2018"]!, 12, "fang", 14, 2),
  },
  // mixed faces and formula lines
  {
    id: "m01-mixed-formulas-164",
    layout: "mixed-fonts",
    sources: ["caishui-2018-164"],
    composer: formulasPage,
  },
  {
    id: "m02-mixed-rate-table-164",
    layout: "mixed-fonts",
    sources: ["caishui-2018-164"],
    composer: rateTablePage,
  },
  {
    id: "m03-mixed-fee-table",
    layout: "mixed-fonts",
    sources: ["arbitration-fees-1995"],
    composer: feeTablePage,
  },
  {
    id: "m04-mixed-iit-formulas",
    layout: "mixed-fonts",
    sources: ["iit-regulations-2018", "caishui-2018-164"],
    composer: iitMixedPage,
  },
  // rotated
  {
    id: "r01-rotated-90-single-sim",
    layout: "rotated",
    sources: ["arbitration-fees-1995"],
    rotation: 90,
    composer: (s) => single(s["arbitration-fees-1995"]!, 9, "song", 16),
  },
  {
    id: "r02-rotated-180-two-column-sim",
    layout: "rotated",
    sources: ["iit-regulations-2018"],
    rotation: 180,
    composer: (s) => twoColumn(s["iit-regulations-2018"]!, 9, "song", 11),
  },
  {
    id: "r03-rotated-270-single-tra",
    layout: "rotated",
    sources: ["central-regulation-standard-act"],
    rotation: 270,
    composer: (s) => single(s["central-regulation-standard-act"]!, 12, "tc", 14),
  },
  {
    id: "r04-rotated-180-mixed",
    layout: "rotated",
    sources: ["caishui-2018-164"],
    rotation: 180,
    composer: formulasPage,
  },
  // aged copies
  {
    id: "a01-aged-single-sim",
    layout: "single",
    sources: ["arbitration-fees-1995"],
    aged: AGED[0],
    composer: (s) => single(s["arbitration-fees-1995"]!, 1, "song", 16),
  },
  {
    id: "a02-aged-two-column-sim",
    layout: "two-column",
    sources: ["iit-regulations-2018"],
    aged: AGED[1],
    composer: (s) => twoColumn(s["iit-regulations-2018"]!, 1, "song", 11),
  },
  {
    id: "a03-aged-vertical-tra",
    layout: "vertical",
    sources: ["central-regulation-standard-act"],
    aged: AGED[2],
    composer: (s) => vertical(s["central-regulation-standard-act"]!, 0, "tc", 13, 2),
  },
  {
    id: "a04-aged-mixed-formulas",
    layout: "mixed-fonts",
    sources: ["caishui-2018-164"],
    aged: AGED[3],
    composer: formulasPage,
  },
  {
    id: "a05-aged-rotated-180-single-tra",
    layout: "rotated",
    sources: ["civil-code-general-part"],
    rotation: 180,
    aged: AGED[4],
    composer: (s) => single(s["civil-code-general-part"]!, 2, "tc", 15),
  },
];

export function loadSources(dir = DIR): Record<string, Source> {
  const { sources } = JSON.parse(readFileSync(join(dir, "sources.json"), "utf8")) as { sources: Source[] };
  return Object.fromEntries(sources.map((s) => [s.id, s]));
}

export async function makeScan(
  spec: Spec,
  sources: Record<string, Source>,
): Promise<{ png: Uint8Array; truth: ScanTruth }> {
  const composed = await compose(spec.composer(sources));
  let image = rasterisePdf(composed.pdf, 0, 200);
  const rotation = spec.rotation ?? 0;
  image = turn(image, rotation);
  if (spec.aged) image = degrade(image, spec.aged);
  const first = sources[spec.sources[0]!]!;
  const aged = spec.aged
    ? `; aged: skew ${spec.aged.rotation}°, speckle ${(spec.aged.noise ?? 0) * 100}% of pixels, ${spec.aged.blur ? `blur r=${spec.aged.blur}, ` : ""}yellowing ${spec.aged.yellowing} (seed ${spec.aged.seed})`
    : "";
  return {
    png: encodePng(image),
    truth: {
      id: spec.id,
      layout: spec.layout,
      condition: spec.aged ? "aged" : "clean",
      script: first.script,
      rotation,
      dpi: 200,
      made: `eval/make-scans.ts: typeset with pdf-lib on A4, rasterised by mupdf at 200 dpi, 8-bit grey; ${composed.made}${rotation ? `; turned ${rotation}° clockwise` : ""}${aged}`,
      faces: composed.faces,
      sources: spec.sources.map((id) => ({ id, source: sources[id]!.source, licence: sources[id]!.licence })),
      text: composed.text,
    },
  };
}

async function main(): Promise<void> {
  const sources = loadSources();
  mkdirSync(DIR, { recursive: true });
  const only = process.argv.slice(2);
  for (const spec of SPECS) {
    if (only.length && !only.some((o) => spec.id.startsWith(o))) continue;
    const { png, truth } = await makeScan(spec, sources);
    writeFileSync(join(DIR, `${spec.id}.png`), png);
    writeFileSync(join(DIR, `${spec.id}.truth.json`), `${JSON.stringify(truth, null, 2)}\n`);
    process.stdout.write(
      `${spec.id}: ${[...truth.text.replace(/\s/g, "")].length} characters, ${png.length} bytes\n`,
    );
  }
}

if (process.argv[1]?.endsWith("make-scans.ts")) await main();

/**
 * The faces the PDF renderer uses, one per role in GB/T 9704-2012, and the measuring/fallback
 * logic around them. Font files live in fonts/ at the repository root (see fonts/README.md).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Font } from "fontkit";
import { openFont } from "./fontkit-adapter.js";

/** 仿宋 body, 黑体 level-1 headings, 楷体 level-2 headings, 小标宋 (stand-in) titles. */
export type FaceRole = "fang" | "hei" | "kai" | "song";

export interface FontFace {
  /** PostScript name used in the PDF (after the subset tag). */
  readonly name: string;
  readonly bytes: Uint8Array;
  /** For a font collection (TTC): the PostScript name of the member to use. */
  readonly collectionFace?: string | undefined;
}

export interface FontSet {
  readonly fang: FontFace;
  readonly hei: FontFace;
  readonly kai: FontFace;
  readonly song: FontFace;
  /** Tried, in order, for characters none of the four role faces has (e.g. Traditional 體). */
  readonly fallbacks?: readonly FontFace[] | undefined;
  /**
   * A serif face for Arabic digits, Latin letters and ASCII signs inside 仿宋, 楷体 and 宋体 text
   * (Fandol's are sans-looking); 黑体 keeps its own. Without it the role faces set them.
   */
  readonly latin?: FontFace | undefined;
}

export const ROLE_ORDER: readonly FaceRole[] = ["fang", "hei", "kai", "song"];
/** Index of a face in a FaceBook: 0–3 are the roles in ROLE_ORDER, 4… the fallbacks, then the Latin serif. */
export type FaceId = number;
export const FACE: Readonly<Record<FaceRole, FaceId>> = { fang: 0, hei: 1, kai: 2, song: 3 };

/** fonts/ at the repository root, or GAZETTE_FONTS_DIR (e.g. in a bundled Lambda). */
export function defaultFontsDir(): string {
  const fromEnv = process.env.GAZETTE_FONTS_DIR;
  if (fromEnv) return fromEnv;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "fonts");
    if (existsSync(join(candidate, "FandolFang-Regular.otf"))) return candidate;
    dir = dirname(dir);
  }
  throw new Error("fonts/ not found: set GAZETTE_FONTS_DIR to the directory holding the Fandol fonts");
}

export const NOTO_SERIF_TC = "NotoSerifCJKtc-Regular";
/** The serif face for digits and Latin letters (fonts/README.md). */
export const LATIN_SERIF = "NotoSerif-Regular";

/** Printable ASCII (digits, Latin letters, signs): set in the Latin serif face where there is one. */
export function isAsciiPrintable(cp: number): boolean {
  return cp >= 0x21 && cp <= 0x7e;
}

function lazyFace(name: string, path: string, collectionFace?: string): FontFace {
  let bytes: Uint8Array | undefined;
  return {
    name,
    collectionFace,
    get bytes(): Uint8Array {
      bytes ??= readFileSync(path);
      return bytes;
    },
  };
}

let defaultSet: FontSet | undefined;

/**
 * The shipped faces. Files are read on first use of each face, so the 26 MB Traditional fallback
 * is only read for an edition that needs it.
 */
export function defaultFontSet(dir: string = defaultFontsDir()): FontSet {
  if (defaultSet && dir === defaultFontsDir()) return defaultSet;
  const face = (name: string) => lazyFace(name, join(dir, `${name}.otf`));
  const tcPath = join(dir, "NotoSerifCJK-Regular.ttc");
  const set: FontSet = {
    fang: face("FandolFang-Regular"),
    hei: face("FandolHei-Regular"),
    kai: face("FandolKai-Regular"),
    song: face("FandolSong-Bold"),
    fallbacks: existsSync(tcPath) ? [lazyFace(NOTO_SERIF_TC, tcPath, NOTO_SERIF_TC)] : [],
    latin: existsSync(join(dir, `${LATIN_SERIF}.ttf`))
      ? lazyFace(LATIN_SERIF, join(dir, `${LATIN_SERIF}.ttf`))
      : undefined,
  };
  if (dir === defaultFontsDir()) defaultSet = set;
  return set;
}

/**
 * Measuring and fallback over a FontSet. Widths are in em (advance / unitsPerEm).
 * A character missing from the requested face is set in the first face that has it
 * (仿宋, 宋, 黑, 楷, then the fallbacks); one no face has is recorded in `missing`.
 */
export class FaceBook {
  readonly faces: readonly FontFace[];
  private readonly fonts: (Font | undefined)[] = [];
  private readonly widths: Map<number, number>[] = [];
  private readonly chain: readonly FaceId[];
  readonly missing = new Set<number>();
  /** Per wanted face: code point → [face it is set in, advance in em]. */
  private readonly metrics: Map<number, readonly [FaceId, number]>[] = [];

  /** Where the FontSet has a Latin serif face, its id (after the fallbacks). */
  readonly latin: FaceId | undefined;

  constructor(readonly set: FontSet) {
    const fallbacks = set.fallbacks ?? [];
    this.faces = [set.fang, set.hei, set.kai, set.song, ...fallbacks, ...(set.latin ? [set.latin] : [])];
    this.latin = set.latin ? 4 + fallbacks.length : undefined;
    this.chain = [FACE.fang, FACE.song, FACE.hei, FACE.kai, ...fallbacks.map((_, i) => 4 + i)];
    for (let i = 0; i < this.faces.length; i++) {
      this.widths.push(new Map());
      this.metrics.push(new Map());
    }
  }

  /** The face a code point is set in when `wanted` is asked for, and its advance in em. */
  metric(wanted: FaceId, cp: number): readonly [FaceId, number] {
    const cache = this.metrics[wanted];
    if (!cache) throw new Error(`no face ${wanted}`);
    let m = cache.get(cp);
    if (!m) {
      const face = this.resolve(wanted, cp);
      m = [face, this.advance(face, cp)];
      cache.set(cp, m);
    }
    return m;
  }

  font(id: FaceId): Font {
    let f = this.fonts[id];
    if (!f) {
      const face = this.faces[id];
      if (!face) throw new Error(`no face ${id}`);
      f = openFont(face.bytes, face.collectionFace);
      this.fonts[id] = f;
    }
    return f;
  }

  has(id: FaceId, cp: number): boolean {
    return this.widths[id]?.has(cp) === true || this.font(id).hasGlyphForCodePoint(cp);
  }

  /** The face a code point is set in when `wanted` is asked for. */
  resolve(wanted: FaceId, cp: number): FaceId {
    if (this.latin !== undefined && wanted !== FACE.hei && isAsciiPrintable(cp) && this.has(this.latin, cp)) {
      return this.latin;
    }
    if (this.widths[wanted]?.has(cp) || cp < 0x21 || this.has(wanted, cp)) return wanted;
    for (const id of this.chain) if (id !== wanted && this.has(id, cp)) return id;
    this.missing.add(cp);
    return wanted;
  }

  private readonly inks = new Map<number, number>();

  /** Where the ink of a code point's glyph in `id` ends, from its origin, in em (0 for none). */
  inkRight(id: FaceId, cp: number): number {
    const key = cp * 64 + id;
    let r = this.inks.get(key);
    if (r === undefined) {
      const font = this.font(id);
      const glyph = font.glyphForCodePoint(cp);
      const box = glyph.bbox;
      r = Number.isFinite(box.maxX) && box.maxX > box.minX ? box.maxX / font.unitsPerEm : 0;
      this.inks.set(key, r);
    }
    return r;
  }

  /** Advance width of a code point in `id`, in em. */
  advance(id: FaceId, cp: number): number {
    const cache = this.widths[id];
    if (!cache) throw new Error(`no face ${id}`);
    let w = cache.get(cp);
    if (w === undefined) {
      const font = this.font(id);
      w = font.glyphForCodePoint(cp).advanceWidth / font.unitsPerEm;
      cache.set(cp, w);
    }
    return w;
  }
}

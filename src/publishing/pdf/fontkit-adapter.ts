/**
 * Registers fontkit 2 with pdf-lib.
 *
 * pdf-lib 1.17 bundles @pdf-lib/fontkit 1.1.1, whose CFF subsetter writes broken subsets of
 * CID-keyed OpenType/CFF fonts such as the Fandol faces (poppler: "Embedded font file may be
 * invalid"; glyphs draw blank while text extraction still works). fontkit 2 subsets them
 * correctly, but its Subset has `encode(): Uint8Array` where pdf-lib calls `encodeStream()` and
 * listens for 'data'/'end'. This adapter gives pdf-lib what it expects.
 */
import { Readable } from "node:stream";
import * as fontkit from "fontkit";

/** The part of a fontkit 1 "Fontkit" object that pdf-lib's `registerFontkit` uses. */
export interface PdfLibFontkit {
  create(bytes: Uint8Array, postscriptName?: string): fontkit.Font;
}

type FontkitFont = fontkit.Font;

function isCollection(f: fontkit.Font | fontkit.FontCollection): f is fontkit.FontCollection {
  return (f as { type?: string }).type === "TTC" || (f as { type?: string }).type === "DFont";
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const parsed = new WeakMap<Uint8Array, fontkit.Font | fontkit.FontCollection>();
const collectionMembers = new WeakMap<Uint8Array, Map<string, FontkitFont>>();

/**
 * Parses a font with fontkit 2, reusing an earlier parse of the same byte array (so the layout
 * code and pdf-lib share one parsed font). For a collection (TTC), `face` picks the member by
 * PostScript name; without it the first member is used. `face` is ignored for a single font.
 */
export function openFont(bytes: Uint8Array, face?: string): FontkitFont {
  let created = parsed.get(bytes);
  if (!created) {
    created = fontkit.create(toBuffer(bytes));
    parsed.set(bytes, created);
  }
  if (!isCollection(created)) return created;
  // A collection builds a new font object on every access: keep the one we hand out.
  let members = collectionMembers.get(bytes);
  if (!members) {
    members = new Map();
    collectionMembers.set(bytes, members);
  }
  const key = face ?? "";
  const known = members.get(key);
  if (known) return known;
  const member = face ? created.fonts.find((f) => f.postscriptName === face) : created.fonts[0];
  if (!member) throw new Error(`font collection has no face ${face ?? "(first)"}`);
  members.set(key, member);
  return member;
}

interface Fontkit2Subset {
  encode(): Uint8Array;
  includeGlyph(glyph: number | fontkit.Glyph): number;
  cff?: unknown;
}

/** Wraps a fontkit 2 subset so that pdf-lib's `serializeFont()` can read it as a stream. */
function adaptSubset(subset: Fontkit2Subset): Fontkit2Subset & { encodeStream(): Readable } {
  const adapted = subset as Fontkit2Subset & { encodeStream(): Readable };
  adapted.encodeStream = () => {
    let bytes: Uint8Array;
    try {
      bytes = subset.encode();
    } catch (err) {
      const failing = new Readable({ read() {} });
      queueMicrotask(() => failing.destroy(err as Error));
      return failing;
    }
    return Readable.from([bytes], { objectMode: true });
  };
  return adapted;
}

const patched = new WeakSet<FontkitFont>();

/** pdf-lib keeps per-embedding state only in the subset, so a parsed font can be shared. */
function patchCreateSubset(font: FontkitFont): void {
  if (patched.has(font)) return;
  const original = font.createSubset.bind(font);
  (font as { createSubset: () => unknown }).createSubset = () =>
    adaptSubset(original() as unknown as Fontkit2Subset);
  patched.add(font);
}

/**
 * A fontkit object for `PDFDocument.registerFontkit`. `collectionFace` chooses the member of a
 * TTC that pdf-lib embeds (pdf-lib itself passes no PostScript name).
 */
export function createFontkitAdapter(collectionFace?: string): PdfLibFontkit {
  return {
    create(bytes: Uint8Array, postscriptName?: string): FontkitFont {
      const font = openFont(bytes, postscriptName ?? collectionFace);
      patchCreateSubset(font);
      return font;
    },
  };
}

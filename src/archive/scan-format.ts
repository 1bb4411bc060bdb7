/**
 * Scan formats, limits and the grey raster type: what the API needs without loading mupdf (its
 * WebAssembly is loaded only when a scan is inspected or rendered; see images.ts).
 */
export type ScanFormat = "pdf" | "png" | "jpeg" | "tiff";

export const SCAN_CONTENT_TYPES: Readonly<Record<ScanFormat, string>> = {
  pdf: "application/pdf",
  png: "image/png",
  jpeg: "image/jpeg",
  tiff: "image/tiff",
};

export interface ScanLimits {
  /** Bytes per uploaded file. */
  readonly maxFileBytes: number;
  /** Pages per job (all files together). */
  readonly maxPages: number;
  /** Pixels per page image (width × height), checked before decoding. */
  readonly maxPixels: number;
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = {
  maxFileBytes: 200 * 1024 * 1024,
  maxPages: 1000,
  // An A3 page at 600 dpi is 70 MP; beyond 80 MP it is a bomb or a mistake.
  maxPixels: 80_000_000,
};

/** PDF pages are rendered at this resolution for OCR and display. */
export const PDF_RENDER_DPI = 200;

export interface GreyImage {
  readonly width: number;
  readonly height: number;
  /** One byte per pixel, row-major, 0 = black. */
  readonly pixels: Uint8Array;
}

/**
 * Why an image file is not whole (truncated, a chunk's checksum wrong, data past the end), or
 * undefined when its structure holds. Decoders forgive these: mupdf reads a PNG cut short as a
 * blank page and never checks a chunk's CRC, so a broken file would be "read" as an empty page.
 * PDFs are checked by opening them (images.ts).
 */
export function imageStructureProblem(bytes: Uint8Array, format: ScanFormat): string | undefined {
  if (format === "png") return pngProblem(bytes);
  if (format === "jpeg") return jpegProblem(bytes);
  if (format === "tiff") return tiffProblem(bytes);
  return undefined;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Every chunk within the file with a correct CRC, IHDR first, at least one IDAT, IEND last. */
function pngProblem(b: Uint8Array): string | undefined {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let offset = 8;
  let chunks = 0;
  let idat = false;
  while (offset < b.length) {
    if (offset + 12 > b.length) return `truncated at byte ${offset} (a chunk is cut short)`;
    const length = view.getUint32(offset);
    const type = String.fromCharCode(b[offset + 4]!, b[offset + 5]!, b[offset + 6]!, b[offset + 7]!);
    const end = offset + 12 + length;
    if (length > 0x7fffffff || end > b.length) return `truncated in the ${type} chunk at byte ${offset}`;
    if (chunks === 0 && type !== "IHDR") return "the first chunk is not IHDR";
    const stored = view.getUint32(offset + 8 + length);
    if (crc32(b.subarray(offset + 4, offset + 8 + length)) !== stored)
      return `bad CRC in the ${type} chunk at byte ${offset}`;
    chunks++;
    if (type === "IDAT") idat = true;
    if (type === "IEND") return idat ? undefined : "no image data (IDAT)";
    offset = end;
  }
  return "truncated: no IEND chunk";
}

/**
 * Markers from SOI to EOI: every segment within the file, a frame header (SOF) before the first
 * scan, and the entropy-coded data of every scan ending in a marker, the last of them EOI.
 */
function jpegProblem(b: Uint8Array): string | undefined {
  let i = 2;
  let frame = false;
  let scans = 0;
  while (i < b.length) {
    if (b[i] !== 0xff) return `no marker at byte ${i}`;
    const marker = b[i + 1];
    if (marker === undefined) break;
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0xd9) return frame && scans > 0 ? undefined : "no image data before the end marker";
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    if (i + 4 > b.length) break;
    const length = (b[i + 2]! << 8) | b[i + 3]!;
    if (length < 2 || i + 2 + length > b.length) return `truncated in a segment at byte ${i}`;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      frame = true;
    i += 2 + length;
    if (marker === 0xda) {
      if (!frame) return "a scan before the frame header";
      scans++;
      // Entropy-coded data: runs to the next marker that is not a stuffed byte or a restart.
      while (i < b.length) {
        if (b[i] === 0xff && i + 1 < b.length) {
          const next = b[i + 1]!;
          if (next !== 0x00 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) break;
          i += next === 0xff ? 1 : 2;
        } else i++;
      }
    }
  }
  return "truncated: no end-of-image marker";
}

/** Every image's strips or tiles (offsets and byte counts) lie within the file. */
function tiffProblem(b: Uint8Array): string | undefined {
  if (b.length < 8) return "truncated header";
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const little = b[0] === 0x49;
  const u16 = (o: number) => view.getUint16(o, little);
  const u32 = (o: number) => view.getUint32(o, little);
  const seen = new Set<number>();
  let offset = u32(4);
  let image = 0;
  while (offset !== 0) {
    image++;
    if (seen.has(offset)) return "the image directories loop";
    seen.add(offset);
    if (offset + 2 > b.length) return `truncated: image ${image}'s directory is past the end`;
    const count = u16(offset);
    if (offset + 2 + count * 12 + 4 > b.length) return `truncated in image ${image}'s directory`;
    const tags = new Map<number, number[] | string>();
    for (let e = 0; e < count; e++) {
      const entry = offset + 2 + e * 12;
      const tag = u16(entry);
      if (tag !== 273 && tag !== 279 && tag !== 324 && tag !== 325) continue;
      const type = u16(entry + 2);
      const n = u32(entry + 4);
      const size = type === 3 ? 2 : type === 4 ? 4 : type === 16 ? 8 : 0;
      if (!size) return `image ${image}: tag ${tag} has an unexpected type ${type}`;
      const at = n * size <= 4 ? entry + 8 : u32(entry + 8);
      if (at + n * size > b.length) {
        tags.set(tag, `its tag ${tag} values lie past the end`);
        continue;
      }
      const values: number[] = [];
      for (let k = 0; k < n; k++) {
        const o = at + k * size;
        values.push(size === 2 ? u16(o) : size === 4 ? u32(o) : Number(view.getBigUint64(o, little)));
      }
      tags.set(tag, values);
    }
    const offsets = tags.get(273) ?? tags.get(324);
    const counts = tags.get(279) ?? tags.get(325);
    if (typeof offsets === "string") return `truncated: image ${image}: ${offsets}`;
    if (typeof counts === "string") return `truncated: image ${image}: ${counts}`;
    if (!offsets?.length) return `image ${image} has no strips or tiles`;
    for (const [k, start] of offsets.entries()) {
      const length = counts?.[k] ?? 0;
      if (start + length > b.length || start >= b.length)
        return `truncated: image ${image}'s data (strip or tile ${k + 1}) runs past the end of the file`;
    }
    offset = u32(offset + 2 + count * 12);
  }
  return undefined;
}

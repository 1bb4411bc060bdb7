/**
 * A compact lossless PNG encoder for the eval scans (8-bit grey): each row with the PNG filter
 * that leaves the smallest sum of absolute differences (the usual adaptive heuristic), deflated
 * at level 9. Same pixels as mupdf's PNG, a fraction of the bytes.
 *
 *   npx tsx eval/png.ts [dir]     re-encodes dir/*.png (default eval/scans) and checks that
 *                                 every page decodes to the same pixels before writing it
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import { decodeImage, type GreyImage } from "../src/archive/images.js";

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** PNG bytes of a grey raster, rows adaptively filtered, deflated at level 9. */
export function encodeCompactPng(image: GreyImage): Uint8Array {
  const { width, height, pixels } = image;
  const raw = Buffer.alloc((width + 1) * height);
  const candidate = new Uint8Array(width);
  const best = new Uint8Array(width);
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * width, (y + 1) * width);
    const up = y > 0 ? pixels.subarray((y - 1) * width, y * width) : new Uint8Array(width);
    let bestFilter = 0;
    let bestScore = Number.POSITIVE_INFINITY;
    for (let filter = 0; filter < 5; filter++) {
      let score = 0;
      for (let x = 0; x < width; x++) {
        const a = x > 0 ? row[x - 1]! : 0;
        const b = up[x]!;
        const c = x > 0 ? up[x - 1]! : 0;
        const predicted =
          filter === 0
            ? 0
            : filter === 1
              ? a
              : filter === 2
                ? b
                : filter === 3
                  ? (a + b) >> 1
                  : paeth(a, b, c);
        const v = (row[x]! - predicted) & 0xff;
        candidate[x] = v;
        score += v < 128 ? v : 256 - v;
      }
      if (score < bestScore) {
        bestScore = score;
        bestFilter = filter;
        best.set(candidate);
      }
    }
    raw[y * (width + 1)] = bestFilter;
    raw.set(best, y * (width + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grey
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9, memLevel: 9 })),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

/** Whether two rasters have the same size and pixels. */
export function samePixels(a: GreyImage, b: GreyImage): boolean {
  return (
    a.width === b.width &&
    a.height === b.height &&
    Buffer.compare(Buffer.from(a.pixels), Buffer.from(b.pixels)) === 0
  );
}

if (process.argv[1]?.endsWith("png.ts")) {
  const dir = process.argv[2] ?? "eval/scans";
  let before = 0;
  let after = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".png"))) {
    const path = join(dir, file);
    const bytes = new Uint8Array(readFileSync(path));
    const image = decodeImage(bytes);
    const compact = encodeCompactPng(image);
    if (!samePixels(image, decodeImage(compact))) throw new Error(`${file}: re-encoded pixels differ`);
    before += bytes.length;
    if (compact.length < bytes.length) {
      writeFileSync(path, compact);
      after += compact.length;
    } else after += bytes.length;
  }
  process.stdout.write(`${dir}: ${before} → ${after} bytes, pixels unchanged\n`);
}

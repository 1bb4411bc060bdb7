/**
 * Stage "inspect" and "rasterise" of scan ingests, on mupdf (WebAssembly, from npm).
 *
 * inspect — reads: the uploaded bytes. Writes: nothing; returns the format and the page count,
 * or throws a 4xx error naming the field and the reason: not a supported format, corrupt,
 * encrypted (password-protected PDF), oversized (bytes, pages), or a decompression bomb. Pixel
 * counts of PNG, JPEG and TIFF are read from their headers BEFORE anything is decoded, so a small
 * file declaring a 100,000 × 100,000 image is refused without allocating it. PNG, JPEG and TIFF
 * are then checked whole (scan-format.ts `imageStructureProblem`: truncation, chunk CRCs, data
 * past the end) and every page decoded, refused as corrupt when the decoder fails or complains
 * about the data: mupdf otherwise reads a truncated PNG as a blank page.
 *
 * rasterise — reads: one page of a file. Writes: an 8-bit grey raster (PDF pages at 200 dpi,
 * which measured better than 300 dpi with Tesseract's Chinese models; images at their own
 * resolution). A page whose file turns out broken here (a key changed after it was checked)
 * throws PageUnreadableError, as an undecodable one does: the page is failed, never blank.
 */
import "./mupdf-wasm.js";
import * as mupdf from "mupdf";
import {
  InvalidArchiveRequestError,
  PageUnreadableError,
  problem,
  ScanTooLargeError,
  UnreadableScanError,
  UnsupportedScanError,
} from "./errors.js";
import {
  type GreyImage,
  imageStructureProblem,
  PDF_RENDER_DPI,
  SCAN_CONTENT_TYPES,
  type ScanFormat,
  type ScanLimits,
} from "./scan-format.js";

export {
  DEFAULT_SCAN_LIMITS,
  type GreyImage,
  PDF_RENDER_DPI,
  SCAN_CONTENT_TYPES,
  type ScanFormat,
  type ScanLimits,
} from "./scan-format.js";

export interface InspectedScan {
  readonly format: ScanFormat;
  readonly pages: number;
}

export function sniffFormat(bytes: Uint8Array): ScanFormat | undefined {
  const b = bytes;
  if (b.length >= 5 && b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46 && b[4] === 0x2d)
    return "pdf";
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "png";
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (
    b.length >= 4 &&
    ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) ||
      (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a))
  )
    return "tiff";
  return undefined;
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(b: Uint8Array): { width: number; height: number } | undefined {
  if (b.length < 24) return undefined;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (String.fromCharCode(b[12]!, b[13]!, b[14]!, b[15]!) !== "IHDR") return undefined;
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Width and height from a JPEG's first SOF marker. */
function jpegSize(b: Uint8Array): { width: number; height: number } | undefined {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    const length = (b[i + 2]! << 8) | b[i + 3]!;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return { height: (b[i + 5]! << 8) | b[i + 6]!, width: (b[i + 7]! << 8) | b[i + 8]! };
    if (marker === 0xd9 || marker === 0xda) return undefined;
    i += 2 + length;
  }
  return undefined;
}

/** Width and height of every image (IFD) in a TIFF, following the IFD chain (loops refused). */
function tiffSizes(b: Uint8Array): { width: number; height: number }[] | undefined {
  if (b.length < 8) return undefined;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const little = b[0] === 0x49;
  const u16 = (o: number) => view.getUint16(o, little);
  const u32 = (o: number) => view.getUint32(o, little);
  const sizes: { width: number; height: number }[] = [];
  const seen = new Set<number>();
  let offset = u32(4);
  while (offset !== 0) {
    if (seen.has(offset) || offset + 2 > b.length || seen.size > 10_000) return undefined;
    seen.add(offset);
    const count = u16(offset);
    if (offset + 2 + count * 12 + 4 > b.length) return undefined;
    let width = 0;
    let height = 0;
    for (let e = 0; e < count; e++) {
      const entry = offset + 2 + e * 12;
      const tag = u16(entry);
      const type = u16(entry + 2);
      const value = type === 3 ? u16(entry + 8) : u32(entry + 8);
      if (tag === 256) width = value;
      if (tag === 257) height = value;
    }
    if (!width || !height) return undefined;
    sizes.push({ width, height });
    offset = u32(offset + 2 + count * 12);
  }
  return sizes;
}

/**
 * What mupdf's decoders say about damaged data. They carry on after these (a truncated PNG is
 * filled with white, a JPEG cut short with grey), so they are what tells a broken file.
 */
const DAMAGED =
  /premature|truncat|missing|corrupt|crc|checksum|bad |invalid|unexpected|damaged|extraneous|resync|not sequential|too much data|huffman|end of (data|file)/i;

/**
 * Runs a decode with mupdf's log captured; throws an Error naming the complaint when a decoder
 * reports damaged data (or an error) meanwhile. mupdf's calls are synchronous, so nothing else
 * logs in between.
 */
function decodeStrictly<T>(decode: () => T): T {
  const complaints: string[] = [];
  mupdf.setLog({
    error: (message) => complaints.push(message),
    warning: (message) => {
      if (DAMAGED.test(message)) complaints.push(message);
    },
  });
  let result: T;
  try {
    result = decode();
  } finally {
    mupdf.setLog(null);
  }
  if (complaints.length) throw new Error(complaints.join("; "));
  return result;
}

function openDocument(bytes: Uint8Array, format: ScanFormat): mupdf.Document {
  return mupdf.Document.openDocument(bytes, SCAN_CONTENT_TYPES[format]);
}

/**
 * Checks one uploaded file against the limits and returns its format and page count. `field` is
 * the multipart field (or JSON key) the file came in, for the error.
 */
export function inspectScan(bytes: Uint8Array, field: string, limits: ScanLimits): InspectedScan {
  if (bytes.length > limits.maxFileBytes) {
    throw new ScanTooLargeError("scan too large", [
      problem(field, "too_large", `Each file must be at most ${limits.maxFileBytes} bytes`),
    ]);
  }
  const format = sniffFormat(bytes);
  if (!format) {
    throw new UnsupportedScanError("unsupported scan", [
      problem(field, "unsupported_format", "Scans must be PDF, TIFF, PNG or JPEG files"),
    ]);
  }
  const corrupt = (detail: string) =>
    new UnreadableScanError("corrupt scan", [
      problem(field, "corrupt", `The ${format.toUpperCase()} file cannot be read: ${detail}`),
    ]);
  const bomb = (width: number, height: number) =>
    new UnreadableScanError("pixel bomb", [
      problem(
        field,
        "too_many_pixels",
        `A page of ${width} × ${height} pixels exceeds the limit of ${limits.maxPixels} pixels (decompression bomb?)`,
      ),
    ]);
  let sizes: { width: number; height: number }[] | undefined;
  if (format === "png") sizes = wrap(pngSize(bytes));
  else if (format === "jpeg") sizes = wrap(jpegSize(bytes));
  else if (format === "tiff") sizes = tiffSizes(bytes);
  if (format !== "pdf") {
    if (!sizes || sizes.length === 0) throw corrupt("no image header");
    for (const { width, height } of sizes) {
      if (width === 0 || height === 0) throw corrupt("empty image");
      if (width * height > limits.maxPixels) throw bomb(width, height);
    }
    const broken = imageStructureProblem(bytes, format);
    if (broken) throw corrupt(broken);
  }
  let doc: mupdf.Document;
  try {
    doc = openDocument(bytes, format);
  } catch (error) {
    throw corrupt(error instanceof Error ? error.message : String(error));
  }
  try {
    if (doc.needsPassword()) {
      throw new UnreadableScanError("encrypted scan", [
        problem(field, "encrypted", "The PDF is password-protected; upload it without the password"),
      ]);
    }
    let pages: number;
    try {
      pages = doc.countPages();
    } catch (error) {
      throw corrupt(error instanceof Error ? error.message : String(error));
    }
    if (pages < 1) throw corrupt("no pages");
    if (pages > limits.maxPages) {
      // 400 like a job whose files together have too many pages (ingest.ts checkPageTotal).
      throw new InvalidArchiveRequestError("too many pages", [
        problem(field, "too_many_pages", `A job may have at most ${limits.maxPages} pages; split the upload`),
      ]);
    }
    if (format === "pdf") {
      for (let i = 0; i < pages; i++) {
        const size = pdfPagePixels(doc, i, field, corrupt);
        if (size.width * size.height > limits.maxPixels) throw bomb(size.width, size.height);
        // Rendering decodes every image the page draws, at its own size: a small page can hold
        // a 100,000 × 100,000 image behind a few bytes of Flate.
        const image = largestPageImage(doc, i);
        if (image && image.width * image.height > limits.maxPixels) throw bomb(image.width, image.height);
      }
    } else if (sizes && sizes.length !== pages) {
      throw corrupt("the image headers and the decoder disagree on the page count");
    }
    if (format !== "pdf") {
      // Decoded whole, every page: a file is refused now rather than read later as a blank page.
      for (let i = 0; i < pages; i++) {
        try {
          decodeStrictly(() => rasterise(bytes, format, i, limits, doc));
        } catch (error) {
          const detail = error instanceof Error ? error.message : String(error);
          throw corrupt(pages > 1 ? `page ${i + 1}: ${detail}` : detail);
        }
      }
    }
    return { format, pages };
  } finally {
    doc.destroy();
  }
}

function wrap<T>(value: T | undefined): T[] | undefined {
  return value === undefined ? undefined : [value];
}

/**
 * The largest image XObject a PDF page uses, by its declared /Width × /Height, looking one level
 * into form XObjects (where scanners and PDF tools put page images). Undefined when none.
 */
function largestPageImage(doc: mupdf.Document, index: number): { width: number; height: number } | undefined {
  const pdf = doc.asPDF();
  if (!pdf) return undefined;
  let largest: { width: number; height: number } | undefined;
  const visit = (resources: mupdf.PDFObject, depth: number) => {
    const xobjects = resources.get("XObject");
    if (!xobjects.isDictionary()) return;
    xobjects.forEach((value) => {
      const xobject = value.resolve();
      const subtype = xobject.get("Subtype");
      if (subtype.isName() && subtype.asName() === "Image") {
        const width = xobject.get("Width").asNumber();
        const height = xobject.get("Height").asNumber();
        if (!largest || width * height > largest.width * largest.height) largest = { width, height };
      } else if (depth === 0 && subtype.isName() && subtype.asName() === "Form") {
        const inner = xobject.get("Resources");
        if (inner.isDictionary()) visit(inner, depth + 1);
      }
    });
  };
  const page = pdf.loadPage(index);
  try {
    if (!(page instanceof mupdf.PDFPage)) return undefined;
    const resources = page.getObject().getInheritable("Resources");
    if (resources.isDictionary()) visit(resources, 0);
  } finally {
    page.destroy();
  }
  return largest;
}

function pdfPagePixels(
  doc: mupdf.Document,
  index: number,
  field: string,
  corrupt: (detail: string) => Error,
): { width: number; height: number } {
  try {
    const page = doc.loadPage(index);
    const [x0, y0, x1, y1] = page.getBounds();
    page.destroy();
    const scale = PDF_RENDER_DPI / 72;
    return { width: Math.ceil((x1 - x0) * scale), height: Math.ceil((y1 - y0) * scale) };
  } catch (error) {
    void field;
    throw corrupt(`page ${index + 1}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Renders page `index` (0-based) of a file as 8-bit grey. Throws PageUnreadableError when the
 * page cannot be decoded (the job records the page as failed and goes on).
 */
export function rasterisePage(
  bytes: Uint8Array,
  format: ScanFormat,
  index: number,
  limits: ScanLimits,
): GreyImage {
  let doc: mupdf.Document | undefined;
  try {
    const broken = imageStructureProblem(bytes, format);
    if (broken) throw new PageUnreadableError(`page ${index + 1} cannot be decoded: ${broken}`);
    if (format !== "png" && format !== "jpeg") doc = openDocument(bytes, format);
    const opened = doc;
    // PDFs are checked when opened, and a page that renders with a missing font is still a page.
    if (format === "pdf") return rasterise(bytes, format, index, limits, opened);
    return decodeStrictly(() => rasterise(bytes, format, index, limits, opened));
  } catch (error) {
    if (error instanceof PageUnreadableError) throw error;
    throw new PageUnreadableError(
      `page ${index + 1} cannot be decoded: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  } finally {
    doc?.destroy();
  }
}

/** Decodes one page (PNG and JPEG straight from their bytes; PDF and TIFF pages from `doc`). */
function rasterise(
  bytes: Uint8Array,
  format: ScanFormat,
  index: number,
  limits: ScanLimits,
  doc: mupdf.Document | undefined,
): GreyImage {
  if (format === "png" || format === "jpeg") {
    const image = new mupdf.Image(bytes);
    try {
      if (image.getWidth() * image.getHeight() > limits.maxPixels)
        throw new PageUnreadableError("too many pixels");
      return toGrey(image.toPixmap());
    } finally {
      image.destroy();
    }
  }
  const page = doc!.loadPage(index);
  try {
    let scale = PDF_RENDER_DPI / 72;
    if (format === "tiff") {
      const size = tiffSizes(bytes)?.[index];
      const [x0, , x1] = page.getBounds();
      if (!size || size.width * size.height > limits.maxPixels)
        throw new PageUnreadableError("bad TIFF page size");
      scale = size.width / (x1 - x0);
    }
    const pixmap = page.toPixmap(mupdf.Matrix.scale(scale, scale), mupdf.ColorSpace.DeviceGray, false);
    return toGrey(pixmap);
  } finally {
    page.destroy();
  }
}

function toGrey(pixmap: mupdf.Pixmap): GreyImage {
  try {
    const width = pixmap.getWidth();
    const height = pixmap.getHeight();
    // n counts the alpha channel too (fz_pixmap's n).
    const n = pixmap.getNumberOfComponents();
    const stride = pixmap.getStride();
    const src = pixmap.getPixels();
    const pixels = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
      const row = y * stride;
      for (let x = 0; x < width; x++) {
        const p = row + x * n;
        pixels[y * width + x] =
          n - (pixmap.getAlpha() ? 1 : 0) >= 3
            ? (src[p]! * 299 + src[p + 1]! * 587 + src[p + 2]! * 114) / 1000
            : src[p]!;
      }
    }
    return { width, height, pixels };
  } finally {
    pixmap.destroy();
  }
}

/** Encodes a grey raster as PNG (for display and for the OCR engines). */
export function encodePng(image: GreyImage): Uint8Array {
  const pixmap = new mupdf.Pixmap(mupdf.ColorSpace.DeviceGray, [0, 0, image.width, image.height], false);
  try {
    const stride = pixmap.getStride();
    const target = pixmap.getPixels();
    for (let y = 0; y < image.height; y++) {
      target.set(image.pixels.subarray(y * image.width, (y + 1) * image.width), y * stride);
    }
    return pixmap.asPNG().slice();
  } finally {
    pixmap.destroy();
  }
}

/** Decodes a PNG written by encodePng (or any PNG/JPEG) back into grey pixels. */
export function decodeImage(bytes: Uint8Array): GreyImage {
  const image = new mupdf.Image(bytes);
  return toGrey(image.toPixmap());
}

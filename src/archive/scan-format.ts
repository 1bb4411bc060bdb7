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

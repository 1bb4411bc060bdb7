/**
 * PAdES baseline B-B signatures on published PDFs (ETSI EN 319 142-1). The renderer reserves the
 * signature while it builds each PDF (placeholder.ts), so signing is a patch of the saved bytes:
 * find the /ByteRange placeholder, write the real ByteRange, hash the two covered ranges, build the
 * CMS (cms.ts) and write it, hex, into /Contents. Nothing is parsed or saved again and the file
 * keeps its length. A PDF rendered without a reservation (another renderer) is prepared first by
 * loading it with pdf-lib and adding one (preparePdf), the slow path.
 *
 * Everything but the CMS's signature value is a function of the rendered bytes, the certificate
 * and the publication time (see `signedPart`): a retried publication can tell a file it signed
 * before from a new one.
 */
import { createHash } from "node:crypto";
import { DEFAULT_BYTE_RANGE_PLACEHOLDER } from "@signpdf/utils";
import { PDFDocument } from "pdf-lib";
import { type CmsOptions, signDetachedCmsDigest } from "./cms.js";
import type { SigningKey } from "./key.js";
import { type PdfSignatureReservation, reserveSignature } from "./placeholder.js";

export type { PdfSignatureReservation } from "./placeholder.js";

/** Room for the CMS in bytes: the certificates, two hashes, an ECDSA value, a timestamp token and headroom. */
export function signatureRoom(chain: readonly Uint8Array[], timestampRoom = 0): number {
  return chain.reduce((sum, c) => sum + c.byteLength, 0) + 1024 + timestampRoom;
}

/** Where a reserved signature is in a PDF's bytes. */
interface Placeholder {
  /** The `/ByteRange [0 /*** /*** /***]` text: start and end. */
  readonly byteRangeStart: number;
  readonly byteRangeEnd: number;
  /** The `<…>` of /Contents, brackets included: start and end (exclusive). */
  readonly contentsStart: number;
  readonly contentsEnd: number;
}

const PLACEHOLDER_NAME = `/${DEFAULT_BYTE_RANGE_PLACEHOLDER}`;
const BYTE_RANGE = Buffer.from("/ByteRange");

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The reserved, unfilled signature of a PDF, or undefined when it has none. */
function findPlaceholder(pdf: Uint8Array): Placeholder | undefined {
  const buf = asBuffer(pdf);
  // The signature dictionary is among the last objects written: search from the end.
  for (
    let at = buf.lastIndexOf(BYTE_RANGE);
    at >= 0;
    at = at > 0 ? buf.lastIndexOf(BYTE_RANGE, at - 1) : -1
  ) {
    const open = buf.indexOf("[", at);
    const close = open < 0 ? -1 : buf.indexOf("]", open);
    if (close < 0 || close - at > 200) continue;
    const parts = buf
      .toString("latin1", open + 1, close)
      .trim()
      .split(/\s+/);
    if (parts.length !== 4 || parts[0] !== "0" || parts.slice(1).some((p) => p !== PLACEHOLDER_NAME))
      continue;
    const tag = buf.indexOf("/Contents", close);
    const contentsStart = tag < 0 ? -1 : buf.indexOf("<", tag);
    const contentsEnd = contentsStart < 0 ? -1 : buf.indexOf(">", contentsStart) + 1;
    if (contentsEnd <= 0) return undefined;
    return { byteRangeStart: at, byteRangeEnd: close + 1, contentsStart, contentsEnd };
  }
  return undefined;
}

/** Whether the PDF has a reserved, still empty signature (the renderer's reservation). */
export function hasReservedSignature(pdf: Uint8Array): boolean {
  return findPlaceholder(pdf) !== undefined;
}

/**
 * The PDF with its ByteRange written and /Contents all zeros: what the signature will cover is
 * final. Throws when the PDF has no reserved signature.
 */
export function fillByteRange(prepared: Uint8Array): {
  pdf: Uint8Array;
  contents: readonly [number, number];
} {
  const place = findPlaceholder(prepared);
  if (!place) throw new Error("The PDF has no reserved signature (/ByteRange placeholder)");
  const pdf = new Uint8Array(prepared);
  const { contentsStart, contentsEnd } = place;
  const range = `/ByteRange [0 ${contentsStart} ${contentsEnd} ${pdf.length - contentsEnd}]`;
  const room = place.byteRangeEnd - place.byteRangeStart;
  if (range.length > room) throw new Error("The /ByteRange placeholder is too short for this file");
  asBuffer(pdf).write(range.padEnd(room, " "), place.byteRangeStart, "latin1");
  asBuffer(pdf).fill("0", contentsStart + 1, contentsEnd - 1, "latin1");
  return { pdf, contents: [contentsStart, contentsEnd] };
}

/** SHA-256 of what a filled ByteRange covers: the file but /Contents. */
function coveredDigest(pdf: Uint8Array, [start, end]: readonly [number, number]): Uint8Array {
  return new Uint8Array(
    createHash("sha256").update(pdf.subarray(0, start)).update(pdf.subarray(end)).digest(),
  );
}

/**
 * Signs a PDF whose signature is reserved (placeholder.ts) by patching its bytes: the ByteRange,
 * then the CMS over what it covers. Returns a new array of the same length.
 */
export async function signInPlace(
  prepared: Uint8Array,
  key: SigningKey,
  chain: readonly Uint8Array[],
  cms: CmsOptions = {},
): Promise<Uint8Array> {
  const filled = fillByteRange(prepared);
  const digest = coveredDigest(filled.pdf, filled.contents);
  return embedCms(filled, await signDetachedCmsDigest(digest, key, chain, cms));
}

/** Writes a CMS into the zeroed /Contents of a filled PDF (fillByteRange). */
export function embedCms(
  filled: { pdf: Uint8Array; contents: readonly [number, number] },
  cms: Uint8Array,
): Uint8Array {
  const [start, end] = filled.contents;
  const digits = Buffer.from(cms).toString("hex");
  if (digits.length > end - start - 2) {
    throw new Error(
      `The signature (${cms.byteLength} bytes) does not fit its reserved room (${(end - start - 2) / 2})`,
    );
  }
  asBuffer(filled.pdf).write(digits, start + 1, "latin1");
  return filled.pdf;
}

/** The rendered PDF with a reserved signature, by loading and saving it again (the slow path). */
export async function preparePdf(pdf: Uint8Array, reservation: PdfSignatureReservation): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  reserveSignature(doc, reservation);
  return doc.save({ useObjectStreams: false, updateFieldAppearances: false });
}

/** Signs any PDF: in place when its signature is reserved, else prepared first. */
export async function signPdf(
  pdf: Uint8Array,
  key: SigningKey,
  chain: readonly Uint8Array[],
  reservation: PdfSignatureReservation,
  cms: CmsOptions = {},
): Promise<Uint8Array> {
  const prepared = hasReservedSignature(pdf) ? pdf : await preparePdf(pdf, reservation);
  return signInPlace(prepared, key, chain, cms);
}

export { type EmbeddedSignature, readEmbeddedSignature, signedPart } from "./embedded-signature.js";

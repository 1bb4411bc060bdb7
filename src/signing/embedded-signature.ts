/**
 * Reading a signed PDF's last signature: its /ByteRange, the CMS in /Contents and the bytes it
 * covers. No signing code, so verification (POST /api/verify, gazette verify) carries none.
 */
/** The last signature of a PDF: its ByteRange and the CMS (DER, padding trimmed). */
export interface EmbeddedSignature {
  readonly byteRange: readonly [number, number, number, number];
  readonly cms: Uint8Array;
  /** The bytes the signature covers (the file without /Contents). */
  readonly signedBytes: Uint8Array;
  /** Whether the ByteRange covers the whole file but /Contents (nothing was appended after signing). */
  readonly coversWholeFile: boolean;
}

import { readElement } from "./der.js";

const latin1 = new TextDecoder("latin1");

/** Finds the last /ByteRange in a PDF and its /Contents; undefined when unsigned. */
export function readEmbeddedSignature(pdf: Uint8Array): EmbeddedSignature | undefined {
  const text = latin1.decode(pdf);
  const matches = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const last = matches.at(-1);
  if (!last) return undefined;
  const byteRange = [1, 2, 3, 4].map((n) => Number(last[n])) as [number, number, number, number];
  const [a, b, c, d] = byteRange;
  if (a !== 0 || b <= 0 || c <= b || c + d > pdf.length) return undefined;
  const hexText = text.slice(b, c);
  if (!/^<[0-9A-Fa-f]*>$/.test(hexText)) return undefined;
  const cms = trimDer(Buffer.from(hexText.slice(1, -1), "hex"));
  const signedBytes = new Uint8Array(b + d);
  signedBytes.set(pdf.subarray(0, b), 0);
  signedBytes.set(pdf.subarray(c, c + d), b);
  return { byteRange, cms: new Uint8Array(cms), signedBytes, coversWholeFile: c + d === pdf.length };
}

/** The element at the start of `bytes` (DER, or BER with indefinite lengths; the zero padding after it dropped). */
function trimDer(bytes: Buffer): Uint8Array {
  try {
    return readElement(bytes).bytes;
  } catch {
    return bytes; // unreadable: the CMS reader says why
  }
}

/**
 * What of a signed PDF is fixed before its ECDSA value: the file with /Contents blanked. Two
 * signings of the same prepared PDF differ only inside /Contents.
 */
export function signedPart(pdf: Uint8Array): Uint8Array | undefined {
  return readEmbeddedSignature(pdf)?.signedBytes;
}

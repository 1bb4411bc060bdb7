/**
 * The ASN.1 the signing and verification code writes and reads, by hand: DER writing for the
 * structures the signer builds (its CMS, its self-issued certificate, timestamp requests) and a
 * reader of the few it reads (certificates, CMS SignedData, timestamp responses and tokens).
 * The structures are fixed and small, so a schema library (≈ 135 KB of JavaScript in the
 * publisher's package) is not needed; tests compare both directions with @peculiar's schemas and
 * PKI.js (tests/signing/der.test.ts).
 *
 * The reader takes DER and the BER a foreign signer may have written around it (indefinite
 * lengths, constructed strings), as a verifier meets both.
 */

export function derLength(length: number): Uint8Array {
  if (length < 0x80) return new Uint8Array([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return new Uint8Array([0x80 | bytes.length, ...bytes]);
}

/** A TLV with the given tag byte around the concatenated parts. */
export function der(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  const head = derLength(length);
  const out = new Uint8Array(1 + head.length + length);
  out[0] = tag;
  out.set(head, 1);
  let at = 1 + head.length;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let n = 0; n < Math.min(a.length, b.length); n++) if (a[n] !== b[n]) return a[n]! - b[n]!;
  return a.length - b.length;
}

/** DER SET OF: the encodings of the elements in ascending order (X.690 11.6). */
export function derSetOf(elements: readonly Uint8Array[], tag = 0x31): Uint8Array {
  return der(tag, ...[...elements].sort(compare));
}

export const BOOLEAN = 0x01;
export const INTEGER = 0x02;
export const BIT_STRING = 0x03;
export const OCTET_STRING = 0x04;
export const NULL = 0x05;
export const OBJECT_IDENTIFIER = 0x06;
export const UTF8_STRING = 0x0c;
export const PRINTABLE_STRING = 0x13;
export const UTC_TIME = 0x17;
export const GENERALIZED_TIME = 0x18;
export const SEQUENCE = 0x30;
export const SET = 0x31;
/** A context-specific tag [n]: constructed (EXPLICIT, or IMPLICIT of a constructed type) or primitive. */
export const context = (n: number, constructed = true) => (constructed ? 0xa0 : 0x80) | n;

/** DER OBJECT IDENTIFIER of a dotted OID. */
export function derOid(dotted: string): Uint8Array {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const body = [40 * a! + b!];
  for (const arc of rest) {
    const groups = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) groups.unshift(0x80 | (n & 0x7f));
    body.push(...groups);
  }
  return der(OBJECT_IDENTIFIER, new Uint8Array(body));
}

/** DER INTEGER of a small non-negative number. */
export function derSmallInteger(value: number): Uint8Array {
  const bytes = [value & 0xff];
  for (let n = Math.floor(value / 256); n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return der(INTEGER, new Uint8Array(bytes));
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * An X.509 Time (RFC 5280 4.1.2.5): UTCTime through 2049, GeneralizedTime from 2050, in whole
 * seconds (RFC 5280 allows no fraction; milliseconds are dropped).
 */
export function derTime(date: Date): Uint8Array {
  const year = date.getUTCFullYear();
  const rest = `${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  if (year >= 1950 && year < 2050) return der(UTC_TIME, ascii(`${pad(year % 100)}${rest}`));
  return der(GENERALIZED_TIME, ascii(`${pad(year, 4)}${rest}`));
}

const ascii = (text: string) => new Uint8Array(Buffer.from(text, "latin1"));

// ------------------------------------------------------------------------------------------------
// Reading

export class DerError extends Error {
  override readonly name = "DerError";
}

/** One element: its tag byte, its whole encoding and its contents. */
export interface DerElement {
  readonly tag: number;
  /** The whole TLV (with the end-of-contents octets of an indefinite length). */
  readonly bytes: Uint8Array;
  /** The contents octets (without the end-of-contents octets). */
  readonly contents: Uint8Array;
}

/** Reads the element starting at `at` of `bytes`. */
export function readElement(bytes: Uint8Array, at = 0): DerElement {
  const byte = (n: number) => {
    if (n >= bytes.length) throw new DerError("truncated ASN.1 element");
    return bytes[n]!;
  };
  const tag = byte(at);
  if ((tag & 0x1f) === 0x1f) throw new DerError("ASN.1 tag numbers above 30 are not read");
  const first = byte(at + 1);
  if (first === 0x80) {
    // BER indefinite length (constructed only): elements up to the end-of-contents octets.
    if (!(tag & 0x20)) throw new DerError("indefinite length on a primitive ASN.1 element");
    let n = at + 2;
    while (!(byte(n) === 0 && byte(n + 1) === 0)) n += readElement(bytes, n).bytes.length;
    return { tag, bytes: bytes.subarray(at, n + 2), contents: bytes.subarray(at + 2, n) };
  }
  let length = first;
  let head = 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count > 4) throw new DerError("ASN.1 length too long");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + byte(at + 2 + i);
    head += count;
  }
  const end = at + head + length;
  if (end > bytes.length) throw new DerError("truncated ASN.1 element");
  return { tag, bytes: bytes.subarray(at, end), contents: bytes.subarray(at + head, end) };
}

/** The one element `bytes` holds, nothing after it. */
export function parseDer(bytes: Uint8Array): DerElement {
  const element = readElement(bytes);
  if (element.bytes.length !== bytes.length) throw new DerError("bytes after the ASN.1 element");
  return element;
}

/** The elements of a constructed element. */
export function children(element: DerElement): DerElement[] {
  if (!(element.tag & 0x20)) throw new DerError("not a constructed ASN.1 element");
  const out: DerElement[] = [];
  for (let at = 0; at < element.contents.length; ) {
    const child = readElement(element.contents, at);
    out.push(child);
    at += child.bytes.length;
  }
  return out;
}

/** `element` if it has `tag`, else a DerError naming `what`. */
export function expectTag(element: DerElement | undefined, tag: number, what: string): DerElement {
  if (!element || element.tag !== tag) throw new DerError(`${what} is missing or malformed`);
  return element;
}

/** A string type's value: primitive, or (BER) constructed of segments of the same type. */
export function stringBytes(element: DerElement): Uint8Array {
  if (!(element.tag & 0x20)) return element.contents;
  return Buffer.concat(children(element).map(stringBytes));
}

/** The dotted form of an OBJECT IDENTIFIER. */
export function readOid(element: DerElement): string {
  expectTag(element, OBJECT_IDENTIFIER, "an object identifier");
  const arcs: number[] = [];
  let value = 0;
  for (const byte of element.contents) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      if (arcs.length === 0)
        arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  if (arcs.length === 0) throw new DerError("an empty object identifier");
  return arcs.join(".");
}

/** A small INTEGER's value (versions, statuses). */
export function readSmallInteger(element: DerElement): number {
  expectTag(element, INTEGER, "an integer");
  if (element.contents.length === 0 || element.contents.length > 6)
    throw new DerError("an integer out of range");
  let value = 0;
  for (const byte of element.contents) value = value * 256 + byte;
  return element.contents[0]! & 0x80 ? value - 256 ** element.contents.length : value;
}

/** An X.509 Time or a GeneralizedTime (UTCTime: years 1950–2049). */
export function readTime(element: DerElement): Date {
  const text = Buffer.from(element.contents).toString("latin1");
  const utc = element.tag === UTC_TIME;
  if (!utc && element.tag !== GENERALIZED_TIME) throw new DerError("a time is missing or malformed");
  const m = utc
    ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(text)
    : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:[.,](\d+))?Z$/.exec(text);
  if (!m) throw new DerError(`an unreadable time: ${text}`);
  const year = utc ? (Number(m[1]) < 50 ? 2000 : 1900) + Number(m[1]) : Number(m[1]);
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const at = new Date(
    Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), ms),
  );
  if (Number.isNaN(at.getTime())) throw new DerError(`an unreadable time: ${text}`);
  return at;
}

/**
 * The text of a DirectoryString or other character string; undefined for a type that is not a
 * character string.
 */
export function readString(element: DerElement): string | undefined {
  const bytes = stringBytes(element);
  switch (element.tag & ~0x20) {
    case UTF8_STRING:
      return Buffer.from(bytes).toString("utf8");
    case PRINTABLE_STRING:
    case 0x12: // NumericString
    case 0x14: // TeletexString (T.61; read as Latin-1)
    case 0x16: // IA5String
    case 0x1a: // VisibleString
      return Buffer.from(bytes).toString("latin1");
    case 0x1e: // BMPString (UTF-16BE)
      if (bytes.length % 2) throw new DerError("a BMPString of an odd length");
      return Buffer.from(bytes).swap16().toString("utf16le");
    case 0x1c: {
      // UniversalString (UTF-32BE)
      let text = "";
      for (let n = 0; n + 3 < bytes.length; n += 4)
        text += String.fromCodePoint(
          ((bytes[n]! << 24) | (bytes[n + 1]! << 16) | (bytes[n + 2]! << 8) | bytes[n + 3]!) >>> 0,
        );
      return text;
    }
    default:
      return undefined;
  }
}

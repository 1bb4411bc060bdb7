/** Minimal DER writing for the few structures no schema class covers (ESS attributes, SET OF). */

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

export const SEQUENCE = 0x30;
export const OCTET_STRING = 0x04;
export const INTEGER = 0x02;

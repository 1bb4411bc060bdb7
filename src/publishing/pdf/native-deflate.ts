/**
 * pdf-lib compresses every stream (page contents, embedded fonts, object streams) with pako, a
 * JavaScript port of zlib; that was a quarter of the render time. Node's zlib is the same
 * algorithm in native code. pdf-lib has no hook for its compressor, so pako's `deflate` — the one
 * function pdf-lib calls — is pointed at zlib once, for the whole process. Output is still plain
 * zlib/deflate (FlateDecode), deterministic for the same input.
 */
import { deflateSync } from "node:zlib";
import pako from "pako";

let installed = false;

export function useNativeDeflate(): void {
  if (installed) return;
  const original = pako.deflate;
  pako.deflate = (data: Uint8Array | ArrayBuffer | string, options?: unknown): Uint8Array => {
    // pdf-lib passes no options; anyone else asking for pako's own options keeps pako.
    if (options !== undefined || typeof data === "string") return original(data, options);
    const out = deflateSync(data instanceof Uint8Array ? data : new Uint8Array(data));
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  };
  installed = true;
}

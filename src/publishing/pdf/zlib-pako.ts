/**
 * Stands in for pako (a JavaScript zlib, ~45 KB) in the Lambda bundles
 * (infra/constructs/function-bundle.ts aliases it): pdf-lib and its PNG encoder call only
 * `pako.deflate(data, options?)`, which Node's zlib answers with the same zlib stream format
 * (FlateDecode). `inflate` is here for completeness. Options other than `level` are refused
 * rather than ignored.
 */
import { deflateSync, inflateSync } from "node:zlib";

interface DeflateOptions {
  readonly level?: number;
}

function bytesOf(data: Uint8Array | ArrayBuffer | string): Uint8Array {
  if (typeof data === "string") return new TextEncoder().encode(data);
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

function checkOptions(options: unknown): DeflateOptions {
  if (options === undefined || options === null) return {};
  const keys = Object.keys(options as object);
  if (keys.some((key) => key !== "level")) {
    throw new Error(`pako stand-in: only the "level" option is supported, got ${keys.join(", ")}`);
  }
  return options as DeflateOptions;
}

function view(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export function deflate(data: Uint8Array | ArrayBuffer | string, options?: unknown): Uint8Array {
  const { level } = checkOptions(options);
  return view(deflateSync(bytesOf(data), level === undefined ? {} : { level }));
}

export function inflate(data: Uint8Array | ArrayBuffer, options?: unknown): Uint8Array {
  checkOptions(options);
  return view(inflateSync(bytesOf(data)));
}

export default { deflate, inflate };

/**
 * Stands in for pako (a JavaScript zlib, ~45 KB) in the Lambda bundles
 * (infra/constructs/function-bundle.ts aliases it), for its two users there:
 * - pdf-lib calls only `pako.deflate(data, options?)`, which Node's zlib answers with the same
 *   zlib stream format (FlateDecode); `inflate` is here for completeness. Options other than
 *   `level` are refused rather than ignored.
 * - JSZip (under mammoth, reading .docx uploads) inflates each zip entry with
 *   `new pako.Inflate({ raw: true })`: `push(chunk, false)` per chunk, `push([], true)` at the end,
 *   the output handed to `onData` (and `Deflate` the same way when writing a zip). The classes
 *   below gather the chunks and run Node's raw inflate (deflate) once at the end; like pako, a
 *   corrupt stream makes the final `push` return false with `err` and `msg` set, and gives no data
 *   (JSZip then refuses the entry: its CRC-32 does not match).
 */
import { deflateRawSync, deflateSync, inflateRawSync, inflateSync } from "node:zlib";

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

interface StreamOptions {
  readonly raw?: boolean;
  readonly level?: number;
}

/** pako's streaming interface, as JSZip's FlateWorker uses it. */
class ZlibStream {
  readonly #chunks: Uint8Array[] = [];
  readonly #run: (data: Buffer) => Buffer;
  /** Called with the output, once, by the final push. */
  onData: (data: Uint8Array) => void = () => undefined;
  onEnd: (status: number) => void = () => undefined;
  err = 0;
  msg = "";
  ended = false;

  constructor(options: unknown, run: (data: Buffer, level: number | undefined) => Buffer) {
    const { raw, level, ...rest } = (options ?? {}) as StreamOptions & Record<string, unknown>;
    if (Object.keys(rest).length || raw !== true) {
      throw new Error(
        `pako stand-in: streams support only { raw: true, level }, got ${JSON.stringify(options ?? {})}`,
      );
    }
    this.#run = (data) => run(data, level === undefined || level < 0 ? undefined : level);
  }

  push(data: Uint8Array | ArrayBuffer | readonly number[], final: boolean | number): boolean {
    if (this.ended) return false;
    const bytes = Array.isArray(data) ? Uint8Array.from(data) : bytesOf(data as Uint8Array | ArrayBuffer);
    if (bytes.byteLength) this.#chunks.push(bytes);
    if (final !== true && final !== 4) return true;
    this.ended = true;
    let output: Buffer;
    try {
      output = this.#run(Buffer.concat(this.#chunks));
    } catch (error) {
      this.err = -3; // Z_DATA_ERROR, as pako reports a corrupt stream
      this.msg = error instanceof Error ? error.message : String(error);
      this.onEnd(this.err);
      return false;
    }
    this.#chunks.length = 0;
    this.onData(view(output));
    this.onEnd(0);
    return true;
  }
}

export class Inflate extends ZlibStream {
  constructor(options?: unknown) {
    super(options, (data) => inflateRawSync(data));
  }
}

export class Deflate extends ZlibStream {
  constructor(options?: unknown) {
    super(options, (data, level) => deflateRawSync(data, level === undefined ? {} : { level }));
  }
}

export default { deflate, inflate, Inflate, Deflate };

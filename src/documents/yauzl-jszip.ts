/**
 * Stands in for JSZip (about 43 KB of JavaScript, with pako and readable-stream under it) in the
 * Lambda bundles (infra/constructs/function-bundle.ts aliases it), on top of yauzl, which the
 * .docx reader already uses to inspect the archive before mammoth reads it (src/documents/docx.ts).
 *
 * mammoth touches JSZip in one place (lib/zipfile.js): `JSZip.loadAsync(buffer)`, then
 * `zip.file(name)` (null when the archive has no such file) and `file.async("uint8array")`; it
 * writes (`zip.file(name, contents)`, `generateAsync`) only to embed a style map into a .docx,
 * which reading one never does. This module does the reading the same way: a file is found by
 * its exact name in the central directory, directories are not files, and its bytes are inflated
 * and checked against the sizes the directory declares. Writing throws.
 * tests/infra/bundle-aliases.test.ts reads the sample .docx inside a bundle built with this alias
 * and compares the blocks with those read from the sources (with JSZip).
 */
import yauzl from "yauzl";

type OutputType = "uint8array" | "nodebuffer" | "arraybuffer" | "string" | "text";

export interface ZipObject {
  readonly name: string;
  readonly dir: false;
  async(type: "uint8array"): Promise<Uint8Array>;
  async(type: "nodebuffer"): Promise<Buffer>;
  async(type: "arraybuffer"): Promise<ArrayBuffer>;
  async(type: "string" | "text"): Promise<string>;
}

export interface ReadOnlyZip {
  /** The file named `name` (exactly, as the central directory spells it), or null. */
  file(name: string): ZipObject | null;
  file(name: string, contents: unknown): never;
  generateAsync(options: unknown): Promise<never>;
}

function toBuffer(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError("loadAsync: expected a Buffer, an ArrayBuffer or a typed array");
}

function open(buffer: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(
      buffer,
      { lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: true },
      (error, zip) => (error || !zip ? reject(error ?? new Error("unreadable zip")) : resolve(zip)),
    ),
  );
}

function entries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  return new Promise((resolve, reject) => {
    const byName = new Map<string, yauzl.Entry>();
    zip.on("entry", (entry: yauzl.Entry) => {
      // Directories are not files (JSZip's `file(name)` answers null for them too).
      if (!entry.fileName.endsWith("/")) byName.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.on("end", () => resolve(byName));
    zip.on("error", reject);
    zip.readEntry();
  });
}

function read(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) {
        reject(error ?? new Error(`cannot read ${entry.fileName}`));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", reject);
      stream.on("end", () => resolve(Buffer.concat(chunks)));
    }),
  );
}

function writingUnsupported(): never {
  throw new Error("Writing zip archives is not in this bundle: the .docx reader only reads them");
}

/** JSZip.loadAsync, reading only. */
export async function loadAsync(data: unknown): Promise<ReadOnlyZip> {
  const zip = await open(toBuffer(data));
  const byName = await entries(zip);
  const object = (entry: yauzl.Entry): ZipObject => ({
    name: entry.fileName,
    dir: false,
    async: (async (type: OutputType) => {
      const bytes = await read(zip, entry);
      switch (type) {
        case "uint8array":
          return new Uint8Array(bytes);
        case "nodebuffer":
          return bytes;
        case "arraybuffer":
          return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
        case "string":
        case "text":
          return bytes.toString("utf8");
        default:
          throw new Error(`JSZip output type ${String(type)} is not in this bundle`);
      }
    }) as ZipObject["async"],
  });
  return {
    file: ((name: string, ...contents: unknown[]) => {
      if (contents.length) writingUnsupported();
      const entry = byName.get(name);
      return entry ? object(entry) : null;
    }) as ReadOnlyZip["file"],
    generateAsync: async () => writingUnsupported(),
  };
}

export default { loadAsync };

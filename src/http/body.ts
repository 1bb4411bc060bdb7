/**
 * The request front: reading bodies and paths the same way on every route, each failure a 4xx
 * naming the field.
 *
 *   media type   exact (`application/json`, not `application/jsonx`), parameters ignored
 *   JSON body    at most `maxBytes` (413 too_large, counted while reading), not empty (400
 *                required on `body`, unless the route's body is optional), sent as
 *                application/json (415), UTF-8 (400 invalid_utf8), JSON (400 invalid_json), nested
 *                at most MAX_JSON_DEPTH deep (400 too_deep), no lone surrogates in any key or string
 *                (400 invalid_text, naming it)
 *   multipart    a non-empty boundary (400 invalid_multipart, field Content-Type) and a body that
 *                parses to its closing boundary (400 invalid_multipart)
 *   paths        percent-decoding that fails is a 400 (invalid_path), never an exception
 */
import { ProblemError, TooLargeError, UnsupportedError, ValidationError } from "../platform/errors.js";

/** Deeper JSON is refused: no request of this API nests more than a few levels. */
export const MAX_JSON_DEPTH = 64;

/** The media type of a Content-Type header, lower case, without parameters; "" when absent. */
export function mediaType(header: string | null | undefined): string {
  return (header ?? "").split(";")[0]!.trim().toLowerCase();
}

export const isJsonType = (header: string | null | undefined) => mediaType(header) === "application/json";
export const isMultipartType = (header: string | null | undefined) =>
  mediaType(header) === "multipart/form-data";

const KINDS = { 400: ValidationError, 413: TooLargeError, 415: UnsupportedError } as const;
const problem = (status: keyof typeof KINDS, code: string, field: string | null, message: string) =>
  new KINDS[status]([{ code, field, message }]);

/** Reads the body, refusing with 413 as soon as it grows past `maxBytes`. */
export async function readBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () =>
    problem(413, "too_large", null, `The request body must be at most ${maxBytes} bytes`);
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** Bytes as UTF-8 text; invalid sequences are refused (400 invalid_utf8), not replaced. */
export function decodeUtf8(bytes: Uint8Array, field: string | null = null): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw problem(400, "invalid_utf8", field, "The text is not valid UTF-8");
  }
}

/** The first lone (unpaired) UTF-16 surrogate in a string, as its index; -1 when there is none. */
export function loneSurrogateAt(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return i;
    } else if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}

/**
 * Checks a parsed JSON value without recursion: nesting at most MAX_JSON_DEPTH, and no lone
 * surrogate (from a `\ud800` escape) in any key or string. The field named is the value's path.
 */
export function checkJsonValue(value: unknown): void {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: "", depth: 0 }];
  while (stack.length) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === "string") {
      if (loneSurrogateAt(v) >= 0)
        throw problem(
          400,
          "invalid_text",
          path || null,
          "The text holds an unpaired surrogate (\\ud800–\\udfff)",
        );
      continue;
    }
    if (!v || typeof v !== "object") continue;
    if (depth >= MAX_JSON_DEPTH)
      throw problem(
        400,
        "too_deep",
        path || null,
        `JSON may be nested at most ${MAX_JSON_DEPTH} levels deep`,
      );
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    for (const [key, child] of entries) {
      const childPath = path ? `${path}.${key}` : key;
      if (!Array.isArray(v) && loneSurrogateAt(key) >= 0)
        throw problem(400, "invalid_text", childPath, "A field name holds an unpaired surrogate");
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
}

export interface JsonBodyOptions {
  /** The route's limit: a larger body is refused with 413 while it is read. */
  readonly maxBytes: number;
  /**
   * The route's body is optional (every field of it is): an empty body reads as `{}`. Otherwise an
   * empty body is refused with 400 `required` on `body`.
   */
  readonly optional?: boolean | undefined;
}

/** JSON's white space: space, tab, line feed, carriage return. */
const isJsonWhiteSpace = (byte: number) => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;

/**
 * A JSON request body, one rule for every route:
 *   over `maxBytes`                    413 too_large (counted while reading)
 *   empty (or only JSON white space)   400 required on `body`; `{}` where the route's body is optional
 *   Content-Type not application/json  415 unsupported_media_type on `Content-Type` (missing too)
 *   then UTF-8, JSON, depth and lone surrogates as the module comment says.
 */
export async function readJsonBody(request: Request, options: JsonBodyOptions): Promise<unknown> {
  const header = request.headers.get("content-type");
  const bytes = await readBytes(request, options.maxBytes);
  if (bytes.every(isJsonWhiteSpace)) {
    if (options.optional) return {};
    throw problem(400, "required", "body", "The request needs a JSON body");
  }
  if (!isJsonType(header)) {
    throw problem(415, "unsupported_media_type", "Content-Type", "Send the request body as application/json");
  }
  const text = decodeUtf8(bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw problem(400, "invalid_json", null, "The request body is not valid JSON");
  }
  checkJsonValue(value);
  return value;
}

/**
 * Refuses a body a route that takes JSON or multipart cannot read: an empty one with 400
 * `required` on `body` (as readJsonBody does), any other with 415 saying what to send.
 */
export async function refuseBody(request: Request, maxBytes: number, send: string): Promise<never> {
  const bytes = await readBytes(request, maxBytes);
  if (bytes.every(isJsonWhiteSpace)) throw problem(400, "required", "body", "The request needs a body");
  throw problem(415, "unsupported_media_type", "Content-Type", send);
}

export type FormFields = Record<string, string | File | (string | File)[]>;

/**
 * A multipart/form-data body as fields (a repeated name gives an array), refused with 400 when its
 * boundary is missing or empty or the body does not parse (not multipart, unterminated part).
 * String fields are checked for lone surrogates.
 */
export async function readMultipart(request: Request): Promise<FormFields> {
  const header = request.headers.get("content-type") ?? "";
  const boundary = /;\s*boundary=(?:"([^"]*)"|([^;\s]*))/i.exec(header);
  const value = boundary?.[1] ?? boundary?.[2] ?? "";
  if (!value) {
    throw problem(
      400,
      "invalid_multipart",
      "Content-Type",
      "multipart/form-data needs a non-empty boundary parameter",
    );
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    throw problem(
      400,
      "invalid_multipart",
      null,
      "The multipart body cannot be read (not multipart, or a part is not terminated by the boundary)",
    );
  }
  const fields: FormFields = {};
  form.forEach((entry, name) => {
    if (typeof entry === "string" && loneSurrogateAt(entry) >= 0)
      throw problem(400, "invalid_text", name, "The text holds an unpaired surrogate");
    const existing = fields[name];
    if (existing === undefined) fields[name] = entry;
    else if (Array.isArray(existing)) existing.push(entry);
    else fields[name] = [existing, entry];
  });
  return fields;
}

/** A percent-encoded path decoded, or a 400 (invalid_path) when its encoding is malformed. */
export function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    throw problem(400, "invalid_path", "path", "The path holds a malformed percent-encoding");
  }
}

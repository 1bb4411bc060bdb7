import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Principal } from "../http/auth.js";
import { isJsonType, isMultipartType, readJsonBody, readMultipart, refuseBody } from "../http/body.js";
import { jsonResponse } from "../http/json.js";
import { pageLimit } from "../http/query.js";
import { ForbiddenError } from "../platform/errors.js";
import { InvalidArchiveRequestError, problem, ScanTooLargeError } from "./errors.js";
import type { Archive } from "./module.js";
import type { ArchiveService, UploadedScan } from "./service.js";
import type { ArchiveSite } from "./site.js";
import type { UploadReceiver, UploadTarget } from "./uploads.js";

export type ArchiveEnv = { Variables: { principal: Principal } };

/** The limit of a text import or an item's corrections (JSON). */
export const MAX_ARCHIVE_TEXTS_BYTES = 20 * 1024 * 1024;
const MULTIPART_OVERHEAD = 1024 * 1024;

/** Upload requests and scan keys: small JSON. */
export const MAX_ARCHIVE_REQUEST_BYTES = 1024 * 1024;

/** A JSON body (http/body.ts); every archive body is required. */
const jsonBody = (request: Request, maxBytes = MAX_ARCHIVE_REQUEST_BYTES) =>
  readJsonBody(request, { maxBytes });

const forbidden = (message: string) => new ForbiddenError([{ code: "forbidden", field: null, message }]);

/** Reads an upload body of at most the announced size, refusing (413) as soon as it grows past it. */
async function boundedBody(request: Request, target: UploadTarget): Promise<Uint8Array> {
  const tooLarge = () =>
    new ScanTooLargeError("too large", [
      problem(null, "too_large", `This upload must be exactly ${target.size} bytes`),
    ]);
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > target.size) throw tooLarge();
  const out = new Uint8Array(target.size);
  let length = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (length + value.byteLength > target.size) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      out.set(value, length);
      length += value.byteLength;
    }
  }
  return out.subarray(0, length);
}

/**
 * The archive API (editors), and the public archive pages when given (./http.ts archiveRoutes).
 * Mount with `app.route("/", createArchiveRoutes(…))` inside createApp, so errors go through
 * errorResponse and writes are flushed before the response. This module imports no page code
 * (Handlebars, templates), so the archive API function holds none.
 *
 *   POST /api/archive/scans        multipart `files` (+ gazette, year, issue, date, script), or
 *                                  JSON {keys:[blob keys], …} → 202 {job}
 *   POST /api/archive/uploads      {filename, contentType, size} → {key, upload:{method, url, headers, expiresAt}}
 *   PUT  /api/archive/uploads/{t}  embedded mode only: the upload URL's target (the token is the authorisation)
 *   POST /api/archive/texts        {documents:[{text, ref?}], gazette?, year?, issue?} → 202 {job}
 *   GET  /api/archive/jobs/{id}    status, progress per stage, pages, items
 *   GET  /api/archive/items        ?review=true (the review queue) &limit&cursor
 *   GET  /api/archive/items/{id}   the item with text, pages, history; ETag = version
 *   PUT  /api/archive/items/{id}   corrections (If-Match optional) → the item
 *   GET  /archive/ …               public pages (see ArchiveSite)
 */
/**
 * The archive's editor API alone (`/api/archive/…`), without the public pages: in AWS the
 * `archive` API function serves it (ingest, mupdf, the upload signer), while the `api` function
 * shows the pages from the archive's reading side (ArchiveReading) and holds none of those.
 */
export function archiveApiRoutes(
  archive: Pick<Archive, "service" | "receiver">,
  requireEditor: MiddlewareHandler,
): Hono<ArchiveEnv> {
  return createArchiveRoutes({ archive: archive.service, requireEditor, receiver: archive.receiver });
}

export function createArchiveRoutes(deps: {
  archive: ArchiveService;
  /** The public archive pages, mounted beside the API; left out, the API alone. */
  site?: ArchiveSite | undefined;
  requireEditor: MiddlewareHandler;
  /** Embedded mode: the app receives the uploads its URLs point to. */
  receiver?: UploadReceiver | undefined;
}): Hono<ArchiveEnv> {
  const { archive, requireEditor } = deps;
  const app = new Hono<ArchiveEnv>();
  const maxUpload = archive.scanLimits.maxFileBytes + MULTIPART_OVERHEAD;

  app.post(
    "/api/archive/scans",
    requireEditor,
    bodyLimit({
      maxSize: maxUpload,
      onError: () => {
        throw new ScanTooLargeError("too large", [
          problem("files", "too_large", `The upload must be at most ${maxUpload} bytes`),
        ]);
      },
    }),
    async (c) => {
      const by = c.get("principal").id;
      const type = c.req.header("content-type");
      if (isJsonType(type)) {
        const job = await archive.submitScanKeys(await jsonBody(c.req.raw), by);
        return jsonResponse({ job }, 202, { location: `/api/archive/jobs/${job.id}` });
      }
      if (!isMultipartType(type)) {
        // As on every route (src/http/body.ts): empty → 400 required, another media type → 415.
        await refuseBody(c.req.raw, maxUpload, "Send multipart/form-data with `files`, or JSON with `keys`");
      }
      const form = await readMultipart(c.req.raw);
      const raw = form.files;
      const parts = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(
        (p): p is File => p instanceof File,
      );
      const files: UploadedScan[] = [];
      for (const [i, part] of parts.entries()) {
        files.push({
          field: `files.${i}`,
          name: part.name || `page-${i + 1}`,
          bytes: new Uint8Array(await part.arrayBuffer()),
        });
      }
      const metadata: Record<string, unknown> = {};
      for (const name of ["gazette", "year", "issue", "date", "script"]) {
        const value = form[name];
        if (typeof value === "string" && value.trim()) metadata[name] = value.trim();
      }
      const job = await archive.submitScans(files, metadata, by);
      return jsonResponse({ job }, 202, { location: `/api/archive/jobs/${job.id}` });
    },
  );

  app.post("/api/archive/uploads", requireEditor, async (c) => {
    const { key, upload } = await archive.requestUpload(await jsonBody(c.req.raw));
    // Stored already (same SHA-256): nothing to upload, submit the key.
    if (!upload) return jsonResponse({ key, upload: null });
    // The embedded URL is relative to this API; S3's is absolute already.
    const url = new URL(upload.url, c.req.url).toString();
    return jsonResponse({ key, upload: { ...upload, url } });
  });

  const receiver = deps.receiver;
  if (receiver) {
    app.put("/api/archive/uploads/:token", async (c) => {
      const target = receiver.verify(c.req.param("token"), archive.clockNow());
      if (!target) throw forbidden("The upload URL is invalid or has expired; request a new one");
      const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      if (type !== target.contentType)
        throw forbidden(`This upload URL is for Content-Type ${target.contentType}`);
      await archive.storeUpload(target, await boundedBody(c.req.raw, target));
      return c.body(null, 200);
    });
  }

  app.post("/api/archive/texts", requireEditor, async (c) => {
    const job = await archive.submitTexts(
      await jsonBody(c.req.raw, MAX_ARCHIVE_TEXTS_BYTES),
      c.get("principal").id,
    );
    return jsonResponse({ job }, 202, { location: `/api/archive/jobs/${job.id}` });
  });

  app.get("/api/archive/jobs/:id", requireEditor, async (c) =>
    jsonResponse(await archive.getJob(c.req.param("id"))),
  );

  app.get("/api/archive/items", requireEditor, async (c) => {
    const review = c.req.query("review");
    if (review !== undefined && review !== "true" && review !== "false") {
      throw new InvalidArchiveRequestError("review is invalid", [
        problem("review", "invalid", "review must be true or false"),
      ]);
    }
    return jsonResponse(
      await archive.listItems({
        review: review === "true",
        limit: pageLimit(c.req.query("limit")),
        cursor: c.req.query("cursor") || undefined,
      }),
    );
  });

  app.get("/api/archive/items/:id", requireEditor, async (c) => {
    const item = await archive.getItem(c.req.param("id"));
    return jsonResponse(item, 200, { etag: `"${item.version}"` });
  });

  app.put("/api/archive/items/:id", requireEditor, async (c) => {
    const ifMatch = c.req.header("if-match")?.replace(/^W\//, "").replace(/"/g, "").trim();
    let expected: number | undefined;
    if (ifMatch) {
      expected = Number(ifMatch);
      if (!Number.isInteger(expected)) {
        throw new InvalidArchiveRequestError("If-Match is invalid", [
          problem("If-Match", "invalid", "If-Match must be the item's ETag"),
        ]);
      }
    }
    const item = await archive.correctItem(
      c.req.param("id"),
      await jsonBody(c.req.raw, MAX_ARCHIVE_TEXTS_BYTES),
      c.get("principal").id,
      expected,
    );
    return jsonResponse(item, 200, { etag: `"${item.version}"` });
  });

  if (deps.site) app.route("/", deps.site.routes());
  return app;
}

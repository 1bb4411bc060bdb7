/**
 * The archive's HTTP surface: the editor API and the public archive pages, one declaration per
 * route (see src/http/route-declaration.ts); request bodies from the zod schemas the service
 * validates with. In AWS the editor API is the `archive` API function's (ingest, mupdf, the upload
 * signer); the public pages are the `api` function's, which reads the archive (ArchiveReading).
 */
import {
  problemResponse as error,
  jsonSchemaOf as jsonSchema,
  PAGE_PARAMS,
  pathParam,
  type RouteDeclaration,
} from "../http/route-declaration.js";
import { itemCorrectionSchema, scanKeyIngestSchema, textIngestSchema, uploadRequestSchema } from "./model.js";

const ID = pathParam("id");

const jobAccepted = {
  "202": {
    description: "{job}: the job, queued; follow GET /api/archive/jobs/{id}",
  },
};

/** A public archive page (HTML or a published file), not part of the API description. */
const page = (path: string): RouteDeclaration => ({ method: "GET", path, access: "public" });

export const archiveRoutes: readonly RouteDeclaration[] = [
  {
    method: "POST",
    path: "/api/archive/scans",
    access: "editor",
    lambda: "archive",
    operation: {
      summary: "Ingest a historical edition as scanned pages (editor)",
      description:
        "multipart/form-data: `files` (PDF, TIFF, PNG, JPEG; pages in upload order) and gazette, year, issue, date, script; or JSON with `keys` of blobs already in the store. Every file is checked before anything is stored.",
      requestBody: {
        required: true,
        content: {
          "multipart/form-data": {
            schema: {
              type: "object",
              required: ["files"],
              properties: {
                files: { type: "array", items: { type: "string", format: "binary" } },
                gazette: { type: "string" },
                year: { type: "integer" },
                issue: { type: "integer" },
                date: { type: "string", format: "date" },
                script: { enum: ["sim", "tra", "auto"] },
              },
            },
          },
          "application/json": { schema: jsonSchema(scanKeyIngestSchema) },
        },
      },
      responses: {
        ...jobAccepted,
        "400": error("Invalid metadata, no files, too many pages"),
        "413": error("A file over the size limit"),
        "415": error("Not PDF, TIFF, PNG or JPEG"),
        "422": error("Corrupt, encrypted, or too many pixels (decompression bomb)"),
      },
    },
  },
  {
    method: "POST",
    path: "/api/archive/uploads",
    access: "editor",
    lambda: "archive",
    operation: {
      summary: "Get a URL to upload one large scan to (editor)",
      description:
        "For files over API Gateway's 10 MB request cap. Send the file's `sha256` (hex); the answer is `{key, upload: {method: \"PUT\", url, headers, expiresAt}}`, where `key` is the scan's one, content-addressed place (`archive/scans/<sha256>.<ext>`): PUT the file's bytes to `url` with exactly `headers` (no Authorization header) within 15 minutes, then send `{keys: [key], names: [filename], …}` to POST /api/archive/scans. `upload` is null when that scan is stored already. In AWS the URL is an S3 presigned PUT with Content-Type, Content-Length, If-None-Match: * and x-amz-checksum-sha256 signed (S3 refuses other bytes with 400 BadDigest and a second write with 412); locally it is the app's own PUT /api/archive/uploads/{token}, which checks the same.",
      requestBody: {
        required: true,
        content: { "application/json": { schema: jsonSchema(uploadRequestSchema) } },
      },
      responses: {
        "200": { description: "{key, upload: {method, url, headers, expiresAt} | null}" },
        "400": error("Invalid fields"),
        "413": error("`size` over the per-file limit"),
        "415": error("`contentType` is not PDF, TIFF, PNG or JPEG"),
      },
    },
  },
  {
    method: "PUT",
    path: "/api/archive/uploads/{token}",
    access: "upload-token",
    only: "embedded",
    operation: {
      summary: "Embedded mode only: receive the upload a URL from POST /api/archive/uploads points to",
      description:
        "The token in the path is the authorisation (HMAC-signed key, size, type and expiry). The body must be exactly the announced size and type.",
      parameters: [pathParam("token")],
      requestBody: {
        required: true,
        content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
      },
      responses: {
        "200": { description: "Stored" },
        "400": error("Fewer bytes than announced"),
        "403": error("Invalid or expired token, or another Content-Type"),
        "409": error("Already uploaded"),
        "413": error("More bytes than announced"),
      },
    },
  },
  {
    method: "POST",
    path: "/api/archive/texts",
    access: "editor",
    lambda: "archive",
    operation: {
      summary: "Ingest born-digital texts or scraped HTML of old documents (editor)",
      requestBody: {
        required: true,
        content: { "application/json": { schema: jsonSchema(textIngestSchema) } },
      },
      responses: { ...jobAccepted, "400": error("Invalid fields") },
    },
  },
  {
    method: "GET",
    path: "/api/archive/jobs/{id}",
    access: "editor",
    lambda: "archive",
    operation: {
      summary: "A job: status, progress per stage, pages (scans) and the items found (editor)",
      parameters: [ID],
      responses: { "200": { description: "The job" }, "404": error("No such job") },
    },
  },
  {
    method: "GET",
    path: "/api/archive/items",
    access: "editor",
    lambda: "archive",
    operation: {
      summary: "Archive items; review=true for the review queue (editor)",
      parameters: [{ name: "review", in: "query", schema: { enum: ["true", "false"] } }, ...PAGE_PARAMS],
      responses: { "200": { description: "{items, cursor?}" }, "400": error("Invalid review or limit") },
    },
  },
  {
    method: "GET",
    path: "/api/archive/items/{id}",
    access: "editor",
    lambda: "archive",
    operation: {
      summary: "One item with its text, pages and correction history; ETag is its version (editor)",
      parameters: [ID],
      responses: { "200": { description: "The item" }, "404": error("No such item") },
    },
  },
  {
    method: "PUT",
    path: "/api/archive/items/{id}",
    access: "editor",
    lambda: "archive",
    operation: {
      summary: "Correct an item; the change is kept with who and when, and the item is re-indexed (editor)",
      parameters: [ID, { name: "If-Match", in: "header", schema: { type: "string" } }],
      requestBody: {
        required: true,
        content: { "application/json": { schema: jsonSchema(itemCorrectionSchema) } },
      },
      responses: {
        "200": { description: "The corrected item" },
        "400": error("Invalid fields"),
        "404": error("No such item"),
        "409": error("The item changed since it was read"),
      },
    },
  },
  // The public archive (ArchiveSite): HTML pages, page images and original scans.
  page("/archive"),
  page("/archive/"),
  page("/archive/items/{id}"),
  page("/archive/items/{id}/pages/{file}"),
  page("/archive/scans/{file}"),
  page("/archive/{year}/"),
  page("/archive/{year}/{issue}/"),
];

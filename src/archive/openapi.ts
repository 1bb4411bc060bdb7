/** OpenAPI paths of the archive API (merged into src/http/openapi.ts); bodies from the zod schemas the service validates with. */
import { z } from "zod";
import { itemCorrectionSchema, scanKeyIngestSchema, textIngestSchema, uploadRequestSchema } from "./model.js";

const EDITOR = [{ editorToken: [] }];
const ID = { name: "id", in: "path", required: true, schema: { type: "string" } } as const;
const error = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
    target: "draft-2020-12",
  }) as Record<string, unknown>;
  return rest;
}

const jobAccepted = {
  "202": {
    description: "{job}: the job, queued; follow GET /api/archive/jobs/{id}",
  },
};

export const archiveOpenApiPaths = {
  "/api/archive/scans": {
    post: {
      summary: "Ingest a historical edition as scanned pages (editor)",
      description:
        "multipart/form-data: `files` (PDF, TIFF, PNG, JPEG; pages in upload order) and gazette, year, issue, date, script; or JSON with `keys` of blobs already in the store. Every file is checked before anything is stored.",
      security: EDITOR,
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
        "401": error("No editor credentials"),
        "413": error("A file over the size limit"),
        "415": error("Not PDF, TIFF, PNG or JPEG"),
        "422": error("Corrupt, encrypted, or too many pixels (decompression bomb)"),
      },
    },
  },
  "/api/archive/uploads": {
    post: {
      summary: "Get a URL to upload one large scan to (editor)",
      description:
        "For files over API Gateway's 10 MB request cap. Returns `{key, upload: {method: \"PUT\", url, headers, expiresAt}}`: PUT the file's bytes to `url` with `headers` (no Authorization header) within 15 minutes, then send `{keys: [key], …}` to POST /api/archive/scans. In AWS the URL is an S3 presigned PUT (Content-Type and Content-Length signed); locally it is the app's own PUT /api/archive/uploads/{token}.",
      security: EDITOR,
      requestBody: {
        required: true,
        content: { "application/json": { schema: jsonSchema(uploadRequestSchema) } },
      },
      responses: {
        "200": { description: "{key, upload: {method, url, headers, expiresAt}}" },
        "400": error("Invalid fields"),
        "401": error("No editor credentials"),
        "413": error("`size` over the per-file limit"),
        "415": error("`contentType` is not PDF, TIFF, PNG or JPEG"),
      },
    },
  },
  "/api/archive/uploads/{token}": {
    put: {
      summary: "Embedded mode only: receive the upload a URL from POST /api/archive/uploads points to",
      description:
        "The token in the path is the authorisation (HMAC-signed key, size, type and expiry). The body must be exactly the announced size and type.",
      parameters: [{ name: "token", in: "path", required: true, schema: { type: "string" } }],
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
  "/api/archive/texts": {
    post: {
      summary: "Ingest born-digital texts or scraped HTML of old documents (editor)",
      security: EDITOR,
      requestBody: {
        required: true,
        content: { "application/json": { schema: jsonSchema(textIngestSchema) } },
      },
      responses: { ...jobAccepted, "400": error("Invalid fields"), "401": error("No editor credentials") },
    },
  },
  "/api/archive/jobs/{id}": {
    get: {
      summary: "A job: status, progress per stage, pages (scans) and the items found (editor)",
      security: EDITOR,
      parameters: [ID],
      responses: {
        "200": { description: "The job" },
        "401": error("No editor credentials"),
        "404": error("No such job"),
      },
    },
  },
  "/api/archive/items": {
    get: {
      summary: "Archive items; review=true for the review queue (editor)",
      security: EDITOR,
      parameters: [
        { name: "review", in: "query", schema: { enum: ["true", "false"] } },
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200 } },
        { name: "cursor", in: "query", schema: { type: "string" } },
      ],
      responses: { "200": { description: "{items, cursor?}" }, "401": error("No editor credentials") },
    },
  },
  "/api/archive/items/{id}": {
    get: {
      summary: "One item with its text, pages and correction history; ETag is its version (editor)",
      security: EDITOR,
      parameters: [ID],
      responses: {
        "200": { description: "The item" },
        "401": error("No editor credentials"),
        "404": error("No such item"),
      },
    },
    put: {
      summary: "Correct an item; the change is kept with who and when, and the item is re-indexed (editor)",
      security: EDITOR,
      parameters: [ID, { name: "If-Match", in: "header", schema: { type: "string" } }],
      requestBody: {
        required: true,
        content: { "application/json": { schema: jsonSchema(itemCorrectionSchema) } },
      },
      responses: {
        "200": { description: "The corrected item" },
        "400": error("Invalid fields"),
        "401": error("No editor credentials"),
        "404": error("No such item"),
        "409": error("The item changed since it was read"),
      },
    },
  },
} as const;

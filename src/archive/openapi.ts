/** OpenAPI paths of the archive API (merged into src/http/openapi.ts); bodies from the zod schemas the service validates with. */
import { z } from "zod";
import { itemCorrectionSchema, scanKeyIngestSchema, textIngestSchema } from "./model.js";

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

import { z } from "zod";
import { archiveOpenApiPaths } from "../archive/openapi.js";
import type { Config } from "../config.js";
import { DISCLOSURE_ATTRIBUTES, DOCUMENT_KINDS } from "../documents/model.js";
import { submissionSchema } from "../documents/submission.js";
import { repostsOpenApiPaths } from "../reposts/openapi.js";
import { searchOpenApiPaths } from "../search/openapi.js";

/** Editor endpoints: bearer token locally, IAM or JWT in AWS. */
const EDITOR = [{ editorToken: [] }];

/** The `{id}` path parameter of documents and editions. */
const ID_PARAM = { name: "id", in: "path", required: true, schema: { type: "string" } } as const;

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      description: "One problem, or a list when several fields fail.",
      oneOf: [
        { $ref: "#/components/schemas/Problem" },
        { type: "array", items: { $ref: "#/components/schemas/Problem" } },
      ],
    },
  },
};

const errorResponses = (codes: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(codes).map(([status, description]) => [
      status,
      { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
    ]),
  );

/** OpenAPI 3.1 description of the API; request schemas come from the same zod schema intake validates with. */
export function buildOpenApiDocument(config: Pick<Config, "gazette" | "limits">) {
  const submission = z.toJSONSchema(submissionSchema, {
    io: "input",
    unrepresentable: "any",
    target: "draft-2020-12",
  });
  const { $schema: _ignored, ...submissionBody } = submission as Record<string, unknown>;
  return {
    openapi: "3.1.0",
    info: {
      title: `${config.gazette.name} — gazette pipeline API`,
      version: "0.1.0",
      description:
        "Intake of approved documents for the gazette. Editor endpoints need `Authorization: Bearer <token>` locally, IAM or JWT in AWS. Errors are `{error: {code, message, field}}` or a list of those.",
    },
    components: {
      securitySchemes: {
        editorToken: { type: "http", scheme: "bearer" },
        siteToken: {
          type: "http",
          scheme: "bearer",
          description: "A subordinate site's token from POST /api/sites",
        },
      },
      schemas: {
        Problem: {
          type: "object",
          required: ["code", "message", "field"],
          properties: {
            code: { type: "string" },
            message: { type: "string" },
            field: { type: ["string", "null"] },
          },
        },
        Error: errorSchema,
        DocumentSubmission: {
          ...submissionBody,
          description: `An approved document. body is plain text (paragraphs on their own lines; headings by numbering 一、 （一） 1. （1）; tables as tab-separated lines) or an array of blocks. section is one of: ${config.gazette.sections.join(", ")}. Policy documents need interpretations (else 退文, 422). Non-public disclosure needs a reason.`,
        },
        Document: {
          type: "object",
          description:
            "An accepted document: the submission plus id, state, receivedAt, receivedBy, blocks, source, warnings.",
          properties: {
            id: { type: "string" },
            state: { enum: ["accepted", "placed", "published"] },
            receivedAt: { type: "string", format: "date-time" },
            docNumberNormalized: { type: ["string", "null"] },
            warnings: { type: "array", items: { type: "string" } },
          },
        },
      },
    },
    paths: {
      "/api/documents": {
        post: {
          summary: "Submit an approved document (editor)",
          security: EDITOR,
          parameters: [
            {
              name: "Idempotency-Key",
              in: "header",
              schema: { type: "string", maxLength: 255 },
              description:
                "Retry-safe submissions: the same key and body return the first result; the same key with another body is 409.",
            },
          ],
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/DocumentSubmission" } },
              "multipart/form-data": {
                schema: {
                  type: "object",
                  required: ["file"],
                  properties: {
                    file: {
                      type: "string",
                      format: "binary",
                      description: `A .docx, at most ${config.limits.maxDocxBytes} bytes`,
                    },
                    metadata: { type: "string", description: "DocumentSubmission as JSON, without body" },
                  },
                },
              },
            },
          },
          responses: {
            "201": {
              description: "Accepted",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Document" } } },
            },
            ...errorResponses({
              "400": "Invalid fields",
              "401": "No editor credentials",
              "409": "Duplicate 发文字号 from the same issuer, or Idempotency-Key reused",
              "413": "Too large",
              "415": "Unsupported content type or unreadable .docx",
              "422": "Refused under the publication rules (退文)",
            }),
          },
        },
        get: {
          summary: "List accepted documents, newest first (editor)",
          security: EDITOR,
          parameters: [
            { name: "issuer", in: "query", schema: { type: "string" } },
            { name: "kind", in: "query", schema: { enum: [...DOCUMENT_KINDS] } },
            { name: "section", in: "query", schema: { type: "string" } },
            { name: "disclosure", in: "query", schema: { enum: [...DISCLOSURE_ATTRIBUTES] } },
            { name: "state", in: "query", schema: { enum: ["accepted", "placed", "published"] } },
            { name: "year", in: "query", schema: { type: "integer" } },
            { name: "policy", in: "query", schema: { type: "boolean" } },
            {
              name: "q",
              in: "query",
              schema: { type: "string" },
              description: "Part of the title or 发文字号",
            },
            {
              name: "limit",
              in: "query",
              schema: { type: "integer", minimum: 1, maximum: 200, default: 50 },
            },
            { name: "cursor", in: "query", schema: { type: "string" } },
          ],
          responses: {
            "200": {
              description: "A page of summaries; pass `cursor` back for the next page",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: {
                      items: { type: "array", items: { type: "object" } },
                      cursor: { type: "string" },
                    },
                  },
                },
              },
            },
            ...errorResponses({ "400": "Invalid filter", "401": "No editor credentials" }),
          },
        },
      },
      "/api/documents/{id}": {
        get: {
          summary: "One accepted document (editor)",
          security: EDITOR,
          parameters: [ID_PARAM],
          responses: {
            "200": {
              description: "The document",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Document" } } },
            },
            ...errorResponses({ "401": "No editor credentials", "404": "No such document" }),
          },
        },
      },
      "/api/editions": {
        post: {
          summary: "Create a draft edition with the next 第N期 and 总第N期 (editor)",
          security: EDITOR,
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["year"],
                  properties: {
                    year: { type: "integer" },
                    date: {
                      type: "string",
                      format: "date",
                      description: "Planned publication date; default today for this year's editions",
                    },
                  },
                },
              },
            },
          },
          responses: {
            "201": { description: "The draft edition" },
            ...errorResponses({
              "400": "Invalid fields",
              "401": "No editor credentials",
              "422": "Year closed (a later year's edition exists)",
            }),
          },
        },
        get: {
          summary: "List editions, newest first (editor)",
          security: EDITOR,
          parameters: [
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200 } },
            { name: "cursor", in: "query", schema: { type: "string" } },
          ],
          responses: {
            "200": { description: "{items, cursor?}" },
            ...errorResponses({ "401": "No editor credentials" }),
          },
        },
      },
      "/api/editions/{id}": {
        get: {
          summary:
            "One edition: status, numbers, documents, and once published urls {pdf, web, manifest} (editor)",
          security: EDITOR,
          parameters: [ID_PARAM],
          responses: {
            "200": { description: "The edition" },
            ...errorResponses({ "401": "No editor credentials", "404": "No such edition" }),
          },
        },
      },
      "/api/editions/{id}/documents": {
        put: {
          summary:
            "Set a draft's documents (accepted, 主动公开, one edition each; a policy brings its 解读) (editor)",
          security: EDITOR,
          parameters: [ID_PARAM],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["documents"],
                  properties: { documents: { type: "array", items: { type: "string" } } },
                },
              },
            },
          },
          responses: {
            "200": { description: "The edition" },
            ...errorResponses({
              "400": "Invalid list",
              "401": "No editor credentials",
              "404": "No such edition",
              "409": "Published, being published, changed meanwhile, or a document is in another edition",
              "422": "A document is not accepted or not 主动公开",
            }),
          },
        },
      },
      "/api/editions/{id}/preview": {
        post: {
          summary:
            "Render without publishing: pages and where each document lands; ?format=pdf for the PDF (editor)",
          security: EDITOR,
          parameters: [ID_PARAM, { name: "format", in: "query", schema: { enum: ["json", "pdf"] } }],
          responses: {
            "200": { description: "Preview" },
            ...errorResponses({ "401": "No editor credentials", "404": "No such edition" }),
          },
        },
      },
      "/api/editions/{id}/publish": {
        post: {
          summary:
            "Publish the PDF and the web edition together; repeatable, returns the same manifest (editor)",
          security: EDITOR,
          parameters: [ID_PARAM],
          responses: {
            "200": { description: "{edition, manifest}" },
            "202": {
              description:
                "Publication queued (AWS): {edition (publishing), manifest: null}; poll the edition at Location until it is published",
              headers: {
                Location: { description: "The edition, /api/editions/{id}", schema: { type: "string" } },
              },
            },
            ...errorResponses({
              "401": "No editor credentials",
              "404": "No such edition",
              "409": "Conflicting published file",
              "422": "Refused, e.g. an edition without documents (edition_empty)",
            }),
          },
        },
      },
      ...searchOpenApiPaths,
      ...repostsOpenApiPaths,
      ...archiveOpenApiPaths,
      "/api/openapi.json": {
        get: { summary: "This document", responses: { "200": { description: "OpenAPI 3.1" } } },
      },
      "/health": { get: { summary: "Liveness", responses: { "200": { description: "ok" } } } },
    },
  };
}

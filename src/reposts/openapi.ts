/** OpenAPI paths of the reposts API (merged into src/http/openapi.ts). */
import { SITE_LEVELS } from "./model.js";

const EDITOR = [{ editorToken: [] }];
const SITE = [{ siteToken: [] }];
const ID = { name: "id", in: "path", required: true, schema: { type: "string" } } as const;
const NOTICE_ID = {
  name: "noticeId",
  in: "path",
  required: true,
  description: "`<documentId>.<siteId>`, as in the webhook payload",
  schema: { type: "string" },
} as const;
const error = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});
const json = (schema: Record<string, unknown>) => ({
  required: true,
  content: { "application/json": { schema } },
});

const delivery = {
  oneOf: [
    {
      type: "object",
      required: ["type", "url"],
      properties: { type: { const: "webhook" }, url: { type: "string", format: "uri" } },
    },
    {
      type: "object",
      required: ["type", "queueUrl"],
      properties: {
        type: { const: "sqs" },
        queueUrl: { type: "string", format: "uri" },
        roleArn: {
          type: "string",
          pattern: "^arn:aws(-cn|-us-gov)?:iam::\\d{12}:role/gazette-repost-[A-Za-z0-9+=,.@_-]{1,49}$",
          description:
            "A role in the site's account that may send to the queue; assumed with ExternalId = the site id and session name gazette-repost-<siteId>. Without it the queue policy must grant the delivery role.",
        },
      },
    },
  ],
};

const site = {
  type: "object",
  properties: {
    name: { type: "string", maxLength: 200 },
    level: { enum: [...SITE_LEVELS] },
    region: {
      type: "string",
      pattern: "^[1-9][0-9]{5}$",
      description: "GB/T 2260 code; covers its subdivisions",
    },
    sectors: { type: "array", items: { type: "string" }, description: "none: a comprehensive site" },
    delivery,
  },
};

export const repostsOpenApiPaths = {
  "/api/sites": {
    post: {
      summary:
        "Register a subordinate site; a webhook must first echo a GET ?hub.mode=verify&hub.challenge=… (editor)",
      security: EDITOR,
      requestBody: json({ ...site, required: ["name", "level", "region", "delivery"] }),
      responses: {
        "201": {
          description:
            "{id, token, webhookSecret}: the site's API token and its whsec_ signing secret, shown once",
        },
        "400": error("Invalid fields"),
        "401": error("No editor credentials"),
        "422": error("The webhook did not answer the challenge (webhook_unverified)"),
      },
    },
    get: {
      summary: "Registered sites (editor)",
      security: EDITOR,
      parameters: [
        { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200 } },
        { name: "cursor", in: "query", schema: { type: "string" } },
      ],
      responses: { "200": { description: "{items, cursor}" }, "401": error("No editor credentials") },
    },
  },
  "/api/sites/{id}": {
    get: {
      summary: "One site (editor)",
      security: EDITOR,
      parameters: [ID],
      responses: {
        "200": { description: "The site" },
        "401": error("No editor credentials"),
        "404": error("No such site"),
      },
    },
    patch: {
      summary:
        'Update a site; {status: "disabled"} disables it, "active" re-enables (webhook verified again) (editor)',
      security: EDITOR,
      parameters: [ID],
      requestBody: json({
        ...site,
        properties: {
          ...site.properties,
          status: { enum: ["active", "disabled"] },
          disabledReason: { type: "string" },
        },
      }),
      responses: {
        "200": { description: "The site" },
        "400": error("Invalid fields"),
        "401": error("No editor credentials"),
        "404": error("No such site"),
        "422": error("The new webhook did not answer the challenge"),
      },
    },
  },
  "/api/sites/{id}/rotate-secret": {
    post: {
      summary:
        "A new signing secret; the old one keeps signing for graceSeconds (default 86400), so no delivery is missed (editor)",
      security: EDITOR,
      parameters: [ID],
      requestBody: json({ type: "object", properties: { graceSeconds: { type: "integer", minimum: 0 } } }),
      responses: {
        "200": { description: "{webhookSecret, previousExpiresAt}" },
        "401": error("No editor credentials"),
        "404": error("No such site"),
      },
    },
  },
  "/api/compliance": {
    get: {
      summary:
        "Inspection report: totals, per site, per region and per document with rates, and the overdue list (editor)",
      security: EDITOR,
      parameters: [
        { name: "format", in: "query", schema: { enum: ["json", "csv", "html"] } },
        { name: "from", in: "query", schema: { type: "string", format: "date" } },
        { name: "to", in: "query", schema: { type: "string", format: "date" } },
        { name: "region", in: "query", schema: { type: "string" } },
        { name: "level", in: "query", schema: { enum: [...SITE_LEVELS] } },
        { name: "document", in: "query", schema: { type: "string" } },
      ],
      responses: {
        "200": {
          description:
            "JSON {generatedAt, filter, totals: {notices, delivered, acknowledged, verified, verification_failed, overdue, failed}, rates, sites, regions, documents, overdue}; CSV one row per site; HTML page",
        },
        "400": error("Invalid filter"),
        "401": error("No editor credentials"),
      },
    },
  },
  "/api/reposts": {
    get: {
      summary:
        "The calling site's pending notices (not yet verified); all=true for all; format=html for a page (site)",
      security: SITE,
      parameters: [
        { name: "site", in: "query", schema: { const: "me" } },
        { name: "all", in: "query", schema: { type: "boolean" } },
        { name: "format", in: "query", schema: { enum: ["json", "html"] } },
      ],
      responses: { "200": { description: "{site, items}" }, "401": error("No or unknown site token") },
    },
  },
  "/api/reposts/{noticeId}": {
    get: {
      summary: "One of the calling site's notices (site)",
      security: SITE,
      parameters: [NOTICE_ID],
      responses: {
        "200": { description: "The notice" },
        "403": error("Another site's notice"),
        "404": error("No such notice"),
      },
    },
  },
  "/api/reposts/{noticeId}/ack": {
    post: {
      summary:
        "Acknowledge a repost with the page's URL; the page is then checked (verified / verification_failed) (site)",
      security: SITE,
      parameters: [NOTICE_ID],
      requestBody: json({
        type: "object",
        required: ["url"],
        properties: { url: { type: "string", format: "uri" } },
      }),
      responses: {
        "202": { description: "The notice, verification pending" },
        "400": error("Invalid url"),
        "401": error("No or unknown site token"),
        "403": error("Another site's notice"),
        "404": error("No such notice"),
      },
    },
  },
} as const;

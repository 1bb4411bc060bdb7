/** The reposts API's HTTP surface, one declaration per route (see src/http/route-declaration.ts). */
import {
  problemResponse as error,
  jsonRequestBody as json,
  PAGE_PARAMS,
  pathParam,
  type RouteDeclaration,
} from "../http/route-declaration.js";
import { SITE_LEVELS } from "./model.js";

const ID = pathParam("id");
const NOTICE_ID = pathParam("noticeId", "`<documentId>.<siteId>`, as in the webhook payload");

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

export const repostsRoutes: readonly RouteDeclaration[] = [
  {
    method: "POST",
    path: "/api/sites",
    access: "editor",
    lambda: "reposts",
    operation: {
      summary:
        "Register a subordinate site; a webhook must first echo a GET ?hub.mode=verify&hub.challenge=… (editor)",
      requestBody: json({ ...site, required: ["name", "level", "region", "delivery"] }),
      responses: {
        "201": {
          description:
            "{id, token, webhookSecret}: the site's API token and its whsec_ signing secret, shown once",
        },
        "400": error("Invalid fields"),
        "422": error("The webhook did not answer the challenge (webhook_unverified)"),
      },
    },
  },
  {
    method: "GET",
    path: "/api/sites",
    access: "editor",
    lambda: "reposts",
    operation: {
      summary: "Registered sites (editor)",
      parameters: [...PAGE_PARAMS],
      responses: { "200": { description: "{items, cursor}" }, "400": error("Invalid limit") },
    },
  },
  {
    method: "GET",
    path: "/api/sites/{id}",
    access: "editor",
    lambda: "reposts",
    operation: {
      summary: "One site (editor)",
      parameters: [ID],
      responses: { "200": { description: "The site" }, "404": error("No such site") },
    },
  },
  {
    method: "PATCH",
    path: "/api/sites/{id}",
    access: "editor",
    lambda: "reposts",
    operation: {
      summary:
        'Update a site; {status: "disabled"} disables it, "active" re-enables (webhook verified again) (editor)',
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
        "404": error("No such site"),
        "422": error("The new webhook did not answer the challenge"),
      },
    },
  },
  {
    method: "POST",
    path: "/api/sites/{id}/rotate-secret",
    access: "editor",
    lambda: "reposts",
    operation: {
      summary:
        "A new signing secret; the old one keeps signing for graceSeconds (default 86400), so no delivery is missed (editor)",
      parameters: [ID],
      requestBody: json(
        { type: "object", properties: { graceSeconds: { type: "integer", minimum: 0 } } },
        { optional: true },
      ),
      responses: {
        "200": { description: "{webhookSecret, previousExpiresAt}" },
        "404": error("No such site"),
      },
    },
  },
  {
    method: "GET",
    path: "/api/compliance",
    access: "editor",
    lambda: "reposts",
    operation: {
      summary:
        "Inspection report from counters: totals, per site, per region and per document with rates, and the overdue list (a page of it in JSON: limit/cursor; all of it, streamed, in HTML and as overdue-csv) (editor)",
      parameters: [
        { name: "format", in: "query", schema: { enum: ["json", "csv", "overdue-csv", "html"] } },
        ...PAGE_PARAMS,
        { name: "from", in: "query", schema: { type: "string", format: "date" } },
        { name: "to", in: "query", schema: { type: "string", format: "date" } },
        { name: "region", in: "query", schema: { type: "string" } },
        { name: "level", in: "query", schema: { enum: [...SITE_LEVELS] } },
        { name: "document", in: "query", schema: { type: "string" } },
      ],
      responses: {
        "200": {
          description:
            "JSON {generatedAt, filter, totals: {notices, delivered, acknowledged, verified, verification_failed, overdue, failed}, rates, sites, regions, documents, overdue (one page), overdueCursor (when more follow)}; CSV one row per site; overdue-csv one row per overdue notice (notice, document, site, region, level, deadline, status, reason); HTML page",
        },
        "400": error("Invalid filter"),
      },
    },
  },
  {
    method: "GET",
    path: "/api/reposts",
    access: "site",
    lambda: "reposts",
    operation: {
      summary:
        "The calling site's pending notices (not yet verified); all=true for all; format=html for a page (site)",
      parameters: [
        { name: "site", in: "query", schema: { const: "me" } },
        { name: "all", in: "query", schema: { type: "boolean" } },
        { name: "format", in: "query", schema: { enum: ["json", "html"] } },
      ],
      responses: { "200": { description: "{site, items}" }, "400": error("site is not `me`") },
    },
  },
  {
    method: "GET",
    path: "/api/reposts/{noticeId}",
    access: "site",
    lambda: "reposts",
    operation: {
      summary: "One of the calling site's notices (site)",
      parameters: [NOTICE_ID],
      responses: {
        "200": { description: "The notice" },
        "403": error("The site is disabled (site_disabled)"),
        "404": error("No such notice, or another site's (the same answer)"),
      },
    },
  },
  {
    method: "POST",
    path: "/api/reposts/{noticeId}/ack",
    access: "site",
    lambda: "reposts",
    operation: {
      summary:
        "Acknowledge a repost with the page's URL; the page is then checked (verified / verification_failed) (site)",
      parameters: [NOTICE_ID],
      requestBody: json({
        type: "object",
        required: ["url"],
        properties: { url: { type: "string", format: "uri" } },
      }),
      responses: {
        "202": { description: "The notice, verification pending" },
        "400": error("Invalid url"),
        "403": error("The site is disabled (site_disabled)"),
        "404": error("No such notice, or another site's (the same answer)"),
      },
    },
  },
];

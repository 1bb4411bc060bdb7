/**
 * The whole HTTP surface of the app: every route it serves, declared once. The OpenAPI document
 * (src/http/openapi.ts) and the API Gateway route table (infra/constructs/gazette-api.ts) are
 * generated from this list; tests/http/surface.test.ts checks the app serves exactly these routes
 * with the declared access, and tests/infra/api-routes.test.ts that API Gateway routes each of
 * them to an authoriser (editor) or an open route (public, site).
 */
import { archiveRoutes } from "../archive/openapi.js";
import { DISCLOSURE_ATTRIBUTES, DOCUMENT_KINDS } from "../documents/model.js";
import { editionsRoutes } from "../editions/openapi.js";
import { repostsRoutes } from "../reposts/openapi.js";
import { searchRoutes } from "../search/openapi.js";
import { submittersRoutes } from "../submitters/openapi.js";
import { verificationRoutes } from "../verify/openapi.js";
import {
  problemResponse as error,
  PAGE_PARAMS,
  pathParam,
  type RouteDeclaration,
} from "./route-declaration.js";

const documentRoutes: readonly RouteDeclaration[] = [
  {
    method: "POST",
    path: "/api/documents",
    access: "editor",
    lambda: "documents",
    operation: (config) => ({
      summary: "Submit an approved document (editor)",
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
        "400": error("Invalid fields"),
        "409": error("Duplicate 发文字号 from the same issuer, or Idempotency-Key reused"),
        "413": error("Too large"),
        "415": error("Unsupported content type or unreadable .docx"),
        "422": error("Refused under the publication rules (退文)"),
      },
    }),
  },
  {
    method: "GET",
    path: "/api/documents",
    access: "editor",
    operation: {
      summary: "List accepted documents, newest first (editor)",
      parameters: [
        { name: "issuer", in: "query", schema: { type: "string" } },
        { name: "kind", in: "query", schema: { enum: [...DOCUMENT_KINDS] } },
        { name: "section", in: "query", schema: { type: "string" } },
        { name: "disclosure", in: "query", schema: { enum: [...DISCLOSURE_ATTRIBUTES] } },
        { name: "state", in: "query", schema: { enum: ["accepted", "placed", "published"] } },
        { name: "year", in: "query", schema: { type: "integer" } },
        { name: "policy", in: "query", schema: { type: "boolean" } },
        { name: "q", in: "query", schema: { type: "string" }, description: "Part of the title or 发文字号" },
        ...(["receivedFrom", "receivedTo"] as const).map((name) => ({
          name,
          in: "query" as const,
          schema: {
            oneOf: [
              { type: "string", format: "date" },
              { type: "string", format: "date-time" },
            ],
          },
          description: `Received ${name === "receivedFrom" ? "on or after" : "on or before"} this day in China (YYYY-MM-DD, Asia/Shanghai, the whole day counted) or this instant (RFC 3339 with its offset). A malformed or impossible value, or receivedTo before receivedFrom, is 400 naming the field.`,
          example: name === "receivedFrom" ? "2025-06-01" : "2025-06-30",
        })),
        ...PAGE_PARAMS,
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
        "400": error("Invalid filter"),
      },
    },
  },
  {
    method: "GET",
    path: "/api/documents/{id}",
    access: "editor",
    operation: {
      summary: "One accepted document (editor)",
      parameters: [pathParam("id")],
      responses: {
        "200": {
          description: "The document",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Document" } } },
        },
        "404": error("No such document"),
      },
    },
  },
];

const serviceRoutes: readonly RouteDeclaration[] = [
  {
    method: "GET",
    path: "/api/openapi.json",
    access: "public",
    operation: { summary: "This document", responses: { "200": { description: "OpenAPI 3.1" } } },
  },
  {
    method: "GET",
    path: "/health",
    access: "public",
    operation: { summary: "Liveness", responses: { "200": { description: "ok" } } },
  },
];

/** The public site (PublicSite): listings, feeds, and the published files of editions and documents. */
const siteRoutes: readonly RouteDeclaration[] = [
  "/",
  "/index.html",
  "/feeds/editions.atom",
  "/feeds/documents.atom",
  "/sitemap.xml",
  "/robots.txt",
  "/favicon.svg",
  "/favicon.ico",
  "/completeness.html",
  "/editions/{path+}",
  "/documents/{path+}",
].map((path) => ({ method: "GET", path, access: "public" }));

/**
 * The editor console (src/console/http.ts, areas in src/console/routes/): HTML pages and form
 * posts, in AWS the console function's (but for the pages of other functions below). Sign-in is open; every other
 * page needs a console session. Locally the session starts with a password (POST /console/sign-in,
 * embedded only); in AWS with the Cognito user pool's hosted sign-in, which comes back to
 * /console/oauth/callback, and the HTTP API's JWT authoriser checks every console route.
 */
const consoleRoutes: readonly RouteDeclaration[] = [
  { method: "GET", path: "/console/sign-in", access: "public", lambda: "console" },
  { method: "POST", path: "/console/sign-in", access: "public", only: "embedded", lambda: "console" },
  { method: "GET", path: "/console/oauth/callback", access: "public", lambda: "console" },
  ...(
    [
      ["GET", "/console"],
      ["POST", "/console/sign-out"],
      ["GET", "/console/"],
      ["GET", "/console/documents"],
      ["GET", "/console/documents/new"],
      ["GET", "/console/documents/{id}"],
      ["GET", "/console/documents/{id}/original"],
      ["GET", "/console/editions"],
      ["POST", "/console/editions"],
      ["GET", "/console/editions/{id}"],
      ["GET", "/console/edition-order.js"],
      ["GET", "/console/edition-progress.js"],
      ["POST", "/console/editions/{id}/documents"],
      ["GET", "/console/editions/{id}/publish"],
      ["POST", "/console/editions/{id}/publish"],
      ["GET", "/console/accounts"],
      ["POST", "/console/accounts"],
      ["GET", "/console/audit"],
      ["GET", "/console/archive/review"],
      ["GET", "/console/archive/items/{id}"],
      ["POST", "/console/archive/items/{id}"],
    ] as const
  ).map(([method, path]): RouteDeclaration => ({ method, path, access: "console", lambda: "console" })),
  // The sites registry and the compliance report (src/console/reposts.ts): in AWS the reposts
  // API function's, as /api/sites and /api/compliance are, so the api function holds neither
  // the reposts module nor these pages.
  ...(
    [
      ["GET", "/console/sites"],
      ["POST", "/console/sites"],
      ["GET", "/console/sites/{id}"],
      ["POST", "/console/sites/{id}"],
      ["POST", "/console/sites/{id}/verify"],
      ["POST", "/console/sites/{id}/disable"],
      ["POST", "/console/sites/{id}/enable"],
      ["POST", "/console/sites/{id}/rotate"],
      ["GET", "/console/compliance"],
      ["GET", "/console/compliance.csv"],
      ["GET", "/console/compliance-overdue.csv"],
    ] as const
  ).map(([method, path]): RouteDeclaration => ({ method, path, access: "console", lambda: "reposts" })),
  // The console's pages that read .docx files or render are served, in AWS, by the function that
  // holds that library (as their /api routes are), so the api function holds neither.
  { method: "POST", path: "/console/documents", access: "console", lambda: "documents" },
  { method: "GET", path: "/console/editions/{id}/preview", access: "console", lambda: "preview" },
  { method: "GET", path: "/console/editions/{id}/preview.pdf", access: "console", lambda: "preview" },
];

/**
 * The departments' submitters (role submitter, src/console/routes/submitter.ts) and the editors'
 * submission desk and completeness page (src/console/routes/submission-desk.ts): console pages.
 */
const submitterConsoleRoutes: readonly RouteDeclaration[] = (
  [
    ["GET", "/console/body"],
    ["GET", "/console/body/"],
    ["GET", "/console/body/submissions"],
    ["GET", "/console/body/submissions/new"],
    ["GET", "/console/body/submissions/{id}"],
    ["GET", "/console/body/submissions/{id}/edit"],
    ["GET", "/console/body/inbox"],
    ["GET", "/console/body/register"],
    ["POST", "/console/body/register"],
    ["POST", "/console/body/register/import"],
    ["GET", "/console/submissions"],
    ["GET", "/console/submissions/{id}"],
    ["POST", "/console/submissions/{id}/return"],
    ["GET", "/console/completeness"],
  ] as const
)
  .map(
    ([method, path]): RouteDeclaration => ({
      method,
      path,
      access: "console",
      lambda: "console",
      // The submitter's own pages: in AWS only the submitter group's tokens reach them.
      ...(path.startsWith("/console/body") ? { consoleGroup: "submitter" as const } : {}),
    }),
  )
  .concat(
    // A submitter's sending, which may carry a .docx: in AWS the documents function, which reads
    // them (the submitter's pages stay the api function's).
    (
      [
        ["POST", "/console/body/submissions"],
        ["POST", "/console/body/submissions/{id}"],
      ] as const
    ).map(
      ([method, path]): RouteDeclaration => ({
        method,
        path,
        access: "console",
        lambda: "documents",
        ...(path.startsWith("/console/body") ? { consoleGroup: "submitter" as const } : {}),
      }),
    ),
    // Accepting a submission into intake, which reads a submission's .docx: in AWS the documents
    // function too (the desk's pages stay the api function's).
    { method: "POST", path: "/console/submissions/{id}/accept", access: "console", lambda: "documents" },
  );

/**
 * The site portal (/portal/): a site's session, started with its token at /portal/sign-in; the app
 * checks it (API Gateway cannot: tokens and sessions are the app's). In AWS the reposts API
 * function serves it, as it serves the sites' /api/reposts routes.
 */
const portalRoutes: readonly RouteDeclaration[] = (
  [
    ["GET", "/portal/sign-in"],
    ["POST", "/portal/sign-in"],
    ["GET", "/portal"],
    ["POST", "/portal/sign-out"],
    ["GET", "/portal/"],
    ["GET", "/portal/notices/{id}"],
    ["POST", "/portal/notices/{id}/ack"],
  ] as const
).map(([method, path]): RouteDeclaration => ({ method, path, access: "portal", lambda: "reposts" }));

/** Every route of the app, in the order of the API description. */
export const HTTP_SURFACE: readonly RouteDeclaration[] = [
  ...documentRoutes,
  ...editionsRoutes,
  ...searchRoutes,
  ...repostsRoutes,
  ...archiveRoutes,
  ...submittersRoutes,
  ...verificationRoutes,
  ...serviceRoutes,
  ...siteRoutes,
  ...consoleRoutes,
  ...submitterConsoleRoutes,
  ...portalRoutes,
];

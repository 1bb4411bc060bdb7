/**
 * One declaration per HTTP route: method, path, who may call it and its OpenAPI operation. The
 * OpenAPI document (/api/openapi.json) and the API Gateway route table (infra/) are generated from
 * these declarations; tests check that the app serves exactly the declared routes.
 *
 * Kept free of runtime dependencies beyond zod so the CDK app can import the declarations.
 */
import * as z from "zod";
import type { Config } from "../config.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Who may call a route:
 * - `public`: anyone (published content, search, this API's description);
 * - `editor`: editors only — bearer token locally, the IAM or JWT authoriser in AWS;
 * - `site`: subordinate sites with the per-site bearer token the app issued (the app checks it;
 *   API Gateway cannot);
 * - `upload-token`: the HMAC-signed token in the path is the authorisation (embedded mode only);
 * - `console`: console pages, for a signed-in console account with the right role (session cookie;
 *   the app checks it, POSTs also a CSRF token). In AWS the session is a Cognito access token, and
 *   the HTTP API's console JWT authoriser checks it before the app does.
 * - `portal`: the site portal's pages (/portal/): a session the app starts with the site's token
 *   and checks itself (in AWS: no authoriser, as `site`).
 * - `submitter`: an issuing body's own system with the bearer token the app issued to the body
 *   (POST /api/bodies), for that body's paths only; the app checks it (in AWS: as `site`).
 */
export type RouteAccess = "public" | "editor" | "site" | "upload-token" | "console" | "portal" | "submitter";

/**
 * The Lambda function that serves a route in AWS. Each has its own composition root
 * (src/runtime/lambda/) and bundle, so a heavy library lives only in the function whose routes use
 * it; API Gateway sends each declared route to its function (infra/constructs/gazette-api.ts):
 * - `api`: every route not named below, the public pages and the closed `/api/{proxy+}`: the
 *   editor API, the public site (the archive's pages, the completeness page) and search;
 * - `console`: the editor console (/console/…, sign-in included) but for the pages named below
 *   for other functions, and a body's register import, POST /api/bodies/{bodyId}/register (the
 *   register's CSV reader, csv-parse, as the console's own import): the console's pages and
 *   session (jose) and the CSV reader live there, not in `api`;
 * - `documents`: document intake, POST /api/documents, the console's POST /console/documents and a
 *   submitter's sending, POST /console/body/submissions[/{id}] (the .docx reader: mammoth, xmldom, jszip);
 * - `preview`: edition previews, POST /api/editions/{id}/preview and the console's two preview
 *   pages (the PDF engine: pdf-lib, fontkit and the fonts);
 * - `verify`: the transparency log, the signing certificates and verification (POST /api/verify,
 *   the /verify page; the CMS/X.509 schemas), public reads of the table only;
 * - `archive`: the archive's editor API, `/api/archive/…` (ingest with mupdf's checks of every
 *   scan, the S3 upload signer, jobs, items and their corrections); the public archive pages and
 *   the console's review queue read the archive from the `api` function. Not the archive's queue
 *   consumer (gazette-archive), which serves no route;
 * - `reposts`: the reposts API (`/api/sites…`, `/api/compliance`, the sites' `/api/reposts…`), the
 *   console's sites and compliance pages and the site portal (`/portal/…`): the reposts module
 *   (working-day calendar, the SSRF-guarded fetch, the HTML parser of site verification). Not
 *   the repost queue consumers and tick, which serve no route.
 * A console route served by another function checks the console session the same way (the
 * console's kit, src/console/kit.ts, with the same accounts or OIDC settings).
 */
export const API_FUNCTIONS = [
  "api",
  "console",
  "documents",
  "preview",
  "verify",
  "archive",
  "reposts",
] as const;
export type ApiFunction = (typeof API_FUNCTIONS)[number];

/** The part of the configuration operation descriptions may mention (limits, sections). */
export type OpenApiConfig = Pick<Config, "gazette" | "limits">;

/** An OpenAPI 3.1 operation, without `security` (derived from the access). */
export type OpenApiOperation = Record<string, unknown> & { readonly summary: string };

export interface RouteDeclaration {
  readonly method: HttpMethod;
  /**
   * The path as OpenAPI and API Gateway write it: `/api/editions/{id}`. A trailing `{path+}`
   * stands for a subtree of pages (`/editions/{path+}`), which only public HTML pages use.
   */
  readonly path: string;
  readonly access: RouteAccess;
  /** `embedded`: served only by the local server (not routed in AWS). Default: everywhere. */
  readonly only?: "embedded";
  /** The Lambda function serving the route in AWS (API_FUNCTIONS). Default `api`. */
  readonly lambda?: ApiFunction;
  /**
   * A POST that changes nothing — it reads its body and answers (POST /api/verify) — and so may
   * be public. Other public routes are reads (GET).
   */
  readonly readOnly?: true;
  /**
   * A console page for one role only, which in AWS the JWT authoriser admits for that role's
   * user pool group alone (its access-token scope, infra/constructs/console-identity.ts): the
   * department submitters' pages (/console/body…). The app checks roles on every page anyway.
   */
  readonly consoleGroup?: "submitter";
  /**
   * The OpenAPI operation (summary, parameters, requestBody, responses). Left out for HTML pages,
   * which are not part of the API description.
   */
  readonly operation?: OpenApiOperation | ((config: OpenApiConfig) => OpenApiOperation);
}

/** The Lambda function that serves a declared route in AWS. */
export function lambdaOf(route: Pick<RouteDeclaration, "lambda">): ApiFunction {
  return route.lambda ?? "api";
}

/** `{error: …}` response with the shared Error schema. */
export function problemResponse(description: string) {
  return {
    description,
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  };
}

/** The `{name}` path parameter. */
export function pathParam(name: string, description?: string) {
  return {
    name,
    in: "path",
    required: true,
    ...(description ? { description } : {}),
    schema: { type: "string" },
  } as const;
}

/** Page sizes of every paged list (src/http/query.ts: pageLimit reads `limit` by these). */
export const PAGE_LIMIT = { default: 50, min: 1, max: 200 } as const;

/** `limit` and `cursor` query parameters of paged lists. */
export const PAGE_PARAMS = [
  {
    name: "limit",
    in: "query",
    schema: {
      type: "integer",
      minimum: PAGE_LIMIT.min,
      maximum: PAGE_LIMIT.max,
      default: PAGE_LIMIT.default,
    },
  },
  { name: "cursor", in: "query", schema: { type: "string" } },
] as const;

/**
 * A JSON request body: required (an empty one is 400 `required` on `body`), or `optional` where
 * an empty body reads as `{}` (src/http/body.ts).
 */
export function jsonRequestBody(schema: Record<string, unknown>, options: { optional?: boolean } = {}) {
  return { required: !options.optional, content: { "application/json": { schema } } };
}

/** The JSON Schema of what a zod schema accepts (its input), for a request body. */
export function jsonSchemaOf(schema: z.core.$ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
    target: "draft-2020-12",
  }) as Record<string, unknown>;
  return rest;
}

/** `/api/editions/:id` (Hono) → `/api/editions/{id}`; `/editions/*` → `/editions/{path+}`. */
export function templateOfHonoPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)(\{(?:[^{}]|\{[^{}]*\})*\})?/g, "{$1}").replace(/\/\*$/, "/{path+}");
}

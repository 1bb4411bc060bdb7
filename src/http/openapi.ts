import { submissionSchema } from "../documents/submission.js";
import {
  jsonSchemaOf,
  type OpenApiConfig,
  problemResponse,
  type RouteAccess,
  type RouteDeclaration,
} from "./route-declaration.js";
import { HTTP_SURFACE } from "./surface.js";

/** Security requirement per access: editors by bearer token locally (IAM or JWT in AWS), sites by their token. */
const SECURITY: Record<RouteAccess, readonly Record<string, readonly string[]>[]> = {
  public: [],
  editor: [{ editorToken: [] }],
  site: [{ siteToken: [] }],
  submitter: [{ bodyToken: [] }],
  "upload-token": [],
  console: [],
  portal: [],
};

/** The 401 every authenticated route may answer, added from the access so no route forgets it. */
const UNAUTHORISED: Partial<Record<RouteAccess, string>> = {
  editor: "No editor credentials",
  site: "No or unknown site token",
  submitter: "No or unknown body token",
};

/** The `paths` object: one operation per declared API route (HTML pages are not described). */
function pathsOf(surface: readonly RouteDeclaration[], config: OpenApiConfig) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of surface) {
    if (!route.operation) continue;
    const operation = typeof route.operation === "function" ? route.operation(config) : route.operation;
    const unauthorised = UNAUTHORISED[route.access];
    const responses = {
      ...(operation.responses as Record<string, unknown> | undefined),
      ...(unauthorised ? { "401": problemResponse(unauthorised) } : {}),
    };
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      ...operation,
      security: SECURITY[route.access],
      responses,
    };
  }
  return paths;
}

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

/**
 * OpenAPI 3.1 description of the API, generated from the declared HTTP surface; request schemas
 * come from the same zod schemas the services validate with.
 */
export function buildOpenApiDocument(
  config: OpenApiConfig,
  surface: readonly RouteDeclaration[] = HTTP_SURFACE,
) {
  const submissionBody = jsonSchemaOf(submissionSchema);
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
        bodyToken: {
          type: "http",
          scheme: "bearer",
          description: "An issuing body's token from POST /api/bodies: acts for that body only",
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
    paths: pathsOf(surface, config),
  };
}

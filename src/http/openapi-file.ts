/**
 * The OpenAPI document the api function serves at /api/openapi.json, generated at build time:
 * buildFunctionBundle (infra/constructs/function-bundle.ts, `openApi`) writes `openapi.json`
 * beside the bundle with buildOpenApiDocument (./openapi.ts) for the settings the function's
 * environment gives, so the function bundles neither the route declarations' operations nor
 * zod's JSON Schema generator. The file names the settings it was built for: served with other
 * settings it would describe other limits or sections, so the function refuses to serve it then
 * (a deploy error, not the caller's). tests/infra/lambda-bundles.test.ts compares what the bundle
 * serves with what the route declarations generate.
 *
 * Kept free of runtime dependencies (no zod): the api function imports it.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { OpenApiConfig } from "./route-declaration.js";

export const OPENAPI_FILE = "openapi.json";

/** What `openapi.json` holds: the settings it was built for and the document. */
export interface BuiltOpenApi {
  readonly config: OpenApiConfig;
  readonly document: unknown;
}

/** The part of a configuration the document reads (the gazette's settings, the intake limits). */
export function openApiConfigOf(config: OpenApiConfig): OpenApiConfig {
  return { gazette: config.gazette, limits: config.limits };
}

/** Stable JSON (object keys sorted), to compare settings. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

/** Where the bundle's `openapi.json` is: beside the entry (or the chunk this module is in). */
function findOpenApiFile(env: Readonly<Record<string, string | undefined>>): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [env.GAZETTE_OPENAPI_FILE, join(here, OPENAPI_FILE), join(here, "..", OPENAPI_FILE)];
  for (const file of candidates) if (file && existsSync(file)) return file;
  throw new Error(
    `${OPENAPI_FILE} not found (looked in ${candidates.filter(Boolean).join(", ")}): it is written beside the bundle at build time`,
  );
}

/**
 * The document built for `config`, read from `openapi.json` when first asked (not at cold start):
 * a function for createApp's `openApi`.
 */
export function builtOpenApiDocument(
  config: OpenApiConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
): () => unknown {
  let document: unknown;
  return () => {
    if (document !== undefined) return document;
    const built = JSON.parse(readFileSync(findOpenApiFile(env), "utf8")) as BuiltOpenApi;
    if (canonical(built.config) !== canonical(openApiConfigOf(config)))
      throw new Error(
        `${OPENAPI_FILE} was built for other settings (${canonical(built.config)}) than the function's (${canonical(openApiConfigOf(config))}): rebuild it from this environment`,
      );
    document = built.document;
    return document;
  };
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_ARCHIVE_REQUEST_BYTES, MAX_ARCHIVE_TEXTS_BYTES } from "../../src/archive/http.js";
import { MAX_EDITIONS_BODY_BYTES } from "../../src/editions/http.js";
import { MAX_REPOSTS_BODY_BYTES } from "../../src/reposts/http.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * Every JSON route reads its body by one rule (src/http/body.ts, docs/api.md "Errors"): an empty
 * body is 400 `required` on `body` (unless the route's body is optional), a body sent without
 * Content-Type or as another media type 415, one over the route's limit 413, one that does not
 * parse 400 `invalid_json`.
 */

interface ErrorBody {
  error: { code: string; field: string | null; message: string };
}

interface JsonRoute {
  readonly method: "POST" | "PUT" | "PATCH";
  /** `{site}` stands for a registered site's id. */
  readonly path: string;
  /** The route's body limit. */
  readonly maxBytes: () => number;
  /** Who calls it: the editor (default) or a site with its token. */
  readonly as?: "site";
  /** An empty body means "no options" here. */
  readonly optional?: true;
}

let app: TestApp;
let site: { id: string; token: string };

const ROUTES: readonly JsonRoute[] = [
  { method: "POST", path: "/api/documents", maxBytes: () => app.container.config.limits.maxJsonBytes },
  { method: "POST", path: "/api/editions", maxBytes: () => MAX_EDITIONS_BODY_BYTES },
  { method: "PUT", path: "/api/editions/no-such-edition/documents", maxBytes: () => MAX_EDITIONS_BODY_BYTES },
  {
    method: "POST",
    path: "/api/editions/no-such-edition/publish",
    maxBytes: () => MAX_EDITIONS_BODY_BYTES,
    optional: true,
  },
  { method: "POST", path: "/api/sites", maxBytes: () => MAX_REPOSTS_BODY_BYTES },
  { method: "PATCH", path: "/api/sites/{site}", maxBytes: () => MAX_REPOSTS_BODY_BYTES },
  {
    method: "POST",
    path: "/api/sites/{site}/rotate-secret",
    maxBytes: () => MAX_REPOSTS_BODY_BYTES,
    optional: true,
  },
  {
    method: "POST",
    path: "/api/reposts/no-such-notice/ack",
    maxBytes: () => MAX_REPOSTS_BODY_BYTES,
    as: "site",
  },
  { method: "POST", path: "/api/archive/uploads", maxBytes: () => MAX_ARCHIVE_REQUEST_BYTES },
  { method: "POST", path: "/api/archive/scans", maxBytes: () => MAX_ARCHIVE_REQUEST_BYTES },
  { method: "POST", path: "/api/archive/texts", maxBytes: () => MAX_ARCHIVE_TEXTS_BYTES },
  { method: "PUT", path: "/api/archive/items/no-such-item", maxBytes: () => MAX_ARCHIVE_TEXTS_BYTES },
];

const name = (r: JsonRoute) => `${r.method} ${r.path}`;

/** Sends `body` to the route as its caller, with `type` as Content-Type (none when undefined). */
async function send(route: JsonRoute, body: BodyInit | null, type: string | undefined) {
  const headers = new Headers();
  if (type !== undefined) headers.set("content-type", type);
  if (route.as === "site") headers.set("authorization", `Bearer ${site.token}`);
  const res = await app.request(route.path.replace("{site}", site.id), {
    method: route.method,
    headers,
    body,
    editor: route.as !== "site",
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type") ?? "", text };
}

const errorOf = (text: string) => (JSON.parse(text) as ErrorBody).error;

beforeAll(async () => {
  app = createTestApp();
  site = await app.container.reposts.registry.register({
    name: "测试市人民政府",
    level: "city",
    region: "510100",
    delivery: {
      type: "sqs",
      queueUrl: "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/gazette-json-body",
    },
  });
});
afterAll(() => app.close());

describe("the JSON body of every route", () => {
  it.each(ROUTES.filter((r) => !r.optional).map((r) => [name(r), r] as const))(
    "%s refuses an empty body with 400 required on body",
    async (_name, route) => {
      // Act
      const results = [
        await send(route, null, "application/json"),
        await send(route, "", "application/json"),
        await send(route, " \r\n\t", "application/json"),
        await send(route, null, undefined),
      ];

      // Assess
      for (const result of results) {
        expect(result.status).toBe(400);
        expect(errorOf(result.text)).toMatchObject({ code: "required", field: "body" });
      }
    },
  );

  it.each(ROUTES.filter((r) => r.optional).map((r) => [name(r), r] as const))(
    "%s reads an empty body as no options",
    async (_name, route) => {
      // Act
      const empty = await send(route, null, undefined);
      const object = await send(route, "{}", "application/json");

      // Assess: the same answer as for {} (a 404 for an edition that does not exist, a new
      // secret for the site), so the body is not what decides it
      expect(empty.status).toBe(object.status);
      expect(empty.status).toBeLessThan(500);
      if (empty.status >= 400) expect(errorOf(empty.text)).toEqual(errorOf(object.text));
    },
  );

  it.each(ROUTES.map((r) => [name(r), r] as const))(
    "%s refuses a JSON body without Content-Type or as another media type with 415",
    async (_name, route) => {
      // Act
      const results = [
        await send(route, '{"year": 2025}', undefined),
        await send(route, '{"year": 2025}', "text/plain"),
        await send(route, '{"year": 2025}', "application/jsonx"),
        await send(route, '{"year": 2025}', "application/x-www-form-urlencoded"),
      ];

      // Assess
      for (const result of results) {
        expect(result.status).toBe(415);
        expect(result.type).toMatch(/^application\/json/);
        expect(errorOf(result.text)).toMatchObject({ code: "unsupported_media_type", field: "Content-Type" });
      }
    },
  );

  it.each(ROUTES.map((r) => [name(r), r] as const))(
    "%s refuses a body one byte over its limit with 413, and takes a body at its limit",
    async (_name, route) => {
      // Prepare: a JSON object of exactly the limit, and one byte more
      const limit = route.maxBytes();
      const padded = (size: number) => `{"padding":"${"x".repeat(size - 14)}"}`;
      expect(padded(limit)).toHaveLength(limit);

      // Act
      const over = await send(route, padded(limit + 1), "application/json");
      const at = await send(route, padded(limit), "application/json");

      // Assess
      expect(over.status).toBe(413);
      expect(errorOf(over.text)).toMatchObject({ code: "too_large" });
      expect(at.status).not.toBe(413);
      expect(at.status).toBeLessThan(500);
    },
  );

  it.each(ROUTES.map((r) => [name(r), r] as const))(
    "%s refuses a body that is not JSON with 400 invalid_json",
    async (_name, route) => {
      // Act
      const results = [
        await send(route, "{", "application/json"),
        await send(route, "year=2025", "application/json; charset=utf-8"),
      ];

      // Assess
      for (const result of results) {
        expect(result.status).toBe(400);
        expect(errorOf(result.text)).toMatchObject({ code: "invalid_json", field: null });
      }
    },
  );

  it("is described in the OpenAPI document: required on every route but the two whose body is optional", async () => {
    // Act
    const spec = (await (await app.request("/api/openapi.json")).json()) as {
      paths: Record<string, Record<string, { requestBody?: { required?: boolean } }>>;
    };

    // Assess
    for (const route of ROUTES) {
      const path = route.path
        .replace(/no-such-notice/, "{noticeId}")
        .replace(/no-such-[a-z]+|\{site\}/, "{id}");
      const body = spec.paths[path]?.[route.method.toLowerCase()]?.requestBody;
      expect(body, name(route)).toBeDefined();
      expect(body?.required ?? false, name(route)).toBe(!route.optional);
    }
  });
});

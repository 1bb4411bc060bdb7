import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApiApp } from "../../src/handlers/api.js";
import { templateOfHonoPath } from "../../src/http/route-declaration.js";
import { HTTP_SURFACE } from "../../src/http/surface.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * The app serves exactly the declared HTTP surface, with the declared access: the declarations
 * generate the OpenAPI document and the API Gateway route table, so a route the app serves but
 * does not declare would be undocumented and, in AWS, routed by whatever greedy route matches.
 */

const key = (method: string, path: string) => `${method} ${path}`;

/** A concrete path for a declared one: `{name}` → a segment, `{name+}` → two. */
const concrete = (path: string) =>
  path.replace(/\{[^}]+\+\}/g, "x1/index.html").replace(/\{[^}]+\}/g, "01J0NOTHING00000000000000");

describe("the declared HTTP surface", () => {
  let app: TestApp;
  beforeAll(() => {
    app = createTestApp();
  });
  afterAll(() => app.close());

  test("every route the app serves is declared, and every declared route is served", () => {
    // Prepare
    const hono = createApiApp(app.container);

    // Act: walk the app's routes (middleware is registered for ALL methods)
    const served = new Set(
      hono.routes.filter((r) => r.method !== "ALL").map((r) => key(r.method, templateOfHonoPath(r.path))),
    );
    const declared = new Set(HTTP_SURFACE.map((r) => key(r.method, r.path)));

    // Assess
    expect([...served].filter((k) => !declared.has(k)).sort(), "served but not declared").toEqual([]);
    expect([...declared].filter((k) => !served.has(k)).sort(), "declared but not served").toEqual([]);
    expect(declared.size, "each route declared once").toBe(HTTP_SURFACE.length);
  });

  test("every declared editor route refuses a caller without editor credentials (401)", async () => {
    for (const route of HTTP_SURFACE.filter((r) => r.access === "editor")) {
      // Act
      const res = await app.request(concrete(route.path), { method: route.method, editor: false });

      // Assess
      expect(res.status, key(route.method, route.path)).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: "unauthorized", field: "Authorization" } });
    }
  });

  test("every declared site route refuses a caller without a site token (401), even an editor", async () => {
    for (const route of HTTP_SURFACE.filter((r) => r.access === "site")) {
      // Act
      const res = await app.request(concrete(route.path), { method: route.method, editor: true });

      // Assess
      expect(res.status, key(route.method, route.path)).toBe(401);
    }
  });

  test("every declared public route answers an anonymous caller without asking for credentials", async () => {
    for (const route of HTTP_SURFACE.filter((r) => r.access === "public")) {
      // Act
      const res = await app.request(concrete(route.path), { method: route.method, editor: false });

      // Assess
      expect([401, 403], key(route.method, route.path)).not.toContain(res.status);
      expect(res.status, key(route.method, route.path)).toBeLessThan(500);
    }
  });

  test("every declared console route sends a caller without a console session to sign in, even an editor", async () => {
    for (const route of HTTP_SURFACE.filter((r) => r.access === "console")) {
      // Act
      const res = await app.request(concrete(route.path), { method: route.method, editor: true });

      // Assess
      expect(res.status, key(route.method, route.path)).toBe(303);
      expect(res.headers.get("location"), key(route.method, route.path)).toMatch(
        route.path.startsWith("/portal/") ? /^\/portal\/sign-in/ : /^\/console\/sign-in/,
      );
    }
  });

  test("every declared portal page but sign-in sends a caller without a portal session to the portal's sign-in, even an editor", async () => {
    // (GET /portal only adds the slash: 301 to /portal/, which is checked here.)
    for (const route of HTTP_SURFACE.filter(
      (r) => r.access === "portal" && r.path !== "/portal/sign-in" && r.path !== "/portal",
    )) {
      // Act
      const res = await app.request(concrete(route.path), { method: route.method, editor: true });

      // Assess
      expect(res.status, key(route.method, route.path)).toBe(303);
      expect(res.headers.get("location"), key(route.method, route.path)).toMatch(/^\/portal\/sign-in/);
    }
  });

  test("an upload-token route refuses a forged token (403)", async () => {
    for (const route of HTTP_SURFACE.filter((r) => r.access === "upload-token")) {
      // Act
      const res = await app.request(concrete(route.path), {
        method: route.method,
        editor: true,
        headers: { "content-type": "application/pdf" },
        body: new Uint8Array(4),
      });

      // Assess
      expect(res.status, key(route.method, route.path)).toBe(403);
    }
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { aSubmission } from "../support/factories.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

type Page = { items: { id: string; title: string; kind: string; issuers: string[] }[]; cursor?: string };

describe("GET /api/documents", () => {
  let app: TestApp;
  beforeEach(async () => {
    app = createTestApp();
    for (let i = 0; i < 7; i++) {
      const res = await app.postJson(
        aSubmission({ title: `通知${i}`, dateWritten: i < 3 ? "2023-03-01" : "2024-03-01" }),
      );
      expect(res.status).toBe(201);
    }
    await app.postJson(
      aSubmission({ title: "财政厅办法", kind: "办法", issuers: ["四川省财政厅"], section: "部门文件" }),
    );
  });
  afterEach(() => app.close());

  it("pages through every document newest first without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await app.request(`/api/documents?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as Page;
      seen.push(...page.items.map((d) => d.title));
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toEqual(["财政厅办法", "通知6", "通知5", "通知4", "通知3", "通知2", "通知1", "通知0"]);
  });

  it("filters by issuer, kind, year and title text", async () => {
    const byIssuer = (await (
      await app.request(`/api/documents?issuer=${encodeURIComponent("四川省财政厅")}`)
    ).json()) as Page;
    const byKind = (await (
      await app.request(`/api/documents?kind=${encodeURIComponent("办法")}`)
    ).json()) as Page;
    const byYear = (await (await app.request("/api/documents?year=2023")).json()) as Page;
    const byText = (await (
      await app.request(`/api/documents?q=${encodeURIComponent("通知6")}`)
    ).json()) as Page;
    expect(byIssuer.items.map((d) => d.title)).toEqual(["财政厅办法"]);
    expect(byKind.items.map((d) => d.title)).toEqual(["财政厅办法"]);
    expect(byYear.items.map((d) => d.title)).toEqual(["通知2", "通知1", "通知0"]);
    expect(byText.items.map((d) => d.title)).toEqual(["通知6"]);
  });

  it("rejects an invalid filter with the field", async () => {
    const res = await app.request("/api/documents?year=abc&limit=0");
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { field: string } | { field: string }[] };
    const fields = (Array.isArray(body.error) ? body.error : [body.error]).map((p) => p.field);
    expect(fields).toContain("year");
  });

  it("answers 404 with JSON for an unknown document", async () => {
    const res = await app.request("/api/documents/01HZZZZZZZZZZZZZZZZZZZZZZZ");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "not_found", field: "id" } });
  });

  it("serves the OpenAPI document publicly with the submission schema", async () => {
    const res = await app.request("/api/openapi.json", { editor: false });
    expect(res.status).toBe(200);
    const spec = (await res.json()) as {
      openapi: string;
      components: {
        schemas: { DocumentSubmission: { properties: Record<string, unknown>; required: string[] } };
      };
    };
    expect(spec.openapi).toBe("3.1.0");
    const schema = spec.components.schemas.DocumentSubmission;
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        "title",
        "docNumber",
        "issuers",
        "dateWritten",
        "kind",
        "disclosure",
        "review",
        "approval",
        "interpretations",
        "repost",
      ]),
    );
    expect(schema.required).toEqual(
      expect.arrayContaining(["title", "issuers", "dateWritten", "kind", "disclosure"]),
    );
  });
});

describe("OpenAPI document", () => {
  it("describes the editions endpoints", async () => {
    // Prepare
    const app = createTestApp();
    try {
      // Act
      const spec = (await (await app.request("/api/openapi.json", { editor: false })).json()) as {
        paths: Record<
          string,
          Record<string, { responses?: Record<string, { headers?: Record<string, unknown> }> }>
        >;
      };

      // Assess
      expect(Object.keys(spec.paths)).toEqual(
        expect.arrayContaining([
          "/api/editions",
          "/api/editions/{id}",
          "/api/editions/{id}/documents",
          "/api/editions/{id}/preview",
          "/api/editions/{id}/publish",
        ]),
      );
      expect(Object.keys(spec.paths["/api/editions/{id}/documents"] ?? {})).toEqual(["put"]);
      const publish = spec.paths["/api/editions/{id}/publish"]?.post?.responses ?? {};
      expect(Object.keys(publish)).toEqual(
        expect.arrayContaining(["200", "202", "401", "404", "409", "422"]),
      );
      expect(Object.keys(publish["202"]?.headers ?? {})).toEqual(["Location"]);
    } finally {
      app.close();
    }
  });
});

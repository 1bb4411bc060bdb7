import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * Publishing refuses an edition whose preflight finds errors, unless the editor overrides them
 * with a reason, which the edition keeps.
 */
describe("publishing over the preflight", () => {
  let app: TestApp;
  let editionId: string;
  const post = (path: string, body?: unknown) =>
    app.request(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    app = createTestApp();
    // Prepare: a document with a character no face has (CJK Extension B, 𪚥), which cannot be printed.
    const sample = JSON.parse(readFileSync("samples/documents/01-gov-order-measures.json", "utf8"));
    const res = await app.postJson({ ...sample, body: `${sample.body}\n油泼𪚥𪚥面。` });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const created = await post("/api/editions", { year: 2024, date: "2024-06-15" });
    editionId = ((await created.json()) as { id: string }).id;
    const placed = await app.request(`/api/editions/${editionId}/documents`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ documents: [id] }),
    });
    expect(placed.status).toBe(200);
  }, 120_000);
  afterAll(() => app.close());

  it("previews the findings with their pages", async () => {
    const res = await post(`/api/editions/${editionId}/preview`);
    expect(res.status).toBe(200);
    const { findings } = (await res.json()) as { findings: { code: string; page: number | null }[] };
    expect(findings.map((f) => f.code)).toContain("missing_glyph");
    expect(findings.every((f) => f.page === null || f.page >= 1)).toBe(true);
  });

  it("refuses to publish while the preflight finds errors", async () => {
    const res = await post(`/api/editions/${editionId}/publish`);
    expect(res.status).toBe(422);
    const { error } = (await res.json()) as { error: { code: string } | { code: string }[] };
    const codes = (Array.isArray(error) ? error : [error]).map((p) => p.code);
    expect(codes).toContain("preflight_missing_glyph");
    const edition = (await (await app.request(`/api/editions/${editionId}`)).json()) as {
      status: string;
      publishing: boolean;
      publishFailure: { message: string } | null;
    };
    expect(edition).toMatchObject({ status: "draft", publishing: false });
    expect(edition.publishFailure?.message).toContain("𪚥");
  });

  it("refuses an override without a reason", async () => {
    const res = await post(`/api/editions/${editionId}/publish`, { override: { reason: " " } });
    expect(res.status).toBe(400);
  });

  it("publishes over the errors with a reason, and keeps it", async () => {
    const res = await post(`/api/editions/${editionId}/publish`, {
      override: { reason: "生僻字已由印刷厂手工补字" },
    });
    expect(res.status).toBe(200);
    const edition = (await (await app.request(`/api/editions/${editionId}`)).json()) as {
      status: string;
      preflightOverride: { reason: string; errors: number } | null;
    };
    expect(edition.status).toBe("published");
    expect(edition.preflightOverride?.reason).toBe("生僻字已由印刷厂手工补字");
    expect(edition.preflightOverride?.errors).toBeGreaterThan(0);
  });
});

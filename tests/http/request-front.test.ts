import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { aSubmission } from "../support/factories.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

interface ErrorBody {
  error: { code: string; field: string | null; message: string };
}

const BOUNDARY = "----gazette-test-boundary";

/** A multipart body with one text part and one file part, optionally cut before its closing boundary. */
function multipartBody(options: { terminated: boolean }): string {
  const parts = [
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{"title":"关于做好春耕工作的通知"}\r\n`,
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.docx"\r\nContent-Type: application/octet-stream\r\n\r\nPK\u0003\u0004…`,
  ];
  return parts.join("") + (options.terminated ? `\r\n--${BOUNDARY}--\r\n` : "");
}

describe("the request front: malformed requests are 4xx, never 5xx", () => {
  let app: TestApp;
  afterEach(() => app.close());

  async function send(path: string, init: RequestInit & { editor?: boolean }) {
    const response = await app.request(path, init);
    const text = await response.text();
    return { status: response.status, type: response.headers.get("content-type") ?? "", text };
  }

  it("answers a public path with malformed percent-encoding with 400, without a login", async () => {
    // Prepare
    app = createTestApp();

    // Act
    const document = await send("/documents/%ff.html", { editor: false });
    const edition = await send("/editions/2024/%E4%B8.html", { editor: false });

    // Assess
    expect(document.status).toBe(400);
    expect((JSON.parse(document.text) as ErrorBody).error).toMatchObject({
      code: "invalid_path",
      field: "path",
    });
    expect(document.text).not.toMatch(/Idempotency-Key/);
    expect(edition.status).toBe(400);
  });

  it.each([["/api/documents"], ["/api/archive/scans"]])(
    "refuses multipart without a boundary, with an empty one, with JSON inside or unterminated on %s",
    async (path) => {
      // Prepare
      app = createTestApp();
      const post = (contentType: string, body: string) =>
        send(path, { method: "POST", headers: { "content-type": contentType }, body });

      // Act
      const results = [
        await post("multipart/form-data", multipartBody({ terminated: true })),
        await post("multipart/form-data; boundary=", multipartBody({ terminated: true })),
        await post(`multipart/form-data; boundary=${BOUNDARY}`, JSON.stringify(aSubmission())),
        await post(`multipart/form-data; boundary=${BOUNDARY}`, multipartBody({ terminated: false })),
      ];

      // Assess
      expect(results.map((r) => r.status)).toEqual([400, 400, 400, 400]);
      for (const r of results) expect((JSON.parse(r.text) as ErrorBody).error.code).toBe("invalid_multipart");
    },
  );

  it("refuses a document nested 10,000 levels deep with an Idempotency-Key with 400 too_deep", async () => {
    // Prepare
    app = createTestApp();
    const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    const body = `${JSON.stringify(aSubmission()).slice(0, -1)},"extra":${deep}}`;

    // Act
    const result = await send("/api/documents", {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": "deep-1" },
      body,
    });

    // Assess
    expect(result.status).toBe(400);
    expect((JSON.parse(result.text) as ErrorBody).error).toMatchObject({ code: "too_deep" });
  });

  it("does not read application/jsonx as JSON", async () => {
    // Prepare
    app = createTestApp();

    // Act
    const result = await send("/api/documents", {
      method: "POST",
      headers: { "content-type": "application/jsonx" },
      body: JSON.stringify(aSubmission()),
    });

    // Assess
    expect(result.status).toBe(415);
    expect((await app.container.platform.blobs.list("documents/")).length).toBe(0);
  });

  it("refuses invalid UTF-8 and lone surrogates with 400 naming the field, and stores nothing", async () => {
    // Prepare
    app = createTestApp();
    const valid = new TextEncoder().encode(JSON.stringify(aSubmission({ title: "标题XX" })));
    const at = new TextDecoder().decode(valid).indexOf("XX");
    const prefix = new TextEncoder().encode(new TextDecoder().decode(valid).slice(0, at)).length;
    const invalid = valid.slice();
    invalid.set([0xff, 0xfe], prefix);
    const surrogate = JSON.stringify(aSubmission({ title: "标题" })).replace("标题", "标题\\ud800");

    // Act
    const badBytes = await send("/api/documents", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: invalid,
    });
    const lone = await send("/api/documents", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: surrogate,
    });

    // Assess
    expect(badBytes.status).toBe(400);
    expect((JSON.parse(badBytes.text) as ErrorBody).error.code).toBe("invalid_utf8");
    expect(lone.status).toBe(400);
    expect((JSON.parse(lone.text) as ErrorBody).error).toMatchObject({
      code: "invalid_text",
      field: "title",
    });
    expect((await app.container.platform.blobs.list("documents/")).length).toBe(0);
  });

  it("refuses oversized JSON with 413 on every JSON route (archive uploads and items, editions)", async () => {
    // Prepare
    app = createTestApp();
    const big = JSON.stringify({ filename: "a.pdf", padding: "x".repeat(21 * 1024 * 1024) });
    const post = (path: string, method = "POST") =>
      send(path, { method, headers: { "content-type": "application/json" }, body: big });

    // Act
    const results = [
      await post("/api/archive/uploads"),
      await post("/api/archive/items/some-item", "PUT"),
      await post("/api/editions"),
    ];

    // Assess
    expect(results.map((r) => r.status)).toEqual([413, 413, 413]);
  });

  it("answers a list cursor it did not issue with 400 invalid on cursor (not storage_rejected), on every list route", async () => {
    // Prepare: malformed base64, JSON of the wrong shape, and a document-list cursor on the edition list
    app = createTestApp();
    for (const n of [1, 2, 3]) await app.postJson(aSubmission({ docNumber: `川府发〔2024〕${n}号` }));
    const documentsCursor = (
      (await (await app.request("/api/documents?limit=1")).json()) as { cursor: string }
    ).cursor;
    const cursors = ["%%%", "abc", "eyJ4IjoxfQ", encodeURIComponent(documentsCursor)];
    const routes = ["/api/documents", "/api/editions", "/api/archive/items", "/api/sites"];

    // Act
    const answers = [];
    for (const route of routes) {
      for (const cursor of cursors) {
        // A document-list cursor is valid on the document list.
        if (route === "/api/documents" && cursor === cursors[3]) continue;
        const response = await send(`${route}?cursor=${cursor}`, {});
        answers.push({
          route,
          cursor,
          status: response.status,
          error: (JSON.parse(response.text) as ErrorBody).error,
        });
      }
    }

    // Assess
    for (const answer of answers) {
      expect(answer, `${answer.route}?cursor=${answer.cursor}`).toMatchObject({
        status: 400,
        error: { code: "invalid", field: "cursor" },
      });
    }
  });

  it("answers any bytes under any content type on POST /api/documents with a 4xx JSON error", async () => {
    // Prepare
    app = createTestApp();
    const types = fc.constantFrom(
      "application/json",
      "application/jsonx",
      "application/json; charset=utf-8",
      "multipart/form-data",
      `multipart/form-data; boundary=${BOUNDARY}`,
      "multipart/form-data; boundary=",
      "text/plain",
      "",
    );

    // Act / Assess
    await fc.assert(
      fc.asyncProperty(types, fc.uint8Array({ maxLength: 300 }), async (type, bytes) => {
        const headers: Record<string, string> = type ? { "content-type": type } : {};
        const result = await send("/api/documents", { method: "POST", headers, body: bytes });
        expect(result.status).toBeGreaterThanOrEqual(400);
        expect(result.status).toBeLessThan(500);
        expect(result.type).toMatch(/^application\/json/);
      }),
      { numRuns: 40 },
    );
  });
});

import { PDFDocument } from "pdf-lib";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createArchive } from "../../src/archive/module.js";
import { scanKey, sha256 } from "../../src/archive/records.js";
import { errorResponse } from "../../src/http/errors.js";
import { StorageUnavailableError } from "../../src/platform/errors.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/** Issue 11's archive points: which keys may be scans, page limits, and storage outages. */

let app: TestApp;
afterEach(() => {
  vi.restoreAllMocks();
  app.close();
});

async function blankPdf(pages: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  for (let i = 0; i < pages; i++) pdf.addPage([595, 842]);
  return pdf.save();
}

async function submitKeys(keys: string[]) {
  const res = await app.request("/api/archive/scans", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ keys, year: 1985, issue: 3 }),
  });
  return { status: res.status, body: (await res.json()) as { error: unknown } };
}

describe("POST /api/archive/scans {keys}", () => {
  it("refuses a stored file that was not uploaded for the archive, such as an edition PDF (400 on keys.N)", async () => {
    // Prepare: a published edition's PDF is in the store
    app = createTestApp();
    await app.container.platform.blobs.put("editions/2025/1.pdf", await blankPdf(1), {
      contentType: "application/pdf",
      ifAbsent: true,
    });
    // Act
    const { status, body } = await submitKeys(["editions/2025/1.pdf"]);
    // Assess
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: "invalid_format", field: "keys.0" });
    expect(await app.container.platform.queues.depth("archive")).toBe(0);
  });

  it("refuses a key that climbs out of the store (../editor-token) with 400 naming the field", async () => {
    app = createTestApp();
    for (const key of ["../editor-token", "archive/scans/../../editor-token", "archive/scans//x.png"]) {
      const ok = `archive/scans/${"0".repeat(64)}.png`;
      const { status, body } = await submitKeys([ok, key]);
      expect(status).toBe(400);
      expect(body.error).toMatchObject({ code: "invalid_format", field: "keys.1" });
    }
  });

  it("accepts a scan stored at its content-addressed key", async () => {
    app = createTestApp();
    const bytes = await blankPdf(1);
    const key = scanKey(sha256(bytes), "pdf");
    await app.container.platform.blobs.put(key, bytes, { contentType: "application/pdf", ifAbsent: true });
    const { status } = await submitKeys([key]);
    expect(status).toBe(202);
  });
});

describe("POST /api/archive/scans with another media type", () => {
  it("is 415 unsupported_media_type on Content-Type, as on every route", async () => {
    app = createTestApp();
    const res = await app.request("/api/archive/scans", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "archive/scans/p1.png",
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: unknown }).error).toMatchObject({
      code: "unsupported_media_type",
      field: "Content-Type",
    });
  });
});

describe("too_many_pages", () => {
  it("is 400, as documented, for one file over the limit and for files together over it", async () => {
    // Prepare
    app = createTestApp();
    const archive = createArchive({
      platform: app.container.platform,
      gazette: app.container.config.gazette,
      limits: { maxFileBytes: 10_000_000, maxPages: 2, maxPixels: 80_000_000 },
    });
    const statusOf = (files: Uint8Array[]) =>
      archive.service
        .submitScans(
          files.map((bytes, n) => ({ field: `files.${n}`, name: `${n}.pdf`, bytes })),
          {},
          "editor",
        )
        .then(
          () => ({ status: 202, error: undefined }),
          async (error: unknown) => {
            const res = errorResponse(error);
            return { status: res.status, error: ((await res.json()) as { error: unknown }).error };
          },
        );
    // Act
    const oneFile = await statusOf([await blankPdf(3)]);
    const together = await statusOf([await blankPdf(2), await blankPdf(1)]);
    // Assess
    expect(oneFile).toEqual({ status: 400, error: expect.objectContaining({ code: "too_many_pages" }) });
    expect(together).toEqual({ status: 400, error: expect.objectContaining({ code: "too_many_pages" }) });
  });
});

describe("archive pages during a storage outage", () => {
  it("answer 503 (retry), not 404 (gone)", async () => {
    // Prepare
    app = createTestApp();
    vi.spyOn(app.container.platform.records, "get").mockRejectedValue(
      new StorageUnavailableError("the table is throttling"),
    );
    // Act
    const page = await app.request("/archive/items/01HZZZZZZZZZZZZZZZZZZZZZZZ", { editor: false });
    const image = await app.request("/archive/items/01HZZZZZZZZZZZZZZZZZZZZZZZ/pages/1.png", {
      editor: false,
    });
    // Assess
    expect(page.status).toBe(503);
    expect(image.status).toBe(503);
    expect(page.headers.get("retry-after")).toBe("5");
  });

  it("still answer 404 for an item that does not exist", async () => {
    app = createTestApp();
    const page = await app.request("/archive/items/01HZZZZZZZZZZZZZZZZZZZZZZZ", { editor: false });
    expect(page.status).toBe(404);
  });
});

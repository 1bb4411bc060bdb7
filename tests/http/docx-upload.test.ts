import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/local-app.js";

const DOCX = "samples/documents/07-office-notice.docx";
const META = "samples/documents/07-office-notice.meta.json";
const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

function form(
  file: Uint8Array<ArrayBuffer> | null,
  metadata: string,
  extra: Record<string, string> = {},
): FormData {
  const f = new FormData();
  f.set("metadata", metadata);
  if (file) f.set("file", new Blob([file], { type: DOCX_MIME }), "notice.docx");
  for (const [k, v] of Object.entries(extra)) f.set(k, v);
  return f;
}

describe("POST /api/documents with a .docx upload", () => {
  let app: TestApp;
  beforeEach(() => {
    app = createTestApp();
  });
  afterEach(() => app.close());

  it("converts the Word file into the body and keeps the original", async () => {
    // Prepare
    const bytes = readFileSync(DOCX);
    const meta = JSON.parse(readFileSync(META, "utf8")) as { title: string; docNumber: string };
    // Act
    const res = await app.request("/api/documents", {
      method: "POST",
      body: form(bytes, JSON.stringify(meta)),
    });
    // Assess
    expect(res.status).toBe(201);
    const doc = (await res.json()) as {
      title: string;
      blocks: { type: string; text?: string }[];
      source: { format: string; blobKey: string; sha256: string; filename: string };
    };
    expect(doc.title).toBe(meta.title);
    expect(doc.blocks.some((b) => b.type === "heading")).toBe(true);
    // The 版头 lines that repeat the metadata are not part of the body.
    expect(doc.blocks.some((b) => b.text === meta.title || b.text === meta.docNumber)).toBe(false);
    expect(doc.source).toMatchObject({ format: "docx", filename: "notice.docx" });
    const original = await app.container.platform.blobs.get(doc.source.blobKey);
    expect(original?.sha256).toBe(doc.source.sha256);
    expect(original?.size).toBe(bytes.byteLength);
  });

  it("takes metadata from individual form fields as well", async () => {
    const meta = JSON.parse(readFileSync(META, "utf8")) as Record<string, unknown>;
    const { title, ...rest } = meta;
    const res = await app.request("/api/documents", {
      method: "POST",
      body: form(readFileSync(DOCX), JSON.stringify(rest), { title: String(title) }),
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { title: string }).title).toBe(title);
  });

  it("refuses a file that is not a Word document with 415 and stores nothing", async () => {
    const res = await app.request("/api/documents", {
      method: "POST",
      body: form(new Uint8Array(new TextEncoder().encode("this is not a zip")), readFileSync(META, "utf8")),
    });
    expect(res.status).toBe(415);
    const body = (await res.json()) as { error: { field: string; code: string } };
    expect(body.error.field).toBe("file");
    expect(await app.container.platform.blobs.list("originals/")).toEqual([]);
  });

  it("requires the file part", async () => {
    const res = await app.request("/api/documents", {
      method: "POST",
      body: form(null, readFileSync(META, "utf8")),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { field: "file", code: "required" } });
  });

  it("rejects metadata that is not JSON", async () => {
    const res = await app.request("/api/documents", {
      method: "POST",
      body: form(readFileSync(DOCX), "{oops"),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { field: "metadata", code: "invalid_json" } });
  });

  it("applies the same rules as JSON intake (policy without interpretation is returned)", async () => {
    const meta = { ...JSON.parse(readFileSync(META, "utf8")), policy: true, interpretations: [] };
    const res = await app.request("/api/documents", {
      method: "POST",
      body: form(readFileSync(DOCX), JSON.stringify(meta)),
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: "interpretation_required" } });
  });

  it("refuses a .docx above the upload limit with 413", async () => {
    const small = createTestApp({ env: { GAZETTE_MAX_DOCX_BYTES: "4096" } });
    try {
      const res = await small.request("/api/documents", {
        method: "POST",
        body: form(readFileSync(DOCX), readFileSync(META, "utf8")),
      });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ error: { field: "file", code: "too_large" } });
    } finally {
      small.close();
    }
  });
});

import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { StorageUnavailableError } from "../../src/platform/errors.js";
import { aSubmission } from "../support/factories.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

const DOCX = "samples/documents/07-office-notice.docx";
const META = "samples/documents/07-office-notice.meta.json";
const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** A body over 200 KiB, so that the document's content is stored in its own blob. */
const LONG_BODY = Array.from({ length: 300 }, () =>
  "各地区各部门要认真贯彻落实本规划确定的各项任务，结合实际制定具体实施方案。".repeat(10),
).join("\n");

/** The same Word file with a different ZIP comment: other bytes, the same document. */
function otherBytesOf(docx: Uint8Array): Uint8Array {
  const comment = new TextEncoder().encode("re-saved");
  const out = new Uint8Array(docx.length + comment.length);
  out.set(docx);
  out.set(comment, docx.length);
  new DataView(out.buffer).setUint16(docx.length - 2, comment.length, true);
  return out;
}

function docxForm(bytes: Uint8Array, metadata: string): FormData {
  const f = new FormData();
  f.set("metadata", metadata);
  f.set("file", new Blob([bytes as BlobPart], { type: DOCX_MIME }), "notice.docx");
  return f;
}

describe("intake stores nothing half-way", () => {
  let app: TestApp;
  afterEach(() => app.close());

  it("leaves no content blob behind when a long document is refused as a duplicate", async () => {
    // Prepare
    app = createTestApp();
    const first = await app.postJson(aSubmission({ docNumber: "川府发〔2024〕88号", body: LONG_BODY }));
    const { id } = (await first.json()) as { id: string };

    // Act
    const duplicate = await app.postJson(
      aSubmission({ docNumber: "川府发〔2024〕88号", body: `${LONG_BODY}\n另行通知。` }),
    );

    // Assess
    expect(first.status).toBe(201);
    expect(duplicate.status).toBe(409);
    expect(await app.container.platform.blobs.list("documents/")).toEqual([`documents/${id}/content.json`]);
  });

  it("leaves no content blob behind when the document record cannot be written", async () => {
    // Prepare: the store fails the document record's write.
    app = createTestApp();
    const records = app.container.platform.records;
    const put = records.put.bind(records);
    records.put = (async (record, condition) => {
      if (record.pk.startsWith("DOC#")) throw new StorageUnavailableError("the table is unavailable");
      return put(record, condition);
    }) as typeof records.put;

    // Act
    const response = await app.postJson(aSubmission({ body: LONG_BODY }));

    // Assess
    expect(response.status).toBe(503);
    expect(await app.container.platform.blobs.list("documents/")).toEqual([]);
  });

  it("does not keep the original of a .docx refused as a duplicate", async () => {
    // Prepare
    app = createTestApp();
    const bytes = new Uint8Array(readFileSync(DOCX));
    const meta = readFileSync(META, "utf8");
    const first = await app.request("/api/documents", { method: "POST", body: docxForm(bytes, meta) });
    const before = await app.container.platform.blobs.list("originals/");

    // Act
    const duplicate = await app.request("/api/documents", {
      method: "POST",
      body: docxForm(otherBytesOf(bytes), meta),
    });

    // Assess
    expect(first.status).toBe(201);
    expect(duplicate.status).toBe(409);
    expect(before).toHaveLength(1);
    expect(await app.container.platform.blobs.list("originals/")).toEqual(before);
  });
});

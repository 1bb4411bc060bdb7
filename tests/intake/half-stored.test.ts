import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { stagingKey } from "../../src/platform/blob-policy.js";
import { StorageUnavailableError } from "../../src/platform/errors.js";
import { listOutbox, relayOutbox } from "../../src/platform/outbox.js";
import type { BlobStore } from "../../src/platform/ports.js";
import { aSubmission } from "../support/factories.js";
import { failBlobDeletes, failRecordPuts } from "../support/faults.js";
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

/** Every key in the blob store: what a refused request must leave exactly as it found it. */
const everything = (blobs: BlobStore) => blobs.list("");

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
    // (the first document's content and its JSON original; nothing of the refused one)
    expect(await everything(app.container.platform.blobs)).toEqual([
      `documents/${id}/content.json`,
      expect.stringMatching(/^originals\/[0-9a-f]{64}\.json$/),
    ]);
  });

  it("leaves no content blob behind when the document record cannot be written", async () => {
    // Prepare: the store fails the document record's write.
    app = createTestApp();
    const records = app.container.platform.records;
    failRecordPuts(records, "DOC#");

    // Act
    const response = await app.postJson(aSubmission({ body: LONG_BODY }));

    // Assess: the staged content was taken back (a blob under documents/ could not have been: it is
    // write-once, in the embedded store as in the AWS bucket)
    expect(response.status).toBe(503);
    expect(await everything(app.container.platform.blobs)).toEqual([]);
    expect(await listOutbox(app.container.platform.records)).toEqual([]);
  });

  it("does not keep the original of a .docx refused as a duplicate", async () => {
    // Prepare
    app = createTestApp();
    const bytes = new Uint8Array(readFileSync(DOCX));
    const meta = readFileSync(META, "utf8");
    const first = await app.request("/api/documents", { method: "POST", body: docxForm(bytes, meta) });
    const before = await everything(app.container.platform.blobs);

    // Act
    const duplicate = await app.request("/api/documents", {
      method: "POST",
      body: docxForm(otherBytesOf(bytes), meta),
    });

    // Assess
    expect(first.status).toBe(201);
    expect(duplicate.status).toBe(409);
    expect(before).toEqual([expect.stringMatching(/^originals\/[0-9a-f]{64}\.docx$/)]);
    expect(await everything(app.container.platform.blobs)).toEqual(before);
  });

  it("leaves nothing behind when a .docx's record cannot be written", async () => {
    // Prepare
    app = createTestApp();
    const records = app.container.platform.records;
    failRecordPuts(records, "DOC#");
    const form = docxForm(new Uint8Array(readFileSync(DOCX)), readFileSync(META, "utf8"));

    // Act
    const response = await app.request("/api/documents", { method: "POST", body: form });

    // Assess
    expect(response.status).toBe(503);
    expect(await everything(app.container.platform.blobs)).toEqual([]);
  });

  it("leaves nothing behind when staging the content fails", async () => {
    // Prepare: the blob store is down for writes
    app = createTestApp();
    const blobs = app.container.platform.blobs;
    const realPut = blobs.put.bind(blobs);
    blobs.put = async () => {
      throw new StorageUnavailableError("the bucket is unavailable");
    };

    // Act: the submission fails; the bucket comes back and the same 发文字号 is sent again
    const response = await app.postJson(aSubmission({ docNumber: "川府发〔2024〕90号", body: LONG_BODY }));
    const leftBehind = await everything(blobs);
    const outboxAfterFailure = await listOutbox(app.container.platform.records);
    blobs.put = realPut;
    const again = await app.postJson(aSubmission({ docNumber: "川府发〔2024〕90号" }));

    // Assess: nothing stored, and the 发文字号 was released for the retry
    expect(response.status).toBe(503);
    expect(leftBehind).toEqual([]);
    expect(outboxAfterFailure).toEqual([]);
    expect(again.status).toBe(201);
  });

  it("when even the cleanup fails, the outbox relay deletes the staged blobs once the request is known failed", async () => {
    // Prepare: the record write fails, and so does every delete
    app = createTestApp();
    const { records, blobs } = app.container.platform;
    failRecordPuts(records, "DOC#");
    const restoreDeletes = failBlobDeletes(blobs);
    const response = await app.postJson(aSubmission({ body: LONG_BODY }));
    const leftStaged = await everything(blobs);

    // Act: the store comes back; the tick relays the outbox after the abandon delay
    restoreDeletes();
    const relayed = await relayOutbox(app.container.platform, {
      relayAfterSeconds: 0,
      abandonAfterSeconds: 0,
    });

    // Assess
    expect(response.status).toBe(503);
    expect(leftStaged).toEqual([
      expect.stringMatching(/^staging\/[0-9A-Z]{26}\/documents\/[0-9A-Z]{26}\/content\.json$/),
      expect.stringMatching(/^staging\/[0-9A-Z]{26}\/originals\/[0-9a-f]{64}\.json$/),
    ]);
    expect(relayed).toEqual({ sent: 0, dropped: 1, failed: 0 });
    expect(await everything(blobs)).toEqual([]);
  });

  it("an accepted document whose promotion failed reads whole from staging until the relay promotes it", async () => {
    // Prepare: writes under documents/ fail for a while (the staged copy is written)
    app = createTestApp();
    const { blobs } = app.container.platform;
    const realPut = blobs.put.bind(blobs);
    blobs.put = async (key, bytes, options) => {
      if (key.startsWith("documents/")) throw new StorageUnavailableError("the bucket is unavailable");
      return realPut(key, bytes, options);
    };
    const response = await app.postJson(aSubmission({ body: LONG_BODY }));
    const { id } = (await response.clone().json()) as { id: string };
    const readWhileStaged = await app.request(`/api/documents/${id}`);
    const staged = await everything(blobs);

    // Act: the store recovers; the tick relays the outbox
    blobs.put = realPut;
    const relayed = await relayOutbox(app.container.platform, { relayAfterSeconds: 0 });
    const readAfter = await app.request(`/api/documents/${id}`);

    // Assess
    expect(response.status).toBe(201);
    expect(readWhileStaged.status).toBe(200);
    // (the JSON original, outside documents/, was promoted at once)
    const original = expect.stringMatching(/^originals\/[0-9a-f]{64}\.json$/);
    expect(staged).toEqual([original, stagingKey(id, `documents/${id}/content.json`)]);
    expect(relayed).toEqual({ sent: 1, dropped: 0, failed: 0 });
    expect(await everything(blobs)).toEqual([`documents/${id}/content.json`, original]);
    expect(await readAfter.json()).toEqual(await readWhileStaged.json());
  });
});

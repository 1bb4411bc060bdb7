import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { encodePng } from "../../src/archive/images.js";
import { ARCHIVE_QUEUE } from "../../src/archive/model.js";
import { type Archive, createArchive } from "../../src/archive/module.js";
import { stagingKey } from "../../src/platform/blob-policy.js";
import { StorageUnavailableError } from "../../src/platform/errors.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { listOutbox, type OutboxEntry, relayOutbox } from "../../src/platform/outbox.js";
import type { BlobStore } from "../../src/platform/ports.js";
import type { SearchIndex } from "../../src/search/ports.js";
import { failBlobDeletes, failRecordPuts, refuseQueue } from "../support/faults.js";
import { createTestApp, type TestApp } from "../support/local-app.js";
import { PageTextOcr } from "../support/page-ocr.js";
import { drainArchiveQueue } from "./harness.js";

/** A blank scanned page; `width` makes each page's bytes (and so its content address) its own. */
function pagePng(width = 200): Uint8Array {
  return encodePng({ width, height: 120, pixels: new Uint8Array(width * 120).fill(255) });
}

const contentKey = (bytes: Uint8Array) =>
  `archive/scans/${createHash("sha256").update(bytes).digest("hex")}.png`;

function scanForm(pages: readonly Uint8Array[]): FormData {
  const form = new FormData();
  for (const [i, bytes] of pages.entries())
    form.append("files", new Blob([bytes as BlobPart], { type: "image/png" }), `p${i + 1}.png`);
  form.append("gazette", "四川政报");
  form.append("year", "1985");
  form.append("issue", "3");
  return form;
}

/** Every key in the blob store: what a refused or failed request must leave as it found it. */
const everything = (blobs: BlobStore) => blobs.list("");

describe("multipart scan uploads store nothing half-way", () => {
  let app: TestApp;
  afterEach(() => app.close());

  const upload = (pages: readonly Uint8Array[]) =>
    app.request("/api/archive/scans", { method: "POST", body: scanForm(pages) });

  it("leaves nothing under archive/scans/ or staging/ when the job record cannot be written", async () => {
    // Prepare: the table fails the archive job record's write
    app = createTestApp();
    const records = app.container.platform.records;
    const restorePuts = failRecordPuts(records, "archive#job#");

    // Act
    const response = await upload([pagePng(200), pagePng(201)]);

    // Assess
    expect(response.status).toBe(503);
    expect(await everything(app.container.platform.blobs)).toEqual([]);
    restorePuts();
    expect(await listOutbox(records)).toEqual([]);
  });

  it("answers 202 when the job's page messages cannot be queued, and the tick queues them once the queue is back", async () => {
    // Prepare: the archive queue refuses every message
    const clock = new ManualClock(Date.UTC(2026, 2, 2, 2));
    app = createTestApp({ clock });
    const { queues, records, blobs } = app.container.platform;
    const restoreQueue = refuseQueue(queues, ARCHIVE_QUEUE);
    const page = pagePng(202);

    // Act: the upload, then the queue comes back and the tick relays the outbox
    const response = await upload([page]);
    const { job } = (await response.json()) as { job: { id: string } };
    const queuedWhileDown = await queues.depth(ARCHIVE_QUEUE);
    restoreQueue();
    clock.advance(120_000);
    const relayed = await relayOutbox(app.container.platform);

    // Assess: the job stands, its scan promoted; its page message goes out with the relay
    expect(response.status).toBe(202);
    expect(queuedWhileDown).toBe(0);
    expect(await everything(blobs)).toEqual([contentKey(page)]);
    expect(relayed).toEqual({ sent: 1, dropped: 0, failed: 0 });
    const [message] = await queues.receive(ARCHIVE_QUEUE, { maxMessages: 10 });
    expect(JSON.parse(message!.body)).toEqual({ type: "archive.unit", jobId: job.id, index: 0 });
    expect(await listOutbox(records)).toEqual([]);
  });

  it("still runs a job whose record write failed after it was stored (a timeout after the write)", async () => {
    // Prepare: the job record is written, but the write answers an error
    app = createTestApp();
    const records = app.container.platform.records;
    const restorePuts = failRecordPuts(records, "archive#job#", "after");
    const page = pagePng(209);

    // Act
    const response = await upload([page]);
    restorePuts();

    // Assess: the job stands with its scan promoted and its page queued
    expect(response.status).toBe(202);
    expect(await everything(app.container.platform.blobs)).toEqual([contentKey(page)]);
    expect(await app.container.platform.queues.depth(ARCHIVE_QUEUE)).toBe(1);
    expect(await listOutbox(records)).toEqual([]);
  });

  it("leaves nothing behind when a scan of the request is refused", async () => {
    // Prepare
    app = createTestApp();
    const notAScan = new TextEncoder().encode("not a scan at all");

    // Act
    const response = await upload([pagePng(203), notAScan]);

    // Assess
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await everything(app.container.platform.blobs)).toEqual([]);
  });

  it("when even the cleanup fails, the outbox relay deletes the staged scans once the job is known never written", async () => {
    // Prepare: the job record write fails, and so does every delete
    app = createTestApp();
    const { records, blobs } = app.container.platform;
    const restorePuts = failRecordPuts(records, "archive#job#");
    const restoreDeletes = failBlobDeletes(blobs);
    const page = pagePng(204);
    const response = await upload([page]);
    const leftStaged = await everything(blobs);

    // Act: the store comes back; the tick relays the outbox after the abandon delay
    restoreDeletes();
    restorePuts();
    const relayed = await relayOutbox(app.container.platform, {
      relayAfterSeconds: 0,
      abandonAfterSeconds: 0,
    });

    // Assess
    expect(response.status).toBe(503);
    expect(leftStaged).toEqual([
      expect.stringMatching(/^staging\/[0-9A-Z]{26}\/archive\/scans\/[0-9a-f]{64}\.png$/),
    ]);
    expect(leftStaged[0]!.endsWith(contentKey(page))).toBe(true);
    expect(relayed).toEqual({ sent: 0, dropped: 1, failed: 0 });
    expect(await everything(blobs)).toEqual([]);
  });

  it("stores an accepted scan at its content-addressed key, with nothing left staged", async () => {
    // Prepare
    app = createTestApp();
    const pages = [pagePng(205), pagePng(206)];

    // Act
    const response = await upload(pages);

    // Assess
    expect(response.status).toBe(202);
    expect(await everything(app.container.platform.blobs)).toEqual(pages.map(contentKey).sort());
    expect(await listOutbox(app.container.platform.records)).toEqual([]);
  });

  it("writes nothing new for a scan already stored under its hash", async () => {
    // Prepare
    app = createTestApp();
    const page = pagePng(207);
    const first = await upload([page]);
    const { blobs } = app.container.platform;
    const realPut = blobs.put.bind(blobs);
    const written: string[] = [];
    blobs.put = async (key, bytes, options) => {
      written.push(key);
      return realPut(key, bytes, options);
    };

    // Act
    const again = await upload([page, page]);

    // Assess
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(written.filter((key) => key.startsWith("archive/scans/") || key.startsWith("staging/"))).toEqual(
      [],
    );
    expect(await everything(blobs)).toEqual([contentKey(page)]);
  });
});

describe("a scan job whose promotion was interrupted", () => {
  let app: TestApp;
  let archive: Archive;
  afterEach(() => app.close());

  it("waits for its scans: the tick promotes them, then queues the pages, and OCR reads them", async () => {
    // Prepare: writes under archive/scans/ fail (the bucket fails between the job's commit and the promotion)
    const clock = new ManualClock(Date.UTC(2026, 2, 2, 2));
    app = createTestApp({ clock });
    archive = createArchive({
      platform: app.container.platform,
      gazette: app.container.config.gazette,
      ocr: async () => new PageTextOcr("四川省人民政府公报", 91),
      search: { index: async () => {}, remove: async () => {} } as unknown as SearchIndex,
    });
    const { blobs, queues } = app.container.platform;
    const realPut = blobs.put.bind(blobs);
    blobs.put = async (key, bytes, options) => {
      if (key.startsWith("archive/scans/")) throw new StorageUnavailableError("the bucket is unavailable");
      return realPut(key, bytes, options);
    };
    const page = pagePng(208);
    const job = await archive.service.submitScans(
      [{ field: "files.0", name: "p1.png", bytes: page }],
      { year: "1985", issue: "3", gazette: "四川政报", script: "sim" },
      "editor",
    );
    const staged = await everything(blobs);
    const queuedBeforeRelay = await queues.depth(ARCHIVE_QUEUE);

    // Act: the store recovers, the tick relays the outbox, the consumer runs
    blobs.put = realPut;
    clock.advance(120_000);
    const relayed = await relayOutbox(app.container.platform);
    await drainArchiveQueue(queues, archive.handler);
    const view = await archive.service.getJob(job.id);

    // Assess
    expect(staged).toEqual([stagingKey(job.id, contentKey(page))]);
    expect(queuedBeforeRelay).toBe(0);
    expect(job.files.map((f) => f.key)).toEqual([contentKey(page)]);
    expect(relayed).toEqual({ sent: 1, dropped: 0, failed: 0 });
    expect(view.progress.ocr).toEqual({ total: 1, done: 1, failed: 0 });
    const scans = (await everything(blobs)).filter(
      (key) => key.startsWith("archive/scans/") || key.startsWith("staging/"),
    );
    expect(scans).toEqual([contentKey(page)]);
    expect(await listOutbox(app.container.platform.records)).toEqual([]);
  });

  it("is read from its staged copy by a page unit that runs before the promotion", async () => {
    // Prepare: a committed job whose scan is still staged (an outbox entry for a later part of a
    // large job may be relayed before the part that promotes its scan)
    app = createTestApp();
    archive = createArchive({
      platform: app.container.platform,
      gazette: app.container.config.gazette,
      ocr: async () => new PageTextOcr("四川省人民政府公报", 91),
      search: { index: async () => {}, remove: async () => {} } as unknown as SearchIndex,
    });
    const { blobs, queues } = app.container.platform;
    const realPut = blobs.put.bind(blobs);
    blobs.put = async (key, bytes, options) => {
      if (key.startsWith("archive/scans/")) throw new StorageUnavailableError("the bucket is unavailable");
      return realPut(key, bytes, options);
    };
    const job = await archive.service.submitScans(
      [{ field: "files.0", name: "p1.png", bytes: pagePng(210) }],
      { year: "1985", issue: "3", gazette: "四川政报", script: "sim" },
      "editor",
    );
    await queues.send(ARCHIVE_QUEUE, [
      { body: JSON.stringify({ type: "archive.unit", jobId: job.id, index: 0 }) },
    ]);

    // Act
    await drainArchiveQueue(queues, archive.handler);

    // Assess
    const view = await archive.service.getJob(job.id);
    expect(view.progress.ocr).toEqual({ total: 1, done: 1, failed: 0 });
  });
});

describe("submitted texts store nothing half-way either", () => {
  let app: TestApp;
  afterEach(() => app.close());

  const submit = (documents: number) =>
    app.request("/api/archive/texts", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        year: 1985,
        documents: Array.from({ length: documents }, (_, i) => ({
          text: `四川省人民政府关于第${i + 1}件事的通知`,
        })),
      }),
    });

  it("leaves nothing under archive/ or staging/ when the job record cannot be written", async () => {
    // Prepare
    app = createTestApp();
    const records = app.container.platform.records;
    const restorePuts = failRecordPuts(records, "archive#job#");

    // Act
    const response = await submit(3);
    restorePuts();

    // Assess
    expect(response.status).toBe(503);
    expect(await everything(app.container.platform.blobs)).toEqual([]);
    expect(await listOutbox(records)).toEqual([]);
  });

  it("notes a large job's messages in entries of at most 100, and the tick sends every one", async () => {
    // Prepare: the archive queue is down
    const clock = new ManualClock(Date.UTC(2026, 2, 2, 2));
    app = createTestApp({ clock });
    const { queues, records, blobs } = app.container.platform;
    const restoreQueue = refuseQueue(queues, ARCHIVE_QUEUE);

    // Act
    const response = await submit(250);
    const { job } = (await response.json()) as { job: { id: string } };
    const entries = await listOutbox<OutboxEntry>(records);
    restoreQueue();
    clock.advance(120_000);
    const relayed = await relayOutbox(app.container.platform);

    // Assess
    expect(response.status).toBe(202);
    expect(entries.map((e) => e.data.messages?.length).sort()).toEqual([100, 100, 50]);
    expect(relayed).toEqual({ sent: 3, dropped: 0, failed: 0 });
    const received = [];
    for (let batch = await queues.receive(ARCHIVE_QUEUE, { maxMessages: 10 }); batch.length > 0; ) {
      received.push(...batch.map((m) => JSON.parse(m.body) as { jobId: string; index: number }));
      batch = await queues.receive(ARCHIVE_QUEUE, { maxMessages: 10 });
    }
    expect(received.map((m) => m.index).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 250 }, (_, i) => i),
    );
    expect(new Set(received.map((m) => m.jobId))).toEqual(new Set([job.id]));
    expect(await blobs.list("staging/")).toEqual([]);
    expect(await blobs.list(`archive/jobs/${job.id}/texts/`)).toHaveLength(250);
    expect(await listOutbox(records)).toEqual([]);
  });
});

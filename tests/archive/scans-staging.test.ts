import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { encodePng } from "../../src/archive/images.js";
import { ARCHIVE_QUEUE } from "../../src/archive/model.js";
import { type Archive, createArchive } from "../../src/archive/module.js";
import type { OcrEngine, OcrOptions, OcrResult } from "../../src/archive/ocr/engine.js";
import { stagingKey } from "../../src/platform/blob-policy.js";
import { StorageUnavailableError } from "../../src/platform/errors.js";
import { OUTBOX_PARTITION, relayOutbox } from "../../src/platform/outbox.js";
import type { BlobStore } from "../../src/platform/ports.js";
import type { SearchIndex } from "../../src/search/ports.js";
import { createTestApp, type TestApp } from "../support/local-app.js";
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

/** An OCR engine that reads every page as the same short notice. */
class OneLineOcr implements OcrEngine {
  readonly name = "one-line";
  async recognize(_png: Uint8Array, options: OcrOptions): Promise<OcrResult> {
    const hocr =
      "<div class='ocr_page' title='bbox 0 0 200 120'><span class='ocr_line' title='bbox 0 0 200 18'><span class='ocrx_word' title='bbox 0 0 200 18; x_wconf 91'>四川省人民政府公报</span></span></div>";
    const { parseHocr } = await import("../../src/archive/ocr/hocr.js");
    return {
      text: "四川省人民政府公报",
      confidence: 91,
      hocr,
      page: parseHocr(hocr),
      language: `chi_${options.script}`,
    };
  }
  async close() {}
}

describe("multipart scan uploads store nothing half-way", () => {
  let app: TestApp;
  afterEach(() => app.close());

  const upload = (pages: readonly Uint8Array[]) =>
    app.request("/api/archive/scans", { method: "POST", body: scanForm(pages) });

  it("leaves nothing under archive/scans/ or staging/ when the job record cannot be written", async () => {
    // Prepare: the table fails the archive job record's write
    app = createTestApp();
    const records = app.container.platform.records;
    const put = records.put.bind(records);
    records.put = (async (record, condition) => {
      if (record.pk.startsWith("archive#job#")) throw new StorageUnavailableError("the table is unavailable");
      return put(record, condition);
    }) as typeof records.put;

    // Act
    const response = await upload([pagePng(200), pagePng(201)]);

    // Assess
    expect(response.status).toBe(503);
    expect(await everything(app.container.platform.blobs)).toEqual([]);
    records.put = put;
    expect((await records.query(OUTBOX_PARTITION, {})).items).toEqual([]);
  });

  it("leaves nothing behind when the job's page messages cannot be queued", async () => {
    // Prepare: the archive queue refuses the job's messages (the job is then taken back)
    app = createTestApp();
    const queues = app.container.platform.queues;
    const send = queues.send.bind(queues);
    queues.send = (async (queue, messages) => {
      if (queue === ARCHIVE_QUEUE) throw new StorageUnavailableError("the queue is unavailable");
      return send(queue, messages);
    }) as typeof queues.send;

    // Act
    const response = await upload([pagePng(202)]);

    // Assess
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(await everything(app.container.platform.blobs)).toEqual([]);
    expect((await app.container.platform.records.query(OUTBOX_PARTITION, {})).items).toEqual([]);
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
    const put = records.put.bind(records);
    records.put = (async (record, condition) => {
      if (record.pk.startsWith("archive#job#")) throw new StorageUnavailableError("the table is unavailable");
      return put(record, condition);
    }) as typeof records.put;
    const del = blobs.delete.bind(blobs);
    blobs.delete = async () => {
      throw new StorageUnavailableError("the bucket is unavailable");
    };
    const page = pagePng(204);
    const response = await upload([page]);
    const leftStaged = await everything(blobs);

    // Act: the store comes back; the tick relays the outbox after the abandon delay
    blobs.delete = del;
    records.put = put;
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
    expect((await app.container.platform.records.query(OUTBOX_PARTITION, {})).items).toEqual([]);
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

  it("is read from staging by OCR, and the tick finishes the promotion", async () => {
    // Prepare: writes under archive/scans/ fail (a crash between the job's commit and the promotion)
    app = createTestApp();
    archive = createArchive({
      platform: app.container.platform,
      gazette: app.container.config.gazette,
      ocr: async () => new OneLineOcr(),
      search: { index: async () => {}, remove: async () => {} } as unknown as SearchIndex,
    });
    const { blobs } = app.container.platform;
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
    const staged = (await everything(blobs)).filter((key) => !key.startsWith("archive/jobs/"));

    // Act: OCR runs while the scan is staged; then the store recovers and the tick relays the outbox
    await drainArchiveQueue(app.container.platform.queues, archive.handler);
    const view = await archive.service.getJob(job.id);
    blobs.put = realPut;
    const relayed = await relayOutbox(app.container.platform, { relayAfterSeconds: 0 });

    // Assess
    expect(staged).toEqual([stagingKey(job.id, contentKey(page))]);
    expect(job.files.map((f) => f.key)).toEqual([contentKey(page)]);
    expect(view.progress.ocr).toEqual({ total: 1, done: 1, failed: 0 });
    expect(relayed).toEqual({ sent: 1, dropped: 0, failed: 0 });
    const scans = (await everything(blobs)).filter((key) => !key.startsWith("archive/jobs/"));
    expect(scans.filter((key) => key.startsWith("archive/scans/") || key.startsWith("staging/"))).toEqual([
      contentKey(page),
    ]);
    expect((await app.container.platform.records.query(OUTBOX_PARTITION, {})).items).toEqual([]);
  });
});

import * as mupdf from "mupdf";
import { afterEach, describe, expect, it } from "vitest";
import { decodeImage, encodePng } from "../../src/archive/images.js";
import { type Archive, createArchive } from "../../src/archive/module.js";
import type { OcrEngine, OcrOptions, OcrResult } from "../../src/archive/ocr/engine.js";
import { syntheticPdf } from "../../src/archive/synthetic.js";
import type { SearchDocument, SearchIndex } from "../../src/search/ports.js";
import { createTestApp, type TestApp } from "../support/local-app.js";
import { drainArchiveQueue } from "./harness.js";

/** Page texts of a small historical edition, one per page. */
const PAGES = [
  "四川省人民政府公报\n一九八五年第三期",
  "四川省人民政府文件\n川府发〔1985〕12号\n四川省人民政府关于保护森林资源的通知\n各地区行政公署：\n为保护森林资源，特通知如下。",
  "一、严禁乱砍滥伐。\n四川省人民政府\n一九八五年三月五日\n四川省人民政府办公厅关于做好春耕工作的通知\n各市、地、州人民政府：\n现就春耕工作通知如下。\n四川省人民政府办公厅\n一九八五年三月九日",
];

/** Blank pages whose width says which page they are (the fake engine reads the width). */
function pagePng(index: number): Uint8Array {
  const width = 200 + index;
  return encodePng({ width, height: 120, pixels: new Uint8Array(width * 120).fill(255) });
}

function hocrFor(text: string): string {
  const lines = text
    .split("\n")
    .map(
      (line, i) =>
        `<span class='ocr_line' title='bbox 0 ${i * 20} 200 ${i * 20 + 18}'><span class='ocrx_word' title='bbox 0 ${i * 20} 200 ${i * 20 + 18}; x_wconf 91'>${line}</span></span>`,
    )
    .join("");
  return `<div class='ocr_page' title='bbox 0 0 200 120'>${lines}</div>`;
}

/** An OCR engine that "reads" the page text the image's width stands for, counting its calls. */
class FakeOcr implements OcrEngine {
  readonly name = "fake";
  calls: number[] = [];
  failOnce = new Set<number>();
  alwaysFail = new Set<number>();
  /** The page texts it "reads" (by page index). */
  texts: readonly string[] = PAGES;
  /** Confidence of particular pages (by page index), instead of the per-script default. */
  confidence = new Map<number, number>();
  /** Pages printed in Simplified (chi_sim the more confident model); the others are Traditional. */
  simplified = new Set<number>();
  async recognize(png: Uint8Array, options: OcrOptions): Promise<OcrResult> {
    const page = decodeImage(png).width - 200;
    this.calls.push(page);
    if (this.failOnce.delete(page) || this.alwaysFail.has(page)) throw new Error("worker crashed");
    const hocr = hocrFor(this.texts[page] ?? "");
    const { parseHocr } = await import("../../src/archive/ocr/hocr.js");
    // This "edition" is Traditional: chi_tra is the more confident model.
    const traditional = !this.simplified.has(page);
    const confidence = this.confidence.get(page) ?? ((options.script === "tra") === traditional ? 91 : 86);
    return {
      text: this.texts[page] ?? "",
      confidence,
      hocr,
      page: parseHocr(hocr),
      language: `chi_${options.script}`,
    };
  }
  async close() {}
}

/** A search index that records what it is given and can fail once, as a crash mid-completion would. */
class RecordingSearch implements Pick<SearchIndex, "index" | "remove" | "search"> {
  docs = new Map<string, SearchDocument>();
  indexCalls = 0;
  failNext = false;
  async index(docs: readonly SearchDocument[]) {
    this.indexCalls++;
    if (this.failNext) {
      this.failNext = false;
      throw new Error("process killed while indexing");
    }
    for (const d of docs) this.docs.set(d.id, d);
  }
  async remove() {}
  async search() {
    return { total: 0, hits: [], facets: { issuer: {}, kind: {}, year: {}, source: {}, status: {} } };
  }
}

function scanForm(
  files: { bytes: Uint8Array; name: string; type: string }[],
  fields: Record<string, string> = {},
) {
  const form = new FormData();
  for (const f of files) form.append("files", new Blob([f.bytes as BlobPart], { type: f.type }), f.name);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return form;
}

describe("scan ingest: bad files", () => {
  let app: TestApp;
  afterEach(() => app.close());

  async function upload(bytes: Uint8Array, name = "scan.pdf") {
    const response = await app.request("/api/archive/scans", {
      method: "POST",
      body: scanForm([
        { bytes: await syntheticPdfOnce(), name: "good.pdf", type: "application/pdf" },
        { bytes, name, type: "application/octet-stream" },
      ]),
    });
    return {
      status: response.status,
      body: (await response.json()) as { error: { code: string; field: string } },
    };
  }

  let good: Uint8Array | undefined;
  async function syntheticPdfOnce() {
    good ??= await syntheticPdf([{ lines: ["四川省人民政府公报"] }]);
    return good;
  }

  it("refuses a corrupt PDF, naming the file's field, and stores nothing", async () => {
    // Prepare
    app = createTestApp();
    const truncated = (await syntheticPdfOnce()).slice(0, 300);

    // Act
    const { status, body } = await upload(truncated);

    // Assess
    expect(status).toBe(422);
    expect(body.error).toMatchObject({ code: "corrupt", field: "files.1" });
    expect(await app.container.platform.blobs.list("archive/")).toEqual([]);
    expect(await app.container.platform.queues.depth("archive")).toBe(0);
  });

  it("refuses a password-protected PDF", async () => {
    // Prepare
    app = createTestApp();
    const doc = new mupdf.PDFDocument(await syntheticPdfOnce());
    const encrypted = doc
      .saveToBuffer("encrypt=aes-256,user-password=secret,owner-password=owner")
      .asUint8Array();

    // Act
    const { status, body } = await upload(encrypted);

    // Assess
    expect(status).toBe(422);
    expect(body.error).toMatchObject({ code: "encrypted", field: "files.1" });
  });

  it("refuses a PNG that declares more pixels than allowed before decoding it", async () => {
    // Prepare: a valid 1×1 PNG whose header is rewritten to 100,000 × 100,000 pixels.
    app = createTestApp();
    const bomb = pagePng(0).slice();
    const view = new DataView(bomb.buffer);
    view.setUint32(16, 100_000);
    view.setUint32(20, 100_000);

    // Act
    const { status, body } = await upload(bomb, "bomb.png");

    // Assess
    expect(status).toBe(422);
    expect(body.error).toMatchObject({ code: "too_many_pixels", field: "files.1" });
  });

  it("refuses a file over the size limit with 413", async () => {
    // Prepare
    app = createTestApp();
    const archive = createArchive({
      platform: app.container.platform,
      gazette: app.container.config.gazette,
      limits: { maxFileBytes: 1000, maxPages: 10, maxPixels: 1_000_000 },
    });

    // Act
    const error = await archive.service
      .submitScans([{ field: "files.0", name: "big.pdf", bytes: await syntheticPdfOnce() }], {}, "editor")
      .then(
        () => undefined,
        (e: unknown) => e as { problems: unknown },
      );

    // Assess
    expect(error?.problems).toEqual([expect.objectContaining({ code: "too_large", field: "files.0" })]);
  });

  it("refuses files that are not scans with 415", async () => {
    // Prepare
    app = createTestApp();

    // Act
    const { status, body } = await upload(new TextEncoder().encode("hello"), "notes.txt");

    // Assess
    expect(status).toBe(415);
    expect(body.error).toMatchObject({ code: "unsupported_format", field: "files.1" });
  });
});

describe("scan jobs: per-page work, crashes and redelivery", () => {
  let app: TestApp;
  let archive: Archive;
  let ocr: FakeOcr;
  let search: RecordingSearch;
  afterEach(() => app.close());

  function setUp() {
    app = createTestApp();
    ocr = new FakeOcr();
    search = new RecordingSearch();
    archive = createArchive({
      platform: app.container.platform,
      gazette: app.container.config.gazette,
      ocr: async () => ocr,
      search: search as unknown as SearchIndex,
    });
  }

  const files = () =>
    PAGES.map((_, i) => ({ field: `files.${i}`, name: `p${i + 1}.png`, bytes: pagePng(i) }));

  it("reads every page once, segments the edition and marks the job done", async () => {
    // Prepare
    setUp();
    const job = await archive.service.submitScans(
      files(),
      { year: "1985", issue: "3", gazette: "四川政报", script: "sim" },
      "editor",
    );

    // Act
    await drainArchiveQueue(app.container.platform.queues, archive.handler);
    const view = await archive.service.getJob(job.id);

    // Assess
    expect(view.status).toBe("done");
    expect(view.progress.ocr).toEqual({ total: 3, done: 3, failed: 0 });
    expect(view.pages.map((p) => p.index)).toEqual([0, 1, 2]);
    expect(view.items.map((i) => [i.title, i.docNumber, i.date])).toEqual([
      ["四川省人民政府关于保护森林资源的通知", "川府发〔1985〕12号", "1985-03-05"],
      ["四川省人民政府办公厅关于做好春耕工作的通知", undefined, "1985-03-09"],
    ]);
    expect(ocr.calls.sort()).toEqual([0, 1, 2]);
  });

  it("finishes a job whose completion crashed, on redelivery, without duplicate items or OCR", async () => {
    // Prepare: the process dies while feeding the search index, after items were stored.
    setUp();
    search.failNext = true;
    const job = await archive.service.submitScans(files(), { script: "sim" }, "editor");

    // Act
    await drainArchiveQueue(app.container.platform.queues, archive.handler);
    // A late duplicate of every page message, as SQS may deliver.
    await app.container.platform.queues.send(
      "archive",
      PAGES.map((_, index) => ({ body: JSON.stringify({ type: "archive.unit", jobId: job.id, index }) })),
    );
    await drainArchiveQueue(app.container.platform.queues, archive.handler);
    const view = await archive.service.getJob(job.id);
    const all = await archive.service.listItems({ review: false, limit: 100 });

    // Assess
    expect(view.status).toBe("done");
    expect(ocr.calls).toHaveLength(3);
    expect(all.items.map((i) => i.id)).toEqual([`${job.id}-001`, `${job.id}-002`]);
    expect([...search.docs.keys()]).toEqual([`archive:${job.id}-001`, `archive:${job.id}-002`]);
  });

  it("retries a page whose OCR failed and completes the job", async () => {
    // Prepare
    setUp();
    ocr.failOnce.add(1);
    const job = await archive.service.submitScans(files(), { script: "sim" }, "editor");

    // Act
    await drainArchiveQueue(app.container.platform.queues, archive.handler);

    // Assess
    expect((await archive.service.getJob(job.id)).status).toBe("done");
    expect(ocr.calls.filter((p) => p === 1)).toHaveLength(2);
  });

  it("records a page that keeps failing as failed after three attempts and still finishes the job", async () => {
    // Prepare
    setUp();
    ocr.alwaysFail.add(0);
    const job = await archive.service.submitScans(files(), { script: "sim" }, "editor");

    // Act
    await drainArchiveQueue(app.container.platform.queues, archive.handler);
    const view = await archive.service.getJob(job.id);

    // Assess
    expect(view.status).toBe("done");
    expect(ocr.calls.filter((p) => p === 0)).toHaveLength(3);
    expect(view.progress.ocr).toEqual({ total: 3, done: 2, failed: 1 });
    expect(view.pages[0]).toMatchObject({ status: "failed", error: "worker crashed" });
    expect(view.items).toHaveLength(2);
  });

  it("decides Simplified or Traditional for each page of a mixed edition, from the more confident model", async () => {
    // Prepare: an edition whose page 2 is printed in Simplified, the others in Traditional.
    setUp();
    ocr.simplified.add(1);
    const job = await archive.service.submitScans(files(), {}, "editor");

    // Act
    await drainArchiveQueue(app.container.platform.queues, archive.handler);

    // Assess: every page is read with both models and keeps its own script.
    const view = await archive.service.getJob(job.id);
    expect(view.pages.map((p) => p.script)).toEqual(["tra", "sim", "tra"]);
    expect(ocr.calls.filter((p) => p === 1)).toHaveLength(2);
  });

  /** Two notices: the first runs over pages 1–3, the second is on page 3 alone. */
  const SPANNING = [
    "四川省人民政府文件\n川府发〔1985〕12号\n四川省人民政府关于保护森林资源的通知\n各地区行政公署：\n为保护森林资源，特通知如下。",
    "一、严禁乱砍滥伐。\n二、植树造林。",
    "三、防止山火。\n四川省人民政府\n一九八五年三月五日\n四川省人民政府办公厅关于做好春耕工作的通知\n各市、地、州人民政府：\n现就春耕工作通知如下。\n四川省人民政府办公厅\n一九八五年三月九日",
  ];

  async function reviewReasonsOfItems(jobId: string) {
    const view = await archive.service.getJob(jobId);
    return Promise.all(view.items.map(async (i) => (await archive.service.getItem(i.id)).reviewReasons));
  }

  it("flags for review only the items whose pages include a failed page", async () => {
    // Prepare: page 2 (inside the first notice) cannot be read.
    setUp();
    ocr.texts = SPANNING;
    ocr.alwaysFail.add(1);
    const job = await archive.service.submitScans(files(), { script: "sim" }, "editor");

    // Act
    await drainArchiveQueue(app.container.platform.queues, archive.handler);
    const reasons = await reviewReasonsOfItems(job.id);

    // Assess
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toContain("page_failed");
    expect(reasons[1]).not.toContain("page_failed");
    expect(reasons[1]).not.toContain("low_ocr_confidence");
  });

  it("flags an item one of whose pages is read with low confidence, even when its average is high, and not the others", async () => {
    // Prepare: page 2 at 60 (the first notice averages (86 + 60 + 86) / 3 ≈ 77, over the threshold).
    setUp();
    ocr.texts = SPANNING;
    ocr.confidence.set(1, 60);
    const job = await archive.service.submitScans(files(), { script: "sim" }, "editor");

    // Act
    await drainArchiveQueue(app.container.platform.queues, archive.handler);
    const reasons = await reviewReasonsOfItems(job.id);

    // Assess
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toContain("low_ocr_confidence");
    expect(reasons[0]).not.toContain("page_failed");
    expect(reasons[1]).not.toContain("low_ocr_confidence");
  });

  it("does not flag items for a failed page that none of them is on", async () => {
    // Prepare: the masthead page fails; both notices are on pages 2–3.
    setUp();
    ocr.alwaysFail.add(0);
    const job = await archive.service.submitScans(files(), { script: "sim" }, "editor");

    // Act
    await drainArchiveQueue(app.container.platform.queues, archive.handler);
    const reasons = await reviewReasonsOfItems(job.id);

    // Assess
    expect(reasons).toHaveLength(2);
    expect(reasons.flat()).not.toContain("page_failed");
  });
});

import fc from "fast-check";
import * as mupdf from "mupdf";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_SCAN_LIMITS, encodePng, inspectScan } from "../../src/archive/images.js";
import { type Archive, createArchive } from "../../src/archive/module.js";
import { scanKey, sha256 } from "../../src/archive/records.js";
import { createTestApp, outOfBandBlobs, type TestApp } from "../support/local-app.js";
import { PageTextOcr } from "../support/page-ocr.js";
import { drainArchiveQueue } from "./harness.js";

/**
 * A scanned page: white paper with dark lines of "text" and speckle, `200 + page` pixels wide so
 * that the fake engine knows which page it reads (as in scans.test.ts).
 */
function pageImage(page: number) {
  const width = 200 + page;
  const height = 160;
  const pixels = new Uint8Array(width * height).fill(245);
  let seed = 17 + page;
  for (let line = 0; line < 6; line++) {
    for (let y = 20 + line * 22; y < 32 + line * 22; y++) {
      for (let x = 16; x < width - 16; x++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        if (seed % 3 === 0) pixels[y * width + x] = 20 + (seed % 40);
      }
    }
  }
  return { width, height, pixels };
}

const pagePng = (page: number) => encodePng(pageImage(page));

function pageJpeg(page: number): Uint8Array {
  const pixmap = new mupdf.Image(pagePng(page)).toPixmap();
  try {
    return pixmap.asJPEG(85).slice();
  } finally {
    pixmap.destroy();
  }
}

/** A baseline little-endian TIFF: one uncompressed 8-bit grey strip after the directory. */
function pageTiff(page: number): Uint8Array {
  const { width, height, pixels } = pageImage(page);
  const entries: [tag: number, type: number, value: number][] = [
    [256, 4, width],
    [257, 4, height],
    [258, 3, 8],
    [259, 3, 1],
    [262, 3, 1],
    [273, 4, 0], // StripOffsets, set below
    [277, 3, 1],
    [278, 4, height],
    [279, 4, pixels.length],
  ];
  const ifdSize = 2 + entries.length * 12 + 4;
  const dataOffset = 8 + ifdSize;
  const bytes = new Uint8Array(dataOffset + pixels.length);
  const view = new DataView(bytes.buffer);
  bytes.set([0x49, 0x49, 0x2a, 0x00]);
  view.setUint32(4, 8, true);
  view.setUint16(8, entries.length, true);
  for (const [k, [tag, type, value]] of entries.entries()) {
    const at = 10 + k * 12;
    view.setUint16(at, tag, true);
    view.setUint16(at + 2, type, true);
    view.setUint32(at + 4, 1, true);
    if (type === 3) view.setUint16(at + 8, value, true);
    else view.setUint32(at + 8, tag === 273 ? dataOffset : value, true);
  }
  view.setUint32(10 + entries.length * 12, 0, true);
  bytes.set(pixels, dataOffset);
  return bytes;
}

/** Byte offset of a PNG chunk (its length field) and its data length. */
function pngChunk(png: Uint8Array, type: string): { at: number; length: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    if (String.fromCharCode(...png.subarray(at + 4, at + 8)) === type) return { at, length };
    at += 12 + length;
  }
  throw new Error(`no ${type} chunk`);
}

/**
 * The PNG cut off in its image data, as an interrupted transfer leaves it (`kept` of the data).
 * Cut before its first byte of data, mupdf decodes it without an error, as a white page.
 */
function truncatedPng(page: number, kept = 1 / 3, make = pagePng): Uint8Array {
  const png = make(page);
  const idat = pngChunk(png, "IDAT");
  return png.slice(0, idat.at + 8 + Math.floor(idat.length * kept));
}

/** The PNG with one byte of its image data's CRC flipped. */
function badCrcPng(page: number, make = pagePng): Uint8Array {
  const png = make(page).slice();
  const idat = pngChunk(png, "IDAT");
  png[idat.at + 8 + idat.length + 1]! ^= 0x40;
  return png;
}

/** A blank page `200 + page` pixels wide: the fake engine knows the page by its width (as in scans.test.ts). */
function blankPng(page: number): Uint8Array {
  const width = 200 + page;
  return encodePng({ width, height: 120, pixels: new Uint8Array(width * 120).fill(255) });
}

/** One notice over pages 1–3. */
const NOTICE = [
  "四川省人民政府文件\n川府发〔1985〕12号\n四川省人民政府关于保护森林资源的通知\n各地区行政公署：\n为保护森林资源，特通知如下。",
  "一、严禁乱砍滥伐。\n二、植树造林。",
  "三、防止山火。\n四川省人民政府\n一九八五年三月五日",
];

const PNG = { contentType: "image/png", ifAbsent: true };

interface ErrorBody {
  error: { code: string; field: string | null; message: string };
}

describe("scan ingest: corrupt images are refused at upload", () => {
  let app: TestApp;
  afterEach(() => app.close());

  async function uploadScans(files: { bytes: Uint8Array; name: string }[]) {
    const form = new FormData();
    for (const f of files)
      form.append("files", new Blob([f.bytes as BlobPart], { type: "application/octet-stream" }), f.name);
    const response = await app.request("/api/archive/scans", { method: "POST", body: form });
    return { status: response.status, body: (await response.json()) as ErrorBody };
  }

  it("refuses a truncated PNG with 422, naming its field and the truncation, and stores nothing", async () => {
    // Prepare
    app = createTestApp();

    // Act
    const { status, body } = await uploadScans([
      { bytes: pagePng(0), name: "p1.png" },
      { bytes: truncatedPng(1), name: "p2.png" },
    ]);

    // Assess
    expect(status).toBe(422);
    expect(body.error).toMatchObject({ code: "corrupt", field: "files.1" });
    expect(body.error.message).toMatch(/truncated/);
    expect(await app.container.platform.blobs.list("archive/")).toEqual([]);
    expect(await app.container.platform.queues.depth("archive")).toBe(0);
  });

  it("refuses a PNG with a bad chunk CRC with 422, naming the chunk", async () => {
    // Prepare
    app = createTestApp();

    // Act
    const { status, body } = await uploadScans([{ bytes: badCrcPng(0), name: "p1.png" }]);

    // Assess
    expect(status).toBe(422);
    expect(body.error).toMatchObject({ code: "corrupt", field: "files.0" });
    expect(body.error.message).toMatch(/CRC in the IDAT chunk/);
  });

  it("refuses a JPEG and a TIFF cut short with 422", async () => {
    // Prepare
    app = createTestApp();
    const jpeg = pageJpeg(0);
    const tiff = pageTiff(1);

    // Act
    const cutJpeg = await uploadScans([
      { bytes: jpeg.slice(0, Math.floor(jpeg.length * 0.6)), name: "a.jpg" },
    ]);
    const cutTiff = await uploadScans([
      { bytes: jpeg, name: "a.jpg" },
      { bytes: tiff.slice(0, tiff.length - 500), name: "b.tif" },
    ]);

    // Assess
    expect(cutJpeg.status).toBe(422);
    expect(cutJpeg.body.error).toMatchObject({ code: "corrupt", field: "files.0" });
    expect(cutTiff.status).toBe(422);
    expect(cutTiff.body.error).toMatchObject({ code: "corrupt", field: "files.1" });
  });

  it("accepts whole PNG, JPEG and TIFF pages", async () => {
    // Prepare
    app = createTestApp();

    // Act
    const { status } = await uploadScans([
      { bytes: pagePng(0), name: "p1.png" },
      { bytes: pageJpeg(1), name: "p2.jpg" },
      { bytes: pageTiff(2), name: "p3.tif" },
    ]);

    // Assess
    expect(status).toBe(202);
  });

  it("refuses a corrupt PNG submitted by key with 422 naming keys.N", async () => {
    // Prepare
    app = createTestApp();
    const keys = [pagePng(0), badCrcPng(1)].map((bytes) => scanKey(sha256(bytes), "png"));
    await app.container.platform.blobs.put(keys[0]!, pagePng(0), PNG);
    await app.container.platform.blobs.put(keys[1]!, badCrcPng(1), PNG);

    // Act
    const response = await app.request("/api/archive/scans", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ keys }),
    });

    // Assess
    expect(response.status).toBe(422);
    expect(((await response.json()) as ErrorBody).error).toMatchObject({ code: "corrupt", field: "keys.1" });
    expect(await app.container.platform.queues.depth("archive")).toBe(0);
  });
});

describe("scan inspection: broken image files", () => {
  function codeOf(bytes: Uint8Array): string | undefined {
    try {
      inspectScan(bytes, "files.0", DEFAULT_SCAN_LIMITS);
      return undefined;
    } catch (error) {
      return (error as { problems: { code: string }[] }).problems[0]?.code;
    }
  }

  const png = pagePng(3);
  const jpeg = pageJpeg(3);
  const tiff = pageTiff(3);

  it("refuses a PNG, JPEG or TIFF cut at any byte", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(png, jpeg, tiff),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (file, at) => {
          const cut = 8 + Math.floor(at * (file.length - 9));
          expect(codeOf(file.slice(0, cut))).toBe("corrupt");
        },
      ),
      { numRuns: 60 },
    );
  });

  it("refuses a PNG with any one byte after its signature changed", () => {
    fc.assert(
      fc.property(fc.nat(png.length - 9), fc.integer({ min: 1, max: 255 }), (offset, mask) => {
        const changed = png.slice();
        changed[8 + offset]! ^= mask;
        expect(["corrupt", "too_many_pixels"]).toContain(codeOf(changed));
      }),
      { numRuns: 60 },
    );
  });

  it("accepts the whole files", () => {
    expect([codeOf(png), codeOf(jpeg), codeOf(tiff)]).toEqual([undefined, undefined, undefined]);
  });
});

describe("scan jobs: a page whose file turns out broken after it was checked", () => {
  let app: TestApp;
  let archive: Archive;
  afterEach(() => app.close());

  /** Submits blobs by key through the API, then replaces `broken` keys (out of band, bypassing write-once), then runs the job. */
  async function runJob(pages: Uint8Array[], broken: Map<number, Uint8Array>) {
    app = createTestApp();
    archive = createArchive({
      platform: app.container.platform,
      gazette: app.container.config.gazette,
      ocr: async () => new PageTextOcr(NOTICE),
    });
    const keys = pages.map((bytes) => scanKey(sha256(bytes), "png"));
    for (const [i, bytes] of pages.entries()) await app.container.platform.blobs.put(keys[i]!, bytes, PNG);
    const submitted = await app.request("/api/archive/scans", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ keys, script: "sim" }),
    });
    expect(submitted.status).toBe(202);
    const { job } = (await submitted.json()) as { job: { id: string } };
    const disk = outOfBandBlobs(app.dataDir);
    for (const [i, bytes] of broken) await disk.blobs.put(keys[i]!, bytes, { contentType: "image/png" });
    disk.close();
    await drainArchiveQueue(app.container.platform.queues, archive.handler);
    const view = await app.request(`/api/archive/jobs/${job.id}`);
    return (await view.json()) as {
      status: string;
      pages: { index: number; status: string; text: string; error?: string }[];
      items: { id: string }[];
    };
  }

  it("records a truncated page as failed, not read and blank, and the job as failed when it was the only page", async () => {
    // Act
    const job = await runJob([blankPng(0)], new Map([[0, truncatedPng(0, 0, blankPng)]]));

    // Assess
    expect(job.pages).toEqual([expect.objectContaining({ index: 0, status: "failed" })]);
    expect(job.pages[0]!.error).toMatch(/cannot be decoded/);
    expect(job.status).toBe("failed");
    expect(job.items).toEqual([]);
  });

  it("fails a page whose CRC went bad and sends the item it belongs to to review", async () => {
    // Act
    const job = await runJob([blankPng(0), blankPng(1), blankPng(2)], new Map([[1, badCrcPng(1, blankPng)]]));
    const item = await app.request(`/api/archive/items/${job.items[0]!.id}`);
    const body = (await item.json()) as { review: boolean; reviewReasons: string[] };

    // Assess
    expect(job.pages.map((p) => p.status)).toEqual(["done", "failed", "done"]);
    expect(job.pages[1]!.error).toMatch(/CRC/);
    expect(job.items).toHaveLength(1);
    expect(body.review).toBe(true);
    expect(body.reviewReasons).toContain("page_failed");
  });
});

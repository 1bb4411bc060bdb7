import { S3Client } from "@aws-sdk/client-s3";
import { type FauxqsServer, startFauxqs } from "fauxqs";
import { afterEach, describe, expect, it } from "vitest";
import { encodePng } from "../../src/archive/images.js";
import { createArchive } from "../../src/archive/module.js";
import type { OcrEngine, OcrResult } from "../../src/archive/ocr/engine.js";
import { S3UploadUrls } from "../../src/archive/s3-upload-urls.js";
import { safeFileName } from "../../src/archive/uploads.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from "../support/aws-emulators.js";
import { createTestApp, type TestApp } from "../support/local-app.js";
import { drainArchiveQueue } from "./harness.js";

const PAGE_TEXT =
  "四川省人民政府文件\n川府发〔1985〕12号\n四川省人民政府关于保护森林资源的通知\n为保护森林资源，特通知如下。\n四川省人民政府\n一九八五年三月五日";

/** An OCR engine that reads every page as PAGE_TEXT. */
class FixedOcr implements OcrEngine {
  readonly name = "fixed";
  pages = 0;
  async recognize(): Promise<OcrResult> {
    this.pages++;
    const { parseHocr } = await import("../../src/archive/ocr/hocr.js");
    const hocr = "<div class='ocr_page' title='bbox 0 0 200 120'></div>";
    return { text: PAGE_TEXT, confidence: 92, hocr, page: parseHocr(hocr), language: "chi_sim" };
  }
  async close() {}
}

const png = () => encodePng({ width: 200, height: 120, pixels: new Uint8Array(200 * 120).fill(255) });

interface UploadResponse {
  key: string;
  upload: { method: string; url: string; headers: Record<string, string>; expiresAt: string };
}

describe("archive direct uploads (embedded)", () => {
  let app: TestApp;
  let clock: ManualClock;
  afterEach(() => app.close());

  function setUp() {
    clock = new ManualClock(Date.UTC(2026, 10, 29, 12, 0, 0));
    app = createTestApp({ clock });
  }

  async function requestUpload(body: unknown) {
    const response = await app.request("/api/archive/uploads", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as UploadResponse & ErrorBody };
  }

  async function put(url: string, bytes: Uint8Array, contentType = "image/png") {
    const path = new URL(url).pathname;
    return app.request(path, {
      method: "PUT",
      editor: false,
      headers: { "content-type": contentType },
      body: bytes as BodyInit,
    });
  }

  it("takes a file through request → PUT → POST scans {keys}, and the job runs", async () => {
    // Prepare
    setUp();
    const bytes = png();
    const ocr = new FixedOcr();
    const consumer = createArchive({
      platform: app.container.platform,
      gazette: app.container.config.gazette,
      ocr: async () => ocr,
    });

    // Act
    const requested = await requestUpload({
      filename: "四川政报 1985-03.png",
      contentType: "image/png",
      size: bytes.byteLength,
    });
    const uploaded = await put(requested.body.upload.url, bytes);
    const submitted = await app.request("/api/archive/scans", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ keys: [requested.body.key], year: 1985, issue: 3, script: "sim" }),
    });
    const { job } = (await submitted.json()) as { job: { id: string } };
    await drainArchiveQueue(app.container.platform.queues, consumer.handler);
    const view = await consumer.service.getJob(job.id);

    // Assess
    expect(requested.status).toBe(200);
    expect(requested.body.key).toMatch(/^archive\/uploads\/[0-9A-Z]{26}\/1985-03\.png$/);
    expect(requested.body.upload).toMatchObject({
      method: "PUT",
      headers: { "content-type": "image/png" },
      expiresAt: "2026-11-29T12:15:00.000Z",
    });
    expect(requested.body.upload.url).toMatch(/^http:\/\/localhost\/api\/archive\/uploads\/[\w-]+\.[\w-]+$/);
    expect(uploaded.status).toBe(200);
    expect(submitted.status).toBe(202);
    expect((await app.container.platform.blobs.get(requested.body.key))?.bytes).toEqual(bytes);
    expect(view.status).toBe("done");
    expect(ocr.pages).toBe(1);
    expect(view.items.map((i) => i.title)).toEqual(["四川省人民政府关于保护森林资源的通知"]);
    // The original is also kept content-addressed, for the public download link.
    const item = await consumer.service.getItem(view.items[0]!.id);
    expect(item.scanKeys).toEqual([expect.stringMatching(/^archive\/scans\/[0-9a-f]{64}\.png$/)]);
    expect((await app.request(`/${item.scanKeys[0]}`, { editor: false })).status).toBe(200);
  });

  it("answers 403 to a tampered token and to an expired one, storing nothing", async () => {
    // Prepare
    setUp();
    const bytes = png();
    const a = await requestUpload({ filename: "a.png", contentType: "image/png", size: bytes.byteLength });
    const b = await requestUpload({ filename: "b.png", contentType: "image/png", size: bytes.byteLength });
    const [payload, signature] = new URL(a.body.upload.url).pathname.split("/").pop()!.split(".");
    const forged = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8")) as Record<string, unknown>;
    forged.s = 10 * bytes.byteLength;
    const tampered = `http://localhost/api/archive/uploads/${Buffer.from(JSON.stringify(forged)).toString("base64url")}.${signature}`;

    // Act
    const forgedPut = await put(tampered, bytes);
    const garbagePut = await put("http://localhost/api/archive/uploads/not-a-token", bytes);
    clock.advanceSeconds(15 * 60 + 1);
    const expiredPut = await put(b.body.upload.url, bytes);

    // Assess
    expect(forgedPut.status).toBe(403);
    expect(garbagePut.status).toBe(403);
    expect(expiredPut.status).toBe(403);
    expect(await expiredPut.json()).toEqual({
      error: { code: "forbidden", field: null, message: expect.stringContaining("expired") },
    });
    expect(await app.container.platform.blobs.list("archive/uploads/")).toEqual([]);
  });

  it("refuses an upload larger than the scan limit with 413 and a type that is not a scan with 415", async () => {
    // Prepare
    setUp();
    const limit = app.container.archive.service.scanLimits.maxFileBytes;

    // Act
    const large = await requestUpload({
      filename: "big.pdf",
      contentType: "application/pdf",
      size: limit + 1,
    });
    const wrongType = await requestUpload({ filename: "a.docx", contentType: "text/plain", size: 10 });
    const noSize = await requestUpload({ filename: "a.pdf", contentType: "application/pdf" });

    // Assess
    expect(large.status).toBe(413);
    expect(large.body.error).toMatchObject({ code: "too_large", field: "size" });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error).toMatchObject({ code: "unsupported_format", field: "contentType" });
    expect(noSize.status).toBe(400);
    expect(noSize.body.error).toMatchObject({ field: "size" });
  });

  it("refuses a PUT body longer than the token allows (413), another type (403), and a second PUT (409)", async () => {
    // Prepare
    setUp();
    const bytes = png();
    const { body } = await requestUpload({
      filename: "a.png",
      contentType: "image/png",
      size: bytes.byteLength,
    });
    const longer = new Uint8Array(bytes.byteLength + 1);
    longer.set(bytes);

    // Act
    const tooLong = await put(body.upload.url, longer);
    const otherType = await put(body.upload.url, bytes, "application/pdf");
    const first = await put(body.upload.url, bytes);
    const again = await put(body.upload.url, bytes);

    // Assess
    expect(tooLong.status).toBe(413);
    expect(otherType.status).toBe(403);
    expect(first.status).toBe(200);
    expect(again.status).toBe(409);
  });

  it("checks an uploaded file as a multipart one when its key is submitted (corrupt → 422, nothing queued)", async () => {
    // Prepare
    setUp();
    const bytes = new TextEncoder().encode("%PDF-1.4 truncated");
    const { body } = await requestUpload({
      filename: "bad.pdf",
      contentType: "application/pdf",
      size: bytes.byteLength,
    });
    await put(body.upload.url, bytes, "application/pdf");

    // Act
    const response = await app.request("/api/archive/scans", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ keys: [body.key] }),
    });

    // Assess
    expect(response.status).toBe(422);
    expect(((await response.json()) as ErrorBody).error).toMatchObject({ code: "corrupt", field: "keys.0" });
    expect(await app.container.platform.queues.depth("archive")).toBe(0);
  });

  it("makes file names safe for a key and a URL", () => {
    // Act
    const names = [safeFileName("../../etc/passwd"), safeFileName("公报 第3期.PDF"), safeFileName("...")];

    // Assess
    expect(names).toEqual(["passwd", "3_.PDF", "upload"]);
  });
});

interface ErrorBody {
  error: { code: string; field: string | null; message: string };
}

describe("S3 upload URLs", () => {
  let fauxqs: FauxqsServer | undefined;
  afterEach(async () => {
    await fauxqs?.stop();
    fauxqs = undefined;
  });

  it("presign a SigV4 PUT for the bucket and key, 15 minutes, type and length signed; the PUT lands", async () => {
    // Prepare
    fauxqs = await startFauxqs({ port: 0, logger: false });
    fauxqs.createBucket("gazette-blobs");
    const config = {
      region: EMULATOR_REGION,
      credentials: EMULATOR_CREDENTIALS,
      endpoint: fauxqs.address,
      forcePathStyle: true,
    };
    const urls = new S3UploadUrls("gazette-blobs", config);
    const now = new Date(Date.UTC(2026, 10, 29, 12, 0, 0));
    const bytes = png();
    const key = "archive/uploads/01JXYZ/scan.png";

    // Act
    const upload = await urls.presign(
      { key, size: bytes.byteLength, contentType: "image/png" },
      now,
      new Date(now.getTime() + 15 * 60 * 1000),
    );
    const url = new URL(upload.url);
    const response = await fetch(upload.url, {
      method: "PUT",
      headers: upload.headers,
      body: bytes as BodyInit,
    });
    const client = new S3Client(config);
    const { GetObjectCommand } = await import("@aws-sdk/client-s3");
    const stored = await client.send(new GetObjectCommand({ Bucket: "gazette-blobs", Key: key }));
    const storedBytes = await stored.Body!.transformToByteArray();
    client.destroy();

    // Assess
    expect(url.pathname).toBe(`/gazette-blobs/${key}`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
      "X-Amz-Credential": "test/20261129/us-east-1/s3/aws4_request",
      "X-Amz-Date": "20261129T120000Z",
      "X-Amz-Expires": "900",
      "X-Amz-SignedHeaders": "content-length;content-type;host",
      "X-Amz-Signature": expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // No checksum of an empty body signed into the URL (S3 would refuse the real upload).
    expect([...url.searchParams.keys()].filter((k) => k.toLowerCase().includes("checksum"))).toEqual([]);
    expect(upload.headers).toEqual({
      "content-type": "image/png",
      "content-length": String(bytes.byteLength),
    });
    expect(upload.expiresAt).toBe("2026-11-29T12:15:00.000Z");
    expect(response.status).toBe(200);
    expect(stored.ContentType).toBe("image/png");
    expect(storedBytes).toEqual(bytes);
  });
});

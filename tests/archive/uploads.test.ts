import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { encodePng } from "../../src/archive/images.js";
import { createArchive } from "../../src/archive/module.js";
import { S3UploadUrls } from "../../src/archive/s3-upload-urls.js";
import { safeFileName } from "../../src/archive/uploads.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from "../support/aws-emulators.js";
import { createTestApp, type TestApp } from "../support/local-app.js";
import { PageTextOcr } from "../support/page-ocr.js";
import { type PresignedS3, startPresignedS3 } from "../support/presigned-s3.js";
import { drainArchiveQueue } from "./harness.js";

const PAGE_TEXT =
  "四川省人民政府文件\n川府发〔1985〕12号\n四川省人民政府关于保护森林资源的通知\n为保护森林资源，特通知如下。\n四川省人民政府\n一九八五年三月五日";

const png = (shade = 255) =>
  encodePng({ width: 200, height: 120, pixels: new Uint8Array(200 * 120).fill(shade) });
const sha256Hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const sha256Base64 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("base64");

interface UploadResponse {
  key: string;
  upload: { method: string; url: string; headers: Record<string, string>; expiresAt: string } | null;
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

  /** PUTs `bytes` as a client does: with the headers the upload grant lists (`contentType` overrides). */
  async function put(upload: UploadResponse["upload"] | string, bytes: Uint8Array, contentType?: string) {
    const url = typeof upload === "string" ? upload : upload!.url;
    const headers = typeof upload === "string" ? { "content-type": "image/png" } : { ...upload!.headers };
    if (contentType) headers["content-type"] = contentType;
    return app.request(new URL(url).pathname, {
      method: "PUT",
      editor: false,
      headers,
      body: bytes as BodyInit,
    });
  }

  it("takes a file through request → PUT → POST scans {keys}, stores it once under its SHA-256, and the job runs", async () => {
    // Prepare
    setUp();
    const bytes = png();
    const ocr = new PageTextOcr(PAGE_TEXT);
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
      sha256: sha256Hex(bytes),
    });
    const uploaded = await put(requested.body.upload, bytes);
    const submitted = await app.request("/api/archive/scans", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        keys: [requested.body.key],
        names: ["四川政报 1985-03.png"],
        year: 1985,
        issue: 3,
        script: "sim",
      }),
    });
    const { job } = (await submitted.json()) as { job: { id: string } };
    await drainArchiveQueue(app.container.platform.queues, consumer.handler);
    const view = await consumer.service.getJob(job.id);

    // Assess
    expect(requested.status).toBe(200);
    expect(requested.body.key).toBe(`archive/scans/${sha256Hex(bytes)}.png`);
    expect(requested.body.upload).toMatchObject({
      method: "PUT",
      headers: {
        "content-type": "image/png",
        "if-none-match": "*",
        "x-amz-checksum-sha256": sha256Base64(bytes),
      },
      expiresAt: "2026-11-29T12:15:00.000Z",
    });
    expect(requested.body.upload?.url).toMatch(/^http:\/\/localhost\/api\/archive\/uploads\/[\w-]+\.[\w-]+$/);
    expect(uploaded.status).toBe(200);
    expect(submitted.status).toBe(202);
    expect(view.status).toBe("done");
    expect(ocr.pages).toBe(1);
    expect(view.items.map((i) => i.title)).toEqual(["四川省人民政府关于保护森林资源的通知"]);
    const stored = await app.container.platform.records.get({ pk: `archive#job#${job.id}`, sk: "job" });
    expect((stored?.data as { files: unknown[] } | undefined)?.files).toEqual([
      expect.objectContaining({ key: requested.body.key, name: "四川政报 1985-03.png" }),
    ]);
    // One stored copy: the uploaded key is the job's scan and the public download.
    const blobs = app.container.platform.blobs;
    expect((await blobs.list("archive/")).filter((k) => !/^archive\/(jobs|items)\//.test(k))).toEqual([
      requested.body.key,
    ]);
    const item = await consumer.service.getItem(view.items[0]!.id);
    expect(item.scanKeys).toEqual([requested.body.key]);
    expect((await app.request(`/${item.scanKeys[0]}`, { editor: false })).status).toBe(200);
  });

  it("answers 403 to a tampered token and to an expired one, storing nothing", async () => {
    // Prepare
    setUp();
    const bytes = png();
    const other = png(0);
    const grant = (b: Uint8Array) => ({
      filename: "a.png",
      contentType: "image/png",
      size: b.byteLength,
      sha256: sha256Hex(b),
    });
    const a = await requestUpload(grant(bytes));
    const b = await requestUpload(grant(other));
    const [payload, signature] = new URL(a.body.upload!.url).pathname.split("/").pop()!.split(".");
    const forged = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8")) as Record<string, unknown>;
    forged.s = 10 * bytes.byteLength;
    const tampered = `http://localhost/api/archive/uploads/${Buffer.from(JSON.stringify(forged)).toString("base64url")}.${signature}`;

    // Act
    const forgedPut = await put(tampered, bytes);
    const garbagePut = await put("http://localhost/api/archive/uploads/not-a-token", bytes);
    clock.advanceSeconds(15 * 60 + 1);
    const expiredPut = await put(b.body.upload, other);

    // Assess
    expect(forgedPut.status).toBe(403);
    expect(garbagePut.status).toBe(403);
    expect(expiredPut.status).toBe(403);
    expect(await expiredPut.json()).toEqual({
      error: { code: "forbidden", field: null, message: expect.stringContaining("expired") },
    });
    expect(await app.container.platform.blobs.list("archive/")).toEqual([]);
  });

  it("refuses an upload larger than the scan limit with 413 and a type that is not a scan with 415", async () => {
    // Prepare
    setUp();
    const limit = app.container.archive.service.scanLimits.maxFileBytes;

    // Act
    const sha256 = "ab".repeat(32);
    const large = await requestUpload({
      filename: "big.pdf",
      contentType: "application/pdf",
      size: limit + 1,
      sha256,
    });
    const wrongType = await requestUpload({
      filename: "a.docx",
      contentType: "text/plain",
      size: 10,
      sha256,
    });
    const noSize = await requestUpload({ filename: "a.pdf", contentType: "application/pdf", sha256 });
    const noChecksum = await requestUpload({ filename: "a.pdf", contentType: "application/pdf", size: 10 });
    const badChecksum = await requestUpload({
      filename: "a.pdf",
      contentType: "application/pdf",
      size: 10,
      sha256: "not-hex",
    });

    // Assess
    expect(large.status).toBe(413);
    expect(large.body.error).toMatchObject({ code: "too_large", field: "size" });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error).toMatchObject({ code: "unsupported_format", field: "contentType" });
    expect(noSize.status).toBe(400);
    expect(noSize.body.error).toMatchObject({ field: "size" });
    expect(noChecksum.status).toBe(400);
    expect(noChecksum.body.error).toMatchObject({ field: "sha256" });
    expect(badChecksum.status).toBe(400);
    expect(badChecksum.body.error).toMatchObject({ field: "sha256" });
  });

  it("refuses a PUT body longer than the token allows (413), other bytes (400), another type (403), and a second PUT (409)", async () => {
    // Prepare
    setUp();
    const bytes = png();
    const { body } = await requestUpload({
      filename: "a.png",
      contentType: "image/png",
      size: bytes.byteLength,
      sha256: sha256Hex(bytes),
    });
    const longer = new Uint8Array(bytes.byteLength + 1);
    longer.set(bytes);
    const altered = Uint8Array.from(bytes);
    altered[altered.length - 1]! ^= 0xff;

    // Act
    const tooLong = await put(body.upload, longer);
    const otherBytes = await put(body.upload, altered);
    const otherType = await put(body.upload, bytes, "application/pdf");
    const first = await put(body.upload, bytes);
    const again = await put(body.upload, bytes);

    // Assess
    expect(tooLong.status).toBe(413);
    expect(otherBytes.status).toBe(400);
    expect(((await otherBytes.json()) as ErrorBody).error.code).toBe("checksum_mismatch");
    expect(otherType.status).toBe(403);
    expect(first.status).toBe(200);
    expect(again.status).toBe(409);
    expect(await app.container.platform.blobs.list("archive/scans/")).toEqual([body.key]);
  });

  it("answers no upload for a scan stored already: the same file is never stored twice", async () => {
    // Prepare
    setUp();
    const bytes = png();
    const grant = {
      filename: "a.png",
      contentType: "image/png",
      size: bytes.byteLength,
      sha256: sha256Hex(bytes),
    };
    const first = await requestUpload(grant);
    await put(first.body.upload, bytes);

    // Act
    const second = await requestUpload({ ...grant, filename: "copy of a.png" });

    // Assess
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ key: first.body.key, upload: null });
    expect(await app.container.platform.blobs.list("archive/scans/")).toEqual([first.body.key]);
  });

  it("refuses a scan key whose stored bytes are not the scan it names and a key outside archive/scans/ (400, nothing queued)", async () => {
    // Prepare
    setUp();
    const bytes = png();
    const wrongKey = `archive/scans/${"0".repeat(64)}.png`;
    await app.container.platform.blobs.put(wrongKey, bytes, { contentType: "image/png", ifAbsent: true });
    const submit = (body: unknown) =>
      app.request("/api/archive/scans", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });

    // Act
    const mismatched = await submit({ keys: [wrongKey] });
    const elsewhere = await submit({ keys: ["documents/x.json"] });

    // Assess
    expect(mismatched.status).toBe(400);
    expect(((await mismatched.json()) as ErrorBody).error).toMatchObject({
      code: "checksum_mismatch",
      field: "keys.0",
    });
    expect(elsewhere.status).toBe(400);
    expect(((await elsewhere.json()) as ErrorBody).error).toMatchObject({ field: "keys.0" });
    expect(await app.container.platform.queues.depth("archive")).toBe(0);
  });

  it("checks an uploaded file as a multipart one when its key is submitted (corrupt → 422, nothing queued)", async () => {
    // Prepare
    setUp();
    const bytes = new TextEncoder().encode("%PDF-1.4 truncated");
    const { body } = await requestUpload({
      filename: "bad.pdf",
      contentType: "application/pdf",
      size: bytes.byteLength,
      sha256: sha256Hex(bytes),
    });
    await put(body.upload, bytes);

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
  let s3: PresignedS3 | undefined;
  afterEach(async () => {
    await s3?.stop();
    s3 = undefined;
  });

  async function presigned(bytes: Uint8Array, key = `archive/scans/${sha256Hex(bytes)}.png`) {
    s3 = await startPresignedS3(EMULATOR_CREDENTIALS);
    const urls = new S3UploadUrls("gazette-blobs", {
      region: EMULATOR_REGION,
      credentials: EMULATOR_CREDENTIALS,
      endpoint: s3.endpoint,
      forcePathStyle: true,
    });
    const now = new Date();
    const upload = await urls.presign(
      { key, size: bytes.byteLength, contentType: "image/png", sha256: sha256Hex(bytes) },
      now,
      new Date(now.getTime() + 15 * 60 * 1000),
    );
    return { key, upload, now };
  }

  const send = (
    upload: { url: string; headers: Record<string, string> },
    body: Uint8Array,
    headers = upload.headers,
  ) => fetch(upload.url, { method: "PUT", headers, body: body as BodyInit });

  it("presign a SigV4 PUT that signs type, length, If-None-Match and the SHA-256 checksum; the PUT with those headers lands", async () => {
    // Prepare
    const bytes = png();
    const { key, upload, now } = await presigned(bytes);
    const url = new URL(upload.url);

    // Act
    const response = await send(upload, bytes);

    // Assess
    expect(url.pathname).toBe(`/gazette-blobs/${key}`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
      "X-Amz-Credential": expect.stringMatching(/^test\/\d{8}\/us-east-1\/s3\/aws4_request$/),
      "X-Amz-Expires": "900",
      "X-Amz-SignedHeaders": "content-length;content-type;host;if-none-match;x-amz-checksum-sha256",
      "X-Amz-Signature": expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // The checksum is a signed header, not a query parameter, and no checksum of an empty body.
    expect([...url.searchParams.keys()].filter((k) => k.toLowerCase().includes("checksum"))).toEqual([]);
    expect(upload.headers).toEqual({
      "content-type": "image/png",
      "content-length": String(bytes.byteLength),
      "if-none-match": "*",
      "x-amz-checksum-sha256": sha256Base64(bytes),
    });
    expect(upload.expiresAt).toBe(new Date(now.getTime() + 15 * 60 * 1000).toISOString());
    expect(response.status).toBe(200);
    expect(s3!.objects.get(key)?.bytes).toEqual(Buffer.from(bytes));
  });

  it("S3 refuses other bytes of the same length (BadDigest), a PUT without the checksum header (signature), and a second PUT (412)", async () => {
    // Prepare
    const bytes = png();
    const { key, upload } = await presigned(bytes);
    const altered = Uint8Array.from(bytes);
    altered[altered.length - 1]! ^= 0xff;
    const { "x-amz-checksum-sha256": _dropped, ...withoutChecksum } = upload.headers;

    // Act
    const otherBytes = await send(upload, altered);
    const unsigned = await send(upload, bytes, withoutChecksum);
    const first = await send(upload, bytes);
    const second = await send(upload, bytes);

    // Assess
    expect(otherBytes.status).toBe(400);
    expect(await otherBytes.text()).toContain("BadDigest");
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain("SignatureDoesNotMatch");
    expect(first.status).toBe(200);
    expect(second.status).toBe(412);
    expect([...s3!.objects.keys()]).toEqual([key]);
  });
});

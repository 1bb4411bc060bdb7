import { afterEach, describe, expect, it } from "vitest";
import { archiveSite } from "../../src/archive/http.js";
import { encodePng } from "../../src/archive/images.js";
import { createArchive } from "../../src/archive/module.js";
import { scanKey, sha256 } from "../../src/archive/records.js";
import { S3UploadUrls } from "../../src/archive/s3-upload-urls.js";
import type { BlobStore, Platform } from "../../src/platform/ports.js";
import { EMULATOR_CREDENTIALS } from "../support/aws-emulators.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/** The platform with its blob reads counted, to see whether a download passes through the app. */
function counting(platform: Platform): { platform: Platform; reads: string[] } {
  const reads: string[] = [];
  const blobs: BlobStore = {
    put: (key, bytes, options) => platform.blobs.put(key, bytes, options),
    get: (key) => {
      reads.push(key);
      return platform.blobs.get(key);
    },
    head: (key) => platform.blobs.head(key),
    delete: (key) => platform.blobs.delete(key),
    list: (prefix) => platform.blobs.list(prefix),
  };
  return { platform: { ...platform, blobs }, reads };
}

describe("original scan downloads", () => {
  let app: TestApp;
  afterEach(() => app.close());

  async function setUp(uploads?: S3UploadUrls) {
    app = createTestApp();
    const { platform, reads } = counting(app.container.platform);
    const archive = createArchive({
      platform,
      gazette: app.container.config.gazette,
      ocr: async () => {
        throw new Error("no OCR in this test");
      },
      uploads,
    });
    const bytes = encodePng({ width: 300, height: 200, pixels: new Uint8Array(300 * 200).fill(200) });
    const key = scanKey(sha256(bytes), "png");
    await platform.blobs.put(key, bytes, { contentType: "image/png", ifAbsent: true });
    const get = (path: string) => archiveSite(archive).routes().request(path);
    return { key, bytes, reads, get };
  }

  it("redirects to a five-minute S3 URL (attachment) where the store presigns, never reading the scan", async () => {
    // Prepare
    const s3 = new S3UploadUrls("gazette-blobs", { region: "eu-west-1", credentials: EMULATOR_CREDENTIALS });
    const { key, reads, get } = await setUp(s3);

    // Act
    const response = await get(`/${key}`);

    // Assess
    expect(response.status).toBe(302);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const location = new URL(response.headers.get("location") ?? "");
    expect(`${location.host}${location.pathname}`).toBe(`gazette-blobs.s3.eu-west-1.amazonaws.com/${key}`);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      "X-Amz-Expires": "300",
      "X-Amz-SignedHeaders": "host",
      "response-content-disposition": `attachment; filename="${key.split("/").pop()}"`,
    });
    expect(reads).toEqual([]);
  });

  it("answers 404 for a scan that is not stored, also where the store presigns", async () => {
    // Prepare
    const s3 = new S3UploadUrls("gazette-blobs", { region: "eu-west-1", credentials: EMULATOR_CREDENTIALS });
    const { get } = await setUp(s3);

    // Act
    const response = await get(`/archive/scans/${"a".repeat(64)}.pdf`);

    // Assess
    expect(response.status).toBe(404);
  });

  it("serves the file itself where the store cannot presign (embedded mode)", async () => {
    // Prepare
    const { key, bytes, get } = await setUp();

    // Act
    const response = await get(`/${key}`);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toContain("attachment");
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
  });
});

import { PutObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { PresignedUpload, UploadTarget, UploadUrls } from "./uploads.js";

/**
 * AWS mode: an S3 presigned PUT (SigV4, query-string auth) on the blob bucket. Content-Type and
 * Content-Length are signed headers, so S3 refuses a PUT of another type or size (403).
 */
export class S3UploadUrls implements UploadUrls {
  private readonly client: S3Client;

  constructor(
    private readonly bucket: string,
    config: S3ClientConfig = {},
  ) {
    // Its own client: with the default (WHEN_SUPPORTED) the SDK signs a CRC32 of the empty body
    // into the URL (x-amz-checksum-crc32=AAAAAA==), and S3 would refuse the real upload.
    this.client = new S3Client({ ...config, requestChecksumCalculation: "WHEN_REQUIRED" });
  }

  async presign(target: UploadTarget, now: Date, expiresAt: Date): Promise<PresignedUpload> {
    const expiresIn = Math.max(1, Math.round((expiresAt.getTime() - now.getTime()) / 1000));
    const url = await getSignedUrl(
      this.client,
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: target.key,
        ContentType: target.contentType,
        ContentLength: target.size,
      }),
      { expiresIn, signingDate: now, signableHeaders: new Set(["content-type", "content-length"]) },
    );
    return {
      method: "PUT",
      url,
      headers: { "content-type": target.contentType, "content-length": String(target.size) },
      expiresAt: expiresAt.toISOString(),
    };
  }
}

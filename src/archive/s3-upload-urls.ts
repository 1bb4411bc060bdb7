import { GetObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { checksumSha256Header, type PresignedUpload, type UploadTarget, type UploadUrls } from "./uploads.js";

/** The headers a presigned scan upload signs, so the PUT must send each with the value signed. */
export const SIGNED_UPLOAD_HEADERS = [
  "content-length",
  "content-type",
  "if-none-match",
  "x-amz-checksum-sha256",
] as const;

/**
 * AWS mode: an S3 presigned PUT (SigV4, query-string auth) on the blob bucket. Signed headers:
 * - Content-Type and Content-Length: S3 refuses a PUT of another type or size (403);
 * - x-amz-checksum-sha256: the bucket has Object Lock, where S3 requires a checksum
 *   (Content-MD5 or x-amz-checksum-*); S3 also refuses bytes whose SHA-256 differs (400
 *   BadDigest), so the content-addressed key cannot hold other content;
 * - If-None-Match: * : the bucket policy refuses any PutObject under archive/scans/ without it
 *   (write-once); a scan stored before answers 412 and stays as it is.
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
        ChecksumSHA256: checksumSha256Header(target.sha256),
        IfNoneMatch: "*",
      }),
      {
        expiresIn,
        signingDate: now,
        signableHeaders: new Set(SIGNED_UPLOAD_HEADERS),
        // Kept as headers (not hoisted into the query), so S3 checks the body against the checksum.
        unhoistableHeaders: new Set(["x-amz-checksum-sha256"]),
      },
    );
    return {
      method: "PUT",
      url,
      headers: {
        "content-type": target.contentType,
        "content-length": String(target.size),
        "if-none-match": "*",
        "x-amz-checksum-sha256": checksumSha256Header(target.sha256),
      },
      expiresAt: expiresAt.toISOString(),
    };
  }

  /** A presigned GET (SigV4 query auth) that S3 answers with the file as an attachment. */
  async presignDownload(key: string, filename: string, now: Date, expiresAt: Date): Promise<string> {
    const expiresIn = Math.max(1, Math.round((expiresAt.getTime() - now.getTime()) / 1000));
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
      }),
      { expiresIn, signingDate: now },
    );
  }
}

import { createHash } from "node:crypto";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { checkBlobDelete, checkBlobPut, STAGING_PREFIX } from "../blob-policy.js";
import { StorageRequestError } from "../errors.js";
import type { Blob, BlobMetadata, BlobPutOptions, BlobStore } from "../ports.js";
import { validateBlobKey } from "../validation.js";
import { awsErrorCode, mapAwsError } from "./errors.js";

/** User metadata key (x-amz-meta-sha256) holding the hex SHA-256 of the content. */
const SHA256_META = "sha256";

/**
 * BlobStore on one S3 bucket. S3 PutObject is atomic per object, so readers see the old or the
 * new content; `ifAbsent` is a conditional write (If-None-Match: *), which S3 answers with 412.
 */
export class S3BlobStore implements BlobStore {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #stagingBucket: string | undefined;
  readonly #writeOnce: readonly string[];

  /**
   * `stagingBucketName`: keys under `staging/` (blob-policy.ts) live in that bucket, which has no
   * Object Lock, so deleting a staged blob frees it. `writeOncePrefixes`: refused an overwrite or a
   * delete before the request is sent, as the bucket policy would refuse it.
   */
  constructor(
    client: S3Client,
    bucketName: string,
    options: { stagingBucketName?: string | undefined; writeOncePrefixes?: readonly string[] } = {},
  ) {
    this.#client = client;
    this.#bucket = bucketName;
    this.#stagingBucket = options.stagingBucketName || undefined;
    this.#writeOnce = options.writeOncePrefixes ?? [];
  }

  #bucketOf(key: string): string {
    return this.#stagingBucket && key.startsWith(STAGING_PREFIX) ? this.#stagingBucket : this.#bucket;
  }

  async put(key: string, bytes: Uint8Array, options: BlobPutOptions): Promise<BlobMetadata> {
    validateBlobKey(key);
    if (typeof options.contentType !== "string" || options.contentType.length === 0) {
      throw new StorageRequestError("contentType must be a non-empty string");
    }
    checkBlobPut(key, options, this.#writeOnce);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    await this.#send(`put blob ${key}`, () =>
      this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucketOf(key),
          Key: key,
          Body: bytes,
          ContentType: options.contentType,
          CacheControl: options.cacheControl,
          Metadata: { [SHA256_META]: sha256 },
          IfNoneMatch: options.ifAbsent ? "*" : undefined,
        }),
      ),
    );
    return { contentType: options.contentType, size: bytes.byteLength, sha256 };
  }

  async get(key: string): Promise<Blob | undefined> {
    validateBlobKey(key);
    const result = await this.#sendOrMissing(`get blob ${key}`, () =>
      this.#client.send(new GetObjectCommand({ Bucket: this.#bucketOf(key), Key: key })),
    );
    if (!result?.Body) return undefined;
    const bytes = await result.Body.transformToByteArray();
    return {
      bytes,
      contentType: result.ContentType ?? "application/octet-stream",
      size: bytes.byteLength,
      // Objects written by other tools lack the metadata: hash the bytes we have anyway.
      sha256: result.Metadata?.[SHA256_META] ?? createHash("sha256").update(bytes).digest("hex"),
    };
  }

  async head(key: string): Promise<BlobMetadata | undefined> {
    validateBlobKey(key);
    const result = await this.#sendOrMissing(`head blob ${key}`, () =>
      this.#client.send(new HeadObjectCommand({ Bucket: this.#bucketOf(key), Key: key })),
    );
    if (!result) return undefined;
    const sha256 = result.Metadata?.[SHA256_META];
    if (sha256 === undefined) {
      // Not written through this store: the digest needs the content.
      const blob = await this.get(key);
      return blob && { contentType: blob.contentType, size: blob.size, sha256: blob.sha256 };
    }
    return {
      contentType: result.ContentType ?? "application/octet-stream",
      size: result.ContentLength ?? 0,
      sha256,
    };
  }

  async delete(key: string): Promise<void> {
    validateBlobKey(key);
    checkBlobDelete(key, this.#writeOnce);
    await this.#send(`delete blob ${key}`, () =>
      this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucketOf(key), Key: key })),
    );
  }

  async list(prefix: string): Promise<string[]> {
    const keys = await this.#listBucket(this.#bucket, prefix);
    const staging = this.#stagingBucket;
    if (staging && (prefix.startsWith(STAGING_PREFIX) || STAGING_PREFIX.startsWith(prefix))) {
      const staged = await this.#listBucket(staging, prefix);
      const others = keys.filter((k) => !k.startsWith(STAGING_PREFIX));
      return [...others, ...staged.filter((k) => k.startsWith(STAGING_PREFIX))].sort(compareUtf8);
    }
    return keys;
  }

  async #listBucket(bucket: string, prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.#send(`list blobs ${prefix}`, () =>
        this.#client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix || undefined,
            ContinuationToken: token,
          }),
        ),
      );
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    // S3 lists in UTF-8 byte order; sorting again guarantees it for emulators that do not.
    return keys.sort(compareUtf8);
  }

  async #send<R>(action: string, call: () => Promise<R>): Promise<R> {
    try {
      return await call();
    } catch (error) {
      throw mapAwsError(error, action);
    }
  }

  async #sendOrMissing<R>(action: string, call: () => Promise<R>): Promise<R | undefined> {
    try {
      return await call();
    } catch (error) {
      const code = awsErrorCode(error);
      if (code === "NoSuchKey" || code === "NotFound") return undefined;
      throw mapAwsError(error, action);
    }
  }
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

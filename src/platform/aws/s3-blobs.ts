import { createHash } from "node:crypto";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
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

  constructor(client: S3Client, bucketName: string) {
    this.#client = client;
    this.#bucket = bucketName;
  }

  async put(key: string, bytes: Uint8Array, options: BlobPutOptions): Promise<BlobMetadata> {
    validateBlobKey(key);
    if (typeof options.contentType !== "string" || options.contentType.length === 0) {
      throw new StorageRequestError("contentType must be a non-empty string");
    }
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    await this.#send(`put blob ${key}`, () =>
      this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
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
      this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key })),
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
      this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key })),
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
    await this.#send(`delete blob ${key}`, () =>
      this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key })),
    );
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.#send(`list blobs ${prefix}`, () =>
        this.#client.send(
          new ListObjectsV2Command({
            Bucket: this.#bucket,
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

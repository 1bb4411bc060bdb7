import { randomUUID } from "node:crypto";
import { GetObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { SPILLED_RESPONSE_PREFIX } from "../blob-policy.js";

/** How long the link to a spilled answer works. */
export const SPILLED_RESPONSE_LINK_SECONDS = 15 * 60;

/** An answer's bytes and the headers a client needs to read them as the answer. */
export interface SpilledBody {
  readonly bytes: Uint8Array;
  readonly contentType?: string | undefined;
  readonly contentDisposition?: string | undefined;
}

/** Keeps an answer for a while and says where a client reads it. */
export interface ResponseSpill {
  /** Stores the answer; resolves to a URL that serves it, with its headers, until `now` + the link's life. */
  put(body: SpilledBody, now: Date): Promise<string>;
}

/**
 * S3: the answer is put under `responses/<day>/<random>` of the staging bucket (SPILLED_RESPONSE_PREFIX,
 * emptied by a lifecycle rule after a day) and read back through a presigned GET
 * (SigV4 query auth, 15 minutes), so only the client that was answered has the link. The object
 * keeps the answer's Content-Type and Content-Disposition (a CSV stays a download with its name;
 * the link also asks S3 for that disposition) and is never cached.
 */
export class S3ResponseSpill implements ResponseSpill {
  readonly #client: S3Client;
  readonly #bucket: string;

  constructor(bucket: string, config: S3ClientConfig = {}) {
    this.#bucket = bucket;
    // Its own client: checksums only where S3 requires them, so the presigned GET carries no
    // checksum header that a browser would not send (as S3UploadUrls does for the archive).
    this.#client = new S3Client({
      ...config,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  async put(body: SpilledBody, now: Date): Promise<string> {
    const key = `${SPILLED_RESPONSE_PREFIX}${now.toISOString().slice(0, 10)}/${randomUUID()}`;
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: key,
        Body: body.bytes,
        ContentLength: body.bytes.byteLength,
        ContentType: body.contentType,
        ContentDisposition: body.contentDisposition,
        CacheControl: "private, no-store",
      }),
    );
    // The disposition also as S3's response-content-disposition override, signed into the link.
    const get = new GetObjectCommand({
      Bucket: this.#bucket,
      Key: key,
      ResponseContentDisposition: body.contentDisposition,
    });
    return getSignedUrl(this.#client, get, {
      expiresIn: SPILLED_RESPONSE_LINK_SECONDS,
      signingDate: now,
    });
  }
}

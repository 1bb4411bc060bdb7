/**
 * Direct uploads of large scans (API Gateway caps a request at 10 MB; scanned editions run to
 * hundreds). The client hashes the file and asks for an upload (POST /api/archive/uploads with
 * its SHA-256), PUTs the file to the URL it gets, then submits the returned key to
 * POST /api/archive/scans as `{keys: […]}`.
 *
 * The key is the scan's final, content-addressed place (`archive/scans/<sha256>.<ext>`): the
 * file is stored once, where the job and the public download link find it. The URL allows only
 * those bytes (the SHA-256 is signed: S3 checks x-amz-checksum-sha256, the embedded receiver
 * hashes the body) and only a first write (If-None-Match: *), as the bucket policy demands.
 *
 * The port hides where the URL points: S3 presigned PUT (s3-upload-urls.ts) in AWS, the app's
 * own `PUT /api/archive/uploads/{token}` (EmbeddedUploadUrls below) locally.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * What an upload URL allows: one PUT of exactly `size` bytes of `contentType` whose SHA-256 is
 * `sha256` (hex) to `key`, and only where nothing is stored yet.
 */
export interface UploadTarget {
  readonly key: string;
  readonly size: number;
  readonly contentType: string;
  readonly sha256: string;
}

/** The SHA-256 as S3's checksum headers carry it (x-amz-checksum-sha256): base64 of the digest. */
export function checksumSha256Header(hex: string): string {
  return Buffer.from(hex, "hex").toString("base64");
}

export interface PresignedUpload {
  readonly method: "PUT";
  /** Absolute (S3) or relative to the API (embedded). */
  readonly url: string;
  /** Headers the PUT must send (the signature covers them). */
  readonly headers: Readonly<Record<string, string>>;
  readonly expiresAt: string;
}

export interface UploadUrls {
  presign(target: UploadTarget, now: Date, expiresAt: Date): Promise<PresignedUpload>;
  /**
   * A short-lived URL that downloads the stored object `key` straight from the store (saved as
   * `filename`), so a large scan never passes through the app (Lambda answers at most 6 MB).
   * Left out (embedded mode), the app serves the file itself.
   */
  presignDownload?(key: string, filename: string, now: Date, expiresAt: Date): Promise<string>;
}

/** Download URLs are valid this long: enough to start the download, too short to pass around. */
export const DOWNLOAD_TTL_SECONDS = 5 * 60;

/** An UploadUrls whose URLs the app serves itself: it checks the tokens it issued. */
export interface UploadReceiver extends UploadUrls {
  /** The target a token allows, or undefined when the token is forged, malformed or expired. */
  verify(token: string, now: Date): UploadTarget | undefined;
}

export function isUploadReceiver(urls: UploadUrls): urls is UploadReceiver {
  return typeof (urls as Partial<UploadReceiver>).verify === "function";
}

/** Upload URLs are valid this long. */
export const UPLOAD_TTL_SECONDS = 15 * 60;

/** A file name safe in a blob key and a URL: ASCII letters, digits, `.`, `_`, `-`; at most 100 characters. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = base
    .normalize("NFKC")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._]+/, "")
    .slice(-100);
  return cleaned.replace(/^[._]+/, "") || "upload";
}

interface TokenPayload {
  readonly k: string;
  readonly s: number;
  readonly t: string;
  /** SHA-256, hex. */
  readonly h: string;
  /** Expiry, epoch milliseconds. */
  readonly e: number;
}

/**
 * Embedded mode: the URL is `/api/archive/uploads/{token}`, the token an HMAC-SHA256-signed
 * {key, size, contentType, sha256, exp} under a secret kept in the data directory. The headers
 * are S3's, so a client sends the same request to either.
 */
export class EmbeddedUploadUrls implements UploadReceiver {
  readonly #secret: Buffer;

  constructor(secret: Uint8Array) {
    if (secret.byteLength < 16) throw new Error("The upload secret must be at least 16 bytes");
    this.#secret = Buffer.from(secret);
  }

  async presign(target: UploadTarget, _now: Date, expiresAt: Date): Promise<PresignedUpload> {
    const payload: TokenPayload = {
      k: target.key,
      s: target.size,
      t: target.contentType,
      h: target.sha256,
      e: expiresAt.getTime(),
    };
    const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
    return {
      method: "PUT",
      url: `/api/archive/uploads/${body}.${this.#sign(body)}`,
      headers: {
        "content-type": target.contentType,
        "if-none-match": "*",
        "x-amz-checksum-sha256": checksumSha256Header(target.sha256),
      },
      expiresAt: expiresAt.toISOString(),
    };
  }

  verify(token: string, now: Date): UploadTarget | undefined {
    const [body, signature, ...rest] = token.split(".");
    if (!body || !signature || rest.length) return undefined;
    const expected = Buffer.from(this.#sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let payload: TokenPayload;
    try {
      payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as TokenPayload;
    } catch {
      return undefined;
    }
    if (typeof payload.e !== "number" || payload.e <= now.getTime()) return undefined;
    if (typeof payload.h !== "string") return undefined;
    return { key: payload.k, size: payload.s, contentType: payload.t, sha256: payload.h };
  }

  #sign(body: string): string {
    return createHmac("sha256", this.#secret).update(body).digest("base64url");
  }
}

/** The data directory's upload secret (created on first use, mode 0600), so tokens survive restarts. */
export function loadUploadSecret(dataDir: string): Uint8Array {
  const path = join(dataDir, "upload-secret");
  if (existsSync(path)) {
    const secret = Buffer.from(readFileSync(path, "utf8").trim(), "base64url");
    if (secret.byteLength >= 16) return secret;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${secret.toString("base64url")}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return secret;
}

/**
 * What may happen to a blob, by key prefix — one rule for both adapter sets.
 *
 * Write-once prefixes hold the published record (edition files and manifests, documents' content
 * and files, uploaded originals, archive scans): an object there is written once, with `ifAbsent`,
 * and never overwritten or deleted. In AWS the blob bucket's policy denies everything else (and
 * Object Lock keeps every version); the adapters refuse the same requests before sending them, so
 * the embedded store fails exactly where S3 would and a cleanup that could never work in AWS is
 * caught by the local tests.
 *
 * Staging is where a request puts what it may still have to take back: a long document's content
 * and an uploaded original are staged under `staging/<owner>/<final key>` until the record that
 * refers to them is committed, then promoted (written once under the final key) and the staged copy
 * deleted. A refused or failed request deletes its staged blobs; a crashed one leaves an outbox
 * entry whose relay deletes them (platform/outbox.ts). In AWS staging is a bucket of its own
 * (no Object Lock, so a delete really frees the bytes) whose lifecycle rule also expires anything
 * left there after STAGED_BLOB_EXPIRY_DAYS.
 */
import { StorageRequestError } from "./errors.js";
import type { BlobPutOptions } from "./ports.js";

export const WRITE_ONCE_PREFIXES: readonly string[] = [
  "editions/",
  "documents/",
  "originals/",
  "archive/scans/",
];

export const STAGING_PREFIX = "staging/";

/**
 * Lifecycle expiry of the AWS staging bucket: a backstop for entries the relay could not handle.
 * The relay promotes a committed document's staged blobs within minutes (it runs every minute) and
 * deletes a failed request's after OUTBOX_ABANDON_AFTER_SECONDS; this is far longer than both.
 */
export const STAGED_BLOB_EXPIRY_DAYS = 14;

/**
 * AWS: API answers too large for Lambda (src/runtime/lambda/response-spill.ts) are kept under this
 * prefix of the staging bucket, for SPILLED_RESPONSE_EXPIRY_DAYS (a lifecycle rule); the client's
 * link to one works for 15 minutes.
 */
export const SPILLED_RESPONSE_PREFIX = "responses/";
export const SPILLED_RESPONSE_EXPIRY_DAYS = 1;

/** A write or delete the write-once rule forbids. Not retryable: it is a bug in the caller. */
export class WriteOnceViolationError extends StorageRequestError {}

export function isWriteOnce(key: string, prefixes: readonly string[] = WRITE_ONCE_PREFIXES): boolean {
  return prefixes.some((prefix) => key.startsWith(prefix));
}

/** Where `owner` (a document id, a job id) stages the blob that will live under `finalKey`. */
export function stagingKey(owner: string, finalKey: string): string {
  return `${STAGING_PREFIX}${owner}/${finalKey}`;
}

export function isStaged(key: string): boolean {
  return key.startsWith(STAGING_PREFIX);
}

export function checkBlobPut(key: string, options: BlobPutOptions, prefixes: readonly string[]): void {
  if (!options.ifAbsent && isWriteOnce(key, prefixes)) {
    throw new WriteOnceViolationError(`blob ${key} is write-once: write it with ifAbsent`);
  }
}

export function checkBlobDelete(key: string, prefixes: readonly string[]): void {
  if (isWriteOnce(key, prefixes)) {
    throw new WriteOnceViolationError(`blob ${key} is write-once and cannot be deleted`);
  }
}

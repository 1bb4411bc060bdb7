import type { IGrantable } from "aws-cdk-lib/aws-iam";
import type { IQueue } from "aws-cdk-lib/aws-sqs";

/**
 * What each function's code does with the blob bucket and the table, by key prefix: the source
 * of the IAM policies GazetteData builds (and of tests/infra/least-privilege.test.ts, which
 * checks the synthesised roles against its own copy of this table).
 *
 * Derived from the code that runs in each function (src/platform/aws/s3-blobs.ts issues
 * GetObject, HeadObject — allowed by s3:GetObject — PutObject and DeleteObject; DeleteObject is
 * granted only on staged blobs, in the staging bucket: nothing under a write-once prefix is ever
 * deleted, and the bucket policy forbids it anyway):
 * - api: document intake (the submitters' JSON submissions) writes `originals/` and
 *   `documents/<id>/content.json`; the public site reads `editions/` (indexes, manifests) and
 *   `documents/` (texts); the archive pages read `archive/jobs/<job>/pages/`, `archive/items/`
 *   and `archive/scans/` (a scan's download URL is presigned with this role, after a HeadObject).
 *   Publishing runs behind the queue (GAZETTE_PUBLISHING=queued): the API writes no `editions/`.
 * - console (the console function): the document page reads the original as received
 *   (`originals/`, a submission's .docx too) and the content (`documents/`); the archive review
 *   reads pages, items and scans (presigned downloads) and its corrections write
 *   `archive/items/`; the editions' pages read `editions/`. It stages nothing; it reads an original
 *   from staging until it is promoted.
 * - archiveApi (the archive's editor API, /api/archive/…): ingest writes `archive/scans/`
 *   (multipart scans; direct uploads are signed with this role) and `archive/jobs/<job>/texts/`,
 *   and reads `archive/scans/` back to check a direct upload; items are read and corrected
 *   (`archive/items/`).
 * - publisher: reads documents' content (`documents/`) and the manifest of an edition already
 *   published (`editions/`); writes edition PDFs, indexes and manifests (`editions/`) and
 *   per-document PDFs and canonical texts (`documents/<id>.pdf|.json`).
 * - archive: reads scans (`archive/scans/`), submitted texts (`archive/jobs/`) and items
 *   (`archive/items/`); writes page images and hOCR (`archive/jobs/`) and item texts
 *   (`archive/items/`).
 * - events (site copy), repost fan-out and delivery: read-only, see GazetteData's
 *   `sitePublishPolicy` and `documentContentReadPolicy`.
 * - Staging (src/platform/blob-policy.ts), a bucket of its own: intake (api) stages a long
 *   document's content and an uploaded original there, reads it back until it is promoted, and
 *   deletes it after promotion or when the request fails; archive ingest (archiveApi) does the same with
 *   multipart scans and submitted texts, which units (archive) read from staging until promoted;
 *   the tick's outbox relay promotes what a request left staged (reads it, writes `documents/`,
 *   `originals/`, `archive/scans/` and `archive/jobs/`) or deletes it. The only
 *   s3:DeleteObject anyone holds, and only there.
 */
export interface BlobAccess {
  /** Key prefixes the function reads (GetObject, HeadObject). */
  readonly read: readonly string[];
  /** Key prefixes the function writes (PutObject). */
  readonly write: readonly string[];
  /** What the function does in the staging bucket (GetObject, PutObject, DeleteObject, under staging/). */
  readonly staging?: readonly ("read" | "write" | "delete")[];
}

export const BLOB_ACCESS = {
  api: {
    read: ["documents/", "editions/", "archive/scans/", "archive/jobs/", "archive/items/"],
    write: ["originals/", "documents/"],
    staging: ["read", "write", "delete"],
  },
  // The console function: reads for its pages, the archive review's corrections.
  console: {
    read: ["documents/", "editions/", "originals/", "archive/scans/", "archive/jobs/", "archive/items/"],
    write: ["archive/items/"],
    // A document's original is read from staging until the outbox relay has promoted it.
    staging: ["read"],
  },
  // The archive's editor API: stages multipart scans and submitted texts, reads them until
  // promoted (as intake does), writes them under archive/scans/ and archive/jobs/.
  archiveApi: {
    read: ["archive/scans/", "archive/items/"],
    write: ["archive/scans/", "archive/jobs/", "archive/items/"],
    staging: ["read", "write", "delete"],
  },
  // Document intake (POST /api/documents): stages content and .docx originals, reads them until
  // promoted, writes them under documents/ and originals/.
  documents: {
    read: ["documents/"],
    write: ["originals/", "documents/"],
    staging: ["read", "write", "delete"],
  },
  // Previews read the documents' content; they write nothing.
  preview: {
    read: ["documents/", "editions/"],
    write: [],
  },
  publisher: {
    read: ["documents/", "editions/"],
    write: ["documents/", "editions/"],
  },
  archive: {
    read: ["archive/scans/", "archive/jobs/", "archive/items/"],
    write: ["archive/jobs/", "archive/items/"],
    // Page units read an uploaded scan from staging until ingest (or the tick) has promoted it.
    staging: ["read"],
  },
  // The migrations: the 发文字号 re-key reads long documents' content (`documents/`); the log
  // backfill checks that each published edition's manifest is there (`editions/`). No writes.
  migrate: {
    read: ["documents/", "editions/"],
    write: [],
  },
  tick: {
    read: [],
    write: ["documents/", "originals/", "archive/scans/", "archive/jobs/"],
    staging: ["read", "delete"],
  },
} as const satisfies Record<string, BlobAccess>;

export type BlobAccessName = keyof typeof BLOB_ACCESS;

/**
 * Item-level table actions: exactly what src/platform/aws/dynamo-records.ts sends (GetItem,
 * UpdateItem — every put is a conditional UpdateItem —, DeleteItem, Query). No Scan, no batch or
 * transaction calls, no PutItem; CreateTable/DescribeTable are used only by local tooling.
 */
export const TABLE_ITEM_ACTIONS: readonly string[] = [
  "dynamodb:DeleteItem",
  "dynamodb:GetItem",
  "dynamodb:Query",
  "dynamodb:UpdateItem",
];

/**
 * What a producer needs on a queue: src/platform/aws/sqs-queue.ts sends with SendMessageBatch,
 * which IAM authorises as sqs:SendMessage. Consumers get their receive/delete permissions from
 * their Lambda event source mapping; no function reads queue attributes or URLs at run time.
 */
export const QUEUE_SEND_ACTIONS: readonly string[] = ["sqs:SendMessage"];

/** Lets `grantee` send to `queue`, nothing more (grantSendMessages would add GetQueueAttributes/GetQueueUrl). */
export function grantSend(queue: IQueue, grantee: IGrantable): void {
  queue.grant(grantee, ...QUEUE_SEND_ACTIONS);
}

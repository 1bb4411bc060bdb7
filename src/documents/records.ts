import { stagingKey } from "../platform/blob-policy.js";
import type { Platform, RecordPage, RecordStore } from "../platform/ports.js";
import { queryShards, type ShardSource, shardOf, shardPartitions } from "../platform/sharded.js";
import { docNumberKey } from "./doc-number.js";
import type { GazetteDocument } from "./model.js";

/** Record layout of the documents module in the single table. */

/**
 * Every document is listed in gsi1 under one of SHARDS partitions `DOCUMENTS#<shard>` (the shard a
 * hash of its id), sorted by `<receivedAt>#<id>`: intake's writes spread over the shards instead of
 * all landing on one partition, and the console's listing merges the shards (documentPage).
 * Releases before the shards listed every document under `DOCUMENTS` itself; the migration
 * `documents-index-keys` (src/migrations) moves them, and readers still merge that partition in.
 */
export const DOCUMENTS_INDEX = "DOCUMENTS";

/** The gsi1 partition a document is listed under. */
export function documentsIndexPartition(id: string): string {
  return `${DOCUMENTS_INDEX}#${shardOf(id)}`;
}

/** Where every document is listed: the shards, and the one partition of older releases. */
export const DOCUMENTS_SOURCES: readonly ShardSource[] = [
  { partition: DOCUMENTS_INDEX, index: "gsi1" },
  ...shardPartitions(DOCUMENTS_INDEX).map((partition) => ({ partition, index: "gsi1" as const })),
];

/** A page of every document (records), newest received first by default, with a cursor to the next. */
export function documentPage(
  records: RecordStore,
  options: { limit: number; cursor?: string | undefined; descending?: boolean; until?: string | undefined },
): Promise<RecordPage<StoredDocument>> {
  return queryShards<StoredDocument>(records, DOCUMENTS_INDEX, DOCUMENTS_SOURCES, {
    descending: true,
    ...options,
  });
}

export function docKeys(id: string) {
  return { pk: `DOC#${id}`, sk: "DOC" };
}

/** The uniqueness guard for (issuer, normalised 发文字号). */
export function docNumberClaimKey(issuer: string, docNumber: string) {
  return { pk: `DOCNUM#${issuer.trim()}#${docNumberKey(docNumber)}`, sk: "CLAIM" };
}

/**
 * gsi1 partition of an issuer's documents: every (issuer, 发文字号) claim is listed under its
 * issuer, newest received last, so that what one issuing body sent is read without scanning every
 * document (the completeness register, src/submitters/register.ts).
 */
export function issuerDocumentsIndex(issuer: string): string {
  return `ISSUERDOCS#${issuer.trim()}`;
}

/** The claim of (issuer, 发文字号) for a document, listed in its issuer's index. */
export function docNumberClaimRecord(
  issuer: string,
  doc: { readonly id: string; readonly receivedAt: string; readonly docNumber: string },
) {
  return {
    ...docNumberClaimKey(issuer, doc.docNumber),
    data: { documentId: doc.id, claimedAt: doc.receivedAt },
    index: { gsi1pk: issuerDocumentsIndex(issuer), gsi1sk: `${doc.receivedAt}#${doc.id}` },
  };
}

/**
 * DynamoDB items stop at 400 KB, and a long 规划 or 条例 with attachments can pass that. Its
 * content (blocks, attachments, interpretations) then lives in a write-once blob and the record
 * keeps the metadata and the blob key.
 */
export const INLINE_CONTENT_LIMIT_BYTES = 200 * 1024;

type DocumentContent = Pick<GazetteDocument, "blocks" | "attachments" | "interpretations">;

/** The document record as stored: the document, or its metadata plus `contentBlob`. */
export type StoredDocument = GazetteDocument & { readonly contentBlob?: string };

export function contentBlobKey(id: string): string {
  return `documents/${id}/content.json`;
}

/** Splits a document for storage when its content is too large to keep inline. */
export function toStoredDocument(document: GazetteDocument): {
  record: StoredDocument;
  content?: { key: string; bytes: Uint8Array };
} {
  const { blocks, attachments, interpretations } = document;
  const contentJson = JSON.stringify({ blocks, attachments, interpretations } satisfies DocumentContent);
  if (Buffer.byteLength(contentJson) <= INLINE_CONTENT_LIMIT_BYTES) return { record: document };
  const key = contentBlobKey(document.id);
  return {
    record: { ...document, blocks: [], attachments: [], interpretations: [], contentBlob: key },
    content: { key, bytes: new TextEncoder().encode(contentJson) },
  };
}

/** Reads a document record and, where its content was spilled, its content blob. */
export async function readDocument(platform: Pick<Platform, "records" | "blobs">, id: string) {
  const record = await platform.records.get<StoredDocument>(docKeys(id));
  if (!record) return undefined;
  const { contentBlob, ...document } = record.data;
  if (!contentBlob) return { document: document as GazetteDocument, version: record.version };
  // Until intake (or the outbox relay) has promoted it, the content is still staged.
  const blob =
    (await platform.blobs.get(contentBlob)) ?? (await platform.blobs.get(stagingKey(id, contentBlob)));
  if (!blob) throw new Error(`Document ${id}: content blob ${contentBlob} is missing`);
  const content = JSON.parse(new TextDecoder().decode(blob.bytes)) as DocumentContent;
  return { document: { ...document, ...content } as GazetteDocument, version: record.version };
}

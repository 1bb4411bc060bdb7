/**
 * The index of accepted documents: what waits to be placed in an edition. The console's home
 * page counts them and an edition page offers them; without it both read every document stored
 * (10,000 documents: 2 s a page).
 *
 * It lives in the record store's sparse secondary index (gsi2, as the repost due index does):
 * a document record carries gsi2 keys exactly while its state is `accepted`, and every write of
 * the record recomputes them (`documentIndexKeys`), so a document leaves the index when it is
 * placed and comes back when it is taken out of a draft.
 *
 *   gsi2pk ACCEPTED#<shard>   gsi2sk <receivedAt>#<id>
 *
 * `shard` (a hash of the id) spreads intake's writes over ACCEPTED_SHARDS DynamoDB partitions,
 * so a busy intake day does not write every accepted document to one partition. Reading the
 * newest N queries every shard for its newest N and merges them.
 */
import { createHash } from "node:crypto";
import { backfillToEnd } from "../platform/backfill.js";
import { ConditionFailedError } from "../platform/errors.js";
import type { Platform, RecordIndexKeys, RecordStore } from "../platform/ports.js";
import type { DocumentSummary, GazetteDocument } from "./model.js";
import { summarize } from "./model.js";
import { docKeys, documentPage, documentsIndexPartition, type StoredDocument } from "./records.js";

export const ACCEPTED_INDEX = "gsi2";
export const ACCEPTED_SHARDS = 8;
const ACCEPTED_PREFIX = "ACCEPTED#";

export function acceptedShard(id: string): number {
  return createHash("sha256").update(id).digest()[0]! % ACCEPTED_SHARDS;
}

export function acceptedPartition(shard: number): string {
  return `${ACCEPTED_PREFIX}${shard}`;
}

/** A document record's index keys: every document in gsi1 (by receipt), accepted ones in gsi2. */
export function documentIndexKeys(
  doc: Pick<GazetteDocument, "id" | "receivedAt" | "state">,
): RecordIndexKeys {
  const sortKey = `${doc.receivedAt}#${doc.id}`;
  return {
    gsi1pk: documentsIndexPartition(doc.id),
    gsi1sk: sortKey,
    ...(doc.state === "accepted"
      ? { gsi2pk: acceptedPartition(acceptedShard(doc.id)), gsi2sk: sortKey }
      : {}),
  };
}

export interface AcceptedPage {
  /** Newest received first. */
  readonly items: DocumentSummary[];
  /** True when more accepted documents wait than `items` holds. */
  readonly more: boolean;
  /** With `more`: where the next (older) page starts, as `before`. */
  readonly next?: string | undefined;
}

/** Which accepted documents to read (DocumentIntake.accepted, acceptedDocuments). */
export interface AcceptedQuery {
  readonly limit: number;
  /** Only documents of this disclosure attribute. */
  readonly disclosure?: string | undefined;
  /** The `next` of the page before: only documents received before it. */
  readonly before?: string | undefined;
}

/**
 * The accepted documents' reader without the rest of intake (its validation, .docx reader and
 * idempotency): what the preview function's console pages list (src/runtime/lambda/api-preview.ts).
 */
export function acceptedDocuments(records: RecordStore) {
  return {
    accepted: ({ limit, disclosure, before }: AcceptedQuery): Promise<AcceptedPage> =>
      newestAccepted(
        records,
        limit,
        disclosure ? (doc) => doc.disclosure.attribute === disclosure : undefined,
        before,
      ),
  };
}

/**
 * The newest `limit` accepted documents (and whether there are more), optionally only those a
 * filter keeps (reads on past filtered-out ones, a shard page at a time, until `limit` are kept),
 * and optionally only those received before `before` (the `next` of the page before).
 */
export async function newestAccepted(
  records: RecordStore,
  limit: number,
  keep: (doc: GazetteDocument) => boolean = () => true,
  before?: string,
): Promise<AcceptedPage> {
  type Shard = { buffer: GazetteDocument[]; sortKeys: string[]; cursor?: string | undefined; done: boolean };
  const shards: Shard[] = Array.from({ length: ACCEPTED_SHARDS }, () => ({
    buffer: [],
    sortKeys: [],
    done: false,
  }));
  const refill = async (shard: Shard, n: number) => {
    const page = await records.query<StoredDocument>(acceptedPartition(shards.indexOf(shard)), {
      index: ACCEPTED_INDEX,
      descending: true,
      limit: n,
      cursor: shard.cursor,
      until: before,
    });
    for (const item of page.items) {
      const sortKey = item.index?.gsi2sk ?? `${item.data.receivedAt}#${item.data.id}`;
      // A record can be read in the moment its state moved on (the index follows each write).
      if (item.data.state !== "accepted" || sortKey === before) continue;
      shard.buffer.push(item.data);
      shard.sortKeys.push(sortKey);
    }
    shard.cursor = page.cursor;
    shard.done = !page.cursor;
  };
  // Each shard holds about 1/ACCEPTED_SHARDS of the documents: read that share of what is still
  // wanted, and more from a shard only when the merge has used up what was read from it.
  const chunk = () => Math.ceil((limit - items.length + 1) / ACCEPTED_SHARDS) + 1;
  const items: DocumentSummary[] = [];
  let last: string | undefined;
  for (;;) {
    // Merge: take the newest head among the shards, each shard's buffer being its newest left.
    for (
      let empty = shards.filter((s) => s.buffer.length === 0 && !s.done);
      empty.length;
      empty = shards.filter((s) => s.buffer.length === 0 && !s.done)
    )
      await Promise.all(empty.map((s) => refill(s, chunk())));
    let best: Shard | undefined;
    for (const s of shards) if (s.buffer.length && (!best || s.sortKeys[0]! > best.sortKeys[0]!)) best = s;
    if (!best) return { items, more: false };
    const doc = best.buffer.shift()!;
    const sortKey = best.sortKeys.shift()!;
    if (!keep(doc)) continue;
    if (items.length === limit) return { items, more: true, next: last };
    items.push(summarize(doc));
    last = sortKey;
  }
}

/**
 * One step of giving every document the index keys this release writes (migration
 * `documents-index-keys`): a page of documents from `cursor` (every partition they are listed
 * under, the one partition of older releases included); each whose keys differ is rewritten under
 * its version (a concurrent write wins and already carries the keys). `indexed`: documents that
 * entered or left the accepted index; `moved`: documents moved to their shard of the listing.
 */
export async function documentIndexKeysStep(
  records: RecordStore,
  cursor: string | undefined,
  limit = 100,
): Promise<{ cursor: string | undefined; counts: { indexed: number; moved: number } }> {
  const page = await documentPage(records, { limit, cursor, descending: false });
  let indexed = 0;
  let moved = 0;
  for (const item of page.items) {
    const wanted = documentIndexKeys(item.data);
    const gsi2 = item.index?.gsi2pk !== wanted.gsi2pk || item.index?.gsi2sk !== wanted.gsi2sk;
    const gsi1 = item.index?.gsi1pk !== wanted.gsi1pk || item.index?.gsi1sk !== wanted.gsi1sk;
    if (!gsi1 && !gsi2) continue;
    try {
      await records.put(
        { ...docKeys(item.data.id), data: item.data, index: wanted, expiresAt: item.expiresAt },
        { kind: "version", version: item.version },
      );
      if (gsi2) indexed += 1;
      if (gsi1) moved += 1;
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }
  return { cursor: page.cursor, counts: { indexed, moved } };
}

/** Where the index backfill notes that it has run (documents stored before the index existed). */
export const ACCEPTED_INDEX_META = { pk: "META#ACCEPTED_INDEX", sk: "BUILT" } as const;

/**
 * Every step of `documentIndexKeysStep` at once, then notes that it ran (the migration runner
 * does this step by step; this is for tools and tests). Safe to run again.
 */
export async function backfillAcceptedIndex(
  platform: Pick<Platform, "records">,
  options: { readonly force?: boolean } = {},
): Promise<{ readonly skipped: boolean; readonly indexed: number }> {
  return backfillToEnd(platform.records, ACCEPTED_INDEX_META, documentIndexKeysStep, options);
}

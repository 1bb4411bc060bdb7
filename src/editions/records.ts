/**
 * Record layout of the editions module in the single table.
 *
 *   pk EDITION#<cumulative>   sk EDITION     the edition (model.ts `Edition`)
 *       gsi1pk EDITIONS#<shard>  gsi1sk C#<cumulative, 10 digits>   the listing, sharded
 *   pk PLACEMENT#<docId>      sk PLACEMENT   which edition a document is placed in
 *
 * Each edition is its own partition, read by its number (its id); the listing is spread over
 * SHARDS gsi1 partitions (the shard a hash of the number) and merged in number order
 * (`editionPage`), so no partition takes every edition's writes. Releases before kept every edition
 * in the one partition `EDITIONS` (sk C#…); the migration `editions-rekey` (src/migrations) moves
 * them, and until it has run the readers still find them there (`getEdition`, the listing).
 */

import type { RecordPage, RecordStore, StoredRecord } from "../platform/ports.js";
import { queryShards, type ShardSource, shardOf, shardPartitions } from "../platform/sharded.js";
import type { Edition } from "./model.js";

/** The one partition every edition shared before the re-key (legacy; read, never written). */
export const EDITIONS_PARTITION = "EDITIONS";
const CUMULATIVE_DIGITS = 10;

export function editionSortKey(cumulative: number): string {
  return `C#${String(cumulative).padStart(CUMULATIVE_DIGITS, "0")}`;
}

export function editionKeys(cumulative: number) {
  return { pk: `EDITION#${cumulative}`, sk: "EDITION" };
}

/** Where an older release stored the edition. */
export function legacyEditionKeys(cumulative: number) {
  return { pk: EDITIONS_PARTITION, sk: editionSortKey(cumulative) };
}

export function editionIndexKeys(cumulative: number) {
  return {
    gsi1pk: `${EDITIONS_PARTITION}#${shardOf(String(cumulative))}`,
    gsi1sk: editionSortKey(cumulative),
  };
}

/** An edition's record as written: its keys, its data and its listing keys. */
export function editionRecord<E extends Pick<Edition, "cumulative">>(edition: E) {
  return { ...editionKeys(edition.cumulative), data: edition, index: editionIndexKeys(edition.cumulative) };
}

/** Where the editions are listed: the shards, and the one partition of older releases. */
export const EDITIONS_SOURCES: readonly ShardSource[] = [
  { partition: EDITIONS_PARTITION },
  ...shardPartitions(EDITIONS_PARTITION).map((partition) => ({ partition, index: "gsi1" as const })),
];

/** A page of editions by number (oldest first, or newest with `descending`), with a cursor. */
export function editionPage(
  records: RecordStore,
  options: { limit: number; cursor?: string | undefined; descending?: boolean | undefined },
): Promise<RecordPage<Edition>> {
  return queryShards<Edition>(records, EDITIONS_PARTITION, EDITIONS_SOURCES, options);
}

/** The edition with the highest number (or the lowest, `first`). */
export async function lastEdition(
  records: RecordStore,
  which: "last" | "first" = "last",
): Promise<StoredRecord<Edition> | undefined> {
  return (await editionPage(records, { limit: 1, descending: which === "last" })).items[0];
}

/** An edition by number: under its key, or where an older release stored it. */
export async function getEdition(records: RecordStore, cumulative: number) {
  return (
    (await records.get<Edition>(editionKeys(cumulative))) ??
    (await records.get<Edition>(legacyEditionKeys(cumulative)))
  );
}

/** Edition ids are the cumulative number in decimal; undefined for anything else. */
export function cumulativeFromId(id: string): number | undefined {
  if (!/^[1-9][0-9]{0,9}$/.test(id)) return undefined;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The per-document placement claim: one edition per document. */
export function placementKey(documentId: string) {
  return { pk: `PLACEMENT#${documentId}`, sk: "PLACEMENT" };
}

export interface PlacementClaim {
  readonly editionId: string;
  readonly claimedAt: string;
}

/** Blob key of an edition's manifest (write-once). */
export function manifestKey(edition: { readonly year: number; readonly issue: number }): string {
  return `editions/${edition.year}/${edition.issue}.manifest.json`;
}

/**
 * Where the file published at `key` is stored for a publication attempt. Attempt 1 (and editions
 * stored before attempts existed) uses the key itself; a later attempt — after the files of a
 * never-published attempt stopped matching what is rendered now — inserts `@{attempt}` before the
 * first dot of the file name (documents/X.pdf → documents/X@2.pdf), so write-once files of the
 * abandoned attempt are never overwritten and never served. Public URLs do not change.
 */
export function attemptBlobKey(key: string, attempt: number | undefined): string {
  if (!attempt || attempt <= 1) return key;
  const slash = key.lastIndexOf("/");
  const dot = key.indexOf(".", slash + 1);
  return dot < 0 ? `${key}@${attempt}` : `${key.slice(0, dot)}@${attempt}${key.slice(dot)}`;
}

/**
 * Record layout of the editions module in the single table.
 *
 *   pk EDITIONS            sk C#<cumulative, 10 digits>   the edition (model.ts `Edition`)
 *   pk PLACEMENT#<docId>   sk PLACEMENT                   which edition a document is placed in
 *
 * All editions share one partition, ordered by cumulative number: the newest is the last item
 * (a consistent query on the main table), a listing is one descending query, and there are a few
 * dozen editions a year, so the partition stays small.
 */

export const EDITIONS_PARTITION = "EDITIONS";
const CUMULATIVE_DIGITS = 10;

export function editionSortKey(cumulative: number): string {
  return `C#${String(cumulative).padStart(CUMULATIVE_DIGITS, "0")}`;
}

export function editionKeys(cumulative: number) {
  return { pk: EDITIONS_PARTITION, sk: editionSortKey(cumulative) };
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

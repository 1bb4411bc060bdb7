/**
 * The intake queue's filter index: for each document, one small entry (its summary) per
 * combination of the equality filters state, section, disclosure and issuer, in the record store's
 * main table:
 *
 *   pk DOCQ#disclosure=…&issuer=…&section=…&state=…   (the filters of the combination, sorted)
 *   sk <receivedAt>#<id>
 *
 * so a listing filtered by any of them reads one partition, newest first, and every entry matches:
 * a page costs what it shows, whatever the number of documents. A received-date range is a range
 * of the sort key. The remaining filters (kind, year, policy, a part of the title or 发文字号) are
 * checked on the entries read (intake.list, with a bounded scan per request).
 *
 * A document has 2^4 - 1 combinations (the empty one is the DOCUMENTS index), more with joint
 * issuers (each issuer its own). The entries are written with the document record
 * (`writeDocumentRecord`), in the same transaction as far as the store's limit allows; a change of
 * state deletes the entries naming the old state and writes the others with the new summary.
 * The migration `documents-filter-index` (src/migrations) gives documents stored before this index
 * their entries.
 */

import { backfillToEnd } from "../platform/backfill.js";
import { ConditionFailedError } from "../platform/errors.js";
import {
  MAX_TRANSACTION_WRITES,
  type NewRecord,
  type RecordKey,
  type RecordStore,
  type TransactionWrite,
  type WriteCondition,
} from "../platform/ports.js";
import { documentIndexKeys } from "./accepted.js";
import { type DocumentSummary, type GazetteDocument, summarize } from "./model.js";
import { docKeys, documentPage, type StoredDocument } from "./records.js";

/** An entry's data: what the queue shows of a document. */
export type FilterEntry = DocumentSummary & { readonly docNumberNormalized?: string | null };

/** The equality filters with an index, in key order. */
export const INDEXED_FILTERS = ["disclosure", "issuer", "section", "state"] as const;
export type IndexedFilter = (typeof INDEXED_FILTERS)[number];
export type IndexedFilterValues = Partial<Record<IndexedFilter, string>>;

const PREFIX = "DOCQ#";
export const FILTER_INDEX_META = { pk: "META#DOCUMENT_FILTER_INDEX", sk: "BUILT" } as const;

/** The partition of a combination of filter values; undefined when none is set. */
export function filterPartition(values: IndexedFilterValues): string | undefined {
  const parts = INDEXED_FILTERS.filter((name) => values[name]).map(
    (name) => `${name}=${encodeURIComponent(values[name]!)}`,
  );
  return parts.length ? `${PREFIX}${parts.join("&")}` : undefined;
}

/** The sort key of a document in every listing: newest received last (read descending). */
export const receivedSortKey = (doc: Pick<GazetteDocument, "receivedAt" | "id">) =>
  `${doc.receivedAt}#${doc.id}`;

/** Every filter partition a document belongs to. */
export function filterPartitions(
  doc: Pick<GazetteDocument, "state" | "section" | "issuers" | "disclosure">,
): string[] {
  const facets: Record<IndexedFilter, readonly string[]> = {
    disclosure: [doc.disclosure.attribute],
    issuer: [...new Set(doc.issuers)],
    section: [doc.section],
    state: [doc.state],
  };
  const out: string[] = [];
  // Every non-empty subset of the filters, each filter of the subset taking each of its values.
  for (let mask = 1; mask < 1 << INDEXED_FILTERS.length; mask++) {
    let combos: IndexedFilterValues[] = [{}];
    INDEXED_FILTERS.forEach((name, i) => {
      if (!(mask & (1 << i))) return;
      combos = combos.flatMap((combo) => facets[name].map((value) => ({ ...combo, [name]: value })));
    });
    for (const combo of combos) {
      const partition = filterPartition(combo);
      if (partition) out.push(partition);
    }
  }
  return out;
}

function entryKeys(doc: GazetteDocument): RecordKey[] {
  const sk = receivedSortKey(doc);
  return filterPartitions(doc).map((pk) => ({ pk, sk }));
}

/**
 * Writes a document record (its own index keys included) and its filter entries. The record's
 * write carries `condition`; with `previous` (the record as read), entries naming what no longer
 * holds (the old state) are deleted. Beyond the store's transaction limit the remaining entries
 * are written in further transactions after the record's.
 */
export async function writeDocumentRecord(
  records: RecordStore,
  record: { data: StoredDocument; expiresAt?: number | undefined },
  condition: WriteCondition,
  previous?: GazetteDocument,
): Promise<void> {
  const doc = record.data;
  // The summary the queue shows, and the normalised 发文字号 its search also matches.
  const summary: FilterEntry = {
    ...summarize(doc),
    ...(doc.docNumberNormalized ? { docNumberNormalized: doc.docNumberNormalized } : {}),
  };
  const keep = new Set(entryKeys(doc).map((k) => k.pk));
  const stale = previous ? entryKeys(previous).filter((k) => !keep.has(k.pk)) : [];
  const writes: TransactionWrite[] = [
    {
      put: {
        ...docKeys(doc.id),
        data: doc,
        index: documentIndexKeys(doc),
        ...(record.expiresAt !== undefined ? { expiresAt: record.expiresAt } : {}),
      },
      condition,
    },
    ...stale.map((key) => ({ delete: key })),
    ...entryKeys(doc).map(
      (key): TransactionWrite => ({
        put: {
          ...key,
          data: summary,
          ...(record.expiresAt !== undefined ? { expiresAt: record.expiresAt } : {}),
        } satisfies NewRecord,
      }),
    ),
  ];
  for (let i = 0; i < writes.length; i += MAX_TRANSACTION_WRITES) {
    await records.transact(writes.slice(i, i + MAX_TRANSACTION_WRITES));
  }
}

/**
 * One step of giving every document its filter entries (documents stored before this index
 * existed; migration `documents-filter-index`): a page of documents from `cursor`, each rewritten
 * with its entries under its version (a concurrent change of state wrote them itself).
 */
export async function filterIndexStep(
  records: RecordStore,
  cursor: string | undefined,
  limit = 100,
): Promise<{ cursor: string | undefined; counts: { indexed: number } }> {
  const page = await documentPage(records, { limit, cursor, descending: false });
  let indexed = 0;
  for (const item of page.items) {
    try {
      await writeDocumentRecord(
        records,
        { data: item.data, expiresAt: item.expiresAt },
        { kind: "version", version: item.version },
      );
      indexed += 1;
    } catch (error) {
      // Changed meanwhile: that write carried its entries.
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }
  return { cursor: page.cursor, counts: { indexed } };
}

/**
 * Every step of `filterIndexStep` at once, then notes that it ran (for tools and tests; the
 * migration runner goes step by step). Safe to run again (`force`).
 */
export async function backfillFilterIndex(
  records: RecordStore,
  options: { readonly force?: boolean } = {},
): Promise<{ readonly skipped: boolean; readonly indexed: number }> {
  return backfillToEnd(records, FILTER_INDEX_META, filterIndexStep, options);
}

/**
 * The reads of accepted documents, apart from intake (./intake.ts, which extends it): one document,
 * its original as received, the accepted ones waiting to be placed, filtered pages. A process that
 * only reads documents (the console function's pages) builds this alone, without intake's
 * validation (zod), idempotency and staging.
 */
import { stagingKey } from "../platform/blob-policy.js";
import type { Platform, RecordPage } from "../platform/ports.js";
import { type AcceptedPage, type AcceptedQuery, acceptedDocuments } from "./accepted.js";
import { DocumentNotFoundError, problem } from "./errors.js";
import { filterPartition } from "./filter-index.js";
import type { DocumentState, DocumentSummary, GazetteDocument } from "./model.js";
import { summarize } from "./model.js";
import { documentPage, readDocument } from "./records.js";

export const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

export interface ListFilter {
  readonly issuer?: string | undefined;
  readonly kind?: string | undefined;
  readonly section?: string | undefined;
  readonly disclosure?: string | undefined;
  readonly state?: DocumentState | undefined;
  readonly year?: number | undefined;
  readonly policy?: boolean | undefined;
  /** Substring of the title or 发文字号. */
  readonly q?: string | undefined;
  /** Received at or after this instant (ISO 8601, UTC as stored). */
  readonly receivedFrom?: string | undefined;
  /** Received before this instant (ISO 8601, UTC as stored). */
  readonly receivedBefore?: string | undefined;
}

export interface ListResult {
  readonly items: DocumentSummary[];
  readonly cursor?: string | undefined;
}

export class DocumentReading {
  constructor(protected readonly platform: Pick<Platform, "records" | "blobs">) {}

  async get(id: string): Promise<GazetteDocument> {
    const record = /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id) ? await readDocument(this.platform, id) : undefined;
    if (!record) {
      throw new DocumentNotFoundError(`No document ${id}`, [
        problem("id", "not_found", `No document with id ${id}`),
      ]);
    }
    return record.document;
  }

  /**
   * The original of a document as received (its .docx, or its JSON submission), read from the
   * write-once `originals/` or, until the outbox relay has promoted it, from staging; undefined
   * when the document has none (JSON documents accepted before originals were kept).
   */
  async original(
    document: Pick<GazetteDocument, "id" | "source">,
  ): Promise<{ bytes: Uint8Array; contentType: string; filename: string } | undefined> {
    const { blobKey, filename, format } = document.source;
    if (!blobKey) return undefined;
    const { blobs } = this.platform;
    const blob = (await blobs.get(blobKey)) ?? (await blobs.get(stagingKey(document.id, blobKey)));
    if (!blob) return undefined;
    const docx = format === "docx";
    return {
      bytes: blob.bytes,
      contentType: docx ? DOCX_MIME : "application/json; charset=utf-8",
      filename: filename || `${document.id}${docx ? ".docx" : ".json"}`,
    };
  }

  /**
   * The newest accepted documents (waiting to be placed), from their own index: costs what waits,
   * not every document stored. `disclosure` keeps only documents of that disclosure attribute.
   */
  async accepted(options: AcceptedQuery): Promise<AcceptedPage> {
    return acceptedDocuments(this.platform.records).accepted(options);
  }

  /**
   * Newest received first. The equality filters state, section, disclosure and issuer read their
   * own partition of the filter index (filter-index.ts), and a received-date range is a range of
   * its sort key, so such a page costs what it shows at any number of documents. The other filters
   * (kind, year, policy, `q`) are checked on what is read: each store query asks for no more than
   * the page still needs, so every page ends on a store cursor and nothing is skipped; after
   * `scanLimit` entries read without filling the page it ends early with the cursor to go on (a
   * short page with a cursor).
   */
  async list(
    filter: ListFilter,
    page: { limit: number; cursor?: string | undefined; scanLimit?: number | undefined },
  ): Promise<ListResult> {
    const { records } = this.platform;
    const items: DocumentSummary[] = [];
    const partition = filterPartition({
      state: filter.state,
      section: filter.section,
      disclosure: filter.disclosure,
      issuer: filter.issuer,
    });
    const residual = {
      ...filter,
      state: undefined,
      section: undefined,
      disclosure: undefined,
      issuer: undefined,
    };
    const from = filter.receivedFrom;
    const scanLimit = page.scanLimit ?? 5_000;
    let cursor = page.cursor;
    let scanned = 0;
    while (items.length < page.limit && scanned < scanLimit) {
      // Entries of the filter index are summaries; the DOCUMENTS index holds the records.
      const query = {
        descending: true,
        limit: Math.min(page.limit - items.length, scanLimit - scanned),
        cursor,
        ...(filter.receivedBefore ? { until: filter.receivedBefore } : {}),
      };
      const result: RecordPage<GazetteDocument> = partition
        ? await records.query<GazetteDocument>(partition, query)
        : await documentPage(records, query);
      scanned += result.items.length;
      cursor = result.cursor;
      for (const record of result.items) {
        if (from && record.data.receivedAt < from) return { items };
        if (matches(record.data, residual)) items.push(summarize(record.data));
      }
      if (!cursor) break;
    }
    return { items, cursor };
  }
}

function matches(doc: GazetteDocument, f: ListFilter): boolean {
  if (f.issuer && !doc.issuers.includes(f.issuer)) return false;
  if (f.kind && doc.kind !== f.kind) return false;
  if (f.section && doc.section !== f.section) return false;
  if (f.disclosure && doc.disclosure.attribute !== f.disclosure) return false;
  if (f.state && doc.state !== f.state) return false;
  if (f.year && Number(doc.dateWritten.slice(0, 4)) !== f.year) return false;
  if (f.policy !== undefined && doc.policy !== f.policy) return false;
  if (f.q) {
    const q = f.q.trim();
    if (
      !doc.title.includes(q) &&
      !(doc.docNumber ?? "").includes(q) &&
      !(doc.docNumberNormalized ?? "").includes(q)
    )
      return false;
  }
  return true;
}

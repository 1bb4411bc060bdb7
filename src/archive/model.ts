/**
 * The archive's records: jobs (one ingest), pages (one OCR'd page of a scan job), items (one
 * historical document found), and the listings for browsing by year and issue.
 */

import { DATE_KINDS, type DatedEvent, type DateKind, isValidIsoDate } from "../documents/dates.js";
import * as z from "../platform/zod-mini.js";
import type { ScanFormat } from "./images.js";
import { fieldMappingSchema } from "./ingest/formats/field-mapping.js";
import type { DocumentHints } from "./ingest/formats/types.js";
import type { Script } from "./ocr/engine.js";

export const ARCHIVE_QUEUE = "archive";

export type JobStatus = "queued" | "running" | "done" | "failed";

/** What is known about a historical edition (all optional: old scans often come without). */
export interface EditionInfo {
  readonly gazette?: string | undefined;
  readonly year?: number | undefined;
  readonly issue?: number | undefined;
  /** YYYY-MM-DD. */
  readonly date?: string | undefined;
}

export interface ScanFile {
  /** Blob key of the original upload (kept for download). */
  readonly key: string;
  readonly name: string;
  readonly format: ScanFormat;
  readonly pages: number;
}

/** Page i of the job is page `pageInFile` (0-based) of file `file`. */
export interface PagePlan {
  readonly file: number;
  readonly pageInFile: number;
}

export interface ArchiveJob {
  readonly id: string;
  readonly kind: "scans" | "texts";
  readonly status: JobStatus;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly edition: EditionInfo;
  /** Scans: the files and the page plan. */
  readonly files: readonly ScanFile[];
  readonly pages: readonly PagePlan[];
  /** Texts: how many documents were submitted (their text is in blobs). */
  readonly documents: number;
  /** Scans: the script hint given by the editor, or auto. */
  readonly script: Script | "auto";
  readonly finishedAt?: string | undefined;
  /** Item ids in edition order, once segmented. */
  readonly itemIds?: readonly string[] | undefined;
}

/** One unit of work: an OCR'd page or a cleaned text document. Written once (conditional put). */
export interface UnitResult {
  readonly index: number;
  readonly status: "done" | "failed";
  readonly text: string;
  /** 0–100 (OCR); 100 for born-digital text. */
  readonly confidence: number;
  readonly error?: string | undefined;
  /** Scans: PNG of the page (display), hOCR (word boxes). */
  readonly imageKey?: string | undefined;
  readonly hocrKey?: string | undefined;
  readonly width?: number | undefined;
  readonly height?: number | undefined;
  readonly language?: string | undefined;
  readonly vertical?: boolean | undefined;
  /** Scans: the script this page was read in (decided per page unless the job fixes it). */
  readonly script?: Script | undefined;
  /** Scans: clockwise turn (degrees) that set the scanned page upright before reading. */
  readonly rotation?: 0 | 90 | 180 | 270 | undefined;
  /** Texts: the client's reference. */
  readonly ref?: string | undefined;
  /**
   * Texts: the documents read from the submitted text (one, or one per JSON record), each with
   * the metadata its source states. `text` is theirs joined.
   */
  readonly documents?: readonly { readonly text: string; readonly hints: DocumentHints }[] | undefined;
}

export interface ItemCorrection {
  readonly at: string;
  readonly by: string;
  /** Field → value before and after. */
  readonly changes: Readonly<Record<string, { readonly from: unknown; readonly to: unknown }>>;
}

export interface ItemPage {
  /** 1-based page within the edition. */
  readonly page: number;
  readonly imageKey?: string | undefined;
  readonly hocrKey?: string | undefined;
  readonly width?: number | undefined;
  readonly height?: number | undefined;
}

export interface ArchiveItem {
  readonly id: string;
  readonly jobId: string;
  readonly source: "scan" | "text";
  readonly ref?: string | undefined;
  readonly title: string;
  /** 发文字号 as printed, and normalised. */
  readonly docNumberPrinted?: string | undefined;
  readonly docNumber?: string | undefined;
  readonly issuers: readonly string[];
  /** The date the item is dated by, YYYY-MM-DD, and which date it is (成文日期, 发布日期 …). */
  readonly date?: string | undefined;
  readonly dateKind?: DateKind | undefined;
  /** Every date the document gives about itself, with its kind. */
  readonly dates?: readonly DatedEvent[] | undefined;
  readonly kind?: string | undefined;
  readonly text: string;
  readonly pages: readonly ItemPage[];
  readonly edition: EditionInfo;
  /** Original scan files (blob keys) of the edition this item is in. */
  readonly scanKeys: readonly string[];
  /** 0–1: OCR confidence of its pages, lowered for each metadata field not found. */
  readonly confidence: number;
  /** Waiting for an editor to check it. */
  readonly review: boolean;
  readonly reviewReasons: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly history: readonly ItemCorrection[];
}

export type ItemSummary = Pick<
  ArchiveItem,
  "id" | "ref" | "title" | "docNumber" | "issuers" | "date" | "dateKind" | "kind"
>;

export function summaryOf(item: ArchiveItem): ItemSummary {
  return {
    id: item.id,
    ref: item.ref,
    title: item.title,
    docNumber: item.docNumber,
    issuers: item.issuers,
    date: item.date,
    dateKind: item.dateKind,
    kind: item.kind,
  };
}

/** A real calendar date written YYYY-MM-DD: 1998-02-30 is refused, not stored. */
const isoDate = z.string().check(
  z.superRefine((s, ctx) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s))
      ctx.addIssue({ code: "custom", message: "must be YYYY-MM-DD", params: { reason: "invalid_format" } });
    else if (!isValidIsoDate(s))
      ctx.addIssue({
        code: "custom",
        message: `must be a real calendar date: ${s} does not exist`,
        params: { reason: "not_a_calendar_date" },
      });
  }),
);

/** Trimmed text of `min`…`max` characters. */
const text = (min: number, max: number) => z.string().check(z.trim(), z.minLength(min), z.maxLength(max));

/** A whole number in [min, max], numbers written as strings accepted (multipart fields). */
const wholeNumber = (min: number, max: number) => z.coerce.number().check(z.int(), z.gte(min), z.lte(max));

export const editionInfoSchema = z.object({
  gazette: z.optional(text(1, 100)),
  year: z.optional(wholeNumber(1800, 2200)),
  issue: z.optional(wholeNumber(1, 9999)),
  date: z.optional(isoDate),
});

export const textIngestSchema = z.extend(editionInfoSchema, {
  /**
   * JSON records: field names to read before the defaults (title, docNumber, issuers, kind, body,
   * history, url, articleNumber, articleText as name lists; dates as name → kind of date).
   */
  fields: z.optional(fieldMappingSchema),
  documents: z
    .array(
      z.object({
        text: z.string().check(z.minLength(1, "must not be empty"), z.maxLength(2_000_000)),
        ref: z.optional(text(1, 200)),
      }),
    )
    .check(z.minLength(1, "must hold at least one document"), z.maxLength(1000)),
});

/** A stored scan's key: content-addressed under archive/scans/ (records.ts `scanKey`). */
export const SCAN_KEY_PATTERN = /^archive\/scans\/[0-9a-f]{64}\.(pdf|png|jpg|tif)$/;

export const scanKeyIngestSchema = z.extend(editionInfoSchema, {
  /**
   * Keys of scans already stored (direct uploads: the `key` POST /api/archive/uploads answered),
   * pages in order: `archive/scans/<sha256>.<ext>`.
   */
  keys: z
    .array(z.string().check(z.regex(SCAN_KEY_PATTERN, "must be a key answered by POST /api/archive/uploads")))
    .check(z.minLength(1), z.maxLength(1000)),
  /** The files' own names (shown to editors), in the order of `keys`; default the keys. */
  names: z.optional(z.array(text(1, 255)).check(z.maxLength(1000))),
  script: z.optional(z.enum(["sim", "tra", "auto"])),
});

export const uploadRequestSchema = z.object({
  filename: text(1, 255),
  contentType: text(1, 100),
  size: z.number().check(z.int(), z.positive()),
  /**
   * SHA-256 of the file, 64 hex digits: the scan is stored under it (content-addressed, once),
   * and the upload URL signs it as x-amz-checksum-sha256, so the store refuses other bytes.
   */
  sha256: z.pipe(
    z.string().check(z.trim(), z.regex(/^[0-9a-fA-F]{64}$/, "must be the file's SHA-256 as 64 hex digits")),
    z.transform((hex: string) => hex.toLowerCase()),
  ),
});

export const itemCorrectionSchema = z.strictObject({
  title: z.optional(text(1, 500)),
  docNumber: z.optional(z.nullable(z.string().check(z.trim(), z.maxLength(100)))),
  issuers: z.optional(z.array(text(1, 100)).check(z.maxLength(20))),
  date: z.optional(z.nullable(isoDate)),
  /** Which date `date` is; null when unknown. Clearing the date clears it too. */
  dateKind: z.optional(z.nullable(z.enum(DATE_KINDS as [DateKind, ...DateKind[]]))),
  kind: z.optional(z.nullable(text(1, 20))),
  text: z.optional(z.string().check(z.minLength(1), z.maxLength(2_000_000))),
  /** false takes the item off the review queue (the default once corrected). */
  review: z.optional(z.boolean()),
});

export type ItemCorrectionInput = z.infer<typeof itemCorrectionSchema>;

/**
 * The archive: historical editions in, searchable documents out.
 *
 * ArchiveService composes the pipeline's stages, each in its own file that says what it reads
 * and writes; the record and blob keys they share are in records.ts:
 * 1. ingest (ingest.ts, HTTP) — checks every uploaded file, stores the originals or texts, the
 *    job, and one "archive" queue message per page (scans) or document (texts).
 * 2. page unit (page-unit.ts, queue consumer) — one page: rasterise → clean → OCR; one text:
 *    strip scrape noise. Writes the unit's result once.
 * 3. completion (completion.ts, after every unit) — the last unit segments the text into items,
 *    writes them, their listings and search documents, and marks the job done. Idempotent.
 * 4. review (review.ts) — an editor's corrections, with history.
 * 5. listings (listings.ts) — browse by year and issue, a job's items, every item, the review queue.
 * Stages 4 and 5 are ArchiveReading (reading.ts), which ArchiveService extends: a process that only
 * shows and corrects the archive builds that alone, without the ingest and page-unit stages.
 */
import type { Platform } from "../platform/ports.js";
import type { SearchIndex } from "../search/ports.js";
import { Completion } from "./completion.js";
import type { FieldMappingOverride } from "./ingest/formats/json.js";
import { ArchiveIngest, type UploadedScan } from "./ingest.js";
import type { ArchiveJob } from "./model.js";
import type { OcrEngine } from "./ocr/engine.js";
import { PageUnit } from "./page-unit.js";
import { ArchiveReading } from "./reading.js";
import { DEFAULT_SCAN_LIMITS, type ScanLimits } from "./scan-format.js";
import type { PresignedUpload, UploadTarget, UploadUrls } from "./uploads.js";

export type { UploadedScan } from "./ingest.js";
export type { JobView } from "./job-view.js";
export type { ArchiveMessage } from "./records.js";
export { itemUrl, searchDocument } from "./records.js";

export interface ArchiveServiceOptions {
  readonly platform: Platform;
  /** Where items are fed for public search; left out, nothing is indexed. */
  readonly search?: SearchIndex | undefined;
  /** The OCR engine, created on first use (workers are expensive). */
  readonly ocr: () => Promise<OcrEngine>;
  readonly limits?: ScanLimits | undefined;
  /** Deliveries of a page message before a page that keeps failing is recorded as failed. */
  readonly maxAttempts?: number | undefined;
  readonly newId?: (() => string) | undefined;
  /** Direct upload URLs (POST /api/archive/uploads); left out, that endpoint answers 404. */
  readonly uploads?: UploadUrls | undefined;
  /** Field names of JSON records for text ingests, before the defaults (GAZETTE_ARCHIVE_JSON_FIELDS). */
  readonly jsonFields?: FieldMappingOverride | undefined;
}

export class ArchiveService extends ArchiveReading {
  private readonly limits: ScanLimits;
  private readonly ingest: ArchiveIngest;
  private readonly unit: PageUnit;
  private readonly completion: Completion;

  constructor(options: ArchiveServiceOptions) {
    super(options);
    const { platform, search } = options;
    this.limits = options.limits ?? DEFAULT_SCAN_LIMITS;
    this.ingest = new ArchiveIngest({
      platform,
      limits: this.limits,
      newId: options.newId,
      uploads: options.uploads,
    });
    this.unit = new PageUnit({
      platform,
      ocr: options.ocr,
      limits: this.limits,
      maxAttempts: options.maxAttempts ?? 3,
      jsonFields: options.jsonFields,
    });
    this.completion = new Completion({ platform, listings: this.listings, search });
  }

  get scanLimits(): ScanLimits {
    return this.limits;
  }

  // ── Stage 1: ingest ──
  submitTexts(input: unknown, by: string): Promise<ArchiveJob> {
    return this.ingest.submitTexts(input, by);
  }
  submitScans(files: readonly UploadedScan[], metadata: unknown, by: string): Promise<ArchiveJob> {
    return this.ingest.submitScans(files, metadata, by);
  }
  submitScanKeys(input: unknown, by: string): Promise<ArchiveJob> {
    return this.ingest.submitScanKeys(input, by);
  }
  requestUpload(input: unknown): Promise<{ key: string; upload: PresignedUpload | null }> {
    return this.ingest.requestUpload(input);
  }
  storeUpload(target: UploadTarget, bytes: Uint8Array): Promise<void> {
    return this.ingest.storeUpload(target, bytes);
  }
  /** The current time, for checking upload tokens. */
  clockNow(): Date {
    return this.platform.clock.now();
  }

  // ── Stages 2 and 3: one unit, then completion ──
  /** Handles one "archive" queue message: the unit's result, then completion. */
  async process(body: unknown, receiveCount: number): Promise<void> {
    const jobId = await this.unit.process(body, receiveCount);
    await this.completion.complete(jobId);
  }
  /** Segments, stores items and marks the job done once every unit has a result. Idempotent. */
  complete(jobId: string): Promise<void> {
    return this.completion.complete(jobId);
  }
  // Stages 4 and 5 (review, listings, a job's progress, blobs): ArchiveReading (./reading.ts).
}

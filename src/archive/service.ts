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
 */
import type { Platform } from "../platform/ports.js";
import type { SearchIndex } from "../search/ports.js";
import { Completion } from "./completion.js";
import type { FieldMappingOverride } from "./ingest/formats/json.js";
import { ArchiveIngest, type UploadedScan } from "./ingest.js";
import { type JobView, readJobView } from "./job-view.js";
import { ArchiveListings } from "./listings.js";
import type { ArchiveItem, ArchiveJob, ItemSummary } from "./model.js";
import type { OcrEngine } from "./ocr/engine.js";
import { PageUnit } from "./page-unit.js";
import { ArchiveReview } from "./review.js";
import { DEFAULT_SCAN_LIMITS, type ScanLimits } from "./scan-format.js";
import { DOWNLOAD_TTL_SECONDS, type PresignedUpload, type UploadTarget, type UploadUrls } from "./uploads.js";

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

export class ArchiveService {
  private readonly platform: Platform;
  private readonly limits: ScanLimits;
  private readonly ingest: ArchiveIngest;
  private readonly unit: PageUnit;
  private readonly completion: Completion;
  private readonly review: ArchiveReview;
  private readonly listings: ArchiveListings;
  private readonly uploads: UploadUrls | undefined;

  constructor(options: ArchiveServiceOptions) {
    const { platform, search } = options;
    this.platform = platform;
    this.uploads = options.uploads;
    this.limits = options.limits ?? DEFAULT_SCAN_LIMITS;
    this.listings = new ArchiveListings(platform);
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
    this.review = new ArchiveReview({ platform, listings: this.listings, search });
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

  // ── Stage 4: review ──
  getItem(id: string): Promise<ArchiveItem & { version: number }> {
    return this.review.getItem(id);
  }
  correctItem(
    id: string,
    input: unknown,
    by: string,
    expectedVersion?: number,
  ): Promise<ArchiveItem & { version: number }> {
    return this.review.correctItem(id, input, by, expectedVersion);
  }

  // ── Stage 5: listings, and a job's progress ──
  getJob(id: string): Promise<JobView> {
    return readJobView(this.platform, this.listings, id);
  }
  jobItems(jobId: string): Promise<ItemSummary[]> {
    return this.listings.jobItems(jobId);
  }
  listItems(options: { review: boolean; limit: number; cursor?: string | undefined }) {
    return this.listings.listItems(options);
  }
  years(): Promise<number[]> {
    return this.listings.years();
  }
  year(year: number) {
    return this.listings.year(year);
  }
  issue(year: number, issue: number) {
    return this.listings.issue(year, issue);
  }

  async blob(key: string) {
    return this.platform.blobs.get(key);
  }

  /**
   * Where a stored scan downloads from without passing through the app: a presigned URL valid
   * DOWNLOAD_TTL_SECONDS, or undefined where the store has none (embedded mode serves it itself) or the scan is not stored.
   */
  async scanDownloadUrl(key: string): Promise<string | undefined> {
    const uploads = this.uploads;
    if (!uploads?.presignDownload) return undefined;
    if (!(await this.platform.blobs.head(key))) return undefined;
    const now = this.platform.clock.now();
    const file = key.split("/").pop() ?? key;
    return uploads.presignDownload(key, file, now, new Date(now.getTime() + DOWNLOAD_TTL_SECONDS * 1000));
  }
}

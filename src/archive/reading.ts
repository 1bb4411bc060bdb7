/**
 * The archive as its readers and reviewers use it: items, listings, a job's progress, the stored
 * blobs and scans, and an editor's corrections (stages 4 and 5 of ArchiveService, ./service.ts).
 *
 * It imports none of the ingest and page-unit stages (file checks, mupdf, OCR, segmentation of
 * new text), so a process that only shows the archive (the `api` function: the public archive
 * pages and the console's review queue) holds none of them; ArchiveService extends it with those.
 */
import type { Platform } from "../platform/ports.js";
import type { SearchIndex } from "../search/ports.js";
import { type JobView, readJobView } from "./job-view.js";
import { ArchiveListings } from "./listings.js";
import type { ArchiveItem, ItemSummary } from "./model.js";
import { ArchiveReview } from "./review.js";
import { DOWNLOAD_TTL_SECONDS, type UploadUrls } from "./uploads.js";

export interface ArchiveReadingOptions {
  readonly platform: Platform;
  /** Where corrected items are fed for public search; left out, nothing is indexed. */
  readonly search?: SearchIndex | undefined;
  /** Presigned scan downloads (S3 in AWS); left out, the app serves scans itself. */
  readonly uploads?: UploadUrls | undefined;
}

export class ArchiveReading {
  protected readonly platform: Platform;
  protected readonly listings: ArchiveListings;
  protected readonly uploads: UploadUrls | undefined;
  private readonly review: ArchiveReview;

  constructor(options: ArchiveReadingOptions) {
    const { platform, search } = options;
    this.platform = platform;
    this.uploads = options.uploads;
    this.listings = new ArchiveListings(platform);
    this.review = new ArchiveReview({ platform, listings: this.listings, search });
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

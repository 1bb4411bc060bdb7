/**
 * The archive: historical editions in, searchable documents out.
 *
 * Pipeline (each stage says what it reads and writes):
 * 1. accept (HTTP) — reads the upload; checks every file (inspectScan) BEFORE storing anything;
 *    writes the originals (content-addressed blobs), the job record, then one queue message per
 *    page (scans) or per document (texts) on the "archive" queue.
 * 2. unit (queue consumer, one message) — scans: rasterise → clean → OCR; writes the page PNG
 *    and hOCR blobs and the page's result record. Texts: strip scrape noise; writes the result
 *    record. The result record is written once (conditional put), so a redelivered message
 *    changes nothing; a page that cannot be read is recorded as failed and the job goes on.
 * 3. complete (after every unit) — reads all result records; when every unit has one, segments
 *    the text into items (deterministic ids, conditional puts), writes listings, feeds the search
 *    index, then marks the job done. Any delivery may run it, any number of times: each write is
 *    idempotent, so a crash at any point is finished by the next delivery.
 */
import { createHash } from "node:crypto";
import { ulid } from "ulid";
import { ConditionFailedError, PermanentMessageError } from "../platform/errors.js";
import type { Platform, StoredRecord } from "../platform/ports.js";
import type { SearchDocument, SearchIndex } from "../search/ports.js";
import {
  ArchiveConflictError,
  ArchiveNotFoundError,
  InvalidArchiveRequestError,
  PageUnreadableError,
  problem,
  ScanTooLargeError,
  UnsupportedScanError,
} from "./errors.js";
import {
  ARCHIVE_QUEUE,
  type ArchiveItem,
  type ArchiveJob,
  type EditionInfo,
  editionInfoSchema,
  type ItemCorrection,
  type ItemSummary,
  itemCorrectionSchema,
  type PagePlan,
  type ScanFile,
  scanKeyIngestSchema,
  summaryOf,
  textIngestSchema,
  type UnitResult,
  uploadRequestSchema,
} from "./model.js";
import { stripScrapeNoise } from "./noise.js";
import type { OcrEngine, OcrResult, Script } from "./ocr/engine.js";
import { DEFAULT_SCAN_LIMITS, SCAN_CONTENT_TYPES, type ScanFormat, type ScanLimits } from "./scan-format.js";
import {
  linesOf,
  normalizeArchiveDocNumber,
  type Segment,
  segmentEdition,
  type TextLine,
} from "./segment.js";
import {
  type PresignedUpload,
  safeFileName,
  UPLOAD_PREFIX,
  UPLOAD_TTL_SECONDS,
  type UploadTarget,
  type UploadUrls,
} from "./uploads.js";

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
}

export interface ArchiveMessage {
  readonly type: "archive.unit";
  readonly jobId: string;
  readonly index: number;
}

export interface UploadedScan {
  readonly field: string;
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface JobView {
  readonly id: string;
  readonly kind: ArchiveJob["kind"];
  readonly status: ArchiveJob["status"];
  readonly createdAt: string;
  readonly finishedAt?: string | undefined;
  readonly edition: EditionInfo;
  /** Scans: the script read (sim/tra), once decided; "auto" before the first page is read. */
  readonly script?: Script | "auto" | undefined;
  readonly progress: Record<string, { total: number; done: number; failed: number }>;
  readonly pages: { index: number; text: string; confidence: number; status: string; error?: string }[];
  readonly items: ItemSummary[];
}

/** An item as stored: the text lives in a blob (a document may exceed a DynamoDB item). */
type StoredItem = Omit<ArchiveItem, "text"> & { readonly textKey: string };

const JOB_SK = "job";
/** The script (sim/tra) an auto job's first page decided. */
const SCRIPT_SK = "script";
const ITEM_SK = "item";
const jobPk = (id: string) => `archive#job#${id}`;
const unitSk = (index: number) => `unit#${String(index).padStart(5, "0")}`;
const itemPk = (id: string) => `archive#item#${id}`;
const listingSk = (n: number) => `item#${String(n).padStart(4, "0")}`;
const ALL_ITEMS = "archive#items";
const REVIEW = "archive#review";
const EDITIONS = "archive#editions";
const YEARS = "archive#years";
const yearPk = (year: number) => `archive#year#${year}`;
export const itemUrl = (id: string) => `/archive/items/${encodeURIComponent(id)}`;

/** Confidence under which an item waits for review (0–1). */
const REVIEW_THRESHOLD = 0.75;

/**
 * mupdf (WebAssembly) and the cleaning stage, loaded on first use: functions that never touch a
 * scan (events, reposts, publisher) never load the binary.
 */
const imaging = async () => {
  const [images, clean] = await Promise.all([import("./images.js"), import("./clean.js")]);
  return { ...images, cleanPage: clean.cleanPage };
};

/** Where an original scan is kept: content-addressed, so the public download URL is permanent. */
const scanKey = (sha: string, format: ScanFormat) =>
  `archive/scans/${sha}.${format === "jpeg" ? "jpg" : format === "tiff" ? "tif" : format}`;

function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function zodProblems(error: {
  issues: readonly { path: readonly PropertyKey[]; message: string; code: string }[];
}) {
  return error.issues.map((i) =>
    problem(i.path.map(String).join(".") || null, i.code === "invalid_type" ? "invalid" : i.code, i.message),
  );
}

async function ignoreConflict(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
  }
}

export class ArchiveService {
  private readonly platform: Platform;
  private readonly limits: ScanLimits;
  private readonly maxAttempts: number;
  private readonly newId: () => string;
  private engine: Promise<OcrEngine> | undefined;

  constructor(private readonly options: ArchiveServiceOptions) {
    this.platform = options.platform;
    this.limits = options.limits ?? DEFAULT_SCAN_LIMITS;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.newId = options.newId ?? (() => ulid());
  }

  get scanLimits(): ScanLimits {
    return this.limits;
  }

  // ── Stage 1: accept ────────────────────────────────────────────────────────────────────────

  async submitTexts(input: unknown, by: string): Promise<ArchiveJob> {
    const parsed = textIngestSchema.safeParse(input);
    if (!parsed.success)
      throw new InvalidArchiveRequestError("invalid text ingest", zodProblems(parsed.error));
    const { documents, ...edition } = parsed.data;
    const id = this.newId();
    await Promise.all(
      documents.map((d, i) =>
        this.platform.blobs.put(
          `archive/jobs/${id}/texts/${i}.json`,
          new TextEncoder().encode(JSON.stringify({ text: d.text, ref: d.ref })),
          { contentType: "application/json" },
        ),
      ),
    );
    return this.createJob({
      id,
      kind: "texts",
      status: "queued",
      createdAt: this.now(),
      createdBy: by,
      edition,
      files: [],
      pages: [],
      documents: documents.length,
      script: "auto",
    });
  }

  /** Scans uploaded in the request (multipart `files`, pages in upload order). */
  async submitScans(files: readonly UploadedScan[], metadata: unknown, by: string): Promise<ArchiveJob> {
    const meta = this.parseScanMetadata(metadata);
    if (files.length === 0) {
      throw new InvalidArchiveRequestError("no files", [
        problem("files", "required", "Send the scanned pages as `files` parts"),
      ]);
    }
    // Every file is checked before anything is stored: a bad file refuses the whole request.
    const { inspectScan } = await imaging();
    const inspected = files.map((f) => ({ ...f, ...inspectScan(f.bytes, f.field, this.limits) }));
    this.checkPageTotal(inspected.reduce((n, f) => n + f.pages, 0));
    const stored: ScanFile[] = [];
    for (const f of inspected) {
      const key = scanKey(sha256(f.bytes), f.format);
      await ignoreConflict(
        this.platform.blobs.put(key, f.bytes, { contentType: SCAN_CONTENT_TYPES[f.format], ifAbsent: true }),
      );
      stored.push({ key, name: f.name, format: f.format, pages: f.pages });
    }
    return this.createScanJob(stored, meta, by);
  }

  /** Scans already in the blob store (large back-catalogue files uploaded out of band). */
  async submitScanKeys(input: unknown, by: string): Promise<ArchiveJob> {
    const parsed = scanKeyIngestSchema.safeParse(input);
    if (!parsed.success)
      throw new InvalidArchiveRequestError("invalid scan ingest", zodProblems(parsed.error));
    const { keys, script, ...edition } = parsed.data;
    const files: ScanFile[] = [];
    const { inspectScan } = await imaging();
    for (const [i, key] of keys.entries()) {
      const blob = await this.platform.blobs.get(key);
      if (!blob)
        throw new InvalidArchiveRequestError("unknown key", [
          problem(`keys.${i}`, "not_found", `No blob ${key} in the store`),
        ]);
      const info = inspectScan(blob.bytes, `keys.${i}`, this.limits);
      let stored = key;
      if (key.startsWith(UPLOAD_PREFIX)) {
        // A direct upload is kept where it was put, and its original is also stored
        // content-addressed, as a multipart upload's is, for the public download.
        stored = scanKey(blob.sha256, info.format);
        await ignoreConflict(
          this.platform.blobs.put(stored, blob.bytes, {
            contentType: SCAN_CONTENT_TYPES[info.format],
            ifAbsent: true,
          }),
        );
      }
      files.push({ key: stored, name: key.split("/").pop() ?? key, format: info.format, pages: info.pages });
    }
    this.checkPageTotal(files.reduce((n, f) => n + f.pages, 0));
    return this.createScanJob(files, { edition, script: script ?? "auto" }, by);
  }

  /**
   * A direct upload (large scans): checks what the client says about the file and returns the
   * key it will have and the URL to PUT it to, valid UPLOAD_TTL_SECONDS. The file itself is
   * checked when its key is submitted to submitScanKeys.
   */
  async requestUpload(input: unknown): Promise<{ key: string; upload: PresignedUpload }> {
    const uploads = this.options.uploads;
    if (!uploads)
      throw new ArchiveNotFoundError("no uploads", [
        problem(null, "not_available", "Direct uploads are not configured here; use multipart"),
      ]);
    const parsed = uploadRequestSchema.safeParse(input);
    if (!parsed.success)
      throw new InvalidArchiveRequestError("invalid upload request", zodProblems(parsed.error));
    const { filename, contentType, size } = parsed.data;
    const type = contentType.split(";")[0]!.trim().toLowerCase();
    if (!Object.values(SCAN_CONTENT_TYPES).includes(type)) {
      throw new UnsupportedScanError("unsupported format", [
        problem(
          "contentType",
          "unsupported_format",
          `Scans must be ${Object.values(SCAN_CONTENT_TYPES).join(", ")}`,
        ),
      ]);
    }
    if (size > this.limits.maxFileBytes) {
      throw new ScanTooLargeError("too large", [
        problem("size", "too_large", `A file may be at most ${this.limits.maxFileBytes} bytes`),
      ]);
    }
    const key = `${UPLOAD_PREFIX}${this.newId()}/${safeFileName(filename)}`;
    const now = this.platform.clock.now();
    const expiresAt = new Date(now.getTime() + UPLOAD_TTL_SECONDS * 1000);
    return { key, upload: await uploads.presign({ key, size, contentType: type }, now, expiresAt) };
  }

  /**
   * Stores the body of an embedded-mode upload (its token already verified): exactly the size
   * the token allows, never over an existing blob.
   */
  async storeUpload(target: UploadTarget, bytes: Uint8Array): Promise<void> {
    if (bytes.byteLength !== target.size) {
      throw new InvalidArchiveRequestError("size mismatch", [
        problem(null, "size_mismatch", `The upload must be exactly ${target.size} bytes`),
      ]);
    }
    const conflict = new ArchiveConflictError("exists", [
      problem(null, "exists", `${target.key} has been uploaded already`),
    ]);
    if (await this.platform.blobs.head(target.key)) throw conflict;
    try {
      await this.platform.blobs.put(target.key, bytes, { contentType: target.contentType, ifAbsent: true });
    } catch (error) {
      if (error instanceof ConditionFailedError) throw conflict;
      throw error;
    }
  }

  /** The current time, for checking upload tokens. */
  clockNow(): Date {
    return this.platform.clock.now();
  }

  private parseScanMetadata(metadata: unknown): { edition: EditionInfo; script: Script | "auto" } {
    const schema = editionInfoSchema.extend({ script: scanKeyIngestSchema.shape.script });
    const parsed = schema.safeParse(metadata ?? {});
    if (!parsed.success) throw new InvalidArchiveRequestError("invalid metadata", zodProblems(parsed.error));
    const { script, ...edition } = parsed.data;
    return { edition, script: script ?? "auto" };
  }

  private checkPageTotal(pages: number): void {
    if (pages > this.limits.maxPages) {
      throw new InvalidArchiveRequestError("too many pages", [
        problem(
          "files",
          "too_many_pages",
          `A job may have at most ${this.limits.maxPages} pages; split the upload`,
        ),
      ]);
    }
  }

  private createScanJob(
    files: ScanFile[],
    meta: { edition: EditionInfo; script: Script | "auto" },
    by: string,
  ) {
    const pages: PagePlan[] = files.flatMap((f, file) =>
      Array.from({ length: f.pages }, (_, pageInFile) => ({ file, pageInFile })),
    );
    return this.createJob({
      id: this.newId(),
      kind: "scans",
      status: "queued",
      createdAt: this.now(),
      createdBy: by,
      edition: meta.edition,
      files,
      pages,
      documents: 0,
      script: meta.script,
    });
  }

  private async createJob(job: ArchiveJob): Promise<ArchiveJob> {
    await this.platform.records.put({ pk: jobPk(job.id), sk: JOB_SK, data: job }, { kind: "absent" });
    const units = job.kind === "scans" ? job.pages.length : job.documents;
    const messages = Array.from({ length: units }, (_, index) => ({
      body: JSON.stringify({ type: "archive.unit", jobId: job.id, index } satisfies ArchiveMessage),
    }));
    try {
      await this.platform.queues.send(ARCHIVE_QUEUE, messages);
    } catch (error) {
      // Nothing half-way: without its messages the job would never finish.
      await this.platform.records.delete({ pk: jobPk(job.id), sk: JOB_SK });
      throw error;
    }
    return job;
  }

  // ── Stage 2: one unit ──────────────────────────────────────────────────────────────────────

  /** Handles one "archive" queue message (see the module comment). */
  async process(body: unknown, receiveCount: number): Promise<void> {
    const message = body as Partial<ArchiveMessage>;
    if (
      message?.type !== "archive.unit" ||
      typeof message.jobId !== "string" ||
      !Number.isInteger(message.index)
    ) {
      throw new PermanentMessageError("not an archive.unit message");
    }
    const job = await this.platform.records.get<ArchiveJob>({ pk: jobPk(message.jobId), sk: JOB_SK });
    if (!job) throw new PermanentMessageError(`No archive job ${message.jobId}`);
    const index = message.index!;
    const existing = await this.platform.records.get<UnitResult>({
      pk: jobPk(job.data.id),
      sk: unitSk(index),
    });
    if (!existing) {
      if (job.data.status === "queued") await this.setStatus(job, "running");
      let result: UnitResult;
      try {
        result =
          job.data.kind === "scans"
            ? await this.ocrPage(job.data, index)
            : await this.cleanText(job.data, index);
      } catch (error) {
        // A page that cannot be decoded, or keeps failing, is recorded so the job can finish.
        if (!(error instanceof PageUnreadableError) && receiveCount < this.maxAttempts) throw error;
        result = {
          index,
          status: "failed",
          text: "",
          confidence: 0,
          error: error instanceof Error ? error.message : String(error),
        };
      }
      await ignoreConflict(
        this.platform.records.put(
          { pk: jobPk(job.data.id), sk: unitSk(index), data: result },
          { kind: "absent" },
        ),
      );
    }
    await this.complete(job.data.id);
  }

  private async ocrPage(job: ArchiveJob, index: number): Promise<UnitResult> {
    const plan = job.pages[index];
    if (!plan) throw new PageUnreadableError(`The job has no page ${index}`);
    const file = job.files[plan.file]!;
    const blob = await this.platform.blobs.get(file.key);
    if (!blob) throw new Error(`Scan ${file.key} is missing`);
    const { rasterisePage, cleanPage, encodePng } = await imaging();
    const raster = rasterisePage(blob.bytes, file.format, plan.pageInFile, this.limits);
    const cleaned = cleanPage(raster);
    const png = encodePng(cleaned.image);
    const engine = await this.ocrEngine();
    const vertical = cleaned.layout.vertical;
    let result: OcrResult;
    const decided = job.script === "auto" ? await this.decidedScript(job.id) : job.script;
    if (decided) {
      result = await engine.recognize(png, { script: decided, vertical });
    } else {
      // Simplified or Traditional, decided once per job (a gazette issue is in one script): the
      // first page is read with both models and the more confident reading wins. Confidence
      // alone, not a threshold: chi_sim reads a Traditional page as fluent Simplified with a
      // confidence of ~87, chi_tra reads it at ~90.
      const sim = await engine.recognize(png, { script: "sim", vertical });
      const tra = await engine.recognize(png, { script: "tra", vertical });
      result = tra.confidence > sim.confidence ? tra : sim;
      await ignoreConflict(
        this.platform.records.put(
          { pk: jobPk(job.id), sk: SCRIPT_SK, data: { script: result === tra ? "tra" : "sim", page: index } },
          { kind: "absent" },
        ),
      );
    }
    const base = `archive/jobs/${job.id}/pages/${String(index + 1).padStart(4, "0")}`;
    await this.platform.blobs.put(`${base}.png`, png, { contentType: "image/png" });
    await this.platform.blobs.put(`${base}.hocr`, new TextEncoder().encode(result.hocr), {
      contentType: "text/html; charset=utf-8",
    });
    return {
      index,
      status: "done",
      text: result.text,
      confidence: Math.round(result.confidence * 10) / 10,
      imageKey: `${base}.png`,
      hocrKey: `${base}.hocr`,
      width: cleaned.image.width,
      height: cleaned.image.height,
      language: result.language,
      vertical,
    };
  }

  private async decidedScript(jobId: string): Promise<Script | undefined> {
    const record = await this.platform.records.get<{ script: Script }>({ pk: jobPk(jobId), sk: SCRIPT_SK });
    return record?.data.script;
  }

  private async cleanText(job: ArchiveJob, index: number): Promise<UnitResult> {
    const blob = await this.platform.blobs.get(`archive/jobs/${job.id}/texts/${index}.json`);
    if (!blob) throw new PageUnreadableError(`Text ${index} of job ${job.id} is missing`);
    const { text, ref } = JSON.parse(new TextDecoder().decode(blob.bytes)) as { text: string; ref?: string };
    return { index, status: "done", text: stripScrapeNoise(text), confidence: 100, ref };
  }

  private async ocrEngine(): Promise<OcrEngine> {
    this.engine ??= this.options.ocr();
    this.engine.catch(() => {
      this.engine = undefined;
    });
    return this.engine;
  }

  // ── Stage 3: complete ──────────────────────────────────────────────────────────────────────

  private async units(jobId: string): Promise<UnitResult[]> {
    const out: UnitResult[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.platform.records.query<UnitResult>(jobPk(jobId), {
        prefix: "unit#",
        cursor,
        limit: 500,
      });
      out.push(...page.items.map((r) => r.data));
      cursor = page.cursor;
    } while (cursor);
    return out.sort((a, b) => a.index - b.index);
  }

  /** Segments, stores items and marks the job done once every unit has a result. Idempotent. */
  async complete(jobId: string): Promise<void> {
    const job = await this.platform.records.get<ArchiveJob>({ pk: jobPk(jobId), sk: JOB_SK });
    if (!job || job.data.status === "done" || job.data.status === "failed") return;
    const total = job.data.kind === "scans" ? job.data.pages.length : job.data.documents;
    const units = await this.units(jobId);
    if (units.length < total) return;
    const drafts = job.data.kind === "scans" ? this.scanItems(units) : this.textItems(units);
    const items: ArchiveItem[] = [];
    for (const [n, draft] of drafts.entries()) items.push(await this.storeItem(job.data, n + 1, draft));
    await this.writeListings(job.data, items);
    if (this.options.search && items.length) await this.options.search.index(items.map(searchDocument));
    const allFailed = units.every((u) => u.status === "failed");
    await this.finish(
      job,
      allFailed ? "failed" : "done",
      items.map((i) => i.id),
    );
  }

  private scanItems(units: readonly UnitResult[]): ItemDraft[] {
    const lines: TextLine[] = units.flatMap((u) => linesOf(u.text, u.index + 1));
    const byPage = new Map(units.map((u) => [u.index + 1, u]));
    return segmentEdition(lines).map((segment) => {
      const pages = segment.pages.map((p) => byPage.get(p)!);
      const ocr = pages.length ? pages.reduce((s, u) => s + u.confidence, 0) / pages.length / 100 : 0;
      // Review looks at this item's own pages only: every page from its first to its last (a
      // failed page has no text, so it lies in the gap it leaves). A page lost at either end shows
      // as a missing title or date.
      const first = Math.min(...segment.pages);
      const last = Math.max(...segment.pages);
      const span = units.filter((u) => u.index + 1 >= first && u.index + 1 <= last);
      const read = span.filter((u) => u.status !== "failed");
      const lowest = read.length ? Math.min(...read.map((u) => u.confidence)) / 100 : 0;
      const reasons = reviewReasons(segment, lowest);
      if (span.some((u) => u.status === "failed")) reasons.push("page_failed");
      return {
        segment,
        confidence: confidenceOf(segment, ocr),
        reasons,
        ref: undefined,
        pages: segment.pages.map((p) => {
          const u = byPage.get(p);
          return { page: p, imageKey: u?.imageKey, hocrKey: u?.hocrKey, width: u?.width, height: u?.height };
        }),
      };
    });
  }

  private textItems(units: readonly UnitResult[]): ItemDraft[] {
    return units
      .filter((u) => u.status === "done" && u.text.trim())
      .map((u) => {
        const segments = segmentEdition(linesOf(u.text));
        // One submitted document is one item: metadata from its first document, all its text.
        const first = segments.find((s) => !s.missing.includes("title")) ?? segments[0]!;
        const segment: Segment = { ...first, text: u.text, pages: [1] };
        return {
          segment,
          confidence: confidenceOf(segment, 1),
          reasons: reviewReasons(segment, 1),
          ref: u.ref,
          pages: [],
        };
      });
  }

  private async storeItem(job: ArchiveJob, n: number, draft: ItemDraft): Promise<ArchiveItem> {
    const id = `${job.id}-${String(n).padStart(3, "0")}`;
    const existing = await this.platform.records.get<StoredItem>({ pk: itemPk(id), sk: ITEM_SK });
    if (existing) return this.withText(existing.data);
    const s = draft.segment;
    const now = this.now();
    const item: ArchiveItem = {
      id,
      jobId: job.id,
      source: job.kind === "scans" ? "scan" : "text",
      ref: draft.ref,
      title: s.title,
      docNumberPrinted: s.docNumberPrinted,
      docNumber: s.docNumber,
      issuers: s.issuers,
      date: s.date,
      kind: s.kind,
      text: s.text,
      pages: draft.pages,
      edition: job.edition,
      scanKeys: job.files.map((f) => f.key),
      confidence: Math.round(draft.confidence * 100) / 100,
      review: draft.reasons.length > 0,
      reviewReasons: draft.reasons,
      createdAt: now,
      updatedAt: now,
      history: [],
    };
    await this.putItem(item, { kind: "absent" }).catch((error) => {
      if (!(error instanceof ConditionFailedError)) throw error;
    });
    return item;
  }

  private async putItem(
    item: ArchiveItem,
    condition: { kind: "absent" } | { kind: "version"; version: number },
  ) {
    const { text, ...rest } = item;
    const bytes = new TextEncoder().encode(text);
    const textKey = `archive/items/${item.id}/text-${sha256(bytes).slice(0, 16)}.txt`;
    await this.platform.blobs.put(textKey, bytes, { contentType: "text/plain; charset=utf-8" });
    const data: StoredItem = { ...rest, textKey };
    return this.platform.records.put(
      {
        pk: itemPk(item.id),
        sk: ITEM_SK,
        data,
        index: item.review ? { gsi1pk: REVIEW, gsi1sk: `${item.createdAt}#${item.id}` } : undefined,
      },
      condition,
    );
  }

  private async withText(stored: StoredItem): Promise<ArchiveItem> {
    const blob = await this.platform.blobs.get(stored.textKey);
    const { textKey: _textKey, ...rest } = stored;
    return { ...rest, text: blob ? new TextDecoder().decode(blob.bytes) : "" };
  }

  private async writeListings(job: ArchiveJob, items: readonly ArchiveItem[]): Promise<void> {
    for (const [n, item] of items.entries()) {
      const summary = summaryOf(item);
      await this.platform.records.put({ pk: jobPk(job.id), sk: listingSk(n + 1), data: summary });
      await this.platform.records.put({ pk: ALL_ITEMS, sk: item.id, data: summary });
      const year = item.date ? Number(item.date.slice(0, 4)) : job.edition.year;
      if (year) {
        await this.platform.records.put({
          pk: yearPk(year),
          sk: `doc#${item.date ?? ""}#${item.id}`,
          data: summary,
        });
        await ignoreConflict(
          this.platform.records.put({ pk: YEARS, sk: String(year), data: { year } }, { kind: "absent" }),
        );
      }
    }
    const { year, issue } = job.edition;
    if (year && issue) {
      await this.platform.records.put({
        pk: EDITIONS,
        sk: `${year}#${String(issue).padStart(4, "0")}#${job.id}`,
        data: { ...job.edition, jobId: job.id, items: items.length, scanKeys: job.files.map((f) => f.key) },
      });
      await this.platform.records.put({
        pk: yearPk(year),
        sk: `issue#${String(issue).padStart(4, "0")}#${job.id}`,
        data: { ...job.edition, jobId: job.id, items: items.length },
      });
      await ignoreConflict(
        this.platform.records.put({ pk: YEARS, sk: String(year), data: { year } }, { kind: "absent" }),
      );
    }
  }

  private async finish(
    job: StoredRecord<ArchiveJob>,
    status: "done" | "failed",
    itemIds: string[],
  ): Promise<void> {
    try {
      await this.platform.records.put(
        { pk: job.pk, sk: job.sk, data: { ...job.data, status, itemIds, finishedAt: this.now() } },
        { kind: "version", version: job.version },
      );
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      // Another delivery changed the job meanwhile (running → done): run again on the fresh copy.
      await this.complete(job.data.id);
    }
  }

  private async setStatus(job: StoredRecord<ArchiveJob>, status: ArchiveJob["status"]): Promise<void> {
    await ignoreConflict(
      this.platform.records.put(
        { pk: job.pk, sk: job.sk, data: { ...job.data, status } },
        { kind: "version", version: job.version },
      ),
    );
  }

  // ── Reading ────────────────────────────────────────────────────────────────────────────────

  async getJob(id: string): Promise<JobView> {
    const job = await this.platform.records.get<ArchiveJob>({ pk: jobPk(id), sk: JOB_SK });
    if (!job)
      throw new ArchiveNotFoundError("no such job", [problem("id", "not_found", `No archive job ${id}`)]);
    const units = await this.units(id);
    const total = job.data.kind === "scans" ? job.data.pages.length : job.data.documents;
    const done = units.filter((u) => u.status === "done").length;
    const failed = units.length - done;
    const finished = job.data.status === "done" || job.data.status === "failed";
    const items = finished ? await this.jobItems(id) : [];
    const unitStage = job.data.kind === "scans" ? "ocr" : "clean";
    return {
      id,
      kind: job.data.kind,
      status: job.data.status,
      createdAt: job.data.createdAt,
      finishedAt: job.data.finishedAt,
      edition: job.data.edition,
      script:
        job.data.kind === "scans"
          ? job.data.script === "auto"
            ? ((await this.decidedScript(id)) ?? "auto")
            : job.data.script
          : undefined,
      progress: {
        [unitStage]: { total, done, failed },
        segment: { total: 1, done: finished ? 1 : 0, failed: 0 },
        index: { total: items.length, done: finished ? items.length : 0, failed: 0 },
      },
      pages:
        job.data.kind === "scans"
          ? units.map((u) => ({
              index: u.index,
              text: u.text,
              confidence: u.confidence,
              status: u.status,
              ...(u.error ? { error: u.error } : {}),
            }))
          : [],
      items,
    };
  }

  async jobItems(jobId: string): Promise<ItemSummary[]> {
    const out: ItemSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.platform.records.query<ItemSummary>(jobPk(jobId), {
        prefix: "item#",
        cursor,
        limit: 500,
      });
      out.push(...page.items.map((r) => r.data));
      cursor = page.cursor;
    } while (cursor);
    return out;
  }

  async getItem(id: string): Promise<ArchiveItem & { version: number }> {
    const record = await this.platform.records.get<StoredItem>({ pk: itemPk(id), sk: ITEM_SK });
    if (!record)
      throw new ArchiveNotFoundError("no such item", [problem("id", "not_found", `No archive item ${id}`)]);
    return { ...(await this.withText(record.data)), version: record.version };
  }

  /** Items waiting for review (oldest first), or all items. */
  async listItems(options: { review: boolean; limit: number; cursor?: string | undefined }) {
    if (options.review) {
      const page = await this.platform.records.query<StoredItem>(REVIEW, {
        index: "gsi1",
        limit: options.limit,
        cursor: options.cursor,
      });
      return {
        items: page.items.map((r) => ({
          ...summaryOf({ ...r.data, text: "" }),
          confidence: r.data.confidence,
          reviewReasons: r.data.reviewReasons,
        })),
        cursor: page.cursor,
      };
    }
    const page = await this.platform.records.query<ItemSummary>(ALL_ITEMS, {
      limit: options.limit,
      cursor: options.cursor,
    });
    return { items: page.items.map((r) => r.data), cursor: page.cursor };
  }

  /**
   * An editor's correction: changed fields are recorded with who and when, the item leaves the
   * review queue (unless `review: true`), listings and the search index are updated. With
   * `expectedVersion` (If-Match) a concurrent change is refused with 409.
   */
  async correctItem(
    id: string,
    input: unknown,
    by: string,
    expectedVersion?: number,
  ): Promise<ArchiveItem & { version: number }> {
    const parsed = itemCorrectionSchema.safeParse(input);
    if (!parsed.success)
      throw new InvalidArchiveRequestError("invalid correction", zodProblems(parsed.error));
    const current = await this.getItem(id);
    if (expectedVersion !== undefined && expectedVersion !== current.version) {
      throw new ArchiveConflictError("stale", [
        problem("If-Match", "version_mismatch", `The item is at version ${current.version}`),
      ]);
    }
    const { review, ...fields } = parsed.data;
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const next: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      const to =
        value === null
          ? undefined
          : field === "docNumber" && typeof value === "string"
            ? normalizeArchiveDocNumber(value)
            : value;
      const from = (current as unknown as Record<string, unknown>)[field];
      if (JSON.stringify(from) === JSON.stringify(to)) continue;
      changes[field] = { from: from ?? null, to: to ?? null };
      next[field] = to;
    }
    const nextReview = review ?? false;
    if (nextReview !== current.review) changes.review = { from: current.review, to: nextReview };
    if (Object.keys(changes).length === 0) return current;
    const correction: ItemCorrection = { at: this.now(), by, changes };
    const { version, ...rest } = current;
    const updated: ArchiveItem = {
      ...rest,
      ...next,
      docNumberPrinted: "docNumber" in next ? (fields.docNumber ?? undefined) : rest.docNumberPrinted,
      review: nextReview,
      reviewReasons: nextReview ? rest.reviewReasons : [],
      updatedAt: correction.at,
      history: [...rest.history, correction],
    };
    let stored: StoredRecord;
    try {
      stored = await this.putItem(updated, { kind: "version", version });
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      throw new ArchiveConflictError("concurrent change", [
        problem(null, "conflict", "The item changed meanwhile; reload and retry"),
      ]);
    }
    await this.updateListings(current, updated);
    await this.options.search?.index([searchDocument(updated)]);
    return { ...updated, version: stored.version };
  }

  private async updateListings(before: ArchiveItem, after: ArchiveItem): Promise<void> {
    const summary = summaryOf(after);
    const listing = (await this.jobListing(after.jobId)).find((r) => r.data.id === after.id);
    if (listing) await this.platform.records.put({ pk: listing.pk, sk: listing.sk, data: summary });
    await this.platform.records.put({ pk: ALL_ITEMS, sk: after.id, data: summary });
    const yearOf = (item: ArchiveItem) => (item.date ? Number(item.date.slice(0, 4)) : item.edition.year);
    const oldYear = yearOf(before);
    if (oldYear)
      await this.platform.records.delete({
        pk: yearPk(oldYear),
        sk: `doc#${before.date ?? ""}#${before.id}`,
      });
    const newYear = yearOf(after);
    if (newYear) {
      await this.platform.records.put({
        pk: yearPk(newYear),
        sk: `doc#${after.date ?? ""}#${after.id}`,
        data: summary,
      });
      await ignoreConflict(
        this.platform.records.put(
          { pk: YEARS, sk: String(newYear), data: { year: newYear } },
          { kind: "absent" },
        ),
      );
    }
  }

  private async jobListing(jobId: string) {
    const page = await this.platform.records.query<ItemSummary>(jobPk(jobId), {
      prefix: "item#",
      limit: 1000,
    });
    return page.items;
  }

  // ── Browsing (public pages) ────────────────────────────────────────────────────────────────

  async years(): Promise<number[]> {
    const page = await this.platform.records.query<{ year: number }>(YEARS, { limit: 1000 });
    return page.items.map((r) => r.data.year).sort((a, b) => b - a);
  }

  async year(
    year: number,
  ): Promise<{ issues: (EditionInfo & { jobId: string; items: number })[]; documents: ItemSummary[] }> {
    const issues: (EditionInfo & { jobId: string; items: number })[] = [];
    const documents: ItemSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.platform.records.query<Record<string, unknown>>(yearPk(year), {
        cursor,
        limit: 1000,
      });
      for (const r of page.items) {
        if (r.sk.startsWith("issue#"))
          issues.push(r.data as unknown as EditionInfo & { jobId: string; items: number });
        else documents.push(r.data as unknown as ItemSummary);
      }
      cursor = page.cursor;
    } while (cursor);
    return { issues, documents };
  }

  async issue(
    year: number,
    issue: number,
  ): Promise<{ editions: (EditionInfo & { jobId: string; scanKeys: string[] })[]; items: ItemSummary[] }> {
    const page = await this.platform.records.query<EditionInfo & { jobId: string; scanKeys: string[] }>(
      EDITIONS,
      {
        prefix: `${year}#${String(issue).padStart(4, "0")}#`,
        limit: 100,
      },
    );
    const editions = page.items.map((r) => r.data);
    const items = (await Promise.all(editions.map((e) => this.jobItems(e.jobId)))).flat();
    return { editions, items };
  }

  async blob(key: string) {
    return this.platform.blobs.get(key);
  }

  private now(): string {
    return this.platform.clock.now().toISOString();
  }
}

interface ItemDraft {
  readonly segment: Segment;
  readonly confidence: number;
  readonly reasons: string[];
  readonly ref: string | undefined;
  readonly pages: ArchiveItem["pages"];
}

function confidenceOf(segment: Segment, ocr: number): number {
  const penalty = segment.missing.filter((m) => m !== "kind").length * 0.15;
  return Math.max(0, Math.min(1, ocr) - penalty);
}

function reviewReasons(segment: Segment, ocr: number): string[] {
  const reasons: string[] = [];
  if (ocr < REVIEW_THRESHOLD) reasons.push("low_ocr_confidence");
  for (const m of segment.missing) if (m !== "kind") reasons.push(`${m}_not_found`);
  return reasons;
}

export function searchDocument(item: ArchiveItem): SearchDocument {
  return {
    id: `archive:${item.id}`,
    source: "archive",
    ref: item.ref,
    title: item.title,
    docNumber: item.docNumber,
    issuers: item.issuers,
    kind: item.kind,
    date: item.date,
    text: item.text,
    url: itemUrl(item.id),
  };
}

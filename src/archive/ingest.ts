/**
 * Stage 1, ingest (HTTP): scans, texts and direct uploads in; queued units out.
 *
 * Reads: the request (multipart scan files, scan keys already in the blob store, text documents),
 *   and for scan keys the blobs they name.
 * Checks every file (inspectScan) BEFORE storing anything: a bad file refuses the whole request.
 * Writes: an outbox entry noting the job's unit messages and blobs, the texts or the multipart
 *   scans staged under staging/<job>/, the job record (`jobPk`/`JOB_SK`, the commit point), then
 *   promotes the staged blobs (texts to `textKey`, scans to their content-addressed, write-once
 *   records.ts `scanKey`) and sends one "archive" queue message per page (scans) or per document
 *   (texts) — see createJob. A refused or failed request leaves nothing under archive/; a
 *   committed job always gets its messages (the outbox relay finishes what a crash left).
 * Direct uploads: `requestUpload` answers the scan's content-addressed key and the URL to PUT it
 *   to (none when it is stored already); `storeUpload` stores an embedded-mode upload's body once.
 */
import { ulid } from "ulid";
import { stagingKey } from "../platform/blob-policy.js";
import { ConditionFailedError } from "../platform/errors.js";
import {
  commitWithStaged,
  completeFromOutbox,
  type StagedBlob,
  type StagedUpload,
} from "../platform/outbox.js";
import type { Platform } from "../platform/ports.js";
import * as z from "../platform/zod-mini.js";
import {
  ArchiveConflictError,
  ArchiveNotFoundError,
  InvalidArchiveRequestError,
  problem,
  ScanTooLargeError,
  UnsupportedScanError,
  zodProblems,
} from "./errors.js";
import {
  ARCHIVE_QUEUE,
  type ArchiveJob,
  type EditionInfo,
  editionInfoSchema,
  type PagePlan,
  type ScanFile,
  scanKeyIngestSchema,
  textIngestSchema,
  uploadRequestSchema,
} from "./model.js";
import type { Script } from "./ocr/engine.js";
import { type ArchiveMessage, JOB_SK, jobPk, nowIso, scanKey, sha256, textKey } from "./records.js";
import { SCAN_CONTENT_TYPES, type ScanFormat, type ScanLimits } from "./scan-format.js";
import { type PresignedUpload, UPLOAD_TTL_SECONDS, type UploadTarget, type UploadUrls } from "./uploads.js";

export interface UploadedScan {
  readonly field: string;
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface IngestOptions {
  readonly platform: Platform;
  readonly limits: ScanLimits;
  readonly newId?: (() => string) | undefined;
  /** Direct upload URLs; left out, `requestUpload` answers 404. */
  readonly uploads?: UploadUrls | undefined;
}

/** mupdf (WebAssembly), loaded on first use: functions that never touch a scan never load it. */
const inspector = async () => (await import("./images.js")).inspectScan;

export class ArchiveIngest {
  private readonly platform: Platform;
  private readonly limits: ScanLimits;
  private readonly newId: () => string;

  constructor(private readonly options: IngestOptions) {
    this.platform = options.platform;
    this.limits = options.limits;
    this.newId = options.newId ?? (() => ulid());
  }

  async submitTexts(input: unknown, by: string): Promise<ArchiveJob> {
    const parsed = textIngestSchema.safeParse(input);
    if (!parsed.success)
      throw new InvalidArchiveRequestError("invalid text ingest", zodProblems(parsed.error));
    const { documents, fields, ...edition } = parsed.data;
    const id = this.newId();
    // Staged until the job is committed, like a multipart scan (createJob).
    const texts: StagedUpload[] = documents.map((d, i) => ({
      staged: stagingKey(id, textKey(id, i)),
      final: textKey(id, i),
      contentType: "application/json",
      bytes: new TextEncoder().encode(JSON.stringify({ text: d.text, ref: d.ref, fields })),
    }));
    return this.createJob(
      {
        id,
        kind: "texts",
        status: "queued",
        createdAt: nowIso(this.platform),
        createdBy: by,
        edition,
        files: [],
        pages: [],
        documents: documents.length,
        script: "auto",
      },
      texts,
    );
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
    const inspectScan = await inspector();
    const inspected = files.map((f) => ({ ...f, ...inspectScan(f.bytes, f.field, this.limits) }));
    this.checkPageTotal(inspected.reduce((n, f) => n + f.pages, 0));
    // The job's id is known before anything is stored: it owns the staged copies.
    const id = this.newId();
    const scanFiles: ScanFile[] = [];
    const staged: StagedBlob[] = [];
    const bytesOf = new Map<string, Uint8Array>();
    for (const f of inspected) {
      const key = scanKey(sha256(f.bytes), f.format);
      scanFiles.push({ key, name: f.name, format: f.format, pages: f.pages });
      // A scan already stored under its hash needs no new write (archive/scans/ is write-once).
      if (bytesOf.has(key) || (await this.platform.blobs.head(key))) continue;
      bytesOf.set(key, f.bytes);
      staged.push({ staged: stagingKey(id, key), final: key, contentType: SCAN_CONTENT_TYPES[f.format] });
    }
    return this.createScanJob(scanFiles, meta, by, id, { staged, bytesOf });
  }

  /**
   * Scans stored by direct uploads (POST /api/archive/uploads): each key is the scan's
   * content-addressed place, used as is (a scan is stored once). Each is checked as a multipart
   * file is, and its bytes must hash to the key and its format match the key's extension.
   * Keys outside archive/scans/ (an edition PDF, a document's original, `../editor-token`) are
   * refused by the schema before anything is read (400 invalid_format on keys.N).
   */
  async submitScanKeys(input: unknown, by: string): Promise<ArchiveJob> {
    const parsed = scanKeyIngestSchema.safeParse(input);
    if (!parsed.success)
      throw new InvalidArchiveRequestError("invalid scan ingest", zodProblems(parsed.error));
    const { keys, names, script, ...edition } = parsed.data;
    if (names && names.length !== keys.length) {
      throw new InvalidArchiveRequestError("names do not match keys", [
        problem("names", "invalid", "Give one name per key, in the order of `keys`"),
      ]);
    }
    const files: ScanFile[] = [];
    const inspectScan = await inspector();
    for (const [i, key] of keys.entries()) {
      const blob = await this.platform.blobs.get(key);
      if (!blob)
        throw new InvalidArchiveRequestError("unknown key", [
          problem(`keys.${i}`, "not_found", `No scan ${key} is stored; upload it first`),
        ]);
      const info = inspectScan(blob.bytes, `keys.${i}`, this.limits);
      // S3 checked the signed checksum on upload; a key written another way is checked here.
      if (scanKey(sha256(blob.bytes), info.format) !== key) {
        throw new InvalidArchiveRequestError("key does not match content", [
          problem(`keys.${i}`, "checksum_mismatch", `The bytes stored at ${key} are not the scan it names`),
        ]);
      }
      const name = names?.[i] ?? key.split("/").pop() ?? key;
      files.push({ key, name, format: info.format, pages: info.pages });
    }
    this.checkPageTotal(files.reduce((n, f) => n + f.pages, 0));
    return this.createScanJob(files, { edition, script: script ?? "auto" }, by);
  }

  /**
   * A direct upload (large scans): checks what the client says about the file and returns the
   * key it will have — its content-addressed place, `archive/scans/<sha256>.<ext>` — and the URL
   * to PUT it to, valid UPLOAD_TTL_SECONDS; `upload` is null when that scan is stored already
   * (submit the key). The file itself is checked when its key is submitted to submitScanKeys.
   */
  async requestUpload(input: unknown): Promise<{ key: string; upload: PresignedUpload | null }> {
    const uploads = this.options.uploads;
    if (!uploads)
      throw new ArchiveNotFoundError("no uploads", [
        problem(null, "not_available", "Direct uploads are not configured here; use multipart"),
      ]);
    const parsed = uploadRequestSchema.safeParse(input);
    if (!parsed.success)
      throw new InvalidArchiveRequestError("invalid upload request", zodProblems(parsed.error));
    const { contentType, size, sha256: hash } = parsed.data;
    const type = contentType.split(";")[0]!.trim().toLowerCase();
    const format = (Object.keys(SCAN_CONTENT_TYPES) as ScanFormat[]).find(
      (f) => SCAN_CONTENT_TYPES[f] === type,
    );
    if (!format) {
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
    const key = scanKey(hash, format);
    if (await this.platform.blobs.head(key)) return { key, upload: null };
    const now = this.platform.clock.now();
    const expiresAt = new Date(now.getTime() + UPLOAD_TTL_SECONDS * 1000);
    return {
      key,
      upload: await uploads.presign({ key, size, contentType: type, sha256: hash }, now, expiresAt),
    };
  }

  /**
   * Stores the body of an embedded-mode upload (its token already verified): exactly the size
   * and SHA-256 the token allows (as S3 checks the signed checksum), never over an existing blob.
   */
  async storeUpload(target: UploadTarget, bytes: Uint8Array): Promise<void> {
    if (bytes.byteLength !== target.size) {
      throw new InvalidArchiveRequestError("size mismatch", [
        problem(null, "size_mismatch", `The upload must be exactly ${target.size} bytes`),
      ]);
    }
    if (sha256(bytes) !== target.sha256) {
      throw new InvalidArchiveRequestError("checksum mismatch", [
        problem(
          null,
          "checksum_mismatch",
          "The body's SHA-256 is not the one this upload URL was issued for",
        ),
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

  private parseScanMetadata(metadata: unknown): { edition: EditionInfo; script: Script | "auto" } {
    const schema = z.extend(editionInfoSchema, { script: scanKeyIngestSchema.shape.script });
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

  private async createScanJob(
    files: ScanFile[],
    meta: { edition: EditionInfo; script: Script | "auto" },
    by: string,
    id: string = this.newId(),
    upload?: { staged: readonly StagedBlob[]; bytesOf: ReadonlyMap<string, Uint8Array> },
  ): Promise<ArchiveJob> {
    const pages: PagePlan[] = files.flatMap((f, file) =>
      Array.from({ length: f.pages }, (_, pageInFile) => ({ file, pageInFile })),
    );
    const job: ArchiveJob = {
      id,
      kind: "scans",
      status: "queued",
      createdAt: nowIso(this.platform),
      createdBy: by,
      edition: meta.edition,
      files,
      pages,
      documents: 0,
      script: meta.script,
    };
    const staged = (upload?.staged ?? []).map((item) => ({
      ...item,
      bytes: upload!.bytesOf.get(item.final)!,
    }));
    return this.createJob(job, staged);
  }

  /**
   * Commits a job so that it runs exactly when it exists, and a failed request leaves nothing.
   *
   * Uploaded scans go under archive/scans/, which is write-once (and public), and submitted texts
   * under archive/jobs/: nothing may be left there for a request that then fails. As intake does
   * (documents/intake.ts), the job's unit messages are noted in the outbox with its blobs
   * (platform/outbox.ts), the blobs are staged under staging/<job>/<final key>, and the job record
   * (naming the final keys) is the commit point. Then the blobs are promoted, the messages sent
   * and the outbox entries deleted. A failure before the commit deletes the staged copies (and
   * the entries); after it the job stands, and whatever of its promotion or sends did not happen
   * — a queue outage, a crash — the outbox relay (the tick) finishes: a committed job always gets
   * its messages. Units read a blob from its staged copy until it is promoted (page-unit.ts).
   */
  private async createJob(job: ArchiveJob, uploads: readonly StagedUpload[] = []): Promise<ArchiveJob> {
    const key = { pk: jobPk(job.id), sk: JOB_SK };
    const units = job.kind === "scans" ? job.pages.length : job.documents;
    const messages = Array.from({ length: units }, (_, index) =>
      JSON.stringify({ type: "archive.unit", jobId: job.id, index } satisfies ArchiveMessage),
    );
    const outbox = await commitWithStaged(
      this.platform,
      { requires: key, queue: ARCHIVE_QUEUE, messages },
      uploads,
      () => this.platform.records.put({ ...key, data: job }, { kind: "absent" }),
      this.platform.clock.now(),
    );
    // Committed: the job will run. What fails now the relay finishes (its entries stay).
    await completeFromOutbox(this.platform, outbox).catch(() => undefined);
    return job;
  }
}

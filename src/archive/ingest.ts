/**
 * Stage 1, ingest (HTTP): scans, texts and direct uploads in; queued units out.
 *
 * Reads: the request (multipart scan files, scan keys already in the blob store, text documents),
 *   and for scan keys the blobs they name.
 * Checks every file (inspectScan) BEFORE storing anything: a bad file refuses the whole request.
 * Writes: the originals (content-addressed blobs, records.ts `scanKey`) or the texts
 *   (`textKey`), the job record (`jobPk`/`JOB_SK`), then one "archive" queue message per page
 *   (scans) or per document (texts). Without its messages the job is deleted again.
 * Direct uploads: `requestUpload` answers the key and URL to PUT a large scan to;
 *   `storeUpload` stores an embedded-mode upload's body once.
 */
import { ulid } from "ulid";
import { ConditionFailedError } from "../platform/errors.js";
import type { Platform } from "../platform/ports.js";
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
import {
  type ArchiveMessage,
  ignoreConflict,
  JOB_SK,
  jobPk,
  nowIso,
  scanKey,
  sha256,
  textKey,
} from "./records.js";
import { SCAN_CONTENT_TYPES, type ScanLimits } from "./scan-format.js";
import {
  type PresignedUpload,
  safeFileName,
  UPLOAD_PREFIX,
  UPLOAD_TTL_SECONDS,
  type UploadTarget,
  type UploadUrls,
} from "./uploads.js";

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
    await Promise.all(
      documents.map((d, i) =>
        this.platform.blobs.put(
          textKey(id, i),
          new TextEncoder().encode(JSON.stringify({ text: d.text, ref: d.ref, fields })),
          { contentType: "application/json" },
        ),
      ),
    );
    return this.createJob({
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
    const inspectScan = await inspector();
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

  /**
   * Scans already in the blob store, uploaded for the archive: through POST /api/archive/uploads
   * (archive/uploads/…) or copied out of band under archive/incoming/ (large back-catalogues).
   * No other stored file — an edition PDF, a document's original — may be taken as a scan.
   */
  async submitScanKeys(input: unknown, by: string): Promise<ArchiveJob> {
    const parsed = scanKeyIngestSchema.safeParse(input);
    if (!parsed.success)
      throw new InvalidArchiveRequestError("invalid scan ingest", zodProblems(parsed.error));
    const { keys, script, ...edition } = parsed.data;
    const files: ScanFile[] = [];
    const inspectScan = await inspector();
    const refused = keys.flatMap((key, i) => {
      const why = scanKeyProblem(key);
      return why ? [problem(`keys.${i}`, why.code, why.message)] : [];
    });
    if (refused.length) throw new InvalidArchiveRequestError("keys must name archive uploads", refused);
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
      createdAt: nowIso(this.platform),
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
}

/** Prefix under which operators copy scans for the archive out of band (e.g. `aws s3 cp`). */
export const INCOMING_PREFIX = "archive/incoming/";

const KEY_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** Why a submitted scan key is refused, or undefined when it names an archive upload. */
export function scanKeyProblem(key: string): { code: string; message: string } | undefined {
  const segments = key.split("/");
  if (!segments.every((s) => KEY_SEGMENT.test(s) && s !== "." && s !== "..")) {
    return {
      code: "invalid_key",
      message:
        "A key is a path of segments of letters, digits, '.', '_' and '-' (no empty, '.' or '..' segments)",
    };
  }
  if (!key.startsWith(UPLOAD_PREFIX) && !key.startsWith(INCOMING_PREFIX)) {
    return {
      code: "not_an_upload",
      message: `Only scans uploaded for the archive may be submitted by key: ${UPLOAD_PREFIX}… (POST /api/archive/uploads) or ${INCOMING_PREFIX}… (copied there out of band)`,
    };
  }
  return undefined;
}

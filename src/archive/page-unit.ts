/**
 * Stage 2, page unit (queue consumer, one "archive" message): one page read or one text cleaned.
 *
 * Reads: the job record; scans: the original scan blob (records.ts `scanKey`); texts: the
 *   submitted text (`textKey`).
 * Scans: rasterise → readPage (clean → orientation → layout → OCR per block, ocr/page.ts). Writes
 *   the upright page PNG and its hOCR blobs (`pageBase`), the job's script as first decided (auto
 *   jobs, written once, for the job view), and the page's unit result with the script and the
 *   turn it was read with.
 * Texts: strips scrape noise. Writes the unit result.
 * The unit result (`unitSk`) is written once (conditional put), so a redelivered message changes
 * nothing; a page that cannot be read (or keeps failing) is recorded as failed and the job goes
 * on. The job is marked running on its first unit. Completion (completion.ts) runs after it.
 */
import { stagingKey } from "../platform/blob-policy.js";
import { PermanentMessageError } from "../platform/errors.js";
import type { Platform, StoredRecord } from "../platform/ports.js";
import { PageUnreadableError } from "./errors.js";
import { type FieldMappingOverride, mergeOverrides } from "./ingest/formats/json.js";
import { readDocuments } from "./ingest/read.js";
import type { ArchiveJob, UnitResult } from "./model.js";
import type { OcrEngine } from "./ocr/engine.js";
import {
  type ArchiveMessage,
  ignoreConflict,
  JOB_SK,
  jobPk,
  pageBase,
  SCRIPT_SK,
  textKey,
  unitSk,
} from "./records.js";
import type { ScanLimits } from "./scan-format.js";

export interface PageUnitOptions {
  readonly platform: Platform;
  /** The OCR engine, created on first use (workers are expensive). */
  readonly ocr: () => Promise<OcrEngine>;
  readonly limits: ScanLimits;
  /** Deliveries of a page message before a page that keeps failing is recorded as failed. */
  readonly maxAttempts: number;
  /** JSON record field names configured for the deployment (GAZETTE_ARCHIVE_JSON_FIELDS). */
  readonly jsonFields?: FieldMappingOverride | undefined;
}

/**
 * mupdf (WebAssembly) and the cleaning stage, loaded on first use: functions that never touch a
 * scan (events, reposts, publisher) never load the binary.
 */
const imaging = async () => {
  const [images, page] = await Promise.all([import("./images.js"), import("./ocr/page.js")]);
  return { ...images, readPage: page.readPage };
};

export class PageUnit {
  private readonly platform: Platform;
  private engine: Promise<OcrEngine> | undefined;

  constructor(private readonly options: PageUnitOptions) {
    this.platform = options.platform;
  }

  /** Handles one "archive" queue message: records its unit's result. Answers the job's id. */
  async process(body: unknown, receiveCount: number): Promise<string> {
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
      if (job.data.status === "queued") await this.setRunning(job);
      let result: UnitResult;
      try {
        result =
          job.data.kind === "scans"
            ? await this.ocrPage(job.data, index)
            : await this.cleanText(job.data, index);
      } catch (error) {
        // A page that cannot be decoded, or keeps failing, is recorded so the job can finish.
        if (!(error instanceof PageUnreadableError) && receiveCount < this.options.maxAttempts) throw error;
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
    return job.data.id;
  }

  private async setRunning(job: StoredRecord<ArchiveJob>): Promise<void> {
    await ignoreConflict(
      this.platform.records.put(
        { pk: job.pk, sk: job.sk, data: { ...job.data, status: "running" } },
        { kind: "version", version: job.version },
      ),
    );
  }

  private async ocrPage(job: ArchiveJob, index: number): Promise<UnitResult> {
    const plan = job.pages[index];
    if (!plan) throw new PageUnreadableError(`The job has no page ${index}`);
    const file = job.files[plan.file]!;
    // Until ingest (or the outbox relay) has promoted it, an uploaded scan is still staged.
    const blob =
      (await this.platform.blobs.get(file.key)) ??
      (await this.platform.blobs.get(stagingKey(job.id, file.key)));
    if (!blob) throw new Error(`Scan ${file.key} is missing`);
    const { rasterisePage, encodePng, readPage } = await imaging();
    const raster = rasterisePage(blob.bytes, file.format, plan.pageInFile, this.options.limits);
    const engine = await this.ocrEngine();
    // Orientation, layout and script are decided per page (ocr/page.ts): an edition can mix
    // Simplified and Traditional pages, upright and turned ones.
    const reading = await readPage(raster, engine, { script: job.script });
    if (job.script === "auto") {
      // The job's script as shown in its view: the first page to decide.
      await ignoreConflict(
        this.platform.records.put(
          { pk: jobPk(job.id), sk: SCRIPT_SK, data: { script: reading.script, page: index } },
          { kind: "absent" },
        ),
      );
    }
    const png = encodePng(reading.image);
    const base = pageBase(job.id, index);
    await this.platform.blobs.put(`${base}.png`, png, { contentType: "image/png" });
    await this.platform.blobs.put(`${base}.hocr`, new TextEncoder().encode(reading.hocr), {
      contentType: "text/html; charset=utf-8",
    });
    this.platform.metrics?.count("PagesOcrd");
    return {
      index,
      status: "done",
      text: reading.text,
      confidence: Math.round(reading.confidence * 10) / 10,
      imageKey: `${base}.png`,
      hocrKey: `${base}.hocr`,
      width: reading.image.width,
      height: reading.image.height,
      language: reading.language,
      vertical: reading.vertical,
      script: reading.script,
      rotation: reading.rotation,
    };
  }

  private async cleanText(job: ArchiveJob, index: number): Promise<UnitResult> {
    // Until ingest (or the outbox relay) has promoted it, a submitted text is still staged.
    const key = textKey(job.id, index);
    const blob =
      (await this.platform.blobs.get(key)) ?? (await this.platform.blobs.get(stagingKey(job.id, key)));
    if (!blob) throw new PageUnreadableError(`Text ${index} of job ${job.id} is missing`);
    const { text, ref, fields } = JSON.parse(new TextDecoder().decode(blob.bytes)) as {
      text: string;
      ref?: string;
      fields?: FieldMappingOverride;
    };
    // The request's field names first, then the deployment's, then the defaults.
    const documents = readDocuments(text, { fields: mergeOverrides(fields, this.options.jsonFields) }).map(
      (d) => ({
        text: d.text,
        hints: d.hints,
      }),
    );
    return {
      index,
      status: "done",
      text: documents.map((d) => d.text).join("\n\n"),
      confidence: 100,
      ref,
      documents,
    };
  }

  private async ocrEngine(): Promise<OcrEngine> {
    this.engine ??= this.options.ocr();
    this.engine.catch(() => {
      this.engine = undefined;
    });
    return this.engine;
  }
}

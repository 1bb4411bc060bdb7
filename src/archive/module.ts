import type { Logger } from "@aws-lambda-powertools/logger";
import type { GazetteSettings } from "../config.js";
import type { Platform } from "../platform/ports.js";
import { createSqsHandler, type SqsHandler } from "../platform/sqs-consumer.js";
import type { SearchIndex } from "../search/ports.js";
import { type FieldMappingOverride, fieldMappingFromEnv } from "./ingest/formats/json.js";
import { ARCHIVE_QUEUE } from "./model.js";
import type { OcrEngine } from "./ocr/engine.js";
import type { ScanLimits } from "./scan-format.js";
import { ArchiveService } from "./service.js";
import { isUploadReceiver, type UploadReceiver, type UploadUrls } from "./uploads.js";

export { ARCHIVE_QUEUE } from "./model.js";

/** Local queue settings: page failures are recorded by the service long before the DLQ. */
export const ARCHIVE_QUEUE_SETTINGS = { [ARCHIVE_QUEUE]: { maxReceiveCount: 5 } } as const;

export interface Archive {
  readonly service: ArchiveService;
  /**
   * What the HTTP routes and public pages need besides (src/archive/http.ts: archiveRoutes,
   * mounted by the API alone; the consumer never imports them, nor Handlebars with them).
   */
  readonly gazette: ArchiveOptions["gazette"];
  /** Embedded mode: the app receives the uploads its URLs point to. */
  readonly receiver: UploadReceiver | undefined;
  /** Consumer of the "archive" queue (Lambda or local poller): one page or text per message. */
  readonly handler: SqsHandler;
  /** Ends OCR workers. */
  close(): Promise<void>;
}

export interface ArchiveOptions {
  readonly platform: Platform;
  readonly gazette: GazetteSettings & { readonly baseUrl?: string };
  readonly search?: SearchIndex | undefined;
  readonly logger?: Logger | undefined;
  /**
   * The OCR engine, for the processes that read pages (the archive consumer, the local server):
   * usually loadOcrEngine (./ocr/load.ts). Left out (the API), reading a page fails; nothing else needs it.
   */
  readonly ocr?: (() => Promise<OcrEngine>) | undefined;
  readonly limits?: ScanLimits | undefined;
  readonly maxAttempts?: number | undefined;
  readonly newId?: (() => string) | undefined;
  /** Direct-upload URLs for large scans (S3 presigned in AWS, the app's own locally). */
  readonly uploads?: UploadUrls | undefined;
  /** JSON record field names for text ingests; default: GAZETTE_ARCHIVE_JSON_FIELDS. */
  readonly jsonFields?: FieldMappingOverride | undefined;
}

export function createArchive(options: ArchiveOptions): Archive {
  let engine: Promise<OcrEngine> | undefined;
  const ocr =
    options.ocr ??
    (async () => {
      throw new Error("No OCR engine here: pages are read by the archive consumer (loadOcrEngine)");
    });
  const service = new ArchiveService({
    platform: options.platform,
    search: options.search,
    ocr: () => {
      engine ??= ocr();
      return engine;
    },
    limits: options.limits,
    maxAttempts: options.maxAttempts,
    newId: options.newId,
    uploads: options.uploads,
    jsonFields: options.jsonFields ?? fieldMappingFromEnv(process.env),
  });
  const receiver = options.uploads && isUploadReceiver(options.uploads) ? options.uploads : undefined;
  return {
    service,
    gazette: options.gazette,
    receiver,
    handler: createSqsHandler({
      queue: ARCHIVE_QUEUE,
      queues: options.platform.queues,
      logger: options.logger,
      process: (body, meta) => service.process(body, meta.receiveCount),
    }),
    async close() {
      const started = engine;
      engine = undefined;
      await (await started?.catch(() => undefined))?.close();
    },
  };
}

import { Duration } from "aws-cdk-lib";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { Construct } from "constructs";
import { grantSend } from "./access.js";
import { QUEUE_CONSUMER_CONCURRENCY } from "./concurrency.js";
import {
  type BundleFile,
  MUPDF_FILES,
  MUPDF_WASM_ENVIRONMENT,
  OCR_EXTERNAL,
  OCR_FILES,
  OCR_PACKAGE,
} from "./function-bundle.js";
import type { GazetteData } from "./gazette-data.js";
import { GazetteFunction } from "./gazette-function.js";
import type { GazetteSearch } from "./gazette-search.js";
import { QueueWithDlq } from "./queue-with-dlq.js";

/** OCR of one page, twice for a Traditional page read first as Simplified, with room to spare. */
export const ARCHIVE_CONSUMER_TIMEOUT = Duration.minutes(5);

/** The archive queue: one message per scanned page or ingested text; created first (the API sends to it). */
export class ArchiveQueue extends QueueWithDlq {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      logicalName: "archive",
      visibilityTimeout: Duration.seconds(ARCHIVE_CONSUMER_TIMEOUT.toSeconds() * 6),
      // The consumer records a page as failed after its third attempt; the DLQ catches the rest.
      maxReceiveCount: 5,
      retentionPeriod: Duration.days(14),
    });
  }
}

export interface GazetteArchiveProps {
  readonly data: GazetteData;
  readonly queue: ArchiveQueue;
  readonly environment: Readonly<Record<string, string>>;
  /** Files the consumer reads besides mupdf and the OCR engine (templates). */
  readonly files: readonly BundleFile[];
  readonly search?: GazetteSearch | undefined;
  /** @default functions/archive.ts */
  readonly entry?: string;
}

/**
 * The archive consumer: per-page OCR (rasterise, clean, recognise) and text cleaning, then
 * segmentation, items and search indexing once a job's last page is in.
 */
export class GazetteArchive extends Construct {
  public readonly consumer: GazetteFunction;

  constructor(scope: Construct, id: string, props: GazetteArchiveProps) {
    super(scope, id);
    const { data, queue } = props;
    this.consumer = new GazetteFunction(this, "ConsumerFunction", {
      entry: props.entry ?? "functions/archive.ts",
      serviceName: "gazette-archive",
      description:
        "Archive: OCR of one scanned page (or one ingested text) per message; segmentation and indexing",
      // OCR is CPU-bound and Lambda's CPU share grows with memory.
      memorySize: 3008,
      timeout: ARCHIVE_CONSUMER_TIMEOUT,
      // mupdf's binary, and tesseract.js (built from its installed sources) with the one engine
      // build and the models it runs, copied from the installed node_modules (nothing is
      // downloaded at synth).
      files: [...props.files, ...MUPDF_FILES, ...OCR_FILES],
      external: OCR_EXTERNAL,
      packages: [OCR_PACKAGE],
      environment: { ...props.environment, ...MUPDF_WASM_ENVIRONMENT },
    });
    // Least privilege: records, blobs (scans in, page images and hOCR out), its DLQ for poison
    // messages, and the search index when OpenSearch is configured.
    this.consumer.role.addManagedPolicy(data.tableReadWritePolicy);
    this.consumer.role.addManagedPolicy(data.blobAccessPolicies.archive);
    if (props.search) this.consumer.role.addManagedPolicy(props.search.indexingPolicy);
    grantSend(queue.deadLetterQueue, this.consumer.function);
    this.consumer.function.addEventSource(
      new SqsEventSource(queue.queue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: QUEUE_CONSUMER_CONCURRENCY.archive,
      }),
    );
  }
}

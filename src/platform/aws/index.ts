import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { WRITE_ONCE_PREFIXES } from "../blob-policy.js";
import type { BusinessMetrics } from "../metrics.js";
import { type Clock, type Platform, systemClock } from "../ports.js";
import { DynamoRecordStore } from "./dynamo-records.js";
import { PowertoolsBusinessMetrics } from "./metrics.js";
import { S3BlobStore } from "./s3-blobs.js";
import { SqsQueue } from "./sqs-queue.js";
import { traced } from "./tracing.js";

export {
  createTableIfMissing,
  DynamoRecordStore,
  recordsTableDefinition,
  TABLE_SCHEMA,
} from "./dynamo-records.js";
export { awsErrorCode, mapAwsError } from "./errors.js";
export { S3BlobStore } from "./s3-blobs.js";
export { SqsQueue, type SqsQueueOptions } from "./sqs-queue.js";

export interface AwsPlatformOptions {
  readonly tableName: string;
  readonly bucketName: string;
  /**
   * The bucket holding `staging/` blobs (blob-policy.ts): no Object Lock, api and tick may delete,
   * a lifecycle rule expires leftovers. Left out (emulators), staged blobs live in `bucketName`.
   */
  readonly stagingBucketName?: string | undefined;
  /** Logical queue name → queue URL, DLQs included under `${queue}-dlq`. */
  readonly queueUrls: Readonly<Record<string, string>>;
  /** Logical queue → logical DLQ name where it differs from `${queue}-dlq`. */
  readonly deadLetterQueues?: Readonly<Record<string, string>> | undefined;
  readonly region?: string | undefined;
  /** Emulator endpoints (dynalite, fauxqs); omit in AWS. */
  readonly endpoints?:
    | { readonly dynamodb?: string; readonly s3?: string; readonly sqs?: string }
    | undefined;
  readonly credentials?: DynamoDBClientConfig["credentials"] | undefined;
  /** Path-style S3 URLs, needed by emulators on localhost. */
  readonly forcePathStyle?: boolean | undefined;
  readonly clock?: Clock | undefined;
  /** Business metrics; default Powertools EMF inside Lambda, none elsewhere. */
  readonly metrics?: BusinessMetrics | undefined;
  /**
   * Told of every request the SDK clients send (retries not counted), by service and command
   * name ("QueryCommand"): what benchmarks count, since requests are what DynamoDB and SQS bill.
   */
  readonly onRequest?: ((service: "dynamodb" | "s3" | "sqs", command: string) => void) | undefined;
}

/** The part of an SDK client's middleware stack that counting needs, whatever the service. */
interface CountableStack {
  add(
    middleware: (
      next: (args: unknown) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: unknown) => Promise<unknown>,
    options: { step: "initialize"; name: string },
  ): void;
}

/** Calls `onRequest` for each command a client sends. */
function counted<C extends { middlewareStack: object }>(
  client: C,
  service: "dynamodb" | "s3" | "sqs",
  onRequest: AwsPlatformOptions["onRequest"],
): C {
  if (!onRequest) return client;
  (client.middlewareStack as unknown as CountableStack).add(
    (next, context) => (args) => {
      onRequest(service, String(context.commandName ?? "unknown"));
      return next(args);
    },
    { step: "initialize", name: "gazetteCountRequests" },
  );
  return client;
}

export type AwsPlatform = Platform & {
  readonly records: DynamoRecordStore;
  readonly blobs: S3BlobStore;
  readonly queues: SqsQueue;
  /** Releases the SDK clients' sockets (tests, scripts); Lambda never needs it. */
  close(): void;
};

/**
 * The AWS platform. Clients are created once per Lambda container; region and credentials
 * default to the Lambda environment when not given.
 */
export function createAwsPlatform(options: AwsPlatformOptions): AwsPlatform {
  const clock = options.clock ?? systemClock;
  const common = { region: options.region, credentials: options.credentials };
  // X-Ray subsegments per AWS call (Powertools Tracer); a no-op outside Lambda.
  const dynamodb = traced(
    counted(
      new DynamoDBClient({ ...common, endpoint: options.endpoints?.dynamodb }),
      "dynamodb",
      options.onRequest,
    ),
  );
  const s3 = traced(
    counted(
      new S3Client({
        ...common,
        endpoint: options.endpoints?.s3,
        forcePathStyle: options.forcePathStyle,
      }),
      "s3",
      options.onRequest,
    ),
  );
  const sqs = traced(
    counted(new SQSClient({ ...common, endpoint: options.endpoints?.sqs }), "sqs", options.onRequest),
  );
  return {
    records: new DynamoRecordStore(dynamodb, options.tableName, clock),
    blobs: new S3BlobStore(s3, options.bucketName, {
      stagingBucketName: options.stagingBucketName,
      writeOncePrefixes: WRITE_ONCE_PREFIXES,
    }),
    queues: new SqsQueue(sqs, { queueUrls: options.queueUrls, deadLetterQueues: options.deadLetterQueues }),
    clock,
    // In Lambda, business metrics go out as EMF log lines; elsewhere only when asked for.
    metrics:
      options.metrics ?? (process.env.AWS_LAMBDA_FUNCTION_NAME ? new PowertoolsBusinessMetrics() : undefined),
    // Every DynamoDB/S3/SQS write is durable when its call returns.
    flush: async () => {},
    close() {
      dynamodb.destroy();
      s3.destroy();
      sqs.destroy();
    },
  };
}

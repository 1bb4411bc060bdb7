import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { WRITE_ONCE_PREFIXES } from "../blob-policy.js";
import type { BusinessMetrics } from "../metrics.js";
import { type Clock, type Platform, systemClock } from "../ports.js";
import { DynamoRecordStore } from "./dynamo-records.js";
import { PowertoolsBusinessMetrics } from "./metrics.js";
import { S3BlobStore } from "./s3-blobs.js";
import { traced } from "./tracing.js";

export interface AwsStoresOptions {
  readonly tableName: string;
  readonly bucketName: string;
  /**
   * The bucket holding `staging/` blobs (blob-policy.ts): no Object Lock, api and tick may delete,
   * a lifecycle rule expires leftovers. Left out (emulators), staged blobs live in `bucketName`.
   */
  readonly stagingBucketName?: string | undefined;
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
   * name ("QueryCommand"), with the command's input: what benchmarks count, since requests are
   * what DynamoDB and SQS bill (and what the dynalite bench replays as its emulator floor).
   */
  readonly onRequest?:
    | ((service: "dynamodb" | "s3" | "sqs", command: string, input: unknown) => void)
    | undefined;
}

/** The part of an SDK client's middleware stack that counting needs, whatever the service. */
interface CountableStack {
  add(
    middleware: (
      next: (args: { input?: unknown }) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: { input?: unknown }) => Promise<unknown>,
    options: { step: "initialize"; name: string },
  ): void;
}

/** Calls `onRequest` for each command a client sends. */
export function counted<C extends { middlewareStack: object }>(
  client: C,
  service: "dynamodb" | "s3" | "sqs",
  onRequest: AwsStoresOptions["onRequest"],
): C {
  if (!onRequest) return client;
  (client.middlewareStack as unknown as CountableStack).add(
    (next, context) => (args) => {
      onRequest(service, String(context.commandName ?? "unknown"), args.input);
      return next(args);
    },
    { step: "initialize", name: "gazetteCountRequests" },
  );
  return client;
}

/** The AWS platform's stores, clock and metrics: everything but the queues. */
export type AwsStores = Omit<Platform, "queues"> & {
  readonly records: DynamoRecordStore;
  readonly blobs: S3BlobStore;
  /** Releases the SDK clients' sockets (tests, scripts); Lambda never needs it. */
  close(): void;
};

/**
 * DynamoDB and S3 without SQS: a function that sends no queue message (the preview function)
 * builds these and no SQS client (src/runtime/lambda/common.ts), so its bundle holds none;
 * createAwsPlatform (./index.ts) adds the queues. Clients are created once per Lambda container;
 * region and credentials default to the Lambda environment when not given.
 */
export function createAwsStores(options: AwsStoresOptions): AwsStores {
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
  return {
    records: new DynamoRecordStore(dynamodb, options.tableName, clock),
    blobs: new S3BlobStore(s3, options.bucketName, {
      stagingBucketName: options.stagingBucketName,
      writeOncePrefixes: WRITE_ONCE_PREFIXES,
    }),
    clock,
    // In Lambda, business metrics go out as EMF log lines; elsewhere only when asked for.
    metrics:
      options.metrics ?? (process.env.AWS_LAMBDA_FUNCTION_NAME ? new PowertoolsBusinessMetrics() : undefined),
    // Every DynamoDB/S3/SQS write is durable when its call returns.
    flush: async () => {},
    close() {
      dynamodb.destroy();
      s3.destroy();
    },
  };
}

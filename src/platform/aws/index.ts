import { SQSClient } from "@aws-sdk/client-sqs";
import { SqsQueue } from "./sqs-queue.js";
import { type AwsStores, type AwsStoresOptions, counted, createAwsStores } from "./stores.js";
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
export { type AwsStores, type AwsStoresOptions, createAwsStores } from "./stores.js";

export interface AwsPlatformOptions extends AwsStoresOptions {
  /** Logical queue name → queue URL, DLQs included under `${queue}-dlq`. */
  readonly queueUrls: Readonly<Record<string, string>>;
  /** Logical queue → logical DLQ name where it differs from `${queue}-dlq`. */
  readonly deadLetterQueues?: Readonly<Record<string, string>> | undefined;
}

export type AwsPlatform = AwsStores & { readonly queues: SqsQueue };

/**
 * The AWS platform: the stores (./stores.ts) and the SQS queues. Clients are created once per
 * Lambda container; region and credentials default to the Lambda environment when not given.
 */
export function createAwsPlatform(options: AwsPlatformOptions): AwsPlatform {
  const stores = createAwsStores(options);
  const sqs = traced(
    counted(
      new SQSClient({
        region: options.region,
        credentials: options.credentials,
        endpoint: options.endpoints?.sqs,
      }),
      "sqs",
      options.onRequest,
    ),
  );
  return {
    ...stores,
    queues: new SqsQueue(sqs, { queueUrls: options.queueUrls, deadLetterQueues: options.deadLetterQueues }),
    close() {
      stores.close();
      sqs.destroy();
    },
  };
}

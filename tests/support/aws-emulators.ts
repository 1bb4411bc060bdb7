import type { AddressInfo } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { startFauxqs } from "fauxqs";
import {
  type AwsPlatformOptions,
  createAwsPlatform,
  createTableIfMissing,
} from "../../src/platform/aws/index.js";
import { type DynaliteStats, dynaliteWithTransactions } from "./dynalite-transactions.js";

/**
 * AWS-protocol emulators started in-process from npm: dynalite (DynamoDB) and fauxqs (SQS + S3),
 * in the calling thread (startEmulators) or in a worker thread of their own (emulator-thread.ts).
 * Their gaps: dynalite has no TTL (the adapters need none) and no transactions (served inside its
 * process by dynalite-transactions.ts), fauxqs ignores If-None-Match on PutObject.
 */
export const EMULATOR_REGION = "us-east-1";
export const EMULATOR_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

export interface Emulators {
  readonly dynamoEndpoint: string;
  /** fauxqs's server, or (emulator-thread.ts) its calls forwarded to the thread it runs in. */
  readonly fauxqs: FauxqsControl;
  /** Requests dynalite has answered so far, and the transactions among them. */
  readonly stats: Readonly<DynaliteStats>;
  stop(): Promise<void>;
}

/** What the tests ask of fauxqs's server beyond its endpoint: a bucket, a queue, a stop. */
export interface FauxqsControl {
  readonly address: string;
  createBucket(name: string): unknown;
  createQueue(
    name: string,
    options?: { attributes?: Record<string, string> },
  ): CreatedQueue | Promise<CreatedQueue>;
  stop(): Promise<void>;
}

export interface CreatedQueue {
  readonly queueUrl: string;
  readonly queueArn: string;
}

/**
 * dynalite and fauxqs in this thread; `stats` where dynalite counts (see dynaliteWithTransactions).
 * startEmulatorsInThread (emulator-thread.ts) starts them in a thread of their own.
 */
export async function startEmulators(options: { stats?: DynaliteStats } = {}): Promise<Emulators> {
  const { server: dynamo, stats } = dynaliteWithTransactions(
    { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 },
    options.stats,
  );
  await new Promise<void>((resolve) => dynamo.listen(0, "127.0.0.1", resolve));
  const dynamoEndpoint = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;
  const fauxqs = await startFauxqs({ port: 0, logger: false });
  return {
    dynamoEndpoint,
    fauxqs,
    stats,
    async stop() {
      await fauxqs.stop();
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    },
  };
}

/**
 * A table, a bucket and queues (each with a DLQ via RedrivePolicy, as the CDK stack creates them),
 * and the AWS platform pointed at them.
 */
export async function createEmulatedPlatform(
  emulators: Emulators,
  options: {
    tableName: string;
    bucketName: string;
    /** A second bucket for staged blobs, as the CDK stack has (blob-policy.ts). */
    stagingBucketName?: string;
    queues: readonly string[];
    maxReceiveCount: number;
    onRequest?: AwsPlatformOptions["onRequest"];
  },
) {
  const client = new DynamoDBClient({
    endpoint: emulators.dynamoEndpoint,
    region: EMULATOR_REGION,
    credentials: EMULATOR_CREDENTIALS,
  });
  await createTableIfMissing(client, options.tableName);
  client.destroy();
  await emulators.fauxqs.createBucket(options.bucketName);
  if (options.stagingBucketName) await emulators.fauxqs.createBucket(options.stagingBucketName);
  const queueUrls: Record<string, string> = {};
  for (const name of options.queues) {
    const dlq = await emulators.fauxqs.createQueue(`${name}-dlq`);
    const main = await emulators.fauxqs.createQueue(name, {
      attributes: {
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlq.queueArn,
          maxReceiveCount: options.maxReceiveCount,
        }),
      },
    });
    queueUrls[name] = main.queueUrl;
    queueUrls[`${name}-dlq`] = dlq.queueUrl;
  }
  return createAwsPlatform({
    tableName: options.tableName,
    bucketName: options.bucketName,
    stagingBucketName: options.stagingBucketName,
    queueUrls,
    region: EMULATOR_REGION,
    credentials: EMULATOR_CREDENTIALS,
    endpoints: {
      dynamodb: emulators.dynamoEndpoint,
      s3: emulators.fauxqs.address,
      sqs: emulators.fauxqs.address,
    },
    forcePathStyle: true,
    onRequest: options.onRequest,
  });
}

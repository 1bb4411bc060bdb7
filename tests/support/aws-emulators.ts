import type { AddressInfo } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type FauxqsServer, startFauxqs } from "fauxqs";
import {
  type AwsPlatformOptions,
  createAwsPlatform,
  createTableIfMissing,
} from "../../src/platform/aws/index.js";
import { type DynaliteStats, dynaliteWithTransactions } from "./dynalite-transactions.js";

/**
 * AWS-protocol emulators started in-process from npm: dynalite (DynamoDB) and fauxqs (SQS + S3).
 * Their gaps: dynalite has no TTL (the adapters need none) and no transactions (served inside its
 * process by dynalite-transactions.ts), fauxqs ignores If-None-Match on PutObject.
 */
export const EMULATOR_REGION = "us-east-1";
export const EMULATOR_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

export interface Emulators {
  readonly dynamoEndpoint: string;
  readonly fauxqs: FauxqsServer;
  /** Requests dynalite has answered so far, and the transactions among them. */
  readonly stats: DynaliteStats;
  stop(): Promise<void>;
}

export async function startEmulators(): Promise<Emulators> {
  const { server: dynamo, stats } = dynaliteWithTransactions({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
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
  emulators.fauxqs.createBucket(options.bucketName);
  if (options.stagingBucketName) emulators.fauxqs.createBucket(options.stagingBucketName);
  const queueUrls: Record<string, string> = {};
  for (const name of options.queues) {
    const dlq = emulators.fauxqs.createQueue(`${name}-dlq`);
    const main = emulators.fauxqs.createQueue(name, {
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

import type { AddressInfo } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { type FauxqsServer, startFauxqs } from "fauxqs";
import { afterAll, beforeAll } from "vitest";
import { createAwsPlatform, createTableIfMissing } from "../../src/platform/aws/index.js";
import {
  CONTRACT_MAX_RECEIVE_COUNT,
  CONTRACT_QUEUES,
  describePlatformContract,
} from "./platform-contract.js";

/**
 * The AWS adapters against in-process emulators: dynalite (DynamoDB) and fauxqs (SQS + S3).
 * Emulator gaps: dynalite has no TTL and no transactions (the adapters need neither), fauxqs
 * ignores If-None-Match on PutObject (hence conditionalBlobPut: false).
 */
const region = "us-east-1";
const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const tableName = "gazette-contract";
const bucketName = "gazette-contract";

let dynamo: ReturnType<typeof dynalite>;
let dynamoEndpoint: string;
let fauxqs: FauxqsServer;

beforeAll(async () => {
  dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => dynamo.listen(0, "127.0.0.1", resolve));
  dynamoEndpoint = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;
  fauxqs = await startFauxqs({ port: 0, logger: false });
});

afterAll(async () => {
  await fauxqs?.stop();
  await new Promise<void>((resolve) => (dynamo ? dynamo.close(() => resolve()) : resolve()));
});

describePlatformContract("aws (dynalite + fauxqs)", async () => {
  const client = new DynamoDBClient({ endpoint: dynamoEndpoint, region, credentials });
  await createTableIfMissing(client, tableName);
  client.destroy();
  fauxqs.createBucket(bucketName);

  const queueUrls: Record<string, string> = {};
  for (const name of CONTRACT_QUEUES) {
    const dlq = fauxqs.createQueue(`${name}-dlq`);
    const main = fauxqs.createQueue(name, {
      attributes: {
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlq.queueArn,
          maxReceiveCount: CONTRACT_MAX_RECEIVE_COUNT,
        }),
      },
    });
    queueUrls[name] = main.queueUrl;
    queueUrls[`${name}-dlq`] = dlq.queueUrl;
  }

  const platform = createAwsPlatform({
    tableName,
    bucketName,
    queueUrls,
    region,
    credentials,
    endpoints: { dynamodb: dynamoEndpoint, s3: fauxqs.address, sqs: fauxqs.address },
    forcePathStyle: true,
  });
  return {
    platform,
    capabilities: { conditionalBlobPut: false },
    async cleanup() {
      platform.close();
    },
  };
});

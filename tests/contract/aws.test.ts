import { afterAll, beforeAll } from "vitest";
import { createEmulatedPlatform, type Emulators, startEmulators } from "../support/aws-emulators.js";
import { describeIntakeQueueContract } from "./intake-queue-contract.js";
import { describeMigrationsContract } from "./migrations-contract.js";
import {
  CONTRACT_MAX_RECEIVE_COUNT,
  CONTRACT_QUEUES,
  describePlatformContract,
} from "./platform-contract.js";
import { describeSubmittersContract } from "./submitters-contract.js";

/** The AWS adapters against in-process emulators (dynalite, fauxqs); see tests/support/aws-emulators.ts. */
let emulators: Emulators;

beforeAll(async () => {
  emulators = await startEmulators();
});

afterAll(async () => {
  await emulators?.stop();
});

describePlatformContract("aws (dynalite + fauxqs)", async () => {
  const platform = await createEmulatedPlatform(emulators, {
    tableName: "gazette-contract",
    bucketName: "gazette-contract",
    stagingBucketName: "gazette-contract-staging",
    queues: CONTRACT_QUEUES,
    maxReceiveCount: CONTRACT_MAX_RECEIVE_COUNT,
  });
  return {
    platform,
    // fauxqs ignores If-None-Match on PutObject; the embedded adapter covers conditional blob puts.
    capabilities: { conditionalBlobPut: false },
    async cleanup() {
      platform.close();
    },
  };
});

describeSubmittersContract("aws (dynalite + fauxqs)", async () => {
  const platform = await createEmulatedPlatform(emulators, {
    tableName: "gazette-submitters-contract",
    bucketName: "gazette-submitters-contract",
    stagingBucketName: "gazette-submitters-contract-staging",
    queues: ["events"],
    maxReceiveCount: 5,
  });
  return {
    platform,
    async cleanup() {
      platform.close();
    },
  };
});

// Fewer documents on the emulator (each intake is a DynamoDB transaction); the embedded run has 1,100.
describeIntakeQueueContract("aws (dynalite + fauxqs)", 80, async () => {
  const platform = await createEmulatedPlatform(emulators, {
    tableName: "gazette-intake-queue-contract",
    bucketName: "gazette-intake-queue-contract",
    stagingBucketName: "gazette-intake-queue-contract-staging",
    queues: ["events"],
    maxReceiveCount: 5,
  });
  return {
    platform,
    async cleanup() {
      platform.close();
    },
  };
});

let migrationTables = 0;
describeMigrationsContract("aws (dynalite + fauxqs)", async () => {
  // A table of its own each time: a test may compare two stores.
  const n = ++migrationTables;
  const platform = await createEmulatedPlatform(emulators, {
    tableName: `gazette-migrations-contract-${n}`,
    bucketName: `gazette-migrations-contract-${n}`,
    stagingBucketName: `gazette-migrations-contract-staging-${n}`,
    queues: ["events"],
    maxReceiveCount: 5,
  });
  return {
    platform,
    async cleanup() {
      platform.close();
    },
  };
});

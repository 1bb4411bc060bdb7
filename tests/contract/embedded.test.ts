import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmbeddedPlatform } from "../../src/platform/embedded/index.js";
import { describeIntakeQueueContract } from "./intake-queue-contract.js";
import { describeMigrationsContract } from "./migrations-contract.js";
import {
  CONTRACT_MAX_RECEIVE_COUNT,
  CONTRACT_QUEUES,
  describePlatformContract,
} from "./platform-contract.js";
import { describeSubmittersContract } from "./submitters-contract.js";

describePlatformContract("embedded (SQLite + files)", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "gazette-contract-"));
  const platform = createEmbeddedPlatform({
    dataDir,
    queues: Object.fromEntries(
      CONTRACT_QUEUES.map((q) => [q, { maxReceiveCount: CONTRACT_MAX_RECEIVE_COUNT }]),
    ),
  });
  return {
    platform,
    capabilities: { conditionalBlobPut: true },
    async cleanup() {
      platform.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

describeSubmittersContract("embedded (SQLite + files)", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "gazette-submitters-contract-"));
  const platform = createEmbeddedPlatform({ dataDir, queues: { events: { maxReceiveCount: 5 } } });
  return {
    platform,
    async cleanup() {
      platform.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

// More than 1,000 documents: the filters must not depend on how many newer documents there are.
describeIntakeQueueContract("embedded (SQLite + files)", 1_100, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "gazette-intake-queue-contract-"));
  const platform = createEmbeddedPlatform({ dataDir, queues: { events: { maxReceiveCount: 5 } } });
  return {
    platform,
    async cleanup() {
      platform.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

describeMigrationsContract("embedded (SQLite + files)", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "gazette-migrations-contract-"));
  const platform = createEmbeddedPlatform({ dataDir });
  return {
    platform,
    async cleanup() {
      platform.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

/**
 * The repost bookkeeping kept beside the notices, recomputed from the notices (src/reposts/
 * rebuild.ts): due times and reminder days, the compliance report's counters and overdue lists,
 * fanned-out documents moved to their shards. In bounded steps (a document, a shard of site
 * counters, a batch of sites to read again), each resumed from the cursor the runner stored, and
 * correct with the repost functions live (see rebuild.ts). Its version is REPOSTS_REBUILD_VERSION.
 * Done before by releases that ran it at start or by `gazette reposts rebuild`
 * (REPOST_TICK/due-index-version), which also runs it again on demand.
 */
import {
  markRepostsRebuilt,
  REPOSTS_REBUILD_VERSION,
  rebuildStep,
  repostsRebuilt,
} from "../reposts/rebuild.js";
import type { Migration } from "./migration.js";

export const repostsRebuild: Migration = {
  name: "reposts-rebuild",
  version: String(REPOSTS_REBUILD_VERSION),
  description: "reposts: due times, report counters and overdue lists recomputed from the notices",
  doneBefore: ({ platform }) => repostsRebuilt(platform),
  async step({ platform, calendar }, cursor) {
    const step = await rebuildStep(platform, calendar, cursor);
    if (step.cursor === undefined) await markRepostsRebuilt(platform);
    return { cursor: step.cursor, counts: { ...step.counts }, warnings: step.warnings };
  },
};

/**
 * The repost bookkeeping kept beside the notices, recomputed from the notices (src/reposts/
 * rebuild.ts): due times and reminder days, the compliance report's counters and overdue list,
 * fanned-out documents moved to their shards. One step that reads every notice; it corrects by
 * differences, so a run stopped half-way does it again and writes only what is still wrong. Its
 * version is REPOSTS_REBUILD_VERSION. Done before by releases that ran it at start or by `gazette
 * reposts rebuild` (REPOST_TICK/due-index-version), which also runs it again on demand.
 */
import {
  markRepostsRebuilt,
  REPOSTS_REBUILD_VERSION,
  rebuildReposts,
  repostsRebuilt,
} from "../reposts/rebuild.js";
import type { Migration } from "./migration.js";

export const repostsRebuild: Migration = {
  name: "reposts-rebuild",
  version: String(REPOSTS_REBUILD_VERSION),
  description: "reposts: due times, report counters and overdue lists recomputed from the notices",
  doneBefore: ({ platform }) => repostsRebuilt(platform),
  async step({ platform, calendar }) {
    const result = await rebuildReposts(platform, calendar);
    await markRepostsRebuilt(platform);
    return { counts: { ...result } };
  },
};

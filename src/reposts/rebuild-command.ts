/**
 * `gazette reposts rebuild`: the rebuild (rebuild.ts) run straight against the store the
 * environment names — the local data directory (GAZETTE_DATA_DIR; refused while `npm start` holds
 * it) or, with GAZETTE_MODE=aws, the deployed table (GAZETTE_TABLE, AWS credentials) — rather than
 * through the API, whose requests are too short to read millions of notices.
 */
import { loadConfig } from "../config.js";
import { createAwsPlatform } from "../platform/aws/index.js";
import { createEmbeddedPlatform } from "../platform/embedded/index.js";
import { lockDataDir } from "../runtime/data-dir-lock.js";
import { markRepostsRebuilt, type RebuildResult, rebuildReposts } from "./rebuild.js";
import { createWorkingDayCalendar, holidayScheduleFromEnv } from "./working-days.js";

export async function rebuildFromEnvironment(env: NodeJS.ProcessEnv): Promise<RebuildResult> {
  const config = loadConfig(env);
  const calendar = createWorkingDayCalendar({
    schedule: holidayScheduleFromEnv({ GAZETTE_HOLIDAYS_FILE: config.reposts.holidaysFile }),
  });
  if (config.mode === "aws") {
    const platform = createAwsPlatform({
      tableName: config.aws.tableName,
      bucketName: config.aws.bucketName,
      stagingBucketName: config.aws.stagingBucketName,
      queueUrls: config.aws.queueUrls,
      region: config.aws.region,
    });
    const result = await rebuildReposts(platform, calendar);
    await markRepostsRebuilt(platform);
    return result;
  }
  const lock = lockDataDir(config.dataDir);
  try {
    const platform = createEmbeddedPlatform({
      dataDir: config.dataDir,
      synchronous: config.sqliteSynchronous,
    });
    try {
      const result = await rebuildReposts(platform, calendar);
      await markRepostsRebuilt(platform);
      await platform.flush();
      return result;
    } finally {
      platform.close();
    }
  } finally {
    lock.release();
  }
}

/**
 * `gazette migrate`: the migration runner (./runner.ts) straight against the store the environment
 * names, as `gazette reposts rebuild` and `gazette log backfill` do — the local data directory
 * (GAZETTE_DATA_DIR; refused while `npm start` holds it, which runs them itself) or, with
 * GAZETTE_MODE=aws, the deployed table and bucket (GAZETTE_TABLE, GAZETTE_BUCKET, AWS credentials)
 * — with no time limit, unlike the migration function.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../config.js";
import { createAwsPlatform } from "../platform/aws/index.js";
import { createEmbeddedPlatform, DATABASE_FILE } from "../platform/embedded/index.js";
import { createWorkingDayCalendar, holidayScheduleFromEnv } from "../reposts/working-days.js";
import { lockDataDir } from "../runtime/data-dir-lock.js";
import { DocumentStatuses } from "../status/service.js";
import type { MigrationContext } from "./migration.js";

export interface MigrationTarget {
  readonly context: MigrationContext;
  /** What the migrations run against, for messages: the data directory or the table. */
  readonly where: string;
  close(): Promise<void>;
}

/** The environment names no store: a data directory without gazette data, or no table. */
export class NoStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NoStoreError";
  }
}

export async function openMigrationTarget(env: NodeJS.ProcessEnv): Promise<MigrationTarget> {
  const config = loadConfig(env);
  const calendar = createWorkingDayCalendar({
    schedule: holidayScheduleFromEnv({ GAZETTE_HOLIDAYS_FILE: config.reposts.holidaysFile }),
  });
  if (config.mode === "aws") {
    if (!config.aws.tableName)
      throw new NoStoreError(
        "GAZETTE_MODE=aws needs GAZETTE_TABLE (and GAZETTE_BUCKET, AWS_REGION): the deployed stack's table",
      );
    const platform = createAwsPlatform({
      tableName: config.aws.tableName,
      bucketName: config.aws.bucketName,
      stagingBucketName: config.aws.stagingBucketName,
      queueUrls: config.aws.queueUrls,
      region: config.aws.region,
    });
    return {
      context: { platform, statuses: new DocumentStatuses(platform), calendar },
      where: `table ${config.aws.tableName}`,
      close: async () => {},
    };
  }
  if (!existsSync(join(config.dataDir, DATABASE_FILE)))
    throw new NoStoreError(
      `${config.dataDir} holds no gazette data (${DATABASE_FILE}): give the data directory of a gazette that has started once (GAZETTE_DATA_DIR), or GAZETTE_MODE=aws with GAZETTE_TABLE for a deployed one`,
    );
  const lock = lockDataDir(config.dataDir);
  try {
    const platform = createEmbeddedPlatform({
      dataDir: config.dataDir,
      synchronous: config.sqliteSynchronous,
    });
    return {
      context: { platform, statuses: new DocumentStatuses(platform), calendar },
      where: config.dataDir,
      close: async () => {
        try {
          await platform.flush();
          platform.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * The store an offline command (`gazette migrate`, `gazette reposts rebuild`, `gazette log
 * backfill`) works on straight, as the environment names it: the local data directory
 * (GAZETTE_DATA_DIR; locked, so refused while `npm start` holds it) or, with GAZETTE_MODE=aws,
 * the deployed table and bucket (GAZETTE_TABLE, GAZETTE_BUCKET, AWS credentials). One opener for
 * the three, so each refuses a missing store the same way.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Config, loadConfig } from "../config.js";
import { createAwsPlatform } from "../platform/aws/index.js";
import { createEmbeddedPlatform, DATABASE_FILE } from "../platform/embedded/index.js";
import type { Platform } from "../platform/ports.js";
import { awsPlatformOptions } from "./aws-options.js";
import { lockDataDir } from "./data-dir-lock.js";

export interface CommandStore {
  readonly config: Config;
  readonly platform: Platform;
  /** What the command works on, for messages: the data directory or the table. */
  readonly where: string;
  /** Makes the writes durable (locally), closes the store and releases the data directory. */
  close(): Promise<void>;
}

/** The environment names no store: a data directory without gazette data, or no table. */
export class NoStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NoStoreError";
  }
}

export async function openCommandStore(env: NodeJS.ProcessEnv): Promise<CommandStore> {
  const config = loadConfig(env);
  if (config.mode === "aws") {
    if (!config.aws.tableName)
      throw new NoStoreError(
        "GAZETTE_MODE=aws needs GAZETTE_TABLE (and GAZETTE_BUCKET, AWS_REGION): the deployed stack's table",
      );
    const platform = createAwsPlatform(awsPlatformOptions(config));
    return { config, platform, where: `table ${config.aws.tableName}`, close: async () => {} };
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
      config,
      platform,
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

/** Runs `work` on the store the environment names, and closes it whatever happens. */
export async function withCommandStore<T>(
  env: NodeJS.ProcessEnv,
  work: (store: CommandStore) => Promise<T>,
): Promise<T> {
  const store = await openCommandStore(env);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

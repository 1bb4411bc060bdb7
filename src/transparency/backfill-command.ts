/**
 * `gazette log backfill`: the backfill (backfill.ts) run straight against the store the
 * environment names — the local data directory (GAZETTE_DATA_DIR; refused while `npm start` holds
 * it), where this command also signs the checkpoint with the data directory's key, or, with
 * GAZETTE_MODE=aws, the deployed table and bucket, where it asks the publisher (which alone may
 * sign) for the checkpoint through the publishing queue.
 */
import { loadConfig } from "../config.js";
import { createAwsPlatform } from "../platform/aws/index.js";
import { createEmbeddedPlatform } from "../platform/embedded/index.js";
import { lockDataDir } from "../runtime/data-dir-lock.js";
import { loadOrCreateLocalKey } from "../signing/local-key.js";
import { backfillPublicationLog, type LogBackfillResult } from "./backfill.js";
import { requestCheckpoint } from "./checkpoint-request.js";
import { logOrigin, TransparencyLog } from "./log.js";

export interface LogBackfillCommandResult extends LogBackfillResult {
  /** Locally: the size of the checkpoint now signed. In AWS: whether the publisher was asked. */
  readonly checkpoint: { readonly size: number } | { readonly requested: boolean };
}

export async function backfillFromEnvironment(env: NodeJS.ProcessEnv): Promise<LogBackfillCommandResult> {
  const config = loadConfig(env);
  if (config.mode === "aws") {
    const platform = createAwsPlatform({
      tableName: config.aws.tableName,
      bucketName: config.aws.bucketName,
      stagingBucketName: config.aws.stagingBucketName,
      queueUrls: config.aws.queueUrls,
      region: config.aws.region,
    });
    const result = await backfillPublicationLog(platform, { force: true });
    return { ...result, checkpoint: { requested: await requestCheckpoint(platform) } };
  }
  const lock = lockDataDir(config.dataDir);
  try {
    const platform = createEmbeddedPlatform({
      dataDir: config.dataDir,
      synchronous: config.sqliteSynchronous,
    });
    try {
      const result = await backfillPublicationLog(platform, { force: true });
      const log = new TransparencyLog({
        records: platform.records,
        origin: logOrigin(config.baseUrl),
        key: loadOrCreateLocalKey(config.dataDir),
      });
      await log.checkpoint();
      await platform.flush();
      return { ...result, checkpoint: { size: (await log.latestCheckpoint())?.size ?? 0 } };
    } finally {
      platform.close();
    }
  } finally {
    lock.release();
  }
}

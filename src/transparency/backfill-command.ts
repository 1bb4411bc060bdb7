/**
 * `gazette log backfill`: the backfill (backfill.ts) run straight against the store the
 * environment names — the local data directory (GAZETTE_DATA_DIR; refused while `npm start` holds
 * it), where this command also signs the checkpoint with the data directory's key, or, with
 * GAZETTE_MODE=aws, the deployed table and bucket, where it asks the publisher (which alone may
 * sign) for the checkpoint through the publishing queue.
 */
import { withCommandStore } from "../runtime/command-store.js";
import { loadOrCreateLocalKey } from "../signing/local-key.js";
import { backfillPublicationLog, type LogBackfillResult } from "./backfill.js";
import { requestCheckpoint } from "./checkpoint-request.js";
import { logOrigin, TransparencyLog } from "./log.js";

export interface LogBackfillCommandResult extends LogBackfillResult {
  /** Locally: the size of the checkpoint now signed. In AWS: whether the publisher was asked. */
  readonly checkpoint: { readonly size: number } | { readonly requested: boolean };
}

export async function backfillFromEnvironment(env: NodeJS.ProcessEnv): Promise<LogBackfillCommandResult> {
  return withCommandStore(env, async ({ config, platform }) => {
    const result = await backfillPublicationLog(platform, { force: true });
    if (config.mode === "aws")
      return { ...result, checkpoint: { requested: await requestCheckpoint(platform) } };
    const log = new TransparencyLog({
      records: platform.records,
      origin: logOrigin(config.baseUrl),
      key: loadOrCreateLocalKey(config.dataDir),
    });
    await log.checkpoint();
    return { ...result, checkpoint: { size: (await log.latestCheckpoint())?.size ?? 0 } };
  });
}

/**
 * `gazette reposts rebuild`: the rebuild (rebuild.ts) run straight against the store the
 * environment names — the local data directory (GAZETTE_DATA_DIR; refused while `npm start` holds
 * it) or, with GAZETTE_MODE=aws, the deployed table (GAZETTE_TABLE, AWS credentials) — rather than
 * through the API, whose requests are too short to read millions of notices. It runs every step
 * of the rebuild in this process (no cursor is stored: run again, it starts over); a counter that
 * kept changing through every try is named in a warning.
 */
import { withCommandStore } from "../runtime/command-store.js";
import { markRepostsRebuilt, type RebuildResult, rebuildReposts } from "./rebuild.js";
import { createWorkingDayCalendar, holidayScheduleFromEnv } from "./working-days.js";

export async function rebuildFromEnvironment(
  env: NodeJS.ProcessEnv,
  onWarning?: (warning: string) => void,
): Promise<RebuildResult> {
  return withCommandStore(env, async ({ config, platform }) => {
    const calendar = createWorkingDayCalendar({
      schedule: holidayScheduleFromEnv({ GAZETTE_HOLIDAYS_FILE: config.reposts.holidaysFile }),
    });
    const result = await rebuildReposts(platform, calendar, { onWarning });
    await markRepostsRebuilt(platform);
    return result;
  });
}

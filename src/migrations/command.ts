/**
 * `gazette migrate`: the migration runner (./runner.ts) straight against the store the environment
 * names, as `gazette reposts rebuild` and `gazette log backfill` do — the local data directory
 * (GAZETTE_DATA_DIR; refused while `npm start` holds it, which runs them itself) or, with
 * GAZETTE_MODE=aws, the deployed table and bucket (GAZETTE_TABLE, GAZETTE_BUCKET, AWS credentials)
 * — with no time limit, unlike the migration function.
 */
import { createWorkingDayCalendar, holidayScheduleFromEnv } from "../reposts/working-days.js";
import { openCommandStore } from "../runtime/command-store.js";
import { DocumentStatuses } from "../status/service.js";
import type { MigrationContext } from "./migration.js";

export interface MigrationTarget {
  readonly context: MigrationContext;
  /** What the migrations run against, for messages: the data directory or the table. */
  readonly where: string;
  close(): Promise<void>;
}

export async function openMigrationTarget(env: NodeJS.ProcessEnv): Promise<MigrationTarget> {
  const store = await openCommandStore(env);
  const calendar = createWorkingDayCalendar({
    schedule: holidayScheduleFromEnv({ GAZETTE_HOLIDAYS_FILE: store.config.reposts.holidaysFile }),
  });
  const { platform } = store;
  return {
    context: { platform, statuses: new DocumentStatuses(platform), calendar },
    where: store.where,
    close: () => store.close(),
  };
}

/**
 * Composition root of the migration function: runs the pending migrations (src/migrations) against
 * the table. The stack's trigger invokes it after each deploy that changes it (a release with a new
 * migration changes its code), and a schedule invokes it again so that a migration longer than one
 * invocation goes on from its stored cursor; with nothing pending a run reads one record per
 * migration.
 */
import { MIGRATIONS } from "../../migrations/index.js";
import type { Migration } from "../../migrations/migration.js";
import { type MigrationOutcome, runMigrations } from "../../migrations/runner.js";
import { createWorkingDayCalendar, holidayScheduleFromEnv } from "../../reposts/working-days.js";
import { DocumentStatuses } from "../../status/service.js";
import { type LambdaEnv, lambdaBase } from "./common.js";

/** Time left for another step: a step reads and writes about a page of records. */
export const MIGRATION_STEP_MARGIN_MS = 60_000;

export interface MigrateResult {
  /** Migrations not finished (to be continued by the next invocation). */
  readonly pending: readonly string[];
  readonly outcomes: readonly MigrationOutcome[];
}

export function createMigrateHandler(
  env: LambdaEnv = process.env,
  migrations: readonly Migration[] = MIGRATIONS,
) {
  const { config, platform, logger } = lambdaBase(env);
  const statuses = new DocumentStatuses(platform);
  const calendar = createWorkingDayCalendar({
    schedule: holidayScheduleFromEnv({ GAZETTE_HOLIDAYS_FILE: config.reposts.holidaysFile }),
  });
  return async (
    _event: unknown,
    context?: { getRemainingTimeInMillis(): number },
  ): Promise<MigrateResult> => {
    const outcomes = await runMigrations({ platform, statuses, calendar }, migrations, {
      hasTime: context ? () => context.getRemainingTimeInMillis() > MIGRATION_STEP_MARGIN_MS : undefined,
    });
    for (const outcome of outcomes) {
      if (!outcome.already) logger.info("Migration", { ...outcome, warnings: outcome.warnings.length });
      for (const warning of outcome.warnings) logger.warn(warning, { migration: outcome.name });
    }
    const pending = outcomes.filter((o) => o.status !== "done").map((o) => o.name);
    if (pending.length) logger.info("Migrations pending", { pending });
    return { pending, outcomes };
  };
}

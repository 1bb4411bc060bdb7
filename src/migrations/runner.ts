/**
 * The migration runner. Each migration's progress is one record,
 *
 *   pk MIGRATION#<name>   sk STATE   { version, status: running | done, cursor, counts, … }
 *
 * written after every step under the version read before it (optimistic concurrency). A runner
 * that loses that race — another runner (a second `npm start` cannot, but a deploy's trigger and
 * the schedule can overlap) stored progress meanwhile — stops and leaves the work to the other;
 * the step they both did is idempotent. Migrations run in their order and a later one starts only
 * when every earlier one is done (it may rely on them: the filter index backfill reads documents
 * through the sharded index the first migration moved them to).
 */
import { ConditionFailedError } from "../platform/errors.js";
import type { WriteCondition } from "../platform/ports.js";
import type { Migration, MigrationContext } from "./migration.js";

export interface MigrationState {
  readonly name: string;
  readonly version: string;
  readonly status: "running" | "done";
  readonly cursor?: string | undefined;
  readonly counts: Readonly<Record<string, number>>;
  readonly steps: number;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly doneAt?: string | undefined;
  /** Done because an older release had done the work (its own marker). */
  readonly doneBefore?: boolean | undefined;
}

export const migrationKey = (name: string) => ({ pk: `MIGRATION#${name}`, sk: "STATE" });

/**
 * A step of a migration threw: nothing after it ran, and its progress (the cursor before the
 * step) is kept, so the next run does that step again.
 */
export class MigrationFailedError extends Error {
  constructor(
    readonly migration: string,
    readonly cursor: string | undefined,
    override readonly cause: unknown,
  ) {
    super(`migration ${migration} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = "MigrationFailedError";
  }
}

export interface MigrationOutcome {
  readonly name: string;
  readonly version: string;
  /**
   * done: finished (now or before); pending: stopped for time, to be continued;
   * busy: another runner moved it on meanwhile; blocked: an earlier migration is not done.
   */
  readonly status: "done" | "pending" | "busy" | "blocked";
  /** Steps this run made. */
  readonly steps: number;
  /** Totals over every run of this version. */
  readonly counts: Readonly<Record<string, number>>;
  /** True when it was finished before this run (nothing done now). */
  readonly already: boolean;
  readonly warnings: readonly string[];
}

export interface RunOptions {
  /**
   * Whether there is time for another step (a Lambda's remaining time less a margin); without it,
   * every migration runs to its end.
   */
  readonly hasTime?: (() => boolean) | undefined;
  /** Told of each step (for a log line). */
  readonly onStep?: ((name: string, state: MigrationState) => void) | undefined;
}

/** The recorded states of the migrations (undefined: never started). */
export async function migrationStates(
  context: MigrationContext,
  migrations: readonly Migration[],
): Promise<{ migration: Migration; state: MigrationState | undefined; pending: boolean }[]> {
  return Promise.all(
    migrations.map(async (migration) => {
      const state = (await context.platform.records.get<MigrationState>(migrationKey(migration.name)))?.data;
      return {
        migration,
        state,
        pending: !(state?.status === "done" && state.version === migration.version),
      };
    }),
  );
}

/** Runs the pending migrations in order, as far as time allows. */
export async function runMigrations(
  context: MigrationContext,
  migrations: readonly Migration[],
  options: RunOptions = {},
): Promise<MigrationOutcome[]> {
  const names = new Set<string>();
  for (const m of migrations) {
    if (names.has(m.name)) throw new Error(`Two migrations are named ${m.name}`);
    names.add(m.name);
  }
  const outcomes: MigrationOutcome[] = [];
  // The first step of a run is always made (so that every run moves on), later ones while time is left.
  const run = { steps: 0 };
  let blocked = false;
  for (const migration of migrations) {
    if (blocked) {
      outcomes.push({ ...base(migration), status: "blocked", counts: {} });
      continue;
    }
    const outcome = await runOne(context, migration, options, run);
    outcomes.push(outcome);
    if (outcome.status !== "done") blocked = true;
  }
  return outcomes;
}

const base = (migration: Migration) => ({
  name: migration.name,
  version: migration.version,
  steps: 0,
  already: false,
  warnings: [] as string[],
});

async function runOne(
  context: MigrationContext,
  migration: Migration,
  options: RunOptions,
  run: { steps: number },
): Promise<MigrationOutcome> {
  const { records, clock } = context.platform;
  const key = migrationKey(migration.name);
  const stored = await records.get<MigrationState>(key);
  if (stored?.data.status === "done" && stored.data.version === migration.version)
    return { ...base(migration), status: "done", counts: stored.data.counts, already: true };

  const now = () => clock.now().toISOString();
  // A state of another version starts over; a running one of this version goes on from its cursor.
  let state: MigrationState =
    stored && stored.data.version === migration.version
      ? stored.data
      : {
          name: migration.name,
          version: migration.version,
          status: "running",
          counts: {},
          steps: 0,
          startedAt: now(),
          updatedAt: now(),
        };
  let condition: WriteCondition = stored ? { kind: "version", version: stored.version } : { kind: "absent" };
  const save = async (next: MigrationState): Promise<boolean> => {
    try {
      const written = await records.put({ ...key, data: next }, condition);
      condition = { kind: "version", version: written.version };
      state = next;
      options.onStep?.(migration.name, next);
      return true;
    } catch (error) {
      if (error instanceof ConditionFailedError) return false;
      throw error;
    }
  };

  const doneBefore = await Promise.resolve(state.steps === 0 && migration.doneBefore?.(context)).catch(
    (error: unknown) => {
      throw new MigrationFailedError(migration.name, undefined, error);
    },
  );
  if (doneBefore) {
    const saved = await save({ ...state, status: "done", doneAt: now(), updatedAt: now(), doneBefore: true });
    return { ...base(migration), status: saved ? "done" : "busy", counts: state.counts, already: true };
  }

  const warnings: string[] = [];
  let steps = 0;
  for (;;) {
    if (run.steps > 0 && options.hasTime && !options.hasTime())
      return { ...base(migration), status: "pending", steps, counts: state.counts, warnings };
    let result: Awaited<ReturnType<Migration["step"]>>;
    try {
      result = await migration.step(context, state.cursor);
    } catch (error) {
      throw new MigrationFailedError(migration.name, state.cursor, error);
    }
    steps += 1;
    run.steps += 1;
    warnings.push(...(result.warnings ?? []));
    const counts: Record<string, number> = { ...state.counts };
    for (const [name, n] of Object.entries(result.counts ?? {})) counts[name] = (counts[name] ?? 0) + n;
    const finished = result.cursor === undefined;
    const saved = await save({
      ...state,
      status: finished ? "done" : "running",
      cursor: result.cursor,
      counts,
      steps: state.steps + 1,
      updatedAt: now(),
      ...(finished ? { doneAt: now() } : {}),
    });
    if (!saved) return { ...base(migration), status: "busy", steps, counts: state.counts, warnings };
    if (finished) return { ...base(migration), status: "done", steps, counts, warnings };
  }
}

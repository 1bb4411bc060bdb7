/**
 * `gazette migrate [list]` and `gazette migrate run`: the migrations (src/migrations) and their
 * state, and running the pending ones, straight in the store (src/migrations/command.ts): the local
 * data directory with the pipeline stopped, or a deployed table with GAZETTE_MODE=aws. Exit codes:
 * 0 every migration done; 1 one failed (its progress is kept: run again once the cause is fixed)
 * or another runner is moving it on; 2 no such data directory, or GAZETTE_MODE=aws without a table.
 */
import type { Command } from "commander";
import type { Migration } from "../migrations/migration.js";
import type { MigrationState } from "../migrations/runner.js";
import { onCommandStore } from "./usage-error.js";

interface Io {
  out(line: string): void;
  err(line: string): void;
  readonly isTTY: boolean;
}

const counted = (counts: Readonly<Record<string, number>>) =>
  Object.entries(counts)
    .map(([name, n]) => `${name} ${n}`)
    .join(", ");

/** A cursor as shown: long ones (a store's opaque cursor) cut. */
const shortCursor = (cursor: string) => (cursor.length > 48 ? `${cursor.slice(0, 45)}…` : cursor);

/** One line of `gazette migrate list`. */
export function describeState(migration: Migration, state: MigrationState | undefined, width = 0): string {
  const head = `${migration.name.padEnd(width)}  v${migration.version}`;
  if (!state) return `${head}  pending  ${migration.description}`;
  if (state.version !== migration.version)
    return `${head}  pending (done at version ${state.version}; this release's is ${migration.version})  ${migration.description}`;
  const counts = Object.keys(state.counts).length ? ` (${counted(state.counts)})` : "";
  if (state.status === "done")
    return `${head}  done ${state.doneAt ?? state.updatedAt}${state.doneBefore ? " (by an older release)" : ""}${counts}`;
  return `${head}  in progress: ${state.steps} step(s) since ${state.startedAt}, last ${state.updatedAt}, cursor ${state.cursor === undefined ? "(start)" : shortCursor(state.cursor)}${counts}`;
}

export function registerMigrateCommands(
  program: Command,
  deps: { readonly io: Io; readonly env: NodeJS.ProcessEnv; setExitCode(code: number): void },
): void {
  const { io, env } = deps;
  const migrate = program
    .command("migrate")
    .description(
      "Migrations of the stored records (new keys and indexes, the log backfill, the reposts rebuild), straight in the store: GAZETTE_DATA_DIR with the pipeline stopped (`npm start` runs them itself), or GAZETTE_MODE=aws with GAZETTE_TABLE and GAZETTE_BUCKET (the migration function runs them after each deploy)",
    );

  const open = async () => {
    const { openMigrationTarget } = await import("../migrations/command.js");
    return onCommandStore(() => openMigrationTarget(env));
  };

  migrate
    .command("list", { isDefault: true })
    .description(
      "Each migration, in the order they run, and its state: done, pending, or in progress and where",
    )
    .action(async () => {
      const [{ MIGRATIONS }, { migrationStates }] = await Promise.all([
        import("../migrations/index.js"),
        import("../migrations/runner.js"),
      ]);
      const target = await open();
      try {
        const states = await migrationStates(target.context, MIGRATIONS);
        const width = Math.max(...states.map((s) => s.migration.name.length));
        for (const { migration, state } of states) io.out(describeState(migration, state, width));
        const pending = states.filter((s) => s.pending).length;
        io.out(
          pending
            ? `${pending} of ${states.length} pending in ${target.where}: \`gazette migrate run\` runs them`
            : `all ${states.length} done in ${target.where}`,
        );
      } finally {
        await target.close();
      }
    });

  migrate
    .command("run")
    .description(
      "Run the pending migrations in order, each to its end (one that stopped goes on from its stored cursor); stops at the first that fails",
    )
    .action(async () => {
      const [{ MIGRATIONS }, { MigrationFailedError, runMigrations }] = await Promise.all([
        import("../migrations/index.js"),
        import("../migrations/runner.js"),
      ]);
      const target = await open();
      try {
        const outcomes = await runMigrations(target.context, MIGRATIONS, {
          onStep: io.isTTY
            ? (name, state) =>
                io.err(
                  `${name}: step ${state.steps}${Object.keys(state.counts).length ? ` (${counted(state.counts)})` : ""}`,
                )
            : undefined,
        });
        let ran = 0;
        for (const o of outcomes) {
          if (o.already) continue;
          const counts = Object.keys(o.counts).length ? ` (${counted(o.counts)})` : "";
          if (o.status === "done") {
            ran += 1;
            io.out(`${o.name}: done in ${o.steps} step(s)${counts}`);
          } else if (o.status === "busy") {
            io.out(
              `${o.name}: another runner (the migration function, or a second \`gazette migrate run\`) moved it on meanwhile; run again later`,
            );
          } else if (o.status === "blocked") {
            io.out(`${o.name}: not run, an earlier migration is not done`);
          } else {
            io.out(`${o.name}: not finished after ${o.steps} step(s)${counts}`);
          }
          for (const w of o.warnings) io.out(`  warning: ${w}`);
        }
        const unfinished = outcomes.filter((o) => o.status !== "done");
        if (unfinished.length) {
          io.err(
            `gazette: ${unfinished.length} migration(s) not done in ${target.where}: ${unfinished.map((o) => o.name).join(", ")}`,
          );
          deps.setExitCode(1);
          return;
        }
        io.out(
          ran
            ? `${ran} migration(s) run; all ${outcomes.length} done in ${target.where}`
            : `nothing to do: all ${outcomes.length} done in ${target.where}`,
        );
      } catch (error) {
        if (!(error instanceof MigrationFailedError)) throw error;
        io.err(`gazette: ${error.message}`);
        io.err(
          `  Its progress is kept${error.cursor === undefined ? "" : ` (cursor ${shortCursor(error.cursor)})`} and nothing after it ran: \`gazette migrate run\` goes on from there once the cause is fixed.`,
        );
        deps.setExitCode(1);
      } finally {
        await target.close();
      }
    });
}

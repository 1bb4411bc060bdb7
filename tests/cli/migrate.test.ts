import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LEGACY_EDITIONS, legacyEditionSk } from "../../src/archive/records.js";
import { run } from "../../src/cli/main.js";
import { MIGRATIONS } from "../../src/migrations/index.js";
import { migrationKey, migrationStates, runMigrations } from "../../src/migrations/runner.js";
import { createEmbeddedPlatform } from "../../src/platform/embedded/index.js";
import type { Platform } from "../../src/platform/ports.js";
import { createWorkingDayCalendar } from "../../src/reposts/working-days.js";
import { lockDataDir } from "../../src/runtime/data-dir-lock.js";
import { capture } from "../support/cli-io.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A data directory as an older release left it: `editions` imported archive editions under archive#editions. */
async function oldDataDir(editions: number, also?: (platform: Platform) => Promise<void>): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), "gazette-migrate-"));
  dirs.push(dataDir);
  const platform = createEmbeddedPlatform({ dataDir });
  for (let n = 1; n <= editions; n++) {
    const jobId = `job-${String(n).padStart(4, "0")}`;
    await platform.records.put({
      pk: LEGACY_EDITIONS,
      sk: legacyEditionSk(1990, n, jobId),
      data: { year: 1990, issue: n, jobId, items: 1, scanKeys: [] },
    });
  }
  await also?.(platform);
  await platform.flush();
  platform.close();
  return dataDir;
}

const line = (lines: readonly string[], name: string) => lines.find((l) => l.startsWith(`${name} `)) ?? "";

describe("gazette migrate", () => {
  it("lists every migration as pending on a data directory an older release left, runs them, then lists them done; a second run has nothing to do", async () => {
    // Prepare
    const dataDir = await oldDataDir(3);
    const env = { GAZETTE_DATA_DIR: dataDir };
    const before = capture();
    const ran = capture();
    const after = capture();
    const again = capture();

    // Act
    const codes = [
      await run(["migrate"], before.io, env),
      await run(["migrate", "run"], ran.io, env),
      await run(["migrate", "list"], after.io, env),
      await run(["migrate", "run"], again.io, env),
    ];

    // Assess
    expect(codes).toEqual([0, 0, 0, 0]);
    expect(before.out).toHaveLength(MIGRATIONS.length + 1);
    expect(line(before.out, "archive-editions-rekey")).toMatch(
      /^archive-editions-rekey +v1 {2}pending {2}archive: /,
    );
    expect(before.out.at(-1)).toBe(
      `${MIGRATIONS.length} of ${MIGRATIONS.length} pending in ${dataDir}: \`gazette migrate run\` runs them`,
    );
    expect(ran.out).toContain("archive-editions-rekey: done in 1 step(s) (moved 3)");
    expect(ran.out.at(-1)).toMatch(new RegExp(`migration\\(s\\) run; all ${MIGRATIONS.length} done in `));
    expect(line(after.out, "archive-editions-rekey")).toMatch(/ {2}done \d{4}-\d\d-\d\dT.* \(moved 3\)$/);
    expect(after.out.at(-1)).toBe(`all ${MIGRATIONS.length} done in ${dataDir}`);
    expect(again.out).toEqual([`nothing to do: all ${MIGRATIONS.length} done in ${dataDir}`]);
    expect([...before.err, ...ran.err, ...after.err, ...again.err]).toEqual([]);
  });

  it("shows a migration stopped half-way as in progress with its cursor, and goes on from there", async () => {
    // Prepare: runs that each stop after one step (as the migration function out of time does),
    // until the archive editions' move has done its first page of 100
    const dataDir = await oldDataDir(150);
    const platform = createEmbeddedPlatform({ dataDir });
    const context = {
      platform,
      statuses: { recordEdition: async () => undefined },
      calendar: createWorkingDayCalendar(),
    };
    const stateOf = async () =>
      (await migrationStates(context, MIGRATIONS)).find((s) => s.migration.name === "archive-editions-rekey")!
        .state;
    for (let runs = 0; runs < 50 && (await stateOf()) === undefined; runs++)
      await runMigrations(context, MIGRATIONS, { hasTime: () => false });
    await platform.flush();
    platform.close();
    const env = { GAZETTE_DATA_DIR: dataDir };
    const listed = capture();
    const ran = capture();

    // Act
    const codes = [
      await run(["migrate", "list"], listed.io, env),
      await run(["migrate", "run"], ran.io, env),
    ];

    // Assess
    expect(codes).toEqual([0, 0]);
    expect(line(listed.out, "archive-editions-rekey")).toMatch(
      /^archive-editions-rekey +v1 {2}in progress: 1 step\(s\) since .*, cursor \S+.* \(moved 100\)$/,
    );
    expect(line(listed.out, "log-backfill")).toMatch(/ {2}pending {2}/);
    expect(ran.out).toContain("archive-editions-rekey: done in 1 step(s) (moved 150)");
  });

  it("stops at a migration that fails, names it, keeps its progress and exits 1", async () => {
    // Prepare: the archive items' move has a progress record it cannot read
    const dataDir = await oldDataDir(1, async (platform) => {
      const at = new Date().toISOString();
      await platform.records.put({
        ...migrationKey("archive-items-sharded"),
        data: {
          name: "archive-items-sharded",
          version: "1",
          status: "running",
          cursor: "{not json",
          counts: {},
          steps: 1,
          startedAt: at,
          updatedAt: at,
        },
      });
    });
    const env = { GAZETTE_DATA_DIR: dataDir };
    const ran = capture();
    const listed = capture();

    // Act
    const code = await run(["migrate", "run"], ran.io, env);
    await run(["migrate", "list"], listed.io, env);

    // Assess
    expect(code).toBe(1);
    expect(ran.err[0]).toMatch(/^gazette: migration archive-items-sharded failed: /);
    expect(ran.err[1]).toContain("Its progress is kept (cursor {not json) and nothing after it ran");
    expect(line(listed.out, "archive-items-sharded")).toContain("in progress: 1 step(s)");
    expect(line(listed.out, "archive-editions-rekey")).toMatch(/ {2}pending {2}/);
  });

  it("refuses a data directory the pipeline holds (exit 1), one without gazette data and AWS without a table (exit 2)", async () => {
    // Prepare
    const held = await oldDataDir(1);
    const empty = mkdtempSync(join(tmpdir(), "gazette-migrate-empty-"));
    dirs.push(empty);
    const lock = lockDataDir(held);
    const busy = capture();
    const none = capture();
    const noTable = capture();

    // Act
    let codes: number[];
    try {
      codes = [
        await run(["migrate", "run"], busy.io, { GAZETTE_DATA_DIR: held }),
        await run(["migrate", "list"], none.io, { GAZETTE_DATA_DIR: empty }),
        await run(["migrate", "run"], noTable.io, { GAZETTE_MODE: "aws" }),
      ];
    } finally {
      lock.release();
    }

    // Assess
    expect(codes).toEqual([1, 2, 2]);
    expect(busy.err.join("\n")).toContain("is in use by another gazette pipeline");
    expect(none.err.join("\n")).toContain(`${empty} holds no gazette data`);
    expect(noTable.err.join("\n")).toContain("GAZETTE_MODE=aws needs GAZETTE_TABLE");
  });
});

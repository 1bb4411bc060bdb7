import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SqliteRecordStore } from "../../src/platform/embedded/sqlite-records.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { rebuildReposts } from "../../src/reposts/rebuild.js";
import { createWorkingDayCalendar } from "../../src/reposts/working-days.js";

const NOW = Date.parse("2026-03-10T02:00:00Z");
const DAY = 86_400_000;

describe("reposts rebuild scratch", () => {
  it("deletes what an abandoned rebuild left after a day, but not the running migration's nor a recent one's", async () => {
    // Prepare: scratch of a killed command two days ago, of one an hour ago, and of the migration's
    // rebuild under way for two days
    const clock = new ManualClock(NOW);
    const records = new SqliteRecordStore(new Database(":memory:"), clock);
    const g = (at: number, tag: string) => `${new Date(at).toISOString()}~${tag}`;
    const abandoned = g(NOW - 2 * DAY, "aaaaaaaa");
    const recent = g(NOW - 3600_000, "bbbbbbbb");
    const migration = g(NOW - 2 * DAY, "cccccccc");
    for (const gen of [abandoned, recent, migration]) {
      await records.put({
        pk: "REPOST_REBUILD#SITES#3",
        sk: `${gen}#doc#1`,
        data: 'site\t2026-03\t1\t510104\tcounty\t"x"',
      });
      await records.put({ pk: "REPOST_REBUILD#T0#5", sk: `${gen}#2026-03#0`, data: [["site", 1]] });
    }
    await records.put({
      pk: "MIGRATION#reposts-rebuild",
      sk: "STATE",
      data: { status: "running", cursor: JSON.stringify({ g: migration, phase: "documents", months: [] }) },
    });

    // Act
    await rebuildReposts({ records, clock }, createWorkingDayCalendar());

    // Assess
    const left = [
      ...(await records.query("REPOST_REBUILD#SITES#3")).items,
      ...(await records.query("REPOST_REBUILD#T0#5")).items,
    ].map((r) => r.sk.split("#")[0]);
    expect(left.sort()).toEqual([migration, migration, recent, recent].sort());
  });
});

import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import {
  type ConsoleAuditEntry,
  ConsoleAuditLog,
  LEGACY_CONSOLE_AUDIT_PARTITION,
} from "../../src/audit/console-audit.js";
import { SqliteRecordStore } from "../../src/platform/embedded/sqlite-records.js";
import { ManualClock } from "../../src/platform/manual-clock.js";

const START = Date.parse("2026-03-02T02:00:00Z");

function anEntry(n: number): ConsoleAuditEntry {
  return {
    at: new Date(START + n * 1000).toISOString(),
    actor: `editor${n % 3}`,
    action: "document.submit",
    target: `doc-${n}`,
    outcome: "ok",
    details: {},
  };
}

describe("console audit log partitions", () => {
  it("spreads new entries over shards and lists them with an older release's entries newest first, page by page", async () => {
    // Prepare: 10 entries as an older release wrote them (one partition), then 30 by this one
    const records = new SqliteRecordStore(new Database(":memory:"), new ManualClock(START));
    const log = new ConsoleAuditLog(records);
    for (let n = 0; n < 10; n++) {
      const e = anEntry(n);
      await records.put({ pk: LEGACY_CONSOLE_AUDIT_PARTITION, sk: `${e.at}#legacy${n}`, data: e });
    }
    for (let n = 10; n < 40; n++) await log.record(anEntry(n));

    // Act
    const listed: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await log.page({ limit: 7, cursor });
      listed.push(...page.items.map((e) => e.target!));
      cursor = page.cursor;
      pages += 1;
    } while (cursor && pages < 20);

    // Assess
    expect(listed).toEqual(Array.from({ length: 40 }, (_, n) => `doc-${39 - n}`));
    expect(pages).toBe(6);
    expect((await records.query(LEGACY_CONSOLE_AUDIT_PARTITION)).items).toHaveLength(10);
    const shards = new Set<string>();
    for (let shard = 0; shard < 8; shard++)
      if ((await records.query(`${LEGACY_CONSOLE_AUDIT_PARTITION}#${shard}`)).items.length)
        shards.add(String(shard));
    expect(shards.size).toBeGreaterThan(1);
  });
});

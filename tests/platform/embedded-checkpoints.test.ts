import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createEmbeddedPlatform,
  DATABASE_FILE,
  type EmbeddedPlatform,
} from "../../src/platform/embedded/index.js";

/** Rows of the database file alone, without its write-ahead log: what checkpoints have copied into it. */
function rowsInDatabaseFile(dataDir: string): number {
  const copy = mkdtempSync(join(tmpdir(), "gazette-ckpt-copy-"));
  try {
    copyFileSync(join(dataDir, DATABASE_FILE), join(copy, DATABASE_FILE));
    const db = new Database(join(copy, DATABASE_FILE), { readonly: true });
    try {
      // Before any checkpoint even the schema is only in the log.
      if (!db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'records'").get()) return 0;
      return (db.prepare("SELECT COUNT(*) AS n FROM records WHERE pk = 'P'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** Writes `count` records of ~3 KB in transactions of 50 (about a log page each). */
async function write(platform: EmbeddedPlatform, count: number, from = 0) {
  for (let i = from; i < from + count; i += 50) {
    await platform.records.transact(
      Array.from({ length: Math.min(50, from + count - i) }, (_, j) => ({
        put: { pk: "P", sk: String(i + j).padStart(6, "0"), data: { text: "x".repeat(3000) } },
      })),
    );
  }
}

describe("embedded store: write-ahead-log checkpoints in a background thread", () => {
  let dataDir: string;
  let platform: EmbeddedPlatform | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "gazette-ckpt-"));
  });
  afterEach(() => {
    platform?.close();
    platform = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("leaves commits alone past 1,000 log pages and copies the log into the database when asked", async () => {
    // Prepare
    platform = createEmbeddedPlatform({
      dataDir,
      synchronous: "normal",
      backgroundCheckpoints: { intervalMs: 0 },
    });
    // Act: ~1,500 pages, past SQLite's automatic checkpoint
    await write(platform, 2000);
    // Assess: no commit checkpointed; then one checkpoint copies every frame
    expect(rowsInDatabaseFile(dataDir)).toBe(0);
    const result = await platform.checkpoint();
    expect(result).toMatchObject({ busy: false });
    expect(result!.logFrames).toBeGreaterThan(1000);
    expect(result!.checkpointed).toBe(result!.logFrames);
    expect(rowsInDatabaseFile(dataDir)).toBe(2000);
  });

  it("checkpoints on its interval, and writes after one go on (the log restarts)", async () => {
    // Prepare
    platform = createEmbeddedPlatform({
      dataDir,
      synchronous: "normal",
      backgroundCheckpoints: { intervalMs: 20 },
    });
    // Act
    await write(platform, 100);
    // Assess
    await vi.waitFor(() => expect(rowsInDatabaseFile(dataDir)).toBe(100), { timeout: 5000, interval: 20 });
    await write(platform, 100, 100);
    await vi.waitFor(() => expect(rowsInDatabaseFile(dataDir)).toBe(200), { timeout: 5000, interval: 20 });
    expect((await platform.records.query("P", { limit: 500 })).items).toHaveLength(200);
  });

  it("without it, SQLite's own checkpoint runs in the commit that passes 1,000 pages", async () => {
    // Prepare
    platform = createEmbeddedPlatform({ dataDir, synchronous: "normal" });
    // Act
    await write(platform, 2000);
    // Assess
    expect(rowsInDatabaseFile(dataDir)).toBeGreaterThan(0);
    expect(platform.checkpoint()).toBeUndefined();
  });

  it("closes its connection before the writer's, which removes the log; reopened, nothing is lost", async () => {
    // Prepare
    platform = createEmbeddedPlatform({
      dataDir,
      synchronous: "normal",
      backgroundCheckpoints: { intervalMs: 0 },
    });
    await write(platform, 300);
    // Act
    platform.close();
    platform = undefined;
    // Assess
    expect(existsSync(join(dataDir, `${DATABASE_FILE}-wal`))).toBe(false);
    expect(rowsInDatabaseFile(dataDir)).toBe(300);
    platform = createEmbeddedPlatform({
      dataDir,
      synchronous: "normal",
      backgroundCheckpoints: { intervalMs: 0 },
    });
    expect((await platform.records.query("P", { limit: 500 })).items).toHaveLength(300);
  });
});

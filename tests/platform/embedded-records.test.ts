import { readFileSync } from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEmbeddedPlatform, type EmbeddedPlatform } from "../../src/platform/embedded/index.js";
import { StorageRequestError } from "../../src/platform/errors.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { tempDataDir } from "./helpers.js";

describe("embedded record store", () => {
  let data: Awaited<ReturnType<typeof tempDataDir>>;
  let clock: ManualClock;
  let platform: EmbeddedPlatform;
  const nowSeconds = () => clock.now().getTime() / 1000;

  beforeEach(async () => {
    data = await tempDataDir();
    clock = new ManualClock();
    platform = createEmbeddedPlatform({ dataDir: data.dir, clock });
  });

  afterEach(async () => {
    platform.close();
    await data.remove();
  });

  /** A new data directory with the database file opened directly, as an older release left it. */
  async function oldDatabase(): Promise<Database.Database> {
    platform.close();
    await data.remove();
    data = await tempDataDir();
    return new Database(path.join(data.dir, "gazette.sqlite"));
  }

  it("a record disappears from get and query once the clock reaches its expiresAt", async () => {
    // Prepare
    const expiresAt = nowSeconds() + 60;
    await platform.records.put({
      pk: "session",
      sk: "s1",
      data: { user: "editor" },
      expiresAt,
      index: { gsi1pk: "sessions", gsi1sk: "s1" },
    });

    // Act
    clock.advanceSeconds(59);
    const justBefore = await platform.records.get({ pk: "session", sk: "s1" });
    clock.advanceSeconds(1);
    const atExpiry = await platform.records.get({ pk: "session", sk: "s1" });
    const query = await platform.records.query("session");
    const indexQuery = await platform.records.query("sessions", { index: "gsi1" });

    // Assess
    expect(justBefore?.data).toEqual({ user: "editor" });
    expect(atExpiry).toBeUndefined();
    expect(query.items).toEqual([]);
    expect(indexQuery.items).toEqual([]);
  });

  it("an add without a condition (one statement, no read) counts from zero over an expired record and leaves it without index keys or expiry, as a conditioned add does", async () => {
    // Prepare: two counted records that expire, one of them also indexed, and the same pair for the conditioned path
    const counted = async (sk: string) => {
      await platform.records.transact([{ add: { pk: "c", sk, data: "old" }, counts: { notices: 5 } }]);
      const first = await platform.records.get({ pk: "c", sk });
      await platform.records.put({
        pk: "c",
        sk: `${sk}-put`,
        data: "indexed",
        index: { gsi1pk: "listed", gsi1sk: sk },
        expiresAt: nowSeconds() + 3600,
      });
      return first!;
    };
    await counted("plain");
    await counted("conditioned");
    // …and a record that expired: its counts are gone with it
    await platform.records.put({ pk: "c", sk: "expired", data: "x", expiresAt: nowSeconds() + 10 });
    await platform.records.transact([{ add: { pk: "c", sk: "expired", data: "x" }, counts: { notices: 3 } }]);
    const raw = new Database(path.join(data.dir, "gazette.sqlite"));
    raw.prepare("UPDATE records SET expires_at = ? WHERE sk = 'expired'").run(nowSeconds() + 10);
    raw.close();
    clock.advanceSeconds(11);

    // Act
    await platform.records.transact([
      { add: { pk: "c", sk: "plain", data: "new" }, counts: { notices: 1, overdue: 2 } },
      { add: { pk: "c", sk: "plain-put", data: "added" }, counts: { notices: 1 } },
      { add: { pk: "c", sk: "expired", data: "again" }, counts: { notices: 1 } },
    ]);
    const conditioned = await platform.records.get({ pk: "c", sk: "conditioned-put" });
    await platform.records.transact([
      {
        add: { pk: "c", sk: "conditioned-put", data: "added" },
        counts: { notices: 1 },
        condition: { kind: "version", version: conditioned!.version },
      },
    ]);

    // Assess
    const plain = await platform.records.get({ pk: "c", sk: "plain" });
    expect(plain).toMatchObject({ data: "new", version: 2, counts: { notices: 6, overdue: 2 } });
    for (const sk of ["plain-put", "conditioned-put"]) {
      const read = await platform.records.get({ pk: "c", sk });
      expect(read).toMatchObject({ data: "added", version: 2, counts: { notices: 1 } });
      expect(read?.index).toBeUndefined();
      expect(read?.expiresAt).toBeUndefined();
    }
    expect((await platform.records.query("listed", { index: "gsi1" })).items).toEqual([]);
    const expired = await platform.records.get({ pk: "c", sk: "expired" });
    expect(expired).toMatchObject({ data: "again", version: 3, counts: { notices: 1 } });
  });

  it("a put without a condition or index keys in transactEach (one statement at the end) replaces the record as a put does: counts and index keys dropped, expiry set", async () => {
    // Prepare: an indexed, counted record
    const k = { pk: "p", sk: "entry" };
    await platform.records.put({ ...k, data: "indexed", index: { gsi1pk: "listed", gsi1sk: "a" } });
    await platform.records.transactEach([[{ add: { ...k, data: "counted" }, counts: { notices: 2 } }]]);
    await platform.records.put({ ...k, data: "indexed", index: { gsi1pk: "listed", gsi1sk: "a" } });

    // Act
    const committed = await platform.records.transactEach([
      [{ put: { ...k, data: "plain", expiresAt: nowSeconds() + 60 } }],
    ]);

    // Assess
    expect(committed).toEqual([true]);
    const read = await platform.records.get(k);
    expect(read).toMatchObject({ data: "plain", version: 4, expiresAt: nowSeconds() + 60 });
    expect(read?.counts).toBeUndefined();
    expect(read?.index).toBeUndefined();
    expect((await platform.records.query("listed", { index: "gsi1" })).items).toEqual([]);
  });

  it("expired records are deleted from the database when the platform is opened again", async () => {
    // Prepare
    await platform.records.put({ pk: "lock", sk: "a", data: 1, expiresAt: nowSeconds() + 10 });
    await platform.records.put({ pk: "lock", sk: "b", data: 2 });
    clock.advanceSeconds(11);
    platform.close();

    // Act
    platform = createEmbeddedPlatform({ dataDir: data.dir, clock });

    // Assess
    const raw = new Database(path.join(data.dir, "gazette.sqlite"), { readonly: true });
    const rows = raw.prepare("SELECT sk FROM records ORDER BY sk").all();
    raw.close();
    expect(rows).toEqual([{ sk: "b" }]);
  });

  it("a limited page that exactly exhausts the partition has no cursor", async () => {
    // Prepare
    for (const sk of ["a", "b", "c"]) await platform.records.put({ pk: "p", sk, data: sk });

    // Act
    const page = await platform.records.query("p", { limit: 3 });

    // Assess
    expect(page.items).toHaveLength(3);
    expect(page.cursor).toBeUndefined();
  });

  it("a garbled cursor is refused with StorageRequestError", async () => {
    // Prepare / Act
    const attempt = platform.records.query("p", { cursor: "not-a-cursor" });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(StorageRequestError);
  });

  it("a prefix ending in the highest code point still bounds the range correctly", async () => {
    // Prepare
    const top = String.fromCodePoint(0x10ffff);
    for (const sk of [`a${top}`, `a${top}x`, "b", "a"])
      await platform.records.put({ pk: "edge", sk, data: sk });

    // Act
    const page = await platform.records.query("edge", { prefix: `a${top}` });

    // Assess
    expect(page.items.map((r) => r.sk)).toEqual([`a${top}`, `a${top}x`]);
  });

  it("data that is not JSON-serialisable, a lone surrogate and oversize items are refused with StorageRequestError", async () => {
    // Prepare
    const circular: Record<string, unknown> = {};
    circular.self = circular;

    // Act
    const attempts = [
      platform.records.put({ pk: "bad", sk: "circular", data: circular }),
      platform.records.put({ pk: "bad", sk: "bigint", data: { n: 10n } }),
      platform.records.put({ pk: "bad", sk: "undefined", data: undefined }),
      platform.records.put({ pk: "bad\uD800", sk: "surrogate", data: 1 }),
      platform.records.put({ pk: "bad", sk: "large", data: "x".repeat(401 * 1024) }),
      platform.records.put({ pk: "bad", sk: "version", data: 1 }, { kind: "version", version: 1.5 }),
    ];

    // Assess
    for (const attempt of attempts) await expect(attempt).rejects.toBeInstanceOf(StorageRequestError);
    expect((await platform.records.query("bad")).items).toEqual([]);
  });

  it("a notice-sized record (~1 KB) and its rewrites take no overflow page, and a rewrite keeps its row in place", async () => {
    // Prepare: rows of a repost notice's size (a WITHOUT ROWID table spilled each into a page of its own)
    const notice = (i: number, mark: string | null) => ({
      pk: `REPOSTS#doc`,
      sk: `SITE#${String(i).padStart(6, "0")}`,
      data: { text: "通知".repeat(300), i, reminderSentAt: mark },
      index: {
        gsi1pk: `SITE_REPOSTS#${i}`,
        gsi1sk: "2026-03-02",
        gsi2pk: "DUE#2026-03-02#0",
        gsi2sk: `${i}`,
      },
    });
    for (let i = 0; i < 200; i++) await platform.records.put(notice(i, null));

    // Act: every notice rewritten, each leaving the due index's partition for another
    for (let i = 0; i < 200; i++) {
      const next = notice(i, "2026-03-02T02:00:00Z");
      await platform.records.put(
        { ...next, index: { ...next.index, gsi2pk: "DUE#2026-03-03#0" } },
        { kind: "version", version: 1 },
      );
    }

    // Assess
    const raw = new Database(path.join(data.dir, "gazette.sqlite"), { readonly: true });
    const overflow = raw
      .prepare("SELECT count(*) AS n FROM dbstat WHERE name = 'records' AND pagetype = 'overflow'")
      .get() as { n: number };
    raw.close();
    expect(overflow.n).toBe(0);
    expect((await platform.records.query("DUE#2026-03-02#0", { index: "gsi2" })).items).toEqual([]);
    const moved = await platform.records.query("DUE#2026-03-03#0", { index: "gsi2" });
    expect(moved.items).toHaveLength(200);
    expect(moved.items.every((r) => r.version === 2)).toBe(true);
    const bySite = await platform.records.query("SITE_REPOSTS#7", { index: "gsi1" });
    expect(bySite.items.map((r) => (r.data as { reminderSentAt: string }).reminderSentAt)).toEqual([
      "2026-03-02T02:00:00Z",
    ]);
  });

  it("transactEach keeps its savepoints' page copies in memory: its only file writes are the log's", async () => {
    // Prepare: 400 notice-sized records; each transaction below rewrites 100 (~30 pages, past the
    // 64 KiB SQLite keeps a statement journal in memory before it writes a temporary file)
    const record = (i: number, mark: string) => ({
      pk: "REPOSTS#doc",
      sk: `SITE#${String(i).padStart(6, "0")}`,
      data: { text: "通知".repeat(300), i, mark },
    });
    for (let i = 0; i < 400; i += 100)
      await platform.records.transact(Array.from({ length: 100 }, (_, j) => ({ put: record(i + j, "a") })));
    const writes = () => Number(/syscw: (\d+)/.exec(readFileSync("/proc/self/io", "utf8"))![1]);
    const logFrames = () => readFileSync(path.join(data.dir, "gazette.sqlite-shm")).readUInt32LE(16);
    const frames0 = logFrames();
    const writes0 = writes();

    // Act
    const committed = await platform.records.transactEach(
      [0, 100, 200, 300].map((i) =>
        Array.from({ length: 100 }, (_, j) => ({
          put: record(i + j, "b"),
          condition: { kind: "version", version: 1 } as const,
        })),
      ),
    );

    // Assess: the log's frames (a header and a page each) and its sync, nothing else
    const written = writes() - writes0;
    const frames = logFrames() - frames0;
    expect(committed).toEqual([true, true, true, true]);
    expect(frames).toBeGreaterThan(100);
    expect(written).toBeLessThanOrEqual(2 * frames + 4);
  });

  it("a rowid table from before the overdue index (gsi3) gets its columns on open, its rows kept", async () => {
    // Prepare: the table as the release before gsi3 made it
    const old = await oldDatabase();
    old.exec(`
      CREATE TABLE records (pk TEXT NOT NULL, sk TEXT NOT NULL, data TEXT NOT NULL, version INTEGER NOT NULL,
        gsi1pk TEXT, gsi1sk TEXT, gsi2pk TEXT, gsi2sk TEXT, expires_at REAL, counts TEXT, PRIMARY KEY (pk, sk));
      INSERT INTO records VALUES ('REPOSTS#d', 'SITE#s', '{"n":1}', 2, 'SITE_REPOSTS#s', 'x', 'DUE#1', 'y', NULL, NULL);
    `);
    old.close();

    // Act
    platform = createEmbeddedPlatform({ dataDir: data.dir, clock });
    const before = await platform.records.get({ pk: "REPOSTS#d", sk: "SITE#s" });
    await platform.records.put(
      {
        pk: "REPOSTS#d",
        sk: "SITE#s",
        data: { n: 2 },
        index: { ...before!.index!, gsi3pk: "OVERDUE#d", gsi3sk: "510104#s" },
      },
      { kind: "version", version: 2 },
    );
    const overdue = await platform.records.query("OVERDUE#d", { index: "gsi3" });

    // Assess
    expect(before).toMatchObject({ data: { n: 1 }, version: 2, index: { gsi2pk: "DUE#1", gsi2sk: "y" } });
    expect(overdue.items.map((r) => [r.pk, r.data, r.version])).toEqual([["REPOSTS#d", { n: 2 }, 3]]);
  });

  it("a data directory from before the rowid layout is converted on open, its records, indexes, versions and counts kept", async () => {
    // Prepare: the table as older releases made it (WITHOUT ROWID, before gsi2 and counts existed)
    const old = await oldDatabase();
    old.exec(`
      CREATE TABLE records (pk TEXT NOT NULL, sk TEXT NOT NULL, data TEXT NOT NULL, version INTEGER NOT NULL,
        gsi1pk TEXT, gsi1sk TEXT, expires_at REAL, PRIMARY KEY (pk, sk)) WITHOUT ROWID;
      CREATE INDEX records_gsi1 ON records (gsi1pk, gsi1sk, pk, sk) WHERE gsi1pk IS NOT NULL;
      CREATE INDEX records_expiry ON records (expires_at) WHERE expires_at IS NOT NULL;
      INSERT INTO records VALUES ('doc#1', 'meta', '{"title":"关于印发的通知"}', 3, 'DOCUMENTS', '2026-03-01#1', NULL);
      INSERT INTO records VALUES ('doc#2', 'meta', '{"title":"第二件"}', 1, 'DOCUMENTS', '2026-03-02#2', NULL);
      INSERT INTO records VALUES ('lock', 'a', '1', 1, NULL, NULL, 1.0);
    `);
    // …then a later release added the sparse index and counters to it
    old.exec("ALTER TABLE records ADD COLUMN gsi2pk TEXT; ALTER TABLE records ADD COLUMN gsi2sk TEXT;");
    old.exec("ALTER TABLE records ADD COLUMN counts TEXT;");
    old.exec(
      "INSERT INTO records VALUES ('REPOST_COUNTS#d', 'TOTAL#0', '{}', 2, NULL, NULL, NULL, NULL, NULL, '{\"notices\":5}')",
    );
    old.exec("UPDATE records SET gsi2pk = 'ACCEPTED#0', gsi2sk = 'x' WHERE pk = 'doc#2'");
    old.close();

    // Act
    platform = createEmbeddedPlatform({ dataDir: data.dir, clock });
    const listed = await platform.records.query("DOCUMENTS", { index: "gsi1" });
    const accepted = await platform.records.query("ACCEPTED#0", { index: "gsi2" });
    const counter = await platform.records.get({ pk: "REPOST_COUNTS#d", sk: "TOTAL#0" });
    const rewritten = await platform.records.put(
      {
        pk: "doc#1",
        sk: "meta",
        data: { title: "改" },
        index: { gsi1pk: "DOCUMENTS", gsi1sk: "2026-03-01#1" },
      },
      { kind: "version", version: 3 },
    );

    // Assess
    expect(listed.items.map((r) => [r.pk, r.data, r.version])).toEqual([
      ["doc#1", { title: "关于印发的通知" }, 3],
      ["doc#2", { title: "第二件" }, 1],
    ]);
    expect(accepted.items.map((r) => r.pk)).toEqual(["doc#2"]);
    expect(counter?.counts).toEqual({ notices: 5 });
    expect(rewritten.version).toBe(4);
    expect(await platform.records.get({ pk: "lock", sk: "a" })).toBeUndefined(); // expired, purged on open
    const raw = new Database(path.join(data.dir, "gazette.sqlite"), { readonly: true });
    const tables = raw.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table'").all() as {
      name: string;
      sql: string;
    }[];
    raw.close();
    expect(tables.find((t) => t.name === "records")?.sql).not.toMatch(/WITHOUT ROWID/i);
    expect(tables.map((t) => t.name)).not.toContain("records_without_rowid");
  });
});

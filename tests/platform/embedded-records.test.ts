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
});

import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { run } from "../../src/cli/main.js";
import { createEmbeddedPlatform } from "../../src/platform/embedded/index.js";
import { lockDataDir } from "../../src/runtime/data-dir-lock.js";
import { capture } from "../support/cli-io.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** The commands that work straight on the store, as `gazette …` takes them. */
const STORE_COMMANDS = [
  ["migrate", "run"],
  ["reposts", "rebuild"],
  ["log", "backfill"],
] as const;

describe.each(STORE_COMMANDS)("gazette %s %s on the store the environment names", (...command) => {
  it("refuses a data directory without gazette data with exit 2 and creates nothing there", async () => {
    // Prepare
    const empty = tempDir("gazette-store-empty-");
    const none = capture();

    // Act
    const code = await run([...command], none.io, { GAZETTE_DATA_DIR: empty });

    // Assess
    expect(code).toBe(2);
    expect(none.err.join("\n")).toContain(`${empty} holds no gazette data`);
    expect(readdirSync(empty)).toEqual([]);
  });

  it("refuses GAZETTE_MODE=aws without a table with exit 2, naming what is needed", async () => {
    // Prepare
    const noTable = capture();

    // Act
    const code = await run([...command], noTable.io, { GAZETTE_MODE: "aws" });

    // Assess
    expect(code).toBe(2);
    expect(noTable.err.join("\n")).toContain("GAZETTE_MODE=aws needs GAZETTE_TABLE");
  });

  it("refuses a data directory the running pipeline holds with exit 1", async () => {
    // Prepare
    const held = tempDir("gazette-store-held-");
    createEmbeddedPlatform({ dataDir: held }).close();
    const lock = lockDataDir(held);
    const busy = capture();

    // Act
    let code: number;
    try {
      code = await run([...command], busy.io, { GAZETTE_DATA_DIR: held });
    } finally {
      lock.release();
    }

    // Assess
    expect(code).toBe(1);
    expect(busy.err.join("\n")).toContain("is in use by another gazette pipeline");
  });
});

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { DataDirLockedError, LOCK_FILE, lockDataDir } from "../../src/runtime/data-dir-lock.js";
import { type LocalRuntime, startLocal } from "../../src/runtime/local.js";

/** Single writer per data directory (issue 11): a second `npm start` on it refuses. */

const dirs: string[] = [];
const runtimes: LocalRuntime[] = [];
afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.stop().catch(() => {});
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "gazette-lock-"));
  dirs.push(dir);
  return dir;
}

function writeLock(dir: string, pid: number) {
  writeFileSync(
    join(dir, LOCK_FILE),
    JSON.stringify({ pid, host: hostname(), startedAt: "2026-01-01T00:00:00.000Z" }),
  );
}

/** The pid of a process that has been killed with SIGKILL (kill -9) and is gone. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  await new Promise((r) => child.once("spawn", r));
  const pid = child.pid!;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
  return pid;
}

describe("one pipeline per data directory", () => {
  it("refuses a second runtime on the same directory while the first runs, and allows it once stopped", async () => {
    // Prepare
    const dir = dataDir();
    const config = loadConfig({ GAZETTE_DATA_DIR: dir, PORT: "0" });
    const first = await startLocal(config, { tickIntervalMs: 0 });
    runtimes.push(first);
    // Act
    const second = await startLocal(config).then(
      (r) => {
        runtimes.push(r);
        return undefined;
      },
      (error: unknown) => error,
    );
    // Assess
    expect(second).toBeInstanceOf(DataDirLockedError);
    expect((second as Error).message).toContain(`pid ${process.pid}`);
    await first.stop();
    runtimes.splice(0);
    const third = await startLocal(config);
    runtimes.push(third);
    expect(third.url).toMatch(/^http:/);
  });

  it("refuses while another live process holds the lock, naming it and the way out", () => {
    const dir = dataDir();
    writeLock(dir, process.ppid);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dir)).toThrow(/in use by another gazette pipeline \(pid \d+ .*GAZETTE_DATA_DIR/);
  });

  it("takes over a stale lock left by a process killed with kill -9", async () => {
    // Prepare
    const dir = dataDir();
    writeLock(dir, await deadPid());
    // Act
    const lock = lockDataDir(dir);
    // Assess
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  it("takes over a torn (unreadable) lock file", () => {
    const dir = dataDir();
    writeFileSync(join(dir, LOCK_FILE), '{"pid": 12');
    // A torn lock written moments ago may be another starter's: it is looked at again, then taken.
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  it("`npm start` on a directory in use exits with a clear message", async () => {
    // Prepare: this process holds the directory
    const dir = dataDir();
    const lock = lockDataDir(dir);
    try {
      // Act
      const child = spawn(process.execPath, ["--import", "tsx", "src/runtime/start.ts"], {
        env: { ...process.env, GAZETTE_DATA_DIR: dir, PORT: "0" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const code = await new Promise<number | null>((r) => child.on("close", (c) => r(c)));
      // Assess
      expect(code).toBe(1);
      expect(stderr).toContain(
        `Not started: ${dir} is in use by another gazette pipeline (pid ${process.pid}`,
      );
    } finally {
      lock.release();
    }
  });
});

/**
 * One writer per data directory. SQLite would let two `npm start` on the same directory run side
 * by side, each with its own pollers, timers and in-process state (the embedded search index, the
 * queue's visibility timers): the second refuses instead. The lock is a file holding the owner's
 * pid; a lock whose process is gone (kill -9, a power cut) is taken over without anyone's help.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";

export const LOCK_FILE = "gazette.lock";

interface LockContent {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockContent,
  ) {
    super(
      `${dataDir} is in use by another gazette pipeline (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}). ` +
        `Stop that one first, or start this one with another directory: GAZETTE_DATA_DIR=… npm start`,
    );
    this.name = "DataDirLockedError";
  }
}

export interface DataDirLock {
  release(): void;
}

/** Directories this process holds (a second runtime in the same process is refused too). */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readLock(file: string): LockContent | undefined {
  try {
    const data = JSON.parse(readFileSync(file, "utf8")) as Partial<LockContent>;
    if (typeof data.pid !== "number" || !Number.isInteger(data.pid) || data.pid <= 0) return undefined;
    return {
      pid: data.pid,
      host: typeof data.host === "string" ? data.host : "?",
      startedAt: typeof data.startedAt === "string" ? data.startedAt : "?",
    };
  } catch {
    return undefined; // missing, or torn by a crash while being written: not a live owner
  }
}

function justWritten(file: string): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs < 2000;
  } catch {
    return false;
  }
}

/**
 * Takes the data directory for this process, or throws DataDirLockedError naming the process that
 * has it. A lock left by a process that no longer runs (on this host) is taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  const me: LockContent = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  if (held.has(dir)) throw new DataDirLockedError(dir, readLock(file) ?? me);
  for (let attempt = 0; attempt < 20; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readLock(file);
      if (holder === undefined && justWritten(file)) {
        // Another starter created it a moment ago and is writing its pid: look again shortly.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
        continue;
      }
      const stale =
        holder === undefined ||
        (holder.host === me.host && (holder.pid === process.pid || !alive(holder.pid)));
      if (!stale) throw new DataDirLockedError(dir, holder);
      // The owner is gone: remove its lock and try again (another starter may win the race).
      rmSync(file, { force: true });
      continue;
    }
    try {
      writeSync(fd, `${JSON.stringify(me)}\n`);
    } finally {
      closeSync(fd);
    }
    held.add(dir);
    return {
      release() {
        if (!held.delete(dir)) return;
        if (readLock(file)?.pid === process.pid) rmSync(file, { force: true });
      },
    };
  }
  throw new DataDirLockedError(dir, readLock(file) ?? me);
}

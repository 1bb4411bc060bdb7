import { createRequire } from "node:module";
import type Database from "better-sqlite3";
import { StorageError, StorageRequestError, StorageUnavailableError } from "../errors.js";

export type SqliteDatabase = Database.Database;

let driver: typeof Database | undefined;

/**
 * better-sqlite3, loaded on first use. A native addon that exists only where `npm install` ran:
 * modules that merely can open a database (the embedded search index, reached from the container)
 * are bundled into the Lambda functions, which never open one and have no node_modules, so a
 * static import would fail every cold start.
 */
function loadDriver(): typeof Database {
  driver ??= createRequire(import.meta.url)("better-sqlite3") as typeof Database;
  return driver;
}

/**
 * Opens the embedded database. WAL lets readers run beside the single writer (the CLI and the
 * local runtime may share the file); busy_timeout makes a second process wait for the write
 * lock instead of failing at once; synchronous=FULL makes every commit durable, because queue
 * messages and records are the only copy of the local state.
 */
/**
 * - `ack` (default): commits are not synced one by one; Platform.flush() syncs the write-ahead log
 *   once before a request is acknowledged, so whatever was acknowledged survives power loss, and
 *   one fsync covers all the commits of a request (and of concurrent requests).
 * - `full`: SQLite fsyncs every commit.
 * - `normal`: SQLite's WAL default; survives process crashes, may lose the latest commits on power
 *   loss. WAL replay is prefix-consistent in every mode: a later commit never survives an earlier one.
 */
export type SynchronousMode = "ack" | "full" | "normal";

export function openDatabase(file: string, synchronous: SynchronousMode = "ack"): SqliteDatabase {
  const Driver = loadDriver();
  const db = new Driver(file);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("busy_timeout = 5000");
    db.pragma(`synchronous = ${synchronous === "full" ? "FULL" : "NORMAL"}`);
    // Savepoints (transactEach: one per transaction) keep the pages they change in a statement
    // journal, which SQLite writes to a temporary file past 64 KiB; in memory instead: a tick
    // escalating 1,000 notices made ~3,900 write calls to such files (issue 15).
    db.pragma("temp_store = MEMORY");
  } catch (error) {
    db.close();
    throw mapSqliteError(error, "open database");
  }
  return db;
}

const UNAVAILABLE_CODES = new Set([
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
  "SQLITE_IOERR",
  "SQLITE_FULL",
  "SQLITE_CANTOPEN",
  "SQLITE_PROTOCOL",
  "SQLITE_READONLY",
]);

/** Maps driver errors to storage errors, keeping the driver error as `cause`. */
export function mapSqliteError(error: unknown, action: string): StorageError {
  if (error instanceof StorageError) return error;
  const code = driver && error instanceof driver.SqliteError ? error.code : undefined;
  if (code === undefined) {
    // better-sqlite3 throws TypeError once the connection is closed.
    if (error instanceof TypeError && /database connection is not open/i.test(error.message)) {
      return new StorageUnavailableError(`${action}: database is closed`, { cause: error });
    }
    return new StorageUnavailableError(`${action} failed`, { cause: error });
  }
  const primary = code.split("_").slice(0, 2).join("_");
  if (UNAVAILABLE_CODES.has(primary)) {
    return new StorageUnavailableError(`${action} failed (${code})`, { cause: error });
  }
  if (primary === "SQLITE_TOOBIG" || primary === "SQLITE_CONSTRAINT" || primary === "SQLITE_MISMATCH") {
    return new StorageRequestError(`${action} refused (${code})`, { cause: error });
  }
  return new StorageUnavailableError(`${action} failed (${code})`, { cause: error });
}

/** Runs synchronous driver work, surfacing failures as storage errors. */
export function sqlite<T>(action: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw mapSqliteError(error, action);
  }
}

/**
 * Smallest string greater than every string starting with `prefix`, in SQLite's BINARY
 * (UTF-8 byte) order, which equals code-point order; undefined when no bound exists. Lets a
 * prefix query use the index as a range: prefix <= key < bound.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const codePoints = Array.from(prefix, (c) => c.codePointAt(0) ?? 0);
  while (codePoints.length > 0) {
    const last = codePoints.pop() ?? 0;
    if (last < 0x10ffff) {
      // Surrogates never occur in stored keys (validated), so skip over their range.
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return String.fromCodePoint(...codePoints, next);
    }
  }
  return undefined;
}

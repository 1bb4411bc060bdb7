import * as fs from "node:fs";
import * as path from "node:path";
import { WRITE_ONCE_PREFIXES } from "../blob-policy.js";
import { type Clock, type Platform, systemClock } from "../ports.js";
import {
  BACKSTOP_AUTOCHECKPOINT_PAGES,
  BackgroundCheckpointer,
  type CheckpointResult,
} from "./checkpointer.js";
import { FileBlobStore } from "./file-blobs.js";
import { openDatabase, type SynchronousMode } from "./sqlite.js";
import { type EmbeddedQueueConfig, SqliteQueue } from "./sqlite-queue.js";
import { SqliteRecordStore } from "./sqlite-records.js";
import { WalFlusher } from "./wal-flusher.js";

export type { CheckpointResult } from "./checkpointer.js";
export type { EmbeddedQueueConfig } from "./sqlite-queue.js";
export { FileBlobStore, SqliteQueue, SqliteRecordStore };

export interface EmbeddedPlatformOptions {
  /** Holds gazette.sqlite (records, queue messages, blob index) and blobs/ (blob content). */
  readonly dataDir: string;
  readonly clock?: Clock | undefined;
  /** SQLite durability; see openDatabase. */
  readonly synchronous?: SynchronousMode | undefined;
  /** Per-queue settings; unlisted queues get maxReceiveCount 5 and a 30 s visibility timeout. */
  readonly queues?: Record<string, EmbeddedQueueConfig> | undefined;
  /**
   * Checkpoints of the write-ahead log in a background thread (checkpointer.ts) instead of in the
   * commit that takes the log past 1,000 pages: one every `intervalMs` (0: only when `checkpoint()`
   * is called). The local runtime sets it; without it (commands, tests) SQLite's default holds.
   */
  readonly backgroundCheckpoints?:
    | { readonly intervalMs: number; readonly onError?: ((error: Error) => void) | undefined }
    | undefined;
}

export type EmbeddedPlatform = Platform & {
  readonly records: SqliteRecordStore;
  readonly blobs: FileBlobStore;
  readonly queues: SqliteQueue;
  /**
   * With `backgroundCheckpoints`: one PASSIVE checkpoint now, in the background thread; without,
   * undefined (SQLite checkpoints in commits).
   */
  checkpoint(): Promise<CheckpointResult> | undefined;
  /** Closes the database. Safe to call twice. */
  close(): void;
};

export const DATABASE_FILE = "gazette.sqlite";
export const BLOB_DIR = "blobs";

/** The local platform: everything under one directory, surviving restarts. */
export function createEmbeddedPlatform(options: EmbeddedPlatformOptions): EmbeddedPlatform {
  const clock = options.clock ?? systemClock;
  fs.mkdirSync(options.dataDir, { recursive: true });
  const db = openDatabase(path.join(options.dataDir, DATABASE_FILE), options.synchronous);
  try {
    const records = new SqliteRecordStore(db, clock);
    const blobs = new FileBlobStore(db, path.join(options.dataDir, BLOB_DIR), {
      writeOncePrefixes: WRITE_ONCE_PREFIXES,
    });
    const queues = new SqliteQueue(db, clock, options.queues ?? {});
    records.purgeExpired();
    const synchronous = options.synchronous ?? "ack";
    const wal = new WalFlusher(`${path.join(options.dataDir, DATABASE_FILE)}-wal`);
    let checkpointer: BackgroundCheckpointer | undefined;
    if (options.backgroundCheckpoints) {
      db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
      checkpointer = new BackgroundCheckpointer(
        path.join(options.dataDir, DATABASE_FILE),
        options.backgroundCheckpoints,
      );
    }
    return {
      records,
      blobs,
      queues,
      clock,
      flush: synchronous === "ack" ? () => wal.flush() : async () => {},
      checkpoint: () => checkpointer?.checkpoint(),
      close() {
        // The thread's connection first: the writer's is then the last, which checkpoints and removes the log.
        checkpointer?.close();
        wal.close();
        if (db.open) db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

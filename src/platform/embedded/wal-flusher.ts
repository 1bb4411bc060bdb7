import * as fs from "node:fs";

/** Flushes one file's data to disk. */
export type SyncFile = () => Promise<void>;

/**
 * Group commit for the embedded store: fdatasyncs SQLite's write-ahead log so every commit made
 * before the call is on disk. Concurrent callers share one sync; a caller that arrives while a
 * sync is running waits for the next one, since its commit may postdate the running one.
 * (A sync on any descriptor of a file flushes that file's data; SQLite itself syncs the WAL before
 * each checkpoint, so checkpointed frames are durable too.)
 */
export class WalFlusher {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  private fd: number | undefined;
  private readonly syncFile: SyncFile;

  constructor(
    private readonly walPath: string,
    syncFile?: SyncFile,
  ) {
    this.syncFile = syncFile ?? (() => this.syncWal());
  }

  flush(): Promise<void> {
    if (!this.running) {
      this.running = this.syncFile().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.next ??= this.running.then(
      () => this.startNext(),
      () => this.startNext(),
    );
    return this.next;
  }

  /** Releases the descriptor; call when the database closes. */
  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private startNext(): Promise<void> {
    this.next = undefined;
    return this.flush();
  }

  private async syncWal(): Promise<void> {
    if (this.fd === undefined) {
      try {
        // Kept open: SQLite only removes the WAL when its last connection closes, and so do we.
        this.fd = fs.openSync(this.walPath, "r+");
      } catch (error) {
        // No WAL yet means nothing has been written.
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
        throw error;
      }
    }
    const fd = this.fd;
    await new Promise<void>((resolve, reject) =>
      fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())),
    );
  }
}

import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** What one checkpoint did (SQLite's `wal_checkpoint` result), and how long it took in its thread. */
export interface CheckpointResult {
  /** The checkpoint could not finish: a reader still needs frames of the log. */
  readonly busy: boolean;
  /** Frames in the write-ahead log. */
  readonly logFrames: number;
  /** Frames of it now copied into the database (all of them when it finished). */
  readonly checkpointed: number;
  readonly ms: number;
}

/**
 * The write-ahead log's automatic checkpoint when background checkpoints run: a backstop only. If
 * the background thread stops (or a long reader keeps its checkpoints from finishing), a commit
 * checkpoints again once the log reaches this many pages (40 MiB), as SQLite does at 1,000.
 */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000;

/** Index of the worker's "closed" flag in the shared array (set and notified when its connection is closed). */
const CLOSED = 0;

/**
 * The worker's code (CommonJS, evaluated): its own connection to the database, which runs a
 * PASSIVE checkpoint when asked. PASSIVE takes no lock that writers or readers wait for: it copies
 * the frames no reader still needs and leaves the rest for the next time. synchronous=NORMAL makes
 * SQLite sync the log before copying and the database after, so a crash at any point leaves a
 * database SQLite recovers from the log as usual (the frames stay in the log until the next write
 * after a finished checkpoint restarts it).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const flags = new Int32Array(workerData.flags);
const db = new Database(workerData.file);
db.pragma("synchronous = NORMAL");
parentPort.on("message", (message) => {
  if (message.type === "checkpoint") {
    try {
      const t0 = performance.now();
      const [r] = db.pragma("wal_checkpoint(PASSIVE)");
      parentPort.postMessage({ id: message.id, result: { busy: r.busy === 1, logFrames: r.log, checkpointed: r.checkpointed, ms: performance.now() - t0 } });
    } catch (error) {
      parentPort.postMessage({ id: message.id, error: String(error && error.message || error) });
    }
  } else if (message.type === "close") {
    db.close();
    Atomics.store(flags, ${CLOSED}, 1);
    Atomics.notify(flags, ${CLOSED});
    parentPort.close();
  }
});
`;

/**
 * Checkpoints of the embedded database's write-ahead log, in a worker thread with its own
 * connection, so that copying the log into the database (and its syncs) is neither in a commit nor
 * on the event loop: with SQLite's default, the commit that takes the log past 1,000 pages does it,
 * whichever request or tick that is (issue 15: at 10^6 notices a repost tick's ~500 pages made it
 * every second tick, ~15–40 ms each). The connection that writes keeps an automatic checkpoint only
 * as a backstop (BACKSTOP_AUTOCHECKPOINT_PAGES).
 */
export class BackgroundCheckpointer {
  readonly #worker: Worker;
  readonly #flags = new Int32Array(new SharedArrayBuffer(4));
  readonly #pending = new Map<
    number,
    { resolve: (r: CheckpointResult) => void; reject: (e: Error) => void }
  >();
  #nextId = 0;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<CheckpointResult> | undefined;
  #closed = false;
  #exited = false;

  /**
   * `intervalMs`: a checkpoint every so often (none while one runs); 0 runs them only when asked
   * (`checkpoint()`). `onError` hears about a checkpoint that failed (the backstop still holds).
   */
  constructor(file: string, options: { intervalMs: number; onError?: ((error: Error) => void) | undefined }) {
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file,
        driver: createRequire(import.meta.url).resolve("better-sqlite3"),
        flags: this.#flags.buffer,
      },
    });
    this.#worker.unref();
    this.#worker.on("message", (message: { id: number; result?: CheckpointResult; error?: string }) => {
      const waiter = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(`checkpoint failed: ${message.error}`));
      else if (message.result) waiter?.resolve(message.result);
    });
    const failAll = (error: Error) => {
      for (const waiter of this.#pending.values()) waiter.reject(error);
      this.#pending.clear();
    };
    this.#worker.on("error", (error) => {
      failAll(error);
      options.onError?.(error);
    });
    this.#worker.on("exit", () => {
      this.#exited = true;
      failAll(new Error("checkpoint thread stopped"));
    });
    if (options.intervalMs > 0) {
      this.#timer = setInterval(() => {
        if (this.#running) return;
        this.checkpoint().catch((error: Error) => options.onError?.(error));
      }, options.intervalMs);
      this.#timer.unref();
    }
  }

  /** One PASSIVE checkpoint now (or the one running), in the worker. */
  checkpoint(): Promise<CheckpointResult> {
    if (this.#closed) return Promise.reject(new Error("checkpoint thread closed"));
    // A thread that failed is not restarted: the writer's backstop checkpoints from then on.
    if (this.#exited) return Promise.reject(new Error("checkpoint thread stopped"));
    this.#running ??= new Promise<CheckpointResult>((resolve, reject) => {
      const id = this.#nextId++;
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ type: "checkpoint", id });
    }).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /**
   * Stops the timer and closes the worker's connection before returning (waiting at most
   * `timeoutMs` for a checkpoint under way to end), so that the writer's connection, closed next,
   * is the last one and SQLite checkpoints and removes the log as usual.
   */
  close(timeoutMs = 5000): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    if (!this.#exited) {
      this.#worker.postMessage({ type: "close" });
      Atomics.wait(this.#flags, CLOSED, 0, timeoutMs);
    }
    void this.#worker.terminate();
  }
}

import type { Platform } from "../../src/platform/ports.js";

/** The error an injected crash throws (a process killed at that point would leave the same store). */
export class InjectedCrash extends Error {}

export interface FaultyPlatform extends Platform {
  /** From now, the first `writes` writes succeed and every later one fails as a crash would. */
  arm(writes: number): void;
  disarm(): void;
  /** Whether a write has been refused since the last arm. */
  crashed(): boolean;
}

/**
 * A view of a platform whose writes (record put/delete, blob put/delete, queue send) can be made to
 * fail from the Nth on: what a kill -9 at that point leaves in the store, since the writes before
 * it are done and none after it. Reads always work (the restarted process reads the same store).
 */
export function faultyPlatform(platform: Platform): FaultyPlatform {
  let limit = Number.POSITIVE_INFINITY;
  let count = 0;
  let crashed = false;
  const write =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (count >= limit) {
        crashed = true;
        throw new InjectedCrash(`injected crash before write ${count + 1}`);
      }
      count += 1;
      return fn(...args);
    };
  const { records, blobs, queues } = platform;
  return {
    clock: platform.clock,
    flush: () => platform.flush(),
    arm(writes) {
      limit = writes;
      count = 0;
      crashed = false;
    },
    disarm() {
      limit = Number.POSITIVE_INFINITY;
    },
    crashed: () => crashed,
    records: {
      get: (key) => records.get(key),
      query: (partition, options) => records.query(partition, options),
      put: write((record, condition) => records.put(record, condition)),
      delete: write((key, condition) => records.delete(key, condition)),
      transact: write((writes) => records.transact(writes)),
    } as Platform["records"],
    blobs: {
      get: (key) => blobs.get(key),
      head: (key) => blobs.head(key),
      list: (prefix) => blobs.list(prefix),
      put: write((key: string, bytes: Uint8Array, o: Parameters<Platform["blobs"]["put"]>[2]) =>
        blobs.put(key, bytes, o),
      ),
      delete: write((key: string) => blobs.delete(key)),
    },
    queues: {
      send: write((queue: string, messages: Parameters<Platform["queues"]["send"]>[1]) =>
        queues.send(queue, messages),
      ),
      receive: (q, o) => queues.receive(q, o),
      delete: (q, h) => queues.delete(q, h),
      changeVisibility: (q, h, s) => queues.changeVisibility(q, h, s),
      depth: (q) => queues.depth(q),
      deadLetterQueueOf: (q) => queues.deadLetterQueueOf(q),
    },
  };
}

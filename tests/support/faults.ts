import { StorageUnavailableError } from "../../src/platform/errors.js";
import type { Platform, TransactionWrite } from "../../src/platform/ports.js";

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

/**
 * Until the returned restore is called, each write of a record whose partition key starts with
 * `prefix` (a put, or a transaction that puts one) fails as an unavailable table would ("before":
 * nothing written) or as a timed-out write would ("after": written, then an error answered).
 */
export function failRecordPuts(
  records: Platform["records"],
  prefix: string,
  when: "before" | "after" = "before",
): () => void {
  const { put, transact, transactEach } = records;
  const fail = () => {
    throw new StorageUnavailableError(when === "before" ? "the table is unavailable" : "the write timed out");
  };
  const touches = (writes: readonly TransactionWrite[]) =>
    writes.some((w) => "put" in w && w.put.pk.startsWith(prefix));
  records.put = (async (record, condition) => {
    if (!record.pk.startsWith(prefix)) return put.call(records, record, condition);
    if (when === "after") await put.call(records, record, condition);
    return fail();
  }) as typeof records.put;
  records.transact = async (writes) => {
    if (!touches(writes)) return transact.call(records, writes);
    if (when === "after") await transact.call(records, writes);
    return fail();
  };
  records.transactEach = async (transactions) => {
    if (!transactions.some(touches)) return transactEach.call(records, transactions);
    if (when === "after") await transactEach.call(records, transactions);
    return fail();
  };
  return () => {
    Object.assign(records, { put, transact, transactEach });
  };
}

/** Until the returned restore is called, the queue port refuses every message sent to `queue`. */
export function refuseQueue(queues: Platform["queues"], queue: string): () => void {
  const send = queues.send.bind(queues);
  queues.send = (async (name, messages) => {
    if (name === queue) throw new StorageUnavailableError("the queue is unavailable");
    return send(name, messages);
  }) as typeof queues.send;
  return () => {
    queues.send = send;
  };
}

/** Until the returned restore is called, every blob delete fails as an unavailable bucket would. */
export function failBlobDeletes(blobs: Platform["blobs"]): () => void {
  const del = blobs.delete.bind(blobs);
  blobs.delete = async () => {
    throw new StorageUnavailableError("the bucket is unavailable");
  };
  return () => {
    blobs.delete = del;
  };
}

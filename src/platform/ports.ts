/**
 * Storage ports. The domain core talks only to these interfaces; each has an embedded adapter
 * (SQLite / files, the local default) and an AWS adapter (DynamoDB / S3 / SQS). Both sets pass
 * the same contract suite in tests/contract.
 *
 * Most multi-record operations are built from idempotent, compensable steps in the domain
 * services over single-item conditional writes. `RecordStore.transact` (a SQLite transaction;
 * DynamoDB TransactWriteItems) is kept for what must change together: a repost notice and the
 * counters the compliance report reads.
 */

import type { BusinessMetrics } from "./metrics.js";

/** A record is addressed by partition key + sort key, as in DynamoDB. */
export interface RecordKey {
  readonly pk: string;
  readonly sk: string;
}

/** The sparse indexes: a record is in one only while it carries both of its keys. */
export const SPARSE_INDEXES = ["gsi2", "gsi3"] as const;

/**
 * Secondary indexes. "gsi1" for listings: records sharing gsi1pk, ordered by gsi1sk. "gsi2", sparse:
 * only records that carry gsi2pk/gsi2sk are in it (what waits: repost notices by due time for the
 * tick, accepted documents for the console), so a record leaves it by being written without them.
 * "gsi3", sparse as gsi2: the repost notices that are overdue, by document (the report's list).
 */
export interface RecordIndexKeys {
  readonly gsi1pk: string;
  readonly gsi1sk: string;
  readonly gsi2pk?: string | undefined;
  readonly gsi2sk?: string | undefined;
  readonly gsi3pk?: string | undefined;
  readonly gsi3sk?: string | undefined;
}

/**
 * A record's index keys as a store reads them back: gsi1's, and each sparse index's when `read`
 * (a column or attribute by name) finds both of its keys.
 */
export function withSparseKeys(
  gsi1: { readonly gsi1pk: string; readonly gsi1sk: string },
  read: (name: `${(typeof SPARSE_INDEXES)[number]}${"pk" | "sk"}`) => string | null | undefined,
): RecordIndexKeys {
  const keys: { -readonly [K in keyof RecordIndexKeys]: RecordIndexKeys[K] } = { ...gsi1 };
  for (const name of SPARSE_INDEXES) {
    const pk = read(`${name}pk`);
    const sk = read(`${name}sk`);
    if (pk !== null && pk !== undefined && sk !== null && sk !== undefined) {
      keys[`${name}pk`] = pk;
      keys[`${name}sk`] = sk;
    }
  }
  return keys;
}

/** The key strings of a record's indexes, gsi1's then each sparse index's (absent: undefined). */
export function indexKeyStrings(index: RecordIndexKeys): (string | undefined)[] {
  const keys: (string | undefined)[] = [index.gsi1pk, index.gsi1sk];
  for (const name of SPARSE_INDEXES) keys.push(index[`${name}pk`], index[`${name}sk`]);
  return keys;
}

/** Whether two records file under the same index keys (both without index keys: the same). */
export function sameIndexKeys(a: RecordIndexKeys | undefined, b: RecordIndexKeys | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const x = indexKeyStrings(a);
  const y = indexKeyStrings(b);
  return x.every((k, i) => k === y[i]);
}

export interface StoredRecord<T = unknown> extends RecordKey {
  readonly data: T;
  /** Optimistic-concurrency version, 1 on first write, incremented by each put. */
  readonly version: number;
  readonly index?: RecordIndexKeys | undefined;
  /**
   * Epoch seconds after which the record counts as absent. Both adapters hide expired records on
   * read (DynamoDB TTL deletes lazily, and its emulator has no TTL at all).
   */
  readonly expiresAt?: number | undefined;
  /** A counter record's counts (`transact`'s `add`); absent on records never counted. */
  readonly counts?: Readonly<Record<string, number>> | undefined;
}

export interface NewRecord<T = unknown> extends RecordKey {
  readonly data: T;
  readonly index?: RecordIndexKeys | undefined;
  readonly expiresAt?: number | undefined;
}

/**
 * Write conditions. `absent` also succeeds when the existing record has expired.
 * `version` requires the current version to equal the given one.
 */
export type WriteCondition =
  | { readonly kind: "absent" }
  | { readonly kind: "version"; readonly version: number };

export interface QueryOptions {
  /** Query the main table by pk, or an index by its partition key (gsi1pk, gsi2pk, gsi3pk). */
  readonly index?: "gsi1" | "gsi2" | "gsi3" | undefined;
  /** Sort-key prefix (sk, or the index's sort key). */
  readonly prefix?: string | undefined;
  /** Only sort keys at or before this one (not with `prefix`). */
  readonly until?: string | undefined;
  readonly limit?: number | undefined;
  /** Opaque cursor from a previous page. */
  readonly cursor?: string | undefined;
  readonly descending?: boolean | undefined;
  /**
   * Records read for their counts: each one's sort key, data and these counts are all the caller
   * uses (main table only). A store may leave out the rest — DynamoDB then returns only those
   * attributes (a report reading 10,000 site counters receives ~25% fewer bytes) — so such a record
   * has `pk` (the partition) but may have no index keys and a `version` of NaN: not one to
   * write back under a condition (a NaN version is refused).
   */
  readonly countsOnly?: readonly string[] | undefined;
}

/**
 * One write of a transaction. `add` increments (or decrements) a counter record's counts, creating
 * it at zero, and sets its data (a label: what the counts are of) to the given value.
 */
export type TransactionWrite =
  | { readonly put: NewRecord; readonly condition?: WriteCondition | undefined }
  | { readonly delete: RecordKey; readonly condition?: WriteCondition | undefined }
  | {
      readonly add: RecordKey & { readonly data: unknown };
      readonly counts: Readonly<Record<string, number>>;
      /** The counter record absent, or at this version (the reposts rebuild's corrections). */
      readonly condition?: WriteCondition | undefined;
    };

/** At most this many writes in one transaction (DynamoDB's TransactWriteItems limit). */
export const MAX_TRANSACTION_WRITES = 100;

/**
 * At most this many writes in one transaction of the embedded store's `transactEach`, where a
 * transaction is a savepoint inside one SQLite transaction, not a request with a size limit.
 */
export const EMBEDDED_TRANSACT_EACH_WRITES = 10_000;

export interface RecordPage<T = unknown> {
  readonly items: StoredRecord<T>[];
  /** Present when more items may follow. */
  readonly cursor?: string | undefined;
}

export interface RecordStore {
  get<T = unknown>(key: RecordKey): Promise<StoredRecord<T> | undefined>;
  /** Writes the record and returns it with its new version. Throws ConditionFailedError. */
  put<T = unknown>(record: NewRecord<T>, condition?: WriteCondition): Promise<StoredRecord<T>>;
  /** Deletes the record (no error when absent unless a condition is given). Throws ConditionFailedError. */
  delete(key: RecordKey, condition?: WriteCondition): Promise<void>;
  /** Items whose pk (or gsi1pk) equals `partition`, ordered by sort key. Expired records are skipped. */
  query<T = unknown>(partition: string, options?: QueryOptions): Promise<RecordPage<T>>;
  /**
   * All the writes or none, each under its condition (ConditionFailedError when one fails, or
   * when another transaction touched the same records meanwhile). At most one write per record.
   */
  transact(writes: readonly TransactionWrite[]): Promise<void>;
  /**
   * Several transactions, each as `transact` (all its writes or none, under its conditions), in
   * order where they share records; returns for each whether it committed (false: a condition
   * failed or another writer touched its records, and nothing of it was written). The embedded
   * store runs them in one SQLite transaction (one savepoint each; counter adds without a
   * condition summed per counter and written at the end); DynamoDB as one TransactWriteItems
   * each, those without a record in common at once. On another error some may have committed,
   * each whole.
   */
  transactEach(transactions: readonly (readonly TransactionWrite[])[]): Promise<boolean[]>;
  /**
   * The most writes one transaction of `transactEach` may hold on this store: MAX_TRANSACTION_WRITES
   * on DynamoDB, EMBEDDED_TRANSACT_EACH_WRITES on SQLite (`transact` takes MAX_TRANSACTION_WRITES on
   * both). Callers that fill transactions up (updateNotices) fill them to this.
   */
  readonly transactEachLimit: number;
}

export interface BlobMetadata {
  readonly contentType: string;
  readonly size: number;
  /** Hex SHA-256 of the content. */
  readonly sha256: string;
}

export interface Blob extends BlobMetadata {
  readonly bytes: Uint8Array;
}

export interface BlobPutOptions {
  readonly contentType: string;
  /** Refuse to overwrite an existing blob (If-None-Match: *). Throws ConditionFailedError. */
  readonly ifAbsent?: boolean | undefined;
  /** Cache-Control for blobs served to the public (S3/CloudFront). */
  readonly cacheControl?: string | undefined;
}

export interface BlobStore {
  /** Writes atomically: readers see the old content or the new, never a partial file. */
  put(key: string, bytes: Uint8Array, options: BlobPutOptions): Promise<BlobMetadata>;
  get(key: string): Promise<Blob | undefined>;
  head(key: string): Promise<BlobMetadata | undefined>;
  delete(key: string): Promise<void>;
  /** Keys under a prefix, in lexical order. */
  list(prefix: string): Promise<string[]>;
}

export interface OutgoingMessage {
  readonly body: string;
  /** Deliver no earlier than this many seconds from now (SQS caps it at 900). */
  readonly delaySeconds?: number | undefined;
}

export interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  /** How many times this message has been received, including this time. */
  readonly receiveCount: number;
  /** Epoch milliseconds when it was first sent. */
  readonly sentAt: number;
}

export interface ReceiveOptions {
  /** 1–10; default 1, as in SQS. */
  readonly maxMessages?: number | undefined;
  readonly visibilityTimeoutSeconds?: number | undefined;
  /** Long-poll up to this many seconds when the queue is empty. */
  readonly waitSeconds?: number | undefined;
}

/**
 * A queue with at-least-once delivery, a visibility timeout and a dead-letter queue: a message
 * received `maxReceiveCount` times without being deleted moves to the queue's DLQ.
 * Queue names are logical ("events"); the adapter maps them to SQS URLs or SQLite rows.
 */
export interface QueuePort {
  send(queue: string, messages: readonly OutgoingMessage[]): Promise<string[]>;
  receive(queue: string, options?: ReceiveOptions): Promise<ReceivedMessage[]>;
  /**
   * Acknowledge: the message is done and never redelivered. A stale handle (the message was
   * received again since) is silently ignored and the message stays, as in SQS.
   */
  delete(queue: string, receiptHandle: string): Promise<void>;
  /**
   * Retry later: the message becomes visible again after `seconds` (backoff). Throws
   * ConditionFailedError when the message is no longer in flight under this handle.
   */
  changeVisibility(queue: string, receiptHandle: string, seconds: number): Promise<void>;
  /** Messages visible now, in flight or delayed (approximate on SQS). */
  depth(queue: string): Promise<number>;
  /** Logical name of the queue's dead-letter queue. */
  deadLetterQueueOf(queue: string): string;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Everything a service needs from the platform. */
export interface Platform {
  readonly records: RecordStore;
  readonly blobs: BlobStore;
  readonly queues: QueuePort;
  readonly clock: Clock;
  /**
   * Makes every write so far durable; called before a request is acknowledged. A no-op where each
   * write is durable on its own (DynamoDB, S3, SQS); the embedded store syncs its log once for all
   * writes since the last flush.
   */
  flush(): Promise<void>;
  /** Business metrics (platform/metrics.ts); left out, nothing is counted. */
  readonly metrics?: BusinessMetrics | undefined;
}

/**
 * The outbox: messages that must not be lost (document.accepted feeds the audit trail; an archive
 * job's unit messages are what runs it). The ports have no transactions spanning a record and a
 * queue, so the messages are written as an outbox record *before* the record they announce is
 * committed, sent after the commit, and the entry deleted once sent.
 *
 *   pk OUTBOX#<shard>   sk <createdAt>#<id>   { queue, body | messages, requires: {pk, sk}, createdAt }
 *
 * Sharded by a hash of the id (sharded.ts): with one partition, every entry of every request would
 * be written to, and deleted from, the end of one DynamoDB partition. Entries left in the one
 * partition of old ("OUTBOX") are relayed from there too, which drains it.
 *
 * A record with many messages or blobs (an archive job of 1,000 pages) gets one entry per
 * OUTBOX_ENTRY_UNITS of them, so no entry nears DynamoDB's 400 KB item limit.
 *
 * `requires` is the commit point: the event goes out only if that record exists. The relay (the
 * tick, every minute locally and on the EventBridge schedule in AWS, and at start) sends what a
 * failed send or a crash left behind, and drops entries whose record was never committed (with the
 * blobs their request staged for it). Before sending, the relay finishes the promotion of the
 * record's staged blobs (blob-policy.ts): each is written once under its final key and its staged
 * copy deleted, so a committed record never depends on staging for long. Sending
 * is at least once (a crash between sending and deleting sends again): consumers are idempotent.
 */
import { randomUUID } from "node:crypto";
import { WriteOnceViolationError } from "./blob-policy.js";
import { ConditionFailedError } from "./errors.js";
import type { BlobStore, Platform, RecordKey, RecordStore, StoredRecord, TransactionWrite } from "./ports.js";
import { mergedItems, mergedPages, shardOf, shardPartitions } from "./sharded.js";

/** The outbox's one partition before it was sharded: read by the relay until drained. */
export const LEGACY_OUTBOX_PARTITION = "OUTBOX";
/** Every partition the relay reads: the shards, then the legacy partition. */
export const OUTBOX_PARTITIONS = [...shardPartitions("OUTBOX"), LEGACY_OUTBOX_PARTITION];

function outboxKey(createdAt: string): RecordKey {
  const id = randomUUID();
  return { pk: `OUTBOX#${shardOf(id)}`, sk: `${createdAt}#${id}` };
}

/** Every entry in the outbox, oldest first (for tests and tools; the relay pages through them). */
export async function listOutbox<T = OutboxEntry>(records: RecordStore): Promise<StoredRecord<T>[]> {
  const entries: StoredRecord<T>[] = [];
  for await (const item of mergedItems<T>(records, OUTBOX_PARTITIONS)) entries.push(item);
  return entries;
}

export interface OutboxEntry {
  /** Where to send `body` and `messages` once `requires` is committed. */
  readonly queue?: string | undefined;
  /** The event to send; an entry without `body` or `messages` only promotes blobs. */
  readonly body?: string | undefined;
  /** Message bodies sent with it, in one send (at least once: their consumers are idempotent). */
  readonly messages?: readonly string[] | undefined;
  /** The record whose commit the event announces. */
  readonly requires: RecordKey;
  /**
   * Blobs the request writes for that record alone: if the record is never committed (the request
   * crashed), the relay deletes them with the entry, so nothing is left half-stored.
   */
  readonly orphans?: readonly string[] | undefined;
  /**
   * Staged blobs to move to their final, write-once key once the record is committed (the record
   * already names the final key; readers fall back to the staged copy until it is there).
   */
  readonly promote?: readonly StagedBlob[] | undefined;
  readonly createdAt: string;
}

export interface StagedBlob {
  readonly staged: string;
  readonly final: string;
  readonly contentType: string;
}

/**
 * Writes each staged blob once under its final key and deletes the staged copy. Idempotent: a
 * final key already written (by an earlier, interrupted promotion, or — for content-addressed
 * keys — by another request) counts as done, and a staged copy already gone means it was.
 */
export async function promoteStaged(blobs: BlobStore, staged: readonly StagedBlob[]): Promise<void> {
  for (const item of staged) {
    const blob = await blobs.get(item.staged);
    if (!blob) continue;
    try {
      await blobs.put(item.final, blob.bytes, { contentType: item.contentType, ifAbsent: true });
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
    await blobs.delete(item.staged);
  }
}

/** An entry younger than this is its request's to send (it may still be running). */
export const OUTBOX_RELAY_AFTER_SECONDS = 60;
/** An entry whose record is still missing after this long belongs to a request that failed. */
export const OUTBOX_ABANDON_AFTER_SECONDS = 3600;

/**
 * An outbox entry as a write of a transaction, for messages that go with the records it commits
 * (`requires` is one of them): the entry is there exactly when they are.
 */
export function outboxEntryWrite(
  entry: Omit<OutboxEntry, "createdAt">,
  now: Date,
): { key: RecordKey; write: TransactionWrite } {
  const createdAt = now.toISOString();
  const key = outboxKey(createdAt);
  return { key, write: { put: { ...key, data: { ...entry, createdAt } }, condition: { kind: "absent" } } };
}

/** Notes the event to send once `requires` is committed; returns the entry's key. */
export async function addToOutbox(
  records: RecordStore,
  entry: Omit<OutboxEntry, "createdAt">,
  now: Date,
): Promise<RecordKey> {
  const createdAt = now.toISOString();
  const key = outboxKey(createdAt);
  await records.put<OutboxEntry>({ ...key, data: { ...entry, createdAt } }, { kind: "absent" });
  return key;
}

/**
 * Completes an entry after its record's commit: promotes its staged blobs, sends its event and
 * deletes the entry. A failure leaves the entry for the relay.
 */
export async function sendFromOutbox(
  platform: Pick<Platform, "records" | "queues" | "blobs">,
  key: RecordKey,
  entry: Partial<Pick<OutboxEntry, "queue" | "body" | "messages" | "promote">>,
): Promise<void> {
  if (entry.promote?.length) await promoteStaged(platform.blobs, entry.promote);
  const bodies = [...(entry.body === undefined ? [] : [entry.body]), ...(entry.messages ?? [])];
  if (entry.queue && bodies.length > 0)
    await platform.queues.send(
      entry.queue,
      bodies.map((body) => ({ body })),
    );
  await platform.records.delete(key);
}

/** An entry noted by commitWithStaged: its key and what it sends and promotes. */
export interface OutboxNote {
  readonly key: RecordKey;
  readonly entry: Pick<OutboxEntry, "queue" | "body" | "messages" | "promote">;
}

/**
 * Completes the entries of a committed record, in order (promotions, then sends, then the entry's
 * deletion). Throws at the first failure: what is left, the relay finishes.
 */
export async function completeFromOutbox(
  platform: Pick<Platform, "records" | "queues" | "blobs">,
  notes: readonly OutboxNote[],
): Promise<void> {
  for (const note of notes) await sendFromOutbox(platform, note.key, note.entry);
}

/** At most this many messages and this many blobs per entry (each well under 1 KB). */
export const OUTBOX_ENTRY_UNITS = 100;

/** A blob to stage: where it goes and its bytes. */
export interface StagedUpload extends StagedBlob {
  readonly bytes: Uint8Array;
}

/**
 * Stages blobs for a record and commits it, so that a failure leaves nothing behind and nothing it
 * must send is lost: notes the entries in the outbox (the messages, and the blobs as orphans and
 * promotions, OUTBOX_ENTRY_UNITS of each per entry), writes each blob under its staged key, then
 * runs `commit` (the record that owns them). On any failure the staged blobs written are deleted
 * and, when all of them are gone, the entries too (otherwise their relay deletes them once the
 * record is known never to have been written); the error is rethrown. Returns the entries, for
 * `completeFromOutbox` after the commit.
 */
export async function commitWithStaged(
  platform: Pick<Platform, "records" | "blobs">,
  entry: Omit<OutboxEntry, "createdAt" | "orphans" | "promote">,
  uploads: readonly StagedUpload[],
  commit: () => Promise<unknown>,
  now: Date,
): Promise<OutboxNote[]> {
  const written: string[] = [];
  const notes: OutboxNote[] = [];
  let committing = false;
  try {
    const promote = uploads.map(({ staged, final, contentType }) => ({ staged, final, contentType }));
    const messages = entry.messages ?? [];
    const count = Math.max(
      1,
      Math.ceil(messages.length / OUTBOX_ENTRY_UNITS),
      Math.ceil(promote.length / OUTBOX_ENTRY_UNITS),
    );
    for (let i = 0; i < count; i++) {
      const range = [i * OUTBOX_ENTRY_UNITS, (i + 1) * OUTBOX_ENTRY_UNITS] as const;
      const part = promote.slice(...range);
      const note: OutboxNote["entry"] = {
        queue: entry.queue,
        // The event goes with the first entry; the messages and blobs are shared out.
        ...(i === 0 && entry.body !== undefined ? { body: entry.body } : {}),
        ...(entry.messages ? { messages: messages.slice(...range) } : {}),
        promote: part,
      };
      const key = await addToOutbox(
        platform.records,
        { ...note, requires: entry.requires, orphans: part.map((s) => s.staged) },
        now,
      );
      notes.push({ key, entry: note });
    }
    for (const item of uploads) {
      await platform.blobs.put(item.staged, item.bytes, { contentType: item.contentType, ifAbsent: true });
      written.push(item.staged);
    }
    committing = true;
    await commit();
    return notes;
  } catch (error) {
    if (committing) {
      // A commit that failed may still have been written (a timeout after the write, a retried
      // conditional put refused by its own first attempt): then the record stands, with its
      // entries to complete. When that cannot be known, everything stays for the relay to decide.
      const stands = await platform.records.get(entry.requires).then(
        (record) => record !== undefined,
        () => undefined,
      );
      if (stands === true) return notes;
      if (stands === undefined) throw error;
    }
    const left = await Promise.all(
      written.map((key) =>
        platform.blobs.delete(key).then(
          () => true,
          () => false,
        ),
      ),
    );
    if (left.every(Boolean))
      for (const note of notes) await platform.records.delete(note.key).catch(() => undefined);
    throw error;
  }
}

export interface OutboxRelayResult {
  readonly sent: number;
  readonly dropped: number;
  /** Entries whose promotion, send or cleanup failed this time; the next pass tries again. */
  readonly failed: number;
}

/** One pass over the outbox: sends what is committed and left unsent, drops what never was. */
export async function relayOutbox(
  platform: Pick<Platform, "records" | "queues" | "clock" | "blobs">,
  options: { readonly relayAfterSeconds?: number; readonly abandonAfterSeconds?: number } = {},
): Promise<OutboxRelayResult> {
  const now = platform.clock.now().getTime();
  const relayAfter = (options.relayAfterSeconds ?? OUTBOX_RELAY_AFTER_SECONDS) * 1000;
  const abandonAfter = (options.abandonAfterSeconds ?? OUTBOX_ABANDON_AFTER_SECONDS) * 1000;
  let sent = 0;
  let dropped = 0;
  let failed = 0;
  for await (const page of mergedPages<OutboxEntry>(platform.records, OUTBOX_PARTITIONS)) {
    for (const { pk, sk, data } of page) {
      const age = now - Date.parse(data.createdAt);
      if (!(age >= relayAfter)) continue;
      try {
        if (await platform.records.get(data.requires)) {
          await sendFromOutbox(platform, { pk, sk }, data);
          sent += 1;
        } else if (age >= abandonAfter) {
          for (const key of data.orphans ?? []) await deleteOrphan(platform.blobs, key);
          await platform.records.delete({ pk, sk });
          dropped += 1;
        }
      } catch {
        failed += 1;
      }
    }
  }
  return { sent, dropped, failed };
}

/**
 * Deletes a blob a failed request left. Entries written before staging existed name blobs under a
 * write-once prefix, which no one may delete: those stay (and the entry goes).
 */
async function deleteOrphan(blobs: BlobStore, key: string): Promise<void> {
  try {
    await blobs.delete(key);
  } catch (error) {
    if (!(error instanceof WriteOnceViolationError)) throw error;
  }
}

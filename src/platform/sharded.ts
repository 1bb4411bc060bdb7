/**
 * Sharded partitions: a kind of record whose items would all share one partition key with an
 * ever-increasing sort key (a ULID, a timestamp) — every write of the kind landing on one DynamoDB
 * partition, and on its end — is spread over SHARDS partitions `<kind>#<shard>`, the shard taken
 * from a hash of the item's id, so a key lookup still names one partition. A listing reads the
 * shards' sorted pages side by side and merges them (scatter-gather), so it comes out in the one
 * sort-key order a single partition gave.
 */
import { createHash } from "node:crypto";
import type { RecordStore, StoredRecord } from "./ports.js";

/** Shards of each sharded kind. */
export const SHARDS = 8;

/** The shard (0 … shards − 1) of an item id. */
export function shardOf(id: string, shards = SHARDS): number {
  return createHash("sha256").update(id).digest().readUInt32BE(0) % shards;
}

/** `<kind>#<shard>` for each shard. */
export function shardPartitions(kind: string, shards = SHARDS): string[] {
  return Array.from({ length: shards }, (_, shard) => `${kind}#${shard}`);
}

/**
 * Every item of the partitions (main table), in sort-key order across all of them (ties: by
 * partition), read `pageSize` at a time from each. Memory: one page per partition.
 */
export async function* mergedItems<T>(
  records: RecordStore,
  partitions: readonly string[],
  pageSize = 100,
): AsyncGenerator<StoredRecord<T>> {
  interface Source {
    readonly partition: string;
    items: StoredRecord<T>[];
    cursor: string | undefined;
    done: boolean;
  }
  const refill = async (source: Source) => {
    while (source.items.length === 0 && !source.done) {
      const page = await records.query<T>(source.partition, { cursor: source.cursor, limit: pageSize });
      source.items = page.items;
      source.cursor = page.cursor;
      source.done = page.cursor === undefined;
    }
  };
  const sources: Source[] = partitions.map((partition) => ({
    partition,
    items: [],
    cursor: undefined,
    done: false,
  }));
  await Promise.all(sources.map(refill));
  for (;;) {
    let next: Source | undefined;
    for (const source of sources) {
      const head = source.items[0];
      if (head && (!next || head.sk < next.items[0]!.sk)) next = source;
    }
    if (!next) return;
    yield next.items.shift()!;
    if (next.items.length === 0) await refill(next);
  }
}

/** `mergedItems` in pages of up to `pageSize`. */
export async function* mergedPages<T>(
  records: RecordStore,
  partitions: readonly string[],
  pageSize = 100,
): AsyncGenerator<StoredRecord<T>[]> {
  let page: StoredRecord<T>[] = [];
  for await (const item of mergedItems<T>(records, partitions, pageSize)) {
    page.push(item);
    if (page.length === pageSize) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

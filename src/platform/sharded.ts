/**
 * Sharded partitions: a kind of record whose items would all share one partition key with an
 * ever-increasing sort key (a ULID, a timestamp) — every write of the kind landing on one DynamoDB
 * partition, and on its end — is spread over SHARDS partitions `<kind>#<shard>`, the shard taken
 * from a hash of the item's id, so a key lookup still names one partition. A listing reads the
 * shards' sorted pages side by side and merges them (scatter-gather), so it comes out in the one
 * sort-key order a single partition gave.
 */
import { createHash } from "node:crypto";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { InvalidCursorError } from "./errors.js";
import type { RecordPage, RecordStore, StoredRecord } from "./ports.js";

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

/** One partition a sharded listing reads: of the main table (by pk) or of an index. */
export interface ShardSource {
  readonly partition: string;
  readonly index?: "gsi1" | "gsi2" | undefined;
}

/** What a listing across shards may ask: a page of `limit`, in one direction, up to a sort key. */
export interface ShardQueryOptions {
  readonly limit: number;
  readonly cursor?: string | undefined;
  readonly descending?: boolean | undefined;
  /** Only sort keys at or before this one (in sort-key order). */
  readonly until?: string | undefined;
}

const sortKeyOf = (item: StoredRecord, index: ShardSource["index"]): string =>
  index === undefined ? item.sk : ((index === "gsi1" ? item.index?.gsi1sk : item.index?.gsi2sk) ?? item.sk);

/**
 * A store cursor that resumes `source` just past the position (sortKey, pk, sk) of an item of any
 * of the shards: the shards' sort keys are unique across them (each holds the item's id), so every
 * shard resumes exactly after what the merged listing has returned.
 */
function resumeCursor(source: ShardSource, at: { s: string; pk: string; sk: string }): string {
  if (source.index === undefined)
    return encodeCursor({
      index: "main",
      partition: source.partition,
      key: { pk: source.partition, sk: at.s },
    });
  return encodeCursor({
    index: source.index,
    partition: source.partition,
    key: { pk: at.pk, sk: at.sk, [`${source.index}pk`]: source.partition, [`${source.index}sk`]: at.s },
  });
}

/**
 * One page of a listing spread over several partitions (a sharded kind, and the one partition an
 * older release wrote it to), merged in sort-key order as one partition gave it, with a cursor to
 * the next page (platform/cursor.ts, tagged with `kind`: a cursor of another listing is refused).
 * Each shard is asked for its share of the page and more only when the merge has used it up, so a
 * page reads about `limit` + one item per shard.
 */
export async function queryShards<T>(
  records: RecordStore,
  kind: string,
  sources: readonly ShardSource[],
  options: ShardQueryOptions,
): Promise<RecordPage<T>> {
  const { limit, descending = false } = options;
  const at = options.cursor
    ? decodeCursor(options.cursor, { index: "main", partition: `shards:${kind}` }).key
    : undefined;
  if (at && (at.s === undefined || at.pk === undefined || at.sk === undefined))
    throw new InvalidCursorError("malformed query cursor");
  interface Shard {
    readonly source: ShardSource;
    readonly items: StoredRecord<T>[];
    cursor: string | undefined;
    done: boolean;
  }
  const shards: Shard[] = sources.map((source) => ({
    source,
    items: [],
    cursor: at ? resumeCursor(source, at as { s: string; pk: string; sk: string }) : undefined,
    done: false,
  }));
  const refill = async (shard: Shard, n: number) => {
    const page = await records.query<T>(shard.source.partition, {
      index: shard.source.index,
      descending,
      limit: n,
      cursor: shard.cursor,
      until: options.until,
    });
    shard.items.push(...page.items);
    shard.cursor = page.cursor;
    shard.done = page.cursor === undefined;
  };
  const items: StoredRecord<T>[] = [];
  let last: { s: string; pk: string; sk: string } | undefined;
  const share = () => Math.ceil((limit - items.length) / Math.max(1, shards.length)) + 1;
  for (;;) {
    const empty = shards.filter((s) => s.items.length === 0 && !s.done);
    if (empty.length) {
      await Promise.all(empty.map((s) => refill(s, share())));
      continue;
    }
    let next: Shard | undefined;
    let nextKey = "";
    for (const shard of shards) {
      const head = shard.items[0];
      if (!head) continue;
      const key = sortKeyOf(head, shard.source.index);
      if (!next || (descending ? key > nextKey : key < nextKey)) {
        next = shard;
        nextKey = key;
      }
    }
    if (!next) return { items };
    // The same item under its old key and its new one while a migration moves it: listed once.
    if (last && nextKey === last.s) {
      next.items.shift();
      continue;
    }
    if (items.length === limit && last) {
      return { items, cursor: encodeCursor({ index: "main", partition: `shards:${kind}`, key: last }) };
    }
    const item = next.items.shift()!;
    items.push(item);
    last = { s: nextKey, pk: item.pk, sk: item.sk };
  }
}

/**
 * Every item of the partitions, a page at a time, as `queryShards` pages; for work that goes
 * through everything of a kind and may stop and resume from a page's cursor (migrations).
 */
export async function* shardPages<T>(
  records: RecordStore,
  kind: string,
  sources: readonly ShardSource[],
  pageSize = 100,
): AsyncGenerator<StoredRecord<T>[]> {
  let cursor: string | undefined;
  do {
    const page = await queryShards<T>(records, kind, sources, { limit: pageSize, cursor });
    if (page.items.length) yield page.items;
    cursor = page.cursor;
  } while (cursor);
}

/**
 * Two read patterns the modules that read many records share: a whole partition page after page,
 * and a bounded number of reads in flight at once.
 */
import type { RecordStore, StoredRecord } from "./ports.js";

/** Every record of a partition (or of its sort-key prefix), read `pageSize` at a time. */
export async function queryAll<T = unknown>(
  records: Pick<RecordStore, "query">,
  partition: string,
  options: { readonly prefix?: string | undefined; readonly pageSize: number },
): Promise<StoredRecord<T>[]> {
  const items: StoredRecord<T>[] = [];
  let cursor: string | undefined;
  do {
    const page = await records.query<T>(partition, {
      prefix: options.prefix,
      cursor,
      limit: options.pageSize,
    });
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return items;
}

/** `work` over `items`, at most `concurrency` at once; results in the order of `items`. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/**
 * Two read patterns the modules that read many records share: a whole partition page after page,
 * and a bounded number of reads in flight at once.
 */
import type { QueryOptions, RecordPage, RecordStore, StoredRecord } from "./ports.js";

/** Every record of a partition (or of its sort-key prefix), read `pageSize` at a time. */
export async function queryAll<T = unknown>(
  records: Pick<RecordStore, "query">,
  partition: string,
  options: { readonly prefix?: string | undefined; readonly pageSize: number },
): Promise<StoredRecord<T>[]> {
  const items: StoredRecord<T>[] = [];
  await forEachPage<T>(records, partition, options, (page) => {
    for (const item of page) items.push(item);
  });
  return items;
}

/**
 * Every record of a partition (or of its sort-key prefix), `pageSize` at a time, each page handed
 * to `onPage` as it arrives (the next page already asked for): a caller folding pages into a
 * result works while the store is still answering, instead of after the last page.
 */
export async function forEachPage<T = unknown>(
  records: Pick<RecordStore, "query">,
  partition: string,
  options: Pick<QueryOptions, "prefix" | "countsOnly"> & { readonly pageSize: number },
  onPage: (items: readonly StoredRecord<T>[]) => void,
): Promise<void> {
  const { pageSize, ...query } = options;
  const read = (cursor: string | undefined) =>
    records.query<T>(partition, { ...query, cursor, limit: pageSize });
  let next: ReturnType<typeof read> | undefined = read(undefined);
  while (next) {
    const page: RecordPage<T> = await next;
    next = page.cursor ? read(page.cursor) : undefined;
    try {
      onPage(page.items);
    } catch (error) {
      next?.catch(() => {}); // abandoned: its failure is not the caller's
      throw error;
    }
  }
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

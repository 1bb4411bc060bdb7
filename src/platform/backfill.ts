import type { RecordStore } from "./ports.js";

/** One page of an index backfill: what it indexed and where the next page starts (none: done). */
export interface BackfillStep {
  readonly cursor: string | undefined;
  readonly counts: { readonly indexed: number };
}

/**
 * Runs `step` page after page to the end, then writes `meta` (when and how many) so that the next
 * call skips unless `force`d. The migration runner goes step by step with its own record; this is
 * the whole run at once, for tools and tests.
 */
export async function backfillToEnd(
  records: RecordStore,
  meta: { readonly pk: string; readonly sk: string },
  step: (records: RecordStore, cursor: string | undefined) => Promise<BackfillStep>,
  options: { readonly force?: boolean } = {},
): Promise<{ readonly skipped: boolean; readonly indexed: number }> {
  if (!options.force && (await records.get(meta))) return { skipped: true, indexed: 0 };
  let indexed = 0;
  let cursor: string | undefined;
  do {
    const page = await step(records, cursor);
    indexed += page.counts.indexed;
    cursor = page.cursor;
  } while (cursor);
  await records.put({ ...meta, data: { builtAt: new Date().toISOString(), indexed } });
  return { skipped: false, indexed };
}

/**
 * The archive's listing of every item and its review queue move from one partition each
 * (archive#items, gsi1 archive#review) to their shards (src/archive/records.ts): first the item
 * summaries (written under the shard only where nothing is there yet — a correction since the
 * deploy wrote a newer one — then removed from the old partition), then the items waiting for
 * review get their shard's index keys (rewritten under the version read).
 */
import { ALL_ITEMS, allItemsPartition, itemIndexKeys, REVIEW, type StoredItem } from "../archive/records.js";
import { ConditionFailedError } from "../platform/errors.js";
import { type Migration, type MigrationStep, phaseCursor, readPhaseCursor } from "./migration.js";

const ignoreConflict = (error: unknown) => {
  if (!(error instanceof ConditionFailedError)) throw error;
};

export const archiveItemsSharded: Migration = {
  name: "archive-items-sharded",
  version: "1",
  description: "archive: every item and the review queue spread over shards",
  async step({ platform }, cursor): Promise<MigrationStep> {
    const { records } = platform;
    const { phase, cursor: inner } = readPhaseCursor(cursor);
    if (phase === 0) {
      const page = await records.query(ALL_ITEMS, { limit: 100, cursor: inner });
      let moved = 0;
      for (const item of page.items) {
        await records
          .put({ pk: allItemsPartition(item.sk), sk: item.sk, data: item.data }, { kind: "absent" })
          .then(() => {
            moved += 1;
          }, ignoreConflict);
        await records
          .delete({ pk: item.pk, sk: item.sk }, { kind: "version", version: item.version })
          .catch(ignoreConflict);
      }
      return { cursor: phaseCursor(page.cursor ? 0 : 1, page.cursor), counts: { moved } };
    }
    const page = await records.query<StoredItem>(REVIEW, { index: "gsi1", limit: 100, cursor: inner });
    let reindexed = 0;
    for (const item of page.items) {
      await records
        .put(
          {
            pk: item.pk,
            sk: item.sk,
            data: item.data,
            index: itemIndexKeys(item.data),
            expiresAt: item.expiresAt,
          },
          { kind: "version", version: item.version },
        )
        .then(() => {
          reindexed += 1;
        }, ignoreConflict);
    }
    return { cursor: page.cursor ? phaseCursor(1, page.cursor) : undefined, counts: { reindexed } };
  },
};

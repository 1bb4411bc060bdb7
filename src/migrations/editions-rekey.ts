/**
 * Editions move from the one partition every edition shared (pk EDITIONS, sk C#<n>) to their own
 * (pk EDITION#<n>), listed in gsi1 shards (src/editions/records.ts). Each is written under its new
 * key only where nothing is there yet (an edition changed since the deploy was written there by
 * the new release and is newer), then removed from the old partition under the version read.
 */
import type { Edition } from "../editions/model.js";
import { EDITIONS_PARTITION, editionIndexKeys, editionKeys } from "../editions/records.js";
import { ConditionFailedError } from "../platform/errors.js";
import type { Migration } from "./migration.js";

export const editionsRekey: Migration = {
  name: "editions-rekey",
  version: "1",
  description: "editions: own partition each (EDITION#<n>), listed in gsi1 shards EDITIONS#<shard>",
  async step({ platform }, cursor) {
    const { records } = platform;
    const page = await records.query<Edition>(EDITIONS_PARTITION, { prefix: "C#", limit: 50, cursor });
    let moved = 0;
    for (const item of page.items) {
      const cumulative = Number(item.sk.slice(2));
      try {
        await records.put(
          {
            ...editionKeys(cumulative),
            data: item.data,
            index: editionIndexKeys(cumulative),
            expiresAt: item.expiresAt,
          },
          { kind: "absent" },
        );
        moved += 1;
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
      }
      await records
        .delete({ pk: item.pk, sk: item.sk }, { kind: "version", version: item.version })
        .catch((error: unknown) => {
          if (!(error instanceof ConditionFailedError)) throw error;
        });
    }
    return { cursor: page.cursor, counts: { moved } };
  },
};

/**
 * The archive's imported editions move from the one partition every edition shared
 * (archive#editions, sk <year>#<issue>#<job>, written in the back catalogue's order) to one
 * partition per issue (archive#edition#<year>#<issue>, sk <job>; src/archive/records.ts). Each is
 * written under its new key only where nothing is there yet (a job that finished since the deploy
 * wrote it there, newer), then removed from the old partition under the version read.
 */
import type { EditionListing } from "../archive/listings.js";
import { editionKeys, LEGACY_EDITIONS } from "../archive/records.js";
import { ConditionFailedError } from "../platform/errors.js";
import type { Migration } from "./migration.js";

const ignoreConflict = (error: unknown) => {
  if (!(error instanceof ConditionFailedError)) throw error;
};

export const archiveEditionsRekey: Migration = {
  name: "archive-editions-rekey",
  version: "1",
  description: "archive: imported editions under their issue (archive#edition#<year>#<issue>)",
  async step({ platform }, cursor) {
    const { records } = platform;
    const page = await records.query<EditionListing>(LEGACY_EDITIONS, { limit: 100, cursor });
    let moved = 0;
    for (const item of page.items) {
      const { year, issue, jobId } = item.data;
      // Every release wrote an edition only with its year and issue; anything else stays, counted.
      if (!year || !issue || !jobId) continue;
      await records
        .put({ ...editionKeys(year, issue, jobId), data: item.data }, { kind: "absent" })
        .then(() => {
          moved += 1;
        }, ignoreConflict);
      await records
        .delete({ pk: item.pk, sk: item.sk }, { kind: "version", version: item.version })
        .catch(ignoreConflict);
    }
    const skipped = page.items.filter((i) => !i.data.year || !i.data.issue || !i.data.jobId).length;
    return { cursor: page.cursor, counts: { moved, ...(skipped ? { skipped } : {}) } };
  },
};

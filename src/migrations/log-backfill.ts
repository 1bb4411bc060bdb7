/**
 * Editions published before signing existed enter the transparency log, in publication order
 * (src/transparency/backfill.ts). One step: it reads the published editions' listing and appends
 * what the log lacks, idempotently, so a run stopped half-way does it again without duplicates.
 * The log's checkpoint that covers them is signed by whoever signs: locally the server's next
 * checkpoint, in AWS the publisher, asked by the tick while the log has entries no checkpoint
 * covers. Done before by releases that ran it at start (META LOGMETA/BACKFILL); `gazette log
 * backfill` runs it again on demand.
 */
import {
  BACKFILL_VERSION,
  backfillPublicationLog,
  publicationLogBackfilled,
} from "../transparency/backfill.js";
import type { Migration } from "./migration.js";

export const logBackfill: Migration = {
  name: "log-backfill",
  version: String(BACKFILL_VERSION),
  description: "transparency log: editions published before signing existed appended",
  doneBefore: ({ platform }) => publicationLogBackfilled(platform),
  async step({ platform }) {
    const result = await backfillPublicationLog(platform, { force: true });
    return {
      counts: { appended: result.appended.length, alreadyLogged: result.alreadyLogged },
      warnings: result.withoutManifest.length
        ? [`published editions without a manifest were not logged: ${result.withoutManifest.join(", ")}`]
        : [],
    };
  },
};

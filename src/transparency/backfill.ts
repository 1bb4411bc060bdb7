/**
 * Editions published before signing existed: their manifests (the SHA-256 of every file) were
 * served, but never entered the log. The backfill appends each published edition's manifest that
 * the log lacks, in publication order, with the artifact index POST /api/verify reads
 * (publication-log.ts logPublication, idempotent): from then on the log vouches for those files by
 * hash. Their files are write-once and stay unsigned; the entry keeps the original publication
 * time, its place in the log says when the log learnt of it.
 *
 * Safe to run any number of times (an edition already logged keeps its entry); it notes that it
 * ran (`LOG_BACKFILL_MARKER`). It runs once as the migration `log-backfill` (src/migrations: at
 * `npm start`, by the migration function after a deploy, or `gazette migrate`); `gazette log
 * backfill` runs it again on demand.
 */
import type { Edition } from "../editions/model.js";
import { attemptBlobKey, editionPage, manifestKey } from "../editions/records.js";
import type { Platform } from "../platform/ports.js";
import { TransparencyLog } from "./log.js";
import { logPublication } from "./publication-log.js";

/** Bump when the backfill must run again on stores that ran an earlier one. */
export const BACKFILL_VERSION = 1;
export const LOG_BACKFILL_MARKER = { pk: "LOGMETA", sk: "BACKFILL" } as const;

export interface LogBackfillResult {
  /** True when an earlier run had already done it (and `force` was not given). */
  readonly skipped: boolean;
  /** Editions whose manifest this run appended, in the order appended. */
  readonly appended: readonly string[];
  /** Published editions already in the log. */
  readonly alreadyLogged: number;
  /** Published editions without a manifest to log (left out; named so an operator can look). */
  readonly withoutManifest: readonly string[];
}

async function publishedEditions(platform: Pick<Platform, "records">): Promise<Edition[]> {
  const out: Edition[] = [];
  let cursor: string | undefined;
  do {
    const page = await editionPage(platform.records, { cursor, limit: 100 });
    for (const item of page.items)
      if (item.data.status === "published" && item.data.publishedAt && item.data.urls) out.push(item.data);
    cursor = page.cursor;
  } while (cursor);
  // Publication order: by publication time, then by cumulative number (one publication time each).
  return out.sort((a, b) =>
    a.publishedAt! < b.publishedAt! ? -1 : a.publishedAt! > b.publishedAt! ? 1 : a.cumulative - b.cumulative,
  );
}

/** Whether this version's backfill has run (noted by it, or by a release before the migration). */
export async function publicationLogBackfilled(platform: Pick<Platform, "records">): Promise<boolean> {
  const marker = await platform.records.get<{ version: number }>(LOG_BACKFILL_MARKER);
  return (marker?.data.version ?? 0) >= BACKFILL_VERSION;
}

export async function backfillPublicationLog(
  platform: Pick<Platform, "records" | "blobs">,
  options: { readonly force?: boolean } = {},
): Promise<LogBackfillResult> {
  if (!options.force && (await publicationLogBackfilled(platform)))
    return { skipped: true, appended: [], alreadyLogged: 0, withoutManifest: [] };
  const log = new TransparencyLog({ records: platform.records, origin: "" });
  const appended: string[] = [];
  const withoutManifest: string[] = [];
  let alreadyLogged = 0;
  for (const edition of await publishedEditions(platform)) {
    if (!(await platform.blobs.head(attemptBlobKey(manifestKey(edition), edition.attempt)))) {
      withoutManifest.push(edition.id);
      continue;
    }
    const before = await log.size();
    // An entry already in the log keeps its index, below the size before this call.
    const index = await logPublication(platform, edition);
    if (index !== undefined && index >= before) appended.push(edition.id);
    else alreadyLogged += 1;
  }
  await platform.records.put({
    ...LOG_BACKFILL_MARKER,
    data: { version: BACKFILL_VERSION, appended: appended.length, withoutManifest },
  });
  return { skipped: false, appended, alreadyLogged, withoutManifest };
}

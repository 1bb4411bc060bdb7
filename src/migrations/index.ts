/**
 * Every migration, in the order they run (./runner.ts). Append new ones at the end; a migration
 * whose work must be done again gets a new version rather than a new place.
 */
import { archiveEditionsRekey } from "./archive-editions-rekey.js";
import { archiveItemsSharded } from "./archive-items-sharded.js";
import { docNumberKeys } from "./doc-number-keys.js";
import { documentsFilterIndex } from "./documents-filter-index.js";
import { documentsIndexKeys } from "./documents-index-keys.js";
import { editionsRekey } from "./editions-rekey.js";
import { issuerIndex } from "./issuer-index.js";
import { logBackfill } from "./log-backfill.js";
import type { Migration } from "./migration.js";
import { repostsRebuild } from "./reposts-rebuild.js";

export const MIGRATIONS: readonly Migration[] = [
  documentsIndexKeys,
  editionsRekey,
  archiveItemsSharded,
  docNumberKeys,
  issuerIndex,
  documentsFilterIndex,
  archiveEditionsRekey,
  logBackfill,
  repostsRebuild,
];

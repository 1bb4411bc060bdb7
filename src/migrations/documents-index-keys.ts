/**
 * Every document gets the index keys this release writes (src/documents/accepted.ts
 * documentIndexKeys): its shard of the documents listing (gsi1 DOCUMENTS#<shard>, older releases
 * listed every document under DOCUMENTS) and, while accepted, the accepted index (gsi2). Replaces
 * the start-up backfill of the accepted index.
 */
import { documentIndexKeysStep } from "../documents/accepted.js";
import type { Migration } from "./migration.js";

export const documentsIndexKeys: Migration = {
  name: "documents-index-keys",
  version: "1",
  description: "documents: sharded listing keys (gsi1 DOCUMENTS#<shard>) and the accepted index (gsi2)",
  step: ({ platform }, cursor) => documentIndexKeysStep(platform.records, cursor),
};

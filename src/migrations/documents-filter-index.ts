/**
 * Every document gets its entries in the intake queue's filter index (src/documents/filter-index.ts):
 * documents stored before the index existed. Done before by releases that noted
 * META#DOCUMENT_FILTER_INDEX.
 */
import { FILTER_INDEX_META, filterIndexStep } from "../documents/filter-index.js";
import type { Migration } from "./migration.js";

export const documentsFilterIndex: Migration = {
  name: "documents-filter-index",
  version: "1",
  description: "documents: entries of the intake queue's filter index (DOCQ#…)",
  doneBefore: async ({ platform }) => (await platform.records.get(FILTER_INDEX_META)) !== undefined,
  step: ({ platform }, cursor) => filterIndexStep(platform.records, cursor),
};

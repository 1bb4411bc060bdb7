/**
 * 发文字号 identities under the current grammar's keys (src/documents/rekey.ts): each document's
 * uniqueness claims, then every published edition's statuses recorded again. Its version is the
 * grammar's fingerprint, so a release whose grammar gives any number another key runs it again.
 * Done before by releases that stored the same fingerprint in META#DOCNUMBER_KEYS.
 */
import { DOC_NUMBER_KEYS_META, docNumberGrammarFingerprint, rekeyStep } from "../documents/rekey.js";
import type { Migration } from "./migration.js";

const grammar = docNumberGrammarFingerprint();

export const docNumberKeys: Migration = {
  name: "doc-number-keys",
  version: grammar,
  description: "发文字号: claims and published statuses under the current grammar's keys",
  doneBefore: async ({ platform }) =>
    (await platform.records.get<{ grammar: string }>(DOC_NUMBER_KEYS_META))?.data.grammar === grammar,
  async step({ platform, statuses }, cursor) {
    const step = await rekeyStep(platform, statuses, cursor);
    if (step.cursor === undefined) await platform.records.put({ ...DOC_NUMBER_KEYS_META, data: { grammar } });
    return {
      cursor: step.cursor,
      counts: { ...step.counts, conflicts: step.conflicts.length },
      warnings: step.conflicts.map(
        (c) => `two documents now have one 发文字号: ${c.documentId} and ${c.claimedBy} (${c.key})`,
      ),
    };
  },
};

/**
 * The issuers' index of documents (src/documents/records.ts issuerDocumentsIndex): intake lists
 * each (issuer, 发文字号) claim under its issuer. Claims written before the index existed get
 * their index keys (migration `issuer-index`, src/migrations); safe to run again.
 */
import { docNumberClaimKey, docNumberClaimRecord, documentPage } from "../documents/records.js";
import { backfillToEnd } from "../platform/backfill.js";
import { ConditionFailedError } from "../platform/errors.js";
import type { Platform, RecordStore } from "../platform/ports.js";

export const ISSUER_INDEX_META = { pk: "META#ISSUER_INDEX", sk: "BUILT" } as const;

/** One step: the claims of a page of documents from `cursor` get their issuer's index keys. */
export async function issuerIndexStep(
  records: RecordStore,
  cursor: string | undefined,
  limit = 100,
): Promise<{ cursor: string | undefined; counts: { indexed: number } }> {
  const page = await documentPage(records, { limit, cursor, descending: false });
  let indexed = 0;
  for (const { data: doc } of page.items) {
    if (!doc.docNumber) continue;
    for (const issuer of doc.issuers) {
      const claim = await records.get<{ documentId: string }>(docNumberClaimKey(issuer, doc.docNumber));
      // Only this document's own claims: another document's (a conflict) is left as it is.
      if (!claim || claim.data.documentId !== doc.id) continue;
      const wanted = docNumberClaimRecord(issuer, {
        id: doc.id,
        receivedAt: doc.receivedAt,
        docNumber: doc.docNumber,
      });
      if (claim.index?.gsi1pk === wanted.index.gsi1pk && claim.index?.gsi1sk === wanted.index.gsi1sk)
        continue;
      try {
        await records.put({ ...wanted, data: claim.data }, { kind: "version", version: claim.version });
        indexed += 1;
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
      }
    }
  }
  return { cursor: page.cursor, counts: { indexed } };
}

/** Every step at once, then notes that it ran (for tools and tests). */
export async function backfillIssuerIndex(
  platform: Pick<Platform, "records">,
  options: { readonly force?: boolean } = {},
): Promise<{ readonly skipped: boolean; readonly indexed: number }> {
  return backfillToEnd(platform.records, ISSUER_INDEX_META, issuerIndexStep, options);
}

/**
 * The issuers' index of documents (src/documents/records.ts issuerDocumentsIndex): intake lists
 * each (issuer, 发文字号) claim under its issuer. Claims written before the index existed get
 * their index keys once (at start, like the other backfills); safe to run again.
 */
import {
  DOCUMENTS_INDEX,
  docNumberClaimKey,
  docNumberClaimRecord,
  type StoredDocument,
} from "../documents/records.js";
import { ConditionFailedError } from "../platform/errors.js";
import type { Platform } from "../platform/ports.js";

export const ISSUER_INDEX_META = { pk: "META#ISSUER_INDEX", sk: "BUILT" } as const;

export async function backfillIssuerIndex(
  platform: Pick<Platform, "records">,
  options: { readonly force?: boolean } = {},
): Promise<{ readonly skipped: boolean; readonly indexed: number }> {
  const { records } = platform;
  if (!options.force && (await records.get(ISSUER_INDEX_META))) return { skipped: true, indexed: 0 };
  let indexed = 0;
  let cursor: string | undefined;
  do {
    const page = await records.query<StoredDocument>(DOCUMENTS_INDEX, { index: "gsi1", cursor, limit: 200 });
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
    cursor = page.cursor;
  } while (cursor);
  await records.put({ ...ISSUER_INDEX_META, data: { builtAt: new Date().toISOString(), indexed } });
  return { skipped: false, indexed };
}

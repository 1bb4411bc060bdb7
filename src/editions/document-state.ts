import { writeDocumentRecord } from "../documents/filter-index.js";
import type { DocumentState } from "../documents/model.js";
import { docKeys, type StoredDocument } from "../documents/records.js";
import { ConditionFailedError, StorageUnavailableError } from "../platform/errors.js";
import type { RecordStore } from "../platform/ports.js";

/**
 * Moves a document's `state` (accepted → placed → published, or placed → accepted when it is
 * taken out of a draft). The document record belongs to the documents module; this is the one
 * place the editions module writes it, and it changes nothing but `state`: it rewrites the stored
 * record as read (a spilled `contentBlob` stays a key; the index keys follow the state: an
 * accepted document is in the accepted index, src/documents/accepted.ts) under a version
 * condition, retrying when another writer got there first.
 *
 * The state is a denormalised view for listings (GET /api/documents?state=placed). The source of
 * truth for "which edition holds this document" is the placement claim (records.ts); callers set
 * the state after the claim or the edition record changed, and repeat it on retry, so a crash in
 * between leaves a stale state that the next placement or publish of that edition corrects.
 *
 * Returns false when the document does not exist.
 */
export async function setDocumentState(
  records: RecordStore,
  documentId: string,
  state: DocumentState,
): Promise<boolean> {
  const key = docKeys(documentId);
  for (let attempt = 0; attempt < 20; attempt++) {
    const current = await records.get<StoredDocument>(key);
    if (!current) return false;
    if (current.data.state === state) return true;
    try {
      // With its index keys and its entries in the intake queue's filter index.
      await writeDocumentRecord(
        records,
        { data: { ...current.data, state }, expiresAt: current.expiresAt },
        { kind: "version", version: current.version },
        current.data,
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }
  throw new StorageUnavailableError(`Document ${documentId}: state update kept conflicting`);
}

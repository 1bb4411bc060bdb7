import { docNumberKey } from "./doc-number.js";

/** Record layout of the documents module in the single table. */

/** gsi1 partition holding every document, sorted by receivedAt. */
export const DOCUMENTS_INDEX = "DOCUMENTS";

export function docKeys(id: string) {
  return { pk: `DOC#${id}`, sk: "DOC" };
}

/** The uniqueness guard for (issuer, normalised 发文字号). */
export function docNumberClaimKey(issuer: string, docNumber: string) {
  return { pk: `DOCNUM#${issuer.trim()}#${docNumberKey(docNumber)}`, sk: "CLAIM" };
}

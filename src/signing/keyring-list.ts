/**
 * The keyring's records (pk SIGNING, sk CERT#<fingerprint>), readable without the certificate
 * code: the API lists them for GET /api/signing/certificates and /signing/certificate.pem.
 */
import type { RecordStore } from "../platform/ports.js";

export const KEYRING_PARTITION = "SIGNING";

export interface KeyringEntry {
  /** Hex SHA-256 of the leaf certificate's DER. */
  readonly fingerprint: string;
  readonly keyId: string;
  readonly algorithm: string;
  /** Leaf, then its chain (PEM). */
  readonly pem: string;
  readonly source: "self-issued" | "operator";
  readonly addedAt: string;
  readonly subject: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

/** Every certificate this deployment has signed with, oldest first. */
export async function listKeyring(records: RecordStore): Promise<KeyringEntry[]> {
  const entries: KeyringEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await records.query<KeyringEntry>(KEYRING_PARTITION, {
      prefix: "CERT#",
      cursor,
      limit: 100,
    });
    entries.push(...page.items.map((r) => r.data));
    cursor = page.cursor;
  } while (cursor);
  return entries.sort((a, b) => (a.addedAt < b.addedAt ? -1 : a.addedAt > b.addedAt ? 1 : 0));
}

/**
 * The keyring: every certificate this deployment has signed with, kept forever in the records
 * port (pk SIGNING, sk CERT#<fingerprint>) so that files signed before a key rotation still
 * verify. The certificate of the key in use is added on first use: self-issued for that key, or
 * the one the operator configured (GAZETTE_SIGNING_CERTIFICATE, leaf first, then its chain),
 * which must certify that key.
 */
import { ConditionFailedError } from "../platform/errors.js";
import type { RecordStore } from "../platform/ports.js";
import {
  type CertificateInfo,
  type CertificateSubject,
  certifiesKey,
  fromPem,
  readCertificate,
  selfIssueCertificate,
  toPem,
} from "./certificate.js";
import type { SigningKey } from "./key.js";
import { KEYRING_PARTITION, type KeyringEntry, listKeyring } from "./keyring-list.js";

export { KEYRING_PARTITION, type KeyringEntry, listKeyring } from "./keyring-list.js";

/** The certificate chain (DER, leaf first) of the key in use; added to the keyring on first use. */
export async function ensureCertificate(
  records: RecordStore,
  key: SigningKey,
  subject: CertificateSubject,
  now: Date,
  operatorPem?: string | undefined,
): Promise<{ entry: KeyringEntry; chain: Uint8Array[] }> {
  let chain: Uint8Array[];
  let source: KeyringEntry["source"];
  if (operatorPem) {
    chain = fromPem(operatorPem);
    const leaf = chain[0] ? readCertificate(chain[0]) : undefined;
    if (!leaf || !(await certifiesKey(leaf, key))) {
      throw new Error("GAZETTE_SIGNING_CERTIFICATE does not certify the signing key in use");
    }
    source = "operator";
  } else {
    const existing = (await listKeyring(records)).filter((e) => e.keyId === key.keyId);
    for (const entry of existing.reverse()) {
      const found = fromPem(entry.pem);
      if (found[0] && (await certifiesKey(readCertificate(found[0]), key))) return { entry, chain: found };
    }
    chain = [await selfIssueCertificate(key, subject, now)];
    source = "self-issued";
  }
  const leaf: CertificateInfo = readCertificate(chain[0]!);
  const entry: KeyringEntry = {
    fingerprint: leaf.fingerprint,
    keyId: key.keyId,
    algorithm: key.algorithm,
    pem: chain.map((c) => toPem(c)).join(""),
    source,
    addedAt: now.toISOString(),
    subject: leaf.subject,
    notBefore: leaf.notBefore.toISOString(),
    notAfter: leaf.notAfter.toISOString(),
  };
  try {
    await records.put(
      { pk: KEYRING_PARTITION, sk: `CERT#${entry.fingerprint}`, data: entry },
      { kind: "absent" },
    );
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
    // Added concurrently (or the operator's certificate was added before): keep the first.
    const first = await records.get<KeyringEntry>({ pk: KEYRING_PARTITION, sk: `CERT#${entry.fingerprint}` });
    if (first) return { entry: first.data, chain: fromPem(first.data.pem) };
  }
  return { entry, chain };
}

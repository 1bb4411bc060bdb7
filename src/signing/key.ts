/**
 * The signing key port. A deployment signs with one key at a time: PDFs (PAdES), edition
 * manifests (JWS) and the log's checkpoints (signed notes). The adapters: a key generated into the
 * data directory on first start (local-key.ts, node:crypto) and an AWS KMS asymmetric key
 * (kms-key.ts). The private key never leaves the adapter; callers get signatures only.
 *
 * The algorithm is a property of the key, so another one (Ed25519) can be added as an adapter plus
 * its identifiers below; every signature format in this module asks the key which it is.
 */
import { createHash, createPublicKey, type KeyObject, verify as verifySignature } from "node:crypto";

/** JOSE names: ES256 = ECDSA on P-256 with SHA-256 (the one KMS ECC_NIST_P256 and PAdES readers share). */
export type SigningAlgorithm = "ES256";

export interface SigningKey {
  readonly algorithm: SigningAlgorithm;
  /** Stable name of the key in its store (file name, KMS key ARN); recorded, never trusted. */
  readonly keyId: string;
  /** The public key as DER SubjectPublicKeyInfo. */
  publicKey(): Promise<Uint8Array>;
  /** Signs `data` (hashing it with the algorithm's hash): an ECDSA signature DER-encoded (X9.62). */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** OIDs of an algorithm in X.509 and CMS. */
export const ALGORITHM_OIDS: Record<
  SigningAlgorithm,
  { signature: string; digest: string; digestName: "sha256" }
> = {
  ES256: { signature: "1.2.840.10045.4.3.2", digest: "2.16.840.1.101.3.4.2.1", digestName: "sha256" },
};

export function sha256(bytes: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(bytes).digest());
}

export function publicKeyObject(spki: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
}

/** Checks a DER ECDSA signature (or IEEE P1363 r‖s with `encoding`) over `data`. */
export function verifyWith(
  spki: Uint8Array | KeyObject,
  data: Uint8Array,
  signature: Uint8Array,
  encoding: "der" | "ieee-p1363" = "der",
): boolean {
  const key = spki instanceof Uint8Array ? publicKeyObject(spki) : spki;
  try {
    return verifySignature("sha256", data, { key, dsaEncoding: encoding }, signature);
  } catch {
    return false;
  }
}

/** DER ECDSA-Sig-Value (SEQUENCE of two INTEGERs) → fixed-width r‖s, as JOSE and signed notes want. */
export function derToP1363(der: Uint8Array, size = 32): Uint8Array {
  const fail = () => new Error("Not a DER ECDSA signature");
  if (der[0] !== 0x30) throw fail();
  let at = 2;
  if (der[1]! & 0x80) at = 2 + (der[1]! & 0x7f);
  const out = new Uint8Array(size * 2);
  for (let n = 0; n < 2; n++) {
    if (der[at] !== 0x02) throw fail();
    const length = der[at + 1]!;
    let value = der.subarray(at + 2, at + 2 + length);
    while (value.length > size && value[0] === 0) value = value.subarray(1);
    if (value.length > size) throw fail();
    out.set(value, n * size + size - value.length);
    at += 2 + length;
  }
  return out;
}

/** Lower-case hex. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

export function base64url(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString("base64url");
}

/**
 * Reading an RFC 3161 timestamp token (a CMS SignedData over a TSTInfo): when the timestamp
 * authority says the stamped data existed, whether the token is over that data (its message
 * imprint), and whether the authority's signature holds with the certificate the token carries.
 * Used by the timestamp client (timestamp.ts) on every answer and by the verifiers on every PDF
 * signature that has one (PAdES B-T). Trust in the authority itself (its chain) is the reader's:
 * the report names it.
 */
import { createHash, createPublicKey, verify } from "node:crypto";
import { readCertificate } from "./certificate.js";
import { CMS_OIDS } from "./cms.js";
import {
  children,
  expectTag,
  GENERALIZED_TIME,
  INTEGER,
  OCTET_STRING,
  parseDer,
  readOid,
  readTime,
  SEQUENCE,
  stringBytes,
} from "./der.js";
import { readContentInfo, readSignedData } from "./signed-data.js";

/** id-ct-TSTInfo (RFC 3161): the content type of a timestamp token's SignedData. */
const ID_CT_TST_INFO = "1.2.840.113549.1.9.16.1.4";

/** Digest algorithms a token may use, by OID. */
const DIGESTS: Record<string, "sha256" | "sha384" | "sha512"> = {
  "2.16.840.1.101.3.4.2.1": "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};

export interface TimestampTokenReport {
  /** genTime: when the authority says the stamped data existed (ISO 8601). */
  readonly time: string;
  /** The authority's certificate subject (from the token), or "unknown". */
  readonly authority: string;
  /** The message imprint is the hash of the stamped data. */
  readonly imprintMatches: boolean;
  /** The authority's signature over the TSTInfo verifies with its certificate. */
  readonly signatureValid: boolean;
  /** The nonce the token carries (hex), to match a request's. */
  readonly nonce?: string | undefined;
}

/**
 * TSTInfo ::= SEQUENCE { version, policy, messageImprint MessageImprint, serialNumber, genTime,
 *   accuracy Accuracy OPTIONAL, ordering BOOLEAN DEFAULT FALSE, nonce INTEGER OPTIONAL,
 *   tsa [0] OPTIONAL, extensions [1] OPTIONAL }
 */
function readTstInfo(bytes: Uint8Array) {
  const [, , imprint, , genTime, ...rest] = children(expectTag(parseDer(bytes), SEQUENCE, "the TSTInfo"));
  const [algorithm, hashed] = children(expectTag(imprint, SEQUENCE, "the message imprint"));
  const nonce = rest.find((e) => e.tag === INTEGER);
  return {
    hashAlgorithm: readOid(children(expectTag(algorithm, SEQUENCE, "the imprint's algorithm"))[0]!),
    hashedMessage: stringBytes(expectTag(hashed, OCTET_STRING, "the imprint's hash")),
    genTime: readTime(expectTag(genTime, GENERALIZED_TIME, "the TSTInfo's time")),
    nonce: nonce?.contents,
  };
}

/** Reads a token (DER ContentInfo) over `stamped`; throws when it is not a timestamp token at all. */
export function readTimestampToken(token: Uint8Array, stamped: Uint8Array): TimestampTokenReport {
  const info = readContentInfo(token);
  if (info.type !== CMS_OIDS.signedData) throw new Error("the timestamp token is not CMS SignedData");
  const signed = readSignedData(info.content);
  if (signed.contentType !== ID_CT_TST_INFO) throw new Error("the timestamp token does not hold a TSTInfo");
  const content = signed.content;
  if (!content) throw new Error("the timestamp token has no TSTInfo");
  const tst = readTstInfo(content);
  const imprintHash = DIGESTS[tst.hashAlgorithm];
  const imprintMatches =
    imprintHash !== undefined &&
    Buffer.from(tst.hashedMessage).equals(createHash(imprintHash).update(stamped).digest());

  const signer = signed.signers[0];
  const serial = signer?.serialNumber;
  const certificates = signed.certificates.map(readCertificate);
  const certificate =
    certificates.find((c) => serial && Buffer.from(c.serialNumber).equals(Buffer.from(serial))) ??
    certificates[0];
  let signatureValid = false;
  const digestName = signer && DIGESTS[signer.digestAlgorithm];
  if (signer?.signedAttributes && signer.signedAttributesDer && certificate && digestName) {
    const digestAttr = signer.signedAttributes.find((a) => a.type === CMS_OIDS.messageDigest);
    const digestValue = digestAttr?.values[0];
    const digest = digestValue?.tag === OCTET_STRING ? digestValue.contents : undefined;
    const contentDigest = createHash(digestName).update(content).digest();
    if (digest && contentDigest.equals(Buffer.from(digest))) {
      try {
        const key = createPublicKey({ key: Buffer.from(certificate.publicKey), format: "der", type: "spki" });
        signatureValid = verify(digestName, signer.signedAttributesDer, key, signer.signature);
      } catch {
        signatureValid = false;
      }
    }
  }
  return {
    time: tst.genTime.toISOString(),
    authority: certificate ? certificate.subject : "unknown",
    imprintMatches,
    signatureValid,
    nonce: tst.nonce ? Buffer.from(tst.nonce).toString("hex") : undefined,
  };
}

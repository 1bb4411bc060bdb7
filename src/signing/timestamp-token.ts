/**
 * Reading an RFC 3161 timestamp token (a CMS SignedData over a TSTInfo): when the timestamp
 * authority says the stamped data existed, whether the token is over that data (its message
 * imprint), and whether the authority's signature holds with the certificate the token carries.
 * Used by the timestamp client (timestamp.ts) on every answer and by the verifiers on every PDF
 * signature that has one (PAdES B-T). Trust in the authority itself (its chain) is the reader's:
 * the report names it.
 */
import { createHash, createPublicKey, verify } from "node:crypto";
import { ContentInfo, SignedData } from "@peculiar/asn1-cms";
import { AsnConvert } from "@peculiar/asn1-schema";
import { id_ct_tstInfo, TSTInfo } from "@peculiar/asn1-tsp";
import type { Certificate } from "@peculiar/asn1-x509";
import { readCertificate } from "./certificate.js";
import { CMS_OIDS } from "./cms.js";
import { derSetOf } from "./der.js";

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

function subjectOf(certificate: Certificate): string {
  return readCertificate(new Uint8Array(AsnConvert.serialize(certificate))).subject;
}

/** Reads a token (DER ContentInfo) over `stamped`; throws when it is not a timestamp token at all. */
export function readTimestampToken(token: Uint8Array, stamped: Uint8Array): TimestampTokenReport {
  const info = AsnConvert.parse(token, ContentInfo);
  if (info.contentType !== CMS_OIDS.signedData) throw new Error("the timestamp token is not CMS SignedData");
  const signed = AsnConvert.parse(info.content, SignedData);
  if (signed.encapContentInfo.eContentType !== id_ct_tstInfo)
    throw new Error("the timestamp token does not hold a TSTInfo");
  const content = signed.encapContentInfo.eContent?.single?.buffer ?? signed.encapContentInfo.eContent?.any;
  if (!content) throw new Error("the timestamp token has no TSTInfo");
  const tst = AsnConvert.parse(content, TSTInfo);
  const imprintHash = DIGESTS[tst.messageImprint.hashAlgorithm.algorithm];
  const imprintMatches =
    imprintHash !== undefined &&
    Buffer.from(tst.messageImprint.hashedMessage.buffer).equals(
      createHash(imprintHash).update(stamped).digest(),
    );

  const signer = signed.signerInfos[0];
  const serial = signer?.sid.issuerAndSerialNumber?.serialNumber;
  const certificates = (signed.certificates ?? []).flatMap((c) => (c.certificate ? [c.certificate] : []));
  const certificate =
    certificates.find(
      (c) => serial && Buffer.from(c.tbsCertificate.serialNumber).equals(Buffer.from(serial)),
    ) ?? certificates[0];
  let signatureValid = false;
  const digestName = signer && DIGESTS[signer.digestAlgorithm.algorithm];
  if (signer?.signedAttrs && certificate && digestName) {
    const digestAttr = signer.signedAttrs.find((a) => a.attrType === CMS_OIDS.messageDigest);
    const digest = digestAttr?.attrValues[0] && new Uint8Array(digestAttr.attrValues[0]).subarray(2);
    const contentDigest = createHash(digestName).update(new Uint8Array(content)).digest();
    if (digest && contentDigest.equals(Buffer.from(digest))) {
      const attributes = derSetOf(signer.signedAttrs.map((a) => new Uint8Array(AsnConvert.serialize(a))));
      try {
        const key = createPublicKey({
          key: Buffer.from(AsnConvert.serialize(certificate.tbsCertificate.subjectPublicKeyInfo)),
          format: "der",
          type: "spki",
        });
        signatureValid = verify(digestName, attributes, key, Buffer.from(signer.signature.buffer));
      } catch {
        signatureValid = false;
      }
    }
  }
  return {
    time: tst.genTime.toISOString(),
    authority: certificate ? subjectOf(certificate) : "unknown",
    imprintMatches,
    signatureValid,
    nonce: tst.nonce ? Buffer.from(tst.nonce).toString("hex") : undefined,
  };
}

/**
 * CMS SignedData for PAdES baseline B-B (ETSI EN 319 142-1, CAdES detached): the signed
 * attributes are content-type, message-digest and signing-certificate-v2 (ESS, RFC 5035) — no
 * signing-time, which PAdES takes from the signature dictionary's /M. Detached: the signed content
 * is the PDF's ByteRange, hashed here. Written with the DER helpers (der.ts); signed through the port.
 */
import { readCertificate } from "./certificate.js";
import { context, der, derSetOf, INTEGER, OCTET_STRING, derOid as oid, SEQUENCE, SET } from "./der.js";
import { ALGORITHM_OIDS, type SigningKey, sha256 } from "./key.js";

export const CMS_OIDS = {
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  signingTime: "1.2.840.113549.1.9.5",
  signingCertificateV2: "1.2.840.113549.1.9.16.2.47",
  /** id-aa-signatureTimeStampToken (RFC 3161 appendix A): an unsigned attribute. */
  signatureTimeStampToken: "1.2.840.113549.1.9.16.2.14",
} as const;

export interface CmsOptions {
  /**
   * PAdES B-T: gets an RFC 3161 timestamp token (a DER ContentInfo) over the signature value,
   * added as the unsigned attribute signature-time-stamp-token. Left out: B-B.
   */
  readonly timestamp?: ((signatureValue: Uint8Array) => Promise<Uint8Array>) | undefined;
}

/** [0] and [1], constructed (IMPLICIT SET OF / EXPLICIT). */
const CONTEXT_0 = context(0);
const CONTEXT_1 = context(1);

/** Attribute ::= SEQUENCE { attrType OID, attrValues SET OF value } */
function attribute(type: string, ...values: Uint8Array[]): Uint8Array {
  return der(SEQUENCE, oid(type), derSetOf(values));
}

/**
 * SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }
 * ESSCertIDv2 ::= SEQUENCE { certHash OCTET STRING (SHA-256, the default algorithm, so omitted),
 *   issuerSerial SEQUENCE { issuer GeneralNames ([4] directoryName), serialNumber INTEGER } }
 */
function signingCertificateV2(
  issuer: Uint8Array,
  serial: Uint8Array,
  certificateDer: Uint8Array,
): Uint8Array {
  const issuerSerial = der(SEQUENCE, der(SEQUENCE, der(0xa4, issuer)), der(INTEGER, serial));
  const essCertId = der(SEQUENCE, der(OCTET_STRING, sha256(certificateDer)), issuerSerial);
  return der(SEQUENCE, der(SEQUENCE, essCertId));
}

/** What every signature by one certificate chain shares, worked out once (parsing is the slow part). */
interface SignerProfile {
  /** IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber INTEGER } */
  readonly sid: Uint8Array;
  /** The signing-certificate-v2 attribute. */
  readonly essAttribute: Uint8Array;
  /** [0] IMPLICIT CertificateSet: the chain. */
  readonly certificates: Uint8Array;
}

const profiles = new Map<string, SignerProfile>();

function signerProfile(chain: readonly Uint8Array[]): SignerProfile {
  const leafDer = chain[0];
  if (!leafDer) throw new Error("A signature needs the signer's certificate");
  const id = chain.map((c) => Buffer.from(sha256(c)).toString("hex")).join(",");
  const known = profiles.get(id);
  if (known) return known;
  const leaf = readCertificate(leafDer);
  const issuer = leaf.issuer;
  const serial = leaf.serialNumber;
  const profile: SignerProfile = {
    sid: der(SEQUENCE, issuer, der(INTEGER, serial)),
    essAttribute: attribute(CMS_OIDS.signingCertificateV2, signingCertificateV2(issuer, serial, leafDer)),
    certificates: der(CONTEXT_0, ...chain),
  };
  if (profiles.size > 16) profiles.clear();
  profiles.set(id, profile);
  return profile;
}

/**
 * A detached CMS SignedData (as ContentInfo DER) over `content` by `key`, whose certificate is
 * the first of `chain` (DER, leaf first; the rest are included for the reader to build a path).
 */
export async function signDetachedCms(
  content: Uint8Array,
  key: SigningKey,
  chain: readonly Uint8Array[],
  options: CmsOptions = {},
): Promise<Uint8Array> {
  return signDetachedCmsDigest(sha256(content), key, chain, options);
}

/**
 * signDetachedCms given the content's SHA-256 instead of the content. Written with the DER
 * helpers: the structure is fixed, and a schema library's parse and serialize of the certificates
 * on every signature cost more than the rest of signing a PDF.
 */
export async function signDetachedCmsDigest(
  digest: Uint8Array,
  key: SigningKey,
  chain: readonly Uint8Array[],
  options: CmsOptions = {},
): Promise<Uint8Array> {
  const profile = signerProfile(chain);
  const oids = ALGORITHM_OIDS[key.algorithm];
  const digestAlgorithm = der(SEQUENCE, oid(oids.digest));
  // The signed attributes: DER orders a SET OF by encoding; what is signed is the SET itself.
  const attributes = [
    attribute(CMS_OIDS.contentType, oid(CMS_OIDS.data)),
    attribute(CMS_OIDS.messageDigest, der(OCTET_STRING, digest)),
    profile.essAttribute,
  ];
  const signedAttributes = derSetOf(attributes);
  const signature = await key.sign(signedAttributes);
  const unsigned = options.timestamp
    ? [der(CONTEXT_1, attribute(CMS_OIDS.signatureTimeStampToken, await options.timestamp(signature)))]
    : [];
  const signerInfo = der(
    SEQUENCE,
    der(INTEGER, new Uint8Array([1])),
    profile.sid,
    digestAlgorithm,
    derSetOf(attributes, CONTEXT_0),
    der(SEQUENCE, oid(oids.signature)),
    der(OCTET_STRING, signature),
    ...unsigned,
  );
  const signedData = der(
    SEQUENCE,
    der(INTEGER, new Uint8Array([1])),
    der(SET, digestAlgorithm),
    der(SEQUENCE, oid(CMS_OIDS.data)),
    profile.certificates,
    der(SET, signerInfo),
  );
  return der(SEQUENCE, oid(CMS_OIDS.signedData), der(CONTEXT_0, signedData));
}

/**
 * CMS SignedData for PAdES baseline B-B (ETSI EN 319 142-1, CAdES detached): the signed
 * attributes are content-type, message-digest and signing-certificate-v2 (ESS, RFC 5035) — no
 * signing-time, which PAdES takes from the signature dictionary's /M. Detached: the signed content
 * is the PDF's ByteRange, hashed here. Built with @peculiar/asn1-cms; signed through the port.
 */
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  ContentInfo,
  DigestAlgorithmIdentifiers,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from "@peculiar/asn1-cms";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Certificate } from "@peculiar/asn1-x509";
import { der, derSetOf, INTEGER, OCTET_STRING, SEQUENCE } from "./der.js";
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

const OID_DATA_DER = new Uint8Array([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01]);

function buffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}

/**
 * SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }
 * ESSCertIDv2 ::= SEQUENCE { certHash OCTET STRING (SHA-256, the default algorithm, so omitted),
 *   issuerSerial SEQUENCE { issuer GeneralNames ([4] directoryName), serialNumber INTEGER } }
 */
function signingCertificateV2(certificate: Certificate, certificateDer: Uint8Array): Uint8Array {
  const issuer = new Uint8Array(AsnConvert.serialize(certificate.tbsCertificate.issuer));
  const serial = new Uint8Array(certificate.tbsCertificate.serialNumber);
  const issuerSerial = der(SEQUENCE, der(SEQUENCE, der(0xa4, issuer)), der(INTEGER, serial));
  const essCertId = der(SEQUENCE, der(OCTET_STRING, sha256(certificateDer)), issuerSerial);
  return der(SEQUENCE, der(SEQUENCE, essCertId));
}

/** The DER SET of signed attributes (what is signed) and the same attributes as schema objects. */
function signedAttributes(digest: Uint8Array, certificate: Certificate, certificateDer: Uint8Array) {
  const attributes = [
    new Attribute({ attrType: CMS_OIDS.contentType, attrValues: [buffer(OID_DATA_DER)] }),
    new Attribute({ attrType: CMS_OIDS.messageDigest, attrValues: [buffer(der(OCTET_STRING, digest))] }),
    new Attribute({
      attrType: CMS_OIDS.signingCertificateV2,
      attrValues: [buffer(signingCertificateV2(certificate, certificateDer))],
    }),
  ];
  const encoded = attributes.map((a) => new Uint8Array(AsnConvert.serialize(a)));
  // DER orders a SET OF by encoding; the schema writes [0] IMPLICIT in the order it is given.
  const order = encoded.map((e, n) => ({ e, n })).sort((x, y) => Buffer.compare(x.e, y.e));
  return {
    toSign: derSetOf(encoded),
    attributes: order.map(({ n }) => attributes[n]!),
  };
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

/** signDetachedCms given the content's SHA-256 instead of the content. */
export async function signDetachedCmsDigest(
  digest: Uint8Array,
  key: SigningKey,
  chain: readonly Uint8Array[],
  options: CmsOptions = {},
): Promise<Uint8Array> {
  const leafDer = chain[0];
  if (!leafDer) throw new Error("A signature needs the signer's certificate");
  const oids = ALGORITHM_OIDS[key.algorithm];
  const leaf = AsnConvert.parse(leafDer, Certificate);
  const { toSign, attributes } = signedAttributes(digest, leaf, leafDer);
  const signature = await key.sign(toSign);
  const digestAlgorithm = new AlgorithmIdentifier({ algorithm: oids.digest });
  const signerInfo = new SignerInfo({
    version: 1,
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({
        issuer: leaf.tbsCertificate.issuer,
        serialNumber: leaf.tbsCertificate.serialNumber,
      }),
    }),
    digestAlgorithm,
    signedAttrs: attributes,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: oids.signature }),
    signature: new OctetString(buffer(signature)),
  });
  if (options.timestamp) {
    const token = await options.timestamp(signature);
    signerInfo.unsignedAttrs = [
      new Attribute({ attrType: CMS_OIDS.signatureTimeStampToken, attrValues: [buffer(token)] }),
    ];
  }
  const signedData = new SignedData({
    version: 1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([digestAlgorithm]),
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: CMS_OIDS.data }),
    certificates: new CertificateSet(
      chain.map((c) => new CertificateChoices({ certificate: AsnConvert.parse(c, Certificate) })),
    ),
    signerInfos: new SignerInfos([signerInfo]),
  });
  return new Uint8Array(
    AsnConvert.serialize(
      new ContentInfo({ contentType: CMS_OIDS.signedData, content: AsnConvert.serialize(signedData) }),
    ),
  );
}

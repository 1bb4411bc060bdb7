/**
 * The deployment's certificate: self-issued for its signing key by default (subject = the
 * gazette's name and publisher, so a PDF reader's signature panel names the gazette), or one the
 * operator provides with its chain. Built and read with @peculiar/asn1-x509; signed through the
 * SigningKey port, so a KMS key issues its own certificate without its private key leaving KMS.
 */
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  BasicConstraints,
  Certificate,
  Extension,
  Extensions,
  id_ce_basicConstraints,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from "@peculiar/asn1-x509";
import { ALGORITHM_OIDS, hex, type SigningKey, sha256, verifyWith } from "../../src/signing/key.js";

const OID = { commonName: "2.5.4.3", organization: "2.5.4.10", country: "2.5.4.6" };

/** How long a self-issued certificate is valid: rotation, not expiry, retires a key. */
const VALIDITY_YEARS = 30;

export interface CertificateSubject {
  /** The gazette's name (CN), e.g. 四川省人民政府公报. */
  readonly name: string;
  /** Its publisher (O), e.g. 四川省人民政府办公厅. */
  readonly publisher: string;
}

function name(subject: CertificateSubject): Name {
  const rdn = (type: string, value: AttributeValue) =>
    new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value })]);
  return new Name([
    rdn(OID.country, new AttributeValue({ printableString: "CN" })),
    rdn(OID.organization, new AttributeValue({ utf8String: subject.publisher })),
    rdn(OID.commonName, new AttributeValue({ utf8String: subject.name })),
  ]);
}

/** A certificate for `key`, issued by itself, valid from `notBefore`; DER. */
export async function selfIssueCertificate(
  key: SigningKey,
  subject: CertificateSubject,
  notBefore: Date,
): Promise<Uint8Array> {
  const spki = await key.publicKey();
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + VALIDITY_YEARS);
  const serial = sha256(
    new Uint8Array([...spki, ...new TextEncoder().encode(notBefore.toISOString())]),
  ).slice(0, 16);
  serial[0] = serial[0]! & 0x7f; // positive
  const signatureAlgorithm = new AlgorithmIdentifier({ algorithm: ALGORITHM_OIDS[key.algorithm].signature });
  const extension = (extnID: string, critical: boolean, value: unknown) =>
    new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serial.buffer,
    signature: signatureAlgorithm,
    issuer: name(subject),
    validity: new Validity({ notBefore, notAfter }),
    subject: name(subject),
    subjectPublicKeyInfo: AsnConvert.parse(spki, SubjectPublicKeyInfo),
    extensions: new Extensions([
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: true, pathLenConstraint: 0 })),
      extension(
        id_ce_keyUsage,
        true,
        new KeyUsage(
          KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation | KeyUsageFlags.keyCertSign,
        ),
      ),
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(sha256(spki).slice(0, 20))),
    ]),
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const signature = await key.sign(tbsDer);
  const certificate = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm,
    signatureValue: signature.slice().buffer,
  });
  return new Uint8Array(AsnConvert.serialize(certificate));
}

export function toPem(der: Uint8Array, label = "CERTIFICATE"): string {
  const body = Buffer.from(der)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** Every certificate in a PEM text (leaf first, then its chain), as DER. */
export function fromPem(pem: string): Uint8Array[] {
  const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
  return blocks.map((m) => new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ""), "base64")));
}

/** What a verifier needs to know of a certificate. */
export interface CertificateInfo {
  readonly der: Uint8Array;
  /** Hex SHA-256 of the DER: the fingerprint published with it. */
  readonly fingerprint: string;
  readonly subject: string;
  readonly commonName: string | undefined;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** DER SubjectPublicKeyInfo. */
  readonly publicKey: Uint8Array;
  readonly parsed: Certificate;
}

function nameText(n: Name): { text: string; cn: string | undefined } {
  let cn: string | undefined;
  const parts = n.map((rdn) =>
    rdn
      .map((atv) => {
        const value = atv.value.toString();
        const label = Object.entries(OID).find(([, oid]) => oid === atv.type)?.[0] ?? atv.type;
        if (atv.type === OID.commonName) cn = value;
        return `${label === "commonName" ? "CN" : label === "organization" ? "O" : label === "country" ? "C" : label}=${value}`;
      })
      .join("+"),
  );
  return { text: parts.join(", "), cn };
}

/** Reads a DER certificate; throws on anything else. */
export function readCertificate(der: Uint8Array): CertificateInfo {
  const parsed = AsnConvert.parse(der, Certificate);
  const tbs = parsed.tbsCertificate;
  const { text, cn } = nameText(tbs.subject);
  return {
    der,
    fingerprint: hex(sha256(der)),
    subject: text,
    commonName: cn,
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    publicKey: new Uint8Array(AsnConvert.serialize(tbs.subjectPublicKeyInfo)),
    parsed,
  };
}

/** Whether `certificate` carries `key`'s public key. */
export async function certifiesKey(certificate: CertificateInfo, key: SigningKey): Promise<boolean> {
  return Buffer.from(certificate.publicKey).equals(Buffer.from(await key.publicKey()));
}

/** Whether a self-issued certificate's signature verifies with its own key. */
export function selfSignatureValid(certificate: CertificateInfo): boolean {
  const tbs = new Uint8Array(AsnConvert.serialize(certificate.parsed.tbsCertificate));
  return verifyWith(certificate.publicKey, tbs, new Uint8Array(certificate.parsed.signatureValue));
}

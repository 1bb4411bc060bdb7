/**
 * The deployment's certificate: self-issued for its signing key by default (subject = the
 * gazette's name and publisher, so a PDF reader's signature panel names the gazette), or one the
 * operator provides with its chain. Written and read as DER by hand (der.ts): the certificate this
 * code issues has one fixed shape; signed through the SigningKey port, so a KMS key issues its own
 * certificate without its private key leaving KMS.
 */
import {
  BIT_STRING,
  BOOLEAN,
  children,
  context,
  type DerElement,
  DerError,
  der,
  derOid,
  derSmallInteger,
  derTime,
  expectTag,
  INTEGER,
  OCTET_STRING,
  PRINTABLE_STRING,
  parseDer,
  readOid,
  readString,
  readTime,
  SEQUENCE,
  SET,
  UTF8_STRING,
} from "./der.js";
import { ALGORITHM_OIDS, hex, type SigningKey, sha256, verifyWith } from "./key.js";

const OID = { commonName: "2.5.4.3", organization: "2.5.4.10", country: "2.5.4.6" };
const EXTENSION_OIDS = {
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  subjectKeyIdentifier: "2.5.29.14",
};

/** How long a self-issued certificate is valid: rotation, not expiry, retires a key. */
const VALIDITY_YEARS = 30;

export interface CertificateSubject {
  /** The gazette's name (CN), e.g. 四川省人民政府公报. */
  readonly name: string;
  /** Its publisher (O), e.g. 四川省人民政府办公厅. */
  readonly publisher: string;
}

/** Name ::= SEQUENCE OF RelativeDistinguishedName (one attribute each): C, O, CN. */
function name(subject: CertificateSubject): Uint8Array {
  const rdn = (type: string, tag: number, value: string) =>
    der(SET, der(SEQUENCE, derOid(type), der(tag, new Uint8Array(Buffer.from(value, "utf8")))));
  return der(
    SEQUENCE,
    rdn(OID.country, PRINTABLE_STRING, "CN"),
    rdn(OID.organization, UTF8_STRING, subject.publisher),
    rdn(OID.commonName, UTF8_STRING, subject.name),
  );
}

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return der(
    SEQUENCE,
    derOid(id),
    ...(critical ? [der(BOOLEAN, new Uint8Array([0xff]))] : []),
    der(OCTET_STRING, value),
  );
}

/**
 * KeyUsage: digitalSignature (bit 0), nonRepudiation (1), keyCertSign (5), as a DER BIT STRING
 * (bit 0 first, trailing zero bits left out: 1100 01 with two unused bits).
 */
const KEY_USAGE = der(BIT_STRING, new Uint8Array([0x02, 0xc4]));

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
  const signatureAlgorithm = der(SEQUENCE, derOid(ALGORITHM_OIDS[key.algorithm].signature));
  const tbs = der(
    SEQUENCE,
    der(context(0), derSmallInteger(2)), // v3
    der(INTEGER, serial),
    signatureAlgorithm,
    name(subject),
    der(SEQUENCE, derTime(notBefore), derTime(notAfter)),
    name(subject),
    parseDer(spki).bytes,
    der(
      context(3),
      der(
        SEQUENCE,
        // cA TRUE, pathLenConstraint 0
        extension(
          EXTENSION_OIDS.basicConstraints,
          true,
          der(SEQUENCE, der(BOOLEAN, new Uint8Array([0xff])), derSmallInteger(0)),
        ),
        extension(EXTENSION_OIDS.keyUsage, true, KEY_USAGE),
        extension(EXTENSION_OIDS.subjectKeyIdentifier, false, der(OCTET_STRING, sha256(spki).slice(0, 20))),
      ),
    ),
  );
  const signature = await key.sign(tbs);
  return der(SEQUENCE, tbs, signatureAlgorithm, der(BIT_STRING, new Uint8Array([0]), signature));
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
  /** The serial number's INTEGER contents, as encoded. */
  readonly serialNumber: Uint8Array;
  /** The issuer's Name, DER (for a CMS signer's IssuerAndSerialNumber). */
  readonly issuer: Uint8Array;
  /** The TBSCertificate, DER: what the issuer signed. */
  readonly tbs: Uint8Array;
  /** The issuer's signature over `tbs` (the BIT STRING's bits). */
  readonly signatureValue: Uint8Array;
}

const LABELS: Record<string, string> = {
  [OID.commonName]: "CN",
  [OID.organization]: "O",
  [OID.country]: "C",
};

/** "C=CN, O=…, CN=…" (multi-valued RDNs joined with "+"; a value that is no string in hex). */
function nameText(n: DerElement): { text: string; cn: string | undefined } {
  let cn: string | undefined;
  const parts = children(expectTag(n, SEQUENCE, "a name")).map((rdn) =>
    children(rdn)
      .map((atv) => {
        const [type, value] = children(expectTag(atv, SEQUENCE, "a name's attribute"));
        const oid = readOid(type!);
        if (!value) throw new DerError("a name's attribute has no value");
        const text = readString(value) ?? hex(value.bytes);
        if (oid === OID.commonName) cn = text;
        return `${LABELS[oid] ?? oid}=${text}`;
      })
      .join("+"),
  );
  return { text: parts.join(", "), cn };
}

/** Reads a DER certificate; throws on anything else. */
export function readCertificate(bytes: Uint8Array): CertificateInfo {
  const [tbs, algorithm, signature] = children(expectTag(parseDer(bytes), SEQUENCE, "a certificate"));
  expectTag(algorithm, SEQUENCE, "the certificate's signature algorithm");
  const fields = children(expectTag(tbs, SEQUENCE, "the certificate's TBSCertificate"));
  if (fields[0]?.tag === context(0)) fields.shift(); // version
  const [serial, , issuer, validity, subject, spki] = fields;
  const [notBefore, notAfter] = children(expectTag(validity, SEQUENCE, "the certificate's validity"));
  const bits = expectTag(signature, BIT_STRING, "the certificate's signature").contents;
  const { text, cn } = nameText(subject!);
  nameText(expectTag(issuer, SEQUENCE, "the certificate's issuer"));
  return {
    der: bytes,
    fingerprint: hex(sha256(bytes)),
    subject: text,
    commonName: cn,
    notBefore: readTime(notBefore!),
    notAfter: readTime(notAfter!),
    publicKey: expectTag(spki, SEQUENCE, "the certificate's public key").bytes,
    serialNumber: expectTag(serial, INTEGER, "the certificate's serial number").contents,
    issuer: issuer!.bytes,
    tbs: tbs!.bytes,
    signatureValue: bits.subarray(1),
  };
}

/** Whether `certificate` carries `key`'s public key. */
export async function certifiesKey(certificate: CertificateInfo, key: SigningKey): Promise<boolean> {
  return Buffer.from(certificate.publicKey).equals(Buffer.from(await key.publicKey()));
}

/** Whether a self-issued certificate's signature verifies with its own key. */
export function selfSignatureValid(certificate: CertificateInfo): boolean {
  return verifyWith(certificate.publicKey, certificate.tbs, certificate.signatureValue);
}

/**
 * Checks a PDF's embedded signature (pades.ts writes them) without any server: the CMS read as DER
 * (signing/signed-data.ts), the message digest compared with the ByteRange's SHA-256, the ECDSA value
 * checked over the signed attributes with the signer certificate's key, and that certificate
 * compared with the ones the verifier trusts (the gazette's keyring, or a certificate file).
 */
import { type CertificateInfo, readCertificate } from "../signing/certificate.js";
import { CMS_OIDS } from "../signing/cms.js";
import { OCTET_STRING } from "../signing/der.js";
import { readEmbeddedSignature } from "../signing/embedded-signature.js";
import { sha256, verifyWith } from "../signing/key.js";
import { type CmsSignerInfo, readContentInfo, readSignedData } from "../signing/signed-data.js";
import { readTimestampToken } from "../signing/timestamp-token.js";

export interface PdfSignatureReport {
  /** The file has a signature (a /ByteRange with a CMS). */
  readonly present: boolean;
  /** The CMS verifies: its digest is the signed bytes' and the signature value is the signer's. */
  readonly valid: boolean;
  /** Nothing was added after signing (the ByteRange covers the whole file but /Contents). */
  readonly coversWholeFile: boolean;
  /** The signer's certificate is one the verifier trusts. */
  readonly trusted: boolean;
  readonly signer?: {
    readonly commonName?: string | undefined;
    readonly subject: string;
    readonly fingerprint: string;
  };
  /** /M of the signature dictionary (ISO), the claimed signing time. */
  readonly signingTime?: string | undefined;
  /** /Reason of the signature dictionary: which edition (and document) the signer said this is. */
  readonly reason?: string | undefined;
  /**
   * PAdES B-T: the RFC 3161 timestamp over the signature value, when the signature has one:
   * when the authority saw it, who the authority is, and whether the token holds (its imprint is
   * this signature value's and its signature verifies with the authority's certificate).
   */
  readonly timestamp?:
    | { readonly time: string; readonly authority: string; readonly valid: boolean }
    | undefined;
  /** Why it is not valid, when it is not. */
  readonly problem?: string | undefined;
}

/** The signature-time-stamp-token of a signer, read; undefined when it has none. */
function timestampOf(signer: CmsSignerInfo): PdfSignatureReport["timestamp"] {
  const attribute = signer.unsignedAttributes.find((a) => a.type === CMS_OIDS.signatureTimeStampToken);
  const token = attribute?.values[0];
  if (!token) return undefined;
  try {
    const report = readTimestampToken(token.bytes, signer.signature);
    return {
      time: report.time,
      authority: report.authority,
      valid: report.imprintMatches && report.signatureValid,
    };
  } catch {
    return { time: "", authority: "unknown", valid: false };
  }
}

const latin1 = new TextDecoder("latin1");

function pdfDate(value: string | undefined): string | undefined {
  const m = value && /^D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|[+-]\d{2}'\d{2}'?)?/.exec(value);
  if (!m) return undefined;
  const zone = !m[7] || m[7] === "Z" ? "Z" : `${m[7].slice(0, 3)}:${m[7].slice(4, 6)}`;
  const at = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone}`);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/** /M and /Reason of the dictionary holding the last /ByteRange (literal strings). */
function dictionaryFields(pdf: Uint8Array, contentsAt: number): { m?: string; reason?: string } {
  const text = latin1.decode(
    pdf.subarray(Math.max(0, contentsAt - 4096), Math.min(pdf.length, contentsAt + 65536)),
  );
  // A literal string: escapes, balanced parentheses (PDF allows them unescaped), other bytes.
  const literal = (name: string) =>
    new RegExp(`/${name}\\s*\\(((?:\\\\.|\\([^()]*\\)|[^\\\\()])*)\\)`).exec(text)?.[1];
  return { m: literal("M"), reason: literal("Reason")?.replace(/\\(.)/g, "$1") };
}

export function checkPdfSignature(pdf: Uint8Array, trusted: readonly CertificateInfo[]): PdfSignatureReport {
  const embedded = readEmbeddedSignature(pdf);
  if (!embedded)
    return { present: false, valid: false, coversWholeFile: false, trusted: false, problem: "no signature" };
  const fields = dictionaryFields(pdf, embedded.byteRange[1]);
  const base = {
    present: true,
    coversWholeFile: embedded.coversWholeFile,
    signingTime: pdfDate(fields.m),
    reason: fields.reason,
  };
  try {
    const info = readContentInfo(embedded.cms);
    if (info.type !== CMS_OIDS.signedData) throw new Error("the signature is not CMS SignedData");
    const signed = readSignedData(info.content);
    const signer = signed.signers[0];
    if (!signer?.signedAttributes || !signer.signedAttributesDer)
      throw new Error("the signature has no signed attributes");
    const serial = signer.serialNumber;
    const certificates = signed.certificates.map(readCertificate);
    const certificate =
      certificates.find((c) => serial && Buffer.from(c.serialNumber).equals(Buffer.from(serial))) ??
      certificates[0];
    if (!certificate) throw new Error("the signature carries no certificate");
    const digestValue = signer.signedAttributes.find((a) => a.type === CMS_OIDS.messageDigest)?.values[0];
    const digest = digestValue?.tag === OCTET_STRING ? digestValue.contents : undefined;
    const signerView = {
      commonName: certificate.commonName,
      subject: certificate.subject,
      fingerprint: certificate.fingerprint,
    };
    const isTrusted = trusted.some((t) => t.fingerprint === certificate.fingerprint);
    if (!digest || !Buffer.from(digest).equals(Buffer.from(sha256(embedded.signedBytes)))) {
      return {
        ...base,
        valid: false,
        trusted: isTrusted,
        signer: signerView,
        problem: "the file was changed after it was signed (digest mismatch)",
      };
    }
    if (!verifyWith(certificate.publicKey, signer.signedAttributesDer, signer.signature)) {
      return {
        ...base,
        valid: false,
        trusted: isTrusted,
        signer: signerView,
        problem: "the signature value does not verify",
      };
    }
    if (!embedded.coversWholeFile) {
      return {
        ...base,
        valid: false,
        trusted: isTrusted,
        signer: signerView,
        problem: "content was appended after signing",
      };
    }
    const timestamp = timestampOf(signer);
    if (timestamp && !timestamp.valid) {
      return {
        ...base,
        valid: false,
        trusted: isTrusted,
        signer: signerView,
        timestamp,
        problem:
          "the signature's timestamp does not hold (not over this signature, or not signed by its authority)",
      };
    }
    return {
      ...base,
      valid: true,
      trusted: isTrusted,
      signer: signerView,
      ...(timestamp ? { timestamp } : {}),
      ...(isTrusted ? {} : { problem: "signed by a certificate this gazette does not use" }),
    };
  } catch (error) {
    return {
      ...base,
      valid: false,
      trusted: false,
      problem: `unreadable signature: ${(error as Error).message}`,
    };
  }
}

/**
 * Reading CMS SignedData (RFC 5652) as the verifiers meet it: a PDF signature's CMS
 * (verify/pdf-signature.ts) and an RFC 3161 timestamp token (timestamp-token.ts). Only what they
 * check is read: the encapsulated content, the certificates, and each signer's serial number,
 * digest algorithm, attributes and signature value. DER by hand (der.ts).
 */
import {
  children,
  context,
  type DerElement,
  derSetOf,
  expectTag,
  INTEGER,
  OCTET_STRING,
  parseDer,
  readOid,
  SEQUENCE,
  SET,
  stringBytes,
} from "./der.js";

/** Attribute ::= SEQUENCE { attrType OID, attrValues SET OF value } */
export interface CmsAttribute {
  readonly type: string;
  readonly values: readonly DerElement[];
  /** The attribute's encoding. */
  readonly bytes: Uint8Array;
}

export interface CmsSignerInfo {
  /** The serial number (INTEGER contents) of an IssuerAndSerialNumber signer identifier. */
  readonly serialNumber?: Uint8Array | undefined;
  /** The digest algorithm's OID. */
  readonly digestAlgorithm: string;
  /** The signed attributes; undefined when the signer has none. */
  readonly signedAttributes?: readonly CmsAttribute[] | undefined;
  /** What the signature value is over: the signed attributes as a DER SET OF. */
  readonly signedAttributesDer?: Uint8Array | undefined;
  readonly signature: Uint8Array;
  readonly unsignedAttributes: readonly CmsAttribute[];
}

export interface CmsSignedData {
  /** eContentType of the encapsulated content. */
  readonly contentType: string;
  /** eContent's octets; undefined when detached. */
  readonly content?: Uint8Array | undefined;
  /** The DER of each X.509 certificate the SignedData carries (other certificate types left out). */
  readonly certificates: readonly Uint8Array[];
  readonly signers: readonly CmsSignerInfo[];
}

/** ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY } */
export function readContentInfo(bytes: Uint8Array): { type: string; content: DerElement } {
  const [type, content] = children(expectTag(parseDer(bytes), SEQUENCE, "the ContentInfo"));
  return {
    type: readOid(type!),
    content: children(expectTag(content, context(0), "the ContentInfo's content"))[0]!,
  };
}

function attributes(set: DerElement): CmsAttribute[] {
  return children(set).map((attribute) => {
    const [type, values] = children(expectTag(attribute, SEQUENCE, "an attribute"));
    return {
      type: readOid(type!),
      values: children(expectTag(values, SET, "an attribute's values")),
      bytes: attribute.bytes,
    };
  });
}

function signerInfo(element: DerElement): CmsSignerInfo {
  const fields = children(expectTag(element, SEQUENCE, "a SignerInfo"));
  let at = 1; // version
  const sid = fields[at++];
  const serialNumber =
    sid?.tag === SEQUENCE
      ? expectTag(children(sid)[1], INTEGER, "the signer's serial number").contents
      : undefined;
  const digestAlgorithm = readOid(
    children(expectTag(fields[at++], SEQUENCE, "the signer's digest algorithm"))[0]!,
  );
  const signed = fields[at]?.tag === context(0) ? attributes(fields[at++]!) : undefined;
  expectTag(fields[at++], SEQUENCE, "the signer's signature algorithm");
  const signature = octets(fields[at++]);
  const unsigned = fields[at]?.tag === context(1) ? attributes(fields[at++]!) : [];
  return {
    serialNumber,
    digestAlgorithm,
    signedAttributes: signed,
    signedAttributesDer: signed && derSetOf(signed.map((a) => a.bytes)),
    signature,
    unsignedAttributes: unsigned,
  };
}

/** An OCTET STRING's octets (BER: also constructed of segments). */
function octets(element: DerElement | undefined): Uint8Array {
  if (!element || (element.tag & ~0x20) !== OCTET_STRING)
    return expectTag(undefined, OCTET_STRING, "an octet string").contents;
  return stringBytes(element);
}

/** SignedData (the content of a ContentInfo of type signedData). */
export function readSignedData(element: DerElement): CmsSignedData {
  const fields = children(expectTag(element, SEQUENCE, "the SignedData"));
  const [eContentType, eContent] = children(expectTag(fields[2], SEQUENCE, "the encapsulated content"));
  let at = 3;
  const certificates =
    fields[at]?.tag === context(0)
      ? children(fields[at++]!)
          .filter((c) => c.tag === SEQUENCE)
          .map((c) => c.bytes)
      : [];
  if (fields[at]?.tag === context(1)) at++; // CRLs
  const signers = children(expectTag(fields[at], SET, "the SignedData's signers")).map(signerInfo);
  return {
    contentType: readOid(eContentType!),
    content: eContent && octets(children(expectTag(eContent, context(0), "the eContent"))[0]),
    certificates,
    signers,
  };
}

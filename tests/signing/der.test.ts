import { generateKeyPairSync } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { TimeStampReq } from "@peculiar/asn1-tsp";
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  Certificate,
  Name,
  RelativeDistinguishedName,
} from "@peculiar/asn1-x509";
import fc from "fast-check";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { readCertificate, selfIssueCertificate, selfSignatureValid } from "../../src/signing/certificate.js";
import { signDetachedCms } from "../../src/signing/cms.js";
import { children, type DerElement, derLength, parseDer } from "../../src/signing/der.js";
import { LocalSigningKey } from "../../src/signing/local-key.js";
import { readEmbeddedSignature, signInPlace } from "../../src/signing/pades.js";
import { reserveSignature } from "../../src/signing/placeholder.js";
import { readContentInfo, readSignedData } from "../../src/signing/signed-data.js";
import { timestampRequest } from "../../src/signing/timestamp.js";
import { checkPdfSignature } from "../../src/verify/pdf-signature.js";
import * as schemas from "../support/peculiar-certificate.js";

/**
 * The signer writes and reads its ASN.1 by hand (src/signing/der.ts): the certificate it issues,
 * its timestamp requests, and the certificates, CMS and timestamp tokens it reads. Each is
 * compared here with @peculiar's schemas, which wrote and read them before (the earlier
 * certificate code is tests/support/peculiar-certificate.ts); the timestamp tokens with the test
 * authority, built with those schemas, and PKI.js (timestamp.test.ts).
 */

function newKey() {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return new LocalSigningKey("local-0000000000000000", privateKey);
}

const subjects = fc.record({
  name: fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }),
  publisher: fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }),
});
/** Whole and fractional seconds, both time encodings (UTCTime through 2049, GeneralizedTime after). */
const starts = fc.date({
  min: new Date("1950-01-01T00:00:00Z"),
  max: new Date("2199-12-31T23:59:59Z"),
  noInvalidDate: true,
});

/**
 * The same CMS with the lengths of its outer layers indefinite (BER), as streaming signers write
 * it (`openssl cms -sign -stream`): ContentInfo, its content, SignedData and the SignedData's
 * parts; certificates and signer infos stay DER, as their signatures are over their DER.
 */
function indefinite(element: DerElement, depth = 3): Uint8Array {
  if (!(element.tag & 0x20) || depth === 0) return element.bytes;
  return Buffer.concat([
    new Uint8Array([element.tag, 0x80]),
    ...children(element).map((child) => indefinite(child, depth - 1)),
    new Uint8Array([0, 0]),
  ]);
}

/** A reading with its bytes as hex (Buffer and Uint8Array alike). */
const hexView = (value: unknown) =>
  JSON.parse(
    JSON.stringify(value, (_, v) =>
      v instanceof Uint8Array
        ? Buffer.from(v).toString("hex")
        : v && typeof v === "object" && v.type === "Buffer"
          ? Buffer.from(v.data).toString("hex")
          : v,
    ),
  );

describe("the signer's ASN.1, by hand", () => {
  it("issues, but for its signature value, byte for byte the certificate @peculiar's X.509 schemas issued, for any subject and start", async () => {
    // Prepare
    const key = newKey();

    await fc.assert(
      fc.asyncProperty(subjects, starts, async (subject, start) => {
        // Act
        const mine = readCertificate(await selfIssueCertificate(key, subject, start));
        const theirs = readCertificate(await schemas.selfIssueCertificate(key, subject, start));

        // Assess
        expect(Buffer.from(mine.tbs).toString("hex")).toBe(Buffer.from(theirs.tbs).toString("hex"));
        expect(selfSignatureValid(mine)).toBe(true);
        expect(schemas.selfSignatureValid(schemas.readCertificate(mine.der))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("reads a certificate as @peculiar's schemas read it: subject, names of every string type, validity, key, serial", async () => {
    // Prepare: names written with the schemas, in the string types a directory name may use.
    const key = newKey();
    const spki = await key.publicKey();
    const template = AsnConvert.parse(
      await schemas.selfIssueCertificate(key, { name: "公报", publisher: "办公厅" }, new Date()),
      Certificate,
    );
    const values = fc.oneof(
      fc
        .string({ unit: "grapheme", minLength: 1, maxLength: 20 })
        .map((s) => new AttributeValue({ utf8String: s })),
      fc
        .string({ unit: "binary-ascii", minLength: 1, maxLength: 20 })
        .map((s) => new AttributeValue({ ia5String: s })),
      fc
        .stringMatching(/^[A-Za-z0-9 '()+,./:=?-]{1,20}$/)
        .map((s) => new AttributeValue({ printableString: s })),
      fc
        .string({ unit: "binary", minLength: 1, maxLength: 20 })
        .map((s) => new AttributeValue({ bmpString: s.replace(/[\u{10000}-\u{10FFFF}]/gu, "?") })),
    );
    const oids = fc.constantFrom("2.5.4.3", "2.5.4.10", "2.5.4.6", "2.5.4.11", "0.9.2342.19200300.100.1.25");
    const names = fc.array(fc.array(fc.tuple(oids, values), { minLength: 1, maxLength: 2 }), {
      minLength: 1,
      maxLength: 4,
    });

    await fc.assert(
      fc.property(names, starts, (rdns, start) => {
        const name = new Name(
          rdns.map(
            (atvs) =>
              new RelativeDistinguishedName(
                atvs.map(([type, value]) => new AttributeTypeAndValue({ type, value })),
              ),
          ),
        );
        template.tbsCertificate.subject = name;
        template.tbsCertificate.validity.notBefore.utcTime = undefined;
        template.tbsCertificate.validity.notBefore.generalTime = undefined;
        if (start.getUTCFullYear() < 2050)
          template.tbsCertificate.validity.notBefore.utcTime = new Date(
            Math.floor(start.getTime() / 1000) * 1000,
          );
        else
          template.tbsCertificate.validity.notBefore.generalTime = new Date(
            Math.floor(start.getTime() / 1000) * 1000,
          );
        const bytes = new Uint8Array(AsnConvert.serialize(template));

        // Act
        const mine = readCertificate(bytes);
        const theirs = schemas.readCertificate(bytes);

        // Assess
        expect({
          subject: mine.subject,
          commonName: mine.commonName,
          notBefore: mine.notBefore,
          notAfter: mine.notAfter,
          fingerprint: mine.fingerprint,
        }).toEqual({
          subject: theirs.subject,
          commonName: theirs.commonName,
          notBefore: theirs.notBefore,
          notAfter: theirs.notAfter,
          fingerprint: theirs.fingerprint,
        });
        expect(Buffer.from(mine.publicKey).equals(Buffer.from(spki))).toBe(true);
        expect(
          Buffer.from(mine.serialNumber).equals(Buffer.from(theirs.parsed.tbsCertificate.serialNumber)),
        ).toBe(true);
        expect(
          Buffer.from(mine.issuer).equals(
            Buffer.from(AsnConvert.serialize(theirs.parsed.tbsCertificate.issuer)),
          ),
        ).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("refuses to read what is not a certificate", () => {
    expect(() => readCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]))).toThrow();
    expect(() => readCertificate(new Uint8Array([0x30, 0x85, 1, 2, 3, 4, 5]))).toThrow();
    expect(() => readCertificate(new Uint8Array([0x30]))).toThrow();
  });

  it("asks a timestamp authority with the request @peculiar's TSP schema writes: v1, a SHA-256 imprint, the nonce, certReq", async () => {
    await fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        (data, nonce) => {
          nonce[0] = (nonce[0]! & 0x7f) | 0x01;
          // Act
          const request = timestampRequest(data, nonce);
          const read = AsnConvert.parse(request, TimeStampReq);

          // Assess
          expect(read.version).toBe(1);
          expect(read.certReq).toBe(true);
          expect(read.messageImprint.hashAlgorithm).toEqual(
            new AlgorithmIdentifier({ algorithm: "2.16.840.1.101.3.4.2.1" }),
          );
          expect(Buffer.from(read.nonce!).equals(Buffer.from(nonce))).toBe(true);
          expect(Buffer.from(AsnConvert.serialize(read)).equals(Buffer.from(request))).toBe(true);
        },
      ),
    );
  });

  it("reads a CMS with indefinite (BER) lengths as its DER form", async () => {
    // Prepare
    const key = newKey();
    const certificate = await selfIssueCertificate(key, { name: "公报", publisher: "办公厅" }, new Date());

    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 500 }), async (content) => {
        const cms = await signDetachedCms(content, key, [certificate]);
        const ber = indefinite(parseDer(cms));

        // Act
        const fromDer = readSignedData(readContentInfo(cms).content);
        const fromBer = readSignedData(readContentInfo(ber).content);

        // Assess
        expect([...ber.subarray(0, 2)]).toEqual([0x30, 0x80]);
        expect(hexView(fromBer)).toEqual(hexView(fromDer));
        expect(fromDer.certificates.map((c) => Buffer.from(c).toString("hex"))).toEqual([
          Buffer.from(certificate).toString("hex"),
        ]);
      }),
      { numRuns: 20 },
    );
  });

  it("verifies a PDF whose signature's CMS another signer wrote with indefinite lengths", async () => {
    // Prepare: the CMS in /Contents re-encoded as BER (it is outside the signed ByteRange).
    const key = newKey();
    const certificate = await selfIssueCertificate(key, { name: "公报", publisher: "办公厅" }, new Date());
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]);
    reserveSignature(doc, {
      signingTime: "2025-03-01T02:00:00Z",
      reason: "test",
      location: "https://gazette.example.gov.cn",
      contactInfo: "https://gazette.example.gov.cn/verify",
      contentsBytes: 8 * 1024,
    });
    const signed = await signInPlace(await doc.save({ useObjectStreams: false }), key, [certificate]);
    const embedded = readEmbeddedSignature(signed)!;
    const derHex = Buffer.from(embedded.cms).toString("hex").toUpperCase();
    const berHex = Buffer.from(indefinite(parseDer(embedded.cms)))
      .toString("hex")
      .toUpperCase();
    const text = Buffer.from(signed).toString("latin1");
    const at = text.search(new RegExp(derHex, "i"));
    const rewritten = Buffer.from(text.slice(0, at) + berHex + text.slice(at + berHex.length), "latin1");

    // Act
    const report = checkPdfSignature(new Uint8Array(rewritten), [readCertificate(certificate)]);

    // Assess
    expect(at).toBeGreaterThan(0);
    expect([...readEmbeddedSignature(new Uint8Array(rewritten))!.cms.subarray(0, 2)]).toEqual([0x30, 0x80]);
    expect(report).toMatchObject({ valid: true, trusted: true });
  });

  it("writes lengths in their shortest DER form", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (length) => {
        const bytes = derLength(length);
        if (length < 0x80) expect([...bytes]).toEqual([length]);
        else {
          expect(bytes[0]! & 0x80).toBe(0x80);
          expect(bytes[1]).not.toBe(0);
          expect(bytes.subarray(1).reduce((n, b) => n * 256 + b, 0)).toBe(length);
        }
      }),
    );
  });
});

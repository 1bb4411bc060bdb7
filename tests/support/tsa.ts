/**
 * An RFC 3161 timestamp authority in the test process: an HTTP server on 127.0.0.1 that answers
 * application/timestamp-query with a token (TSTInfo in a CMS SignedData, ECDSA P-256, its
 * self-issued certificate included), built with @peculiar/asn1-tsp and asn1-cms. Modes make it
 * misbehave the ways a client must notice.
 */
import { createHash, generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  ContentInfo,
  DigestAlgorithmIdentifiers,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from "@peculiar/asn1-cms";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
  id_ct_tstInfo,
  MessageImprint,
  PKIFreeText,
  PKIStatus,
  PKIStatusInfo,
  TimeStampReq,
  TimeStampResp,
  TSTInfo,
} from "@peculiar/asn1-tsp";
import { AlgorithmIdentifier, Certificate } from "@peculiar/asn1-x509";
import { selfIssueCertificate } from "../../src/signing/certificate.js";
import { LocalSigningKey } from "../../src/signing/local-key.js";

export type TsaMode = "grant" | "reject" | "wrong-imprint" | "wrong-nonce" | "garbage" | "http-error";

export interface TestTsa {
  readonly url: string;
  /** Requests answered so far. */
  readonly requests: () => number;
  /** The time the authority puts in its tokens. */
  readonly genTime: Date;
  mode: TsaMode;
  close(): Promise<void>;
}

const SHA256 = "2.16.840.1.101.3.4.2.1";
const ECDSA_SHA256 = "1.2.840.10045.4.3.2";
const CONTENT_TYPE = "1.2.840.113549.1.9.3";
const MESSAGE_DIGEST = "1.2.840.113549.1.9.4";
/** DER OBJECT IDENTIFIER 1.2.840.113549.1.9.16.1.4 (id-ct-TSTInfo). */
const TST_INFO_OID_DER = new Uint8Array([
  0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x01, 0x04,
]);

const buffer = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer;

export async function startTestTsa(genTime = new Date("2025-03-01T02:00:05Z")): Promise<TestTsa> {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const key = new LocalSigningKey("tsa", privateKey);
  const certificateDer = await selfIssueCertificate(
    key,
    { name: "Test Time-Stamp Authority", publisher: "Test TSA" },
    genTime,
  );
  const certificate = AsnConvert.parse(certificateDer, Certificate);
  let serial = 0;
  let answered = 0;

  async function token(request: TimeStampReq, mode: TsaMode): Promise<ContentInfo> {
    const imprint =
      mode === "wrong-imprint"
        ? new MessageImprint({
            hashAlgorithm: request.messageImprint.hashAlgorithm,
            hashedMessage: new OctetString(createHash("sha256").update("something else").digest()),
          })
        : request.messageImprint;
    const tst = new TSTInfo({
      version: 1,
      policy: "1.3.6.1.4.1.4146.2.3",
      messageImprint: imprint,
      serialNumber: new Uint8Array([++serial]).buffer,
      genTime,
      ordering: false,
      ...(request.nonce
        ? { nonce: mode === "wrong-nonce" ? new Uint8Array([0x42]).buffer : request.nonce }
        : {}),
    });
    const content = new Uint8Array(AsnConvert.serialize(tst));
    const digest = createHash("sha256").update(content).digest();
    const attributes = [
      new Attribute({ attrType: CONTENT_TYPE, attrValues: [buffer(TST_INFO_OID_DER)] }),
      new Attribute({
        attrType: MESSAGE_DIGEST,
        attrValues: [AsnConvert.serialize(new OctetString(new Uint8Array(digest)))],
      }),
    ];
    const encoded = attributes.map((a) => Buffer.from(AsnConvert.serialize(a)));
    const order = encoded.map((e, n) => ({ e, n })).sort((x, y) => Buffer.compare(x.e, y.e));
    const setBody = Buffer.concat(order.map(({ e }) => e));
    const head =
      setBody.length < 128 ? Buffer.from([0x31, setBody.length]) : Buffer.from([0x31, 0x81, setBody.length]);
    const signature = await key.sign(new Uint8Array(Buffer.concat([head, setBody])));
    const signed = new SignedData({
      version: 3,
      digestAlgorithms: new DigestAlgorithmIdentifiers([new AlgorithmIdentifier({ algorithm: SHA256 })]),
      encapContentInfo: new EncapsulatedContentInfo({
        eContentType: id_ct_tstInfo,
        eContent: new EncapsulatedContent({ single: new OctetString(content) }),
      }),
      certificates: new CertificateSet([new CertificateChoices({ certificate })]),
      signerInfos: new SignerInfos([
        new SignerInfo({
          version: 1,
          sid: new SignerIdentifier({
            issuerAndSerialNumber: new IssuerAndSerialNumber({
              issuer: certificate.tbsCertificate.issuer,
              serialNumber: certificate.tbsCertificate.serialNumber,
            }),
          }),
          digestAlgorithm: new AlgorithmIdentifier({ algorithm: SHA256 }),
          signedAttrs: order.map(({ n }) => attributes[n]!),
          signatureAlgorithm: new AlgorithmIdentifier({ algorithm: ECDSA_SHA256 }),
          signature: new OctetString(signature),
        }),
      ]),
    });
    return new ContentInfo({ contentType: "1.2.840.113549.1.7.2", content: AsnConvert.serialize(signed) });
  }

  const tsa: TestTsa = {
    url: "",
    mode: "grant",
    genTime,
    requests: () => answered,
    close: () => new Promise((done) => server.close(() => done())),
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      answered++;
      const mode = tsa.mode;
      if (mode === "http-error") {
        res.writeHead(503).end();
        return;
      }
      if (mode === "garbage") {
        res.writeHead(200, { "content-type": "application/timestamp-reply" }).end("not DER");
        return;
      }
      const request = AsnConvert.parse(Buffer.concat(chunks), TimeStampReq);
      const response =
        mode === "reject"
          ? new TimeStampResp({
              status: new PKIStatusInfo({
                status: PKIStatus.rejection,
                statusString: new PKIFreeText(["policy not accepted"]),
              }),
            })
          : new TimeStampResp({
              status: new PKIStatusInfo({ status: PKIStatus.granted }),
              timeStampToken: await token(request, mode),
            });
      res
        .writeHead(200, { "content-type": "application/timestamp-reply" })
        .end(Buffer.from(AsnConvert.serialize(response)));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", () => done()));
  Object.assign(tsa, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa` });
  return tsa;
}

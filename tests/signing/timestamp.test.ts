import { createHash, generateKeyPairSync } from "node:crypto";
import * as pkijs from "pkijs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyOffline } from "../../src/cli/verify.js";
import { loadConfig } from "../../src/config.js";
import { fromPem, readCertificate, selfIssueCertificate } from "../../src/signing/certificate.js";
import { CMS_OIDS } from "../../src/signing/cms.js";
import { listKeyring } from "../../src/signing/keyring.js";
import { LocalSigningKey } from "../../src/signing/local-key.js";
import { readEmbeddedSignature, signInPlace } from "../../src/signing/pades.js";
import { reserveSignature } from "../../src/signing/placeholder.js";
import { TimestampError, timestampAuthority } from "../../src/signing/timestamp.js";
import { checkPdfSignature } from "../../src/verify/pdf-signature.js";
import { createTestApp, type TestApp } from "../support/local-app.js";
import { nssDatabase, PDF_TOOLS_PRESENT, PDF_TOOLS_REQUIRED, pdfsig } from "../support/pdf-tools.js";
import { publishOneDocument } from "../support/publish-edition.js";
import { startTestTsa, type TestTsa } from "../support/tsa.js";

/**
 * Issue 14 point 2: with a timestamp authority configured (GAZETTE_TSA_URL), every PDF signature
 * is PAdES B-T: an RFC 3161 token over the signature value, as the unsigned attribute
 * signature-time-stamp-token. A second library (PKI.js) reads and verifies the token; pdfsig still
 * finds the signature valid; the verifiers report the authority's time; a token over anything else
 * is caught. An authority that misbehaves fails the signing instead of being skipped.
 */
describe("PAdES B-T: signatures timestamped by an RFC 3161 authority", () => {
  let tsa: TestTsa;
  let app: TestApp;
  let pdfs: Uint8Array[];

  beforeAll(async () => {
    tsa = await startTestTsa();
    app = createTestApp({ env: { GAZETTE_TSA_URL: tsa.url } });
    const files = await publishOneDocument(app, "2024-06-15");
    pdfs = [];
    for (const url of [files.pdf, files.documentPdf]) {
      pdfs.push(new Uint8Array(await (await app.request(url, { editor: false })).arrayBuffer()));
    }
  }, 180_000);
  afterAll(async () => {
    app.close();
    await tsa.close();
  });

  it("stamps every published PDF's signature value with a token PKI.js verifies", async () => {
    expect(tsa.requests()).toBeGreaterThanOrEqual(2);
    for (const pdf of pdfs) {
      const embedded = readEmbeddedSignature(pdf)!;
      expect(embedded.coversWholeFile).toBe(true);
      const signed = new pkijs.SignedData({
        schema: pkijs.ContentInfo.fromBER(embedded.cms.slice().buffer).content,
      });
      const signer = signed.signerInfos[0]!;
      const stamp = signer.unsignedAttrs?.attributes.find((a) => a.type === CMS_OIDS.signatureTimeStampToken);
      expect(stamp).toBeDefined();
      const token = new pkijs.SignedData({
        schema: new pkijs.ContentInfo({ schema: stamp!.values[0] }).content,
      });
      expect(token.encapContentInfo.eContentType).toBe("1.2.840.113549.1.9.16.1.4");
      const tstInfo = pkijs.TSTInfo.fromBER(token.encapContentInfo.eContent!.getValue());
      expect(tstInfo.genTime.toISOString()).toBe(tsa.genTime.toISOString());
      const signatureValue = new Uint8Array(signer.signature.valueBlock.valueHexView);
      expect(Buffer.from(tstInfo.messageImprint.hashedMessage.valueBlock.valueHexView).toString("hex")).toBe(
        createHash("sha256").update(signatureValue).digest("hex"),
      );
      expect(await token.verify({ signer: 0, data: signatureValue.slice().buffer, checkChain: false })).toBe(
        true,
      );
      // The PDF signature itself is as valid as at B-B.
      const verified = await signed.verify({
        signer: 0,
        data: embedded.signedBytes.slice().buffer,
        checkChain: false,
      });
      expect(verified).toBe(true);
    }
  });

  it("is valid for pdfsig and reported with the authority's time by POST /api/verify and gazette verify", async () => {
    const pem = (await listKeyring(app.container.platform.records))[0]!.pem;
    if (PDF_TOOLS_PRESENT) {
      const nss = nssDatabase([pem]);
      try {
        for (const pdf of pdfs)
          expect(pdfsig(pdf, nss.dir)).toContain("Signature Validation: Signature is Valid.");
      } finally {
        nss.close();
      }
    } else expect(PDF_TOOLS_REQUIRED, "pdfsig and certutil are required in CI").toBe(false);

    const res = await app.request("/api/verify", {
      method: "POST",
      headers: { "content-type": "application/pdf" },
      body: new Blob([new Uint8Array(pdfs[0]!)]),
      editor: false,
    });
    const report = (await res.json()) as {
      verdict: string;
      signature: { timestamp?: { time: string; authority: string; valid: boolean } };
    };
    expect(report.verdict).toBe("authentic");
    expect(report.signature.timestamp).toEqual({
      time: tsa.genTime.toISOString(),
      authority: expect.stringContaining("Test Time-Stamp Authority"),
      valid: true,
    });
    const lines = verifyOffline({ file: pdfs[0]!, certificates: [readCertificate(fromPem(pem)[0]!)] });
    expect(lines).toContain(
      `timestamped at: ${tsa.genTime.toISOString()} by C=CN, O=Test TSA, CN=Test Time-Stamp Authority (RFC 3161)`,
    );
    expect(lines).toContain("reason: Official electronic edition 2024 No. 1 (cumulative 1)");
  });

  it("catches a timestamp token that is over something else than the signature", async () => {
    const { PDFDocument } = await import("pdf-lib");
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const key = new LocalSigningKey("local-0000000000000000", privateKey);
    const certificate = await selfIssueCertificate(key, { name: "公报", publisher: "办公厅" }, new Date());
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]);
    reserveSignature(doc, {
      signingTime: "2025-03-01T02:00:00Z",
      reason: "test",
      location: "https://gazette.example.gov.cn",
      contactInfo: "https://gazette.example.gov.cn/verify",
      contentsBytes: 16 * 1024,
    });
    const prepared = await doc.save({ useObjectStreams: false });
    const authority = timestampAuthority({ url: tsa.url });
    const honest = await signInPlace(prepared, key, [certificate], { timestamp: authority });
    const swapped = await signInPlace(prepared, key, [certificate], {
      timestamp: () => authority(new TextEncoder().encode("another signature")),
    });
    const trusted = [readCertificate(certificate)];
    expect(checkPdfSignature(honest, trusted)).toMatchObject({ valid: true, timestamp: { valid: true } });
    expect(checkPdfSignature(swapped, trusted)).toMatchObject({
      valid: false,
      timestamp: { valid: false },
      problem: expect.stringContaining("timestamp"),
    });
  });

  it.each([
    ["reject", /refused \(status 2: policy not accepted\)/],
    ["wrong-imprint", /not over the signature value/],
    ["wrong-nonce", /nonce/],
    ["garbage", /not a TimeStampResp/],
    ["http-error", /HTTP 503/],
  ] as const)("refuses an authority that answers %s", async (mode, message) => {
    tsa.mode = mode;
    try {
      const stamp = timestampAuthority({ url: tsa.url });
      const error = await stamp(new Uint8Array([1, 2, 3])).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimestampError);
      expect((error as Error).message).toMatch(message);
    } finally {
      tsa.mode = "grant";
    }
  });

  it("refuses a GAZETTE_TSA_URL that is not an http(s) URL at start", () => {
    expect(() => loadConfig({ GAZETTE_TSA_URL: "ftp://tsa.example" })).toThrow(/GAZETTE_TSA_URL/);
    expect(() => loadConfig({ GAZETTE_TSA_URL: "not a url" })).toThrow(/GAZETTE_TSA_URL/);
    expect(loadConfig({ GAZETTE_TSA_URL: "https://tsa.example/tsr" }).signing.timestampUrl).toBe(
      "https://tsa.example/tsr",
    );
  });

  it("refuses an authority that cannot be reached", async () => {
    const stamp = timestampAuthority({ url: "http://127.0.0.1:9/tsa", timeoutMs: 2000 });
    await expect(stamp(new Uint8Array([1]))).rejects.toThrow(/cannot be reached/);
  });
});

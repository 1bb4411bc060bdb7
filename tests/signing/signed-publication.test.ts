import { createHash } from "node:crypto";
import { compactVerify, importX509 } from "jose";
import * as pkijs from "pkijs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromPem, readCertificate } from "../../src/signing/certificate.js";
import { CMS_OIDS } from "../../src/signing/cms.js";
import { listKeyring } from "../../src/signing/keyring.js";
import { readEmbeddedSignature } from "../../src/signing/pades.js";
import { aSubmission } from "../support/factories.js";
import { createTestApp, type TestApp } from "../support/local-app.js";
import { nssDatabase, PDF_TOOLS_PRESENT, PDF_TOOLS_REQUIRED, pdfsig } from "../support/pdf-tools.js";

/**
 * Issue 14 points 2, 3 and 6: every PDF a publication writes carries a PAdES B-B signature that
 * poppler's pdfsig reports valid with the deployment's certificate trusted, whose CMS a second
 * library (PKI.js) parses and verifies; the manifest is a JWS a standard JOSE library verifies,
 * chained to the previous edition's manifest by hash.
 */

interface Manifest {
  edition: { id: string };
  publishedAt: string;
  artifacts: { url: string; sha256: string; bytes: number }[];
  previous?: { edition: string; url: string; sha256: string } | null;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("a published edition is signed", () => {
  let app: TestApp;
  const manifests: { url: string; bytes: Uint8Array; manifest: Manifest }[] = [];
  let certificatePem: string;

  async function publishEdition(date: string, documents: number): Promise<void> {
    const ids: string[] = [];
    for (let n = 0; n < documents; n++) {
      const res = await app.postJson(aSubmission());
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    const created = await app.request("/api/editions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ year: 2024, date }),
    });
    const { id } = (await created.json()) as { id: string };
    await app.request(`/api/editions/${id}/documents`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ documents: ids }),
    });
    const published = await app.request(`/api/editions/${id}/publish`, { method: "POST" });
    expect(published.status).toBe(200);
    const { edition } = (await published.json()) as { edition: { urls: { manifest: string } } };
    const res = await app.request(edition.urls.manifest, { editor: false });
    const bytes = new Uint8Array(await res.arrayBuffer());
    manifests.push({
      url: edition.urls.manifest,
      bytes,
      manifest: JSON.parse(new TextDecoder().decode(bytes)),
    });
  }

  async function fetchBytes(url: string): Promise<Uint8Array> {
    const res = await app.request(url, { editor: false });
    expect(res.status, url).toBe(200);
    return new Uint8Array(await res.arrayBuffer());
  }

  async function publishedPdfs(): Promise<{ url: string; bytes: Uint8Array; manifest: Manifest }[]> {
    const out = [];
    for (const { manifest } of manifests) {
      for (const a of manifest.artifacts.filter((x) => x.url.endsWith(".pdf"))) {
        out.push({ url: a.url, bytes: await fetchBytes(a.url), manifest });
      }
    }
    return out;
  }

  beforeAll(async () => {
    app = createTestApp();
    await publishEdition("2024-06-15", 2);
    await publishEdition("2024-07-01", 1);
    const keyring = await listKeyring(app.container.platform.records);
    expect(keyring).toHaveLength(1);
    certificatePem = keyring[0]!.pem;
  }, 180_000);
  afterAll(() => app.close());

  it("signs the edition PDF and every document PDF, the manifest listing the signed files", async () => {
    const pdfs = await publishedPdfs();
    expect(pdfs.length).toBe(2 + 1 + 2); // two edition PDFs, three document PDFs
    for (const pdf of pdfs) {
      const signature = readEmbeddedSignature(pdf.bytes);
      expect(signature?.coversWholeFile, pdf.url).toBe(true);
      const listed = pdf.manifest.artifacts.find((a) => a.url === pdf.url)!;
      expect(listed.sha256).toBe(sha256(pdf.bytes));
    }
  });

  it("is reported valid and trusted by poppler's pdfsig, with the gazette's name and the publication time", async () => {
    if (!PDF_TOOLS_PRESENT) {
      expect(
        PDF_TOOLS_REQUIRED,
        "pdfsig and certutil (poppler-utils, libnss3-tools) are required in CI",
      ).toBe(false);
      return;
    }
    const nss = nssDatabase([certificatePem]);
    try {
      for (const pdf of await publishedPdfs()) {
        const report = pdfsig(pdf.bytes, nss.dir);
        expect(report, pdf.url).toContain("Signature Validation: Signature is Valid.");
        expect(report, pdf.url).toContain("Certificate Validation: Certificate is Trusted.");
        expect(report, pdf.url).toContain("Total document signed");
        expect(report, pdf.url).toContain("Signature Type: ETSI.CAdES.detached");
        expect(report, pdf.url).toContain("Signing Hash Algorithm: SHA-256");
        expect(report, pdf.url).toContain(
          `Signer Certificate Common Name: ${app.container.config.gazette.name}`,
        );
        const when = new Date(pdf.manifest.publishedAt);
        const month = when.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
        expect(report, pdf.url).toContain(
          `Signing Time: ${month} ${String(when.getUTCDate()).padStart(2, "0")}`,
        );
      }
    } finally {
      nss.close();
    }
  });

  it("is reported not trusted by pdfsig when the certificate is another deployment's", async () => {
    if (!PDF_TOOLS_PRESENT) {
      expect(PDF_TOOLS_REQUIRED).toBe(false);
      return;
    }
    const other = createTestApp();
    try {
      const [foreign] = await listKeyringAfterSeal(other);
      const nss = nssDatabase([foreign!]);
      try {
        const [pdf] = await publishedPdfs();
        const report = pdfsig(pdf!.bytes, nss.dir);
        expect(report).toContain("Signature Validation: Signature is Valid.");
        expect(report).not.toContain("Certificate is Trusted.");
      } finally {
        nss.close();
      }
    } finally {
      other.close();
    }
  });

  it("carries a PAdES B-B CMS that PKI.js parses and verifies: signing-certificate-v2, no signing-time, the digest of the ByteRange", async () => {
    const certificate = readCertificate(fromPem(certificatePem)[0]!);
    for (const pdf of await publishedPdfs()) {
      const embedded = readEmbeddedSignature(pdf.bytes)!;
      const info = pkijs.ContentInfo.fromBER(embedded.cms.slice().buffer);
      expect(info.contentType).toBe(CMS_OIDS.signedData);
      const signed = new pkijs.SignedData({ schema: info.content });
      expect(signed.encapContentInfo.eContent).toBeUndefined(); // detached
      const signer = signed.signerInfos[0]!;
      const attributes = signer.signedAttrs!.attributes.map((a) => a.type);
      expect(attributes).toEqual(
        expect.arrayContaining([CMS_OIDS.contentType, CMS_OIDS.messageDigest, CMS_OIDS.signingCertificateV2]),
      );
      expect(attributes).not.toContain(CMS_OIDS.signingTime);
      const digest = signer.signedAttrs!.attributes.find((a) => a.type === CMS_OIDS.messageDigest)!;
      const digestHex = Buffer.from(digest.values[0]!.valueBlock.valueHexView).toString("hex");
      expect(digestHex).toBe(sha256(embedded.signedBytes));
      const essHash = signer.signedAttrs!.attributes.find((a) => a.type === CMS_OIDS.signingCertificateV2)!;
      expect(Buffer.from(essHash.values[0]!.toBER()).toString("hex")).toContain(certificate.fingerprint);
      const verified = await signed.verify({
        signer: 0,
        data: embedded.signedBytes.slice().buffer,
        checkChain: false,
      });
      expect(verified).toBe(true);
      // One byte changed in the signed range: PKI.js refuses it.
      const tampered = embedded.signedBytes.slice();
      tampered[100] = tampered[100]! ^ 1;
      const refused = await signed
        .verify({ signer: 0, data: tampered.buffer, checkChain: false })
        .catch(() => false);
      expect(refused).toBe(false);
    }
  });

  it("signs each manifest as a JWS that jose verifies with the certificate, chained to the previous manifest", async () => {
    const publicKey = await importX509(
      `${certificatePem.split("-----END CERTIFICATE-----")[0]!}-----END CERTIFICATE-----\n`,
      "ES256",
    );
    for (const { url, bytes } of manifests) {
      const jws = new TextDecoder().decode(await fetchBytes(`${url}.jws`)).trim();
      const { payload, protectedHeader } = await compactVerify(jws, publicKey);
      expect(Buffer.from(payload).equals(Buffer.from(bytes))).toBe(true);
      expect(protectedHeader.alg).toBe("ES256");
    }
    expect(manifests[0]!.manifest.previous).toBeNull();
    expect(manifests[1]!.manifest.previous).toEqual({
      edition: manifests[0]!.manifest.edition.id,
      url: manifests[0]!.url,
      sha256: sha256(manifests[0]!.bytes),
    });
  });
});

/** The keyring of a deployment that has not published: its certificate is made on first use. */
async function listKeyringAfterSeal(app: TestApp): Promise<string[]> {
  const { ensureCertificate } = await import("../../src/signing/keyring.js");
  const { loadOrCreateLocalKey } = await import("../../src/signing/local-key.js");
  const { entry } = await ensureCertificate(
    app.container.platform.records,
    loadOrCreateLocalKey(app.dataDir),
    app.container.config.gazette,
    new Date(),
  );
  return [entry.pem];
}

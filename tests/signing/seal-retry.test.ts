import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import type { RenderedArtifact, SealContext } from "../../src/editions/publish.js";
import { createEmbeddedPlatform } from "../../src/platform/embedded/index.js";
import { renderEditionPdf } from "../../src/publishing/pdf/render-edition.js";
import { listKeyring } from "../../src/signing/keyring.js";
import { loadOrCreateLocalKey } from "../../src/signing/local-key.js";
import { hasReservedSignature, readEmbeddedSignature, signedPart } from "../../src/signing/pades.js";
import { createSealer } from "../../src/signing/seal.js";
import { sampleEdition } from "../publishing/pdf/fixtures.js";
import { nssDatabase, PDF_TOOLS_PRESENT, PDF_TOOLS_REQUIRED, pdfsig } from "../support/pdf-tools.js";

/**
 * Publishing stays deterministic apart from the signature: sealing the same render twice gives
 * files equal outside /Contents, and a retried publication keeps the file an earlier attempt
 * signed (write-once keys compare retries by hash).
 */
describe("sealing a publication", () => {
  async function setup() {
    const dir = mkdtempSync(join(tmpdir(), "gazette-seal-"));
    const platform = createEmbeddedPlatform({ dataDir: dir });
    const sealer = createSealer({
      key: loadOrCreateLocalKey(dir),
      records: platform.records,
      subject: { name: "四川省人民政府公报", publisher: "四川省人民政府办公厅" },
      baseUrl: "https://gazette.example.gov.cn",
      now: () => new Date("2025-03-01T02:00:00Z"),
    });
    const doc = await PDFDocument.create();
    doc.addPage([595, 842]);
    const pdf: RenderedArtifact = {
      key: "editions/2025/1.pdf",
      bytes: await doc.save(),
      contentType: "application/pdf",
      authentic: true,
      role: "edition-pdf",
    };
    const page: RenderedArtifact = {
      key: "editions/2025/1.html",
      bytes: new TextEncoder().encode("<html></html>"),
      contentType: "text/html; charset=utf-8",
      authentic: false,
    };
    const context = (existing: Record<string, Uint8Array> = {}): SealContext => ({
      edition: { id: "1", year: 2025, issue: 1, cumulative: 1, date: "2025-03-01" },
      publishedAt: "2025-03-01T02:00:00.000Z",
      existing: async (key) => existing[key],
    });
    return {
      sealer,
      records: platform.records,
      pdf,
      page,
      context,
      close() {
        platform.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }

  it("signs the PDFs only, and two signings differ inside /Contents alone", async () => {
    const t = await setup();
    try {
      const [first, html] = await t.sealer.sealArtifacts([t.pdf, t.page], t.context());
      const [second] = await t.sealer.sealArtifacts([t.pdf], t.context());
      expect(html!.bytes).toEqual(t.page.bytes);
      expect(readEmbeddedSignature(first!.bytes)?.coversWholeFile).toBe(true);
      expect(Buffer.from(first!.bytes).equals(Buffer.from(second!.bytes))).toBe(false);
      expect(Buffer.from(signedPart(first!.bytes)!).equals(Buffer.from(signedPart(second!.bytes)!))).toBe(
        true,
      );
    } finally {
      t.close();
    }
  });

  it("keeps what an earlier attempt signed when the render is the same, and signs anew when it is not", async () => {
    const t = await setup();
    try {
      const [earlier] = await t.sealer.sealArtifacts([t.pdf], t.context());
      const [retried] = await t.sealer.sealArtifacts([t.pdf], t.context({ [t.pdf.key]: earlier!.bytes }));
      expect(Buffer.from(retried!.bytes).equals(Buffer.from(earlier!.bytes))).toBe(true);

      const doc = await PDFDocument.create();
      doc.addPage([595, 842]);
      doc.addPage([595, 842]);
      const changed = { ...t.pdf, bytes: await doc.save() };
      const [fresh] = await t.sealer.sealArtifacts([changed], t.context({ [t.pdf.key]: earlier!.bytes }));
      expect(Buffer.from(fresh!.bytes).equals(Buffer.from(earlier!.bytes))).toBe(false);
      expect(readEmbeddedSignature(fresh!.bytes)?.coversWholeFile).toBe(true);
    } finally {
      t.close();
    }
  });

  it("signs a PDF rendered with its signature reserved by patching it: same length, nothing else changed, pdfsig valid over the whole file", async () => {
    const t = await setup();
    try {
      const context = t.context();
      const reservation = await t.sealer.reserve(context);
      const rendered = await renderEditionPdf(sampleEdition, { signature: reservation });
      const pdfs = [rendered.pdf, ...rendered.documentPdfs.values()];
      expect(pdfs.every(hasReservedSignature)).toBe(true);
      const sealed = await t.sealer.sealArtifacts(
        pdfs.map((bytes, n) => ({ ...t.pdf, key: `documents/${n}.pdf`, bytes })),
        context,
      );
      for (const [n, artifact] of sealed.entries()) {
        const before = pdfs[n]!;
        const after = artifact.bytes;
        expect(after.byteLength).toBe(before.byteLength);
        const signature = readEmbeddedSignature(after)!;
        expect(signature.coversWholeFile).toBe(true);
        // Outside /ByteRange's text and /Contents, the signed file is the rendered one.
        const [, contentsStart, contentsEnd] = signature.byteRange;
        const byteRangeAt = Buffer.from(after).lastIndexOf("/ByteRange");
        const differing = [...after.keys()].filter((i) => after[i] !== before[i]);
        expect(
          differing.every(
            (i) => (i > contentsStart && i < contentsEnd - 1) || (i >= byteRangeAt && i < byteRangeAt + 60),
          ),
        ).toBe(true);
      }
      if (PDF_TOOLS_PRESENT) {
        const [pem] = (await listKeyring(t.records)).map((c) => c.pem);
        const nss = nssDatabase([pem!]);
        try {
          for (const artifact of sealed) {
            const report = pdfsig(artifact.bytes, nss.dir);
            expect(report).toContain("Signature Validation: Signature is Valid.");
            expect(report).toContain("Certificate Validation: Certificate is Trusted.");
            expect(report).toContain("Total document signed");
          }
        } finally {
          nss.close();
        }
      } else expect(PDF_TOOLS_REQUIRED, "pdfsig and certutil are required in CI").toBe(false);
    } finally {
      t.close();
    }
  });

  it("refuses a CMS too big for the room the render reserved, rather than writing past it", async () => {
    const t = await setup();
    try {
      const reservation = { ...(await t.sealer.reserve(t.context())), contentsBytes: 64 };
      const rendered = await renderEditionPdf(sampleEdition, { signature: reservation, documentPdfs: false });
      await expect(t.sealer.sealArtifacts([{ ...t.pdf, bytes: rendered.pdf }], t.context())).rejects.toThrow(
        /does not fit/,
      );
    } finally {
      t.close();
    }
  });

  it("keeps an earlier manifest signature over the same manifest, and re-signs a changed one", async () => {
    const t = await setup();
    try {
      const manifest = new TextEncoder().encode('{"a":1}\n');
      const key = "editions/2025/1.manifest.json.jws";
      const first = await t.sealer.signManifest(manifest, t.context());
      expect(await t.sealer.signManifest(manifest, t.context({ [key]: first }))).toEqual(first);
      const other = await t.sealer.signManifest(
        new TextEncoder().encode('{"a":2}\n'),
        t.context({ [key]: first }),
      );
      expect(Buffer.from(other).equals(Buffer.from(first))).toBe(false);
    } finally {
      t.close();
    }
  });
});

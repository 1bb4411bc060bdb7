import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/cli/main.js";
import { auditCheckpoints, verifyOffline } from "../../src/cli/verify.js";
import { fromPem, readCertificate } from "../../src/signing/certificate.js";
import { listKeyring } from "../../src/signing/keyring.js";
import { LOG_PARTITION } from "../../src/transparency/log.js";
import { openCheckpoint } from "../../src/transparency/note.js";
import { createTestApp, type TestApp } from "../support/local-app.js";
import { publishOneDocument as publish } from "../support/publish-edition.js";

/**
 * Issue 14 point 5: anyone can tell a published file from a changed one, one from another
 * deployment and one never published, online (POST /api/verify, /verify) and offline
 * (gazette verify); and `gazette log audit` catches a log rolled back or rewritten (forked).
 */

interface Report {
  sha256: string;
  verdict: string;
  reasons: string[];
  published: { url: string; edition: { id: string }; document: string | null; publishedAt: string } | null;
  signature: { present: boolean; valid: boolean; trusted: boolean; signer?: { commonName?: string } } | null;
  log: { index: number; size: number; leafHash: string; inclusionProof: string[]; checkpoint: string } | null;
}

describe("verifying the gazette", () => {
  let app: TestApp;
  let other: TestApp;
  let first: Awaited<ReturnType<typeof publish>>;
  let pdf: Uint8Array;
  let pem: string;
  let dir: string;

  const bytesOf = async (a: TestApp, url: string) =>
    new Uint8Array(await (await a.request(url, { editor: false })).arrayBuffer());
  const verify = async (body: Uint8Array | string, type: string) => {
    const res = await app.request("/api/verify", {
      method: "POST",
      headers: { "content-type": type },
      body: typeof body === "string" ? body : new Blob([new Uint8Array(body)]),
      editor: false,
    });
    return { status: res.status, body: (await res.json()) as Report };
  };
  const checkpointNow = async () => (await app.request("/api/log/checkpoint", { editor: false })).text();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "gazette-verify-"));
    app = createTestApp();
    other = createTestApp();
    first = await publish(app, "2024-06-15");
    await publish(other, "2024-06-15");
    pdf = await bytesOf(app, first.pdf);
    pem = (await listKeyring(app.container.platform.records))[0]!.pem;
    writeFileSync(join(dir, "gazette.pem"), pem);
  }, 180_000);
  afterAll(() => {
    app.close();
    other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("names the edition, the publication time and the log entry of a published PDF, with a proof", async () => {
    const { status, body } = await verify(pdf, "application/pdf");
    expect(status).toBe(200);
    expect(body.verdict).toBe("authentic");
    expect(body.published).toMatchObject({ url: first.pdf, edition: { id: "1" }, document: null });
    expect(body.signature).toMatchObject({ present: true, valid: true, trusted: true });
    expect(body.log).toMatchObject({ index: 0, size: 1 });
    const document = await verify(await bytesOf(app, first.documentPdf), "application/octet-stream");
    expect(document.body.verdict).toBe("authentic");
    expect(document.body.published?.document).toBe(first.documentPdf.slice("/documents/".length, -4));
    const byHash = await verify(JSON.stringify({ sha256: body.sha256 }), "application/json");
    expect(byHash.body.verdict).toBe("authentic");
  });

  it("finds a changed byte, a file from another deployment and a file never published", async () => {
    const tampered = pdf.slice();
    const at = tampered.length - 200; // in the signed range, after /Contents
    tampered[at] = tampered[at]! ^ 0x20;
    expect((await verify(tampered, "application/pdf")).body.verdict).toBe("tampered");

    const foreign = await bytesOf(other, first.pdf);
    const report = (await verify(foreign, "application/pdf")).body;
    expect(report.verdict).toBe("foreign");
    expect(report.signature).toMatchObject({ valid: true, trusted: false });

    expect((await verify(new TextEncoder().encode("hello"), "application/octet-stream")).body.verdict).toBe(
      "unknown",
    );
  });

  it("answers bad requests with a 4xx naming the field", async () => {
    const badHash = await verify(JSON.stringify({ sha256: "abc" }), "application/json");
    expect(badHash.status).toBe(400);
    expect(JSON.stringify(badHash.body)).toContain("sha256");
    expect((await verify("x", "text/plain")).status).toBe(415);
    expect((await verify(new Uint8Array(), "application/pdf")).status).toBe(400);
    const proof = await app.request("/api/log/proof/inclusion?index=5&size=1", { editor: false });
    expect(proof.status).toBe(400);
    const notNumber = await app.request("/api/log/proof/consistency?from=x&to=1", { editor: false });
    expect(notNumber.status).toBe(400);
  });

  it("serves the /verify page and verifies a file dropped on it", async () => {
    const page = await app.request("/verify", { editor: false });
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('type="file"');
    // "Verifying the gazette" for readers, with the certificate's fingerprint to compare.
    const fingerprint = (await app.request("/signing/certificate.pem", { editor: false })).headers.get(
      "x-certificate-sha256",
    );
    expect(text).toContain("自行核验（Verifying the gazette）");
    expect(text).toContain(`<code>${fingerprint}</code>`);
    expect(text).toContain("pdfsig -nssdir");
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(pdf)], { type: "application/pdf" }), "edition.pdf");
    const result = await app.request("/api/verify", {
      method: "POST",
      body: form,
      headers: { accept: "text/html,application/xhtml+xml" },
      editor: false,
    });
    expect(result.status).toBe(200);
    const html = await result.text();
    expect(html).toContain("真实");
    expect(html).toContain(first.pdf);
  });

  it("verifies offline from the certificate, the report and a checkpoint, and refuses changed or foreign files", async () => {
    const { body } = await verify(pdf, "application/pdf");
    const certificates = fromPem(pem).map(readCertificate);
    const checkpoint = await checkpointNow();
    const lines = verifyOffline({ file: pdf, certificates, report: body as never, checkpoint });
    expect(lines.join("\n")).toContain("log: entry 0 included");

    const tampered = pdf.slice();
    tampered[tampered.length - 200] = tampered[tampered.length - 200]! ^ 0x20;
    expect(() => verifyOffline({ file: tampered, certificates })).toThrow(/not valid/);
    const foreign = await bytesOf(other, first.pdf);
    expect(() => verifyOffline({ file: foreign, certificates })).toThrow(/another deployment/);

    // The CLI, as a reader would run it.
    writeFileSync(join(dir, "edition.pdf"), pdf);
    writeFileSync(join(dir, "report.json"), JSON.stringify(body));
    writeFileSync(join(dir, "checkpoint.txt"), checkpoint);
    writeFileSync(join(dir, "foreign.pdf"), foreign);
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l), isTTY: false };
    const args = ["--certificate", join(dir, "gazette.pem")];
    expect(
      await run(
        [
          "verify",
          join(dir, "edition.pdf"),
          ...args,
          "--report",
          join(dir, "report.json"),
          "--checkpoint",
          join(dir, "checkpoint.txt"),
        ],
        io,
        {},
      ),
    ).toBe(0);
    expect(out[0]).toBe("VERIFIED");
    expect(await run(["verify", join(dir, "foreign.pdf"), ...args], io, {})).toBe(1);
    expect(out.at(-1)).toMatch(/NOT VERIFIED/);
  });

  it("audits the log: a newer checkpoint extends an older one; rollback and fork are caught", async () => {
    const keys = fromPem(pem).map((d) => readCertificate(d).publicKey);
    const before = await checkpointNow();
    await publish(app, "2024-07-01");
    const after = await checkpointNow();
    const older = openCheckpoint(before, keys);
    const newer = openCheckpoint(after, keys);
    expect(newer.size).toBeGreaterThan(older.size);
    const proofRes = await app.request(`/api/log/proof/consistency?from=${older.size}&to=${newer.size}`, {
      editor: false,
    });
    const { proof } = (await proofRes.json()) as { proof: string[] };
    const decoded = proof.map((p) => new Uint8Array(Buffer.from(p, "base64")));
    expect(auditCheckpoints(older, newer, decoded)).toMatch(/append-only/);
    // Rolled back: the server shows the older checkpoint again after a newer one was seen.
    expect(() => auditCheckpoints(newer, older, [])).toThrow(/rolled back/);

    // CLI offline audit.
    writeFileSync(join(dir, "before.txt"), before);
    writeFileSync(join(dir, "after.txt"), after);
    writeFileSync(join(dir, "proof.json"), JSON.stringify({ proof }));
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l), isTTY: false };
    const cert = ["--certificate", join(dir, "gazette.pem")];
    expect(
      await run(
        [
          "log",
          "audit",
          join(dir, "before.txt"),
          join(dir, "after.txt"),
          ...cert,
          "--proof",
          join(dir, "proof.json"),
        ],
        io,
        {},
      ),
    ).toBe(0);
    expect(
      await run(["log", "audit", join(dir, "after.txt"), join(dir, "before.txt"), ...cert], io, {}),
    ).toBe(1);

    // Forked: someone with the store and the key rewrites the first entry and signs on.
    const records = app.container.platform.records;
    const leaf = await records.get<{ leafHash: string; entry: unknown }>({
      pk: LOG_PARTITION,
      sk: "L#000000000000",
    });
    await records.put(
      { pk: LOG_PARTITION, sk: "L#000000000000", data: { ...leaf!.data, leafHash: "00".repeat(32) } },
      { kind: "version", version: leaf!.version },
    );
    await publish(app, "2024-07-15");
    const forkedNote = await checkpointNow();
    const forked = openCheckpoint(forkedNote, keys);
    const forkProof = (await (
      await app.request(`/api/log/proof/consistency?from=${newer.size}&to=${forked.size}`, { editor: false })
    ).json()) as { proof: string[] };
    expect(() =>
      auditCheckpoints(
        newer,
        forked,
        forkProof.proof.map((p) => new Uint8Array(Buffer.from(p, "base64"))),
      ),
    ).toThrow(/forked/);
  }, 120_000);
});

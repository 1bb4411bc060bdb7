import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/cli/main.js";
import { verifyOffline } from "../../src/cli/verify.js";
import { fromPem, readCertificate } from "../../src/signing/certificate.js";
import { listKeyring } from "../../src/signing/keyring.js";
import { createTestApp, type TestApp } from "../support/local-app.js";
import { nssDatabase, PDF_TOOLS_PRESENT, PDF_TOOLS_REQUIRED, pdfsig } from "../support/pdf-tools.js";
import { publishOneDocument } from "../support/publish-edition.js";

/**
 * Issue 14 point 1: `gazette key rotate` gives the deployment a new key; what the old key signed
 * still verifies (its certificate stays in the keyring), what is published after is signed with
 * the new one, and the log's history across the rotation still audits.
 */
describe("rotating the signing key", () => {
  let dataDir: string;
  let before: TestApp;
  let after: TestApp;
  let oldFiles: Awaited<ReturnType<typeof publishOneDocument>>;
  let newFiles: Awaited<ReturnType<typeof publishOneDocument>>;
  let checkpointBefore: string;
  const lines: string[] = [];
  let exit: number;

  const cli = (...argv: string[]) =>
    run(argv, { out: (l) => lines.push(l), err: (l) => lines.push(l), isTTY: false }, {});
  const bytesOf = async (app: TestApp, url: string) =>
    new Uint8Array(await (await app.request(url, { editor: false })).arrayBuffer());
  const verdictOf = async (app: TestApp, bytes: Uint8Array) => {
    const res = await app.request("/api/verify", {
      method: "POST",
      headers: { "content-type": "application/pdf" },
      body: new Blob([new Uint8Array(bytes)]),
      editor: false,
    });
    return ((await res.json()) as { verdict: string }).verdict;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "gazette-rotate-"));
    before = createTestApp({ dataDir });
    oldFiles = await publishOneDocument(before, "2024-06-15");
    checkpointBefore = await (await before.request("/api/log/checkpoint", { editor: false })).text();
    before.close();
    exit = await cli("key", "rotate", "--data-dir", dataDir);
    after = createTestApp({ dataDir }); // the restart the command asks for
    newFiles = await publishOneDocument(after, "2024-07-01");
  }, 180_000);
  afterAll(() => {
    after.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("makes a new key current and keeps the old one", () => {
    expect(exit).toBe(0);
    const keys = readdirSync(join(dataDir, "signing", "keys"));
    expect(keys).toHaveLength(2);
    const current = readFileSync(join(dataDir, "signing", "current"), "utf8").trim();
    expect(keys).toContain(`${current}.pem`);
    expect(lines.join("\n")).toContain(`current key: ${current}`);
  });

  it("signs new files with the new certificate and still verifies the old files with the old one", async () => {
    const keyring = await listKeyring(after.container.platform.records);
    expect(keyring).toHaveLength(2);
    const [oldCert, newCert] = keyring.map((entry) => readCertificate(fromPem(entry.pem)[0]!));
    expect(oldCert!.fingerprint).not.toBe(newCert!.fingerprint);

    const oldPdf = await bytesOf(after, oldFiles.pdf);
    const newPdf = await bytesOf(after, newFiles.pdf);
    expect(await verdictOf(after, oldPdf)).toBe("authentic");
    expect(await verdictOf(after, newPdf)).toBe("authentic");
    // Offline, each file verifies with its own certificate and not with the other one.
    expect(() => verifyOffline({ file: oldPdf, certificates: [oldCert!] })).not.toThrow();
    expect(() => verifyOffline({ file: newPdf, certificates: [newCert!] })).not.toThrow();
    expect(() => verifyOffline({ file: oldPdf, certificates: [newCert!] })).toThrow();
    expect(() => verifyOffline({ file: newPdf, certificates: [oldCert!] })).toThrow();

    if (PDF_TOOLS_PRESENT) {
      const nss = nssDatabase(keyring.map((entry) => entry.pem));
      try {
        for (const pdf of [oldPdf, newPdf]) {
          expect(pdfsig(pdf, nss.dir)).toContain("Signature Validation: Signature is Valid.");
        }
      } finally {
        nss.close();
      }
    } else expect(PDF_TOOLS_REQUIRED, "pdfsig and certutil are required in CI").toBe(false);
  });

  it("keeps the log auditable across the rotation with the keyring's certificates", async () => {
    const keyring = await listKeyring(after.container.platform.records);
    const checkpointAfter = await (await after.request("/api/log/checkpoint", { editor: false })).text();
    const from = Number(checkpointBefore.split("\n")[1]);
    const to = Number(checkpointAfter.split("\n")[1]);
    expect(to).toBeGreaterThan(from);
    const proof = await (
      await after.request(`/api/log/proof/consistency?from=${from}&to=${to}`, { editor: false })
    ).text();
    const dir = mkdtempSync(join(tmpdir(), "gazette-audit-"));
    try {
      writeFileSync(join(dir, "old.txt"), checkpointBefore);
      writeFileSync(join(dir, "new.txt"), checkpointAfter);
      writeFileSync(join(dir, "proof.json"), proof);
      writeFileSync(join(dir, "keyring.pem"), keyring.map((entry) => entry.pem).join(""));
      writeFileSync(join(dir, "new-only.pem"), keyring[1]!.pem);
      const audit = (pem: string) =>
        cli(
          "log",
          "audit",
          join(dir, "old.txt"),
          join(dir, "new.txt"),
          "--certificate",
          join(dir, pem),
          "--proof",
          join(dir, "proof.json"),
        );
      lines.length = 0;
      expect(await audit("keyring.pem")).toBe(0);
      expect(lines.join("\n")).toContain(`consistent: the log grew from ${from} to ${to} entries`);
      // The checkpoint signed before the rotation opens with the old certificate only.
      expect(await audit("new-only.pem")).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses to rotate in a directory that has no key, creating nothing there", async () => {
    const empty = mkdtempSync(join(tmpdir(), "gazette-nokey-"));
    try {
      expect(await cli("key", "rotate", "--data-dir", empty)).toBe(2);
      expect(existsSync(join(empty, "signing"))).toBe(false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

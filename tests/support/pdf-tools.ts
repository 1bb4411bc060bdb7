/**
 * Poppler's pdfsig and NSS's certutil (Debian poppler-utils and libnss3-tools, which .ci/run
 * installs), the outside readers of the gazette's signatures. Present → the checks run. Absent →
 * they fail where they are required (GAZETTE_REQUIRE_BROWSER=1 or CI, as for the browser suite)
 * and say why elsewhere.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PDF_TOOLS_REQUIRED = process.env.GAZETTE_REQUIRE_BROWSER === "1" || process.env.CI === "true";

function has(tool: string): boolean {
  return spawnSync(tool, ["--version"], { stdio: "ignore" }).error === undefined;
}

export const PDF_TOOLS_PRESENT =
  has("pdfsig") && spawnSync("certutil", ["-H"], { stdio: "ignore" }).error === undefined;

/** An NSS database trusting these PEM certificates (as a trust anchor for signing). */
export function nssDatabase(pems: readonly string[]): { dir: string; close(): void } {
  const dir = mkdtempSync(join(tmpdir(), "gazette-nss-"));
  execFileSync("certutil", ["-N", "-d", `sql:${dir}`, "--empty-password"]);
  pems.forEach((pem, n) => {
    const file = join(dir, `trusted-${n}.pem`);
    writeFileSync(file, pem);
    execFileSync("certutil", ["-A", "-d", `sql:${dir}`, "-n", `gazette-${n}`, "-t", "CT,C,C", "-i", file]);
  });
  return { dir, close: () => rmSync(dir, { recursive: true, force: true }) };
}

/** pdfsig's report on a PDF, with the certificates of `nss` trusted. */
export function pdfsig(pdf: Uint8Array, nssDir: string): string {
  const dir = mkdtempSync(join(tmpdir(), "gazette-pdfsig-"));
  try {
    const file = join(dir, "file.pdf");
    writeFileSync(file, pdf);
    const run = spawnSync("pdfsig", ["-nssdir", `sql:${nssDir}`, file], { encoding: "utf8" });
    return `${run.stdout}${run.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

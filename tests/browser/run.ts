/**
 * The last step of `npm test`: runs the browser suite (tests/browser/, vitest.browser.config.ts)
 * in Debian's chromium when one is found (GAZETTE_CHROMIUM, /usr/bin/chromium,
 * /usr/bin/chromium-browser) and playwright-core is installed. Otherwise it prints that the suite
 * did not run and why, and exits 0 — unless GAZETTE_REQUIRE_BROWSER=1 (as in .ci/run), when a
 * missing browser is a failure (exit 1). `npm test` itself needs only npm.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const candidates = [process.env.GAZETTE_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(
  (p): p is string => !!p,
);
const chromium = candidates.find((p) => existsSync(p));
const require = createRequire(import.meta.url);
const playwright = (() => {
  try {
    return require.resolve("playwright-core");
  } catch {
    return undefined;
  }
})();
const missing = !chromium
  ? `no Chromium found (looked at ${candidates.join(", ")}); install Debian's chromium (apt-get install chromium) or set GAZETTE_CHROMIUM`
  : !playwright
    ? "playwright-core is not installed (run npm install)"
    : undefined;

if (missing) {
  const required = process.env.GAZETTE_REQUIRE_BROWSER === "1";
  process.stderr.write(
    `\n  Browser suite ${required ? "FAILED" : "SKIPPED"}: ${missing}.\n` +
      (required ? "  GAZETTE_REQUIRE_BROWSER=1 requires it.\n\n" : "\n"),
  );
  process.exit(required ? 1 : 0);
}

const vitest = spawnSync(
  process.execPath,
  [
    fileURLToPath(new URL("../../node_modules/vitest/vitest.mjs", import.meta.url)),
    "run",
    "--config",
    "vitest.browser.config.ts",
  ],
  { stdio: "inherit", env: { ...process.env, GAZETTE_CHROMIUM: chromium } },
);
process.exit(vitest.status ?? 1);

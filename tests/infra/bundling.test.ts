import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ESM_REQUIRE_BANNER } from "../../infra/constructs/gazette-function.js";
import { REPO_ROOT } from "../../infra/paths.js";
import { type SynthesisedGazette, synthGazette } from "./helpers.js";

/**
 * The one test that really bundles: the whole app, with both functions pointed at a tiny entry
 * written here (so it does not depend on functions/*.ts), through NodejsFunction's local esbuild path
 * (forceDockerBundling: false) — offline, no Docker. The entry sits inside the repository because
 * esbuild runs from the project root, where node_modules/.bin/esbuild lives.
 */

// A CommonJS dependency that require()s a Node built-in: in an ESM bundle this only works with the
// createRequire banner ("Dynamic require of "node:os" is not supported" otherwise).
const LEGACY_CJS = `const os = require("node:os");
module.exports = { eolLength: os.EOL.length };
`;

const ENTRY_TS = `// Temporary entry written by tests/infra/bundling.test.ts.
// @ts-nocheck
import legacy from "./legacy.cjs";

export async function loadSqs() {
  return import("@aws-sdk/client-sqs");
}

export async function loadSqlite() {
  return import("better-sqlite3");
}

export const handler = async (event: { name?: string }) => ({
  greeting: \`hello \${event.name ?? "gazette"}\`,
  eolLength: legacy.eolLength,
});
`;

let entryDir: string;
let outdir: string;
let gazette: SynthesisedGazette;
let assetDirs: string[];

beforeAll(() => {
  entryDir = mkdtempSync(join(REPO_ROOT, "tests", "infra", ".bundle-"));
  writeFileSync(join(entryDir, "legacy.cjs"), LEGACY_CJS);
  writeFileSync(join(entryDir, "handler.ts"), ENTRY_TS);
  outdir = mkdtempSync(join(tmpdir(), "gazette-cdk-out-"));
  const entry = relative(REPO_ROOT, join(entryDir, "handler.ts"));

  gazette = synthGazette({
    bundle: true,
    outdir,
    overrides: {
      apiEntry: entry,
      eventsEntry: entry,
      publisherEntry: entry,
      repostEntry: entry,
      archiveEntry: entry,
    },
  });

  assetDirs = readdirSync(outdir)
    .filter((name) => name.startsWith("asset."))
    .map((name) => join(outdir, name))
    .filter((dir) => existsSync(join(dir, "index.mjs")));
});

afterAll(() => {
  if (entryDir) rmSync(entryDir, { recursive: true, force: true });
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe("NodejsFunction bundling (local esbuild)", () => {
  test("bundles each function into an ESM index.mjs with a source map and templates/ beside it", () => {
    // Prepare
    const functionCodeKeys = Object.values(
      gazette.statelessTemplate.findResources("AWS::Lambda::Function"),
    ).map((fn) => (fn.Properties.Code as { S3Key: string }).S3Key);

    // Act
    const files = assetDirs.map((dir) => readdirSync(dir).sort());

    // Assess
    // api, events, publisher, the three repost functions (fan-out, delivery, tick) and the archive consumer.
    expect(functionCodeKeys).toHaveLength(7);
    expect(assetDirs.length).toBeGreaterThanOrEqual(1);
    for (const key of functionCodeKeys) {
      expect(assetDirs.map((dir) => `${dir.split("asset.").pop()}.zip`)).toContain(key);
    }
    for (const list of files)
      expect(list).toEqual(expect.arrayContaining(["index.mjs", "index.mjs.map", "templates"]));
    for (const dir of assetDirs) expect(existsSync(join(dir, "templates", "layout.hbs"))).toBe(true);
    // The API function and the publisher render editions: their bundles carry the fonts (two
    // assets now that the API's also carries mupdf's WebAssembly for scan uploads).
    expect(assetDirs.filter((dir) => existsSync(join(dir, "fonts", "FandolFang-Regular.otf")))).toHaveLength(
      2,
    );
    // The API (inspects scan uploads) and the archive consumer (renders pages) carry mupdf's binary.
    expect(assetDirs.filter((dir) => existsSync(join(dir, "dist", "mupdf-wasm.wasm")))).toHaveLength(2);
  });

  test("starts the bundle with the createRequire banner, bundles the pinned AWS SDK and leaves better-sqlite3 external", () => {
    // Prepare
    const bundle = readFileSync(join(assetDirs[0]!, "index.mjs"), "utf8");

    // Act
    const firstLine = bundle.split("\n")[0];

    // Assess
    expect(firstLine).toBe(ESM_REQUIRE_BANNER);
    expect(bundle).not.toContain('import("@aws-sdk/client-sqs")');
    expect(bundle).toContain("SQSClient");
    expect(bundle).toContain('import("better-sqlite3")');
  });

  test("the bundled handler runs under plain Node ESM, outside the repository, thanks to the banner", () => {
    // Prepare
    const bundle = readFileSync(join(assetDirs[0]!, "index.mjs"), "utf8");
    const withBanner = writeBundle("with-banner", bundle);
    const withoutBanner = writeBundle("without-banner", bundle.split("\n").slice(1).join("\n"));

    // Act
    const ok = invokeHandler(withBanner);
    const broken = invokeHandler(withoutBanner);

    // Assess
    expect(ok.stderr).toBe("");
    expect(JSON.parse(ok.stdout)).toEqual({ greeting: "hello 公报", eolLength: 1 });
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toContain('Dynamic require of "node:os" is not supported');
  });
});

/** Copies a bundle to its own directory under the (non-repository) outdir. */
function writeBundle(name: string, source: string): string {
  const dir = join(outdir, name);
  mkdirSync(dir);
  const file = join(dir, "index.mjs");
  writeFileSync(file, source);
  return file;
}

/** Imports the bundle in a fresh Node process (no Vite transform) and calls its handler. */
function invokeHandler(file: string) {
  const script = `const m = await import(${JSON.stringify(pathToFileURL(file).href)});
process.stdout.write(JSON.stringify(await m.handler({ name: "公报" })));`;
  return spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: outdir,
    encoding: "utf8",
    env: { PATH: process.env.PATH },
  });
}

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
import { dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ESM_REQUIRE_BANNER, TEMPLATE_FILES } from "../../infra/constructs/function-bundle.js";
import { GazetteFunction } from "../../infra/constructs/gazette-function.js";
import { REPO_ROOT } from "../../infra/paths.js";

/**
 * GazetteFunction's bundling on a tiny entry written here (so it does not depend on functions/*.ts):
 * esbuild's API through the construct's local bundling, no Docker. The entry sits inside the
 * repository because esbuild resolves packages from the project root. The real functions' bundles
 * are tested in lambda-bundles.test.ts.
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
let stack: Stack;
let assetDir: string;

beforeAll(() => {
  entryDir = mkdtempSync(join(REPO_ROOT, "tests", "infra", ".bundle-"));
  writeFileSync(join(entryDir, "legacy.cjs"), LEGACY_CJS);
  writeFileSync(join(entryDir, "handler.ts"), ENTRY_TS);
  outdir = mkdtempSync(join(tmpdir(), "gazette-cdk-out-"));
  const app = new App({ outdir, builtinCloudFormationValidation: false, stackTraces: false });
  stack = new Stack(app, "Bundling");
  new GazetteFunction(stack, "Fn", {
    entry: relative(REPO_ROOT, join(entryDir, "handler.ts")),
    serviceName: "gazette-test",
    files: TEMPLATE_FILES,
  });
  app.synth();
  assetDir = readdirSync(outdir)
    .filter((name) => name.startsWith("asset."))
    .map((name) => join(outdir, name))
    .find((dir) => existsSync(join(dir, "index.mjs")))!;
});

afterAll(() => {
  if (entryDir) rmSync(entryDir, { recursive: true, force: true });
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

/** Every JavaScript file of the package, by path relative to it. */
function javascript(dir: string): Map<string, string> {
  return new Map(
    (readdirSync(dir, { recursive: true }) as string[])
      .filter((file) => file.endsWith(".mjs"))
      .map((file) => [file, readFileSync(join(dir, file), "utf8")]),
  );
}

describe("GazetteFunction bundling (esbuild's API, no Docker, no npm)", () => {
  test("bundles the entry into index.mjs, a lazily imported package into a chunk, with source maps and the files beside", () => {
    // Prepare
    const [fn] = Object.values(Template.fromStack(stack).findResources("AWS::Lambda::Function"));

    // Act
    const files = javascript(assetDir);

    // Assess
    expect(`${assetDir.split("asset.").pop()}.zip`).toBe((fn!.Properties.Code as { S3Key: string }).S3Key);
    expect(fn!.Properties).toMatchObject({ Handler: "index.handler", Runtime: "nodejs22.x" });
    expect([...files.keys()]).toContain("index.mjs");
    expect([...files.keys()].filter((f) => f.startsWith("chunks/")).length).toBeGreaterThan(0);
    for (const file of files.keys()) expect(existsSync(join(assetDir, `${file}.map`)), file).toBe(true);
    expect(existsSync(join(assetDir, "templates", "layout.hbs"))).toBe(true);
  });

  test("starts every output file with the createRequire banner, bundles the pinned AWS SDK and leaves better-sqlite3 external", () => {
    // Prepare
    const files = javascript(assetDir);

    // Act
    const all = [...files.values()].join("\n");

    // Assess
    for (const [file, code] of files) expect(code.split("\n")[0], file).toBe(ESM_REQUIRE_BANNER);
    expect(all).not.toMatch(/(from|import\()\s*"@aws-sdk\//);
    expect(all).toContain("SQSClient");
    expect(files.get("index.mjs")).not.toContain("SQSClient");
    expect(all).toContain('import("better-sqlite3")');
  });

  test("the bundled handler runs under plain Node ESM, outside the repository, thanks to the banner", () => {
    // Prepare
    const withBanner = copyPackage("with-banner", (code) => code);
    const withoutBanner = copyPackage("without-banner", (code) => code.split("\n").slice(1).join("\n"));

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

/** Copies the package's JavaScript to its own directory under the (non-repository) outdir. */
function copyPackage(name: string, transform: (code: string) => string): string {
  const dir = join(outdir, name);
  for (const [file, code] of javascript(assetDir)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), transform(code));
  }
  return join(dir, "index.mjs");
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

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { httpApiEvent } from "../support/events.js";
import { type SynthesisedGazette, synthGazette } from "./helpers.js";

/**
 * The real functions/*.ts, bundled as `cdk deploy` bundles them, must load under plain Node with
 * no node_modules around them (as in Lambda): a static import of a native addon (better-sqlite3)
 * or of a package left external would fail every cold start, and no template assertion sees it.
 */
describe("the deployed Lambda bundles", () => {
  let outdir: string;
  let gazette: SynthesisedGazette;
  let bundles: string[];

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), "gazette-lambda-bundles-"));
    gazette = synthGazette({ bundle: true, outdir });
    bundles = readdirSync(outdir)
      .filter((name) => name.startsWith("asset."))
      .map((name) => join(outdir, name))
      .filter((dir) => existsSync(join(dir, "index.mjs")));
  }, 300_000);

  afterAll(() => {
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  test("every function's bundle loads and exports a handler outside the repository", () => {
    // Prepare
    const functions = Object.keys(gazette.statelessTemplate.findResources("AWS::Lambda::Function"));
    const load = `import(${JSON.stringify("./index.mjs")}).then((m) => process.stdout.write(typeof m.handler), (e) => { process.stderr.write(String(e && e.stack || e)); process.exitCode = 1; })`;

    // Act
    const results = bundles.map((dir) => {
      const run = spawnSync(process.execPath, ["--no-warnings", "--input-type=module", "-e", load], {
        cwd: dir,
        encoding: "utf8",
        timeout: 60_000,
        env: {
          PATH: process.env.PATH,
          AWS_REGION: "eu-west-1",
          GAZETTE_TABLE: "gazette",
          GAZETTE_BUCKET: "gazette-blobs",
          GAZETTE_SITE_BUCKET: "gazette-site",
        },
      });
      return { dir, status: run.status, stdout: run.stdout, stderr: run.stderr.slice(0, 500) };
    });

    // Assess
    expect(bundles.length).toBeGreaterThanOrEqual(Math.min(functions.length, 5));
    for (const r of results) expect(r, r.dir).toMatchObject({ status: 0, stdout: "function" });
  }, 300_000);

  test("the API bundle answers an API Gateway request (GET /health) as deployed", () => {
    // Prepare
    const api = Object.values(gazette.statelessTemplate.findResources("AWS::Lambda::Function")).find(
      (f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === "gazette-api",
    );
    const key = (api?.Properties.Code as { S3Key: string } | undefined)?.S3Key ?? "";
    const dir = bundles.find((d) => `${d.split("asset.").pop()}.zip` === key);
    const event = httpApiEvent({ method: "GET", path: "/health" });
    const script = `const m = await import("./index.mjs");
const res = await m.handler(${JSON.stringify(event)}, { functionName: "gazette-api", awsRequestId: "t", getRemainingTimeInMillis: () => 29000 });
process.stdout.write(JSON.stringify({ statusCode: res.statusCode, body: res.body }));`;

    // Act
    const run = spawnSync(process.execPath, ["--no-warnings", "--input-type=module", "-e", script], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
      env: { PATH: process.env.PATH, AWS_REGION: "eu-west-1", GAZETTE_TABLE: "t", GAZETTE_BUCKET: "b" },
    });

    // Assess
    expect(dir).toBeDefined();
    expect(run.stderr.slice(0, 500)).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ statusCode: 200, body: JSON.stringify({ status: "ok" }) });
  });
});

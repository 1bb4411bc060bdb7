/**
 * `npm run bench -- --lambda-only`: every Lambda function's package, built exactly as `cdk synth`
 * builds it (the GazetteFunction constructs' own bundle specs through buildFunctionBundle), with
 * its size and the median time a fresh Node process takes to import it, against a peer: a bundle
 * of only the AWS SDK clients and Powertools, built with the same options, in the same run.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { buildFunctionBundle, type FunctionBundleSpec } from "../infra/constructs/function-bundle.js";
import { addGazetteStacks, gazetteFunctions } from "../infra/gazette-app.js";

/** Goals of issue 10, per function. */
export const LAMBDA_GOALS = { maxJsBytes: 1_000_000, maxImportMs: 300 } as const;

export interface LambdaBundleMeasure {
  readonly name: string;
  readonly entry: string;
  /** All JavaScript in the package (entry, lazily loaded chunks and copied JavaScript files). */
  readonly jsBytes: number;
  /** Of jsBytes, JavaScript files copied beside the bundle (the OCR engine's package). */
  readonly copiedJsBytes: number;
  /** JavaScript evaluated at cold start (the entry and its static imports). */
  readonly startupJsBytes: number;
  /** Templates, fonts, WebAssembly and models copied beside it. */
  readonly fileBytes: number;
  readonly importMs: readonly number[];
  readonly medianImportMs: number;
}

export interface LambdaBenchResult {
  readonly runs: number;
  readonly peer: LambdaBundleMeasure;
  readonly functions: readonly LambdaBundleMeasure[];
}

/** The bundle specs of every function of the app, by the function's service name. */
export function functionBundleSpecs(): Array<{ name: string; spec: FunctionBundleSpec }> {
  const app = new App({
    context: { "aws:cdk:bundling-stacks": [], publicBaseUrl: "https://gazette.example.gov.cn" },
  });
  addGazetteStacks(app);
  return gazetteFunctions(app).map((fn) => ({ name: fn.serviceName, spec: fn.bundle }));
}

/** The peer: only the SDK clients the functions use and Powertools, nothing of ours. */
export const PEER_SPEC: FunctionBundleSpec = { entry: "bench/lambda-peer.ts" };

/** The environment the stack gives a function (names only matter; nothing is called at import). */
export const LAMBDA_ENV = {
  // Lambda's own variable: src/platform/aws/tracing.ts loads Powertools Tracer (X-Ray) only where it
  // is set, so the import measured here includes it, as a cold start does.
  AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
  AWS_REGION: "eu-west-1",
  GAZETTE_MODE: "aws",
  GAZETTE_PUBLISHING: "queued",
  GAZETTE_TABLE: "gazette",
  GAZETTE_BUCKET: "gazette-blobs",
  GAZETTE_SITE_BUCKET: "gazette-site",
  GAZETTE_BASE_URL: "https://gazette.example.gov.cn",
  GAZETTE_EVENTS_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/events",
  GAZETTE_PUBLISHING_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/publishing",
  GAZETTE_REPOST_FANOUT_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/fanout",
  GAZETTE_REPOST_DELIVERY_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/delivery",
  GAZETTE_ARCHIVE_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/archive",
  POWERTOOLS_SERVICE_NAME: "gazette",
  LOG_LEVEL: "WARN",
};

/** Milliseconds a fresh Node process spends in `await import("./index.mjs")`, `runs` times. */
export function importTimes(dir: string, runs: number): number[] {
  const script = `const t0 = performance.now(); const m = await import("./index.mjs");
if (typeof m.handler !== "function") throw new Error("no handler export");
process.stdout.write(String(performance.now() - t0));`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const run = spawnSync(process.execPath, ["--no-warnings", "--input-type=module", "-e", script], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: process.env.PATH, ...LAMBDA_ENV },
    });
    if (run.status !== 0) throw new Error(`import of ${dir} failed: ${run.stderr.slice(0, 500)}`);
    times.push(Number(run.stdout));
  }
  return times;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function measure(name: string, spec: FunctionBundleSpec, root: string, runs: number): LambdaBundleMeasure {
  const dir = join(root, name);
  const bundle = buildFunctionBundle(spec, dir);
  const importMs = importTimes(dir, runs);
  return {
    name,
    entry: spec.entry,
    jsBytes: bundle.jsBytes,
    copiedJsBytes: bundle.copiedJsBytes,
    startupJsBytes: bundle.startupJsBytes,
    fileBytes: bundle.fileBytes,
    importMs,
    medianImportMs: median(importMs),
  };
}

export async function benchLambda(
  options: { runs?: number; log?: (line: string) => void } = {},
): Promise<LambdaBenchResult> {
  const runs = options.runs ?? 9;
  const root = mkdtempSync(join(tmpdir(), "gazette-lambda-bench-"));
  try {
    options.log?.("peer (AWS SDK clients + Powertools)…");
    const peer = measure("peer", PEER_SPEC, root, runs);
    const functions: LambdaBundleMeasure[] = [];
    for (const { name, spec } of functionBundleSpecs()) {
      options.log?.(`${name} (${spec.entry})…`);
      functions.push(measure(name, spec, root, runs));
    }
    return { runs, peer, functions };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(2)} MB`;

export function lambdaReport(r: LambdaBenchResult): string[] {
  const row = (m: LambdaBundleMeasure) =>
    `${m.name.padEnd(22)} ${mb(m.jsBytes).padStart(8)} ${mb(m.copiedJsBytes).padStart(8)} ${mb(m.startupJsBytes).padStart(10)} ${kb(m.fileBytes).padStart(11)} ${m.medianImportMs.toFixed(0).padStart(8)} ms ${(m.medianImportMs / r.peer.medianImportMs).toFixed(2).padStart(6)} ${(m.jsBytes / r.peer.jsBytes).toFixed(2).padStart(6)}`;
  const met = (m: LambdaBundleMeasure) =>
    m.jsBytes <= LAMBDA_GOALS.maxJsBytes && m.medianImportMs < LAMBDA_GOALS.maxImportMs;
  return [
    "Each function's package built as `cdk synth` builds it (buildFunctionBundle on the construct's spec);",
    `import: median of ${r.runs} fresh \`node\` processes, each timing \`await import("./index.mjs")\`.`,
    "JS = all JavaScript in the package: entry + lazily loaded chunks + JavaScript files copied beside them",
    "(the archive's OCR engine, whose worker thread loads its own files; `copied` column); cold = what the import evaluates;",
    "files = templates, fonts, WebAssembly and OCR models (not counted in the JS goal).",
    `ratios against the peer: a bundle of only the AWS SDK clients (DynamoDB, S3, SQS) and Powertools Logger, same build options.`,
    "",
    `${"function".padEnd(22)} ${"JS".padStart(8)} ${"copied".padStart(8)} ${"cold JS".padStart(10)} ${"files".padStart(11)} ${"import".padStart(11)} ${"×peer".padStart(6)} ${"JS×peer".padStart(6)}`,
    row(r.peer),
    ...r.functions.map(row),
    "",
    `goals per function: JS ≤ ${mb(LAMBDA_GOALS.maxJsBytes)}, import < ${LAMBDA_GOALS.maxImportMs} ms`,
    "(import times swing with the machine's load: compare the ×peer ratio across runs, not the ms)",
    ...r.functions.map(
      (m) =>
        `${m.name}: ${met(m) ? "met" : "not met"} (JS ${mb(m.jsBytes)} ${m.jsBytes <= LAMBDA_GOALS.maxJsBytes ? "met" : "not met"}, import ${m.medianImportMs.toFixed(0)} ms ${m.medianImportMs < LAMBDA_GOALS.maxImportMs ? "met" : "not met"}, ${(m.medianImportMs / r.peer.medianImportMs).toFixed(2)}× peer)`,
    ),
    "",
  ];
}

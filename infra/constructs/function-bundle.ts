/**
 * How a Lambda function's package is built, in one place: `cdk synth` (GazetteFunction's local
 * bundling) and `npm run bench -- --lambda-only` both call `buildFunctionBundle`, so the bench
 * measures exactly what is deployed.
 *
 * Everything comes from the installed node_modules: esbuild's JavaScript API bundles, Node's fs
 * copies the files a function reads at run time. No npm, npx, Docker or network is involved.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { BuildOptions, Metafile } from "esbuild";
import { buildOpenApiDocument } from "../../src/http/openapi.js";
import { type BuiltOpenApi, OPENAPI_FILE, openApiConfigOf } from "../../src/http/openapi-file.js";
import type { OpenApiConfig } from "../../src/http/route-declaration.js";
import { REPO_ROOT } from "../paths.js";

/**
 * esbuild emits ESM, but CommonJS dependencies inside it still call `require()` (for Node
 * built-ins, e.g. mammoth, handlebars); ESM has no `require`, so the banner defines one in every
 * output file (the entry and each lazily loaded chunk).
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __gazetteCreateRequire } from 'node:module'; const require = __gazetteCreateRequire(import.meta.url);";

/**
 * Never bundled: better-sqlite3, a native addon used only by the embedded (local) adapter, never
 * in Lambda. The AWS SDK is bundled at the versions package.json pins: the copy in the Lambda
 * runtime has an unannounced version and lacks packages we use (the S3 presigner, the credential
 * provider for OpenSearch), and AWS advises shipping your own.
 */
export const EXTERNAL_MODULES: readonly string[] = ["better-sqlite3"];

/**
 * Modules replaced in every bundle by stubs, as no function reaches them:
 * - fontkit's WOFF2 decoder (brotli, ~475 KB): the gazette's fonts are OpenType
 *   (tests/infra/lambda-bundles.test.ts checks fonts/ holds no WOFF2 file);
 * - pdf-lib's 14 standard fonts (~130 KB of metrics): the gazette embeds its own fonts;
 * - pdf-lib's PNG codec (@pdf-lib/upng, ~24 KB): the renderer embeds no images;
 * - bowser (~34 KB): the SDK's browser user-agent parser;
 * - source-map (~27 KB): Handlebars falls back to its own code builder without it;
 * - semver (~29 KB): the X-Ray SDK checks an AWS SDK v2's version with it, in captureAWS alone;
 * - xmlbuilder (~44 KB): mammoth writes XML only to embed a style map into a .docx, never to read one;
 * - @smithy/core's event streams (~13 KB): only operations that stream events use them, and no
 *   function calls one (src/platform/aws/no-event-streams.ts).
 * Modules replaced by smaller ones that do the same where the functions run:
 * - pako (~45 KB, a JavaScript zlib) by Node's zlib (src/publishing/pdf/zlib-pako.ts): pdf-lib and
 *   its PNG encoder only deflate;
 * - readable-stream (~28 KB, Node 8's streams for browsers) by Node's stream module: JSZip only checks
 *   that streams exist and writes zips as streams, which reading a .docx never does;
 * - Powertools' JMESPath (~23 KB) by an evaluator of dotted field names
 *   (src/platform/aws/jmespath-fields.ts), the paths idempotency is configured with;
 * - JSZip (~43 KB, with pako and readable-stream) by a read-only stand-in on yauzl
 *   (src/documents/yauzl-jszip.ts): mammoth only reads a .docx's parts;
 * - the AWS SDK's default credential chain (@aws-sdk/credential-provider-node, ~80 KB with the
 *   STS, SSO and sign-in clients of its other links) by its first link, the environment
 *   (src/platform/aws/lambda-credentials.ts), where Lambda puts the execution role's keys.
 * - mnemonist's LRUCache (~7 KB with obliterator), under the SDK's endpoint cache, by the same
 *   cache on a Map (src/platform/aws/map-lru-cache.ts);
 * - @signpdf/utils's index (~6 KB of helpers) by its constants and error class
 *   (src/signing/signpdf-utils.ts), all the signing code and the placeholder use.
 * And Handlebars is bundled from its ES module sources (lib/handlebars.js, −10 KB): its Node
 * entry adds the AST printer and a `require` hook for .hbs files, which no function uses.
 * And htmlparser2 is bundled as its Parser module: every caller imports `Parser` alone, but the
 * package's index re-exports domutils, which drags in dom-serializer and an older copy of entities
 * (~100 KB) that esbuild cannot drop.
 * The stubs throw if reached; tests/infra/lambda-bundles.test.ts renders an edition and compiles
 * the templates inside a bundle built with these aliases.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  "brotli/decompress.js": "./src/publishing/pdf/no-woff2.ts",
  "@pdf-lib/standard-fonts": "./src/publishing/pdf/no-standard-fonts.ts",
  "@pdf-lib/upng": "./src/publishing/pdf/no-png.ts",
  bowser: "./src/platform/aws/no-bowser.ts",
  "source-map": "./src/site/no-source-map.ts",
  semver: "./src/platform/aws/no-semver.ts",
  htmlparser2: "./node_modules/htmlparser2/dist/esm/Parser.js",
  pako: "./src/publishing/pdf/zlib-pako.ts",
  "@aws-sdk/credential-provider-node": "./src/platform/aws/lambda-credentials.ts",
  xmlbuilder: "./src/documents/no-xmlbuilder.ts",
  "readable-stream": "./src/documents/node-readable-stream.ts",
  jszip: "./src/documents/yauzl-jszip.ts",
  "@smithy/core/event-streams": "./src/platform/aws/no-event-streams.ts",
  "@aws-lambda-powertools/jmespath": "./src/platform/aws/jmespath-fields.ts",
  "@aws-lambda-powertools/jmespath/functions": "./src/platform/aws/jmespath-fields.ts",
  "@signpdf/utils": "./src/signing/signpdf-utils.ts",
  "mnemonist/lru-cache": "./src/platform/aws/map-lru-cache.ts",
  handlebars: "./node_modules/handlebars/lib/handlebars.js",
};

/** A file or directory copied into the package: `from` relative to the repository root, `to` to the package. */
export interface BundleFile {
  readonly from: string;
  readonly to: string;
  /** Entries of the `from` directory (names directly under it) left out of the package. */
  readonly exclude?: readonly string[];
}

export interface FunctionBundleSpec {
  /** The TypeScript entry, relative to the repository root (e.g. "functions/api.ts") or absolute. */
  readonly entry: string;
  /** Files and directories the function reads at run time (templates, fonts, WebAssembly, models). */
  readonly files?: readonly BundleFile[];
  /**
   * Packages left out of the bundle, because they start worker threads or read their own files at
   * run time; their files must be among `files` (see OCR_FILES).
   */
  readonly external?: readonly string[];
  /** Packages built beside the bundle from their installed sources (see OCR_PACKAGE). */
  readonly packages?: readonly BundledPackage[];
  /**
   * Aliases of this function alone, over BUNDLE_ALIASES: stand-ins that hold only for what this
   * function does (see DOCX_READER_ALIASES).
   */
  readonly aliases?: Readonly<Record<string, string>>;
  /**
   * Keep zod's JSON Schema generator (`z.toJSONSchema`), for a function that generates JSON
   * Schema at run time. Default: left out (esbuild-child.mjs: zodWithoutJsonSchemaPlugin); the
   * OpenAPI document is generated at build time.
   */
  readonly zodJsonSchema?: boolean;
  /**
   * Writes `openapi.json` beside the bundle: the OpenAPI document generated from the route
   * declarations (src/http/openapi.ts) for these settings, which the function serves at
   * /api/openapi.json (src/http/openapi-file.ts). Data, not JavaScript: counted with the files.
   */
  readonly openApi?: OpenApiConfig;
}

/**
 * The api-documents function parses one kind of HTML, mammoth's rendering of a .docx, which
 * escapes text with the XML entities alone: htmlparser2 decodes entities there with the XML table
 * instead of the 2,231 named HTML entities (src/documents/xml-entities-decode.ts, −37 KB). Not for
 * functions that read HTML from elsewhere (the archive's HTML ingest, the repost verification).
 */
export const DOCX_READER_ALIASES: Readonly<Record<string, string>> = {
  "entities/decode": "./src/documents/xml-entities-decode.ts",
};

/**
 * The api function parses one kind of HTML, hOCR (the archive pages' word boxes,
 * src/archive/ocr/hocr.ts), which every OCR path writes with the XML entities or numeric
 * references alone (Tesseract's hOCR renderer, tesseract.js, src/archive/ocr/page.ts writeHocr):
 * the same XML entity table as DOCX_READER_ALIASES (−37 KB). tests/infra/bundle-aliases.test.ts
 * checks that hocr.ts is htmlparser2's only importer in that bundle and reads hOCR back inside it.
 */
export const HOCR_READER_ALIASES: Readonly<Record<string, string>> = {
  "entities/decode": "./src/documents/xml-entities-decode.ts",
};

/**
 * A package a function loads from its own directory (as tesseract.js loads its worker's script),
 * built from the installed sources into a few minified CommonJS files at `dir`, with a
 * package.json whose `main` is `index.js`.
 */
export interface BundledPackage {
  /** Where the package goes in the function's package, e.g. "node_modules/tesseract.js". */
  readonly dir: string;
  /** The package's name and version, for its package.json. */
  readonly name: string;
  readonly version: string;
  /** Output file (without `.js`) → its entry, relative to the repository root; one is `index`. */
  readonly entries: Readonly<Record<string, string>>;
  /** Left out of these files, resolved at run time from beside the package (e.g. the engine builds). */
  readonly external?: readonly string[];
  /** Code run first in each file (e.g. a check that the engine can run what the package holds). */
  readonly banner?: string;
}

/**
 * The esbuild options of every function: ESM for Node 22 with code splitting, so what a function
 * imports lazily (`await import(…)`: the PDF renderer, .docx parsing, mupdf, OpenSearch) is a chunk
 * loaded on first use and not at cold start. Minified, with source maps, UTF-8 output (the
 * dictionaries and page text are Chinese: ASCII escapes would double their size).
 */
export function functionBuildOptions(
  spec: FunctionBundleSpec,
  outdir: string,
  projectRoot: string = REPO_ROOT,
): BuildOptions & { metafile: true } {
  return {
    entryPoints: { index: isAbsolute(spec.entry) ? spec.entry : join(projectRoot, spec.entry) },
    absWorkingDir: projectRoot,
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node22",
    mainFields: ["module", "main"],
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    banner: { js: ESM_REQUIRE_BANNER },
    external: [...EXTERNAL_MODULES, ...(spec.external ?? [])],
    alias: { ...BUNDLE_ALIASES, ...spec.aliases },
    minify: true,
    charset: "utf8",
    sourcemap: true,
    sourcesContent: false,
    legalComments: "none",
    metafile: true,
    logLevel: "silent",
  };
}

export interface FunctionBundle {
  readonly metafile: Metafile;
  /**
   * Bytes of JavaScript in the package: the bundle (entry and chunks, source maps apart) and the
   * JavaScript among the copied files (the OCR engine's package, which its worker thread loads
   * from its own files). All of it may run, so all of it counts in the goal.
   */
  readonly jsBytes: number;
  /** Of jsBytes, the JavaScript among the copied files. */
  readonly copiedJsBytes: number;
  /** Bytes of JavaScript evaluated when the entry is imported (the entry and its static imports). */
  readonly startupJsBytes: number;
  /** Bytes of the other copied files (templates, fonts, WebAssembly, models). */
  readonly fileBytes: number;
}

/** A JavaScript file (what Node may load as code). */
export const isJavaScript = (path: string) => /\.(m|c)?js$/.test(path);

/** Bundles `spec` into `outdir` (index.mjs, chunks/, and its files) and sizes the result. */
export function buildFunctionBundle(
  spec: FunctionBundleSpec,
  outdir: string,
  projectRoot: string = REPO_ROOT,
): FunctionBundle {
  const metafile = esbuildWithPlugins(functionBuildOptions(spec, outdir, projectRoot), spec.entry, {
    keepZodJsonSchema: spec.zodJsonSchema ?? false,
  });
  let fileBytes = 0;
  let copiedJsBytes = 0;
  for (const file of spec.files ?? []) {
    const from = join(projectRoot, file.from);
    if (!existsSync(from)) throw new Error(`${spec.entry}: ${file.from} is missing (npm install?)`);
    const to = join(outdir, file.to);
    mkdirSync(dirname(to), { recursive: true });
    const excluded = new Set((file.exclude ?? []).map((name) => join(from, name)));
    cpSync(from, to, { recursive: true, dereference: true, filter: (source) => !excluded.has(source) });
    for (const [path, bytes] of sizesOf(to)) {
      if (isJavaScript(path)) copiedJsBytes += bytes;
      else fileBytes += bytes;
    }
  }
  for (const pkg of spec.packages ?? []) copiedJsBytes += buildPackage(pkg, outdir, projectRoot);
  if (spec.openApi) {
    const config = openApiConfigOf(spec.openApi);
    const built: BuiltOpenApi = { config, document: buildOpenApiDocument(config) };
    const file = join(outdir, OPENAPI_FILE);
    writeFileSync(file, JSON.stringify(built));
    fileBytes += statSync(file).size;
  }
  const { jsBytes, startupJsBytes } = jsSizes(metafile, outdir, projectRoot);
  return { metafile, jsBytes: jsBytes + copiedJsBytes, copiedJsBytes, startupJsBytes, fileBytes };
}

/** Builds `pkg` into `outdir` and returns the bytes of JavaScript it wrote. */
function buildPackage(pkg: BundledPackage, outdir: string, projectRoot: string): number {
  const dir = join(outdir, pkg.dir);
  const entryPoints = Object.fromEntries(
    Object.entries(pkg.entries).map(([name, entry]) => [name, join(projectRoot, entry)]),
  );
  const metafile = esbuildWithPlugins(
    {
      entryPoints,
      absWorkingDir: projectRoot,
      outdir: dir,
      bundle: true,
      format: "cjs",
      platform: "node",
      target: "node22",
      external: [...(pkg.external ?? [])],
      ...(pkg.banner ? { banner: { js: pkg.banner } } : {}),
      minify: true,
      charset: "utf8",
      legalComments: "none",
      metafile: true,
      logLevel: "silent",
    },
    pkg.dir,
  );
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify({ name: pkg.name, version: pkg.version, main: "index.js", type: "commonjs" }, null, 2)}\n`,
  );
  return Object.values(metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
}

/** The child process that runs esbuild with its plugins (esbuild-child.mjs). */
const ESBUILD_CHILD = fileURLToPath(new URL("./esbuild-child.mjs", import.meta.url));

/**
 * Runs esbuild with the plugins of esbuild-child.mjs (the SDK schemas' literal keys, zod without
 * its JSON Schema generator unless `keepZodJsonSchema`), synchronously
 * as `cdk synth`'s local bundling needs: esbuild's own synchronous API takes no plugins, so the
 * build runs in a child Node process, which writes the metafile or the errors to a file.
 */
function esbuildWithPlugins(
  options: BuildOptions,
  entry: string,
  plugins: { keepZodJsonSchema?: boolean } = {},
): Metafile {
  const dir = mkdtempSync(join(tmpdir(), "gazette-esbuild-"));
  try {
    const out = join(dir, "result.json");
    const run = spawnSync(process.execPath, ["--no-warnings", ESBUILD_CHILD, out], {
      input: JSON.stringify({ options, keepZodJsonSchema: plugins.keepZodJsonSchema ?? false }),
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0 || !existsSync(out)) {
      throw new Error(
        `esbuild failed for ${entry}: ${(run.stderr || run.error?.message || "").slice(0, 2000)}`,
      );
    }
    const result = JSON.parse(readFileSync(out, "utf8")) as { metafile?: Metafile; errors?: string[] };
    if (!result.metafile) throw new Error(`esbuild failed for ${entry}: ${(result.errors ?? []).join("; ")}`);
    return result.metafile;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function jsSizes(metafile: Metafile, outdir: string, projectRoot: string) {
  const outputs = metafile.outputs;
  const js = Object.keys(outputs).filter((file) => file.endsWith(".mjs"));
  const jsBytes = js.reduce((sum, file) => sum + (outputs[file]?.bytes ?? 0), 0);
  // The entry and, transitively, what it imports statically.
  const entry = relative(projectRoot, join(outdir, "index.mjs"));
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !outputs[file]) return;
    seen.add(file);
    for (const imported of outputs[file].imports)
      if (imported.kind === "import-statement") visit(imported.path);
  };
  visit(entry);
  if (!seen.size) throw new Error(`no entry ${entry} among esbuild's outputs`);
  const startupJsBytes = [...seen].reduce((sum, file) => sum + (outputs[file]?.bytes ?? 0), 0);
  return { jsBytes, startupJsBytes };
}

/** Each file at `path` (itself, or every file under it) with its size. */
function sizesOf(path: string): Array<[string, number]> {
  const stat = statSync(path);
  if (!stat.isDirectory()) return [[path, stat.size]];
  return readdirRecursive(path).map((entry) => [entry, statSync(entry).size]);
}

function readdirRecursive(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

// ------------------------------------------------------------------------------------------------
// Files functions read at run time

/** The site renderer loads templates/*.hbs when it first renders. */
export const TEMPLATE_FILES: readonly BundleFile[] = [{ from: "templates", to: "templates" }];

/**
 * The public site's templates alone (templates/*.hbs and partials/), for a function that renders
 * the site but never the console: the publisher. The console's templates and its browser scripts
 * (templates/console/*.js, counted as JavaScript in the package) stay out.
 */
export const SITE_TEMPLATE_FILES: readonly BundleFile[] = [
  { from: "templates", to: "templates", exclude: ["console"] },
];

/** The PDF renderer's fonts (the API renders previews, the publisher editions). */
export const FONT_FILES: readonly BundleFile[] = [{ from: "fonts", to: "fonts" }];

/**
 * mupdf's WebAssembly binary (the API inspects scan uploads, the archive consumer renders pages):
 * only the binary; its JavaScript is bundled and GAZETTE_MUPDF_WASM names the file.
 */
export const MUPDF_FILES: readonly BundleFile[] = [
  { from: "node_modules/mupdf/dist/mupdf-wasm.wasm", to: "dist/mupdf-wasm.wasm" },
];
export const MUPDF_WASM_ENVIRONMENT = { GAZETTE_MUPDF_WASM: "/var/task/dist/mupdf-wasm.wasm" } as const;

/**
 * tesseract.js runs its WebAssembly in a worker thread whose script it loads from a file, so it
 * stays a package (external) in node_modules/ beside the bundle, with only what the Node worker
 * loads:
 * - tesseract.js itself is built from its installed `src/` into two minified files (OCR_PACKAGE):
 *   `index.js`, the main side (createWorker and the job queue), and `worker.js`, the worker's
 *   script with its dependencies (regenerator-runtime, is-url, bmp-js, wasm-feature-detect) inside
 *   it; the main side starts `worker.js` from beside itself (esbuild-child.mjs rewrites the one
 *   line of tesseract.js that names the worker's path). node-fetch stays out: the worker loads it
 *   only where Node has no `fetch`, and Node 22 has it;
 * - of tesseract.js-core's twelve files, the one engine build the Node worker loads on Lambda's
 *   Node.js 22: the relaxed SIMD build (its worker takes it wherever V8 has relaxed SIMD, which
 *   V8 has shipped since 11.4; Node 22 is V8 12.4). tesseract.js 7's Node getCore is handed a
 *   boolean where it expects the OEM, so it picks the full builds, not the `-lstm` ones, whatever
 *   the OEM; the `-lstm`, plain SIMD, non-SIMD and single-file `.wasm.js` builds are never loaded
 *   there. An engine without relaxed SIMD (Node 20 without `--experimental-wasm-relaxed-simd`)
 *   fails to start the worker, naming the missing build (tests/infra/lambda-bundles.test.ts
 *   starts the worker from the package and reads a page);
 * - of each @tesseract.js-data package, the `4.0.0_best_int` models the engine reads (npmLangPath),
 *   not the larger `4.0.0` ones.
 */
export const OCR_EXTERNAL = ["tesseract.js"] as const;
export const TESSERACT_CORE_BUILDS = ["tesseract-core-relaxedsimd"] as const;
/** A module using a relaxed SIMD instruction (wasm-feature-detect's `relaxedSimd` probe). */
const RELAXED_SIMD_PROBE = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2,
  253, 15, 253, 128, 2, 11,
];
const OCR_LANGUAGES = ["chi_sim", "chi_tra", "chi_tra_vert"] as const;
export const OCR_PACKAGE: BundledPackage = {
  dir: "node_modules/tesseract.js",
  name: "tesseract.js",
  version: installedVersion("tesseract.js"),
  entries: {
    index: "node_modules/tesseract.js/src/index.js",
    worker: "node_modules/tesseract.js/src/worker-script/node/index.js",
  },
  external: ["tesseract.js-core", "tesseract.js-core/*", "node-fetch"],
  // Without relaxed SIMD the worker would look for a build the package does not hold, and
  // tesseract.js 7 never settles createWorker() when its worker fails to start: fail at load
  // instead, saying why (wasm-feature-detect's relaxed SIMD probe).
  banner: `if (!WebAssembly.validate(new Uint8Array([${RELAXED_SIMD_PROBE.join(",")}]))) throw new Error("This tesseract.js package holds only the relaxed-SIMD engine build (Lambda's Node.js 22); this JavaScript engine has no WebAssembly relaxed SIMD (Node 20: --experimental-wasm-relaxed-simd)");`,
};
export const OCR_FILES: readonly BundleFile[] = [
  nodeModule("tesseract.js-core", "package.json"),
  ...TESSERACT_CORE_BUILDS.flatMap((build) =>
    [`${build}.js`, `${build}.wasm`].map((f) => nodeModule("tesseract.js-core", f)),
  ),
  ...OCR_LANGUAGES.flatMap((lang) =>
    ["package.json", "4.0.0_best_int"].map((f) => nodeModule(`@tesseract.js-data/${lang}`, f)),
  ),
];

function nodeModule(pkg: string, file?: string): BundleFile {
  const path = file ? `node_modules/${pkg}/${file}` : `node_modules/${pkg}`;
  return { from: path, to: path };
}

/** The version of an installed package (for reports). */
export function installedVersion(pkg: string, projectRoot: string = REPO_ROOT): string {
  return (
    JSON.parse(readFileSync(join(projectRoot, "node_modules", pkg, "package.json"), "utf8")) as {
      version: string;
    }
  ).version;
}

import { execFile, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createSocket } from "node:dgram";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { search as jmespathSearch } from "@aws-lambda-powertools/jmespath";
import fc from "fast-check";
import * as fontkit from "fontkit";
import JSZip from "jszip";
import CJK_COMPATIBILITY from "opencc-js/dict/CJK_Compatibility_Ideographs";
import ST_CHARACTERS from "opencc-js/dict/STCharacters";
import TS_CHARACTERS from "opencc-js/dict/TSCharacters";
import pako from "pako";
import { afterAll, describe, expect, test } from "vitest";
import { functionBundleSpecs } from "../../bench/lambda.js";
import { FONTKIT_LEFT_OUT_SHAPERS, openccPairs } from "../../infra/constructs/esbuild-child.mjs";
import {
  BUNDLE_ALIASES,
  buildFunctionBundle,
  DOCX_READER_ALIASES,
  FONT_FILES,
  HOCR_READER_ALIASES,
  TEMPLATE_FILES,
} from "../../infra/constructs/function-bundle.js";
import { parseHocr } from "../../src/archive/ocr/hocr.js";
import { traditionalToSimplified } from "../../src/documents/han-variants.js";
import * as yauzlJszip from "../../src/documents/yauzl-jszip.js";
import * as jmespathFields from "../../src/platform/aws/jmespath-fields.js";
import { defaultProvider } from "../../src/platform/aws/lambda-credentials.js";
import MapLruCache from "../../src/platform/aws/map-lru-cache.js";
import * as zlibPako from "../../src/publishing/pdf/zlib-pako.js";
import { createEditionRenderer } from "../../src/publishing/render.js";
import { toPem } from "../../src/signing/certificate.js";
import { sampleEdition } from "../publishing/pdf/fixtures.js";
import { nssDatabase, PDF_TOOLS_PRESENT, PDF_TOOLS_REQUIRED, pdfsig } from "../support/pdf-tools.js";
import { convertSample, roundTripText } from "./fixtures/docx-in-bundle.js";
import { handler as idempotencyInSources } from "./fixtures/idempotency-in-bundle.js";
import { RENDER_GAZETTE } from "./fixtures/render-gazette.js";

/**
 * The Lambda bundles replace a few packages by stubs or by one of their modules
 * (function-bundle.ts: BUNDLE_ALIASES). These tests show the stubbed packages are gone from every
 * function and that what the functions do with the libraries around them still works inside a
 * bundle: rendering an edition (pdf-lib without its standard fonts, fontkit without WOFF2,
 * Handlebars without source-map) gives the very bytes the unbundled renderer gives.
 */
const execFileAsync = promisify(execFile);
/** mnemonist's LRUCache (CommonJS: `module.exports` is the class its types call the default export). */
const MnemonistLruCache = createRequire(import.meta.url)(
  "mnemonist/lru-cache",
) as typeof import("mnemonist/lru-cache.js").default;
type MnemonistLruCache<K, V> = InstanceType<typeof MnemonistLruCache<K, V>>;
const root = mkdtempSync(join(tmpdir(), "gazette-bundle-aliases-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Packages no function bundle may hold (each replaced by an alias). */
const LEFT_OUT = [
  "node_modules/@pdf-lib/standard-fonts/",
  "node_modules/@pdf-lib/upng/",
  "node_modules/brotli/",
  "node_modules/bowser/",
  "node_modules/semver/",
  "node_modules/source-map/",
  "node_modules/dom-serializer/",
  "node_modules/domutils/",
  "node_modules/@opensearch-project/",
  "node_modules/pako/",
  "node_modules/@aws-sdk/credential-provider-node/",
  "node_modules/@aws-sdk/nested-clients/",
  "node_modules/xmlbuilder/",
  "node_modules/readable-stream/",
  "node_modules/jszip/",
  "node_modules/@smithy/core/dist-es/submodules/event-streams/",
  "node_modules/@aws-lambda-powertools/jmespath/",
  "node_modules/@signpdf/utils/dist/index.js",
  "node_modules/@signpdf/utils/dist/extractSignature.js",
  // Handlebars from its ES module sources, without the Node entry's printer.
  "node_modules/handlebars/dist/",
  "node_modules/mnemonist/",
  // The X-Ray SDK's parts Lambda never runs (esbuild-child.mjs: xraySdkTrimPlugin).
  "node_modules/aws-xray-sdk-core/dist/lib/middleware/sampling/default_sampler.js",
  "node_modules/aws-xray-sdk-core/dist/lib/middleware/sampling/service_connector.js",
  "node_modules/aws-xray-sdk-core/dist/lib/middleware/sampling/rule_poller.js",
  "node_modules/aws-xray-sdk-core/dist/lib/segments/plugins/ec2_plugin.js",
  "node_modules/aws-xray-sdk-core/dist/lib/patchers/aws_p.js",
  "node_modules/aws-xray-sdk-core/dist/lib/patchers/promise_p.js",
  // fontkit is bundled from its sources without these (esbuild-child.mjs: fontkitFromSourcesPlugin).
  "node_modules/fontkit/dist/",
  "node_modules/fontkit/src/aat/",
  "node_modules/fontkit/src/WOFFFont.js",
  "node_modules/fontkit/src/WOFF2Font.js",
  "node_modules/fontkit/src/DFont.js",
  "node_modules/fontkit/src/opentype/shapers/IndicShaper.js",
  "node_modules/fontkit/src/opentype/shapers/UniversalShaper.js",
  // pdf-lib's AcroForm API (infra/constructs/esbuild-child.mjs: noAcroFormPlugin).
  "node_modules/pdf-lib/es/api/form/",
  // opencc-js's presets carry their own copies of the dictionaries (src/documents/han-variants.ts).
  "node_modules/opencc-js/dist/esm/",
];

describe("the Lambda bundles' aliases", () => {
  test("no function bundles a package its aliases replace, nor the OpenSearch client", () => {
    // Act
    const found = functionBundleSpecs().map(({ name, spec }) => {
      const { metafile } = buildFunctionBundle(spec, join(root, name));
      const inputs = Object.keys(metafile.inputs);
      return { name, packages: LEFT_OUT.filter((p) => inputs.some((input) => input.includes(p))) };
    });
    // Assess
    expect(found).toEqual(found.map(({ name }) => ({ name, packages: [] })));
    expect(Object.keys(BUNDLE_ALIASES).sort()).toEqual(
      [
        "@pdf-lib/standard-fonts",
        "@pdf-lib/upng",
        "bowser",
        "brotli/decompress.js",
        "htmlparser2",
        "pako",
        "@aws-sdk/credential-provider-node",
        "semver",
        "source-map",
        "xmlbuilder",
        "readable-stream",
        "jszip",
        "@smithy/core/event-streams",
        "@aws-lambda-powertools/jmespath",
        "@aws-lambda-powertools/jmespath/functions",
        "@signpdf/utils",
        "handlebars",
        "mnemonist/lru-cache",
      ].sort(),
    );
  }, 300_000);

  test("an edition rendered inside a bundle is byte for byte the one rendered from the sources", async () => {
    // Prepare
    const dir = join(root, "render");
    buildFunctionBundle(
      { entry: "tests/infra/fixtures/render-in-bundle.ts", files: [...TEMPLATE_FILES, ...FONT_FILES] },
      dir,
    );
    const script = `const m = await import("./index.mjs"); process.stdout.write(JSON.stringify(await m.handler()));`;
    // Act
    const run = spawnSync(process.execPath, ["--no-warnings", "--input-type=module", "-e", script], {
      cwd: dir,
      encoding: "utf8",
      timeout: 120_000,
      env: { PATH: process.env.PATH },
    });
    const expected = (await createEditionRenderer(RENDER_GAZETTE)(sampleEdition)).artifacts.map(
      (a) => `${a.key} ${createHash("sha256").update(a.bytes).digest("hex")}`,
    );
    // Assess
    expect(run.stderr.slice(0, 500)).toBe("");
    expect(JSON.parse(run.stdout)).toEqual(expected);
    expect(expected.some((line) => line.includes(".pdf "))).toBe(true);
    expect(expected.some((line) => line.includes(".html "))).toBe(true);
  }, 180_000);

  test("an edition PDF signed inside a bundle (pdf-lib without its AcroForm API) is a signature pdfsig reports valid", () => {
    if (!PDF_TOOLS_PRESENT) {
      expect(
        PDF_TOOLS_REQUIRED,
        "pdfsig and certutil (poppler-utils, libnss3-tools) are required in CI",
      ).toBe(false);
      return;
    }
    // Prepare
    const dir = join(root, "sign");
    buildFunctionBundle(
      { entry: "tests/infra/fixtures/sign-in-bundle.ts", files: [...TEMPLATE_FILES, ...FONT_FILES] },
      dir,
    );
    const dataDir = mkdtempSync(join(root, "sign-data-"));
    const script = `const m = await import("./index.mjs"); process.stdout.write(JSON.stringify(await m.handler(${JSON.stringify(dataDir)})));`;

    // Act
    const run = spawnSync(process.execPath, ["--no-warnings", "--input-type=module", "-e", script], {
      cwd: dir,
      encoding: "utf8",
      timeout: 120_000,
      env: { PATH: process.env.PATH },
    });
    expect(run.stderr.slice(0, 500)).toBe("");
    const signed = JSON.parse(run.stdout) as { pdf: string; certificate: string };
    const nss = nssDatabase([toPem(Buffer.from(signed.certificate, "base64"))]);
    let report: string;
    try {
      report = pdfsig(Buffer.from(signed.pdf, "base64"), nss.dir);
    } finally {
      nss.close();
    }

    // Assess
    expect(report).toContain("Signature Validation: Signature is Valid.");
    expect(report).toContain("Certificate Validation: Certificate is Trusted.");
    expect(report).toContain("Total document signed");
    expect(report).toContain("Signature Type: ETSI.CAdES.detached");
    expect(report).toContain("Signer Certificate Common Name: 四川省人民政府公报");
  }, 180_000);

  test("text escaped as mammoth escapes it reads back the same through htmlparser2 with the XML entity table (api-documents' bundle)", () => {
    // Prepare: any text, and the characters an entity table could get wrong.
    const texts = [
      ...fc.sample(fc.string({ unit: "binary", maxLength: 40 }), { numRuns: 300, seed: 42 }),
      ...fc.sample(
        fc.string({
          unit: fc.constantFrom("&", "<", ">", ";", "#", "x", "a", "m", "p", "国", "\u00a0"),
          maxLength: 30,
        }),
        { numRuns: 300 },
      ),
      "&amp;&lt;&gt;&nbsp;&copy;&#x4e2d;&#20013;",
      "Tom & Jerry < 国务院 > ©",
    ];
    const file = join(root, "texts.json");
    writeFileSync(file, JSON.stringify(texts));
    const dir = join(root, "docx-text");
    buildFunctionBundle(
      { entry: "tests/infra/fixtures/docx-in-bundle.ts", aliases: DOCX_READER_ALIASES },
      dir,
    );
    const script = `import { readFileSync } from "node:fs"; const m = await import("./index.mjs"); process.stdout.write(JSON.stringify(m.roundTripText(JSON.parse(readFileSync(${JSON.stringify(file)}, "utf8")))));`;

    // Act
    const run = spawnSync(process.execPath, ["--no-warnings", "--input-type=module", "-e", script], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
      env: { PATH: process.env.PATH },
    });

    // Assess: the bundle reads back each text, and so do the sources (the full HTML table).
    expect(run.stderr.slice(0, 500)).toBe("");
    expect(JSON.parse(run.stdout)).toEqual(texts);
    expect(roundTripText(texts)).toEqual(texts);
  }, 120_000);

  test("in the api-documents bundle (XML entity table), htmlparser2 parses the .docx reader's HTML alone", () => {
    // Prepare
    const documents = functionBundleSpecs().find(({ name }) => name === "gazette-api-documents")!;

    // Act
    const { metafile } = buildFunctionBundle(documents.spec, join(root, "documents-htmlparser2"));
    // Modules whose code is in the bundle (esbuild also lists the ones it parsed and dropped).
    const bundled = new Set(
      Object.values(metafile.outputs).flatMap((output) =>
        Object.entries(output.inputs)
          .filter(([, input]) => input.bytesInOutput > 0)
          .map(([path]) => path),
      ),
    );
    const importers = Object.entries(metafile.inputs)
      .filter(([path]) => bundled.has(path) && !path.includes("node_modules/htmlparser2/"))
      .filter(([, input]) => input.imports.some((i) => i.path.includes("node_modules/htmlparser2/")))
      .map(([path]) => path);

    // Assess
    expect(documents.spec.aliases).toEqual(DOCX_READER_ALIASES);
    expect(importers).toEqual(["src/documents/docx.ts"]);
  }, 120_000);

  test("hOCR escaped as the OCR paths escape it reads back the same words inside a bundle with the XML entity table (the api function's)", () => {
    // Prepare: words with the characters an entity table could get wrong, written as Tesseract's
    // hOCR renderer escapes text (&amp; &lt; &gt; &quot; &#39;) and as src/archive/ocr/page.ts
    // does (numeric references for & < > " ').
    const words = [
      ...fc.sample(fc.string({ unit: "binary", minLength: 1, maxLength: 20 }), { numRuns: 200, seed: 7 }),
      ...fc.sample(
        fc.string({
          unit: fc.constantFrom("&", "<", ">", '"', "'", ";", "#", "x", "a", "m", "p", "国", "\u00a0"),
          minLength: 1,
          maxLength: 20,
        }),
        { numRuns: 200 },
      ),
      "Tom & Jerry",
      "&nbsp;&copy;",
      "国务院<令>",
    ];
    const tesseract = (w: string) =>
      w
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;")
        .replace(/'/g, "&#39;");
    const numeric = (w: string) => w.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
    const page = (escapeWord: (w: string) => string) =>
      `<?xml version="1.0" encoding="UTF-8"?><html><body><div class='ocr_page' title='bbox 0 0 100 100'><span class='ocr_line' title='bbox 0 0 100 10'>${words
        .map(
          (w, i) =>
            `<span class='ocrx_word' id='word_1_${i}' title='bbox ${i} 0 ${i + 1} 10; x_wconf 90'>${escapeWord(w)}</span>`,
        )
        .join(" ")}</span></div></body></html>`;
    const pages = [page(tesseract), page(numeric)];
    const file = join(root, "hocr-pages.json");
    writeFileSync(file, JSON.stringify(pages));
    const dir = join(root, "hocr");
    buildFunctionBundle(
      { entry: "tests/infra/fixtures/hocr-in-bundle.ts", aliases: HOCR_READER_ALIASES },
      dir,
    );
    const script = `import { readFileSync } from "node:fs"; const m = await import("./index.mjs"); process.stdout.write(JSON.stringify(m.readPages(JSON.parse(readFileSync(${JSON.stringify(file)}, "utf8")))));`;

    // Act
    const run = spawnSync(process.execPath, ["--no-warnings", "--input-type=module", "-e", script], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
      env: { PATH: process.env.PATH },
    });

    // Assess: the bundle reads the same pages as the sources (the full HTML table), and the words
    // are the words written (as the reader trims them; blank ones are dropped).
    expect(run.stderr.slice(0, 500)).toBe("");
    const fromBundle = JSON.parse(run.stdout) as ReturnType<typeof parseHocr>[];
    expect(fromBundle).toEqual(JSON.parse(JSON.stringify(pages.map((p) => parseHocr(p)))));
    const written = words.map((w) => w.trim()).filter(Boolean);
    for (const read of fromBundle)
      expect(read.lines.flatMap((l) => l.words.map((w) => w.text))).toEqual(written);
  }, 120_000);

  test("in the api bundle (XML entity table), htmlparser2 parses hOCR alone", () => {
    // Prepare
    const api = functionBundleSpecs().find(({ name }) => name === "gazette-api")!;

    // Act
    const { metafile } = buildFunctionBundle(api.spec, join(root, "api-htmlparser2"));
    const bundled = new Set(
      Object.values(metafile.outputs).flatMap((output) =>
        Object.entries(output.inputs)
          .filter(([, input]) => input.bytesInOutput > 0)
          .map(([path]) => path),
      ),
    );
    const importers = Object.entries(metafile.inputs)
      .filter(([path]) => bundled.has(path) && !path.includes("node_modules/htmlparser2/"))
      .filter(([, input]) => input.imports.some((i) => i.path.includes("node_modules/htmlparser2/")))
      .map(([path]) => path);

    // Assess
    expect(api.spec.aliases).toEqual(HOCR_READER_ALIASES);
    expect(importers).toEqual(["src/archive/ocr/hocr.ts"]);
  }, 120_000);

  test("the intake's idempotency configuration behaves inside a bundle (JMESPath by the field-name stand-in) as from the sources", async () => {
    // Prepare
    const dir = join(root, "idempotency");
    buildFunctionBundle({ entry: "tests/infra/fixtures/idempotency-in-bundle.ts" }, dir);
    const script = `const m = await import("./index.mjs"); process.stdout.write(JSON.stringify(await m.handler()));`;

    // Act
    const run = spawnSync(process.execPath, ["--no-warnings", "--input-type=module", "-e", script], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
      env: { PATH: process.env.PATH },
    });
    const expected = JSON.parse(JSON.stringify(await idempotencyInSources()));

    // Assess
    expect(run.stderr.slice(0, 500)).toBe("");
    expect(JSON.parse(run.stdout)).toEqual(expected);
    expect(expected).toMatchObject({
      first: { result: { documentId: "doc-1" } },
      replay: { result: { documentId: "doc-1" } },
      reused: { error: "IdempotencyValidationError" },
      other: { result: { documentId: "doc-2" } },
      // throwOnNoIdempotencyKey: the key's absence surfaces through the persistence layer.
      keyless: { error: "IdempotencyPersistenceLayerError" },
      runs: 2,
    });
  }, 120_000);

  test("the functions' tracer, inside a bundle as in Lambda (X-Ray SDK without what Lambda never runs), sends the subsegments of an AWS call", async () => {
    // Prepare: a DynamoDB endpoint and X-Ray's daemon (UDP), both local.
    const dir = join(root, "tracer");
    buildFunctionBundle({ entry: "tests/infra/fixtures/tracer-in-bundle.ts" }, dir);
    const dynamo = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify({ Item: { pk: { S: "EDITION#1" } } }));
      });
    });
    await new Promise<void>((resolve) => dynamo.listen(0, "127.0.0.1", resolve));
    const daemon = createSocket("udp4");
    const datagrams: string[] = [];
    daemon.on("message", (message) => datagrams.push(message.toString("utf8")));
    await new Promise<void>((resolve) => daemon.bind(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;
    const script = `const m = await import("./index.mjs"); process.stdout.write(JSON.stringify(await m.handler(${JSON.stringify(endpoint)})));`;

    // Act
    let stdout: string;
    let stderr: string;
    try {
      ({ stdout, stderr } = await execFileAsync(
        process.execPath,
        ["--no-warnings", "--input-type=module", "-e", script],
        {
          cwd: dir,
          timeout: 60_000,
          env: {
            PATH: process.env.PATH,
            LAMBDA_TASK_ROOT: dir,
            AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
            AWS_LAMBDA_FUNCTION_NAME: "gazette-api-documents",
            AWS_REGION: "eu-west-1",
            _X_AMZN_TRACE_ID: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
            AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
            AWS_XRAY_CONTEXT_MISSING: "LOG_ERROR",
            POWERTOOLS_SERVICE_NAME: "gazette-api-documents",
          },
        },
      ));
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      dynamo.close();
      daemon.close();
    }
    const subsegments = datagrams.map(
      (d) => JSON.parse(d.slice(d.indexOf("\n") + 1)) as Record<string, unknown>,
    );

    // Assess
    expect(stderr).toBe("");
    expect(JSON.parse(stdout)).toEqual({ tracing: true, item: { pk: { S: "EDITION#1" } } });
    const call = subsegments.find((s) => s.name === "DynamoDB");
    expect(call).toMatchObject({
      namespace: "aws",
      trace_id: "1-5759e988-bd862e3fe1be46a994272793",
      aws: { operation: "GetItem", table_name: "gazette", region: "eu-west-1" },
      http: { response: { status: 200 } },
    });
    const handler = subsegments.find((s) => s.name === "## handler");
    expect(handler).toMatchObject({
      trace_id: "1-5759e988-bd862e3fe1be46a994272793",
      parent_id: "53995c3f42cd8ad8",
    });
    expect(call?.parent_id).toBe(handler?.id);
  }, 120_000);

  test("opencc's dictionaries inside a bundle (two rebuilt from Unicode and from STCharacters) hold the very pairs of opencc's files", () => {
    // Prepare
    const dir = join(root, "opencc");
    const { metafile } = buildFunctionBundle({ entry: "tests/infra/fixtures/opencc-in-bundle.ts" }, dir);
    const text = "國務院辦公廳關於印發《政務公開工作要點》的通知：豈、臺灣、著作權、乾隆、\uF900\u{2F800}";
    const script = `const m = await import("./index.mjs"); process.stdout.write(JSON.stringify(m.handler(${JSON.stringify(text)})));`;

    // Act
    const run = spawnSync(process.execPath, ["--no-warnings", "--input-type=module", "-e", script], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
      env: { PATH: process.env.PATH },
    });
    const bundled = JSON.parse(run.stdout) as {
      dictionaries: Record<"CJK_COMPATIBILITY" | "ST_CHARACTERS" | "TS_CHARACTERS", string>;
      simplified: string;
    };

    // Assess
    expect(run.stderr.slice(0, 500)).toBe("");
    const pairs = (d: string) => [...openccPairs(d)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    expect(pairs(bundled.dictionaries.CJK_COMPATIBILITY)).toEqual(pairs(CJK_COMPATIBILITY));
    expect(pairs(bundled.dictionaries.TS_CHARACTERS)).toEqual(pairs(TS_CHARACTERS));
    expect(bundled.dictionaries.ST_CHARACTERS).toBe(ST_CHARACTERS);
    expect(bundled.simplified).toBe(traditionalToSimplified()(text));
    // Rebuilt, not copied: what the bundle reads for each is a fraction of opencc's file.
    const input = (name: string) =>
      Object.entries(metafile.inputs).find(([path]) =>
        path.endsWith(`opencc-js/dist/esm-lib/dict/${name}.js`),
      )?.[1].bytes ?? Number.POSITIVE_INFINITY;
    expect(input("TSCharacters")).toBeLessThan(Buffer.byteLength(TS_CHARACTERS) / 2);
    expect(input("CJK_Compatibility_Ideographs")).toBeLessThan(Buffer.byteLength(CJK_COMPATIBILITY) / 10);
  }, 120_000);

  test("a .docx read inside a bundle (JSZip on yauzl, mammoth without xmlbuilder, XML entities) gives what the sources give", async () => {
    // Prepare
    const dir = join(root, "docx");
    buildFunctionBundle(
      { entry: "tests/infra/fixtures/docx-in-bundle.ts", aliases: DOCX_READER_ALIASES },
      dir,
    );
    const sample = join(import.meta.dirname, "../../samples/documents/07-office-notice.docx");
    const script = `const m = await import("./index.mjs"); process.stdout.write(JSON.stringify(await m.handler(${JSON.stringify(sample)})));`;

    // Act
    const run = spawnSync(process.execPath, ["--no-warnings", "--input-type=module", "-e", script], {
      cwd: dir,
      encoding: "utf8",
      timeout: 120_000,
      env: { PATH: process.env.PATH },
    });
    const expected = (await convertSample(sample)) as { blocks: unknown[] };

    // Assess
    expect(run.stderr.slice(0, 500)).toBe("");
    expect(JSON.parse(run.stdout)).toEqual(expected);
    expect(expected.blocks.length).toBeGreaterThan(5);
  }, 180_000);
});

describe("the stand-ins the bundles use", () => {
  test("no font in fonts/ needs what the bundles leave out of fontkit: each is OpenType/TrueType or a collection of them, none has a morx table nor a glyph of the Indic or Universal shapers' scripts", async () => {
    // Prepare: the OpenType script tags fontkit gives those two shapers, from its own table.
    const fontkitSrc = join(import.meta.dirname, "../../node_modules/fontkit/src");
    const shaperTable = readFileSync(join(fontkitSrc, "opentype/shapers/index.js"), "utf8");
    const leftOutTags = new Set(
      [...shaperTable.matchAll(/^\s*'?([\w ]{4})'?:\s*(\w+),/gm)]
        .filter((m) => FONTKIT_LEFT_OUT_SHAPERS.includes(m[2]!))
        .map((m) => m[1]!),
    );
    const { fromUnicode } = (await import(pathToFileURL(join(fontkitSrc, "layout/Script.js")).href)) as {
      fromUnicode(script: string): string | string[] | undefined;
    };
    const { getScript } = (await import(
      pathToFileURL(join(import.meta.dirname, "../../node_modules/unicode-properties/dist/module.mjs")).href
    )) as { getScript(codePoint: number): string };
    const fontsDir = join(import.meta.dirname, "../../fonts");
    const files = readdirSync(fontsDir).filter((f) => /\.(otf|ttf|ttc|woff2?|dfont)$/i.test(f));

    // Act
    const faces = files.flatMap((file) => {
      const font = fontkit.create(readFileSync(join(fontsDir, file))) as
        | fontkit.Font
        | fontkit.FontCollection;
      const members = "fonts" in font ? font.fonts : [font];
      return members.map((face) => ({ file, type: font.type, face }));
    });
    const report = faces.map(({ file, type, face }) => {
      const tags = new Set<string>();
      for (const cp of face.characterSet) {
        const tag = fromUnicode(getScript(cp));
        for (const t of Array.isArray(tag) ? tag : tag ? [tag] : []) if (leftOutTags.has(t)) tags.add(t);
      }
      const tables = (face as unknown as { directory: { tables: Record<string, unknown> } }).directory.tables;
      return { file, type, morx: "morx" in tables, leftOutScripts: [...tags] };
    });

    // Assess
    expect(leftOutTags.size).toBeGreaterThan(20);
    expect(leftOutTags.has("tibt")).toBe(true);
    expect(faces.length).toBeGreaterThanOrEqual(files.length);
    expect(report).toEqual(
      report.map(({ file, type }) => ({
        file,
        type: type === "TTC" ? "TTC" : "TTF",
        morx: false,
        leftOutScripts: [],
      })),
    );
  });

  test("no source file embeds a PNG or JPEG image (the PNG codec is left out of the bundles)", () => {
    // Prepare
    const sources = join(import.meta.dirname, "../../src");
    const files = (readdirSync(sources, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts"));

    // Act
    const embedders = files.filter((f) => /\.embed(Png|Jpg)\(/.test(readFileSync(join(sources, f), "utf8")));

    // Assess
    expect(embedders).toEqual([]);
  });

  test("Node's zlib stands in for pako: what it deflates pako inflates, and the reverse, at any level", () => {
    // Prepare
    const text = new TextEncoder().encode("国务院办公厅关于印发《政务公开工作要点》的通知 ".repeat(200));

    // Act
    const ours = zlibPako.deflate(text);
    const stored = zlibPako.deflate(text, { level: 0 });
    const theirs = pako.deflate(text);

    // Assess
    expect(pako.inflate(ours)).toEqual(text);
    expect(pako.inflate(stored)).toEqual(text);
    expect(stored.length).toBeGreaterThan(text.length);
    expect(zlibPako.inflate(theirs)).toEqual(text);
    expect(zlibPako.default.deflate).toBe(zlibPako.deflate);
  });

  test("the zlib stand-in's Inflate reads, chunk by chunk as JSZip feeds it, what pako's raw Deflate wrote, and the reverse", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 4000 }),
        fc.array(fc.nat(4000), { maxLength: 6 }),
        fc.constantFrom(-1, 0, 1, 6, 9),
        (data, cuts, level) => {
          // Prepare
          const feed = (
            stream: { push(d: Uint8Array | number[], f: boolean): boolean },
            bytes: Uint8Array,
          ) => {
            const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
            let from = 0;
            // JSZip pushes each chunk it reads (never an empty one), then [] to finish.
            for (const to of [...at, bytes.length]) {
              if (to > from) stream.push(bytes.subarray(from, to), false);
              from = to;
            }
            return stream.push([], true);
          };
          const collect = <T extends { onData: (d: Uint8Array) => void }>(stream: T) => {
            const out: Uint8Array[] = [];
            stream.onData = (d) => out.push(d);
            return { stream, out: () => Buffer.concat(out) };
          };

          // Act
          const theirsDeflate = collect(new pako.Deflate({ raw: true, level }));
          feed(theirsDeflate.stream, data);
          const oursInflate = collect(new zlibPako.Inflate({ raw: true, level }));
          const inflated = feed(oursInflate.stream, theirsDeflate.out());
          const oursDeflate = collect(new zlibPako.Deflate({ raw: true, level }));
          feed(oursDeflate.stream, data);
          const theirsInflate = collect(new pako.Inflate({ raw: true }));
          feed(theirsInflate.stream, oursDeflate.out());

          // Assess
          expect(inflated).toBe(true);
          expect(oursInflate.out()).toEqual(Buffer.from(data));
          expect(theirsInflate.out()).toEqual(Buffer.from(data));
        },
      ),
    );
  });

  test("the zlib stand-in's Inflate reports a corrupt stream as pako does: push is false, err is set, no data", () => {
    // Prepare
    const inflate = new zlibPako.Inflate({ raw: true });
    const data: Uint8Array[] = [];
    inflate.onData = (d) => data.push(d);

    // Act
    const ok = inflate.push(new Uint8Array([0xff, 0xff, 0xff, 0x00, 0x13]), true);

    // Assess
    expect(ok).toBe(false);
    expect(inflate.err).not.toBe(0);
    expect(inflate.msg).not.toBe("");
    expect(data).toEqual([]);
  });

  test("the zlib stand-in refuses pako options it does not implement instead of ignoring them", () => {
    // Act / Assess
    expect(() => zlibPako.deflate(new Uint8Array(4), { level: 6, windowBits: 9 })).toThrow(/windowBits/);
    expect(() => new zlibPako.Inflate({ raw: true, windowBits: 9 })).toThrow(/windowBits/);
    expect(() => new zlibPako.Inflate({})).toThrow(/raw/);
  });

  test("the Map LRU cache stands in for mnemonist's: the same answers and evictions on any sequence of operations", () => {
    const key = fc.constantFrom("a", "b", "c", "d", "e");
    const operation = fc.oneof(
      fc.record({ op: fc.constant("set" as const), key, value: fc.nat(99) }),
      fc.record({ op: fc.constantFrom("get" as const, "has" as const, "peek" as const), key }),
      fc.record({ op: fc.constant("clear" as const) }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(operation, { maxLength: 40 }),
        (capacity, operations) => {
          // Prepare
          const ours = new MapLruCache<string, number>(capacity);
          const theirs = new MnemonistLruCache<string, number>(capacity);
          const run = (cache: MapLruCache<string, number> | MnemonistLruCache<string, number>) =>
            operations.map((o) => {
              if (o.op === "set") return cache.set(o.key, o.value) && undefined;
              if (o.op === "clear") return cache.clear();
              return cache[o.op](o.key);
            });

          // Act / Assess
          expect(run(ours)).toEqual(run(theirs));
          expect(ours.size).toBe(theirs.size);
          expect(["a", "b", "c", "d", "e"].map((k) => ours.peek(k))).toEqual(
            ["a", "b", "c", "d", "e"].map((k) => theirs.peek(k)),
          );
        },
      ),
    );
  });

  test("the JMESPath stand-in answers dotted field names as Powertools' JMESPath does, on any document", () => {
    const name = fc.oneof(
      fc.constantFrom("key", "payloadHash", "a", "b", "_x1"),
      fc.string({ minLength: 1, maxLength: 4 }),
    );
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.constantFrom(null, true, 0, 1.5, "", "值"),
        fc.array(tie("value"), { maxLength: 3 }),
        fc.dictionary(name, tie("value"), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, fc.array(name, { minLength: 1, maxLength: 3 }), (data, path) => {
        // Prepare: each name unquoted where it is an identifier, else JSON-quoted.
        const expression = path
          .map((n) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(n) ? n : JSON.stringify(n)))
          .join(".");

        // Act / Assess
        expect(jmespathFields.search(expression, data)).toEqual(jmespathSearch(expression, data as never));
      }),
    );
  });

  test("the JMESPath stand-in refuses what is not a dotted field name instead of answering it differently", () => {
    for (const expression of ["a[0]", "a | b", "length(a)", "a.*", "", "a.", "*.b", "a[?b]", '""', 'a.""']) {
      expect(() => jmespathFields.search(expression, { a: [1] }), expression).toThrow(/not in this bundle/);
    }
  });

  test("the yauzl stand-in for JSZip finds the same files as JSZip in a .docx, with the same bytes, and refuses to write", async () => {
    // Prepare
    const sample = readFileSync(join(import.meta.dirname, "../../samples/documents/07-office-notice.docx"));
    const theirs = await JSZip.loadAsync(sample);
    const names = Object.keys(theirs.files);
    const asked = [...names, "word/missing.xml", "/word/document.xml", "WORD/DOCUMENT.XML"];

    // Act
    const ours = await yauzlJszip.loadAsync(sample);
    const found = await Promise.all(
      asked.map(async (name) => {
        const file = ours.file(name);
        return { name, bytes: file ? Buffer.from(await file.async("uint8array")).toString("hex") : null };
      }),
    );
    const expected = await Promise.all(
      asked.map(async (name) => {
        const file = theirs.file(name);
        return { name, bytes: file ? Buffer.from(await file.async("uint8array")).toString("hex") : null };
      }),
    );

    // Assess
    expect(found).toEqual(expected);
    expect(found.filter((f) => f.bytes !== null).length).toBeGreaterThan(5);
    expect(await ours.file("word/document.xml")?.async("string")).toBe(
      await theirs.file("word/document.xml")?.async("string"),
    );
    expect(() => ours.file("word/styles.xml", "<w:styles/>")).toThrow(/only reads/);
    await expect(ours.generateAsync({ type: "arraybuffer" })).rejects.toThrow(/only reads/);
  });

  test("the yauzl stand-in for JSZip reads directories as JSZip does (not files) and fails on what is not a zip", async () => {
    // Prepare
    const zip = new JSZip();
    zip.folder("word");
    zip.file("word/document.xml", "<w:document/>");
    zip.file("customXml/item1.xml", "项目");
    const bytes = await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });

    // Act
    const ours = await yauzlJszip.loadAsync(new Uint8Array(bytes));

    // Assess
    expect(ours.file("word/")).toBeNull();
    expect(ours.file("word/document.xml")).not.toBeNull();
    expect(await ours.file("customXml/item1.xml")?.async("string")).toBe("项目");
    await expect(yauzlJszip.loadAsync(Buffer.from("not a zip archive"))).rejects.toThrow();
  });

  test("the Lambda credential provider returns the execution role's keys from the environment", async () => {
    // Prepare
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: "ASIAEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "secret",
      AWS_SESSION_TOKEN: "token",
    });
    delete process.env.AWS_PROFILE;
    try {
      // Act
      const credentials = await defaultProvider()();

      // Assess
      expect(credentials).toMatchObject({
        accessKeyId: "ASIAEXAMPLE",
        secretAccessKey: "secret",
        sessionToken: "token",
      });
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  test("without keys in the environment the Lambda credential provider fails, saying so", async () => {
    // Prepare
    const saved = { ...process.env };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      // Act / Assess
      await expect(defaultProvider()()).rejects.toThrow(/environment/i);
    } finally {
      Object.assign(process.env, saved);
    }
  });
});

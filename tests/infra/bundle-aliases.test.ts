import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import * as fontkit from "fontkit";
import JSZip from "jszip";
import pako from "pako";
import { afterAll, describe, expect, test } from "vitest";
import { functionBundleSpecs } from "../../bench/lambda.js";
import { FONTKIT_LEFT_OUT_SHAPERS } from "../../infra/constructs/esbuild-child.mjs";
import {
  BUNDLE_ALIASES,
  buildFunctionBundle,
  FONT_FILES,
  TEMPLATE_FILES,
} from "../../infra/constructs/function-bundle.js";
import * as yauzlJszip from "../../src/documents/yauzl-jszip.js";
import { defaultProvider } from "../../src/platform/aws/lambda-credentials.js";
import * as zlibPako from "../../src/publishing/pdf/zlib-pako.js";
import { createEditionRenderer } from "../../src/publishing/render.js";
import { toPem } from "../../src/signing/certificate.js";
import { sampleEdition } from "../publishing/pdf/fixtures.js";
import { nssDatabase, PDF_TOOLS_PRESENT, PDF_TOOLS_REQUIRED, pdfsig } from "../support/pdf-tools.js";
import { convertSample } from "./fixtures/docx-in-bundle.js";
import { RENDER_GAZETTE } from "./fixtures/render-gazette.js";

/**
 * The Lambda bundles replace a few packages by stubs or by one of their modules
 * (function-bundle.ts: BUNDLE_ALIASES). These tests show the stubbed packages are gone from every
 * function and that what the functions do with the libraries around them still works inside a
 * bundle: rendering an edition (pdf-lib without its standard fonts, fontkit without WOFF2,
 * Handlebars without source-map) gives the very bytes the unbundled renderer gives.
 */
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

  test("a .docx read inside a bundle (JSZip on Node's streams, mammoth without xmlbuilder) gives what the sources give", async () => {
    // Prepare
    const dir = join(root, "docx");
    buildFunctionBundle({ entry: "tests/infra/fixtures/docx-in-bundle.ts" }, dir);
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

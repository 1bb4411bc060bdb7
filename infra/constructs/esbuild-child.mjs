/**
 * esbuild's synchronous API (which `cdk synth`'s local bundling needs) takes no plugins, so
 * buildFunctionBundle (function-bundle.ts) runs the build here, in a child Node process, with the
 * plugins below. Reads the build options as JSON on stdin; writes `{ metafile }` or `{ errors }`
 * as JSON to the file named by the first argument.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { build, transform } from "esbuild";

/**
 * The AWS SDK clients' schema modules (`@aws-sdk/client-<name>/dist-es/schemas/schemas_0.js`)
 * declare every operation's shapes of the service as arrays, e.g.
 * `export var GetObjectRequest$ = [3, n0, _GOR, { [_xN]: _GORe }, …]`. The object keys are
 * computed from module constants (`const _xN = "xmlName"`), and esbuild keeps any expression with
 * a computed key (it cannot prove the key's conversion to a string has no side effect), so every
 * shape of every operation stayed in each bundle (S3's alone is 66 KB). Writing each computed key
 * that names a string constant of the module as that string makes the shapes plain data, and
 * esbuild drops the shapes of the operations no function calls. Nothing else changes: `{ [_x]: v }`
 * and `{ "xmlName": v }` are the same object when `const _x = "xmlName"`.
 */
export const SDK_SCHEMA_MODULE = /@aws-sdk[\\/]client-[a-z0-9-]+[\\/]dist-es[\\/]schemas[\\/]schemas_0\.js$/;

/** The schema module's source with each computed key naming a string constant written as that string. */
export function literalSchemaKeys(source) {
  const strings = new Map();
  for (const m of source.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) strings.set(m[1], m[2]);
  return source.replace(/\[(_\w+)\]:/g, (key, name) => (strings.has(name) ? `${strings.get(name)}:` : key));
}

export const literalSchemaKeysPlugin = {
  name: "sdk-schema-literal-keys",
  setup(b) {
    b.onLoad({ filter: SDK_SCHEMA_MODULE }, (args) => ({
      contents: literalSchemaKeys(readFileSync(args.path, "utf8")),
      loader: "js",
    }));
  },
};

/**
 * pdf-lib's AcroForm API (PDFForm and its field classes, ≈ 53 KB) left out: pdf-lib's
 * PDFDocument imports PDFForm only for `getForm()`, which no function calls, and its index
 * re-exports the field classes, which no module imports. The two imports inside pdf-lib resolve
 * to src/publishing/pdf/no-acroform.ts (a PDFForm whose `of` throws; it exports nothing else, so
 * an ESM import of a field class from pdf-lib fails the build). A path alias cannot do this:
 * both imports are relative, inside pdf-lib's own files.
 */
export const PDF_LIB_FORM_IMPORT = /[\\/]pdf-lib[\\/](es|cjs)[\\/]api[\\/](PDFDocument|index)\.js$/;
export const NO_ACROFORM = "src/publishing/pdf/no-acroform.ts";

export const noAcroFormPlugin = {
  name: "pdf-lib-no-acroform",
  setup(b) {
    const root = b.initialOptions.absWorkingDir ?? process.cwd();
    b.onResolve({ filter: /^\.\/form(\/PDFForm)?$/ }, (args) =>
      PDF_LIB_FORM_IMPORT.test(args.importer) ? { path: join(root, NO_ACROFORM) } : undefined,
    );
  },
};

/**
 * tesseract.js's main side starts its worker from `src/worker-script/node/index.js`, a path it
 * computes from its own file's directory (src/worker/node/defaultOptions.js). Built into one
 * `index.js` beside `worker.js` (function-bundle.ts: OCR_PACKAGE), it starts `worker.js` from
 * its own directory instead. The build fails if the line is not found (a new tesseract.js).
 */
export const TESSERACT_DEFAULT_OPTIONS =
  /[\\/]tesseract\.js[\\/]src[\\/]worker[\\/]node[\\/]defaultOptions\.js$/;
const WORKER_PATH_LINE = "workerPath: path.join(__dirname, '..', '..', 'worker-script', 'node', 'index.js'),";

export const tesseractWorkerPathPlugin = {
  name: "tesseract-worker-path",
  setup(b) {
    b.onLoad({ filter: TESSERACT_DEFAULT_OPTIONS }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!source.includes(WORKER_PATH_LINE))
        return { errors: [{ text: `${args.path} no longer says ${WORKER_PATH_LINE}` }] };
      return {
        contents: source.replace(WORKER_PATH_LINE, "workerPath: path.join(__dirname, 'worker.js'),"),
        loader: "js",
      };
    });
  },
};

/**
 * fontkit is bundled from its ES module sources (`src/`, which its package ships) instead of its
 * one-file build (`dist/module.mjs`), so that esbuild keeps only the modules the renderer reaches:
 * - `fontkit` is an entry that registers the two font formats the gazette's fonts come in,
 *   OpenType/TrueType and TrueType collections, not WOFF, WOFF2 or Mac resource-fork DFonts;
 * - fontkit's shapers of the Indic scripts and of the Universal Shaping Engine's scripts (Tibetan,
 *   Javanese, Balinese, …; ≈ 72 KB with their state machines and Unicode tables) are replaced by
 *   its default shaper: they reorder glyphs no font of the gazette has (its fonts are Chinese and
 *   Latin; a character no face has is a .notdef box the preflight reports either way);
 * - its AAT layout engine (for fonts with a `morx` table, which none of the gazette's fonts has)
 *   by src/publishing/pdf/no-aat.ts.
 * tests/infra/bundle-aliases.test.ts checks the fonts (formats, no `morx`, no glyph of those
 * scripts) and renders an edition inside a bundle, byte for byte as the sources (fontkit's
 * `dist/`) render it. fontkit's sources use legacy decorators (`@cache`) and read their Unicode
 * tables with `fs.readFileSync(__dirname + …)`, which its own build inlines: so does this one.
 */
export const FONTKIT_SOURCE = /[\\/]node_modules[\\/]fontkit[\\/]src[\\/].*\.js$/;
export const FONTKIT_FORMATS = ["TTFFont", "TrueTypeCollection"];
export const FONTKIT_LEFT_OUT_SHAPERS = ["IndicShaper", "UniversalShaper"];
export const NO_AAT = "src/publishing/pdf/no-aat.ts";

export const fontkitFromSourcesPlugin = {
  name: "fontkit-from-sources",
  setup(b) {
    const root = b.initialOptions.absWorkingDir ?? process.cwd();
    const src = join(root, "node_modules/fontkit/src");
    b.onResolve({ filter: /^fontkit$/ }, () => ({
      path: join(src, "gazette-entry.js"),
      namespace: "fontkit-entry",
    }));
    b.onLoad({ filter: /.*/, namespace: "fontkit-entry" }, () => ({
      contents: [
        "import { registerFormat } from './base';",
        ...FONTKIT_FORMATS.map((f) => `import ${f} from './${f}';\nregisterFormat(${f});`),
        "export * from './base';",
      ].join("\n"),
      resolveDir: src,
      loader: "js",
    }));
    const shapers = new RegExp(`^\\./(${FONTKIT_LEFT_OUT_SHAPERS.join("|")})$`);
    b.onResolve({ filter: shapers }, (args) =>
      /[\\/]fontkit[\\/]src[\\/]opentype[\\/]shapers[\\/]index\.js$/.test(args.importer)
        ? { path: join(src, "opentype/shapers/DefaultShaper.js") }
        : undefined,
    );
    b.onResolve({ filter: /^\.\.\/aat\/AATLayoutEngine$/ }, (args) =>
      /[\\/]fontkit[\\/]src[\\/]layout[\\/]LayoutEngine\.js$/.test(args.importer)
        ? { path: join(root, NO_AAT) }
        : undefined,
    );
    b.onLoad({ filter: FONTKIT_SOURCE }, async (args) => {
      const source = readFileSync(args.path, "utf8").replace(
        /require\('fs'\)\.readFileSync\(__dirname \+ '\/([\w.]+)', 'base64'\)/g,
        (_, file) => JSON.stringify(readFileSync(join(dirname(args.path), file)).toString("base64")),
      );
      if (/require\(|__dirname/.test(source)) {
        return {
          errors: [
            { text: `${args.path} still reads files at run time; fontkit-from-sources does not inline it` },
          ],
        };
      }
      const { code } = await transform(source, {
        loader: "ts",
        format: "esm",
        sourcefile: args.path,
        tsconfigRaw: { compilerOptions: { experimentalDecorators: true } },
      });
      return { contents: code, loader: "js", resolveDir: dirname(args.path) };
    });
  },
};

/**
 * Powertools Tracer runs on the X-Ray SDK (aws-xray-sdk-core, CommonJS, loaded whole). In Lambda
 * the SDK records subsegments under the facade segment Lambda gives it and, by its own rule,
 * turns centralized sampling off when it loads (env/aws_lambda.js: Lambda samples by the trace
 * header); what the functions never reach is replaced by stand-ins that throw, saying so:
 * - the centralized sampler (default_sampler with its rule and target pollers, rule cache,
 *   reservoir and the daemon's sampling API client): the stand-in samples with the SDK's local
 *   sampler, which is the one the SDK switches to in Lambda, and cannot start polling;
 * - the EC2, ECS and Elastic Beanstalk plugins (segment metadata from those hosts; loaded only by
 *   `config([plugins])`, which no function calls);
 * - the AWS SDK v2 patcher (`captureAWS`, `captureAWSClient`: the functions use SDK v3, traced by
 *   `captureAWSv3Client`) and the promise patcher (`capturePromise`, which the Tracer never calls).
 * tests/infra/bundle-aliases.test.ts runs the Tracer inside a bundle as in Lambda and receives
 * the subsegments of an SDK call and of an HTTP request as X-Ray's daemon would.
 */
export const XRAY_STAND_INS = {
  "./sampling/default_sampler": `var local = require("./local_sampler");
function notHere() { throw new Error("X-Ray centralized sampling is not in this bundle: in Lambda the SDK samples locally (the trace header decides)"); }
module.exports = { localSampler: local, started: false,
  shouldSample: function (request) { return local.shouldSample(request); },
  setLocalRules: function (source) { local.setLocalRules(source); },
  start: notHere, shutdown: function () {} };`,
  "./segments/plugins/ec2_plugin": plugin("EC2"),
  "./segments/plugins/ecs_plugin": plugin("ECS"),
  "./segments/plugins/elastic_beanstalk_plugin": plugin("Elastic Beanstalk"),
  "./patchers/aws_p": `function notHere() { throw new Error("The X-Ray patcher of the AWS SDK v2 is not in this bundle: the functions use SDK v3 (captureAWSv3Client)"); }
module.exports.captureAWS = notHere; module.exports.captureAWSClient = notHere;`,
  "./patchers/promise_p": `function notHere() { throw new Error("X-Ray's promise patcher is not in this bundle"); }
module.exports.capturePromise = notHere; module.exports.uncapturePromise = notHere;`,
};

function plugin(host) {
  return `module.exports = { originName: "${host}", getData: function () { throw new Error("X-Ray's ${host} plugin is not in this bundle: the functions run in Lambda"); } };`;
}

const XRAY_LIB = /[\\/]aws-xray-sdk-core[\\/]dist[\\/]lib[\\/](aws-xray|middleware[\\/]mw_utils)\.js$/;

export const xraySdkTrimPlugin = {
  name: "xray-sdk-lambda-only",
  setup(b) {
    const filter = new RegExp(
      `^(${Object.keys(XRAY_STAND_INS)
        .map((k) => k.replace(/[./]/g, "\\$&"))
        .join("|")})$`,
    );
    b.onResolve({ filter }, (args) =>
      XRAY_LIB.test(args.importer)
        ? {
            path: args.path,
            namespace: "xray-stand-in",
            pluginData: { resolveDir: join(args.resolveDir, dirname(args.path)) },
          }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "xray-stand-in" }, (args) => ({
      contents: XRAY_STAND_INS[args.path],
      resolveDir: args.pluginData.resolveDir,
      loader: "js",
    }));
  },
};

/**
 * opencc-js's CJK_Compatibility_Ideographs and TSCharacters rebuilt from what the bundles hold
 * anyway (src/documents/opencc-dictionaries.ts: Unicode normalisation; STCharacters read backwards
 * plus the differences, computed here). Each is replaced only where the result has the very pairs
 * of opencc's file; else the file is bundled as it is.
 */
const OPENCC_DICT =
  /[\\/]opencc-js[\\/]dist[\\/]esm-lib[\\/]dict[\\/](TSCharacters|CJK_Compatibility_Ideographs)\.js$/;
const OPENCC_HELPERS = "src/documents/opencc-dictionaries.ts";

/** opencc-js's reading of a dictionary string: source → replacement, the last pair winning. */
export function openccPairs(dictionary) {
  const pairs = new Map();
  for (const line of dictionary.split("|")) {
    const [source, replacement] = line.split(" ");
    if (source !== undefined && replacement !== undefined) pairs.set(source, replacement);
  }
  return pairs;
}

const dictionaryOf = (file) => {
  const m = /^export default ("(?:[^"\\]|\\.)*");?\s*$/.exec(readFileSync(file, "utf8").trim());
  return m ? JSON.parse(m[1]) : undefined;
};

const samePairs = (a, b) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

export const openccDictionariesPlugin = {
  name: "opencc-dictionaries",
  setup(b) {
    const root = b.initialOptions.absWorkingDir ?? process.cwd();
    const helpers = JSON.stringify(join(root, OPENCC_HELPERS));
    b.onLoad({ filter: OPENCC_DICT }, (args) => {
      const original = dictionaryOf(args.path);
      if (original === undefined) return undefined;
      const wanted = openccPairs(original);
      if (args.path.endsWith("CJK_Compatibility_Ideographs.js")) {
        const computed = new Map();
        for (const [from, to] of [
          [0xf900, 0xfaff],
          [0x2f800, 0x2fa1f],
        ])
          for (let cp = from; cp <= to; cp++) {
            const c = String.fromCodePoint(cp);
            if (c.normalize("NFC") !== c) computed.set(c, c.normalize("NFC"));
          }
        if (!samePairs(computed, wanted)) return undefined;
        return {
          contents: `import { compatibilityIdeographs } from ${helpers};\nexport default /* @__PURE__ */ compatibilityIdeographs();`,
          loader: "js",
          resolveDir: dirname(args.path),
        };
      }
      const st = dictionaryOf(join(dirname(args.path), "STCharacters.js"));
      if (st === undefined) return undefined;
      const inverse = new Map();
      for (const line of st.split("|")) {
        const [source, replacement] = line.split(" ");
        if (source !== undefined && replacement !== undefined && !inverse.has(replacement))
          inverse.set(replacement, source);
      }
      const removed = [...inverse.keys()].filter((k) => !wanted.has(k));
      const overrides = [...wanted].filter(([k, v]) => inverse.get(k) !== v);
      return {
        contents: [
          `import ST from "./STCharacters.js";`,
          `import { inverseDictionary } from ${helpers};`,
          `export default /* @__PURE__ */ inverseDictionary(ST, ${JSON.stringify(removed.join("|"))}, ${JSON.stringify(overrides.map(([k, v]) => `${k} ${v}`).join("|"))});`,
        ].join("\n"),
        loader: "js",
        resolveDir: dirname(args.path),
      };
    });
  },
};

/**
 * pdf-lib's ES modules tree-shaken: @signpdf/placeholder-pdf-lib (CommonJS) requires "pdf-lib",
 * which makes esbuild keep every export of pdf-lib's index; it gets a module re-exporting the
 * seven classes it uses instead, and pdf-lib's modules are marked free of side effects (they
 * declare classes and constants), so that the modules no function reaches are dropped.
 */
const SIGNPDF_PLACEHOLDER = /[\\/]@signpdf[\\/]placeholder-pdf-lib[\\/]/;
const PDF_LIB_ES = /[\\/]node_modules[\\/]pdf-lib[\\/]es[\\/]/;

export const pdfLibTreeShakingPlugin = {
  name: "pdf-lib-tree-shaking",
  setup(b) {
    b.onResolve({ filter: /^pdf-lib$/ }, (args) => {
      if (!SIGNPDF_PLACEHOLDER.test(args.importer)) return undefined;
      const used = [
        ...new Set([...readFileSync(args.importer, "utf8").matchAll(/_pdfLib\.(\w+)/g)].map((m) => m[1])),
      ];
      return {
        path: "pdf-lib",
        namespace: "pdf-lib-for-signpdf",
        pluginData: { used, resolveDir: args.resolveDir },
      };
    });
    b.onLoad({ filter: /.*/, namespace: "pdf-lib-for-signpdf" }, (args) => ({
      contents: `export { ${args.pluginData.used.join(", ")} } from "pdf-lib";`,
      resolveDir: args.pluginData.resolveDir,
      loader: "js",
    }));
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.pdfLibResolved) return undefined;
      if (args.path !== "pdf-lib" && !PDF_LIB_ES.test(args.importer)) return undefined;
      const resolved = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { pdfLibResolved: true },
      });
      if (resolved.errors.length) return { errors: resolved.errors };
      return PDF_LIB_ES.test(resolved.path) ? { ...resolved, sideEffects: false } : resolved;
    });
  },
};

/**
 * The AWS SDK clients import their whole package.json (≈ 2.4 KB each: scripts, dependencies,
 * files) for its `version`, which goes into the User-Agent; the X-Ray SDK requires its own for
 * `name` and `version`, which go into each segment. Those files are bundled as `{ name, version }`
 * alone. The importer's source is read first: the build fails if it reads any other field of
 * the file (a new SDK release might), or uses the object as a whole.
 */
export const PACKAGE_INFO_IMPORTER =
  /[\\/]node_modules[\\/](@aws-sdk[\\/]client-[a-z0-9-]+[\\/]dist-es[\\/]runtimeConfig(\.browser)?|aws-xray-sdk-core[\\/]dist[\\/]lib[\\/]aws-xray)\.js$/;
export const PACKAGE_INFO_FIELDS = ["name", "version"];

/** The fields of package.json `source` reads, or an error naming what else it does with it. */
export function packageInfoUses(code) {
  // Comments apart (they may name the binding in prose).
  const source = code.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'\\])\/\/.*$/gm, "$1");
  const bindings = [
    ...source.matchAll(/import\s+(\w+)\s+from\s+["'][./]*package\.json["']/g),
    ...source.matchAll(/(\w+)\s*=\s*require\(\s*["'][./]*package\.json["']\s*\)/g),
  ].map((m) => m[1]);
  if (bindings.length === 0) return { error: "no package.json binding found" };
  const fields = new Set();
  for (const binding of new Set(bindings)) {
    for (const m of source.matchAll(new RegExp(`\\b${binding}\\b(\\s*\\.\\s*(\\w+))?`, "g"))) {
      if (m[2]) fields.add(m[2]);
      else {
        const after = source.slice(m.index + m[0].length).trimStart();
        const before = source.slice(0, m.index).trimEnd();
        // Its declaration and assignments only: `import x from`, `var x = {}`, `x = require(…)`.
        if (!(/^(from\b|=)/.test(after) || /\b(import|var|let|const)$/.test(before)))
          return { error: `uses the package.json object ${binding} as a whole` };
      }
    }
  }
  const other = [...fields].filter((f) => !PACKAGE_INFO_FIELDS.includes(f));
  return other.length ? { error: `reads package.json's ${other.join(", ")}` } : { fields: [...fields] };
}

export const packageInfoPlugin = {
  name: "package-info-name-version",
  setup(b) {
    b.onResolve({ filter: /(^|[\\/])package\.json$/ }, (args) => {
      if (!PACKAGE_INFO_IMPORTER.test(args.importer)) return undefined;
      const uses = packageInfoUses(readFileSync(args.importer, "utf8"));
      if (uses.error) return { errors: [{ text: `${args.importer}: ${uses.error}` }] };
      return { path: join(args.resolveDir, args.path), namespace: "package-info" };
    });
    b.onLoad({ filter: /.*/, namespace: "package-info" }, (args) => {
      const info = JSON.parse(readFileSync(args.path, "utf8"));
      return {
        contents: JSON.stringify(Object.fromEntries(PACKAGE_INFO_FIELDS.map((f) => [f, info[f]]))),
        loader: "json",
      };
    });
  },
};

/**
 * The X-Ray SDK's list of AWS operations whose parameters it records in a call's subsegment
 * (resources/aws_whitelist.json, 11.5 KB) is bundled without S3's bucket-level operations
 * (CreateBucket, PutBucketPolicy, GetBucketLifecycle, … : 4.7 KB), which no function calls: the
 * blob stores read and write objects alone (tests/infra/xray-whitelist.test.ts checks the
 * sources name no such command). An operation left out would be traced still, without its
 * parameters.
 */
export const XRAY_WHITELIST =
  /[\\/]aws-xray-sdk-core[\\/]dist[\\/]lib[\\/]resources[\\/]aws_whitelist\.json$/;

/** The whitelist without S3's bucket-level operations. */
export function trimXrayWhitelist(whitelist) {
  const s3 = whitelist.services?.s3;
  if (!s3?.operations) return whitelist;
  const operations = Object.fromEntries(
    Object.entries(s3.operations).filter(([name]) => !/Bucket/.test(name)),
  );
  return { ...whitelist, services: { ...whitelist.services, s3: { ...s3, operations } } };
}

export const xrayWhitelistPlugin = {
  name: "xray-whitelist-objects-only",
  setup(b) {
    b.onLoad({ filter: XRAY_WHITELIST }, (args) => ({
      contents: JSON.stringify(trimXrayWhitelist(JSON.parse(readFileSync(args.path, "utf8")))),
      loader: "json",
    }));
  },
};

/**
 * zod's JSON Schema generator (`z.toJSONSchema`, the `.toJSONSchema()` and `~standard.jsonSchema`
 * methods: core/json-schema-processors.js, core/to-json-schema.js and core/json-schema-generator.js,
 * ≈ 21 KB minified) left out of a function that does not generate JSON Schema at run time: the
 * OpenAPI document (`/api/openapi.json`) is generated at build time. An alias cannot do it: zod's
 * classic schemas import these modules by relative paths. The modules are replaced, for importers
 * inside zod, by stand-ins exporting the same names, each a function that throws saying so when
 * called (the `create…Method` factories a method that throws: the schemas build them as their
 * `toJSONSchema` and `~standard.jsonSchema` are read, and call them only when asked for JSON
 * Schema), except `aggregateChecks`, which
 * the string, number and date schemas' `minLength`-style getters use: it is re-exported from the
 * real module, whose other exports esbuild then drops. A function that does generate JSON Schema
 * at run time keeps the generator with the build's `keepZodJsonSchema`.
 */
export const ZOD_JSON_SCHEMA_MODULE =
  /[\\/]node_modules[\\/]zod[\\/]v4[\\/]core[\\/](json-schema-processors|to-json-schema|json-schema-generator)\.js$/;
const ZOD_IMPORTER = /[\\/]node_modules[\\/]zod[\\/]/;
/** Exports of the generator's modules that its stand-ins keep from the real module. */
export const ZOD_JSON_SCHEMA_KEPT = { "json-schema-processors": ["aggregateChecks"] };

/** The names a zod module exports (`export function|const|class name`, `export { a as b, … }`). */
export function exportedNames(source) {
  const names = new Set();
  for (const m of source.matchAll(/^export (?:async )?(?:function\*?|const|let|var|class) (\w+)/gm))
    names.add(m[1]);
  for (const m of source.matchAll(/^export \{([^}]*)\}(?! from)/gm))
    for (const part of m[1].split(",")) {
      const name = part
        .trim()
        .split(/\s+as\s+/)
        .pop();
      if (name) names.add(name);
    }
  return [...names];
}

/** The stand-in of one of the generator's modules (the real one at `path`). */
export function zodJsonSchemaStandIn(path) {
  const module = ZOD_JSON_SCHEMA_MODULE.exec(path)[1];
  const kept = ZOD_JSON_SCHEMA_KEPT[module] ?? [];
  const names = exportedNames(readFileSync(path, "utf8"));
  const missing = kept.filter((name) => !names.includes(name));
  if (missing.length) return { errors: [{ text: `${path} no longer exports ${missing.join(", ")}` }] };
  // The schemas build their `toJSONSchema` and `~standard.jsonSchema` methods with the
  // `create…Method` factories as they are read: those return a method that throws when called.
  const stub = (name) =>
    `export const ${name} = () => ${name.startsWith("create") ? "() => " : ""}notHere(${JSON.stringify(name)});`;
  return {
    contents: [
      `const notHere = (name) => { throw new Error("zod's JSON Schema generator (" + name + ") is not in this bundle: the functions generate no JSON Schema at run time (the OpenAPI document is generated at build time)"); };`,
      ...(kept.length ? [`export { ${kept.join(", ")} } from ${JSON.stringify(path)};`] : []),
      ...names.filter((name) => !kept.includes(name)).map(stub),
    ].join("\n"),
    loader: "js",
    resolveDir: dirname(path),
  };
}

export const zodWithoutJsonSchemaPlugin = {
  name: "zod-without-json-schema",
  setup(b) {
    b.onResolve(
      { filter: /(^|\/)(json-schema-processors|to-json-schema|json-schema-generator)\.js$/ },
      (args) => {
        if (args.namespace !== "file" || !ZOD_IMPORTER.test(args.importer)) return undefined;
        const path = join(args.resolveDir, args.path);
        return ZOD_JSON_SCHEMA_MODULE.test(path) ? { path, namespace: "zod-without-json-schema" } : undefined;
      },
    );
    b.onLoad({ filter: /.*/, namespace: "zod-without-json-schema" }, (args) =>
      zodJsonSchemaStandIn(args.path),
    );
  },
};

/**
 * xmldom's HTML entity table (lib/entities.js, ≈ 29 KB minified: 2,231 named entities) left out:
 * xmldom's one user in the bundles, mammoth (the .docx reader), parses XML alone (its
 * `parseFromString(string)` passes no MIME type, and xmldom takes the five XML entities for
 * anything but an HTML one). The module is bundled as its own `XML_ENTITIES`, read from the
 * installed file; `HTML_ENTITIES` and `entityMap` are getters that throw saying so, should HTML
 * ever be parsed with it. The build fails if the file no longer declares `XML_ENTITIES` as today.
 * tests/infra/bundle-aliases.test.ts parses XML with every entity inside a bundle and checks
 * mammoth's call.
 */
export const XMLDOM_ENTITIES = /[\\/]@xmldom[\\/]xmldom[\\/]lib[\\/]entities\.js$/;

/** The stand-in of xmldom's entities.js (its source given): the XML table alone. */
export function xmldomXmlEntities(source) {
  const xml = /^exports\.XML_ENTITIES = freeze\(\{[^}]*\}\);$/m.exec(source);
  const freeze = /^var freeze = require\('\.\/conventions'\)\.freeze;$/m.exec(source);
  if (!xml || !freeze) return undefined;
  const notHere = `function () { throw new Error("xmldom's HTML entity table is not in this bundle: mammoth, its one user, parses XML (parseFromString without a MIME type)"); }`;
  return [
    "'use strict';",
    freeze[0],
    xml[0],
    `Object.defineProperty(exports, "HTML_ENTITIES", { get: ${notHere} });`,
    `Object.defineProperty(exports, "entityMap", { get: ${notHere} });`,
  ].join("\n");
}

export const xmldomXmlEntitiesPlugin = {
  name: "xmldom-xml-entities",
  setup(b) {
    b.onLoad({ filter: XMLDOM_ENTITIES }, (args) => {
      const contents = xmldomXmlEntities(readFileSync(args.path, "utf8"));
      if (contents === undefined)
        return {
          errors: [{ text: `${args.path} no longer declares XML_ENTITIES as xmldomXmlEntities reads it` }],
        };
      return { contents, loader: "js", resolveDir: dirname(args.path) };
    });
  },
};

if (process.argv[2]) {
  const out = process.argv[2];
  const { options, keepZodJsonSchema } = JSON.parse(readFileSync(0, "utf8"));
  try {
    const result = await build({
      ...options,
      plugins: [
        ...(keepZodJsonSchema ? [] : [zodWithoutJsonSchemaPlugin]),
        literalSchemaKeysPlugin,
        noAcroFormPlugin,
        pdfLibTreeShakingPlugin,
        tesseractWorkerPathPlugin,
        fontkitFromSourcesPlugin,
        xraySdkTrimPlugin,
        openccDictionariesPlugin,
        packageInfoPlugin,
        xrayWhitelistPlugin,
        xmldomXmlEntitiesPlugin,
      ],
    });
    if (result.errors.length)
      writeFileSync(out, JSON.stringify({ errors: result.errors.map((e) => e.text) }));
    else writeFileSync(out, JSON.stringify({ metafile: result.metafile }));
  } catch (error) {
    const errors = error?.errors?.length ? error.errors.map((e) => e.text) : [String(error?.stack ?? error)];
    writeFileSync(out, JSON.stringify({ errors }));
  }
}

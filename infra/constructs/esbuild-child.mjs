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

if (process.argv[2]) {
  const out = process.argv[2];
  const options = JSON.parse(readFileSync(0, "utf8"));
  try {
    const result = await build({
      ...options,
      plugins: [
        literalSchemaKeysPlugin,
        noAcroFormPlugin,
        tesseractWorkerPathPlugin,
        fontkitFromSourcesPlugin,
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

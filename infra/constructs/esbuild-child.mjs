/**
 * esbuild's synchronous API (which `cdk synth`'s local bundling needs) takes no plugins, so
 * buildFunctionBundle (function-bundle.ts) runs the build here, in a child Node process, with the
 * plugins below. Reads the build options as JSON on stdin; writes `{ metafile }` or `{ errors }`
 * as JSON to the file named by the first argument.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

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

if (process.argv[2]) {
  const out = process.argv[2];
  const options = JSON.parse(readFileSync(0, "utf8"));
  try {
    const result = await build({ ...options, plugins: [literalSchemaKeysPlugin, noAcroFormPlugin] });
    if (result.errors.length)
      writeFileSync(out, JSON.stringify({ errors: result.errors.map((e) => e.text) }));
    else writeFileSync(out, JSON.stringify({ metafile: result.metafile }));
  } catch (error) {
    const errors = error?.errors?.length ? error.errors.map((e) => e.text) : [String(error?.stack ?? error)];
    writeFileSync(out, JSON.stringify({ errors }));
  }
}

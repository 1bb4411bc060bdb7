import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildFunctionBundle } from "../infra/constructs/function-bundle.js";
import { functionBundleSpecs } from "./lambda.js";

const [want, filter] = process.argv.slice(2);
for (const { name, spec } of functionBundleSpecs()) {
  if (!name.includes(want!)) continue;
  const dir = mkdtempSync(join(tmpdir(), "an-"));
  const b = buildFunctionBundle({ ...spec, files: [] }, dir);
  const rows: [string, number][] = [];
  for (const [out, o] of Object.entries(b.metafile.outputs)) {
    if (!out.endsWith(".mjs")) continue;
    for (const [input, i] of Object.entries(o.inputs))
      if (input.includes(filter!)) rows.push([`${out.replace(/.*\//, "")} ${input}`, i.bytesInOutput]);
  }
  rows.sort((a, b) => b[1] - a[1]);
  for (const [k, v] of rows.slice(0, 40)) console.log(`${(v / 1024).toFixed(1).padStart(7)} ${k}`);
  // who imports filter
  for (const [input, i] of Object.entries(b.metafile.inputs))
    for (const imp of i.imports)
      if (imp.path.includes(filter!) && !input.includes(filter!))
        console.log("imported by", input, "->", imp.path);
}

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { functionBundleSpecs } from "/work/wt/s5-aws/bench/lambda.js";
import { buildFunctionBundle } from "/work/wt/s5-aws/infra/constructs/function-bundle.js";

const want = process.argv.slice(2);
for (const { name, spec } of functionBundleSpecs()) {
  if (want.length && !want.some((w) => name.includes(w))) continue;
  const dir = mkdtempSync(join(tmpdir(), "an-"));
  const b = buildFunctionBundle({ ...spec, files: [] }, dir);
  console.log(`== ${name} js=${(b.jsBytes / 1e6).toFixed(3)} cold=${(b.startupJsBytes / 1e6).toFixed(3)}`);
  const byPkg = new Map<string, number>();
  for (const [out, o] of Object.entries(b.metafile.outputs)) {
    if (!out.endsWith(".mjs")) continue;
    for (const [input, i] of Object.entries(o.inputs)) {
      const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
      const key = m ? m[1]! : input.replace(/\/[^/]+$/, "");
      byPkg.set(key, (byPkg.get(key) ?? 0) + i.bytesInOutput);
    }
  }
  const rows = [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 30));
  for (const [k, v] of rows) console.log(`  ${(v / 1024).toFixed(0).padStart(6)} KiB  ${k}`);
}

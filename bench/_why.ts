import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildFunctionBundle } from "../infra/constructs/function-bundle.js";
import { functionBundleSpecs } from "./lambda.js";

const [want, target] = process.argv.slice(2);
for (const { name, spec } of functionBundleSpecs()) {
  if (!name.includes(want!)) continue;
  const dir = mkdtempSync(join(tmpdir(), "an-"));
  const b = buildFunctionBundle({ ...spec, files: [] }, dir);
  const inputs = b.metafile.inputs;
  // BFS from entry
  const entry = Object.keys(inputs).find((k) => k.startsWith("functions/"))!;
  const prev = new Map<string, string>([[entry, ""]]);
  const q = [entry];
  while (q.length) {
    const f = q.shift()!;
    for (const imp of inputs[f]?.imports ?? [])
      if (!prev.has(imp.path)) {
        prev.set(imp.path, f + (imp.kind === "dynamic-import" ? " (dyn)" : ""));
        q.push(imp.path);
      }
  }
  const t = [...prev.keys()].find((k) => k.includes(target!));
  let cur = t;
  const chain = [];
  while (cur) {
    chain.push(cur);
    cur = prev.get(cur)?.replace(" (dyn)", "") || undefined;
  }
  console.log(
    chain
      .reverse()
      .map((c) => c + (prev.get(c)?.endsWith("(dyn)") ? "  [dyn]" : ""))
      .join("\n  <- "),
  );
}

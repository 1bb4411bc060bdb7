// Self time of a .cpuprofile by package (node_modules/<name>), our source dirs, or node internals.
import { readFileSync } from "node:fs";

const profile = JSON.parse(readFileSync(process.argv[2], "utf8"));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  const node = byId.get(profile.samples[i]);
  self.set(node.id, (self.get(node.id) ?? 0) + (dt[i] ?? 0));
}
const where = (url, name) => {
  if (!url) return `(${name || "native"})`;
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1];
  const w = url.match(/\/work\/wt\/[^/]+\/([^/]+\/[^/]+)/);
  if (w) return w[1];
  return url.startsWith("node:") ? `node:${url.slice(5).split("/")[0]}` : url;
};
const groups = new Map();
const fns = new Map();
let total = 0;
for (const [id, us] of self) {
  const n = byId.get(id);
  const g = where(n.callFrame.url, n.callFrame.functionName);
  groups.set(g, (groups.get(g) ?? 0) + us);
  const f = `${g} ${n.callFrame.functionName || "(anon)"}:${n.callFrame.lineNumber + 1}`;
  fns.set(f, (fns.get(f) ?? 0) + us);
  total += us;
}
console.log(`total ${(total / 1000).toFixed(0)} ms`);
for (const [g, us] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 25))
  console.log(
    `${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${g}`,
  );
console.log("--- functions");
for (const [f, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[3] ?? 30)))
  console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${f}`);

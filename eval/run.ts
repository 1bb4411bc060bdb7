/**
 * `npm run eval`: the archive measured on real material (eval/README.md).
 *
 *   npm run eval                    texts, queries and scans
 *   npm run eval -- --texts-only    documents and queries only
 *   npm run eval -- --scans-only    OCR of the scan pages only
 *   npm run eval -- --show-test     also list the test split's errors (not while tuning)
 *   npm run eval -- --no-write      do not overwrite eval/results/
 *
 * Writes eval/results/texts.{txt,json} and scans.{txt,json}, which are committed.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { formatTextReport, runTextEval, type TextEvalReport } from "./texts-eval.js";

const args = new Set(process.argv.slice(2));
const root = new URL(".", import.meta.url).pathname;
const resultsDir = join(root, "results");
const write = !args.has("--no-write");

function machine(): string {
  return `${new Date().toISOString()} · ${cpus().length} × ${cpus()[0]?.model.trim() ?? "cpu"} · load average ${loadavg()
    .map((n) => n.toFixed(1))
    .join(" ")} · node ${process.version}`;
}

interface Goal {
  readonly what: string;
  readonly value: number | undefined;
  readonly goal: string;
  readonly met: boolean | undefined;
}

function textGoals(report: TextEvalReport, split: "dev" | "test"): Goal[] {
  const docs = report.documents.filter((d) => d.split === split);
  const rate = (f: "title" | "docNumber" | "date") => {
    const scored = docs.map((d) => d.fields[f]).filter((r) => r !== undefined);
    return scored.length ? scored.filter((r) => r!.ok).length / scored.length : undefined;
  };
  const qs = report.queries.filter((q) => q.split === split);
  const r1 = qs.length ? qs.filter((q) => q.rank === 1).length / qs.length : undefined;
  const g = (what: string, value: number | undefined, min: number): Goal => ({
    what: `${what} (${split})`,
    value,
    goal: `≥ ${(min * 100).toFixed(0)}%`,
    met: value === undefined ? undefined : value >= min,
  });
  return [
    g("title extracted exactly", rate("title"), 0.95),
    g("发文字号 extracted (normalised)", rate("docNumber"), 0.95),
    g("date extracted", rate("date"), 0.9),
    g("known-item search recall@1", r1, 0.95),
  ];
}

function goalTable(goals: readonly Goal[]): string {
  return goals
    .map(
      (g) =>
        `  ${g.what.padEnd(44)} ${g.value === undefined ? "  n/a " : `${(g.value * 100).toFixed(1).padStart(5)}%`}  goal ${g.goal.padEnd(7)} ${
          g.met === undefined ? "" : g.met ? "met" : "NOT MET"
        }`,
    )
    .join("\n");
}

async function main() {
  if (write) mkdirSync(resultsDir, { recursive: true });
  const header = `# npm run eval — ${machine()}`;
  if (!args.has("--scans-only")) {
    const report = await runTextEval({ root });
    const goals = ["Goals:", goalTable([...textGoals(report, "dev"), ...textGoals(report, "test")]), ""];
    const shown = [
      header,
      "",
      ...goals,
      formatTextReport(report, { showTest: args.has("--show-test") }),
    ].join("\n");
    process.stdout.write(`${shown}\n`);
    if (write) {
      // The committed report never lists the test split's errors.
      const committed = [header, "", ...goals, formatTextReport(report)].join("\n");
      writeFileSync(join(resultsDir, "texts.txt"), `${committed}\n`);
      writeFileSync(join(resultsDir, "texts.json"), `${JSON.stringify(report, null, 2)}\n`);
    }
  }
  if (!args.has("--texts-only")) {
    // The scan half lives in its own module (eval/scans-eval.ts) with the page generator.
    const scansModule = join(root, "scans-eval.ts");
    if (!existsSync(scansModule)) {
      process.stdout.write("\n(no eval/scans-eval.ts: scan pages not evaluated)\n");
      return;
    }
    const specifier = "./scans-eval.js";
    const scans = (await import(specifier)) as {
      runScanEval(options: { root: string }): Promise<unknown>;
      formatScanReport(report: unknown): string;
    };
    const report = await scans.runScanEval({ root });
    const text = [header, "", scans.formatScanReport(report)].join("\n");
    process.stdout.write(`\n${text}\n`);
    if (write) {
      writeFileSync(join(resultsDir, "scans.txt"), `${text}\n`);
      writeFileSync(join(resultsDir, "scans.json"), `${JSON.stringify(report, null, 2)}\n`);
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`eval failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);

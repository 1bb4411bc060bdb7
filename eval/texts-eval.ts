/**
 * The text half of `npm run eval`: real documents (eval/texts) go through the running pipeline as
 * a client sends them — `POST /api/archive/texts`, the job polled until done, the items read back
 * with `GET /api/archive/items/{id}` — and the real queries (eval/queries) through
 * `GET /api/search`. Nothing here knows how the archive works inside; it compares what the API
 * answers with the truth written by hand.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.js";
import { normalizeDocNumber } from "../src/documents/doc-number.js";
import { startLocal } from "../src/runtime/local.js";

export type Split = "dev" | "test";

export interface TextTruth {
  readonly id: string;
  readonly file: string;
  readonly format: string;
  readonly script: string;
  readonly encoding?: string;
  readonly source: Record<string, string>;
  readonly licence: string;
  readonly truth: {
    /** null: the document as found prints no title (a body-only dump). */
    readonly title: string | null;
    readonly docNumber: string | null;
    readonly issuers: readonly string[];
    readonly date: { readonly kind: string; readonly value: string } | null;
    readonly dates?: readonly { readonly kind: string; readonly value: string }[];
    readonly kind: string | null;
  };
  readonly notes?: string;
}

export interface Query {
  readonly query: string;
  readonly expect: string;
  readonly type: string;
}

/** The split is fixed by the id: test when the first byte of sha256(id) is below 86. */
export function splitOf(id: string): Split {
  return createHash("sha256").update(id).digest()[0]! < 86 ? "test" : "dev";
}

const FIELDS = ["title", "docNumber", "date", "dateKind", "issuers", "kind"] as const;
type Field = (typeof FIELDS)[number];

interface FieldResult {
  readonly ok: boolean;
  readonly expected: unknown;
  readonly got: unknown;
}

export interface DocumentResult {
  readonly id: string;
  readonly split: Split;
  readonly format: string;
  readonly script: string;
  /** How many items the pipeline made of this one document (1 is right). */
  readonly items: number;
  readonly fields: Record<Field, FieldResult | undefined>;
}

export interface QueryResult {
  readonly query: string;
  readonly expect: string;
  readonly type: string;
  readonly split: Split;
  /** 1-based rank of the expected document among distinct documents hit, or null. */
  readonly rank: number | null;
  readonly top: readonly string[];
}

export interface TextEvalReport {
  readonly documents: readonly DocumentResult[];
  readonly queries: readonly QueryResult[];
  readonly unknownQueryTargets: readonly string[];
}

const ROOT = new URL(".", import.meta.url).pathname;

export function loadTruths(root = ROOT): TextTruth[] {
  const dir = join(root, "texts");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".truth.json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as TextTruth);
}

export function loadQueries(root = ROOT): Query[] {
  const dir = join(root, "queries");
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".jsonl"));
  } catch {
    return [];
  }
  return files.sort().flatMap((f) =>
    readFileSync(join(dir, f), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as Query),
  );
}

function decode(bytes: Buffer, encoding: string | undefined): string {
  return new TextDecoder(encoding ?? "utf-8").decode(bytes);
}

const compact = (s: string) => s.normalize("NFC").replace(/\s+/gu, "");

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a.map(compact));
  const y = new Set(b.map(compact));
  return x.size === y.size && [...x].every((v) => y.has(v));
}

interface ItemView {
  readonly id: string;
  readonly title?: string;
  readonly docNumber?: string;
  readonly docNumberPrinted?: string;
  readonly issuers?: string[];
  readonly date?: string;
  readonly dateKind?: string;
  readonly kind?: string;
}

/** Compares one item with the truth; `undefined` for a field the truth does not state. */
export function score(
  truth: TextTruth["truth"],
  item: ItemView | undefined,
): Record<Field, FieldResult | undefined> {
  const got = item ?? ({} as ItemView);
  const expectedNumber = truth.docNumber === null ? null : normalizeDocNumber(truth.docNumber);
  const gotNumber = got.docNumber ?? null;
  return {
    title: {
      ok:
        truth.title === null
          ? !got.title
          : got.title !== undefined && compact(got.title) === compact(truth.title),
      expected: truth.title,
      got: got.title ?? null,
    },
    docNumber: {
      ok: expectedNumber === gotNumber,
      expected: truth.docNumber,
      got: got.docNumberPrinted ?? gotNumber,
    },
    date: {
      ok: (truth.date?.value ?? null) === (got.date ?? null),
      expected: truth.date?.value ?? null,
      got: got.date ?? null,
    },
    dateKind:
      truth.date === null
        ? undefined
        : { ok: got.dateKind === truth.date.kind, expected: truth.date.kind, got: got.dateKind ?? null },
    issuers: {
      ok: sameSet(truth.issuers, got.issuers ?? []),
      expected: truth.issuers,
      got: got.issuers ?? [],
    },
    kind: { ok: (truth.kind ?? null) === (got.kind ?? null), expected: truth.kind, got: got.kind ?? null },
  };
}

async function poll<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`${what}: no answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function runTextEval(options: { root?: string } = {}): Promise<TextEvalReport> {
  const root = options.root ?? ROOT;
  const truths = loadTruths(root);
  const queries = loadQueries(root);
  const dataDir = mkdtempSync(join(tmpdir(), "gazette-eval-"));
  const config = loadConfig({ GAZETTE_DATA_DIR: dataDir, GAZETTE_MODE: "embedded", PORT: "0" });
  const runtime = await startLocal(config);
  const auth = { authorization: `Bearer ${runtime.editorToken}` };
  const api = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${runtime.url}${path}`, {
      ...init,
      headers: { ...auth, ...(init.headers as Record<string, string>) },
    });
    const body = await response.json().catch(() => null);
    return { status: response.status, body: body as Record<string, unknown> };
  };
  try {
    // One job per document, as an archivist importing a back catalogue file by file would.
    const jobs = new Map<string, string>();
    const refused = new Map<string, string>();
    for (const t of truths) {
      const text = decode(readFileSync(join(root, "texts", t.file)), t.encoding);
      const { status, body } = await api("/api/archive/texts", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ documents: [{ text, ref: t.id }] }),
      });
      if (status !== 202) refused.set(t.id, `${status} ${JSON.stringify(body).slice(0, 200)}`);
      else jobs.set(t.id, (body.job as { id: string }).id);
    }
    const documents: DocumentResult[] = [];
    for (const t of truths) {
      const jobId = jobs.get(t.id);
      let items: ItemView[] = [];
      if (jobId) {
        const job = await poll(
          `job ${jobId} (${t.id})`,
          async () => {
            const { body } = await api(`/api/archive/jobs/${jobId}`);
            return body.status === "done" || body.status === "failed" ? body : undefined;
          },
          120_000,
        );
        const summaries = (job.items as { id: string }[]) ?? [];
        items = await Promise.all(
          summaries.map(
            async (s) =>
              (await api(`/api/archive/items/${encodeURIComponent(s.id)}`)).body as unknown as ItemView,
          ),
        );
      }
      documents.push({
        id: t.id,
        split: splitOf(t.id),
        format: t.format,
        script: t.script,
        items: items.length,
        fields: score(t.truth, items[0]),
      });
    }
    for (const [id, why] of refused) process.stderr.write(`refused ${id}: ${why}\n`);

    const known = new Set(truths.map((t) => t.id));
    const unknownQueryTargets = [
      ...new Set(queries.filter((q) => !known.has(q.expect)).map((q) => q.expect)),
    ];
    const results: QueryResult[] = [];
    for (const q of queries.filter((q) => known.has(q.expect))) {
      const { status, body } = await api(`/api/search?${new URLSearchParams({ q: q.query, limit: "20" })}`);
      const hits = status === 200 ? ((body.hits as { ref: string | null; id: string }[]) ?? []) : [];
      const seen: string[] = [];
      for (const h of hits) {
        const doc = h.ref ?? h.id;
        if (!seen.includes(doc)) seen.push(doc);
      }
      const at = seen.indexOf(q.expect);
      results.push({
        query: q.query,
        expect: q.expect,
        type: q.type,
        split: splitOf(q.expect),
        rank: at < 0 ? null : at + 1,
        top: seen.slice(0, 3),
      });
    }
    return { documents, queries: results, unknownQueryTargets };
  } finally {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const pct = (n: number, d: number) => (d === 0 ? "  n/a " : `${((100 * n) / d).toFixed(1).padStart(5)}%`);

function fieldTable(docs: readonly DocumentResult[]): string[] {
  const lines = [`  ${"field".padEnd(10)} ${"right".padStart(7)} ${"of".padStart(5)}  accuracy`];
  for (const f of FIELDS) {
    const scored = docs.map((d) => d.fields[f]).filter((r): r is FieldResult => r !== undefined);
    const ok = scored.filter((r) => r.ok).length;
    lines.push(
      `  ${f.padEnd(10)} ${String(ok).padStart(7)} ${String(scored.length).padStart(5)}  ${pct(ok, scored.length)}`,
    );
  }
  const single = docs.filter((d) => d.items === 1).length;
  lines.push(
    `  ${"one item".padEnd(10)} ${String(single).padStart(7)} ${String(docs.length).padStart(5)}  ${pct(single, docs.length)}`,
  );
  return lines;
}

function queryTable(queries: readonly QueryResult[]): string[] {
  const lines = [`  ${"type".padEnd(18)} ${"n".padStart(4)}  recall@1     MRR`];
  const types = [...new Set(queries.map((q) => q.type))].sort();
  for (const type of [...types, "all"]) {
    const qs = type === "all" ? queries : queries.filter((q) => q.type === type);
    const r1 = qs.filter((q) => q.rank === 1).length;
    const mrr = qs.reduce((s, q) => s + (q.rank ? 1 / q.rank : 0), 0) / (qs.length || 1);
    lines.push(
      `  ${type.padEnd(18)} ${String(qs.length).padStart(4)}  ${pct(r1, qs.length)}   ${mrr.toFixed(3)}`,
    );
  }
  return lines;
}

function breakdown(docs: readonly DocumentResult[], by: (d: DocumentResult) => string): string[] {
  const groups = [...new Set(docs.map(by))].sort();
  return groups.map((g) => {
    const ds = docs.filter((d) => by(d) === g);
    const cell = (f: Field) => {
      const scored = ds.map((d) => d.fields[f]).filter((r): r is FieldResult => r !== undefined);
      return pct(scored.filter((r) => r.ok).length, scored.length);
    };
    return `  ${g.padEnd(14)} n=${String(ds.length).padStart(3)}  title ${cell("title")}  number ${cell("docNumber")}  date ${cell("date")}`;
  });
}

export function formatTextReport(report: TextEvalReport, options: { showTest?: boolean } = {}): string {
  const out: string[] = [];
  for (const split of ["dev", "test"] as const) {
    const docs = report.documents.filter((d) => d.split === split);
    const qs = report.queries.filter((q) => q.split === split);
    out.push(`## ${split}: ${docs.length} documents, ${qs.length} queries`, "");
    out.push(
      "Fields (exact; 发文字号 compared normalised; no number / no date count as right when none is given):",
    );
    out.push(...fieldTable(docs), "");
    out.push("By format:", ...breakdown(docs, (d) => d.format), "");
    out.push("By script:", ...breakdown(docs, (d) => d.script), "");
    out.push("Known-item search (first hit = the expected document; MRR over the first 20 hits):");
    out.push(...queryTable(qs), "");
    if (split === "dev" || options.showTest) {
      const wrong = docs.filter((d) => d.items !== 1 || FIELDS.some((f) => d.fields[f] && !d.fields[f]!.ok));
      if (wrong.length > 0) {
        out.push(`Errors (${split}):`);
        for (const d of wrong) {
          const bad = FIELDS.filter((f) => d.fields[f] && !d.fields[f]!.ok).map(
            (f) =>
              `${f}: expected ${JSON.stringify(d.fields[f]!.expected)} got ${JSON.stringify(d.fields[f]!.got)}`,
          );
          if (d.items !== 1) bad.unshift(`items: ${d.items}`);
          out.push(`  ${d.id} [${d.format}]`, ...bad.map((b) => `      ${b}`));
        }
        out.push("");
      }
      const missed = qs.filter((q) => q.rank !== 1);
      if (missed.length > 0) {
        out.push(`Queries whose first hit is wrong (${split}):`);
        for (const q of missed)
          out.push(
            `  [${q.type}] ${q.query} → want ${q.expect}, rank ${q.rank ?? "none"}, top ${q.top.join(", ") || "(no hits)"}`,
          );
        out.push("");
      }
    }
  }
  if (report.unknownQueryTargets.length > 0)
    out.push(`Queries naming no known document (not counted): ${report.unknownQueryTargets.join(", ")}`, "");
  return out.join("\n");
}

import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * docs/api.md's error tables, read as data: the codes (with their statuses) any route may answer,
 * and those of each documented route. The fuzz suite checks every error it provokes against them,
 * so the tables stay true for every route.
 */
export interface ErrorTable {
  /** Statuses each documented code has on `METHOD /path` (the "Any route" table included). */
  documented(method: string, path: string): ReadonlyMap<string, ReadonlySet<number>>;
}

const CODE = /`([a-z][a-z0-9_]*)`/g;

/** "400 `a`, `b` (field); 404 `c`" → code → statuses. */
function codesOf(cell: string, into: Map<string, Set<number>>): void {
  let status: number | undefined;
  // What is in parentheses names fields (`cursor`, `Authorization`), not codes.
  const codes = cell.replace(/\([^()]*\)/g, "");
  for (const part of codes.split(/;|\. /)) {
    const leading = /^\s*(\d{3})\b/.exec(part);
    if (leading) status = Number(leading[1]);
    if (status === undefined) continue;
    for (const m of part.matchAll(CODE)) {
      let statuses = into.get(m[1]!);
      if (!statuses) {
        statuses = new Set();
        into.set(m[1]!, statuses);
      }
      statuses.add(status);
    }
  }
}

function rowsOf(markdown: string, heading: RegExp): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => heading.test(l));
  if (start < 0) throw new Error(`docs/api.md has no table after ${heading}`);
  const rows: string[][] = [];
  let inTable = false;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith("|")) {
      inTable = true;
      const cells = line.split("|").slice(1, -1);
      if (cells.every((c) => /^\s*-+\s*$/.test(c))) continue;
      rows.push(cells.map((c) => c.trim()));
    } else if (inTable) break;
  }
  return rows.slice(1); // the header
}

export function readErrorTable(root = process.cwd()): ErrorTable {
  const markdown = readFileSync(join(root, "docs/api.md"), "utf8");
  const anyRoute = new Map<string, Set<number>>();
  for (const [status, codes] of rowsOf(markdown, /^Any route:/)) codesOf(`${status} ${codes}`, anyRoute);
  const routes: { method: string; path: string; prefix: boolean; codes: Map<string, Set<number>> }[] = [];
  for (const [what, cell] of rowsOf(markdown, /^By route:/)) {
    const codes = new Map<string, Set<number>>();
    codesOf(cell!, codes);
    for (const m of what!.matchAll(/`(GET|POST|PUT|PATCH|DELETE) ([^`]+?)(…)?`/g)) {
      routes.push({ method: m[1]!, path: m[2]!, prefix: m[3] !== undefined, codes });
    }
  }
  return {
    documented(method, path) {
      const all = new Map<string, Set<number>>();
      const add = (from: Map<string, Set<number>>) => {
        for (const [code, statuses] of from) {
          const into = all.get(code) ?? new Set<number>();
          for (const s of statuses) into.add(s);
          all.set(code, into);
        }
      };
      add(anyRoute);
      for (const r of routes) {
        if (r.method === method && (r.prefix ? path.startsWith(r.path) : path === r.path)) add(r.codes);
      }
      return all;
    },
  };
}

import { bracketSpelledYear } from "../documents/doc-number.js";
import type { FieldProblem } from "../platform/errors.js";
import { SearchQueryError } from "./errors.js";
import type { SearchFacets, SearchQuery, SearchSource } from "./ports.js";

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** Longest query text; longer queries are refused rather than truncated. */
export const MAX_QUERY_CHARS = 200;
const MAX_FILTER_CHARS = 200;

const SOURCES: readonly SearchSource[] = ["gazette", "archive"];
/** The document statuses a search can filter by (the `status` facet's values). */
export const STATUSES: readonly string[] = ["有效", "已修改", "已废止", "失效"];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function emptyFacets(): SearchFacets {
  return { issuer: {}, kind: {}, year: {}, source: {}, status: {} };
}

function validDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * Checks a query and fills in defaults. Every adapter calls it, so the HTTP layer and direct
 * callers get the same refusals.
 */
export function normalizeQuery(query: SearchQuery): SearchQuery & { limit: number } {
  const problems: FieldProblem[] = [];
  const bad = (field: string, code: string, message: string) => problems.push({ field, code, message });
  const q = query.q?.trim() || undefined;
  if (q !== undefined && q.length > MAX_QUERY_CHARS)
    bad("q", "too_long", `q must be at most ${MAX_QUERY_CHARS} characters`);
  for (const field of ["issuer", "kind"] as const) {
    const v = query[field];
    if (v !== undefined && (v.trim() === "" || v.length > MAX_FILTER_CHARS))
      bad(field, "invalid", `${field} must be 1–${MAX_FILTER_CHARS} characters`);
  }
  if (query.year !== undefined && (!Number.isInteger(query.year) || query.year < 1000 || query.year > 9999))
    bad("year", "invalid", "year must be a four-digit year");
  if (query.from !== undefined && !validDate(query.from))
    bad("from", "invalid_format", "from must be a date YYYY-MM-DD");
  if (query.to !== undefined && !validDate(query.to))
    bad("to", "invalid_format", "to must be a date YYYY-MM-DD");
  if (query.from && query.to && validDate(query.from) && validDate(query.to) && query.from > query.to)
    bad("to", "invalid_range", "to must not be before from");
  if (query.status !== undefined && !STATUSES.includes(query.status))
    bad("status", "invalid", `status must be one of ${STATUSES.join(", ")}`);
  if (query.source !== undefined && !SOURCES.includes(query.source))
    bad("source", "invalid", `source must be one of ${SOURCES.join(", ")}`);
  const limit = query.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    bad("limit", "invalid", `limit must be an integer from 1 to ${MAX_LIMIT}`);
  if (problems.length > 0) throw new SearchQueryError(problems);
  const out: SearchQuery & { limit: number } = { ...query, limit };
  if (q === undefined) delete out.q;
  // 国办发2004年7号 is looked up as 国办发〔2004〕7号.
  else out.q = bracketSpelledYear(q);
  return out;
}

/** The query parameters a search reads (GET /search, GET /api/search); CloudFront keys its cache on them. */
export const SEARCH_PARAMS = [
  "q",
  "issuer",
  "kind",
  "year",
  "from",
  "to",
  "status",
  "source",
  "limit",
  "cursor",
] as const;
const PARAMS: readonly string[] = SEARCH_PARAMS;

/**
 * What the search page reads: the search's parameters and `start`, the number of its first hit
 * on this page (its "next" link carries it). CloudFront keys the page on these (PAGE_QUERY_PARAMS).
 */
export const SEARCH_PAGE_PARAMS = [...SEARCH_PARAMS, "start"] as const;

/** A SearchQuery from URL parameters; unknown parameters are ignored, bad values refused. */
export function queryFromParams(params: URLSearchParams): SearchQuery {
  const problems: FieldProblem[] = [];
  const query: SearchQuery = {};
  for (const name of PARAMS) {
    const all = params.getAll(name);
    if (all.length > 1) {
      problems.push({ field: name, code: "repeated", message: `${name} may be given once` });
      continue;
    }
    const v = all[0];
    if (v === undefined || v === "") continue;
    switch (name) {
      case "year":
      case "limit": {
        const n = /^\d{1,6}$/.test(v) ? Number(v) : Number.NaN;
        if (Number.isNaN(n))
          problems.push({ field: name, code: "invalid", message: `${name} must be a number` });
        else query[name] = n;
        break;
      }
      case "source":
        query.source = v as SearchSource;
        break;
      default:
        query[name as "q" | "issuer" | "kind" | "from" | "to" | "status" | "cursor"] = v;
    }
  }
  if (problems.length > 0) throw new SearchQueryError(problems);
  return normalizeQuery(query);
}

/** Cursors are opaque to clients: base64url JSON, tied to the query they continue. */
export function encodeCursor(fingerprint: string, key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify({ f: fingerprint, k: key })).toString("base64url");
}

export function decodeCursor(cursor: string, fingerprint: string): unknown[] {
  const refuse = (message: string) => new SearchQueryError([{ field: "cursor", code: "invalid", message }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw refuse("cursor is not one this service issued");
  }
  const c = parsed as { f?: unknown; k?: unknown };
  if (typeof c !== "object" || c === null || !Array.isArray(c.k))
    throw refuse("cursor is not one this service issued");
  if (c.f !== fingerprint) throw refuse("cursor belongs to a different query");
  return c.k;
}

/** What a cursor is tied to: the query without limit and cursor. */
export function fingerprint(query: SearchQuery): string {
  const { limit: _l, cursor: _c, ...rest } = query;
  const sorted = Object.fromEntries(
    Object.entries(rest)
      .filter(([, v]) => v !== undefined)
      .sort(),
  );
  let h = 2166136261;
  for (const ch of JSON.stringify(sorted)) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0).toString(36);
}

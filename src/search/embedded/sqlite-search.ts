import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { docNumberKey, parseDocNumber } from "../../documents/doc-number.js";
import { openDatabase, type SqliteDatabase, type SynchronousMode } from "../../platform/embedded/sqlite.js";
import { SearchQueryError, SearchUnavailableError } from "../errors.js";
import type {
  SearchDocument,
  SearchHit,
  SearchIndex,
  SearchQuery,
  SearchResult,
  SearchSource,
} from "../ports.js";
import { decodeCursor, emptyFacets, encodeCursor, fingerprint, normalizeQuery } from "../query.js";
import { foldText, type QueryTerm, runs, snippet, tokenString } from "../text.js";

/** bm25 weights of the FTS columns: title, meta (发文字号, issuers, ref), body. */
const WEIGHTS = [10, 4, 1] as const;
/** Added to the score of the document whose 发文字号 is the query, so it ranks first. */
const DOC_NUMBER_BOOST = 1e6;
/** Facet values kept per facet, most frequent first. */
const FACET_VALUES = 100;

export interface SqliteSearchOptions {
  readonly synchronous?: SynchronousMode;
  /**
   * FTS5 tokenizer of the index. "bigram" (default) stores our own CJK bigram tokens;
   * "trigram" is FTS5's built-in trigram tokenizer over the folded text, kept only as the naive
   * peer the bench compares against (it cannot find 1- or 2-character queries).
   */
  readonly tokenizer?: "bigram" | "trigram";
}

interface DocRow {
  r: number;
  s: number;
  id: string;
  source: SearchSource;
  ref: string | null;
  title: string;
  doc_number: string | null;
  issuers: string;
  date: string | null;
  text: string;
  url: string;
}

/** The parts of a query the SQL needs. */
interface Plan {
  match?: string | undefined;
  terms: QueryTerm[];
  docKey?: string | undefined;
  where: string[];
  params: unknown[];
}

/**
 * Embedded search: SQLite FTS5 over CJK bigram tokens, in its own file beside the records.
 * The FTS table is contentless (the token strings are not stored twice); the original text is
 * kept in `docs` for snippets. Opened lazily, so a process that never searches never touches it.
 */
export class SqliteSearchIndex implements SearchIndex {
  #db: SqliteDatabase | undefined;
  readonly #trigram: boolean;

  constructor(
    private readonly file: string,
    private readonly options: SqliteSearchOptions = {},
  ) {
    this.#trigram = options.tokenizer === "trigram";
  }

  get #conn(): SqliteDatabase {
    if (this.#db) return this.#db;
    try {
      if (this.file !== ":memory:") mkdirSync(dirname(this.file), { recursive: true });
      const db = openDatabase(this.file, this.options.synchronous ?? "normal");
      const tokenize = this.#trigram ? "trigram" : "unicode61";
      db.exec(`
        CREATE TABLE IF NOT EXISTS docs (
          rowid INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          source TEXT NOT NULL,
          ref TEXT,
          title TEXT NOT NULL,
          doc_number TEXT,
          doc_key TEXT,
          issuers TEXT NOT NULL,
          kind TEXT,
          date TEXT,
          year TEXT,
          status TEXT,
          text TEXT NOT NULL,
          url TEXT NOT NULL,
          sort_date TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS docs_doc_key ON docs (doc_key) WHERE doc_key IS NOT NULL;
        CREATE INDEX IF NOT EXISTS docs_sort ON docs (sort_date, rowid);
        CREATE TABLE IF NOT EXISTS doc_issuers (
          doc INTEGER NOT NULL,
          issuer TEXT NOT NULL,
          PRIMARY KEY (issuer, doc)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS doc_issuers_doc ON doc_issuers (doc);
        CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
          title, meta, body,
          content = '', contentless_delete = 1,
          tokenize = '${tokenize}'
        );
      `);
      this.#db = db;
      return db;
    } catch (error) {
      throw new SearchUnavailableError(`cannot open search index ${this.file}`, { cause: error });
    }
  }

  async index(docs: readonly SearchDocument[]): Promise<void> {
    const db = this.#conn;
    const upsert = db.prepare(`
      INSERT INTO docs (id, source, ref, title, doc_number, doc_key, issuers, kind, date, year, status, text, url, sort_date)
      VALUES (@id, @source, @ref, @title, @doc_number, @doc_key, @issuers, @kind, @date, @year, @status, @text, @url, @sort_date)
      ON CONFLICT (id) DO UPDATE SET source = excluded.source, ref = excluded.ref, title = excluded.title,
        doc_number = excluded.doc_number, doc_key = excluded.doc_key, issuers = excluded.issuers,
        kind = excluded.kind, date = excluded.date, year = excluded.year, status = excluded.status,
        text = excluded.text, url = excluded.url, sort_date = excluded.sort_date
      RETURNING rowid`);
    const ftsDelete = db.prepare("DELETE FROM fts WHERE rowid = ?");
    const ftsInsert = db.prepare("INSERT INTO fts (rowid, title, meta, body) VALUES (?, ?, ?, ?)");
    const issuersDelete = db.prepare("DELETE FROM doc_issuers WHERE doc = ?");
    const issuerInsert = db.prepare("INSERT OR IGNORE INTO doc_issuers (doc, issuer) VALUES (?, ?)");
    const tokens = this.#trigram ? foldText : tokenString;
    db.transaction(() => {
      for (const d of docs) {
        const docNumber = d.docNumber?.trim() || undefined;
        const { rowid } = upsert.get({
          id: d.id,
          source: d.source,
          ref: d.ref ?? null,
          title: d.title,
          doc_number: docNumber ?? null,
          doc_key: docNumber ? docNumberKey(foldText(docNumber)) : null,
          issuers: JSON.stringify(d.issuers),
          kind: d.kind ?? null,
          date: d.date ?? null,
          year: d.date?.slice(0, 4) ?? null,
          status: d.status ?? null,
          text: d.text,
          url: d.url,
          sort_date: d.date ?? "",
        }) as { rowid: number };
        ftsDelete.run(rowid);
        const meta = [docNumber ?? "", ...d.issuers, d.ref ?? ""].join("\n");
        ftsInsert.run(rowid, tokens(d.title), tokens(meta), tokens(d.text));
        issuersDelete.run(rowid);
        for (const issuer of d.issuers) issuerInsert.run(rowid, issuer);
      }
    })();
  }

  async remove(ids: readonly string[]): Promise<void> {
    const db = this.#conn;
    const find = db.prepare("SELECT rowid FROM docs WHERE id = ?");
    const ftsDelete = db.prepare("DELETE FROM fts WHERE rowid = ?");
    const issuersDelete = db.prepare("DELETE FROM doc_issuers WHERE doc = ?");
    const docDelete = db.prepare("DELETE FROM docs WHERE rowid = ?");
    db.transaction(() => {
      for (const id of ids) {
        const row = find.get(id) as { rowid: number } | undefined;
        if (!row) continue;
        ftsDelete.run(row.rowid);
        issuersDelete.run(row.rowid);
        docDelete.run(row.rowid);
      }
    })();
  }

  async search(input: SearchQuery): Promise<SearchResult> {
    const query = normalizeQuery(input);
    const plan = this.#plan(query);
    if (query.q !== undefined && plan.match === undefined)
      return { total: 0, hits: [], facets: emptyFacets() };
    const fp = fingerprint(query);
    const key = query.cursor ? decodeCursor(query.cursor, fp) : undefined;
    const where = [...plan.where];
    const params = [...plan.params];
    let rows: DocRow[];
    if (plan.match !== undefined) {
      if (key && !(key.length === 2 && typeof key[0] === "number" && Number.isInteger(key[1])))
        throw new SearchQueryError([{ field: "cursor", code: "invalid", message: "cursor is malformed" }]);
      const boost =
        plan.docKey !== undefined ? `- (CASE WHEN d.doc_key = ? THEN ${DOC_NUMBER_BOOST} ELSE 0 END)` : "";
      // Ranked by score, then rowid: a total order, so a keyset cursor returns every hit once.
      const sql = `
        WITH m AS (
          SELECT fts.rowid AS r, bm25(fts, ${WEIGHTS.join(", ")}) ${boost} AS s
          FROM fts JOIN docs d ON d.rowid = fts.rowid
          WHERE fts MATCH ? ${where.map((w) => `AND ${w}`).join(" ")}
        )
        SELECT m.r, m.s, d.id, d.source, d.ref, d.title, d.doc_number, d.issuers, d.date, d.text, d.url
        FROM m JOIN docs d ON d.rowid = m.r
        ${key ? "WHERE (m.s > ? OR (m.s = ? AND m.r > ?))" : ""}
        ORDER BY m.s, m.r LIMIT ?`;
      const args: unknown[] = [];
      if (plan.docKey !== undefined) args.push(plan.docKey);
      args.push(plan.match, ...params);
      if (key) args.push(key[0], key[0], key[1]);
      args.push(query.limit + 1);
      rows = this.#all<DocRow>(sql, args);
    } else {
      if (key && !(key.length === 2 && typeof key[0] === "string" && Number.isInteger(key[1])))
        throw new SearchQueryError([{ field: "cursor", code: "invalid", message: "cursor is malformed" }]);
      // Without words, newest first.
      if (key) {
        where.push("(d.sort_date < ? OR (d.sort_date = ? AND d.rowid < ?))");
        params.push(key[0], key[0], key[1]);
      }
      const sql = `
        SELECT d.rowid AS r, 0 AS s, d.id, d.source, d.ref, d.title, d.doc_number, d.issuers, d.date, d.text, d.url, d.sort_date
        FROM docs d ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
        ORDER BY d.sort_date DESC, d.rowid DESC LIMIT ?`;
      rows = this.#all<DocRow & { sort_date: string }>(sql, [...params, query.limit + 1]);
    }
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const { total, facets } = this.#facets(plan);
    const hits = page.map((row) => this.#hit(row, plan));
    const result: SearchResult = { total, hits, facets };
    const last = page[page.length - 1];
    if (more && last) {
      result.cursor = encodeCursor(
        fp,
        plan.match !== undefined
          ? [last.s, last.r]
          : [(last as DocRow & { sort_date: string }).sort_date, last.r],
      );
    }
    return result;
  }

  close(): void {
    this.#db?.close();
    this.#db = undefined;
  }

  #all<T>(sql: string, args: unknown[]): T[] {
    try {
      return this.#conn.prepare(sql).all(...args) as T[];
    } catch (error) {
      if (error instanceof SearchQueryError) throw error;
      throw new SearchUnavailableError("search failed", { cause: error });
    }
  }

  #plan(query: SearchQuery): Plan {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.issuer !== undefined) {
      where.push("d.rowid IN (SELECT doc FROM doc_issuers WHERE issuer = ?)");
      params.push(query.issuer);
    }
    for (const field of ["kind", "status", "source"] as const) {
      if (query[field] !== undefined) {
        where.push(`d.${field} = ?`);
        params.push(query[field]);
      }
    }
    if (query.year !== undefined) {
      where.push("d.year = ?");
      params.push(String(query.year));
    }
    if (query.from !== undefined) {
      where.push("d.date >= ?");
      params.push(query.from);
    }
    if (query.to !== undefined) {
      where.push("d.date <= ?");
      params.push(query.to);
    }
    if (query.q === undefined) return { terms: [], where, params };
    const folded = foldText(query.q);
    const terms = runs(folded);
    const match = this.#trigram ? trigramMatch(terms) : bigramMatch(terms);
    const docKey = parseDocNumber(folded) ? docNumberKey(folded) : undefined;
    return { match, terms, docKey, where, params };
  }

  #facets(plan: Plan): { total: number; facets: SearchResult["facets"] } {
    const filters = plan.where.map((w) => `AND ${w}`).join(" ");
    const m =
      plan.match !== undefined
        ? `SELECT d.rowid AS r, d.kind, d.year, d.source, d.status FROM fts JOIN docs d ON d.rowid = fts.rowid WHERE fts MATCH ? ${filters}`
        : `SELECT d.rowid AS r, d.kind, d.year, d.source, d.status FROM docs d WHERE 1 ${filters}`;
    const sql = `
      WITH m AS MATERIALIZED (${m})
      SELECT 'kind' AS f, kind AS v, count(*) AS n FROM m GROUP BY kind
      UNION ALL SELECT 'year', year, count(*) FROM m GROUP BY year
      UNION ALL SELECT 'source', source, count(*) FROM m GROUP BY source
      UNION ALL SELECT 'status', status, count(*) FROM m GROUP BY status
      UNION ALL SELECT 'issuer', i.issuer, count(*) FROM m JOIN doc_issuers i ON i.doc = m.r GROUP BY i.issuer`;
    const args = plan.match !== undefined ? [plan.match, ...plan.params] : plan.params;
    const rows = this.#all<{ f: keyof SearchResult["facets"]; v: string | null; n: number }>(sql, args);
    const facets = emptyFacets();
    let total = 0;
    const byFacet = new Map<string, { v: string; n: number }[]>();
    for (const row of rows) {
      if (row.f === "source") total += row.n;
      if (row.v === null) continue;
      const list = byFacet.get(row.f) ?? [];
      list.push({ v: row.v, n: row.n });
      byFacet.set(row.f, list);
    }
    for (const [f, list] of byFacet) {
      list.sort((a, b) => b.n - a.n || (a.v < b.v ? -1 : 1));
      facets[f as keyof SearchResult["facets"]] = Object.fromEntries(
        list.slice(0, FACET_VALUES).map((e) => [e.v, e.n]),
      );
    }
    return { total, facets };
  }

  #hit(row: DocRow, plan: Plan): SearchHit {
    const hit: SearchHit = {
      id: row.id,
      title: row.title,
      issuers: JSON.parse(row.issuers) as string[],
      snippet: snippet(row.text || row.title, plan.terms),
      url: row.url,
      source: row.source,
      score: plan.match !== undefined ? -row.s : 0,
    };
    if (row.ref !== null) hit.ref = row.ref;
    if (row.doc_number !== null) hit.docNumber = row.doc_number;
    if (row.date !== null) hit.date = row.date;
    return hit;
  }
}

/**
 * FTS5 query over bigram tokens: each Han run of two or more characters becomes the phrase of its
 * bigrams (an exact substring match), a single character a prefix query (see bigramTokens), a
 * Latin/digit word itself; all of them must match. Tokens hold only letters and digits, so quoting
 * them is safe.
 */
export function bigramMatch(terms: readonly QueryTerm[]): string | undefined {
  const parts: string[] = [];
  for (const t of terms) {
    if (t.kind === "word") parts.push(`"${t.text}"`);
    else {
      const chars = Array.from(t.text);
      if (chars.length === 1) parts.push(`"${chars[0]}" *`);
      else {
        const grams: string[] = [];
        for (let i = 0; i + 1 < chars.length; i++) grams.push(chars[i]! + chars[i + 1]!);
        parts.push(`"${grams.join(" ")}"`);
      }
    }
  }
  return parts.length ? parts.join(" AND ") : undefined;
}

/** The naive peer: FTS5's trigram tokenizer matches substrings of three characters or more only. */
function trigramMatch(terms: readonly QueryTerm[]): string | undefined {
  const parts = terms.map((t) => `"${t.text.replaceAll('"', '""')}"`);
  return parts.length ? parts.join(" AND ") : undefined;
}

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { docNumberQueryKey, docNumberSearchKeys } from "../../documents/doc-number.js";
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
import { Catalogue, type CatalogueRow } from "./catalogue.js";

/** bm25 weights of the FTS columns: title, meta (发文字号, issuers, ref), body. */
const WEIGHTS = [10, 4, 1] as const;
/** Added to the score of the document whose 发文字号 is the query, so it ranks first. */
const DOC_NUMBER_BOOST = 1e6;
/**
 * Matches ranked by bm25 over all columns when there are at most this many; bm25 costs about a
 * millisecond per thousand matches (see #ordering for broader queries).
 */
const FULL_RANK_LIMIT = 8000;

export interface SqliteSearchOptions {
  readonly synchronous?: SynchronousMode;
  /**
   * FTS5 tokenizer of the index. "bigram" (default) stores our own CJK bigram tokens;
   * "trigram" is FTS5's built-in trigram tokenizer over the folded text, kept only as the naive
   * peer the bench compares against (it cannot find 1- or 2-character queries).
   */
  readonly tokenizer?: "bigram" | "trigram";
  /** Most matches ranked by bm25 over every column; default FULL_RANK_LIMIT. */
  readonly fullRankLimit?: number;
}

interface DocRow {
  r: number;
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

/**
 * Embedded search: SQLite FTS5 over CJK bigram tokens, in its own file beside the records.
 * The FTS table is contentless (the token strings are not stored twice); the original text is
 * kept in `docs` for snippets. Opened lazily, so a process that never searches never touches it.
 */
export class SqliteSearchIndex implements SearchIndex {
  #db: SqliteDatabase | undefined;
  readonly #trigram: boolean;
  /** The catalogue and the PRAGMA data_version it reflects (which other connections' commits change). */
  #cache: { version: number; catalogue: Catalogue } | undefined;

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
      // FTS5 merges its segments through the page cache: SQLite's 2 MB default makes bulk
      // indexing I/O-bound.
      db.pragma("cache_size = -65536");
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
        CREATE TABLE IF NOT EXISTS doc_keys (key TEXT NOT NULL, rowid INTEGER NOT NULL, PRIMARY KEY (key, rowid)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS doc_keys_rowid ON doc_keys (rowid);
        CREATE INDEX IF NOT EXISTS docs_sort ON docs (sort_date, rowid);
        CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
          title, meta, body,
          content = '', contentless_delete = 1,
          tokenize = '${tokenize}'${this.#trigram ? "" : ", prefix = '1'"}
        );
      `);
      fillDocKeys(db);
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
    const keysDelete = db.prepare("DELETE FROM doc_keys WHERE rowid = ?");
    const keyInsert = db.prepare("INSERT OR IGNORE INTO doc_keys (key, rowid) VALUES (?, ?)");
    const ftsInsert = db.prepare("INSERT INTO fts (rowid, title, meta, body) VALUES (?, ?, ?, ?)");
    const tokens = this.#trigram ? foldText : tokenString;
    const written: CatalogueRow[] = [];
    db.transaction(() => {
      for (const d of docs) {
        const docNumber = d.docNumber?.trim() || undefined;
        const { rowid } = upsert.get({
          id: d.id,
          source: d.source,
          ref: d.ref ?? null,
          title: d.title,
          doc_number: docNumber ?? null,
          doc_key: docNumber ? docNumberSearchKeys(docNumber)[0]! : null,
          issuers: JSON.stringify(d.issuers),
          kind: d.kind ?? null,
          date: d.date ?? null,
          year: d.date?.slice(0, 4) ?? null,
          status: d.status ?? null,
          text: d.text,
          url: d.url,
          sort_date: d.date ?? "",
        }) as { rowid: number };
        written.push({
          rowid,
          kind: d.kind ?? null,
          year: d.date?.slice(0, 4) ?? null,
          source: d.source,
          status: d.status ?? null,
          issuers: JSON.stringify(d.issuers),
          sort_date: d.date ?? "",
        });
        ftsDelete.run(rowid);
        keysDelete.run(rowid);
        for (const key of docNumber ? docNumberSearchKeys(docNumber) : []) keyInsert.run(key, rowid);
        const meta = [docNumber ?? "", ...d.issuers, d.ref ?? ""].join("\n");
        ftsInsert.run(rowid, tokens(d.title), tokens(meta), tokens(d.text));
      }
    })();
    // Committed: keep the in-memory catalogue current instead of reloading it.
    for (const row of written) this.#cache?.catalogue.set(row);
  }

  async remove(ids: readonly string[]): Promise<void> {
    const db = this.#conn;
    const find = db.prepare("SELECT rowid FROM docs WHERE id = ?");
    const ftsDelete = db.prepare("DELETE FROM fts WHERE rowid = ?");
    const docDelete = db.prepare("DELETE FROM docs WHERE rowid = ?");
    const keysDelete = db.prepare("DELETE FROM doc_keys WHERE rowid = ?");
    const removed: number[] = [];
    db.transaction(() => {
      for (const id of ids) {
        const row = find.get(id) as { rowid: number } | undefined;
        if (!row) continue;
        ftsDelete.run(row.rowid);
        docDelete.run(row.rowid);
        keysDelete.run(row.rowid);
        removed.push(row.rowid);
      }
    })();
    for (const rowid of removed) this.#cache?.catalogue.delete(rowid);
  }

  async search(input: SearchQuery): Promise<SearchResult> {
    const query = normalizeQuery(input);
    const fp = fingerprint(query);
    const cursor = query.cursor ? parseKey(decodeCursor(query.cursor, fp)) : undefined;
    const folded = query.q !== undefined ? foldText(query.q) : undefined;
    const terms = folded !== undefined ? runs(folded) : [];
    const match = folded === undefined ? undefined : this.#trigram ? trigramMatch(terms) : bigramMatch(terms);
    if (folded !== undefined && match === undefined) return { total: 0, hits: [], facets: emptyFacets() };
    const catalogue = this.#catalogue();
    // A query shaped like a 发文字号 finds the documents stored under it in any spelling (short
    // forms included: 国务院令第N号 → 中华人民共和国国务院令第N号), even where the text differs.
    const numberKey = folded === undefined ? undefined : docNumberQueryKey(folded);
    const numbered = new Set(
      numberKey ? this.#pluck("SELECT rowid FROM doc_keys WHERE key = ?", [numberKey]) : [],
    );
    const textMatches = match === undefined ? undefined : this.#matching(match);
    const matched =
      textMatches && numbered.size
        ? [...new Set([...textMatches, ...numbered])].sort((a, b) => a - b)
        : textMatches;
    const rowids = catalogue.filter(matched, query);
    const facets = catalogue.facets(rowids);
    const order = this.#ordering(catalogue, match, numbered, terms, matched?.length ?? 0);
    const page = smallest(rowids, order, query.limit + 1, cursor);
    const more = page.length > query.limit;
    if (more) page.pop();
    const docs = this.#rows(page.map((p) => p.rowid));
    const hits = page.map((p) => toHit(docs.get(p.rowid)!, p.key, terms));
    const result: SearchResult = { total: rowids.length, hits, facets };
    const last = page[page.length - 1];
    if (more && last) result.cursor = encodeCursor(fp, last.key);
    return result;
  }

  close(): void {
    this.#db?.close();
    this.#db = undefined;
    this.#cache = undefined;
  }

  /**
   * The order of the hits as a sort key per rowid, ascending: [tier, primary, tie-break]. Keys are
   * a total order, so a cursor holding the last key returns every hit exactly once.
   * - no query text: newest first;
   * - tier 0: the document whose 发文字号 is the query;
   * - up to FULL_RANK_LIMIT matches: bm25 over title, meta and body (title weighted);
   * - more matches than that (a word in a large part of the collection, where bm25 tells little
   *   apart and costs a millisecond per thousand matches): title matches first (by bm25 when they
   *   are few enough, else newest first), then the rest newest first.
   */
  #ordering(
    catalogue: Catalogue,
    match: string | undefined,
    first: ReadonlySet<number>,
    terms: readonly QueryTerm[],
    matches: number,
  ): Ordering {
    const date = catalogue.date;
    const newest: Ordering = { tier: () => TIER.browse, primary: (r) => -(date[r] ?? 0), second: (r) => -r };
    if (match === undefined) return newest;
    const limit = this.options.fullRankLimit ?? FULL_RANK_LIMIT;
    const bm25 = `SELECT rowid, bm25(fts, ${WEIGHTS.join(", ")}) FROM fts WHERE fts MATCH ?`;
    if (matches <= limit) {
      const scores = this.#scores(bm25, match);
      return {
        tier: (r) => (first.has(r) ? TIER.docNumber : TIER.ranked),
        primary: (r) => (first.has(r) ? 0 : (scores.get(r) ?? 0)),
        second: (r) => r,
      };
    }
    // A single character (a prefix query) says too little for a title tier to be worth its cost.
    if (terms.some((t) => t.kind === "cjk" && Array.from(t.text).length === 1)) {
      return {
        tier: (r) => (first.has(r) ? TIER.docNumber : TIER.newest),
        primary: (r) => (first.has(r) ? 0 : -(date[r] ?? 0)),
        second: (r) => -r,
      };
    }
    const inTitle = this.#matching(`{title} : (${match})`);
    const scores = inTitle.length <= limit ? this.#scores(bm25, `{title} : (${match})`) : undefined;
    const titled = new Uint8Array(date.length);
    for (const r of inTitle) titled[r] = 1;
    const tier = (r: number) =>
      first.has(r)
        ? TIER.docNumber
        : titled[r] !== 1
          ? TIER.newest
          : scores
            ? TIER.rankedTitle
            : TIER.newestTitle;
    return {
      tier,
      primary: (r) => {
        const t = tier(r);
        return t === TIER.docNumber ? 0 : t === TIER.rankedTitle ? scores!.get(r)! : -(date[r] ?? 0);
      },
      second: (r) => (tier(r) === TIER.rankedTitle || first.has(r) ? r : -r),
    };
  }

  #scores(sql: string, match: string): Map<number, number> {
    const rows = this.#run(() => this.#conn.prepare(sql).raw().all(match) as [number, number][]);
    return new Map(rows);
  }

  #pluck(sql: string, args: unknown[]): number[] {
    return this.#run(
      () =>
        this.#conn
          .prepare(sql)
          .pluck()
          .all(...args) as number[],
    );
  }

  /** Rowids matching an FTS query. One group_concat string parses faster than a row per match. */
  #matching(match: string): number[] {
    const joined = this.#run(
      () =>
        this.#conn.prepare("SELECT group_concat(rowid) FROM fts WHERE fts MATCH ?").pluck().get(match) as
          | string
          | null,
    );
    const out: number[] = [];
    if (!joined) return out;
    let n = 0;
    for (let i = 0; i < joined.length; i++) {
      const c = joined.charCodeAt(i);
      if (c === 44) {
        out.push(n);
        n = 0;
      } else n = n * 10 + (c - 48);
    }
    out.push(n);
    return out;
  }

  #rows(rowids: readonly number[]): Map<number, DocRow> {
    if (!rowids.length) return new Map();
    const rows = this.#run(
      () =>
        this.#conn
          .prepare(
            `SELECT rowid AS r, id, source, ref, title, doc_number, issuers, date, text, url FROM docs WHERE rowid IN (${rowids.map(() => "?").join(",")})`,
          )
          .all(...rowids) as DocRow[],
    );
    return new Map(rows.map((row) => [row.r, row]));
  }

  /** The in-memory facet fields: updated by this connection's writes, reloaded after another's. */
  #catalogue(): Catalogue {
    const version = this.#run(() => this.#conn.pragma("data_version", { simple: true }) as number);
    if (this.#cache && this.#cache.version === version) {
      return this.#cache.catalogue;
    }
    const catalogue = new Catalogue(
      this.#run(
        () =>
          this.#conn
            .prepare("SELECT rowid, kind, year, source, status, issuers, sort_date FROM docs")
            .all() as CatalogueRow[],
      ),
    );
    this.#cache = { version, catalogue };
    return catalogue;
  }

  #run<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw new SearchUnavailableError("search failed", { cause: error });
    }
  }
}

/**
 * First element of a sort key. Each query uses one scheme: browse (no text); docNumber then ranked;
 * or, for broad queries, docNumber, title matches (rankedTitle or newestTitle), then newest.
 */
const TIER = { docNumber: 0, browse: 1, ranked: 2, rankedTitle: 3, newestTitle: 4, newest: 5 } as const;

/** Sort key of a hit, compared element by element, ascending. */
type Key = [number, number, number];

/** The order of hits, as the three parts of a key per rowid (no allocation per match). */
interface Ordering {
  tier(r: number): number;
  primary(r: number): number;
  second(r: number): number;
}

function compareKeys(a: Key, b: Key): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function parseKey(key: unknown[]): Key {
  if (key.length !== 3 || !key.every((v) => typeof v === "number" && Number.isFinite(v))) {
    throw new SearchQueryError([{ field: "cursor", code: "invalid", message: "cursor is malformed" }]);
  }
  return key as Key;
}

/** The `n` rowids with the smallest keys after `after`, in order: one pass, no full sort. */
function smallest(
  rowids: readonly number[],
  order: Ordering,
  n: number,
  after: Key | undefined,
): { rowid: number; key: Key }[] {
  const best: { rowid: number; key: Key }[] = [];
  for (const rowid of rowids) {
    const t = order.tier(rowid);
    const p = order.primary(rowid);
    const s = order.second(rowid);
    if (after && (t - after[0] || p - after[1] || s - after[2]) <= 0) continue;
    const worst = best.length === n ? best[n - 1]!.key : undefined;
    if (worst && (t - worst[0] || p - worst[1] || s - worst[2]) >= 0) continue;
    const key: Key = [t, p, s];
    if (worst) best.pop();
    let i = best.length;
    while (i > 0 && compareKeys(best[i - 1]!.key, key) > 0) i--;
    best.splice(i, 0, { rowid, key });
  }
  return best;
}

function toHit(row: DocRow, key: Key, terms: readonly QueryTerm[]): SearchHit {
  const hit: SearchHit = {
    id: row.id,
    title: row.title,
    issuers: JSON.parse(row.issuers) as string[],
    snippet: snippet(row.text || row.title, terms),
    url: row.url,
    source: row.source,
    // Higher is better: bm25 (negated) where it ranked the hit, a fixed lead for the 发文字号
    // match, 0 where the order is by date.
    score:
      key[0] === TIER.docNumber
        ? DOC_NUMBER_BOOST
        : key[0] === TIER.ranked || key[0] === TIER.rankedTitle
          ? -key[1]
          : 0,
  };
  if (row.ref !== null) hit.ref = row.ref;
  if (row.doc_number !== null) hit.docNumber = row.doc_number;
  if (row.date !== null) hit.date = row.date;
  return hit;
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

/**
 * Fills the 发文字号 lookup keys of an index written before they were kept (its docs have numbers
 * but doc_keys is empty).
 */
function fillDocKeys(db: SqliteDatabase): void {
  if (db.prepare("SELECT 1 FROM doc_keys LIMIT 1").get() !== undefined) return;
  const rows = db.prepare("SELECT rowid, doc_number FROM docs WHERE doc_number IS NOT NULL").all() as {
    rowid: number;
    doc_number: string;
  }[];
  if (rows.length === 0) return;
  const insert = db.prepare("INSERT OR IGNORE INTO doc_keys (key, rowid) VALUES (?, ?)");
  db.transaction(() => {
    for (const row of rows) for (const key of docNumberSearchKeys(row.doc_number)) insert.run(key, row.rowid);
  })();
}

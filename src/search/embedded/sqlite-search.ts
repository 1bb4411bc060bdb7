import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { DateKind } from "../../documents/dates.js";
import {
  docNumberKey,
  docNumberMatches,
  formatDocNumber,
  jointOrderKeyPrefix,
  type ParsedDocNumber,
  parseDocNumber,
  shorterDocNumberKeys,
} from "../../documents/doc-number.js";
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
import {
  foldText,
  highlightTerms,
  type QueryTerm,
  runs,
  segmentPhrase,
  segments,
  snippet,
  TOKENIZER_VERSION,
  titleSearchText,
  tokenString,
} from "../text.js";
import { Catalogue, type CatalogueRow } from "./catalogue.js";

/** bm25 weights of the FTS columns: title, meta (发文字号, issuers, ref), body. */
const WEIGHTS = [10, 4, 1] as const;
/**
 * Added to the score of a hit by its tier (see TIER), so scores fall as the order does: the
 * document whose 发文字号 is the query, one whose 发文字号 is a longer or shorter form of it, a
 * title equal to the query, a title containing it, then the rest by bm25.
 */
const TIER_SCORE: Record<number, number> = { 0: 1e6, 1: 5e5, 2: 2e3, 3: 1e3 };
/** Titles compared with the query whole when at most this many titles contain it. */
const EXACT_TITLE_LIMIT = 500;
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
  date_kind: DateKind | null;
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
          doc_key_rev TEXT,
          issuers TEXT NOT NULL,
          kind TEXT,
          date TEXT,
          date_kind TEXT,
          year TEXT,
          status TEXT,
          text TEXT NOT NULL,
          url TEXT NOT NULL,
          sort_date TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS docs_doc_key ON docs (doc_key) WHERE doc_key IS NOT NULL;
        CREATE TABLE IF NOT EXISTS search_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS docs_sort ON docs (sort_date, rowid);
        CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
          title, meta, body,
          content = '', contentless_delete = 1,
          tokenize = '${tokenize}'${this.#trigram ? "" : ", prefix = '1'"}
        );
      `);
      upgrade(db, this.#trigram ? foldText : tokenString);
      this.#db = db;
      return db;
    } catch (error) {
      throw new SearchUnavailableError(`cannot open search index ${this.file}`, { cause: error });
    }
  }

  async index(docs: readonly SearchDocument[]): Promise<void> {
    const db = this.#conn;
    const upsert = db.prepare(`
      INSERT INTO docs (id, source, ref, title, doc_number, doc_key, doc_key_rev, issuers, kind, date, date_kind, year, status, text, url, sort_date)
      VALUES (@id, @source, @ref, @title, @doc_number, @doc_key, @doc_key_rev, @issuers, @kind, @date, @date_kind, @year, @status, @text, @url, @sort_date)
      ON CONFLICT (id) DO UPDATE SET source = excluded.source, ref = excluded.ref, title = excluded.title,
        doc_number = excluded.doc_number, doc_key = excluded.doc_key, doc_key_rev = excluded.doc_key_rev,
        issuers = excluded.issuers,
        kind = excluded.kind, date = excluded.date, date_kind = excluded.date_kind, year = excluded.year, status = excluded.status,
        text = excluded.text, url = excluded.url, sort_date = excluded.sort_date
      RETURNING rowid`);
    const ftsDelete = db.prepare("DELETE FROM fts WHERE rowid = ?");
    const ftsInsert = db.prepare("INSERT INTO fts (rowid, title, meta, body) VALUES (?, ?, ?, ?)");
    const tokens = this.#trigram ? foldText : tokenString;
    const written: CatalogueRow[] = [];
    db.transaction(() => {
      for (const d of docs) {
        const docNumber = d.docNumber?.trim() || undefined;
        const key = docNumber ? storedKey(docNumber) : null;
        const { rowid } = upsert.get({
          id: d.id,
          source: d.source,
          ref: d.ref ?? null,
          title: d.title,
          doc_number: docNumber ?? null,
          doc_key: key,
          doc_key_rev: key && reversed(key),
          issuers: JSON.stringify(d.issuers),
          kind: d.kind ?? null,
          date: d.date ?? null,
          date_kind: d.dateKind ?? null,
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
        ftsInsert.run(rowid, ...ftsColumns(tokens, d.title, docNumber, d.issuers, d.ref, d.text));
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
    const removed: number[] = [];
    db.transaction(() => {
      for (const id of ids) {
        const row = find.get(id) as { rowid: number } | undefined;
        if (!row) continue;
        ftsDelete.run(row.rowid);
        docDelete.run(row.rowid);
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
    // A query shaped like a 发文字号 is matched as text in its canonical spelling (〔〕 for [ ],
    // 号 for 號, no spaces or leading zeros), which is also how it is printed in other documents.
    const number = folded !== undefined ? parseDocNumber(folded) : null;
    const text = number ? foldText(formatDocNumber(number)) : folded;
    const terms = text !== undefined ? highlightTerms(text) : [];
    const matchOf = (t: string) => (this.#trigram ? trigramMatch(runs(t)) : bigramMatch(t));
    let match = text === undefined ? undefined : matchOf(text);
    if (folded !== undefined && match === undefined) return { total: 0, hits: [], facets: emptyFacets() };
    const catalogue = this.#catalogue();
    let matched = match === undefined ? undefined : this.#matching(match);
    const own = number ? this.#ownNumber(folded!, number) : undefined;
    if (matched?.length === 0 && own?.exact.size === 0 && own.related.size === 0) {
      // No document has the number, in the metadata or as one run of text: try its parts close
      // together but apart, as a heading prints them on two lines (江西省人民政府令 / 第232号).
      const loose = number && looseNumberText(number);
      const looseMatch = loose && (this.#trigram ? matchOf(loose) : nearMatch(loose, NUMBER_PARTS_DISTANCE));
      if (looseMatch) {
        match = looseMatch;
        matched = this.#matching(looseMatch);
      }
    }
    if (matched?.length === 0 && !number && !this.#trigram) {
      // Nothing has the query as typed: a long phrase with one or two characters off (a title
      // typed without its （污）, a character mistyped) still finds the text that has the rest.
      const near = nearMissMatch(text!);
      if (near) {
        match = near;
        matched = this.#matching(near);
      }
    }
    if (matched && own) {
      // The document whose 发文字号 it is, even where its text spells the number differently.
      const seen = new Set(matched);
      for (const r of [...own.exact, ...own.related]) if (!seen.has(r)) matched.push(r);
    }
    const rowids = catalogue.filter(matched, query);
    const facets = catalogue.facets(rowids);
    const order = this.#ordering(catalogue, match, folded, terms, matched?.length ?? 0, own);
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
   * Documents whose own 发文字号 is the queried number: `exact`ly (any spelling of it), or
   * `related`: a longer or shorter form of it, one key ending with the other (国务院令第588号 and
   * 中华人民共和国国务院令第588号; 国发〔2016〕23号 typed as 发〔2016〕23号). A bare 第N号 is only
   * matched exactly: too many orders and notices share a serial. The short and full names of an
   * order's issuer share one key (docNumberKey), and a joint order is its first issuer's order
   * (国务院令第602号 is 中华人民共和国国务院、中央军事委员会令第602号).
   */
  #ownNumber(query: string, number: ParsedDocNumber): OwnNumber {
    const key = docNumberKey(query);
    const exact = new Set(this.#pluck("SELECT rowid FROM docs WHERE doc_key = ?", [key]));
    const joint = jointOrderKeyPrefix(number);
    if (joint) {
      const rows = this.#run(
        () =>
          this.#conn
            .prepare("SELECT rowid, doc_number FROM docs WHERE doc_key >= ? AND doc_key < ?")
            .all(joint, `${joint}\u{10FFFF}`) as { rowid: number; doc_number: string }[],
      );
      for (const row of rows) if (docNumberMatches(query, row.doc_number)) exact.add(row.rowid);
    }
    const related = new Set<number>();
    if (number.prefix !== "") {
      // Longer stored forms: reversed keys starting with the reversed query key.
      const rev = reversed(key);
      const longer = this.#pluck("SELECT rowid FROM docs WHERE doc_key_rev >= ? AND doc_key_rev < ?", [
        rev,
        `${rev}\u{10FFFF}`,
      ]);
      // Shorter stored forms: the query key without some of its leading characters (two kept).
      const shorter = shorterDocNumberKeys(number);
      const found = shorter.length
        ? this.#pluck(
            `SELECT rowid FROM docs WHERE doc_key IN (${shorter.map(() => "?").join(",")})`,
            shorter,
          )
        : [];
      for (const r of [...longer, ...found]) if (!exact.has(r)) related.add(r);
    }
    return { exact, related };
  }

  /**
   * The order of the hits as a sort key per rowid, ascending: [tier, primary, tie-break]. Keys are
   * a total order, so a cursor holding the last key returns every hit exactly once.
   * - no query text: newest first;
   * - the document whose 发文字号 is the query, then those whose 发文字号 is a longer or shorter
   *   form of it (see #ownNumber): a document's own number before documents that cite it;
   * - up to FULL_RANK_LIMIT matches: a title equal to the query, then titles containing it, then
   *   the rest, each by bm25 over title, meta and body (title weighted);
   * - more matches than that (a word in a large part of the collection, where bm25 tells little
   *   apart and costs a millisecond per thousand matches): title matches first (by bm25 when they
   *   are few enough, else newest first), then the rest newest first.
   */
  #ordering(
    catalogue: Catalogue,
    match: string | undefined,
    folded: string | undefined,
    terms: readonly QueryTerm[],
    matches: number,
    own: OwnNumber | undefined,
  ): Ordering {
    const date = catalogue.date;
    const newest: Ordering = { tier: () => TIER.browse, primary: (r) => -(date[r] ?? 0), second: (r) => -r };
    if (match === undefined || folded === undefined) return newest;
    const numberTier = (r: number) =>
      own?.exact.has(r) ? TIER.docNumber : own?.related.has(r) ? TIER.relatedDocNumber : undefined;
    const limit = this.options.fullRankLimit ?? FULL_RANK_LIMIT;
    const bm25 = `SELECT rowid, bm25(fts, ${WEIGHTS.join(", ")}) FROM fts WHERE fts MATCH ?`;
    const titleMatch = `{title} : (${match})`;
    if (matches <= limit) {
      const scores = this.#scores(bm25, match);
      const inTitle = this.#matching(titleMatch);
      const exactTitle =
        inTitle.length <= EXACT_TITLE_LIMIT ? this.#titlesEqual(inTitle, folded) : new Set<number>();
      const titled = new Set(inTitle);
      const tier = (r: number) =>
        numberTier(r) ??
        (exactTitle.has(r) ? TIER.exactTitle : titled.has(r) ? TIER.rankedTitle : TIER.ranked);
      return {
        tier,
        primary: (r) => (numberTier(r) !== undefined ? 0 : (scores.get(r) ?? 0)),
        second: (r) => r,
      };
    }
    // A single character (a prefix query) says too little for a title tier to be worth its cost.
    if (terms.some((t) => t.kind === "cjk" && Array.from(t.text).length === 1)) {
      return {
        tier: (r) => numberTier(r) ?? TIER.newest,
        primary: (r) => (numberTier(r) !== undefined ? 0 : -(date[r] ?? 0)),
        second: (r) => -r,
      };
    }
    const inTitle = this.#matching(titleMatch);
    const scores = inTitle.length <= limit ? this.#scores(bm25, titleMatch) : undefined;
    const titled = new Uint8Array(date.length);
    for (const r of inTitle) titled[r] = 1;
    const tier = (r: number) =>
      numberTier(r) ?? (titled[r] !== 1 ? TIER.newest : scores ? TIER.rankedTitle : TIER.newestTitle);
    return {
      tier,
      primary: (r) => {
        const t = tier(r);
        return t <= TIER.relatedDocNumber ? 0 : t === TIER.rankedTitle ? scores!.get(r)! : -(date[r] ?? 0);
      },
      second: (r) => (tier(r) <= TIER.rankedTitle ? r : -r),
    };
  }

  /** Of the given rows, those whose title is the query (folded, letters and digits only). */
  #titlesEqual(rowids: readonly number[], folded: string): Set<number> {
    const wanted = lettersAndDigits(folded);
    const out = new Set<number>();
    if (!rowids.length || !wanted) return out;
    const rows = this.#run(
      () =>
        this.#conn
          .prepare(`SELECT rowid, title FROM docs WHERE rowid IN (${rowids.map(() => "?").join(",")})`)
          .raw()
          .all(...rowids) as [number, string][],
    );
    for (const [r, title] of rows) if (lettersAndDigits(foldText(title)) === wanted) out.add(r);
    return out;
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
            `SELECT rowid AS r, id, source, ref, title, doc_number, issuers, date, date_kind, text, url FROM docs WHERE rowid IN (${rowids.map(() => "?").join(",")})`,
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

/** Version of the 发文字号 keys (docNumberKey); 2: one key for short and full issuer names, Simplified. */
const NUMBER_KEY_VERSION = 2;
/** Version of what the index stores (PRAGMA user_version); see upgrade. */
const INDEX_VERSION = 100 * NUMBER_KEY_VERSION + TOKENIZER_VERSION;

/** The key a stored 发文字号 is found by: its canonical spelling after folding (號 → 号, １ → 1). */
function storedKey(docNumber: string): string {
  return docNumberKey(foldText(docNumber));
}

function reversed(s: string): string {
  return Array.from(s).reverse().join("");
}

/** The token strings of the FTS columns: title, meta (发文字号, issuers, ref), body. */
function ftsColumns(
  tokens: (text: string) => string,
  title: string,
  docNumber: string | undefined,
  issuers: readonly string[],
  ref: string | undefined,
  text: string,
): [string, string, string] {
  const meta = [docNumber ?? "", ...issuers, ref ?? ""].join("\n");
  return [tokens(titleSearchText(title)), tokens(meta), tokens(text)];
}

/**
 * Brings an index written by an earlier version up to this one, in place, from the original text
 * the `docs` table keeps: an index whose tokens came from another tokenizer (version 1 kept Han text
 * after digits or Latin letters inside one word, so 领导带班 in "24小时值班和领导带班制度" was not
 * found) would answer new queries for some documents and silently miss others. The FTS table is
 * emptied and every document re-tokenised, and the 发文字号 keys recomputed with today's grammar.
 * When only the number grammar changed (see keyGrammar), only the keys are recomputed. Runs once,
 * when the index is first opened by a newer version, in one write transaction (another process
 * opening it at the same time waits, then finds it current). Raise INDEX_VERSION whenever the
 * tokens change.
 */
function upgrade(db: SqliteDatabase, tokens: (text: string) => string): void {
  // Indexes made before hits carried which date they show get the column (filled on re-index).
  const had = db.prepare("SELECT name FROM pragma_table_info('docs')").pluck().all() as string[];
  if (!had.includes("date_kind")) db.exec("ALTER TABLE docs ADD COLUMN date_kind TEXT");
  const grammar = keyGrammar();
  const stored = db.prepare("SELECT value FROM search_meta WHERE name = 'key_grammar'").pluck();
  const current = () =>
    (db.pragma("user_version", { simple: true }) as number) === INDEX_VERSION && stored.get() === grammar;
  if (current()) return;
  db.transaction(() => {
    if (current()) return;
    const retokenise = (db.pragma("user_version", { simple: true }) as number) !== INDEX_VERSION;
    const columns = db.prepare("SELECT name FROM pragma_table_info('docs')").pluck().all() as string[];
    if (!columns.includes("doc_key_rev")) db.exec("ALTER TABLE docs ADD COLUMN doc_key_rev TEXT");
    db.exec(
      "CREATE INDEX IF NOT EXISTS docs_doc_key_rev ON docs (doc_key_rev) WHERE doc_key_rev IS NOT NULL",
    );
    if (retokenise) db.exec("INSERT INTO fts (fts) VALUES ('delete-all')");
    const keys = db.prepare("UPDATE docs SET doc_key = ?, doc_key_rev = ? WHERE rowid = ?");
    const insert = db.prepare("INSERT INTO fts (rowid, title, meta, body) VALUES (?, ?, ?, ?)");
    const batch = db.prepare(
      retokenise
        ? "SELECT rowid, title, doc_number, issuers, ref, text FROM docs WHERE rowid > ? ORDER BY rowid LIMIT 500"
        : "SELECT rowid, doc_number FROM docs WHERE rowid > ? AND doc_number IS NOT NULL ORDER BY rowid LIMIT 500",
    );
    for (let after = 0; ; ) {
      const rows = batch.all(after) as {
        rowid: number;
        title: string;
        doc_number: string | null;
        issuers: string;
        ref: string | null;
        text: string;
      }[];
      if (!rows.length) break;
      for (const row of rows) {
        const key = row.doc_number ? storedKey(row.doc_number) : null;
        keys.run(key, key && reversed(key), row.rowid);
        if (!retokenise) continue;
        const issuers = JSON.parse(row.issuers) as string[];
        const ref = row.ref ?? undefined;
        insert.run(
          row.rowid,
          ...ftsColumns(tokens, row.title, row.doc_number ?? undefined, issuers, ref, row.text),
        );
      }
      after = rows[rows.length - 1]!.rowid;
    }
    db.prepare("INSERT OR REPLACE INTO search_meta (name, value) VALUES ('key_grammar', ?)").run(grammar);
    db.pragma(`user_version = ${INDEX_VERSION}`);
  }).immediate();
}

/**
 * Spellings of every form of 发文字号, whose keys change when the shared grammar
 * (src/documents/doc-number.ts) learns something new about numbers.
 */
const GRAMMAR_SAMPLES = [
  "川府发[2024]012号",
  "国發〔2016〕23號",
  "中华人民共和国国务院令 第０５８８号",
  "财政部、国家税务总局令第1号",
  "院臺交字第0950001993號",
  "（76）台内字第 5 號",
  "第356号",
];

let grammarFingerprint: string | undefined;

/** A fingerprint of the number grammar: the stored keys are recomputed when it changes. */
function keyGrammar(): string {
  grammarFingerprint ??= createHash("sha256")
    .update(GRAMMAR_SAMPLES.map(storedKey).join("\n"))
    .digest("base64url")
    .slice(0, 16);
  return grammarFingerprint;
}

/**
 * First element of a sort key. Each query uses one scheme: browse (no text); docNumber then ranked;
 * or, for broad queries, docNumber, title matches (rankedTitle or newestTitle), then newest.
 */
const TIER = {
  docNumber: 0,
  relatedDocNumber: 1,
  exactTitle: 2,
  rankedTitle: 3,
  ranked: 4,
  newestTitle: 5,
  newest: 6,
  browse: 7,
} as const;

interface OwnNumber {
  readonly exact: ReadonlySet<number>;
  readonly related: ReadonlySet<number>;
}

/**
 * A number's issuing part and serial as separate phrases (江西省人民政府令 第232号), or undefined
 * where the canonical spelling already has them apart (the year's brackets split 国发〔2016〕23号).
 */
function looseNumberText(number: ParsedDocNumber): string | undefined {
  if (number.form !== "order" || number.prefix === "") return undefined;
  return foldText(`${number.prefix} ${formatDocNumber({ ...number, prefix: "" })}`);
}

function lettersAndDigits(folded: string): string {
  return folded.replace(/[^\p{L}\p{N}]/gu, "");
}

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
    // Higher is better: bm25 (negated) where it ranked the hit, plus a fixed lead per tier above
    // the body matches; 0 where the order is by date.
    score:
      key[0] <= TIER.relatedDocNumber
        ? TIER_SCORE[key[0]]!
        : key[0] <= TIER.ranked
          ? (TIER_SCORE[key[0]] ?? 0) - key[1]
          : 0,
  };
  if (row.ref !== null) hit.ref = row.ref;
  if (row.doc_number !== null) hit.docNumber = row.doc_number;
  if (row.date !== null) hit.date = row.date;
  if (row.date_kind) hit.dateKind = row.date_kind;
  return hit;
}

/**
 * FTS5 query over bigram tokens: each segment of the query (runs that touch, see segments) is the
 * phrase of its tokens (see segmentPhrase: an exact substring match), a lone Han character a prefix;
 * all segments must match. Tokens hold only letters and digits, so quoting them is safe.
 */
export function bigramMatch(folded: string): string | undefined {
  const parts: string[] = [];
  for (const segment of segments(folded)) {
    const { tokens, prefix } = segmentPhrase(segment);
    parts.push(`"${tokens.join(" ")}"${prefix ? " *" : ""}`);
  }
  return parts.length ? parts.join(" AND ") : undefined;
}

/** A phrase of at least this many tokens may match with a token or two missing (see nearMissMatch). */
const NEAR_MISS_MIN_TOKENS = 7;
/** Longest segment loosened, in tokens (each cut is one clause; longer queries stay exact). */
const NEAR_MISS_MAX_TOKENS = 40;
/** Tokens allowed between the two halves of a near miss: what the text has in place of the gap. */
const NEAR_MISS_DISTANCE = 4;

/**
 * Like bigramMatch, for a query nothing has as typed: each segment of NEAR_MISS_MIN_TOKENS tokens
 * or more (eight Han characters) matches as its two halves close together, with one or two
 * consecutive tokens of the query left out between them (any such cut; three tokens a half or more). One character typed
 * that the text lacks, lacked that it has, or typed differently costs at most two bigrams, so
 * 海域工程排放油废水许可办法 finds 海域工程排放油廢（污）水許可辦法. A segment longer than
 * NEAR_MISS_MAX_TOKENS stays exact. Undefined when no segment is loosened.
 */
export function nearMissMatch(folded: string): string | undefined {
  const parts: string[] = [];
  let loosened = false;
  for (const segment of segments(folded)) {
    const { tokens, prefix } = segmentPhrase(segment);
    const whole = `"${tokens.join(" ")}"${prefix ? " *" : ""}`;
    if (prefix || tokens.length < NEAR_MISS_MIN_TOKENS || tokens.length > NEAR_MISS_MAX_TOKENS) {
      parts.push(whole);
      continue;
    }
    const cuts: string[] = [];
    for (const gap of [1, 2]) {
      for (let i = 3; i + gap + 3 <= tokens.length; i++) {
        const left = tokens.slice(0, i).join(" ");
        const right = tokens.slice(i + gap).join(" ");
        cuts.push(`NEAR("${left}" "${right}", ${NEAR_MISS_DISTANCE})`);
      }
    }
    loosened = true;
    parts.push(`(${cuts.join(" OR ")})`);
  }
  return loosened ? parts.join(" AND ") : undefined;
}

/** Tokens allowed between the parts of a number printed apart (the closing unigram of a run, a word). */
const NUMBER_PARTS_DISTANCE = 3;

/** Like bigramMatch, but the segments must also stand within `distance` tokens of each other. */
export function nearMatch(folded: string, distance: number): string | undefined {
  const phrases = segments(folded).map((segment) => {
    const { tokens, prefix } = segmentPhrase(segment);
    return `"${tokens.join(" ")}"${prefix ? " *" : ""}`;
  });
  if (phrases.length < 2) return bigramMatch(folded);
  return `NEAR(${phrases.join(" ")}, ${distance})`;
}

/** The naive peer: FTS5's trigram tokenizer matches substrings of three characters or more only. */
function trigramMatch(terms: readonly QueryTerm[]): string | undefined {
  const parts = terms.map((t) => `"${t.text.replaceAll('"', '""')}"`);
  return parts.length ? parts.join(" AND ") : undefined;
}

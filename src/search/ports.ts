/**
 * The search port: one index over published gazette documents and the digitised archive.
 * Adapters: embedded SQLite FTS5 over CJK bigrams (default) and OpenSearch (scale-out).
 */
import type { DateKind } from "../documents/dates.js";

export type SearchSource = "gazette" | "archive";

export interface SearchDocument {
  /** Unique across sources, e.g. a gazette document id or "archive:<itemId>". */
  readonly id: string;
  readonly source: SearchSource;
  /** The client's own reference (archive text ingests). */
  readonly ref?: string | undefined;
  readonly title: string;
  /** 发文字号 as printed. */
  readonly docNumber?: string | undefined;
  readonly issuers: readonly string[];
  readonly kind?: string | undefined;
  /** YYYY-MM-DD. */
  readonly date?: string | undefined;
  /** Which date `date` is: 成文 (written), 发布 (published), 修正 (amended), 通过 (adopted), 施行 (effective). */
  readonly dateKind?: DateKind | undefined;
  /** 有效/已修改/已废止/失效. */
  readonly status?: string | undefined;
  readonly text: string;
  /** Site-relative public URL. */
  readonly url: string;
}

export interface SearchQuery {
  q?: string;
  issuer?: string;
  kind?: string;
  year?: number;
  /** YYYY-MM-DD, inclusive. */
  from?: string;
  /** YYYY-MM-DD, inclusive. */
  to?: string;
  status?: string;
  source?: SearchSource;
  limit?: number;
  /** Opaque, from a previous result's `cursor`. */
  cursor?: string;
}

export interface SearchHit {
  id: string;
  ref?: string;
  title: string;
  docNumber?: string;
  issuers: string[];
  date?: string;
  /** Which date `date` is (成文, 发布, 修正, 通过, 施行), when the document says. */
  dateKind?: DateKind;
  /** HTML-escaped, with <mark> around matches. */
  snippet: string;
  url: string;
  source: SearchSource;
  score: number;
}

export interface SearchFacets {
  issuer: Record<string, number>;
  kind: Record<string, number>;
  year: Record<string, number>;
  source: Record<string, number>;
  status: Record<string, number>;
}

export interface SearchResult {
  total: number;
  hits: SearchHit[];
  facets: SearchFacets;
  /** Present when there are more hits; pass it back as `cursor` for the next page. */
  cursor?: string;
}

export interface SearchIndex {
  /** Adds or replaces (by id) documents. */
  index(docs: readonly SearchDocument[]): Promise<void>;
  remove(ids: readonly string[]): Promise<void>;
  search(query: SearchQuery): Promise<SearchResult>;
  close?(): void;
}

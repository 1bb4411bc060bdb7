import type { DateKind } from "../../documents/dates.js";
import {
  docNumberKey,
  docNumberSearchKeys,
  formatDocNumber,
  parseDocNumber,
  shorterDocNumberKeys,
} from "../../documents/doc-number.js";
import { SearchQueryError } from "../errors.js";
import type { SearchDocument, SearchQuery, SearchSource } from "../ports.js";
import { decodeCursor, fingerprint, normalizeQuery } from "../query.js";
import {
  blankLeadingZeros,
  foldText,
  highlightTerms,
  type QueryTerm,
  segments,
  titleSearchText,
  wordToken,
} from "../text.js";

/**
 * Pure request building for the OpenSearch adapter: the index mapping, the document body and the
 * search request. Text is folded client-side (Traditional → Simplified, full-width → ASCII) with the
 * same code as the embedded index, so both adapters find the same documents.
 */

/**
 * Boosts: a title match counts most, then 发文字号/issuers; a title containing the whole query
 * gets `titlePhrase` on top; the document whose 发文字号 is the query wins (`docKey`), then one whose
 * 发文字号 is a longer or shorter form of it (`relatedDocKey`).
 */
export const BOOSTS = {
  title: 10,
  meta: 4,
  text: 1,
  titlePhrase: 50,
  docKey: 1000,
  relatedDocKey: 500,
} as const;
export const FACET_SIZE = 100;

/** Highlight markers that cannot occur in folded text (control characters are not indexed text). */
export const MARK_OPEN = "\u0002";
export const MARK_CLOSE = "\u0003";

/**
 * `*_s` fields hold folded text under the built-in `cjk` analyzer (bigrams, Lucene CJKAnalyzer);
 * their `.uni` sub-fields use the `standard` analyzer, which emits each Han character alone, for
 * one-character queries. The original text is kept in _source only, for display.
 */
export const INDEX_BODY = {
  settings: { index: { number_of_shards: 1, number_of_replicas: 1 } },
  mappings: {
    dynamic: "strict",
    properties: {
      id: { type: "keyword" },
      source: { type: "keyword" },
      ref: { type: "keyword" },
      title: { type: "keyword", index: false, doc_values: false },
      docNumber: { type: "keyword", index: false, doc_values: false },
      docKey: { type: "keyword" },
      issuers: { type: "keyword" },
      kind: { type: "keyword" },
      date: { type: "date", format: "strict_date" },
      dateKind: { type: "keyword", index: false, doc_values: false },
      year: { type: "keyword" },
      /** date, or "" when unknown: a string sort key keeps search_after values exact. */
      sortDate: { type: "keyword" },
      status: { type: "keyword" },
      url: { type: "keyword", index: false, doc_values: false },
      text: { type: "text", index: false },
      title_s: { type: "text", analyzer: "cjk", fields: { uni: { type: "text", analyzer: "standard" } } },
      meta_s: { type: "text", analyzer: "cjk", fields: { uni: { type: "text", analyzer: "standard" } } },
      text_s: { type: "text", analyzer: "cjk", fields: { uni: { type: "text", analyzer: "standard" } } },
    },
  },
} as const;

export interface IndexedDocument {
  id: string;
  source: SearchSource;
  ref?: string;
  title: string;
  docNumber?: string;
  /** Every key the 发文字号 answers to (see docNumberSearchKeys); a keyword field holds an array. */
  docKey?: string[];
  issuers: string[];
  kind?: string;
  date?: string;
  dateKind?: DateKind;
  year?: string;
  sortDate: string;
  status?: string;
  url: string;
  text: string;
  title_s: string;
  meta_s: string;
  text_s: string;
}

/** What the `*_s` fields hold: folded text, numbers' leading zeros blanked (same length as the original). */
function searchText(text: string): string {
  return blankLeadingZeros(foldText(text));
}

export function toIndexedDocument(d: SearchDocument): IndexedDocument {
  const docNumber = d.docNumber?.trim() || undefined;
  const out: IndexedDocument = {
    id: d.id,
    source: d.source,
    title: d.title,
    issuers: [...d.issuers],
    url: d.url,
    text: d.text,
    sortDate: d.date ?? "",
    title_s: searchText(titleSearchText(d.title)),
    meta_s: searchText([docNumber ?? "", ...d.issuers, d.ref ?? ""].join("\n")),
    text_s: searchText(d.text),
  };
  if (d.ref !== undefined) out.ref = d.ref;
  if (docNumber) {
    out.docNumber = docNumber;
    out.docKey = docNumberSearchKeys(foldText(docNumber));
  }
  if (d.kind !== undefined) out.kind = d.kind;
  if (d.date !== undefined) {
    out.date = d.date;
    out.year = d.date.slice(0, 4);
  }
  if (d.dateKind !== undefined) out.dateKind = d.dateKind;
  if (d.status !== undefined) out.status = d.status;
  return out;
}

type Clause = Record<string, unknown>;

/**
 * A segment of the query (runs that touch, see segments) as one phrase, an exact substring match as
 * in the embedded index. The `cjk` analyzer (Lucene's CJKAnalyzer) splits the segment's Han runs into
 * bigrams and keeps its words, at consecutive positions; but a lone Han character is a unigram there
 * only where it stands alone in the text, so a segment with a one-character run goes to the `.uni`
 * sub-fields, where every Han character is a token of its own.
 */
function segmentClause(
  segment: readonly QueryTerm[],
  fields: readonly (keyof typeof BOOSTS)[],
  boost = 1,
): Clause {
  const single = segment.some((t) => t.kind === "cjk" && Array.from(t.text).length === 1);
  const suffix = single ? ".uni" : "";
  const clause: Record<string, unknown> = {
    query: segment.map((t) => (t.kind === "word" ? wordToken(t.text) : t.text)).join(""),
    type: "phrase",
    fields: fields.map((f) => `${f}_s${suffix}^${BOOSTS[f]}`),
  };
  if (boost !== 1) clause.boost = boost;
  return { multi_match: clause };
}

export interface BuiltSearch {
  body: Record<string, unknown>;
  /** Terms for mapping highlights back to the original text. */
  terms: QueryTerm[];
  /** Hits asked for: one more than the page, to know whether there is a next page. */
  size: number;
  fingerprint: string;
  /** Whether the results are ranked by relevance (else newest first). */
  ranked: boolean;
}

/** A Han segment this long or longer may match with a character or two off (see nearMissClause). */
const NEAR_MISS_MIN_CHARS = 8;
/** Longest segment loosened (each cut is one clause; longer queries stay exact). */
const NEAR_MISS_MAX_CHARS = 40;
/** Positions allowed between the two halves of a near miss, as in the embedded index. */
const NEAR_MISS_SLOP = 4;

/**
 * A long Han segment as its two halves close together and in order, with nothing or one character
 * of the query left out between them (three characters a half or more), on the unigram sub-fields
 * where each Han character is a position: the embedded index's near miss (nearMissMatch), which
 * leaves out one or two bigrams. Undefined for a segment too short, too long or not all Han.
 */
function nearMissClause(segment: readonly QueryTerm[]): Clause | undefined {
  if (segment.length !== 1 || segment[0]!.kind !== "cjk") return undefined;
  const chars = Array.from(segment[0]!.text);
  if (chars.length < NEAR_MISS_MIN_CHARS || chars.length > NEAR_MISS_MAX_CHARS) return undefined;
  const alternatives: Clause[] = [];
  for (const field of ["title_s.uni", "text_s.uni"] as const) {
    const span = (part: readonly string[]): Clause => ({
      span_near: { clauses: part.map((c) => ({ span_term: { [field]: c } })), slop: 0, in_order: true },
    });
    for (const gap of [0, 1]) {
      for (let i = 3; i + gap + 3 <= chars.length; i++) {
        alternatives.push({
          span_near: {
            clauses: [span(chars.slice(0, i)), span(chars.slice(i + gap))],
            slop: NEAR_MISS_SLOP,
            in_order: true,
          },
        });
      }
    }
  }
  return { bool: { should: alternatives, minimum_should_match: 1 } };
}

/**
 * The request to send when the query's own request found nothing: each long Han segment matched as
 * a near miss (a title typed without its （污）, a character mistyped), the others as phrases. The
 * same filters, sort, facets and cursor. Undefined when no segment is long enough, or the query is
 * a 发文字号 (numbers are never loosened).
 */
export function buildNearMissRequest(input: SearchQuery): BuiltSearch | undefined {
  const built = buildSearchRequest(input);
  const query = normalizeQuery(input);
  if (query.q === undefined) return undefined;
  const folded = foldText(query.q);
  if (parseDocNumber(folded)) return undefined;
  const parts = segments(folded);
  const near = parts.map((p) => nearMissClause(p));
  if (near.every((c) => c === undefined)) return undefined;
  const bool = (built.body.query as { bool: { filter: Clause[] } }).bool;
  const must = parts.map((p, i) => near[i] ?? segmentClause(p, ["title", "meta", "text"]));
  return { ...built, body: { ...built.body, query: { bool: { filter: bool.filter, must } } } };
}

/** The search request for a query: bool query with filters, highlight, facet aggregations, search_after. */
export function buildSearchRequest(input: SearchQuery): BuiltSearch {
  const query = normalizeQuery(input);
  const fp = fingerprint(query);
  const filter: Clause[] = [];
  if (query.issuer !== undefined) filter.push({ term: { issuers: query.issuer } });
  if (query.kind !== undefined) filter.push({ term: { kind: query.kind } });
  if (query.status !== undefined) filter.push({ term: { status: query.status } });
  if (query.source !== undefined) filter.push({ term: { source: query.source } });
  if (query.year !== undefined) filter.push({ term: { year: String(query.year) } });
  if (query.from !== undefined || query.to !== undefined) {
    const range: Record<string, string> = {};
    if (query.from !== undefined) range.gte = query.from;
    if (query.to !== undefined) range.lte = query.to;
    filter.push({ range: { date: range } });
  }
  const folded = query.q !== undefined ? foldText(query.q) : undefined;
  // A query shaped like a 发文字号 is matched as text in its canonical spelling, as in the embedded index.
  const number = folded !== undefined ? parseDocNumber(folded) : null;
  const text = number ? foldText(formatDocNumber(number)) : folded;
  const parts = text !== undefined ? segments(text) : [];
  const terms = text !== undefined ? highlightTerms(text) : [];
  const ranked = folded !== undefined;
  let bool: Clause;
  if (folded === undefined) bool = { filter };
  else if (parts.length === 0) bool = { filter, must: [{ match_none: {} }] };
  else {
    const matching: Clause = {
      bool: {
        must: parts.map((p) => segmentClause(p, ["title", "meta", "text"])),
        // A title that contains the whole query ranks above mentions in the body.
        should: parts.map((p) => segmentClause(p, ["title"], BOOSTS.titlePhrase)),
      },
    };
    const should: Clause[] = [matching];
    if (number?.form === "order" && number.prefix !== "") {
      // The issuing part and the serial apart but close, as a heading prints them on two lines
      // (江西省人民政府令 / 第232号): one Han character a token on the unigram sub-fields, with slop.
      should.push({
        multi_match: {
          query: text,
          type: "phrase",
          slop: 2,
          fields: (["title", "meta", "text"] as const).map((f) => `${f}_s.uni^${BOOSTS[f]}`),
        },
      });
    }
    if (number) {
      const key = docNumberKey(folded!);
      should.push({ term: { docKey: { value: key, boost: BOOSTS.docKey } } });
      if (number.prefix !== "") {
        // Longer stored forms (中华人民共和国国务院令第588号 for 国务院令第588号) and shorter ones.
        const escaped = key.replace(/[\\*?]/g, "\\$&");
        should.push({ wildcard: { docKey: { value: `*${escaped}`, boost: BOOSTS.relatedDocKey } } });
        const shorter = shorterDocNumberKeys(number);
        if (shorter.length) should.push({ terms: { docKey: shorter, boost: BOOSTS.relatedDocKey } });
      }
    }
    bool = { filter, should, minimum_should_match: 1 };
  }
  // A total order (the id breaks ties), so search_after returns every hit exactly once.
  const sort = ranked
    ? [{ _score: { order: "desc" } }, { id: { order: "asc" } }]
    : [{ sortDate: { order: "desc" } }, { id: { order: "desc" } }];
  const size = query.limit + 1;
  const body: Record<string, unknown> = {
    size,
    track_total_hits: true,
    query: { bool },
    sort,
    _source: ["id", "source", "ref", "title", "docNumber", "issuers", "date", "dateKind", "url", "text"],
    aggs: Object.fromEntries(
      (["issuer", "kind", "year", "source", "status"] as const).map((name) => [
        name,
        { terms: { field: name === "issuer" ? "issuers" : name, size: FACET_SIZE } },
      ]),
    ),
  };
  if (ranked && parts.length) {
    body.highlight = {
      pre_tags: [MARK_OPEN],
      post_tags: [MARK_CLOSE],
      fields: { text_s: { type: "unified", fragment_size: 120, number_of_fragments: 1, no_match_size: 0 } },
    };
  }
  if (query.cursor !== undefined) {
    const key = decodeCursor(query.cursor, fp);
    if (key.length !== 2 || !key.every((v) => typeof v === "number" || typeof v === "string"))
      throw new SearchQueryError([{ field: "cursor", code: "invalid", message: "cursor is malformed" }]);
    body.search_after = key;
  }
  return { body, terms, size, fingerprint: fp, ranked };
}

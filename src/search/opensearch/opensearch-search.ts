import type { DateKind } from "../../documents/dates.js";
import { SearchQueryError, SearchUnavailableError } from "../errors.js";
import type {
  SearchDocument,
  SearchHit,
  SearchIndex,
  SearchQuery,
  SearchResult,
  SearchSource,
} from "../ports.js";
import { emptyFacets, encodeCursor } from "../query.js";
import { blankLeadingZeros, escapeHtml, foldText, type QueryTerm, snippet } from "../text.js";
import {
  type BuiltSearch,
  buildNearMissRequest,
  buildSearchRequest,
  INDEX_BODY,
  MARK_CLOSE,
  MARK_OPEN,
  toIndexedDocument,
} from "./query.js";
import { OpenSearchHttp, OpenSearchResponseError } from "./rest.js";

export interface OpenSearchOptions {
  /** https://search-….es.amazonaws.com, or http://localhost:9200 for a local cluster. */
  readonly url: string;
  readonly indexName?: string;
  /** With a region, requests are SigV4-signed (service "es") with the default credential chain. */
  readonly region?: string | undefined;
  /** Make writes visible to the next search before returning (tests); default false. */
  readonly refresh?: boolean;
  /** The HTTP client (default: fetch, SigV4-signed when a region is given). */
  readonly http?: OpenSearchHttp;
}

interface SourceDoc {
  id: string;
  source: SearchSource;
  ref?: string;
  title: string;
  docNumber?: string;
  issuers: string[];
  date?: string;
  dateKind?: DateKind;
  url: string;
  text: string;
}

/**
 * Search on an OpenSearch domain behind the same port as the embedded index. The index and its
 * mapping are created on first use.
 */
export class OpenSearchIndex implements SearchIndex {
  readonly #http: OpenSearchHttp;
  readonly #index: string;
  #ready: Promise<void> | undefined;

  constructor(private readonly options: OpenSearchOptions) {
    this.#http = options.http ?? new OpenSearchHttp({ url: options.url, region: options.region });
    this.#index = options.indexName ?? "gazette-search";
  }

  async index(docs: readonly SearchDocument[]): Promise<void> {
    if (!docs.length) return;
    await this.#ensureIndex();
    const body = docs.flatMap((d) => [{ index: { _index: this.#index, _id: d.id } }, toIndexedDocument(d)]);
    await this.#bulk(body);
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    await this.#ensureIndex();
    await this.#bulk(ids.map((id) => ({ delete: { _index: this.#index, _id: id } })));
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    let built = buildSearchRequest(query);
    await this.#ensureIndex();
    let response = await this.#send(built);
    // Nothing has the query as typed: a long phrase a character or two off (see buildNearMissRequest).
    const near =
      (response as { hits: { total: { value: number } } }).hits.total.value === 0
        ? buildNearMissRequest(query)
        : undefined;
    if (near) {
      built = near;
      response = await this.#send(near);
    }
    const body = response as {
      hits: {
        total: { value: number };
        hits: {
          _score: number | null;
          _source: SourceDoc;
          sort: unknown[];
          highlight?: Record<string, string[]>;
        }[];
      };
      aggregations?: Record<
        string,
        { buckets: { key: string | number; key_as_string?: string; doc_count: number }[] }
      >;
    };
    const limit = built.size - 1;
    const raw = body.hits.hits;
    const page = raw.slice(0, limit);
    const facets = emptyFacets();
    for (const name of Object.keys(facets) as (keyof typeof facets)[]) {
      for (const b of body.aggregations?.[name]?.buckets ?? [])
        facets[name][String(b.key_as_string ?? b.key)] = b.doc_count;
    }
    const result: SearchResult = {
      total: body.hits.total.value,
      hits: page.map((h) => toHit(h._source, h._score ?? 0, h.highlight?.text_s?.[0], built.terms)),
      facets,
    };
    const last = page[page.length - 1];
    if (raw.length > limit && last)
      result.cursor = encodeCursor(built.fingerprint, last.sort as (string | number)[]);
    return result;
  }

  async #send(built: BuiltSearch): Promise<unknown> {
    try {
      return await this.#http.request("POST", `/${encodeURIComponent(this.#index)}/_search`, {
        json: built.body,
      });
    } catch (error) {
      if (error instanceof SearchQueryError) throw error;
      throw new SearchUnavailableError("OpenSearch search failed", { cause: error });
    }
  }

  /** Nothing to release: requests go through fetch's shared connection pool. */
  close(): void {}

  #ensureIndex(): Promise<void> {
    this.#ready ??= (async () => {
      try {
        const path = `/${encodeURIComponent(this.#index)}`;
        if (await this.#http.exists(path)) {
          // An index made before hits carried which date they show: the field is added (the
          // mapping is strict).
          await this.#http.request("PUT", `${path}/_mapping`, {
            json: { properties: { dateKind: INDEX_BODY.mappings.properties.dateKind } },
          });
          return;
        }
        await this.#http.request("PUT", path, { json: INDEX_BODY });
      } catch (error) {
        this.#ready = undefined;
        if (error instanceof OpenSearchResponseError && error.type === "resource_already_exists_exception")
          return;
        throw new SearchUnavailableError(`OpenSearch index ${this.#index} unavailable`, { cause: error });
      }
    })();
    return this.#ready;
  }

  async #bulk(body: unknown[]): Promise<void> {
    let response: { errors: boolean; items: Record<string, { status: number; error?: unknown }>[] };
    try {
      // Index-scoped bulk, so IAM can grant the index's path alone.
      response = (await this.#http.request("POST", `/${encodeURIComponent(this.#index)}/_bulk`, {
        ndjson: body,
        query: { refresh: this.options.refresh ? "wait_for" : "false" },
      })) as typeof response;
    } catch (error) {
      throw new SearchUnavailableError("OpenSearch bulk request failed", { cause: error });
    }
    if (response.errors) {
      // A delete of a missing id is not an error: removing is idempotent.
      const failed = response.items
        .map((item) => Object.values(item)[0]!)
        .filter((r) => r.error && r.status !== 404);
      if (failed.length)
        throw new SearchUnavailableError(`OpenSearch refused ${failed.length} bulk items`, {
          cause: failed[0]?.error,
        });
    }
  }
}

/**
 * A hit with its snippet. OpenSearch highlights the folded text (numbers' leading zeros blanked);
 * both keep positions, so the fragment is found in the folded original and the same span of the
 * original is marked.
 */
export function toHit(
  source: SourceDoc,
  score: number,
  fragment: string | undefined,
  terms: readonly QueryTerm[],
): SearchHit {
  const hit: SearchHit = {
    id: source.id,
    title: source.title,
    issuers: source.issuers,
    snippet: (fragment && mapFragment(source.text, fragment)) ?? snippet(source.text || source.title, terms),
    url: source.url,
    source: source.source,
    score,
  };
  if (source.ref !== undefined) hit.ref = source.ref;
  if (source.docNumber !== undefined) hit.docNumber = source.docNumber;
  if (source.date !== undefined) hit.date = source.date;
  if (source.dateKind !== undefined) hit.dateKind = source.dateKind;
  return hit;
}

export function mapFragment(original: string, fragment: string): string | undefined {
  const plain = fragment.replaceAll(MARK_OPEN, "").replaceAll(MARK_CLOSE, "");
  const at = blankLeadingZeros(foldText(original)).indexOf(plain);
  if (at < 0 || !plain) return undefined;
  let html = at > 0 ? "…" : "";
  let pos = at;
  let open = false;
  let buffer = "";
  for (const c of fragment) {
    if (c === MARK_OPEN || c === MARK_CLOSE) {
      html += open ? `<mark>${escapeHtml(buffer)}</mark>` : escapeHtml(buffer);
      buffer = "";
      open = c === MARK_OPEN;
      continue;
    }
    buffer += original.slice(pos, pos + c.length);
    pos += c.length;
  }
  html += open ? `<mark>${escapeHtml(buffer)}</mark>` : escapeHtml(buffer);
  if (pos < original.length) html += "…";
  return html.replace(/\s+/g, " ");
}

import { Hono, type MiddlewareHandler } from "hono";
import type { GazetteSettings } from "../config.js";
import { EVENTS_QUEUE } from "../documents/events.js";
import type { Principal } from "../http/auth.js";
import { classify, errorResponse } from "../http/errors.js";
import { jsonResponse } from "../http/json.js";
import { ProblemError } from "../platform/errors.js";
import type { Platform } from "../platform/ports.js";
import { SearchQueryError } from "./errors.js";
import { publishedEditionIds, SEARCH_REINDEX_EVENT, type SearchReindexEvent } from "./gazette.js";
import { renderSearchPage } from "./page.js";
import type { SearchIndex, SearchQuery, SearchResult } from "./ports.js";
import { queryFromParams, SEARCH_PARAMS } from "./query.js";

/** Results change as editions are published; a short shared cache absorbs repeated queries. */
const CACHE = "public, max-age=60";

/** The public search endpoints: GET /api/search (JSON) and GET /search (HTML). No authentication. */
export function createSearchRoutes(deps: {
  readonly search: SearchIndex;
  readonly gazette: GazetteSettings & { readonly baseUrl?: string };
  readonly logError?: (error: unknown) => void;
  readonly templatesDir?: string;
  /** POST /api/search/reindex (editor): queues every published edition for indexing again. */
  readonly reindex?:
    | {
        readonly requireEditor: MiddlewareHandler;
        readonly platform: Pick<Platform, "records" | "queues">;
        readonly now: () => Date;
      }
    | undefined;
}): Hono<{ Variables: { principal: Principal } }> {
  const app = new Hono<{ Variables: { principal: Principal } }>();

  const reindex = deps.reindex;
  if (reindex) {
    // The events consumer does the work (in AWS it holds the index-write permission, the API only
    // search): one message per edition, so one bad edition never stops the rest.
    app.post("/api/search/reindex", reindex.requireEditor, async (c) => {
      const ids = await publishedEditionIds(reindex.platform.records);
      const at = reindex.now().toISOString();
      const requestedBy = c.get("principal").id;
      for (let i = 0; i < ids.length; i += 10) {
        const events = ids
          .slice(i, i + 10)
          .map(
            (editionId): SearchReindexEvent => ({ type: SEARCH_REINDEX_EVENT, editionId, requestedBy, at }),
          );
        await reindex.platform.queues.send(
          EVENTS_QUEUE,
          events.map((e) => ({ body: JSON.stringify(e) })),
        );
      }
      return jsonResponse({ editions: ids.length }, 202);
    });
  }

  app.get("/api/search", async (c) => {
    let result: SearchResult;
    try {
      result = await deps.search.search(queryFromParams(new URL(c.req.url).searchParams));
    } catch (error) {
      return errorResponse(error, deps.logError);
    }
    const body: Record<string, unknown> = {
      total: result.total,
      hits: result.hits.map((h) => ({
        id: h.id,
        ref: h.ref ?? null,
        title: h.title,
        docNumber: h.docNumber ?? null,
        issuers: h.issuers,
        date: h.date ?? null,
        dateKind: h.dateKind ?? null,
        snippet: h.snippet,
        url: h.url,
        source: h.source,
        score: h.score,
      })),
      facets: result.facets,
      cursor: result.cursor ?? null,
    };
    return jsonResponse(body, 200, { "cache-control": CACHE });
  });

  app.get("/search", async (c) => {
    const params = new URL(c.req.url).searchParams;
    const start = Number(params.get("start") ?? "1");
    params.delete("start");
    let query: SearchQuery = {};
    const page = (status: number, extra: Parameters<typeof renderSearchPage>[0]) =>
      c.html(renderSearchPage(extra, deps.templatesDir), status as 200, { "cache-control": CACHE });
    try {
      query = queryFromParams(params);
    } catch (error) {
      if (!(error instanceof SearchQueryError)) throw error;
      // Keep what can be shown of the request in the form.
      const q = params.get("q") ?? undefined;
      return page(400, { gazette: deps.gazette, query: q ? { q } : {}, errors: error.problems });
    }
    // A search was asked for when one of its parameters is there; others (utm_source=…) are not
    // read, so the page is the same with or without them, as CloudFront's cache key assumes.
    const asked = SEARCH_PARAMS.some((name) => params.has(name));
    if (!asked) return page(200, { gazette: deps.gazette, query });
    try {
      const result = await deps.search.search(query);
      return page(200, {
        gazette: deps.gazette,
        query,
        result,
        start: Number.isInteger(start) && start > 0 ? start : 1,
      });
    } catch (error) {
      // A refused query (400) or an unavailable index (503): the page says so, with that status.
      if (!(error instanceof ProblemError)) throw error;
      const [status, problems] = classify(error);
      return page(status, { gazette: deps.gazette, query, errors: problems });
    }
  });

  return app;
}

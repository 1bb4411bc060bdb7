import { readFileSync } from "node:fs";
import { join } from "node:path";
import Handlebars from "handlebars";
import type { GazetteSettings } from "../config.js";
import type { FieldProblem } from "../platform/errors.js";
import { findTemplatesDir } from "../site/templates-dir.js";
import type { SearchQuery, SearchResult } from "./ports.js";

const FACET_LABELS: Record<keyof SearchResult["facets"], string> = {
  source: "来源",
  year: "年份",
  issuer: "发布机关",
  kind: "文种",
  status: "效力状态",
};
const FACET_ORDER = ["source", "year", "issuer", "kind", "status"] as const;
const SOURCE_LABELS: Record<string, string> = { gazette: "政府公报", archive: "历史档案" };
/** Facet values shown on the page per facet (the API returns more). */
const FACET_VALUES_SHOWN = 20;
const FILTERS = ["issuer", "kind", "year", "from", "to", "status", "source"] as const;

interface Compiled {
  readonly layout: Handlebars.TemplateDelegate;
  readonly search: Handlebars.TemplateDelegate;
}

const compiled = new Map<string, Compiled>();

/**
 * Compiles the shared layout and templates/search.hbs. Handlebars escapes every {{value}}; the
 * page's one triple-stash is the snippet, which the index has already HTML-escaped (only <mark>
 * is markup).
 */
function templates(dir: string): Compiled {
  let t = compiled.get(dir);
  if (!t) {
    const hbs = Handlebars.create();
    const load = (name: string) =>
      hbs.compile(readFileSync(join(dir, `${name}.hbs`), "utf8"), { strict: false });
    t = { layout: load("layout"), search: load("search") };
    compiled.set(dir, t);
  }
  return t;
}

function searchHref(params: Record<string, string | undefined>): string {
  const usp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") usp.set(k, v);
  const s = usp.toString();
  return s ? `/search?${s}` : "/search";
}

/** The query as URL parameters (without cursor and limit). */
function paramsOf(query: SearchQuery): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { q: query.q };
  for (const f of FILTERS) out[f] = query[f] === undefined ? undefined : String(query[f]);
  return out;
}

function filterLabel(name: (typeof FILTERS)[number], value: string): string {
  switch (name) {
    case "year":
      return `${value}年`;
    case "from":
      return `${value}起`;
    case "to":
      return `至${value}`;
    case "source":
      return SOURCE_LABELS[value] ?? value;
    default:
      return value;
  }
}

export interface SearchPageInput {
  readonly gazette: GazetteSettings & { readonly baseUrl?: string };
  readonly query: SearchQuery;
  /** Undefined when nothing was asked yet (a bare /search) or the request was refused. */
  readonly result?: SearchResult | undefined;
  readonly errors?: readonly FieldProblem[] | undefined;
  /** 1-based rank of the first hit on this page. */
  readonly start?: number | undefined;
}

/** The public search page: a plain GET form, results and facets as links; works without JavaScript. */
export function renderSearchPage(input: SearchPageInput, templatesDir = findTemplatesDir()): string {
  const t = templates(templatesDir);
  const { query, result } = input;
  const base = paramsOf(query);
  const filters = FILTERS.filter((f) => base[f] !== undefined).map((f) => ({
    label: filterLabel(f, base[f]!),
    href: searchHref({ ...base, [f]: undefined }),
  }));
  const facets = result
    ? FACET_ORDER.map((name) => ({
        name,
        label: FACET_LABELS[name],
        values: Object.entries(result.facets[name])
          .filter(([value]) => base[name] !== value)
          .slice(0, FACET_VALUES_SHOWN)
          .map(([value, count]) => ({
            label:
              name === "year" ? `${value}年` : name === "source" ? (SOURCE_LABELS[value] ?? value) : value,
            count,
            href: searchHref({ ...base, [name]: value }),
          })),
      })).filter((f) => f.values.length > 0)
    : [];
  const data = {
    gazette: input.gazette,
    q: query.q ?? "",
    hidden: FILTERS.filter((f) => base[f] !== undefined).map((f) => ({ name: f, value: base[f] })),
    errors: input.errors ?? [],
    filters,
    searched: result !== undefined,
    total: result?.total ?? 0,
    start: input.start ?? 1,
    facets,
    hits: (result?.hits ?? []).map((h) => ({
      ...h,
      issuers: h.issuers.join("、"),
      sourceLabel: SOURCE_LABELS[h.source] ?? h.source,
    })),
    nextHref: result?.cursor
      ? `${searchHref({ ...base, cursor: result.cursor })}${start(input, result)}`
      : undefined,
    firstHref: query.cursor ? searchHref(base) : undefined,
  };
  const title = query.q ? `检索：${query.q}` : "检索";
  return t.layout({
    title,
    description: `${input.gazette.name}全文检索`,
    gazette: input.gazette,
    content: t.search(data),
  });
}

/** The next page's first rank travels in the URL only to number the list. */
function start(input: SearchPageInput, result: SearchResult): string {
  return `&start=${(input.start ?? 1) + result.hits.length}`;
}

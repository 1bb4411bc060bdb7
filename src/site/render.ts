import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Handlebars from "handlebars";
import type { GazetteSettings } from "../config.js";
import type { DocumentPlacement, EditionInfo, EditionRenderInput } from "../editions/render-model.js";
import { type PageMeta, renderEditionSite, sitePage } from "./edition-pages.js";
import type {
  DocumentStatusView,
  EditionPdfSizes,
  EditionPdfUrls,
  EditionSiteInput,
  EditionSummary,
} from "./model.js";
import { findTemplatesDir } from "./templates-dir.js";
import { HOME_PATH } from "./urls.js";
import { archiveView, editionView } from "./view.js";

export { renderEditionSite } from "./edition-pages.js";
export { findTemplatesDir } from "./templates-dir.js";

/**
 * Public pages, rendered from templates/*.hbs (partials in templates/partials/). Handlebars escapes
 * every {{value}}; the only triple-stash is the layout's {{{content}}}, which is a page rendered
 * by these same templates. The layout and an edition's pages are drawn by the templates compiled
 * at build time (./edition-pages.ts); the home and not-found pages by Handlebars at run time.
 * The renderers are pure: no storage, no clock.
 */
export interface SiteRenderer {
  /** The home page: the latest edition's table of contents and the earlier editions by year. */
  home(editions?: readonly EditionSummary[], latest?: LatestEdition): string;
  notFound(): string;
  /** Every page of one edition: see renderEditionSite. */
  edition(input: EditionSiteInput): Map<string, string>;
}

/** What the home page shows of the latest edition. */
export interface LatestEdition {
  readonly edition: EditionRenderInput;
  readonly placements: readonly DocumentPlacement[];
  readonly urls?: Pick<EditionPdfUrls, "editionPdf"> | undefined;
  readonly pdfSizes?: EditionPdfSizes | undefined;
  readonly status?: ReadonlyMap<string, DocumentStatusView> | undefined;
}

interface Templates {
  readonly home: Handlebars.TemplateDelegate;
  readonly notFound: Handlebars.TemplateDelegate;
}

const compiled = new Map<string, Templates>();

/** Compiles templates/*.hbs once per directory. */
function templates(dir: string): Templates {
  const cached = compiled.get(dir);
  if (cached) return cached;
  const hbs = Handlebars.create();
  const compile = (source: string) => hbs.compile(source, { strict: false, noEscape: false });
  const load = (name: string) => compile(readFileSync(join(dir, `${name}.hbs`), "utf8"));
  const partialsDir = join(dir, "partials");
  if (existsSync(partialsDir)) {
    for (const file of readdirSync(partialsDir)) {
      if (file.endsWith(".hbs")) {
        hbs.registerPartial(file.slice(0, -4), readFileSync(join(partialsDir, file), "utf8"));
      }
    }
  }
  const result: Templates = { home: load("home"), notFound: load("not-found") };
  compiled.set(dir, result);
  return result;
}

function page(
  gazette: GazetteSettings & { readonly baseUrl?: string },
  template: Handlebars.TemplateDelegate,
  meta: PageMeta,
  data: object,
): string {
  return sitePage(gazette, meta, template({ gazette, ...data }));
}

function withPdf(latest: LatestEdition) {
  return editionView(latest.edition, latest.placements, latest.urls, latest.pdfSizes, latest.status);
}

/** Earlier editions shown on one page of the home page's 往期 list. */
export const ARCHIVE_PAGE_SIZE = 24;

/** One page of the 往期 list: the editions on it and where it stands among the pages. */
export interface ArchivePage {
  readonly editions: readonly { readonly edition: EditionInfo }[];
  /** From 1. */
  readonly page: number;
  readonly pages: number;
}

/** Site-relative link of a page of the 往期 list: "/#archive" for the first, "/?page=N#archive" after. */
export function archivePageHref(page: number): string {
  return page <= 1 ? "/#archive" : `/?page=${page}#archive`;
}

/**
 * The home page (site path index.html). `editions` are every published edition (the latest is
 * left out of 往期); `archive` is instead one page of the earlier editions, for a gazette with
 * more than fit on one page (then ?page=N gives the others, with links between them).
 */
export function renderHomePage(
  input: {
    readonly gazette: GazetteSettings & { readonly baseUrl?: string };
    readonly editions?: readonly EditionSummary[] | undefined;
    readonly archive?: ArchivePage | undefined;
    readonly latest?: LatestEdition | undefined;
  },
  templatesDir = findTemplatesDir(),
): string {
  const t = templates(templatesDir);
  const latestId = input.latest?.edition.edition.id;
  const earlier = input.archive?.editions ?? (input.editions ?? []).filter((e) => e.edition.id !== latestId);
  const current = input.archive?.page ?? 1;
  const pages = input.archive?.pages ?? 1;
  const pager =
    pages > 1
      ? {
          page: current,
          pages,
          newer: current > 1 ? archivePageHref(current - 1) : null,
          older: current < pages ? archivePageHref(current + 1) : null,
          links: Array.from({ length: pages }, (_, i) => ({
            page: i + 1,
            href: archivePageHref(i + 1),
            current: i + 1 === current,
          })),
        }
      : null;
  return page(
    input.gazette,
    t.home,
    {
      title: current > 1 ? `往期（第${current}页）` : "首页",
      path: current > 1 ? undefined : HOME_PATH,
      description: `${input.gazette.name}：历期公报及所载文件。`,
    },
    {
      latest: input.latest ? withPdf(input.latest) : null,
      later: current > 1,
      archive: archiveView(earlier),
      pager,
    },
  );
}

/** A page of the site around HTML made elsewhere (e.g. the compliance report): the same layout. */
export function renderSitePage(
  gazette: GazetteSettings & { readonly baseUrl?: string },
  meta: { readonly title: string; readonly description?: string | undefined; readonly noindex?: boolean },
  contentHtml: string,
): string {
  return sitePage(gazette, { ...meta, noindex: meta.noindex === true }, contentHtml);
}

/** The not-found page (site path 404.html). */
export function renderNotFoundPage(
  gazette: GazetteSettings & { readonly baseUrl?: string },
  templatesDir = findTemplatesDir(),
): string {
  const t = templates(templatesDir);
  return page(gazette, t.notFound, { title: "页面不存在" }, {});
}

export function createSiteRenderer(
  gazette: GazetteSettings & { readonly baseUrl?: string },
  templatesDir = findTemplatesDir(),
): SiteRenderer {
  templates(templatesDir); // fail at start-up, not at the first request, if a template is broken
  return {
    home: (editions = [], latest) => renderHomePage({ gazette, editions, latest }, templatesDir),
    notFound: () => renderNotFoundPage(gazette, templatesDir),
    edition: (input) => renderEditionSite(input),
  };
}

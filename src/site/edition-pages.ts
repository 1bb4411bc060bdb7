/**
 * An edition's public pages (the edition's table of contents and each document), drawn by the
 * templates compiled at build time (./compiled-templates.ts, from templates/layout.hbs,
 * edition.hbs, document.hbs and their partials): no Handlebars, so the functions that render
 * editions (the publisher, the preview function) do not bundle it. The renderers are pure: no
 * storage, no clock.
 */
import type { GazetteSettings } from "../config.js";
import { siteDocument, siteEdition, siteLayout } from "./compiled-templates.js";
import { editionLabel } from "./format.js";
import type { EditionSiteInput } from "./model.js";
import type { CompiledTemplate } from "./template-runtime.js";
import { absoluteUrl, documentPath, editionPath } from "./urls.js";
import { documentViews, editionView } from "./view.js";

const NO_HELPERS = {};

export interface PageMeta {
  readonly title: string;
  /** Site path of the page, for the canonical link (needs gazette.baseUrl). */
  readonly path?: string | undefined;
  readonly description?: string | undefined;
}

/** A page of the site: its content inside templates/layout.hbs. */
export function sitePage(
  gazette: GazetteSettings & { readonly baseUrl?: string },
  meta: PageMeta & { readonly noindex?: boolean },
  content: string,
): string {
  const canonical = gazette.baseUrl && meta.path ? absoluteUrl(gazette.baseUrl, meta.path) : undefined;
  return siteLayout(
    { title: meta.title, description: meta.description, noindex: meta.noindex, canonical, gazette, content },
    NO_HELPERS,
  );
}

const draw = (template: CompiledTemplate, context: object) => template(context, NO_HELPERS);

/**
 * Every page of one edition, as site path → HTML: the edition page (editions/{year}/{issue}.html)
 * and one page per document, interpretations included (documents/{id}.html). The home page, the
 * feeds and the sitemap span editions and are rendered separately.
 */
export function renderEditionSite(input: EditionSiteInput): Map<string, string> {
  const { gazette, edition } = input;
  const pages = new Map<string, string>();
  const editionPage = editionPath(edition.edition);
  const view = editionView(edition, input.placements, input.urls, input.pdfSizes, input.status);
  pages.set(
    editionPage,
    sitePage(
      gazette,
      {
        title: `${edition.masthead.name}${editionLabel(edition.edition)}`,
        path: editionPage,
        description: `${edition.masthead.name}${view.labelFull}目录，共${view.documentCount}件。`,
      },
      draw(siteEdition, { gazette, edition: view }),
    ),
  );
  for (const doc of documentViews(input).values()) {
    const path = documentPath(doc.id);
    pages.set(
      path,
      sitePage(
        gazette,
        {
          title: doc.title,
          path,
          description: [doc.docNumber, doc.issuers, doc.citation].filter(Boolean).join("　"),
        },
        draw(siteDocument, { gazette, doc }),
      ),
    );
  }
  return pages;
}

/**
 * The public site's URL scheme. These paths are permanent: citations, reposts by other government
 * sites and search engines link to them, so they must never change once an edition is published.
 *
 *   /                                  home page (latest edition, earlier editions by year)
 *   /editions/{year}/{issue}.html      one edition (第{issue}期 of {year}; issue not zero-padded)
 *   /documents/{documentId}.html       one document; an interpretation (解读) entry has the id
 *                                      `${documentId}~${interpretationId}`
 *   /feeds/editions.atom               Atom feed of editions
 *   /feeds/documents.atom              Atom feed of documents (with their validity status)
 *   /sitemap.xml                       every page above
 *   /robots.txt, /favicon.svg          crawl rules (pointing at the sitemap); the site's icon
 *   /404.html                          not-found page
 *
 * Why files and not directories (`/editions/2024/12/`): the site is static objects in a bucket
 * behind CloudFront, whose default root object only applies to `/`; `/x/` would need a rewrite
 * function at the edge. A path that is the object key works on any static host, with no rewrite.
 *
 * Why documents are not under their edition: a document is cited by itself, is found by its own
 * id (the API's id), and stays at the same address whatever happens to the edition's page.
 *
 * The functions return site-relative object keys ("editions/2024/12.html", no leading slash);
 * `href()` turns a key into a root-relative link and `absoluteUrl()` into a full URL for feeds and
 * the sitemap.
 */

import type { EditionInfo } from "../editions/render-model.js";

export const HOME_PATH = "index.html";
export const NOT_FOUND_PATH = "404.html";
export const EDITIONS_FEED_PATH = "feeds/editions.atom";
export const DOCUMENTS_FEED_PATH = "feeds/documents.atom";
export const SITEMAP_PATH = "sitemap.xml";

/** Characters allowed in a document id used as a file name: ULIDs, plus `~` for interpretations. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_.~-]*$/;

function assertSafeId(id: string): void {
  if (!SAFE_ID.test(id) || id.includes("..")) {
    throw new RangeError(`Document id cannot be used in a URL path: "${id}"`);
  }
}

export function editionPath(edition: Pick<EditionInfo, "year" | "issue">): string {
  if (!Number.isInteger(edition.year) || !Number.isInteger(edition.issue) || edition.issue < 1) {
    throw new RangeError(`Not an edition: year ${edition.year}, issue ${edition.issue}`);
  }
  return `editions/${edition.year}/${edition.issue}.html`;
}

export function documentPath(documentId: string): string {
  assertSafeId(documentId);
  return `documents/${documentId}.html`;
}

/** Root-relative link to a site path: "editions/2024/12.html" → "/editions/2024/12.html". */
export function href(path: string): string {
  if (path === HOME_PATH) return "/";
  return `/${path.split("/").map(encodeURIComponent).join("/")}`;
}

/** Full URL of a site path under the site's base URL (with or without a trailing slash). */
export function absoluteUrl(baseUrl: string, path: string): string {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  return new URL(href(path).slice(1), base).toString();
}

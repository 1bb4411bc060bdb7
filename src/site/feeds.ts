/**
 * Atom 1.0 feeds (RFC 4287) and the sitemap (sitemaps.org 0.9), written by hand with every piece
 * of text escaped by xml.ts. Pure functions: the caller chooses which editions and documents go in.
 */
import { bookTitle, chineseDate, citation, editionLabelFull, rfc3339 } from "./format.js";
import type { DocumentFeedEntry, EditionSiteInput, EditionSummary, SiteGazette } from "./model.js";
import {
  absoluteUrl,
  DOCUMENTS_FEED_PATH,
  documentPath,
  EDITIONS_FEED_PATH,
  editionPath,
  HOME_PATH,
  NOT_FOUND_PATH,
} from "./urls.js";
import { xmlElement } from "./xml.js";

const ATOM_NS = "http://www.w3.org/2005/Atom";
const SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9";
/** sitemaps.org: at most 50,000 URLs per sitemap file. */
export const SITEMAP_MAX_URLS = 50_000;

export interface FeedOptions {
  /** <updated> of a feed with no entries (a feed's updated is otherwise its newest entry's). */
  readonly emptyUpdated?: string | undefined;
}

/** Category schemes of the documents feed. */
export function categorySchemes(baseUrl: string) {
  const terms = absoluteUrl(baseUrl, "feeds/terms");
  return { section: `${terms}#section`, kind: `${terms}#kind`, status: `${terms}#status` };
}

/**
 * A tag: URI (RFC 4151) that never changes for the thing it names: the site's host, the date the
 * thing was first published, and its path. Entry ids stay the same if page URLs ever move.
 */
export function tagUri(baseUrl: string, date: string, specific: string): string {
  const host = new URL(baseUrl).hostname;
  return `tag:${host},${date}:${specific}`;
}

/** An absolute URL for a link that may be given relative to the site (PDF URLs). */
function resolveUrl(baseUrl: string, url: string): string {
  return new URL(url, baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`).toString();
}

function newest(dates: readonly string[], fallback: string): string {
  let best: string | undefined;
  for (const d of dates)
    if (best === undefined || Date.parse(rfc3339(d)) > Date.parse(rfc3339(best))) best = d;
  return rfc3339(best ?? fallback);
}

const EPOCH = "1970-01-01T00:00:00Z";

function link(rel: string, type: string, hrefValue: string, extra: { length?: number; title?: string } = {}) {
  return xmlElement("link", { rel, type, href: hrefValue, length: extra.length, title: extra.title });
}

function feed(options: {
  gazette: SiteGazette;
  path: string;
  title: string;
  subtitle: string;
  updated: string;
  entries: readonly string[];
}): string {
  const { gazette } = options;
  const self = absoluteUrl(gazette.baseUrl, options.path);
  return [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<feed xmlns="${ATOM_NS}" xml:lang="zh-CN">`,
    `  ${xmlElement("id", {}, self)}`,
    `  ${xmlElement("title", { type: "text" }, options.title)}`,
    `  ${xmlElement("subtitle", { type: "text" }, options.subtitle)}`,
    `  ${xmlElement("updated", {}, options.updated)}`,
    `  ${link("self", "application/atom+xml", self)}`,
    `  ${link("alternate", "text/html", absoluteUrl(gazette.baseUrl, HOME_PATH))}`,
    `  <author>${xmlElement("name", {}, gazette.publisher)}</author>`,
    ...options.entries,
    `</feed>`,
    "",
  ].join("\n");
}

function sortNewestFirst<T>(
  items: readonly T[],
  updated: (item: T) => string,
  key: (item: T) => string,
): T[] {
  return [...items].sort(
    (a, b) => Date.parse(updated(b)) - Date.parse(updated(a)) || key(a).localeCompare(key(b)),
  );
}

// ---------------------------------------------------------------------------------------------
// Editions

/** The summary of an edition for the home page and the editions feed. */
export function summarizeEdition(input: EditionSiteInput, updatedAt?: string): EditionSummary {
  return {
    masthead: input.edition.masthead,
    edition: input.edition.edition,
    publishedAt: input.publishedAt,
    updatedAt,
    pdfUrl: input.urls.editionPdf,
    pdfBytes: input.pdfSizes?.edition,
    sections: input.edition.sections.map((s) => ({
      name: s.name,
      documents: s.documents.map(({ id, title, docNumber }) => ({ id, title, docNumber })),
    })),
  };
}

function editionEntry(gazette: SiteGazette, summary: EditionSummary): string {
  const { edition } = summary;
  const updated = rfc3339(summary.updatedAt ?? summary.publishedAt);
  const count = summary.sections.reduce((n, s) => n + s.documents.length, 0);
  const toc = summary.sections
    .map(
      (s) =>
        `${s.name}：${s.documents.map((d) => `${bookTitle(d.title)}${d.docNumber ? `（${d.docNumber}）` : ""}`).join("、")}`,
    )
    .join("；");
  const lines = [
    `  <entry>`,
    `    ${xmlElement("id", {}, tagUri(gazette.baseUrl, edition.date, `editions/${edition.year}/${edition.issue}`))}`,
    `    ${xmlElement("title", { type: "text" }, `${summary.masthead.name}${editionLabelFull(edition)}`)}`,
    `    ${xmlElement("published", {}, rfc3339(summary.publishedAt))}`,
    `    ${xmlElement("updated", {}, updated)}`,
    `    ${link("alternate", "text/html", absoluteUrl(gazette.baseUrl, editionPath(edition)))}`,
  ];
  if (summary.pdfUrl) {
    lines.push(
      `    ${link("enclosure", "application/pdf", resolveUrl(gazette.baseUrl, summary.pdfUrl), {
        length: summary.pdfBytes,
        title: `${editionLabelFull(edition)} PDF`,
      })}`,
    );
  }
  lines.push(
    `    ${xmlElement("summary", { type: "text" }, `${chineseDate(edition.date)}出版，共${count}件。${toc}`)}`,
    ...summary.sections.map(
      (s) =>
        `    ${xmlElement("category", { term: s.name, scheme: categorySchemes(gazette.baseUrl).section, label: s.name })}`,
    ),
    `  </entry>`,
  );
  return lines.join("\n");
}

/** feeds/editions.atom: one entry per edition, newest first. */
export function renderEditionsFeed(
  editions: readonly EditionSummary[],
  gazette: SiteGazette,
  options: FeedOptions = {},
): string {
  const updatedOf = (e: EditionSummary) => rfc3339(e.updatedAt ?? e.publishedAt);
  const sorted = sortNewestFirst(editions, updatedOf, (e) => e.edition.id);
  return feed({
    gazette,
    path: EDITIONS_FEED_PATH,
    title: `${gazette.name} · 期刊`,
    subtitle: `${gazette.name}各期目录及PDF`,
    updated: newest(sorted.map(updatedOf), options.emptyUpdated ?? EPOCH),
    entries: sorted.map((e) => editionEntry(gazette, e)),
  });
}

// ---------------------------------------------------------------------------------------------
// Documents

/** The documents of an edition as entries of the documents feed. */
export function documentFeedEntries(input: EditionSiteInput): DocumentFeedEntry[] {
  const placements = new Map(input.placements.map((p) => [p.id, p]));
  return input.edition.sections.flatMap((section) =>
    section.documents.map((doc) => ({
      document: doc,
      section: section.name,
      masthead: input.edition.masthead,
      edition: input.edition.edition,
      placement: placements.get(doc.id),
      publishedAt: input.publishedAt,
      status: input.status?.get(doc.id),
      pdfUrl: input.urls.documentPdf(doc.id),
    })),
  );
}

function documentUpdated(entry: DocumentFeedEntry): string {
  const changed = entry.status?.changedAt;
  return newest(changed ? [entry.publishedAt, changed] : [entry.publishedAt], entry.publishedAt);
}

function statusSentence(entry: DocumentFeedEntry): string {
  const status = entry.status;
  if (!status || status.status === "有效") return "效力状态：有效";
  const verb =
    status.status === "失效" && status.changedBy
      ? "宣布失效"
      : { 已修改: "修改", 已废止: "废止", 失效: "失效" }[status.status];
  const when = status.changedAt ? `${chineseDate(status.changedAt)}` : "";
  const by = status.changedBy
    ? `被${bookTitle(status.changedBy.title)}${status.changedBy.docNumber ? `（${status.changedBy.docNumber}）` : ""}`
    : "";
  return `效力状态：${status.status}${when || by ? `（${when}${by}${verb}）` : ""}`;
}

function documentEntry(gazette: SiteGazette, entry: DocumentFeedEntry): string {
  const { document: doc } = entry;
  const schemes = categorySchemes(gazette.baseUrl);
  const status = entry.status?.status ?? "有效";
  const summary = [
    doc.docNumber ? `发文字号：${doc.docNumber}` : null,
    `发文机关：${doc.issuers.join("、")}`,
    `成文日期：${chineseDate(doc.dateWritten)}`,
    `刊载：${citation(entry.masthead, entry.edition, entry.placement)}`,
    statusSentence(entry),
  ]
    .filter((s): s is string => s !== null)
    .join("；");
  const lines = [
    `  <entry>`,
    `    ${xmlElement("id", {}, tagUri(gazette.baseUrl, entry.edition.date, `documents/${doc.id}`))}`,
    `    ${xmlElement("title", { type: "text" }, doc.title)}`,
    `    ${xmlElement("published", {}, rfc3339(entry.publishedAt))}`,
    `    ${xmlElement("updated", {}, documentUpdated(entry))}`,
    ...doc.issuers.map((issuer) => `    <author>${xmlElement("name", {}, issuer)}</author>`),
    `    ${link("alternate", "text/html", absoluteUrl(gazette.baseUrl, documentPath(doc.id)))}`,
    `    ${link("related", "text/html", absoluteUrl(gazette.baseUrl, editionPath(entry.edition)), {
      title: editionLabelFull(entry.edition),
    })}`,
  ];
  if (doc.interprets) {
    lines.push(
      `    ${link("related", "text/html", absoluteUrl(gazette.baseUrl, documentPath(doc.interprets)))}`,
    );
  }
  if (entry.pdfUrl) {
    lines.push(`    ${link("enclosure", "application/pdf", resolveUrl(gazette.baseUrl, entry.pdfUrl))}`);
  }
  lines.push(
    `    ${xmlElement("summary", { type: "text" }, summary)}`,
    `    ${xmlElement("category", { term: entry.section, scheme: schemes.section, label: entry.section })}`,
    `    ${xmlElement("category", { term: doc.kind, scheme: schemes.kind, label: doc.kind })}`,
    `    ${xmlElement("category", { term: status, scheme: schemes.status, label: status })}`,
    `  </entry>`,
  );
  return lines.join("\n");
}

/**
 * feeds/documents.atom: one entry per document, newest change first. A change of status (废止,
 * 修改, 失效) moves the entry's <updated> to the change date, so readers see it again.
 */
export function renderDocumentsFeed(
  documents: readonly DocumentFeedEntry[],
  gazette: SiteGazette,
  options: FeedOptions = {},
): string {
  const sorted = sortNewestFirst(documents, documentUpdated, (d) => d.document.id);
  return feed({
    gazette,
    path: DOCUMENTS_FEED_PATH,
    title: `${gazette.name} · 文件`,
    subtitle: `${gazette.name}所载文件及其效力变化`,
    updated: newest(sorted.map(documentUpdated), options.emptyUpdated ?? EPOCH),
    entries: sorted.map((d) => documentEntry(gazette, d)),
  });
}

// ---------------------------------------------------------------------------------------------
// Sitemap

export interface SitemapUrl {
  /** Absolute http(s) URL. */
  readonly loc: string;
  /** YYYY-MM-DD or an ISO timestamp. */
  readonly lastmod?: string | undefined;
}

/**
 * The sitemap entries for site paths: every .html page except the not-found page, under the base
 * URL, home page first.
 */
export function sitemapUrls(baseUrl: string, paths: Iterable<string>, lastmod?: string): SitemapUrl[] {
  const pages = [...new Set(paths)].filter((p) => p.endsWith(".html") && p !== NOT_FOUND_PATH);
  pages.sort((a, b) => Number(b === HOME_PATH) - Number(a === HOME_PATH) || a.localeCompare(b));
  return pages.map((p) => ({ loc: absoluteUrl(baseUrl, p), lastmod }));
}

/** sitemap.xml for up to 50,000 URLs. */
export function renderSitemap(urls: readonly (SitemapUrl | string)[]): string {
  if (urls.length > SITEMAP_MAX_URLS) {
    throw new RangeError(`A sitemap holds at most ${SITEMAP_MAX_URLS} URLs, got ${urls.length}`);
  }
  const entries = urls.map((u) => {
    const { loc, lastmod } = typeof u === "string" ? { loc: u, lastmod: undefined } : u;
    if (!/^https?:\/\//.test(loc)) throw new RangeError(`Sitemap URLs must be absolute http(s): "${loc}"`);
    // W3C Datetime: a bare date stays a date, a timestamp becomes UTC.
    const when = lastmod && (/^\d{4}-\d{2}-\d{2}$/.test(lastmod) ? lastmod : rfc3339(lastmod));
    const last = when ? xmlElement("lastmod", {}, when) : "";
    return `  <url>${xmlElement("loc", {}, new URL(loc).toString())}${last}</url>`;
  });
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<urlset xmlns="${SITEMAP_NS}">`,
    ...entries,
    `</urlset>`,
    "",
  ].join("\n");
}

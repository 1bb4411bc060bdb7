/** The public web edition: pages, feeds and sitemap, rendered from an edition without storage access. */
export {
  categorySchemes,
  documentFeedEntries,
  type FeedOptions,
  renderDocumentsFeed,
  renderEditionsFeed,
  renderSitemap,
  SITEMAP_MAX_URLS,
  type SitemapUrl,
  sitemapUrls,
  summarizeEdition,
  tagUri,
} from "./feeds.js";
export {
  bookTitle,
  chineseDate,
  citation,
  editionLabel,
  editionLabelFull,
  fileSize,
  pageLabel,
} from "./format.js";
export type {
  DocumentFeedEntry,
  DocumentLink,
  DocumentStatus,
  DocumentStatusView,
  EditionPdfSizes,
  EditionPdfUrls,
  EditionSiteInput,
  EditionSummary,
  SiteGazette,
} from "./model.js";
export {
  ARCHIVE_PAGE_SIZE,
  type ArchivePage,
  archivePageHref,
  createSiteRenderer,
  findTemplatesDir,
  type LatestEdition,
  renderEditionSite,
  renderHomePage,
  renderNotFoundPage,
  renderSitePage,
  type SiteRenderer,
} from "./render.js";
export * from "./urls.js";
export { escapeXml, stripInvalidXmlChars } from "./xml.js";

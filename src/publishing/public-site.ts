import type { Edition } from "../editions/model.js";
import {
  attemptBlobKey,
  cumulativeFromId,
  editionPage,
  getEdition,
  lastEdition,
  type PlacementClaim,
  placementKey,
} from "../editions/records.js";
import type { Platform } from "../platform/ports.js";
import {
  documentFeedEntries,
  renderDocumentsFeed,
  renderEditionsFeed,
  renderSitemap,
  sitemapUrls,
  summarizeEdition,
} from "../site/feeds.js";
import type { EditionSiteInput, SiteGazette } from "../site/model.js";
import {
  ARCHIVE_PAGE_SIZE,
  renderEditionSite,
  renderHomePage,
  renderNotFoundPage,
  renderSitePage,
} from "../site/render.js";
import { absoluteUrl, documentPath, editionPath, HOME_PATH, SITEMAP_PATH } from "../site/urls.js";
import { chinaToday, type DocumentStatuses } from "../status/service.js";
import { type CanonicalText, type EditionIndex, editionIndexKey } from "./edition-index.js";

export interface SiteResponse {
  readonly body: Uint8Array | string;
  readonly contentType: string;
  /** Published files never change; listings do. */
  readonly immutable: boolean;
}

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  pdf: "application/pdf",
  json: "application/json; charset=utf-8",
  jws: "application/jose",
};

const EDITION_FILE = /^editions\/(\d{4})\/([1-9]\d{0,3})\.(html|pdf|manifest\.json|manifest\.json\.jws)$/;
const DOCUMENT_FILE = /^documents\/([0-9A-HJKMNP-TV-Z]{26})(~[A-Za-z0-9_-]+)?\.(html|pdf|json)$/;

/**
 * The public site, served by the app (locally and behind CloudFront): published files come from
 * the blob store, but only once their edition's single pointer says published, so a reader sees
 * the PDF and the web edition together or neither. Home, feeds and sitemap are built from the
 * published editions on request.
 */
export interface PublicSiteOptions {
  /** Validity statuses; without them every document shows as published (有效). */
  readonly statuses?: DocumentStatuses | undefined;
  /** The clock that decides whether a validity period has ended; default the system clock. */
  readonly now?: (() => Date) | undefined;
  /**
   * Show an edition only once its files are in the site store (copyEditionToSite): set where
   * CloudFront serves the PDFs from the site bucket, so no page links a file not there yet.
   */
  readonly requireSiteCopy?: boolean | undefined;
}

export class PublicSite {
  private readonly statuses: DocumentStatuses | undefined;
  private readonly now: () => Date;
  private readonly requireSiteCopy: boolean;

  constructor(
    private readonly platform: Pick<Platform, "records" | "blobs">,
    private readonly gazette: SiteGazette,
    options: PublicSiteOptions = {},
  ) {
    this.statuses = options.statuses;
    this.now = options.now ?? (() => new Date());
    this.requireSiteCopy = options.requireSiteCopy === true;
  }

  /** Published, and (where required) copied to the site store. */
  private visible(edition: Edition | undefined): edition is Edition {
    return edition?.status === "published" && (!this.requireSiteCopy || Boolean(edition.siteCopiedAt));
  }

  /** Published editions, newest first. */
  async publishedEditions(limit = 1000): Promise<Edition[]> {
    const out: Edition[] = [];
    let cursor: string | undefined;
    do {
      const page = await editionPage(this.platform.records, {
        descending: true,
        limit: 100,
        cursor,
      });
      for (const r of page.items) if (this.visible(r.data)) out.push(r.data);
      cursor = page.cursor;
    } while (cursor && out.length < limit);
    return out.slice(0, limit);
  }

  private async index(edition: Edition): Promise<EditionSiteInput | undefined> {
    const blob = await this.platform.blobs.get(attemptBlobKey(editionIndexKey(edition), edition.attempt));
    if (!blob) return undefined;
    const index = JSON.parse(new TextDecoder().decode(blob.bytes)) as EditionIndex;
    return {
      gazette: this.gazette,
      edition: index.edition,
      placements: index.placements,
      urls: {
        editionPdf: `/${editionPath(edition).replace(/\.html$/, ".pdf")}`,
        documentPdf: (id) => `/documents/${id}.pdf`,
      },
      pdfSizes: { edition: index.pdfBytes, documents: new Map(Object.entries(index.documentPdfBytes)) },
      publishedAt: edition.publishedAt ?? `${edition.date}T00:00:00+08:00`,
    };
  }

  /**
   * The edition 第{issue}期 of {year}. Cumulative numbers have no gaps and (year, issue) grows with
   * them, so a binary search over the cumulative number finds it in about log2(editions) reads
   * — a gazette back to the 1950s has over a thousand editions.
   */
  private async editionNumbered(year: number, issue: number): Promise<Edition | undefined> {
    const { records } = this.platform;
    const first = await lastEdition(records, "first");
    const last = await lastEdition(records);
    if (!first || !last) return undefined;
    let lo = first.data.cumulative;
    let hi = last.data.cumulative;
    while (lo <= hi) {
      const mid = Math.floor((lo + hi) / 2);
      const edition = (await getEdition(records, mid))?.data;
      if (!edition) return undefined; // a gap would break the order; none is ever left
      const order = edition.year - year || edition.issue - issue;
      if (order === 0) return edition;
      if (order < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** The published edition a site path belongs to, or undefined (not published, not a file). */
  private async publishedEditionOf(path: string): Promise<Edition | undefined> {
    const e = EDITION_FILE.exec(path);
    if (e) {
      const found = await this.editionNumbered(Number(e[1]), Number(e[2]));
      return this.visible(found) ? found : undefined;
    }
    const d = DOCUMENT_FILE.exec(path);
    if (!d?.[1]) return undefined;
    const claim = await this.platform.records.get<PlacementClaim>(placementKey(d[1]));
    const cumulative = claim ? cumulativeFromId(claim.data.editionId) : undefined;
    if (cumulative === undefined) return undefined;
    const edition = await getEdition(this.platform.records, cumulative);
    return this.visible(edition?.data) ? edition?.data : undefined;
  }

  /** Today in China, for validity periods. */
  private today(): string {
    return chinaToday(this.now());
  }

  /** The input with the current status of each of its documents. */
  private async withStatus(input: EditionSiteInput): Promise<EditionSiteInput> {
    if (!this.statuses) return input;
    const ids = input.edition.sections.flatMap((s) => s.documents.map((d) => d.id));
    return { ...input, status: await this.statuses.statusMap(ids, this.today()) };
  }

  /**
   * An edition's pages rendered now, from its stored canonical texts and index and the current
   * statuses: the text is the published text, the banner is today's. The HTML stored at
   * publication stays as it was; undefined when something needed is missing (then the stored
   * page is served).
   */
  private async renderedPage(edition: Edition, path: string): Promise<string | undefined> {
    const input = await this.index(edition);
    if (!input) return undefined;
    const ids = input.edition.sections.flatMap((s) => s.documents.map((d) => d.id));
    const texts = await Promise.all(
      ids.map((id) => this.platform.blobs.get(attemptBlobKey(`documents/${id}.json`, edition.attempt))),
    );
    const full = new Map<string, CanonicalText["document"]>();
    for (const blob of texts) {
      if (!blob) return undefined;
      const text = JSON.parse(new TextDecoder().decode(blob.bytes)) as CanonicalText;
      full.set(text.document.id, text.document);
    }
    const complete: EditionSiteInput = {
      ...input,
      edition: {
        ...input.edition,
        sections: input.edition.sections.map((s) => ({
          ...s,
          documents: s.documents.map((d) => full.get(d.id) ?? d),
        })),
      },
      // As the publishing renderer does: the edition's own date.
      publishedAt: `${input.edition.edition.date}T00:00:00+08:00`,
    };
    return renderEditionSite(await this.withStatus(complete)).get(path);
  }

  /** A published file by its site path (no leading slash), or undefined. */
  async file(path: string): Promise<SiteResponse | undefined> {
    if (!EDITION_FILE.test(path) && !DOCUMENT_FILE.test(path)) return undefined;
    const edition = await this.publishedEditionOf(path);
    if (!edition) return undefined;
    if (this.statuses && path.endsWith(".html")) {
      const html = await this.renderedPage(edition, path);
      if (html !== undefined) return { body: html, contentType: TYPES.html!, immutable: false };
    }
    const blob = await this.platform.blobs.get(attemptBlobKey(path, edition.attempt));
    if (!blob) return undefined;
    const ext = path.endsWith(".manifest.json") ? "json" : (path.split(".").pop() ?? "");
    // The manifest's signature exists only for editions published with a signing key.
    return {
      body: blob.bytes,
      contentType: TYPES[ext] ?? blob.contentType,
      immutable: !path.endsWith(".html"),
    };
  }

  /**
   * The home page: the latest edition and page `page` (from 1) of the earlier ones, newest first,
   * ARCHIVE_PAGE_SIZE a page; undefined for a page past the last. The 往期 list needs only the
   * edition records; the latest edition's index is the one blob read.
   */
  async home(page = 1): Promise<string | undefined> {
    const editions = await this.publishedEditions(Number.MAX_SAFE_INTEGER);
    const [newest, ...earlier] = editions;
    const pages = Math.max(1, Math.ceil(earlier.length / ARCHIVE_PAGE_SIZE));
    if (!Number.isInteger(page) || page < 1 || page > pages) return undefined;
    const input = page === 1 && newest ? await this.index(newest) : undefined;
    const latest = input && (await this.withStatus(input));
    return renderHomePage({
      gazette: this.gazette,
      archive: {
        editions: earlier.slice((page - 1) * ARCHIVE_PAGE_SIZE, page * ARCHIVE_PAGE_SIZE).map((e) => ({
          edition: { id: e.id, year: e.year, issue: e.issue, cumulative: e.cumulative, date: e.date },
        })),
        page,
        pages,
      },
      latest: latest && {
        edition: latest.edition,
        placements: latest.placements,
        urls: latest.urls,
        pdfSizes: latest.pdfSizes,
        status: latest.status,
      },
    });
  }

  /** robots.txt: everything public may be crawled but the API and the console; the sitemap's address. */
  robots(): string {
    return [
      "User-agent: *",
      "Disallow: /api/",
      "Disallow: /console/",
      "Disallow: /portal/",
      "Allow: /",
      "",
      `Sitemap: ${absoluteUrl(this.gazette.baseUrl, SITEMAP_PATH)}`,
      "",
    ].join("\n");
  }

  /** The page for a request the site cannot answer as asked (400): which parameter, and why. */
  badRequest(field: string, reason: string): string {
    const esc = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    return renderSitePage(
      this.gazette,
      { title: "请求有误", noindex: true },
      `<h1>请求有误</h1>\n<p>参数 <code>${esc(field)}</code>：${esc(reason)}</p>\n<p><a href="/">返回首页</a></p>\n`,
    );
  }

  notFound(): string {
    return renderNotFoundPage(this.gazette);
  }

  async editionsFeed(): Promise<string> {
    const inputs = await this.recentInputs(50);
    return renderEditionsFeed(
      inputs.map((i) => summarizeEdition(i)),
      this.gazette,
    );
  }

  async documentsFeed(): Promise<string> {
    const inputs = await Promise.all((await this.recentInputs(10)).map((i) => this.withStatus(i)));
    return renderDocumentsFeed(
      inputs.flatMap((i) => documentFeedEntries(i)),
      this.gazette,
    );
  }

  async sitemap(): Promise<string> {
    const inputs = await this.recentInputs(1000);
    const paths = [HOME_PATH];
    for (const input of inputs) {
      paths.push(editionPath(input.edition.edition));
      for (const s of input.edition.sections) for (const d of s.documents) paths.push(documentPath(d.id));
    }
    return renderSitemap(sitemapUrls(this.gazette.baseUrl, paths));
  }

  private async recentInputs(limit: number): Promise<EditionSiteInput[]> {
    const editions = await this.publishedEditions(limit);
    return (await Promise.all(editions.map((e) => this.index(e)))).filter((x) => x !== undefined);
  }
}

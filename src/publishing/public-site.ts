import type { Edition } from "../editions/model.js";
import {
  cumulativeFromId,
  EDITIONS_PARTITION,
  editionKeys,
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
import { renderHomePage, renderNotFoundPage } from "../site/render.js";
import { documentPath, editionPath, HOME_PATH } from "../site/urls.js";
import { type EditionIndex, editionIndexKey } from "./render.js";

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
};

const EDITION_FILE = /^editions\/(\d{4})\/([1-9]\d{0,3})\.(html|pdf|manifest\.json)$/;
const DOCUMENT_FILE = /^documents\/([0-9A-HJKMNP-TV-Z]{26})(~[A-Za-z0-9_-]+)?\.(html|pdf|json)$/;

/**
 * The public site, served by the app (locally and behind CloudFront): published files come from
 * the blob store, but only once their edition's single pointer says published, so a reader sees
 * the PDF and the web edition together or neither. Home, feeds and sitemap are built from the
 * published editions on request.
 */
export class PublicSite {
  constructor(
    private readonly platform: Pick<Platform, "records" | "blobs">,
    private readonly gazette: SiteGazette,
  ) {}

  /** Published editions, newest first. */
  async publishedEditions(limit = 1000): Promise<Edition[]> {
    const out: Edition[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.platform.records.query<Edition>(EDITIONS_PARTITION, {
        descending: true,
        limit: 100,
        cursor,
      });
      for (const r of page.items) if (r.data.status === "published") out.push(r.data);
      cursor = page.cursor;
    } while (cursor && out.length < limit);
    return out.slice(0, limit);
  }

  private async index(edition: Edition): Promise<EditionSiteInput | undefined> {
    const blob = await this.platform.blobs.get(editionIndexKey(edition));
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

  private async isPublished(path: string): Promise<boolean> {
    const e = EDITION_FILE.exec(path);
    if (e) {
      const [year, issue] = [Number(e[1]), Number(e[2])];
      const editions = await this.publishedEditions();
      return editions.some((ed) => ed.year === year && ed.issue === issue);
    }
    const d = DOCUMENT_FILE.exec(path);
    if (!d?.[1]) return false;
    const claim = await this.platform.records.get<PlacementClaim>(placementKey(d[1]));
    const cumulative = claim ? cumulativeFromId(claim.data.editionId) : undefined;
    if (cumulative === undefined) return false;
    const edition = await this.platform.records.get<Edition>(editionKeys(cumulative));
    return edition?.data.status === "published";
  }

  /** A published file by its site path (no leading slash), or undefined. */
  async file(path: string): Promise<SiteResponse | undefined> {
    if (!EDITION_FILE.test(path) && !DOCUMENT_FILE.test(path)) return undefined;
    if (!(await this.isPublished(path))) return undefined;
    const blob = await this.platform.blobs.get(path);
    if (!blob) return undefined;
    const ext = path.endsWith(".manifest.json") ? "json" : (path.split(".").pop() ?? "");
    return {
      body: blob.bytes,
      contentType: TYPES[ext] ?? blob.contentType,
      immutable: !path.endsWith(".html"),
    };
  }

  async home(): Promise<string> {
    const editions = await this.publishedEditions(200);
    const inputs = (await Promise.all(editions.map((e) => this.index(e)))).filter((x) => x !== undefined);
    const latest = inputs[0];
    return renderHomePage({
      gazette: this.gazette,
      editions: inputs.map((i) => summarizeEdition(i)),
      latest: latest && {
        edition: latest.edition,
        placements: latest.placements,
        urls: latest.urls,
        pdfSizes: latest.pdfSizes,
      },
    });
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
    const inputs = await this.recentInputs(10);
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

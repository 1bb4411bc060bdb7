import type { GazetteSettings } from "../config.js";
import type {
  DocumentPlacement,
  EditionInfo,
  EditionRenderInput,
  RenderDocument,
} from "../editions/render-model.js";

/** The site's settings: the gazette plus where the site is served (for feeds, sitemap, canonical links). */
export type SiteGazette = GazetteSettings & {
  /** e.g. https://gb.sc.gov.cn/ — the site root; a path prefix is allowed. */
  readonly baseUrl: string;
};

/** 效力状态 of a published document. */
export type DocumentStatus = "有效" | "已修改" | "已废止" | "失效";

/** Another document, as linked from a status banner. */
export interface DocumentLink {
  readonly id: string;
  readonly title: string;
  readonly docNumber: string | null;
  /** Usually the document's page (`href(documentPath(id))`); any URL is accepted. */
  readonly url: string;
}

/**
 * What the site says about a document's validity. Computed by whoever knows the later documents
 * (amendments, repeals, corrections); the renderers only show it.
 */
export interface DocumentStatusView {
  readonly status: DocumentStatus;
  /** YYYY-MM-DD (or an ISO timestamp) when the status changed; absent for 有效. */
  readonly changedAt?: string | undefined;
  /** The document that amended or repealed this one. */
  readonly changedBy?: DocumentLink | undefined;
  /** 勘误: corrections published later. */
  readonly correctedBy?: readonly DocumentLink[] | undefined;
}

/** Where the edition's PDFs are. */
export interface EditionPdfUrls {
  readonly editionPdf: string;
  documentPdf(id: string): string;
}

/** Sizes in bytes of the PDFs, shown next to the download links when known. */
export interface EditionPdfSizes {
  readonly edition?: number | undefined;
  readonly documents?: ReadonlyMap<string, number> | undefined;
}

/** Everything needed to render one edition's pages. */
export interface EditionSiteInput {
  readonly gazette: SiteGazette;
  readonly edition: EditionRenderInput;
  readonly placements: readonly DocumentPlacement[];
  readonly urls: EditionPdfUrls;
  readonly pdfSizes?: EditionPdfSizes | undefined;
  /** Documents missing here are 有效. */
  readonly status?: ReadonlyMap<string, DocumentStatusView> | undefined;
  /** When the edition went public: ISO timestamp. */
  readonly publishedAt: string;
}

/** One edition as listed on the home page and in the editions feed. */
export interface EditionSummary {
  readonly masthead: EditionRenderInput["masthead"];
  readonly edition: EditionInfo;
  readonly publishedAt: string;
  /** Last change (e.g. a correction); defaults to publishedAt. */
  readonly updatedAt?: string | undefined;
  readonly pdfUrl?: string | undefined;
  readonly pdfBytes?: number | undefined;
  readonly sections: readonly {
    readonly name: string;
    readonly documents: readonly Pick<RenderDocument, "id" | "title" | "docNumber">[];
  }[];
}

/** One document as an entry of the documents feed. */
export interface DocumentFeedEntry {
  readonly document: Pick<
    RenderDocument,
    "id" | "title" | "docNumber" | "issuers" | "dateWritten" | "kind" | "interprets"
  >;
  readonly section: string;
  readonly masthead: EditionRenderInput["masthead"];
  readonly edition: EditionInfo;
  readonly placement?: DocumentPlacement | undefined;
  readonly publishedAt: string;
  readonly status?: DocumentStatusView | undefined;
  readonly pdfUrl?: string | undefined;
}

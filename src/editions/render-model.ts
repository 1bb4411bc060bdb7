import type { Attachment, Block } from "../documents/blocks.js";

/**
 * What the renderers (PDF in src/publishing/pdf, web pages in src/site) receive for one edition.
 * Built by the editions module from accepted documents; renderers never read storage.
 */

export interface MastheadInfo {
  /** Without book-title marks, e.g. 四川省人民政府公报. */
  readonly name: string;
  readonly publisher: string;
  /** 刊号, e.g. "ISSN 1004-3489 CN 51-1063/D"; optional. */
  readonly serialNumbers?: string | undefined;
}

export interface EditionInfo {
  readonly id: string;
  readonly year: number;
  /** 第N期 within the year. */
  readonly issue: number;
  /** 总第N期. */
  readonly cumulative: number;
  /** Publication date, YYYY-MM-DD. */
  readonly date: string;
}

/** A document as laid out in an edition. Interpretations (解读) are entries of their own. */
export interface RenderDocument {
  /** Document id, or `${documentId}~${interpretationId}` for an interpretation. */
  readonly id: string;
  readonly title: string;
  readonly docNumber: string | null;
  readonly issuers: readonly string[];
  readonly dateWritten: string;
  readonly kind: string;
  readonly addressees: string | null;
  readonly blocks: readonly Block[];
  readonly attachments: readonly Attachment[];
  readonly signer: string | null;
  readonly cc: string | null;
  readonly printed: { readonly by: string; readonly date: string } | null;
  /** For an interpretation: the policy document it explains. */
  readonly interprets?: string | undefined;
  /** For a policy document: ids of its interpretation entries. */
  readonly interpretations?: readonly string[] | undefined;
}

export interface RenderSection {
  /** 栏目 name, e.g. 省政府文件. */
  readonly name: string;
  readonly documents: readonly RenderDocument[];
}

export interface EditionRenderInput {
  readonly masthead: MastheadInfo;
  readonly edition: EditionInfo;
  /** In the gazette's section order; empty sections are left out. */
  readonly sections: readonly RenderSection[];
}

/** Where each document landed in the PDF: the basis of its citation. */
export interface DocumentPlacement {
  readonly id: string;
  /** 1-based page numbers as printed ("— 5 —"). */
  readonly firstPage: number;
  readonly lastPage: number;
}

export interface RenderedEditionPdf {
  readonly pdf: Uint8Array;
  readonly pageCount: number;
  readonly placements: readonly DocumentPlacement[];
  /** One PDF per document, the same pages as in the edition. */
  readonly documentPdfs: ReadonlyMap<string, Uint8Array>;
  /** What the preflight found (src/publishing/pdf/preflight.ts); empty when the edition is clean. */
  readonly findings: readonly PreflightFindingView[];
}

/** A preflight finding as the API shows it. */
export interface PreflightFindingView {
  readonly severity: "error" | "warning";
  readonly code: string;
  /** Printed page number, null on front matter or for the whole file. */
  readonly page: number | null;
  /** 1-based page of the edition PDF, null for the whole file. */
  readonly pdfPage: number | null;
  readonly documentId: string | null;
  readonly message: string;
}

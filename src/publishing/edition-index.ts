/**
 * What publishing writes beside an edition's files for the public site to read: each document's
 * canonical text and the edition's index. Apart from the renderer (render.ts), so the site reads
 * them without bundling the PDF engine the renderer loads.
 */
import type { DocumentPlacement, EditionRenderInput, RenderDocument } from "../editions/render-model.js";

/** Canonical text: what the gazette printed, with its citation, as data. */
export interface CanonicalText {
  readonly gazette: string;
  readonly edition: {
    readonly year: number;
    readonly issue: number;
    readonly cumulative: number;
    readonly date: string;
  };
  readonly section: string;
  readonly pages: { readonly first: number; readonly last: number } | null;
  readonly document: RenderDocument;
}

/**
 * What the public site needs to list an edition (home page, feeds, sitemap) without its texts:
 * editions/{year}/{issue}.index.json, written with the edition.
 */
export interface EditionIndex {
  readonly edition: EditionRenderInput;
  readonly placements: readonly DocumentPlacement[];
  readonly pdfBytes: number;
  readonly documentPdfBytes: Readonly<Record<string, number>>;
}

export function editionIndexKey(edition: { year: number; issue: number }): string {
  return `editions/${edition.year}/${edition.issue}.index.json`;
}

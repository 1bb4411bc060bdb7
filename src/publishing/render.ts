import type { RenderedArtifact, RenderOptions, RenderResult } from "../editions/publish.js";
import type { DocumentPlacement, EditionRenderInput } from "../editions/render-model.js";
import { renderEditionSite } from "../site/edition-pages.js";
import type { SiteGazette } from "../site/model.js";
import { editionPath } from "../site/urls.js";
import { type CanonicalText, type EditionIndex, editionIndexKey } from "./edition-index.js";

export { type CanonicalText, type EditionIndex, editionIndexKey } from "./edition-index.js";

/**
 * The publishing renderer: one edition → every artifact, named by the URL path it is served at.
 *   editions/{year}/{issue}.pdf   the edition PDF (authentic)
 *   documents/{id}.pdf            each document's pages (authentic)
 *   documents/{id}.json           each document's canonical text (authentic)
 *   editions/{year}/{issue}.html and documents/{id}.html   the web edition
 * Output must be deterministic: publishing writes each key once and compares retries by hash.
 */

const encoder = new TextEncoder();

function canonicalTexts(
  input: EditionRenderInput,
  placements: readonly DocumentPlacement[],
): RenderedArtifact[] {
  const pages = new Map(placements.map((p) => [p.id, { first: p.firstPage, last: p.lastPage }]));
  const { year, issue, cumulative, date } = input.edition;
  return input.sections.flatMap((section) =>
    section.documents.map((document) => {
      const text: CanonicalText = {
        gazette: input.masthead.name,
        edition: { year, issue, cumulative, date },
        section: section.name,
        pages: pages.get(document.id) ?? null,
        document,
      };
      return {
        key: `documents/${document.id}.json`,
        bytes: encoder.encode(`${JSON.stringify(text, null, 2)}\n`),
        contentType: "application/json; charset=utf-8",
        authentic: true,
        documentId: document.id,
      };
    }),
  );
}

function leanInput(input: EditionRenderInput): EditionRenderInput {
  return {
    ...input,
    sections: input.sections.map((section) => ({
      ...section,
      documents: section.documents.map((d) => ({ ...d, blocks: [], attachments: [] })),
    })),
  };
}

export function createEditionRenderer(gazette: SiteGazette) {
  return async (input: EditionRenderInput, options: RenderOptions = {}): Promise<RenderResult> => {
    // The PDF engine (pdf-lib, fontkit, the font files) loads on the first render, so the
    // functions that import this module only to list editions do not load it at start.
    const { renderEditionPdf } = await import("./pdf/render-edition.js");
    const pdf = await renderEditionPdf(input, { signature: options.signature });
    const base = editionPath(input.edition).replace(/\.html$/, "");
    const editionPdfKey = `${base}.pdf`;
    const pdfSizes = new Map([...pdf.documentPdfs].map(([id, bytes]) => [id, bytes.byteLength]));
    const pages = renderEditionSite({
      gazette,
      edition: input,
      placements: pdf.placements,
      urls: { editionPdf: `/${editionPdfKey}`, documentPdf: (id) => `/documents/${id}.pdf` },
      pdfSizes: { edition: pdf.pdf.byteLength, documents: pdfSizes },
      // Deterministic: the edition's own date, not the clock.
      publishedAt: `${input.edition.date}T00:00:00+08:00`,
    });
    const artifacts: RenderedArtifact[] = [
      {
        key: editionPdfKey,
        bytes: pdf.pdf,
        contentType: "application/pdf",
        authentic: true,
        role: "edition-pdf",
      },
      ...[...pdf.documentPdfs].map(([id, bytes]) => ({
        key: `documents/${id}.pdf`,
        bytes,
        contentType: "application/pdf",
        authentic: true,
        role: "document-pdf" as const,
        documentId: id,
      })),
      ...canonicalTexts(input, pdf.placements),
      ...[...pages].map(([path, html]) => {
        const documentId = path.startsWith("documents/")
          ? path.slice("documents/".length, -".html".length)
          : undefined;
        return {
          key: path,
          bytes: encoder.encode(html),
          contentType: "text/html; charset=utf-8",
          authentic: false,
          role: documentId ? ("document-web" as const) : ("edition-web" as const),
          documentId,
        };
      }),
    ];
    const index: EditionIndex = {
      edition: leanInput(input),
      placements: pdf.placements,
      pdfBytes: pdf.pdf.byteLength,
      documentPdfBytes: Object.fromEntries(pdfSizes),
    };
    artifacts.push({
      key: editionIndexKey(input.edition),
      bytes: encoder.encode(`${JSON.stringify(index)}\n`),
      contentType: "application/json; charset=utf-8",
      authentic: false,
    });
    return { artifacts, pageCount: pdf.pageCount, placements: pdf.placements, findings: pdf.findings };
  };
}

import type { GazetteDocument } from "../documents/model.js";
import { DEFAULT_INTERPRETATION_SECTION, type Edition, type EditionSettings } from "./model.js";
import type { EditionRenderInput, RenderDocument, RenderSection } from "./render-model.js";

/** Entry id of an interpretation (解读) in an edition, as the site and the PDF use it. */
export function interpretationEntryId(documentId: string, interpretationId: string): string {
  return `${documentId}~${interpretationId}`;
}

function documentEntry(doc: GazetteDocument, interpretationIds: readonly string[]): RenderDocument {
  return {
    id: doc.id,
    title: doc.title,
    docNumber: doc.docNumber,
    issuers: doc.issuers,
    dateWritten: doc.dateWritten,
    kind: doc.kind,
    addressees: doc.addressees,
    blocks: doc.blocks,
    attachments: doc.attachments,
    signer: doc.signer,
    cc: doc.cc,
    printed: doc.printed,
    ...(interpretationIds.length ? { interpretations: interpretationIds } : {}),
  };
}

/**
 * The renderers' input for an edition: documents grouped into sections in the configured section
 * order (within a section, in the edition's order), and each policy document's 解读 as an entry of
 * its own in the interpretation section (政策解读 unless configured otherwise), in the order of the
 * policy documents, linked both ways (`interpretations` on the document, `interprets` on the entry).
 * Sections a document names that are no longer configured follow the configured ones, in order of
 * first appearance; an interpretation section missing from the configuration comes last. Empty
 * sections are left out.
 */
export function buildRenderInput(
  edition: Pick<Edition, "id" | "year" | "issue" | "cumulative" | "date" | "documents">,
  documents: readonly GazetteDocument[],
  settings: EditionSettings,
): EditionRenderInput {
  const byId = new Map(documents.map((d) => [d.id, d]));
  const interpretationSection = settings.interpretationSection ?? DEFAULT_INTERPRETATION_SECTION;
  const buckets = new Map<string, RenderDocument[]>();
  const bucket = (name: string) => {
    let list = buckets.get(name);
    if (!list) {
      list = [];
      buckets.set(name, list);
    }
    return list;
  };
  const interpretations: RenderDocument[] = [];
  for (const id of edition.documents) {
    const doc = byId.get(id);
    if (!doc) throw new Error(`Edition ${edition.id}: document ${id} was not supplied`);
    const entryIds = doc.interpretations.map((i) => interpretationEntryId(doc.id, i.id));
    bucket(doc.section).push(documentEntry(doc, entryIds));
    doc.interpretations.forEach((interpretation, n) => {
      interpretations.push({
        id: entryIds[n]!,
        title: interpretation.title,
        docNumber: null,
        issuers: doc.issuers,
        dateWritten: doc.dateWritten,
        kind: "解读",
        addressees: null,
        blocks: interpretation.blocks,
        attachments: [],
        signer: null,
        cc: null,
        printed: null,
        interprets: doc.id,
      });
    });
  }
  // Interpretations follow any documents filed directly under the interpretation section.
  if (interpretations.length) bucket(interpretationSection).push(...interpretations);

  const order = [...settings.sections];
  for (const name of buckets.keys()) {
    if (!order.includes(name) && name !== interpretationSection) order.push(name);
  }
  if (!order.includes(interpretationSection)) order.push(interpretationSection);
  const sections: RenderSection[] = [];
  for (const name of order) {
    const docs = buckets.get(name);
    if (docs?.length) sections.push({ name, documents: docs });
  }
  return {
    masthead: settings.masthead,
    edition: {
      id: edition.id,
      year: edition.year,
      issue: edition.issue,
      cumulative: edition.cumulative,
      date: edition.date,
    },
    sections,
  };
}

import { blocksToPlainText } from "../documents/body.js";
import { docNumberMatches } from "../documents/doc-number.js";
import type { GazetteDocument } from "../documents/model.js";
import { readDocument } from "../documents/records.js";
import { loadEdition } from "../editions/publish.js";
import { editionPage } from "../editions/records.js";
import { interpretationEntryId } from "../editions/render-input.js";
import type { Platform, RecordStore } from "../platform/ports.js";
import { documentPath, href } from "../site/urls.js";
import { chinaToday, type DocumentStatuses } from "../status/service.js";
import type { SearchDocument, SearchIndex } from "./ports.js";

export interface GazetteIndexingDeps {
  readonly platform: Pick<Platform, "records" | "blobs">;
  readonly statuses: Pick<DocumentStatuses, "statusOf">;
  readonly search: SearchIndex;
  readonly now: () => Date;
}

/** Only 主动公开 documents are public; 依申请公开 and 不予公开 ones never reach the index. */
export function isPublic(doc: GazetteDocument): boolean {
  return doc.state === "published" && doc.disclosure.attribute === "public";
}

/** A published gazette document as the search index sees it. */
export function toSearchDocument(doc: GazetteDocument, status: string): SearchDocument {
  const parts = [blocksToPlainText(doc.blocks)];
  for (const a of doc.attachments) parts.push(a.title, blocksToPlainText(a.blocks));
  return {
    id: doc.id,
    source: "gazette",
    title: doc.title,
    docNumber: doc.docNumber ?? undefined,
    issuers: doc.issuers,
    kind: doc.kind,
    date: doc.dateWritten,
    dateKind: "written",
    status,
    text: parts.filter(Boolean).join("\n"),
    url: href(documentPath(doc.id)),
  };
}

/**
 * A published document's 解读 (policy interpretations) as search documents of their own, each at
 * its entry's public page. They carry the document's issuers and date and the kind 解读, but not its
 * 发文字号 (a search for the number finds the document first) nor a status (an interpretation has
 * none of its own); the title of the document they explain is searchable text of theirs.
 */
export function interpretationSearchDocuments(doc: GazetteDocument): SearchDocument[] {
  return doc.interpretations.map((interpretation) => {
    const id = interpretationEntryId(doc.id, interpretation.id);
    return {
      id,
      source: "gazette",
      title: interpretation.title,
      issuers: doc.issuers,
      kind: "解读",
      date: doc.dateWritten,
      text: [blocksToPlainText(interpretation.blocks), doc.title].filter(Boolean).join("\n"),
      url: href(documentPath(id)),
    };
  });
}

/**
 * Indexes the public documents of a published edition, and re-indexes the earlier documents they
 * repeal, amend or correct so their status facet follows. Safe to repeat: indexing replaces by id.
 * A document that is not public is removed, in case it was indexed under an earlier attribute.
 * A document's 解读 are indexed with it (and removed with it).
 */
export async function indexPublishedDocuments(
  deps: GazetteIndexingDeps,
  documentIds: readonly string[],
): Promise<{ indexed: number; skipped: number }> {
  return indexDocuments(deps, documentIds, true);
}

async function indexDocuments(
  deps: GazetteIndexingDeps,
  documentIds: readonly string[],
  followReferences: boolean,
): Promise<{ indexed: number; skipped: number }> {
  const today = chinaToday(deps.now());
  const docs: SearchDocument[] = [];
  const hidden: string[] = [];
  const references = new Set<string>();
  for (const id of documentIds) {
    const read = await readDocument(deps.platform, id);
    if (!read) continue;
    const doc = read.document;
    if (!isPublic(doc)) {
      hidden.push(id, ...doc.interpretations.map((i) => interpretationEntryId(doc.id, i.id)));
      continue;
    }
    const { status } = await deps.statuses.statusOf(doc.id, today, doc.normative);
    docs.push(toSearchDocument(doc, status), ...interpretationSearchDocuments(doc));
    for (const ref of [
      ...(doc.relations?.repeals ?? []),
      ...(doc.relations?.amends ?? []),
      ...(doc.relations?.expires ?? []),
      ...(doc.corrects ?? []),
    ])
      references.add(ref);
  }
  if (docs.length) await deps.search.index(docs);
  if (hidden.length) await deps.search.remove(hidden);
  if (followReferences && references.size) {
    // One level only: the statuses of the referenced documents changed, not of what they reference.
    const mentioned = await referencedIds(deps.search, references, new Set(documentIds));
    if (mentioned.length) await indexDocuments(deps, mentioned, false);
  }
  return { indexed: docs.length, skipped: hidden.length };
}

/** Ids of indexed gazette documents whose 发文字号 is one of `references`. */
async function referencedIds(
  search: SearchIndex,
  references: ReadonlySet<string>,
  exclude: ReadonlySet<string>,
): Promise<string[]> {
  const ids = new Set<string>();
  for (const reference of references) {
    const { hits } = await search.search({ q: reference, source: "gazette", limit: 5 });
    for (const hit of hits) {
      if (hit.docNumber && docNumberMatches(reference, hit.docNumber) && !exclude.has(hit.id))
        ids.add(hit.id);
    }
  }
  return [...ids];
}

/** Re-indexes one published edition's documents (queued by POST /api/search/reindex). */
export const SEARCH_REINDEX_EVENT = "search.reindex";

export interface SearchReindexEvent {
  readonly type: typeof SEARCH_REINDEX_EVENT;
  readonly editionId: string;
  readonly requestedBy: string;
  readonly at: string;
}

/** Ids of every published edition, oldest first. */
export async function publishedEditionIds(records: RecordStore): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await editionPage(records, { limit: 200, cursor });
    for (const item of page.items) if (item.data.status === "published") ids.push(item.data.id);
    cursor = page.cursor;
  } while (cursor);
  return ids;
}

/** Indexes a published edition's public documents again (after an engine switch or a lost index). */
export async function reindexEdition(
  deps: GazetteIndexingDeps & { readonly platform: Pick<Platform, "records" | "blobs"> },
  editionId: string,
): Promise<{ indexed: number; skipped: number }> {
  const record = await loadEdition(deps.platform.records, editionId);
  if (record?.data.status !== "published") return { indexed: 0, skipped: 0 };
  return indexPublishedDocuments(deps, record.data.documents);
}

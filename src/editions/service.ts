import { DISCLOSURE_LABELS, type GazetteDocument } from "../documents/model.js";
import { readDocument } from "../documents/records.js";
import { ConditionFailedError } from "../platform/errors.js";
import type { Platform, StoredRecord } from "../platform/ports.js";
import { setDocumentState } from "./document-state.js";
import {
  DocumentAlreadyPlacedError,
  EditionConflictError,
  EditionNotFoundError,
  type FieldProblem,
  InvalidEditionRequestError,
  PlacementRefusedError,
  problem,
} from "./errors.js";
import {
  COMPLETION_STEPS,
  completionDoneAt,
  completionPending,
  type Edition,
  type EditionDocumentView,
  type EditionSettings,
  type EditionSummary,
  type EditionView,
  publicationProgress,
  summarizeEdition,
} from "./model.js";
import { allocateEdition, deleteLastEdition } from "./numbering.js";
import {
  type EditionManifest,
  loadEdition,
  loadEditionDocuments,
  type PreflightOverride,
  type PublicationSealer,
  publishEdition,
  type RenderEdition,
  type RenderedArtifact,
  requestPublication,
  sha256Hex,
} from "./publish.js";
import { editionPage, editionRecord, getEdition, type PlacementClaim, placementKey } from "./records.js";
import { buildRenderInput, interpretationEntryId } from "./render-input.js";
import type { DocumentPlacement, PreflightFindingView } from "./render-model.js";

export interface EditionServiceOptions {
  readonly platform: Platform;
  readonly settings: EditionSettings;
  /**
   * The renderers (PDF, web), called by publish and preview. Left out where neither runs (the API
   * function in AWS: publication is queued for the publisher, previews have their own function),
   * so that bundle holds no PDF engine.
   */
  readonly render?: RenderEdition | undefined;
  /** Public URL of a blob key; default "/" + key. */
  readonly publicUrl?: ((key: string) => string) | undefined;
  /**
   * A placement claim whose edition does not list the document (a crash between claiming and
   * writing the edition) may be taken over after this long. Default 300.
   */
  readonly staleClaimSeconds?: number | undefined;
  /** Most documents in one edition. Default 500. */
  readonly maxDocuments?: number | undefined;
  /**
   * Signs what publications write (src/signing/seal.ts); only where publications run. Left out
   * (the API Lambda, which queues publications), nothing is signed there.
   */
  readonly seal?: PublicationSealer | undefined;
}

export interface EditionPage {
  readonly items: EditionSummary[];
  readonly cursor?: string | undefined;
}

export interface PublishResponse {
  readonly edition: EditionView;
  readonly manifest: EditionManifest;
}

/** 202 from a queued publication: the edition is frozen (`publishing: true`); poll it until published. */
export interface QueuedPublishResponse {
  readonly edition: EditionView;
  readonly manifest: null;
}

export interface PreviewResult {
  readonly edition: Pick<Edition, "id" | "year" | "issue" | "cumulative" | "date" | "status">;
  /** Pages of the edition PDF, when the renderer tells. */
  readonly pages: number | null;
  /** Every entry (documents and 解读) in edition order, with its pages when the renderer tells. */
  readonly documents: readonly {
    readonly id: string;
    readonly title: string;
    readonly section: string;
    readonly firstPage: number | null;
    readonly lastPage: number | null;
  }[];
  readonly artifacts: readonly {
    readonly key: string;
    readonly contentType: string;
    readonly bytes: number;
    readonly sha256: string;
    readonly authentic: boolean;
  }[];
  /**
   * What the preflight found, each with its printed page (null on front matter or for the whole
   * file) and its page of the PDF; empty when the edition is clean or the renderer has no
   * preflight.
   */
  readonly findings: readonly PreflightFindingView[];
  /** The edition PDF itself, for ?format=pdf. */
  readonly pdf: RenderedArtifact | undefined;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function chinaToday(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

function asObject(input: unknown): Record<string, unknown> {
  if (!input || typeof input !== "object" || Array.isArray(input)) {
    throw new InvalidEditionRequestError("The request body must be a JSON object", [
      problem(null, "invalid_type", "The request body must be a JSON object"),
    ]);
  }
  return input as Record<string, unknown>;
}

/**
 * Editions: numbering, placement of documents, views, preview and publication. Every change is a
 * single-item conditional write (see numbering.ts, setDocuments and publish.ts for the order of
 * the steps and what a crash between them leaves).
 */
export class EditionService {
  private readonly staleClaimMs: number;
  private readonly maxDocuments: number;

  constructor(private readonly options: EditionServiceOptions) {
    this.staleClaimMs = (options.staleClaimSeconds ?? 300) * 1000;
    this.maxDocuments = options.maxDocuments ?? 500;
  }

  private get platform() {
    return this.options.platform;
  }

  /** POST /api/editions {year, date?}: a draft with the next 第N期 and 总第N期. */
  async create(input: unknown, createdBy: string): Promise<EditionView> {
    const body = asObject(input);
    const problems: FieldProblem[] = [];
    const year = body.year;
    if (typeof year !== "number" || !Number.isInteger(year) || year < 1949 || year > 2200) {
      problems.push(problem("year", "invalid", "year must be a four-digit year (an integer)"));
    }
    const now = this.platform.clock.now();
    let date: string | undefined;
    if (body.date === undefined || body.date === null) {
      const today = chinaToday(now);
      if (typeof year === "number" && Number(today.slice(0, 4)) === year) date = today;
      else if (typeof year === "number")
        problems.push(problem("date", "required", `date is required for an edition of ${year}`));
    } else if (typeof body.date !== "string" || !validDate(body.date)) {
      problems.push(problem("date", "invalid_format", "date must be a date YYYY-MM-DD"));
    } else if (typeof year === "number" && Number(body.date.slice(0, 4)) !== year) {
      problems.push(problem("date", "outside_year", `date must be in ${year}, the edition's year`));
    } else {
      date = body.date;
    }
    if (problems.length || date === undefined || typeof year !== "number") {
      throw new InvalidEditionRequestError("The edition request is invalid", problems);
    }
    const edition = await allocateEdition(
      this.platform.records,
      {
        year,
        date,
        createdAt: now.toISOString(),
        createdBy,
      },
      { continueFrom: this.options.settings.continueFrom },
    );
    return this.view(edition, []);
  }

  /** Newest first (by 总第N期). */
  async list(page: { limit: number; cursor?: string | undefined }): Promise<EditionPage> {
    const result = await editionPage(this.platform.records, {
      descending: true,
      limit: page.limit,
      cursor: page.cursor,
    });
    return { items: result.items.map((r) => summarizeEdition(r.data)), cursor: result.cursor };
  }

  async get(id: string): Promise<EditionView> {
    const record = await this.mustLoad(id);
    return this.view(record.data, await this.documentsOf(record.data));
  }

  /**
   * PUT /api/editions/{id}/documents {documents: [id, …]}: sets a draft's documents. Steps:
   *   1. check the rules (public, accepted documents; a draft not being published);
   *   2. claim each added document (conditional put of its placement record: one edition per
   *      document);
   *   3. write the edition record under its version (the commit point; on conflict the new
   *      claims are released);
   *   4. for removed documents: state back to accepted, then release the claim;
   *   5. state "placed" for the edition's documents.
   * A crash after 2 leaves claims the edition does not list: this edition can still place them,
   * and another edition takes them over once they are stale (staleClaimSeconds).
   */
  async setDocuments(id: string, input: unknown, _by: string): Promise<EditionView> {
    const body = asObject(input);
    const ids = this.parseDocumentIds(body.documents);
    const record = await this.mustLoad(id);
    const edition = record.data;
    this.assertEditable(edition);

    const loaded = await Promise.all(ids.map((docId) => readDocument(this.platform, docId)));
    const refusals: FieldProblem[] = [];
    const documents: GazetteDocument[] = [];
    loaded.forEach((result, n) => {
      const field = `documents.${n}`;
      if (!result) {
        refusals.push(problem(field, "not_found", `No document with id ${ids[n]}`));
        return;
      }
      const doc = result.document;
      documents.push(doc);
      if (doc.disclosure.attribute !== "public") {
        refusals.push(
          problem(
            field,
            "not_public",
            `Document ${doc.id} is ${DISCLOSURE_LABELS[doc.disclosure.attribute]} (${doc.disclosure.attribute}); only 主动公开 (public) documents may be placed in the gazette`,
          ),
        );
      }
    });
    if (refusals.length) throw new PlacementRefusedError("Some documents may not be placed", refusals);

    const before = new Set(edition.documents);
    const after = new Set(ids);
    const added = ids.filter((d) => !before.has(d));
    const removed = edition.documents.filter((d) => !after.has(d));

    const claimed: string[] = [];
    const conflicts: { field: string; docId: string; editionId: string }[] = [];
    try {
      for (const docId of added) {
        const holder = await this.claim(docId, edition.id);
        if (holder === true) claimed.push(docId);
        else if (holder !== "own")
          conflicts.push({ field: `documents.${ids.indexOf(docId)}`, docId, editionId: holder });
      }
    } catch (error) {
      await this.release(claimed, edition.id);
      throw error;
    }
    if (conflicts.length) {
      await this.release(claimed, edition.id);
      throw new DocumentAlreadyPlacedError(
        "Documents are placed in another edition",
        conflicts.map((c) =>
          problem(
            c.field,
            "already_placed",
            `Document ${c.docId} is already placed in edition ${c.editionId}; remove it there first`,
          ),
        ),
        conflicts[0]!.editionId,
      );
    }

    const updated: Edition = { ...edition, documents: ids };
    try {
      await this.platform.records.put(editionRecord(updated), {
        kind: "version",
        version: record.version,
      });
    } catch (error) {
      await this.release(claimed, edition.id);
      if (error instanceof ConditionFailedError) {
        throw new EditionConflictError(`Edition ${id} changed meanwhile`, [
          problem(null, "edition_modified", "The edition was changed by another request; reload and retry"),
        ]);
      }
      throw error;
    }
    for (const docId of removed) {
      await setDocumentState(this.platform.records, docId, "accepted");
      await this.release([docId], edition.id);
    }
    for (const docId of ids) await setDocumentState(this.platform.records, docId, "placed");
    const placed = documents.map((d) => ({ ...d, state: "placed" as const }));
    return this.view(updated, placed);
  }

  /**
   * DELETE /api/editions/{id}: an unpublished edition that is the last of the chain, so its
   * number goes to the next edition created and published numbers never skip (numbering.ts).
   * Its documents go back to accepted, free for another edition.
   */
  async remove(id: string): Promise<void> {
    const edition = await deleteLastEdition(this.platform.records, id, this.platform.clock.now());
    for (const docId of edition.documents) {
      await setDocumentState(this.platform.records, docId, "accepted");
      await this.release([docId], edition.id);
    }
  }

  /**
   * Editions are published in order: 第N期 only after 第N−1期, so the published 第N期 and
   * 总第N期 are consecutive whatever drafts exist. Refused (409 previous_edition_unpublished).
   */
  private async assertPredecessorPublished(id: string): Promise<void> {
    const record = await this.mustLoad(id);
    if (record.data.status === "published" || record.data.publishing) return;
    const previous = await getEdition(this.platform.records, record.data.cumulative - 1);
    if (!previous || previous.data.status === "published") return;
    const p = previous.data;
    throw new EditionConflictError(`Edition ${p.id} is not published`, [
      problem(
        null,
        "previous_edition_unpublished",
        `${p.year}年第${p.issue}期（总第${p.cumulative}期, edition ${p.id}) is not published yet: editions are published in order so that no number is skipped. Publish it first, or, if it is not wanted, delete the drafts from the last one back to it`,
      ),
    ]);
  }

  /** POST /api/editions/{id}/publish. */
  async publish(id: string, by: string, override?: PreflightOverride): Promise<PublishResponse> {
    await this.assertPredecessorPublished(id);
    const { edition, manifest } = await publishEdition(id, {
      platform: this.platform,
      // Called only when the edition is rendered: a published one answers its manifest unrendered.
      render: (input) => this.renderer()(input),
      now: () => this.platform.clock.now(),
      settings: this.options.settings,
      publishedBy: by,
      publicUrl: this.options.publicUrl,
      override,
      seal: this.options.seal,
    });
    return { edition: this.view(edition, await this.documentsOf(edition)), manifest };
  }

  /**
   * The publishing consumer's call: publishes an edition whose publication was requested (or
   * completes one already switched). A draft whose intent was lifted — its render failed, see
   * publishFailure — is left alone: the editor publishes again once it is fixed.
   */
  async publishRequested(id: string, by: string): Promise<PublishResponse | null> {
    const record = await this.mustLoad(id);
    const edition = record.data;
    if (edition.status !== "published" && !edition.publishing) return null;
    if (edition.publishing && !edition.publishing.renderingAt) {
      // The console's progress: taken out of the queue, now rendering. A concurrent change wins
      // (publish reloads the edition anyway); the mark is only what the edition's page shows.
      await this.platform.records
        .put(
          editionRecord({
            ...edition,
            publishing: { ...edition.publishing, renderingAt: this.platform.clock.now().toISOString() },
          }),
          { kind: "version", version: record.version },
        )
        .catch((error: unknown) => {
          if (!(error instanceof ConditionFailedError)) throw error;
        });
    }
    return this.publish(id, edition.publishing?.by ?? by);
  }

  /**
   * POST /api/editions/{id}/publish where publication runs behind the publishing queue: freezes
   * the edition and queues it; `published` says whether it already is (then with its manifest).
   */
  async requestPublish(
    id: string,
    by: string,
    override?: PreflightOverride,
  ): Promise<{ readonly queued: boolean; readonly response: PublishResponse | QueuedPublishResponse }> {
    await this.assertPredecessorPublished(id);
    const edition = await requestPublication(id, {
      platform: this.platform,
      now: () => this.platform.clock.now(),
      publishedBy: by,
      override,
    });
    if (edition.status === "published") return { queued: false, response: await this.publish(id, by) };
    return {
      queued: true,
      response: { edition: this.view(edition, await this.documentsOf(edition)), manifest: null },
    };
  }

  private renderer(): RenderEdition {
    const render = this.options.render;
    if (!render)
      throw new Error("This EditionService was built without a renderer: it neither previews nor publishes");
    return render;
  }

  /** POST /api/editions/{id}/preview: renders the edition as it stands, writing nothing. */
  async preview(id: string): Promise<PreviewResult> {
    const { data: edition } = await this.mustLoad(id);
    const documents = await loadEditionDocuments(this.platform, edition);
    const input = buildRenderInput(edition, documents, this.options.settings);
    const rendered = await this.renderer()(input);
    const placements = new Map<string, DocumentPlacement>((rendered.placements ?? []).map((p) => [p.id, p]));
    const editionLevel = rendered.artifacts.filter((a) => a.documentId === undefined);
    const pdf =
      editionLevel.find((a) => a.role === "edition-pdf") ??
      editionLevel.find((a) => a.role === undefined && a.contentType.startsWith("application/pdf"));
    const { id: eid, year, issue, cumulative, date, status } = edition;
    return {
      edition: { id: eid, year, issue, cumulative, date, status },
      pages: rendered.pageCount ?? null,
      documents: input.sections.flatMap((section) =>
        section.documents.map((d) => ({
          id: d.id,
          title: d.title,
          section: section.name,
          firstPage: placements.get(d.id)?.firstPage ?? null,
          lastPage: placements.get(d.id)?.lastPage ?? null,
        })),
      ),
      artifacts: rendered.artifacts.map((a) => ({
        key: a.key,
        contentType: a.contentType,
        bytes: a.bytes.byteLength,
        sha256: sha256Hex(a.bytes),
        authentic: a.authentic,
      })),
      findings: rendered.findings ?? [],
      pdf,
    };
  }

  private parseDocumentIds(value: unknown): string[] {
    if (!Array.isArray(value)) {
      throw new InvalidEditionRequestError("documents must be a list of document ids", [
        problem("documents", "invalid_type", "documents must be an array of document ids"),
      ]);
    }
    const problems: FieldProblem[] = [];
    if (value.length > this.maxDocuments) {
      problems.push(
        problem("documents", "too_many", `An edition holds at most ${this.maxDocuments} documents`),
      );
    }
    const seen = new Set<string>();
    value.forEach((v, n) => {
      if (typeof v !== "string" || !/^[0-9A-HJKMNP-TV-Z]{26}$/.test(v)) {
        problems.push(problem(`documents.${n}`, "invalid_format", "Each entry must be a document id"));
      } else if (seen.has(v)) {
        problems.push(problem(`documents.${n}`, "duplicate", `Document ${v} is listed twice`));
      } else seen.add(v);
    });
    if (problems.length) throw new InvalidEditionRequestError("documents is invalid", problems);
    return value as string[];
  }

  private assertEditable(edition: Edition) {
    if (edition.status === "published") {
      throw new EditionConflictError(`Edition ${edition.id} is published`, [
        problem(null, "edition_published", `Edition ${edition.id} is published and can no longer change`),
      ]);
    }
    if (edition.publishing) {
      throw new EditionConflictError(`Edition ${edition.id} is being published`, [
        problem(
          null,
          "edition_publishing",
          `Publication of edition ${edition.id} has started (${edition.publishing.startedAt}); its documents are fixed until it completes — retry the publication`,
        ),
      ]);
    }
  }

  /**
   * Claims a document for an edition. Returns true when newly claimed, "own" when this edition
   * holds it already, or the id of the edition that holds it.
   */
  private async claim(documentId: string, editionId: string): Promise<true | "own" | string> {
    const { records, clock } = this.platform;
    const key = placementKey(documentId);
    const now = clock.now();
    const data: PlacementClaim = { editionId, claimedAt: now.toISOString() };
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await records.put({ ...key, data }, { kind: "absent" });
        return true;
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
      }
      const existing = await records.get<PlacementClaim>(key);
      if (!existing) continue; // released meanwhile
      if (existing.data.editionId === editionId) return "own";
      const holder = await loadEdition(records, existing.data.editionId);
      const abandoned =
        !holder ||
        (!holder.data.documents.includes(documentId) &&
          now.getTime() - Date.parse(existing.data.claimedAt) > this.staleClaimMs);
      if (!abandoned) return existing.data.editionId;
      try {
        await records.put({ ...key, data }, { kind: "version", version: existing.version });
        return true;
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
      }
    }
    throw new EditionConflictError(`Document ${documentId} is being placed concurrently`, [
      problem(
        null,
        "placement_contended",
        `Document ${documentId} is being placed by another request; retry`,
      ),
    ]);
  }

  /** Deletes this edition's claims on the documents (never another edition's). */
  private async release(documentIds: readonly string[], editionId: string) {
    const { records } = this.platform;
    for (const documentId of documentIds) {
      const key = placementKey(documentId);
      const current = await records.get<PlacementClaim>(key).catch(() => undefined);
      if (current?.data.editionId !== editionId) continue;
      await records.delete(key, { kind: "version", version: current.version }).catch(() => {
        // Left behind, the claim goes stale and another edition takes it over.
      });
    }
  }

  private async mustLoad(id: string): Promise<StoredRecord<Edition>> {
    const record = await loadEdition(this.platform.records, id);
    if (!record) {
      throw new EditionNotFoundError(`No edition ${id}`, [
        problem("id", "not_found", `No edition with id ${id}`),
      ]);
    }
    return record;
  }

  private async documentsOf(edition: Edition): Promise<(GazetteDocument | undefined)[]> {
    const loaded = await Promise.all(edition.documents.map((id) => readDocument(this.platform, id)));
    return loaded.map((r) => r?.document);
  }

  private view(edition: Edition, documents: readonly (GazetteDocument | undefined)[]): EditionView {
    const published = edition.status === "published";
    const docs: EditionDocumentView[] = edition.documents.map((id, n) => {
      const doc = documents[n];
      const urls = published ? edition.documentUrls?.[id] : undefined;
      return {
        id,
        title: doc?.title ?? "",
        docNumber: doc?.docNumber ?? null,
        section: doc?.section ?? "",
        state: doc?.state ?? "accepted",
        policy: doc?.policy ?? false,
        interpretations: (doc?.interpretations ?? []).map((i) => {
          const entryUrls = published ? edition.documentUrls?.[interpretationEntryId(id, i.id)] : undefined;
          return { id: i.id, title: i.title, ...(entryUrls ? { urls: entryUrls } : {}) };
        }),
        ...(urls ? { urls } : {}),
      };
    });
    return {
      id: edition.id,
      year: edition.year,
      issue: edition.issue,
      cumulative: edition.cumulative,
      date: edition.date,
      status: edition.status,
      publishing: edition.publishing !== null,
      publication: publicationProgress(edition),
      publishFailure: edition.publishFailure ?? null,
      preflightOverride: edition.preflightOverride ?? null,
      createdAt: edition.createdAt,
      createdBy: edition.createdBy,
      publishedAt: edition.publishedAt,
      publishedBy: edition.publishedBy,
      documents: docs,
      ...(published && edition.urls ? { urls: edition.urls } : {}),
      attempt: edition.attempt ?? 1,
      completion: published
        ? {
            complete: completionPending(edition).length === 0,
            steps: COMPLETION_STEPS.map((step) => ({ step, doneAt: completionDoneAt(edition, step) })),
          }
        : null,
    };
  }
}

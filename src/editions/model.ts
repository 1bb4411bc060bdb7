import type { GazetteSettings } from "../config.js";
import type { DocumentState } from "../documents/model.js";
import type { MastheadInfo } from "./render-model.js";

/** Where a published edition (or one of its documents) can be fetched. Root-relative URLs. */
export interface EditionUrls {
  readonly pdf: string | null;
  readonly web: string | null;
  readonly manifest: string;
}

export interface DocumentUrls {
  readonly pdf: string | null;
  readonly web: string | null;
}

export type EditionStatus = "draft" | "published";

/**
 * One issue of the gazette (第{issue}期, 总第{cumulative}期). Stored as a single record (see
 * records.ts); that record is at once the number allocation, the draft and — once `status` is
 * "published" — the pointer that makes the publication visible.
 */
export interface Edition {
  /**
   * The cumulative number as a decimal string ("123" = 总第123期): unique and, once published,
   * permanent; an unpublished last edition can be deleted, and its number goes to the next one.
   */
  readonly id: string;
  readonly year: number;
  /** 第N期 within the year, from 1. */
  readonly issue: number;
  /** 总第N期, from 1, continuing across years. */
  readonly cumulative: number;
  /** Planned publication date, YYYY-MM-DD (China time). */
  readonly date: string;
  readonly status: EditionStatus;
  /** Document ids in placement order (grouped by section when rendered). */
  readonly documents: readonly string[];
  readonly createdAt: string;
  readonly createdBy: string;
  /**
   * Set by the first publish attempt and kept until the edition is published: it freezes the
   * documents (a retry must render the same input, since artifacts are written once) and fixes
   * `publishedAt` so the manifest is identical on every attempt.
   */
  readonly publishing: {
    readonly startedAt: string;
    readonly by: string;
    /** When the tick last queued this stalled publication again (see completion.ts). */
    readonly requeuedAt?: string | undefined;
    /**
     * When the publishing consumer took the queued publication up and began rendering it (queued
     * publishing only); absent while it waits in the queue.
     */
    readonly renderingAt?: string | undefined;
    /** The editor publishes despite the preflight's errors, for this reason. */
    readonly override?: { readonly reason: string } | undefined;
  } | null;
  /**
   * Kept on the published edition when it was published despite preflight errors: who decided,
   * when, why, and how many errors there were.
   */
  readonly preflightOverride?:
    | { readonly reason: string; readonly by: string; readonly at: string; readonly errors: number }
    | null
    | undefined;
  readonly publishedAt: string | null;
  readonly publishedBy: string | null;
  readonly urls: EditionUrls | null;
  /** Per document id, once published. */
  readonly documentUrls: Readonly<Record<string, DocumentUrls>> | null;
  /** When edition.published was queued (after the switch); null until then. */
  readonly announcedAt: string | null;
  /**
   * Why the last publication attempt stopped (rendering failed, a document vanished): the intent
   * is lifted so the editor can fix the edition, and this says what to fix. Cleared by the next
   * attempt. Absent on editions stored before it existed.
   */
  readonly publishFailure?: { readonly at: string; readonly message: string } | null | undefined;
  /**
   * When the public copies of its authentic files reached the site store (AWS: the site bucket
   * CloudFront serves); where a site copy is configured, the site shows the edition only then.
   */
  readonly siteCopiedAt?: string | null | undefined;
  /**
   * The publication attempt whose files the edition is stored under (see attemptBlobKey): 1 when
   * absent. Raised when the files a crashed, never-published attempt left behind no longer match
   * what is rendered now (a setting, template, font or release changed meanwhile).
   */
  readonly attempt?: number | undefined;
  /**
   * When each step after the switch was done (see completion.ts): documents published, the event
   * announced, and each subscriber of edition.published. Absent on editions stored before it
   * existed.
   */
  readonly completion?: Readonly<Partial<Record<CompletionStep, string>>> | undefined;
  /** When edition.published was last sent again because its completion had stalled. */
  readonly reannouncedAt?: string | null | undefined;
  /**
   * Set on an unpublished edition by the creation of the edition after it, just before that
   * edition's record is written (numbering.ts): while it is fresh, this edition cannot be deleted,
   * so a deletion and a creation racing at the tail never leave a hole in the numbers.
   */
  readonly successorAt?: string | undefined;
}

/**
 * The steps that complete a publication after its switch, in order: the documents become
 * "published", edition.published is queued, and its subscriber copies the files to the site
 * store (AWS), records the audit entries and the statuses the edition sets, indexes it for search
 * and fans out repost notices.
 */
export const COMPLETION_STEPS = [
  "documents",
  "announced",
  "siteCopy",
  "audit",
  "statuses",
  "index",
  "fanout",
] as const;
export type CompletionStep = (typeof COMPLETION_STEPS)[number];

/** When a completion step was done, or null. */
export function completionDoneAt(edition: Edition, step: CompletionStep): string | null {
  if (edition.status !== "published") return null;
  const at = edition.completion?.[step];
  if (at) return at;
  if (step === "announced") return edition.announcedAt;
  if (step === "siteCopy") return edition.siteCopiedAt ?? null;
  // Published and announced before the steps were recorded: the old flow did them together.
  if (edition.completion === undefined && edition.announcedAt) return edition.announcedAt;
  return null;
}

export function completionPending(edition: Edition): CompletionStep[] {
  return COMPLETION_STEPS.filter((step) => completionDoneAt(edition, step) === null);
}

/** The rendering-related settings of the gazette. */
export interface EditionSettings {
  readonly masthead: MastheadInfo;
  /** 栏目 in edition order. */
  readonly sections: readonly string[];
  /** The section that holds 政策解读 entries; default 政策解读. */
  readonly interpretationSection?: string | undefined;
  /** Numbering continues from the last edition printed before this system. */
  readonly continueFrom?:
    | { readonly year: number; readonly issue: number; readonly cumulative: number }
    | undefined;
}

export const DEFAULT_INTERPRETATION_SECTION = "政策解读";

export function editionSettingsFrom(
  gazette: GazetteSettings & { readonly serialNumbers?: string; readonly interpretationSection?: string },
): EditionSettings {
  return {
    masthead: { name: gazette.name, publisher: gazette.publisher, serialNumbers: gazette.serialNumbers },
    sections: gazette.sections,
    interpretationSection: gazette.interpretationSection,
  };
}

/** A document as an edition lists it. */
export interface EditionDocumentView {
  readonly id: string;
  readonly title: string;
  readonly docNumber: string | null;
  readonly section: string;
  readonly state: DocumentState;
  readonly policy: boolean;
  readonly interpretations: readonly {
    readonly id: string;
    readonly title: string;
    readonly urls?: DocumentUrls | undefined;
  }[];
  readonly urls?: DocumentUrls | undefined;
}

/**
 * Where a publication stands: requested and waiting in the queue, being rendered, published, or
 * failed (the intent lifted, with the reason). Null for a draft never sent to publication.
 */
export interface PublicationProgress {
  readonly state: "queued" | "rendering" | "published" | "failed";
  /** When publication was requested (the edition frozen). */
  readonly requestedAt: string | null;
  readonly renderingAt: string | null;
  readonly publishedAt: string | null;
  readonly failure: { readonly at: string; readonly message: string } | null;
}

export function publicationProgress(edition: Edition): PublicationProgress | null {
  const failure = edition.publishFailure ?? null;
  if (edition.status === "published") {
    return {
      state: "published",
      requestedAt: edition.publishedAt,
      renderingAt: null,
      publishedAt: edition.publishedAt,
      failure: null,
    };
  }
  if (edition.publishing) {
    return {
      state: edition.publishing.renderingAt ? "rendering" : "queued",
      requestedAt: edition.publishing.startedAt,
      renderingAt: edition.publishing.renderingAt ?? null,
      publishedAt: null,
      failure: null,
    };
  }
  return failure
    ? { state: "failed", requestedAt: null, renderingAt: null, publishedAt: null, failure }
    : null;
}

/** GET /api/editions/{id}. */
export interface EditionView {
  readonly id: string;
  readonly year: number;
  readonly issue: number;
  readonly cumulative: number;
  readonly date: string;
  readonly status: EditionStatus;
  readonly publishing: boolean;
  /** Where the publication stands (queued → rendering → published, or failed); null before any. */
  readonly publication: PublicationProgress | null;
  /** Why the last publication attempt failed, until the next attempt. */
  readonly publishFailure: { readonly at: string; readonly message: string } | null;
  /** Published despite preflight errors: by whom, when, why. */
  readonly preflightOverride: {
    readonly reason: string;
    readonly by: string;
    readonly at: string;
    readonly errors: number;
  } | null;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly publishedAt: string | null;
  readonly publishedBy: string | null;
  readonly documents: readonly EditionDocumentView[];
  readonly urls?: EditionUrls | undefined;
  /** The publication attempt (1 unless a crashed attempt's files had to be left behind). */
  readonly attempt: number;
  /**
   * Once published: each step that completes the publication, with when it was done (null while
   * pending; the tick resumes pending steps by itself). Null for a draft.
   */
  readonly completion: {
    readonly complete: boolean;
    readonly steps: readonly { readonly step: CompletionStep; readonly doneAt: string | null }[];
  } | null;
}

/** One line of GET /api/editions. */
export type EditionSummary = Pick<
  Edition,
  "id" | "year" | "issue" | "cumulative" | "date" | "status" | "createdAt" | "publishedAt"
> & { readonly documentCount: number; readonly urls?: EditionUrls | undefined };

export function summarizeEdition(edition: Edition): EditionSummary {
  const { id, year, issue, cumulative, date, status, createdAt, publishedAt, urls } = edition;
  return {
    id,
    year,
    issue,
    cumulative,
    date,
    status,
    createdAt,
    publishedAt,
    documentCount: edition.documents.length,
    ...(urls ? { urls } : {}),
  };
}

/**
 * Issuing bodies (发文机关: a department or a city government), their submissions to the gazette
 * office and the register of normative documents each has issued (issue 16, 应登尽登).
 */
import type { DocumentUrls, EditionUrls } from "../editions/model.js";

/** One issuing body: its name as documents print it among their issuers, and its GB/T 2260 code. */
export interface IssuingBody {
  /** Stable id (lower-case letters, digits, `-`), e.g. `sc-jyt`: what accounts and tokens name. */
  readonly id: string;
  /** As documents name it among their issuers: 四川省教育厅. */
  readonly name: string;
  /** GB/T 2260 administrative division code, six digits: 510000, 510100. */
  readonly regionCode: string;
  /** Where each change of a submission's state is announced (POST, JSON); null: none. */
  readonly webhookUrl: string | null;
  /**
   * The address of the body's submitter (报送联系人) to which each change of a submission is
   * e-mailed, where the gazette sends mail (GAZETTE_SMTP_URL or GAZETTE_SES_IDENTITY); null: none.
   * Bodies registered before it existed have none (undefined reads as null).
   */
  readonly email?: string | null | undefined;
  readonly createdAt: string;
  readonly createdBy: string;
}

/**
 * Where a submission stands, as its submitter sees it:
 * received (报送, waiting for the gazette office), returned (退文, with the reason), accepted
 * (受理: a document of the gazette office's intake), placed (编入第N期), published (刊登, with its
 * citation and URLs).
 */
export const SUBMISSION_STATES = ["received", "returned", "accepted", "placed", "published"] as const;
export type SubmissionState = (typeof SUBMISSION_STATES)[number];

export const SUBMISSION_STATE_LABELS: Record<SubmissionState, string> = {
  received: "已报送，待受理",
  returned: "已退文",
  accepted: "已受理",
  placed: "已编入期刊",
  published: "已刊登",
};

/** The edition a submission's document is in. */
export interface SubmissionEdition {
  readonly id: string;
  readonly year: number;
  readonly issue: number;
  readonly cumulative: number;
  /** 2025年第3期（总第51期） */
  readonly label: string;
}

/**
 * One change of a submission, kept for good: the submission's history and its submitter's inbox.
 * Each is written once (its seq is the concurrency guard) and announced through the outbox.
 */
export interface SubmissionEvent {
  readonly submissionId: string;
  readonly bodyId: string;
  /** 1 for the first submission, then one more per change. */
  readonly seq: number;
  readonly at: string;
  readonly state: SubmissionState;
  /** Who made the change: the submitter (received), an editor (returned, accepted), or `system`. */
  readonly by: string;
  /** 退文: why. */
  readonly reason?: string | undefined;
  /** received: the submission as sent (the API's DocumentSubmission). */
  readonly input?: unknown;
  /** received: the .docx sent with it (its text is the document's body), kept content-addressed. */
  readonly docx?: SubmittedDocx | undefined;
  readonly title: string;
  readonly docNumber: string | null;
  readonly documentId?: string | undefined;
  readonly edition?: SubmissionEdition | undefined;
  /** published: 《四川省人民政府公报》2025年第3期（总第51期）第5页 */
  readonly citation?: string | undefined;
  readonly urls?:
    | { readonly document: DocumentUrls | null; readonly edition: EditionUrls | null }
    | undefined;
  /** Random per write: a retried write recognises its own event (not shown). */
  readonly writeId?: string | undefined;
}

/** A .docx a submitter sent: `originals/<sha256>.docx`, as intake keeps uploaded originals. */
export interface SubmittedDocx {
  readonly blobKey: string;
  readonly sha256: string;
  readonly filename: string | null;
}

/** A submission as it stands: the fold of its events. */
export interface SubmissionView {
  readonly id: string;
  readonly bodyId: string;
  readonly bodyName: string;
  /** Who sent it first: a submitter's account, or `body:<id>` for the body's own system (API). */
  readonly submittedBy: string;
  readonly submittedAt: string;
  readonly title: string;
  readonly docNumber: string | null;
  readonly state: SubmissionState;
  readonly updatedAt: string;
  readonly seq: number;
  readonly returnReason: string | null;
  readonly documentId: string | null;
  readonly edition: SubmissionEdition | null;
  readonly citation: string | null;
  readonly urls: SubmissionEvent["urls"] | null;
  /** Every change, oldest first (without the submitted content). */
  readonly history: readonly Omit<SubmissionEvent, "input" | "writeId" | "docx">[];
  /** The .docx of the last sending, when it came as one (its name). */
  readonly docxFilename?: string | null | undefined;
}

/** GB/T 2260 province-level prefixes (the first two digits of every code). */
const PROVINCE_PREFIXES = new Set([
  "11",
  "12",
  "13",
  "14",
  "15",
  "21",
  "22",
  "23",
  "31",
  "32",
  "33",
  "34",
  "35",
  "36",
  "37",
  "41",
  "42",
  "43",
  "44",
  "45",
  "46",
  "50",
  "51",
  "52",
  "53",
  "54",
  "61",
  "62",
  "63",
  "64",
  "65",
  "71",
  "81",
  "82",
]);

/**
 * Whether a six-digit code is a GB/T 2260 division code: a province-level prefix, then a
 * prefecture part (00 for the province itself) and a county part (00 for the prefecture itself).
 */
export function isRegionCode(code: string): boolean {
  return /^\d{6}$/.test(code) && PROVINCE_PREFIXES.has(code.slice(0, 2));
}

/** The announcement of a change (events queue); its consumer reads the event it names. */
export const SUBMISSION_CHANGED = "submission.changed";

export interface SubmissionChangedEvent {
  readonly type: typeof SUBMISSION_CHANGED;
  readonly submissionId: string;
  readonly bodyId: string;
  readonly seq: number;
}

export const BODY_ID = /^[a-z0-9][a-z0-9-]{1,39}$/;

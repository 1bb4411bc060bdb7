import type { Attachment, Block } from "./blocks.js";

export const DISCLOSURE_ATTRIBUTES = ["public", "on_request", "not_public"] as const;
export type DisclosureAttribute = (typeof DISCLOSURE_ATTRIBUTES)[number];

/** Chinese labels used on pages and in exports. */
export const DISCLOSURE_LABELS: Record<DisclosureAttribute, string> = {
  public: "主动公开",
  on_request: "依申请公开",
  not_public: "不予公开",
};

/** 文种 under the 党政机关公文处理工作条例, plus the regulation forms carried by gazettes. */
export const DOCUMENT_KINDS = [
  "决议",
  "决定",
  "命令",
  "令",
  "公报",
  "公告",
  "通告",
  "意见",
  "通知",
  "通报",
  "报告",
  "请示",
  "批复",
  "议案",
  "函",
  "纪要",
  "办法",
  "规定",
  "条例",
  "细则",
  "规则",
  "规划",
  "方案",
  "任免",
  "其他",
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const SITE_LEVELS = ["province_dept", "city", "county", "township"] as const;
export type SiteLevel = (typeof SITE_LEVELS)[number];

export const REPOST_SCOPES = ["none", "all", "targeted"] as const;
export type RepostScope = (typeof REPOST_SCOPES)[number];

export const INTERPRETATION_FORMS = ["text", "qa", "graphic"] as const;
export type InterpretationForm = (typeof INTERPRETATION_FORMS)[number];

export interface Disclosure {
  readonly attribute: DisclosureAttribute;
  readonly reason: string | null;
}

/** 保密审查: whoever publishes, reviews. */
export interface ConfidentialityReview {
  readonly reviewer: string;
  readonly date: string;
  readonly result: "passed";
}

export interface Approval {
  readonly approver: string;
  readonly date: string;
}

export interface Interpretation {
  readonly id: string;
  readonly title: string;
  readonly form: InterpretationForm;
  readonly blocks: readonly Block[];
}

export interface NormativeValidity {
  readonly validFrom: string;
  readonly validUntil: string;
}

export interface Relations {
  readonly repeals: readonly string[];
  readonly amends: readonly string[];
  /**
   * 宣布失效: documents this act declares no longer in force. Records stored before the field
   * existed lack it: read with `?? []`.
   */
  readonly expires?: readonly string[];
}

export interface RepostRequirement {
  readonly scope: RepostScope;
  readonly regions: readonly string[];
  readonly levels: readonly SiteLevel[];
  readonly sectors: readonly string[];
  readonly deadlineWorkingDays: number | null;
}

export interface DocumentSource {
  readonly format: "json" | "docx";
  /**
   * Blob key of the original as received, content-addressed: the uploaded .docx, or the JSON
   * submission (`originals/<sha256>.json`, re-serialised from the parsed body). Null for JSON
   * documents accepted before originals were kept.
   */
  readonly blobKey: string | null;
  readonly sha256: string | null;
  readonly filename: string | null;
}

/** Intake state; editions move it on to placed/published. */
export type DocumentState = "accepted" | "placed" | "published";

/** An approved document as accepted by intake. */
export interface GazetteDocument {
  readonly id: string;
  readonly state: DocumentState;
  readonly receivedAt: string;
  readonly receivedBy: string;
  readonly title: string;
  /** 发文字号 as submitted (trimmed). */
  readonly docNumber: string | null;
  /** Normalised form used for comparisons and look-ups. */
  readonly docNumberNormalized: string | null;
  readonly issuers: readonly string[];
  readonly dateWritten: string;
  readonly kind: DocumentKind;
  readonly section: string;
  readonly addressees: string | null;
  readonly blocks: readonly Block[];
  readonly attachments: readonly Attachment[];
  readonly signer: string | null;
  readonly cc: string | null;
  readonly printed: { readonly by: string; readonly date: string } | null;
  readonly disclosure: Disclosure;
  readonly review: ConfidentialityReview;
  readonly approval: Approval;
  readonly policy: boolean;
  readonly interpretations: readonly Interpretation[];
  readonly normative: NormativeValidity | null;
  readonly relations: Relations;
  /**
   * For a 勘误 (correction): the 发文字号 of the documents it corrects; [] otherwise. Records stored
   * before the field existed lack it: read with `?? []`.
   */
  readonly corrects: readonly string[];
  readonly repost: RepostRequirement;
  readonly source: DocumentSource;
  /** Things an editor should look at that do not block acceptance. */
  readonly warnings: readonly string[];
}

/** What a list shows. */
export type DocumentSummary = Pick<
  GazetteDocument,
  | "id"
  | "state"
  | "receivedAt"
  | "title"
  | "docNumber"
  | "issuers"
  | "dateWritten"
  | "kind"
  | "section"
  | "disclosure"
  | "policy"
>;

export function summarize(doc: GazetteDocument): DocumentSummary {
  const { id, state, receivedAt, title, docNumber, issuers, dateWritten, kind, section, disclosure, policy } =
    doc;
  return { id, state, receivedAt, title, docNumber, issuers, dateWritten, kind, section, disclosure, policy };
}

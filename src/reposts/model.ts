/**
 * The reposts domain: subordinate sites (转载单位) registered by editors, and one repost notice per
 * (document, site) that tracks delivery, acknowledgement, verification and the deadline.
 */
import { SITE_LEVELS, type SiteLevel } from "../documents/model.js";

export { SITE_LEVELS, type SiteLevel };

export type SiteDelivery =
  | { readonly type: "webhook"; readonly url: string }
  | {
      readonly type: "sqs";
      readonly queueUrl: string;
      /**
       * A role in the site's account that may send to its queue, assumed with ExternalId = the
       * site id; without it the queue policy must grant the delivery role itself.
       */
      readonly roleArn?: string | undefined;
    };

export type SiteStatus = "active" | "disabled";

/** A webhook signing secret; several are valid at once while a rotation's grace period runs. */
export interface SigningSecret {
  /** `whsec_<base64>` (Standard Webhooks). */
  readonly secret: string;
  readonly createdAt: string;
  /** Set on the old secret when it is rotated out; signatures stop using it after this time. */
  readonly expiresAt: string | null;
}

/** The stored site, with credentials (never returned by the API). */
export interface SiteRecord {
  readonly id: string;
  readonly name: string;
  readonly level: SiteLevel;
  /** GB/T 2260 six-digit code; its prefix covers its subdivisions. */
  readonly region: string;
  readonly sectors: readonly string[];
  readonly delivery: SiteDelivery;
  readonly status: SiteStatus;
  readonly disabledReason: string | null;
  /** SHA-256 (hex) of the site's API token; the token itself is shown once, at registration. */
  readonly tokenHash: string;
  readonly secrets: readonly SigningSecret[];
  /** When the webhook last answered the WebSub-style challenge; null for SQS delivery. */
  readonly verifiedAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What GET /api/sites shows. */
export interface SiteView {
  readonly id: string;
  readonly name: string;
  readonly level: SiteLevel;
  readonly region: string;
  readonly sectors: readonly string[];
  readonly delivery: SiteDelivery;
  readonly status: SiteStatus;
  readonly disabledReason: string | null;
  readonly verifiedAt: string | null;
  /** How many signing secrets sign deliveries now (2 during a rotation's grace period). */
  readonly activeSecrets: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function siteView(site: SiteRecord, now: Date): SiteView {
  const { tokenHash: _t, secrets, ...rest } = site;
  return { ...rest, activeSecrets: activeSecrets(site, now).length };
}

export function activeSecrets(site: Pick<SiteRecord, "secrets">, now: Date): SigningSecret[] {
  const t = now.getTime();
  return site.secrets.filter((s) => s.expiresAt === null || Date.parse(s.expiresAt) > t);
}

export type DeliveryState = "pending" | "retrying" | "delivered" | "failed";
export type VerificationState = "pending" | "verified" | "failed";

export interface NoticeDelivery {
  readonly state: DeliveryState;
  /** Attempts made so far. */
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly deliveredAt: string | null;
  readonly failedAt: string | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  /** The attempt in progress: a duplicate message for it is dropped while the lease holds. */
  readonly lease: { readonly messageId: string; readonly attempt: number; readonly until: string } | null;
}

export interface NoticeVerification {
  readonly state: VerificationState;
  readonly reason: string | null;
  readonly checkedAt: string | null;
  readonly checks: number;
  /** When the page is fetched again (re-check), or null when no more checks are due. */
  readonly nextCheckAt: string | null;
}

/** One repost notice: document × site. Its id is `${documentId}.${siteId}`. */
export interface RepostNotice {
  readonly id: string;
  readonly documentId: string;
  readonly siteId: string;
  readonly editionId: string;
  readonly createdAt: string;
  /** Snapshots for reports, so a report needs no join. */
  readonly site: { readonly name: string; readonly region: string; readonly level: SiteLevel };
  readonly document: {
    readonly title: string;
    readonly docNumber: string | null;
    /** When the document was published; absent on notices stored before it was kept (the rebuild adds it). */
    readonly publishedAt?: string | undefined;
  };
  /** Last day (China date, inclusive) to repost. */
  readonly deadline: string;
  /** The deadline lies past the holiday schedule known to the calendar and may move. */
  readonly deadlineProvisional: boolean;
  readonly delivery: NoticeDelivery;
  readonly ack: { readonly url: string; readonly at: string } | null;
  readonly verification: NoticeVerification | null;
  readonly reminderSentAt: string | null;
  readonly overdueAt: string | null;
  /**
   * The first China date a reminder may go out (due.ts reminderDay), set at fan-out; absent on
   * notices stored before it existed (the due-index rebuild adds it).
   */
  readonly remindFrom?: string | undefined;
}

/**
 * What a notice holds before anything has happened to it: its delivery pending from
 * `nextAttemptAt`, no acknowledgement, check, reminder or overdue mark.
 */
export function untouchedNotice(
  nextAttemptAt: string | null,
): Pick<RepostNotice, "delivery" | "ack" | "verification" | "reminderSentAt" | "overdueAt"> {
  return {
    delivery: {
      state: "pending",
      attempts: 0,
      nextAttemptAt,
      deliveredAt: null,
      failedAt: null,
      lastStatus: null,
      lastError: null,
      lease: null,
    },
    ack: null,
    verification: null,
    reminderSentAt: null,
    overdueAt: null,
  };
}

/** The compliance status a notice shows. */
export type NoticeStatus =
  | "pending"
  | "delivered"
  | "failed"
  | "acknowledged"
  | "verified"
  | "verification_failed";

export function noticeStatus(notice: RepostNotice): NoticeStatus {
  if (notice.verification?.state === "verified") return "verified";
  if (notice.verification?.state === "failed") return "verification_failed";
  if (notice.ack) return "acknowledged";
  if (notice.delivery.state === "delivered") return "delivered";
  if (notice.delivery.state === "failed") return "failed";
  return "pending";
}

/** The China date (UTC+8) of an instant. */
export function chinaDate(at: Date | string): string {
  const ms = typeof at === "string" ? Date.parse(at) : at.getTime();
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}

const deadlineEnds = new Map<string, number>();

/**
 * End of the deadline day in China (UTC+8, no daylight saving). Remembered per date: a tick asks
 * it five or six times for each of 1,000 notices, and Date.parse of a time with an offset takes
 * ~1 µs (~6 ms a tick); notices share a few deadlines.
 */
export function deadlineEnd(deadline: string): number {
  let end = deadlineEnds.get(deadline);
  if (end === undefined) {
    end = Date.parse(`${deadline}T23:59:59.999+08:00`);
    if (deadlineEnds.size >= 4096) deadlineEnds.clear();
    deadlineEnds.set(deadline, end);
  }
  return end;
}

/**
 * Overdue: the deadline day is over and the site has not reposted — no acknowledgement, or one
 * whose page failed verification. A page acknowledged in time and still being checked is not.
 */
export function isOverdue(notice: RepostNotice, now: Date): boolean {
  if (now.getTime() <= deadlineEnd(notice.deadline)) return false;
  if (!notice.ack) return true;
  return notice.verification?.state === "failed";
}

export function noticeId(documentId: string, siteId: string): string {
  return `${documentId}.${siteId}`;
}

export function parseNoticeId(id: string): { documentId: string; siteId: string } | undefined {
  const m = /^([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{1,64})$/.exec(id);
  return m?.[1] && m[2] ? { documentId: m[1], siteId: m[2] } : undefined;
}

/** The repost part of a published document, as fan-out reads it. */
export interface RepostTargeting {
  readonly scope: "none" | "all" | "targeted";
  readonly regions: readonly string[];
  readonly levels: readonly SiteLevel[];
  readonly sectors: readonly string[];
}

/**
 * GB/T 2260: 51 0000 province, 5101 00 city, 510104 county. Trailing "00" pairs mean "all of it",
 * so the significant prefix of 510000 is "51" and of 510100 "5101".
 */
export function regionPrefix(code: string): string {
  if (code.endsWith("0000")) return code.slice(0, 2);
  if (code.endsWith("00")) return code.slice(0, 4);
  return code;
}

export function regionCovers(target: string, siteRegion: string): boolean {
  return siteRegion.startsWith(regionPrefix(target));
}

/**
 * Whether a document's repost requirement reaches a site. Regions, levels and sectors each narrow
 * the targets when given (empty means any). A site without sectors is a comprehensive government
 * site (a city's or county's portal) and carries every sector's policy, so a sector filter narrows
 * only sector-specific sites (departments).
 */
export function targets(
  requirement: RepostTargeting,
  site: Pick<SiteRecord, "region" | "level" | "sectors">,
) {
  if (requirement.scope === "all") return true;
  if (requirement.scope !== "targeted") return false;
  if (requirement.regions.length && !requirement.regions.some((r) => regionCovers(r, site.region)))
    return false;
  if (requirement.levels.length && !requirement.levels.includes(site.level)) return false;
  if (
    requirement.sectors.length &&
    site.sectors.length &&
    !requirement.sectors.some((s) => site.sectors.includes(s))
  ) {
    return false;
  }
  return true;
}

/**
 * Record layout of the status module in the single table.
 *
 *   pk PUBLISHED_DOCNO#<docNumberKey>  sk <issuer>                               a published 发文字号
 *   pk STATUS#<targetId>              sk <publishedAt>#<kind>#<sourceId>        a later document changed it
 *   pk PENDING_REF#<docNumberKey>     sk <kind>#<sourceId>#<issuer index>       a reference to a 发文字号
 *                                                                                not published (yet)
 *
 * Every record is written with `absent`: a change, once recorded, is never rewritten, and
 * processing the same edition again finds everything in place.
 */

/** What a later document does to an earlier one (expires: 宣布失效, declares it no longer in force). */
export type ChangeKind = "repeals" | "amends" | "expires" | "corrects";

export const CHANGE_KINDS: readonly ChangeKind[] = ["repeals", "amends", "expires", "corrects"];

/** A published document, found by its 发文字号. */
export interface PublishedDocNumber {
  readonly documentId: string;
  readonly editionId: string;
  readonly title: string;
  readonly docNumber: string;
  readonly issuer: string;
  readonly publishedAt: string;
}

/** The document that did something to the target, as the target's page links to it. */
export interface StatusChange {
  readonly kind: ChangeKind;
  readonly targetId: string;
  readonly sourceId: string;
  readonly sourceTitle: string;
  readonly sourceDocNumber: string | null;
  readonly sourceEditionId: string;
  /** The source edition's date (YYYY-MM-DD): the day the change took effect in the gazette. */
  readonly sourceDate: string;
  /** When the source's edition was published (ISO). */
  readonly publishedAt: string;
  /** The reference as written in the source. */
  readonly reference: string;
}

/** A reference waiting for its target to be published. */
export interface PendingReference extends Omit<StatusChange, "targetId"> {
  readonly sourceIssuers: readonly string[];
}

export function publishedDocNumberKeys(key: string, issuer: string) {
  return { pk: `PUBLISHED_DOCNO#${key}`, sk: issuer.trim() };
}

export function publishedDocNumberPartition(key: string): string {
  return `PUBLISHED_DOCNO#${key}`;
}

export function statusPartition(targetId: string): string {
  return `STATUS#${targetId}`;
}

export function changeKeys(change: Pick<StatusChange, "targetId" | "publishedAt" | "kind" | "sourceId">) {
  return {
    pk: statusPartition(change.targetId),
    sk: `${change.publishedAt}#${change.kind}#${change.sourceId}`,
  };
}

export function pendingPartition(key: string): string {
  return `PENDING_REF#${key}`;
}

export function pendingKeys(key: string, pending: Pick<PendingReference, "kind" | "sourceId" | "reference">) {
  return { pk: pendingPartition(key), sk: `${pending.kind}#${pending.sourceId}#${pending.reference}` };
}

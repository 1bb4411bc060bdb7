/**
 * Record layout of the reposts module in the single table.
 *
 *   pk SITE#<siteId>            sk SITE              the site (SiteRecord); gsi1 SITES / <siteId>
 *   pk REPOSTS#<documentId>     sk SITE#<siteId>     the notice (RepostNotice);
 *                                                    gsi1 SITE_REPOSTS#<siteId> / <createdAt>#<documentId>
 *                                                    gsi2 DUE#<day>#<shard> / <due time>#<id> (due.ts),
 *                                                    only while something is pending
 *   pk REPOST_DOCS              sk <documentId>      a document that was fanned out (RepostDocument)
 *   the report's counters and overdue list: counters.ts
 *
 * A notice's key is its (document, site) pair, so a conditional absent put is the "exactly one
 * notice" guard. Fan-out pages through the SITES index; a document's notices are one query; a
 * site's notices one index query.
 */
import { ConditionFailedError } from "../platform/errors.js";
import type { Platform, RecordIndexKeys, RecordKey, StoredRecord } from "../platform/ports.js";
import { counterWrites } from "./counters.js";
import { dueIndex } from "./due.js";
import type { RepostNotice } from "./model.js";

export const SITES_INDEX = "SITES";
export const REPOST_DOCS_PARTITION = "REPOST_DOCS";

export function siteKeys(siteId: string) {
  return { pk: `SITE#${siteId}`, sk: "SITE" };
}

export function siteIndex(siteId: string) {
  return { gsi1pk: SITES_INDEX, gsi1sk: siteId };
}

export function noticeKeys(documentId: string, siteId: string) {
  return { pk: noticePartition(documentId), sk: `SITE#${siteId}` };
}

export function noticePartition(documentId: string): string {
  return `REPOSTS#${documentId}`;
}

export function siteNoticesPartition(siteId: string): string {
  return `SITE_REPOSTS#${siteId}`;
}

/** A notice's index keys: its site's list (gsi1) and, while something is pending, the due index. */
export function noticeIndex(notice: RepostNotice, writtenAt: Date): RecordIndexKeys {
  return {
    gsi1pk: siteNoticesPartition(notice.siteId),
    gsi1sk: `${notice.createdAt}#${notice.documentId}`,
    ...dueIndex(notice, writtenAt),
  };
}

const MAX_ATTEMPTS = 20;

/**
 * Read-modify-write of one notice under its version (optimistic concurrency, retried when another
 * writer got there first) that files it again under its due time and moves the report's counters
 * (counters.ts) in the same transaction: every notice write goes through here or `createNotice`.
 * `change` returns the new notice, or undefined to leave it as it is. Returns the notice as it ends
 * up, or undefined when it does not exist. `known`, a copy just read, saves the first read.
 */
export async function updateNotice(
  platform: Pick<Platform, "records" | "clock">,
  key: RecordKey,
  change: (current: RepostNotice) => RepostNotice | undefined,
  known?: StoredRecord<RepostNotice>,
): Promise<StoredRecord<RepostNotice> | undefined> {
  const { records } = platform;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = attempt === 0 && known ? known : await records.get<RepostNotice>(key);
    if (!current) return undefined;
    const next = change(current.data);
    if (next === undefined) return current;
    const record = { ...key, data: next, index: noticeIndex(next, platform.clock.now()) };
    const condition = { kind: "version", version: current.version } as const;
    const counted = counterWrites(current.data, next);
    try {
      if (counted.length === 0) return await records.put<RepostNotice>(record, condition);
      await records.transact([{ put: record, condition }, ...counted]);
      return { ...record, version: current.version + 1 };
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }
  throw new ConditionFailedError(
    `Notice ${key.pk}/${key.sk} kept changing; giving up after ${MAX_ATTEMPTS} tries`,
  );
}

/** Stores a new notice and counts it; ConditionFailedError when it exists already (counted once). */
export async function createNotice(
  platform: Pick<Platform, "records" | "clock">,
  notice: RepostNotice,
): Promise<void> {
  await platform.records.transact([
    {
      put: {
        ...noticeKeys(notice.documentId, notice.siteId),
        data: notice,
        index: noticeIndex(notice, platform.clock.now()),
      },
      condition: { kind: "absent" },
    },
    ...counterWrites(undefined, notice),
  ]);
}

export function repostDocumentKeys(documentId: string) {
  return { pk: REPOST_DOCS_PARTITION, sk: documentId };
}

/** A fanned-out document: what the report and the periodic tick start from. */
export interface RepostDocument {
  readonly documentId: string;
  readonly editionId: string;
  readonly title: string;
  readonly docNumber: string | null;
  readonly publishedAt: string;
  readonly deadline: string;
  readonly deadlineProvisional: boolean;
  /**
   * The late-registration sweep (a second fan-out pass, see fanout.ts): queued once by the first
   * pass's last page. `queuedBy` is the SQS message id that queued it, so a redelivery of that
   * message queues it again (it may have crashed before the send) and no other message does.
   * Absent on documents fanned out before the sweep existed, or while the first pass runs.
   */
  readonly sweep?: {
    readonly queuedAt: string;
    readonly queuedBy: string;
    /** When the sweep's last page was done; a sweep message arriving later does nothing. */
    readonly doneAt: string | null;
  };
}

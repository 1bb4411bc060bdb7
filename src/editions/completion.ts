/**
 * Publishing that finishes itself. The edition record is the durable record of a publication:
 * once switched to "published" it notes each completion step as it is done (model.ts
 * COMPLETION_STEPS). The tick (every minute locally, the EventBridge schedule in AWS) and the
 * start of `npm start` look at every published edition and resume what is pending:
 *   - not announced (a crash between the switch and queueing edition.published): the documents
 *     become "published" and the event is queued (publish.ts completePublication);
 *   - announced, but a subscriber step still pending after `staleSeconds` (its message was lost,
 *     dead-lettered, or the consumer crashed for good): the same event is queued again. Every
 *     subscriber is idempotent, and the events consumer skips the steps already noted.
 * Locally (`requeueFrozen`) it also queues again a publication that froze its edition and then
 * stalled before the switch (the process died mid-render).
 */
import { EVENTS_QUEUE } from "../documents/events.js";
import type { Platform, RecordStore, StoredRecord } from "../platform/ports.js";
import { updateRecord } from "../reposts/store.js";
import { type CompletionStep, completionPending, type Edition } from "./model.js";
import {
  completePublication,
  loadEdition,
  PUBLISHING_QUEUE,
  type PublishRequestedMessage,
  publishedEvent,
} from "./publish.js";
import { editionKeys, editionPage } from "./records.js";

/** An announced edition whose subscriber steps are pending this long gets its event again. */
export const DEFAULT_COMPLETION_STALE_SECONDS = 900;

/** Notes a completion step on a published edition (idempotent: the first time is kept). */
export async function markCompletionStep(
  records: RecordStore,
  editionId: string,
  step: CompletionStep,
  at: string,
): Promise<void> {
  const current = await loadEdition(records, editionId);
  if (current?.data.status !== "published") return;
  await updateRecord<Edition>(
    records,
    editionKeys(current.data.cumulative),
    (edition) =>
      edition.completion?.[step]
        ? undefined
        : { ...edition, completion: { ...edition.completion, [step]: at } },
    undefined,
    current,
  );
}

/** Whether the events consumer still has to do a step for this edition. */
export async function completionStepPending(
  records: RecordStore,
  editionId: string,
  step: CompletionStep,
): Promise<boolean> {
  const current = await loadEdition(records, editionId);
  if (!current) return true;
  return completionPending(current.data).includes(step);
}

export interface CompletionSweepResult {
  /** Frozen drafts whose publication had stalled (a crash mid-render) and was queued again. */
  readonly requeued: string[];
  /** Published editions whose announcement was missing and has now been queued. */
  readonly announced: string[];
  /** Announced editions whose stalled steps got their event again. */
  readonly reannounced: string[];
}

/**
 * One pass over the editions: resumes every published edition whose completion is pending. Safe
 * to run twice or concurrently (conditional writes; the consumers are idempotent).
 */
export async function resumeCompletions(
  platform: Pick<Platform, "records" | "queues" | "clock" | "blobs">,
  options: {
    readonly staleSeconds?: number | undefined;
    /**
     * Also queue again, on the publishing queue, a publication that froze its edition and then
     * stalled (the process died mid-render). Where publications go through that queue anyway
     * (AWS), its redelivery does this and this stays off.
     */
    readonly requeueFrozen?: boolean | undefined;
  } = {},
): Promise<CompletionSweepResult> {
  const staleMs = (options.staleSeconds ?? DEFAULT_COMPLETION_STALE_SECONDS) * 1000;
  const now = () => platform.clock.now();
  const result = { requeued: [] as string[], announced: [] as string[], reannounced: [] as string[] };
  let cursor: string | undefined;
  do {
    const page = await editionPage(platform.records, { cursor, limit: 100 });
    cursor = page.cursor;
    for (const record of page.items) {
      const edition = record.data;
      if (edition.status !== "published") {
        if (options.requeueFrozen && (await requeueStalled(platform, record, staleMs))) {
          result.requeued.push(edition.id);
        }
        continue;
      }
      const pending = completionPending(edition);
      if (pending.length === 0) continue;
      if (!edition.announcedAt) {
        await completePublication(platform, record, now);
        result.announced.push(edition.id);
        continue;
      }
      const last = Date.parse(edition.reannouncedAt ?? edition.announcedAt);
      if (now().getTime() - last < staleMs) continue;
      // Noted first (a conditional write), so that concurrent ticks send it once.
      let claimed = false;
      const at = now().toISOString();
      await updateRecord<Edition>(
        platform.records,
        editionKeys(edition.cumulative),
        (e) => {
          const seen = Date.parse(e.reannouncedAt ?? e.announcedAt ?? at);
          claimed = now().getTime() - seen >= staleMs;
          return claimed ? { ...e, reannouncedAt: at } : undefined;
        },
        undefined,
        record,
      );
      if (!claimed) continue;
      await platform.queues.send(EVENTS_QUEUE, [{ body: JSON.stringify(publishedEvent(edition)) }]);
      result.reannounced.push(edition.id);
    }
  } while (cursor);
  return result;
}

/** Queues a frozen draft's publication again once it has stalled for `staleMs`; true when sent. */
async function requeueStalled(
  platform: Pick<Platform, "records" | "queues" | "clock">,
  record: StoredRecord<Edition>,
  staleMs: number,
): Promise<boolean> {
  const publishing = record.data.publishing;
  if (!publishing) return false;
  const now = platform.clock.now();
  const since = (p: NonNullable<Edition["publishing"]>) => Date.parse(p.requeuedAt ?? p.startedAt);
  if (now.getTime() - since(publishing) < staleMs) return false;
  // Noted first (a conditional write), so that concurrent ticks queue it once.
  let claimed = false;
  await updateRecord<Edition>(
    platform.records,
    editionKeys(record.data.cumulative),
    (e) => {
      claimed = e.status !== "published" && !!e.publishing && now.getTime() - since(e.publishing) >= staleMs;
      return claimed ? { ...e, publishing: { ...e.publishing!, requeuedAt: now.toISOString() } } : undefined;
    },
    undefined,
    record,
  );
  if (!claimed) return false;
  const message: PublishRequestedMessage = {
    type: "edition.publish",
    editionId: record.data.id,
    requestedBy: publishing.by,
  };
  await platform.queues.send(PUBLISHING_QUEUE, [{ body: JSON.stringify(message) }]);
  return true;
}

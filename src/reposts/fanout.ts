/**
 * Fan-out: a published document with a repost requirement becomes one notice per target site.
 * Each fan-out message covers one page of the registry and queues the next page when it is done,
 * so a large registry is walked in bounded steps and a crash resumes at the page it was on.
 * Notices are written with a conditional absent put on their (document, site) key: however often a
 * page is redone, there is one notice per pair.
 *
 * The registry is paged through an eventually consistent index (DynamoDB gsi1), so a site
 * registered (or re-enabled) moments before publication can be missed. When the first pass's last
 * page is done it queues one sweep for the document, delayed by `sweepSeconds`: the same walk
 * again, which writes and delivers notices only for target sites that have none (the absent put
 * tells) and leaves existing notices alone. One sweep per document: the document's record notes
 * which message queued it, and a sweep arriving after one completed does nothing.
 */

import { readDocument } from "../documents/records.js";
import type { EditionPublishedEvent } from "../editions/publish.js";
import { ConditionFailedError, PermanentMessageError } from "../platform/errors.js";
import type { Platform } from "../platform/ports.js";
import { reminderDay } from "./due.js";
import {
  DELIVERY_QUEUE,
  type DeliverMessage,
  FANOUT_QUEUE,
  type FanoutMessage,
  MAX_DELAY_SECONDS,
  sendInBatches,
} from "./messages.js";
import { chinaDate, noticeId, type RepostNotice, targets, untouchedNotice } from "./model.js";
import { createNotice, noticeKeys, type RepostDocument, repostDocumentKeys } from "./records.js";
import type { SiteRegistry } from "./sites.js";
import { updateRecord } from "./store.js";
import type { WorkingDayCalendar } from "./working-days.js";

/** Working days to repost when the document does not say. */
export const DEFAULT_DEADLINE_WORKING_DAYS = 5;
const DEFAULT_PAGE_SIZE = 500;
/** Delay of the late-registration sweep after the first pass (GAZETTE_REPOST_SWEEP_SECONDS). */
export const DEFAULT_SWEEP_SECONDS = 300;

/** China date of an instant (UTC+8). */
export { chinaDate };

/** edition.published → one fan-out message per document (documents without reposts end there). */
export async function enqueueFanout(
  queues: Platform["queues"],
  event: Pick<EditionPublishedEvent, "editionId" | "publishedAt" | "documents">,
): Promise<void> {
  const messages = event.documents.map((documentId) => ({
    body: JSON.stringify({
      type: "repost.fanout",
      documentId,
      editionId: event.editionId,
      publishedAt: event.publishedAt,
    } satisfies FanoutMessage),
  }));
  await sendInBatches(queues, FANOUT_QUEUE, messages);
}

export interface FanoutOptions {
  readonly platform: Pick<Platform, "records" | "blobs" | "queues" | "clock">;
  readonly registry: SiteRegistry;
  readonly calendar: WorkingDayCalendar;
  /** Sites per fan-out message. Default 500. */
  readonly pageSize?: number | undefined;
  /** Delay of the sweep pass, 1–900 s (SQS's limit); 0 turns the sweep off. Default 300. */
  readonly sweepSeconds?: number | undefined;
}

export class RepostFanout {
  readonly #platform;
  readonly #registry: SiteRegistry;
  readonly #calendar: WorkingDayCalendar;
  readonly #pageSize: number;
  readonly #sweepSeconds: number;

  constructor(options: FanoutOptions) {
    this.#platform = options.platform;
    this.#registry = options.registry;
    this.#calendar = options.calendar;
    this.#pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this.#sweepSeconds = Math.min(MAX_DELAY_SECONDS, options.sweepSeconds ?? DEFAULT_SWEEP_SECONDS);
  }

  /**
   * Handles one fan-out message: notices for one page of sites, then the next page's message, or
   * after the first pass's last page the sweep. `messageId` is the queue's id of the message (the
   * same on every redelivery).
   */
  async process(message: FanoutMessage, messageId: string): Promise<{ created: number; queued: number }> {
    const { records, queues } = this.#platform;
    const found = await readDocument(this.#platform, message.documentId);
    if (!found) throw new PermanentMessageError(`Fan-out: no document ${message.documentId}`);
    const document = found.document;
    // Only 主动公开 documents are ever reposted (intake refuses anything else; checked again here).
    if (document.repost.scope === "none" || document.disclosure.attribute !== "public") {
      return { created: 0, queued: 0 };
    }
    const due = this.#calendar.addWorkingDays(
      chinaDate(message.publishedAt),
      document.repost.deadlineWorkingDays ?? DEFAULT_DEADLINE_WORKING_DAYS,
    );
    const sweep = message.sweep === true;
    if (sweep && !message.cursor) {
      // The sweep's first page: nothing to do if a sweep already completed (a duplicate message).
      const entry = await records.get<RepostDocument>(repostDocumentKeys(document.id));
      if (entry?.data.sweep?.doneAt) return { created: 0, queued: 0 };
    }
    if (!message.cursor && !sweep) {
      const entry: RepostDocument = {
        documentId: document.id,
        editionId: message.editionId,
        title: document.title,
        docNumber: document.docNumber,
        publishedAt: message.publishedAt,
        deadline: due.date,
        deadlineProvisional: due.provisional,
      };
      await records
        .put({ ...repostDocumentKeys(document.id), data: entry }, { kind: "absent" })
        .catch((error) => {
          if (!(error instanceof ConditionFailedError)) throw error;
        });
    }

    const page = await this.#registry.page({ limit: this.#pageSize, cursor: message.cursor });
    const now = this.#platform.clock.now();
    const createdAt = now.toISOString();
    const remindFrom = reminderDay(this.#calendar, due.date);
    const deliveries: DeliverMessage[] = [];
    let created = 0;
    await Promise.all(
      page.sites
        .filter((site) => site.status === "active" && targets(document.repost, site))
        .map(async (site) => {
          const notice: RepostNotice = {
            id: noticeId(document.id, site.id),
            documentId: document.id,
            siteId: site.id,
            editionId: message.editionId,
            createdAt,
            site: { name: site.name, region: site.region, level: site.level },
            document: {
              title: document.title,
              docNumber: document.docNumber,
              publishedAt: message.publishedAt,
            },
            deadline: due.date,
            deadlineProvisional: due.provisional,
            ...untouchedNotice(createdAt),
            remindFrom,
          };
          try {
            await createNotice(this.#platform, notice);
            created += 1;
          } catch (error) {
            if (!(error instanceof ConditionFailedError)) throw error;
            // The sweep leaves every existing notice to the pass that wrote it.
            if (sweep) return;
            // Redone page: queue the first attempt again only if it never happened (a crash
            // between the put and the send); a duplicate message is dropped by the delivery.
            const existing = await records.get<RepostNotice>(noticeKeys(document.id, site.id));
            if (
              !existing ||
              existing.data.delivery.attempts > 0 ||
              existing.data.delivery.state !== "pending"
            )
              return;
          }
          deliveries.push({ type: "repost.deliver", noticeId: notice.id, attempt: 1 });
        }),
    );
    await sendInBatches(
      queues,
      DELIVERY_QUEUE,
      deliveries.map((d) => ({ body: JSON.stringify(d) })),
    );
    if (page.cursor) {
      await queues.send(FANOUT_QUEUE, [
        { body: JSON.stringify({ ...message, cursor: page.cursor } satisfies FanoutMessage) },
      ]);
    } else if (sweep) {
      await this.#sweepDone(document.id);
    } else {
      await this.#queueSweep(message, messageId);
    }
    return { created, queued: deliveries.length };
  }

  /**
   * After the first pass's last page: claim the document's one sweep for this message (under the
   * record's version), then queue it. A redelivery of the claiming message queues it again, since
   * it may have stopped between the claim and the send; the rare second copy finds the sweep done
   * or writes nothing new. Any other first pass (a redelivered event) finds it claimed.
   */
  async #queueSweep(message: FanoutMessage, messageId: string): Promise<void> {
    if (this.#sweepSeconds <= 0) return;
    const { records, queues, clock } = this.#platform;
    const queuedAt = clock.now().toISOString();
    const entry = await updateRecord<RepostDocument>(records, repostDocumentKeys(message.documentId), (d) =>
      d.sweep ? undefined : { ...d, sweep: { queuedAt, queuedBy: messageId, doneAt: null } },
    );
    if (entry?.data.sweep?.queuedBy !== messageId || entry.data.sweep.doneAt) return;
    const body: FanoutMessage = {
      type: "repost.fanout",
      documentId: message.documentId,
      editionId: message.editionId,
      publishedAt: message.publishedAt,
      sweep: true,
    };
    await queues.send(FANOUT_QUEUE, [{ body: JSON.stringify(body), delaySeconds: this.#sweepSeconds }]);
  }

  async #sweepDone(documentId: string): Promise<void> {
    const doneAt = this.#platform.clock.now().toISOString();
    await updateRecord<RepostDocument>(this.#platform.records, repostDocumentKeys(documentId), (d) =>
      d.sweep && !d.sweep.doneAt ? { ...d, sweep: { ...d.sweep, doneAt } } : undefined,
    );
  }
}

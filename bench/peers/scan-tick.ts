/**
 * PEER for bench/reposts-scale.ts: the repost tick as it was before the due index (issue 15),
 * kept verbatim but for its imports: it reads every notice of every document in its follow-up
 * window on every run.
 *
 * The periodic pass over open notices (every minute locally, an EventBridge schedule in AWS):
 * reminders shortly before the deadline, overdue escalation once it has passed, re-checks of
 * acknowledged pages when due, and a nudge for a retry whose queued message was lost.
 * Each step is recorded on the notice with a conditional write before its message is sent, so a
 * tick that runs twice (or concurrently) sends each reminder and escalation once.
 */
import { EVENTS_QUEUE } from "../../src/documents/events.js";
import type { Platform } from "../../src/platform/ports.js";
import { chinaDate } from "../../src/reposts/fanout.js";
import { DELIVERY_QUEUE, type DeliverMessage, sendInBatches } from "../../src/reposts/messages.js";
import { deadlineEnd, isOverdue, type RepostNotice } from "../../src/reposts/model.js";
import { noticeKeys, noticePartition, repostDocumentPages } from "../../src/reposts/records.js";
import { updateRecord } from "../../src/reposts/store.js";
import type { WorkingDayCalendar } from "../../src/reposts/working-days.js";

/** How long after its deadline a document's notices are still looked at (late reposts, re-checks). */
const FOLLOW_UP_DAYS = 60;
/** A retry more than this late has lost its message (the chain of delays resends every 15 min). */
const STALLED_RETRY_SECONDS = 3600;
/** A due re-check is pushed this far ahead when queued, so a lost message is queued again then. */
const RECHECK_RETRY_SECONDS = 3600;

export interface RepostOverdueEvent {
  readonly type: "repost.overdue";
  readonly noticeId: string;
  readonly documentId: string;
  readonly siteId: string;
  readonly siteName: string;
  readonly region: string;
  readonly deadline: string;
  readonly at: string;
}

export interface TickResult {
  readonly reminded: number;
  readonly overdue: number;
  readonly rechecked: number;
  readonly resumed: number;
}

export class ScanningRepostTick {
  readonly #platform;
  readonly #calendar: WorkingDayCalendar;

  constructor(options: {
    platform: Pick<Platform, "records" | "queues" | "clock">;
    calendar: WorkingDayCalendar;
  }) {
    this.#platform = options.platform;
    this.#calendar = options.calendar;
  }

  async run(): Promise<TickResult> {
    const { records } = this.#platform;
    const now = this.#platform.clock.now();
    const today = chinaDate(now);
    // Reminders go out from the working day before the deadline.
    const remindFrom = (deadline: string) => this.#calendar.addWorkingDays(today, 1).date >= deadline;
    const result = { reminded: 0, overdue: 0, rechecked: 0, resumed: 0 };
    const retryCheckAt = new Date(now.getTime() + RECHECK_RETRY_SECONDS * 1000).toISOString();
    // (The documents' listing is now sharded; the peer reads it through its merge, and is otherwise
    // as it was.)
    for await (const docs of repostDocumentPages(records, 100)) {
      for (const doc of docs) {
        if (now.getTime() > deadlineEnd(doc.data.deadline) + FOLLOW_UP_DAYS * 86_400_000) continue;
        let page: string | undefined;
        do {
          const notices = await records.query<RepostNotice>(noticePartition(doc.data.documentId), {
            cursor: page,
            limit: 500,
          });
          page = notices.cursor;
          const events: { body: string }[] = [];
          const escalated: RepostNotice[] = [];
          const work: { body: string }[] = [];
          for (const { data: n } of notices.items) {
            if (
              !n.ack &&
              !n.reminderSentAt &&
              n.delivery.state === "delivered" &&
              now.getTime() <= deadlineEnd(n.deadline) &&
              remindFrom(n.deadline)
            ) {
              if (
                await this.#mark(n, (x) =>
                  x.reminderSentAt ? undefined : { ...x, reminderSentAt: now.toISOString() },
                )
              ) {
                work.push({ body: JSON.stringify({ type: "repost.remind", noticeId: n.id }) });
                result.reminded += 1;
              }
            }
            if (!n.overdueAt && isOverdue(n, now)) {
              if (
                await this.#mark(n, (x) =>
                  x.overdueAt || !isOverdue(x, now) ? undefined : { ...x, overdueAt: now.toISOString() },
                )
              ) {
                const event: RepostOverdueEvent = {
                  type: "repost.overdue",
                  noticeId: n.id,
                  documentId: n.documentId,
                  siteId: n.siteId,
                  siteName: n.site.name,
                  region: n.site.region,
                  deadline: n.deadline,
                  at: now.toISOString(),
                };
                events.push({ body: JSON.stringify(event) });
                escalated.push(n);
                result.overdue += 1;
              }
            }
            const next = n.verification?.nextCheckAt;
            if (n.ack && next && Date.parse(next) <= now.getTime()) {
              if (
                await this.#mark(n, (x) =>
                  x.verification?.nextCheckAt === next
                    ? { ...x, verification: { ...x.verification, nextCheckAt: retryCheckAt } }
                    : undefined,
                )
              ) {
                work.push({ body: JSON.stringify({ type: "repost.verify", noticeId: n.id }) });
                result.rechecked += 1;
              }
            }
            const due = n.delivery.nextAttemptAt;
            if (
              n.delivery.state === "retrying" &&
              !n.delivery.lease &&
              due &&
              now.getTime() - Date.parse(due) > STALLED_RETRY_SECONDS * 1000
            ) {
              const message: DeliverMessage = {
                type: "repost.deliver",
                noticeId: n.id,
                attempt: n.delivery.attempts + 1,
              };
              work.push({ body: JSON.stringify(message) });
              result.resumed += 1;
            }
          }
          await sendInBatches(this.#platform.queues, DELIVERY_QUEUE, work);
          try {
            await sendInBatches(this.#platform.queues, EVENTS_QUEUE, events);
          } catch (error) {
            // Unmark, so that the next tick escalates them again rather than never.
            const at = now.toISOString();
            for (const n of escalated) {
              await this.#mark(n, (x) => (x.overdueAt === at ? { ...x, overdueAt: null } : undefined));
            }
            throw error;
          }
        } while (page);
      }
    }
    return result;
  }

  /** Conditional update of one notice; true when this call changed it. */
  async #mark(notice: RepostNotice, change: (n: RepostNotice) => RepostNotice | undefined): Promise<boolean> {
    let changed = false;
    await updateRecord<RepostNotice>(
      this.#platform.records,
      noticeKeys(notice.documentId, notice.siteId),
      (n) => {
        const next = change(n);
        changed = next !== undefined;
        return next;
      },
    );
    return changed;
  }
}

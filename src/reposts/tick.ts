/**
 * The periodic pass over notices that fall due (every minute locally, an EventBridge schedule in
 * AWS): reminders shortly before the deadline, overdue escalation once it has passed, re-checks of
 * acknowledged pages when due, and a nudge for a retry whose queued message was lost.
 * It reads only the notices whose due time has come, from the due index (due.ts): its cost follows
 * what is due, not every notice stored.
 * Each step is recorded on the notice with a conditional write before its message is sent, so a
 * tick that runs twice (or concurrently) sends each reminder and escalation once; the write also
 * files the notice under its next due time.
 */
import { EVENTS_QUEUE } from "../documents/events.js";
import type { Platform } from "../platform/ports.js";
import {
  DUE_INDEX,
  DUE_SHARDS,
  daysBetween,
  duePartition,
  FOLLOW_UP_DAYS,
  STALLED_RETRY_SECONDS,
} from "./due.js";
import { chinaDate } from "./fanout.js";
import { DELIVERY_QUEUE, type DeliverMessage, sendInBatches } from "./messages.js";
import { deadlineEnd, isOverdue, type RepostNotice } from "./model.js";
import { noticeKeys, updateNotice } from "./records.js";
import type { WorkingDayCalendar } from "./working-days.js";

/** A due re-check is pushed this far ahead when queued, so a lost message is queued again then. */
const RECHECK_RETRY_SECONDS = 3600;
/** Where the tick keeps the earliest day whose due partitions still held something. */
const WATERMARK_KEY = { pk: "REPOST_TICK", sk: "due-watermark" } as const;
const DAY_MS = 86_400_000;

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

export class RepostTick {
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
    const today = now.toISOString().slice(0, 10);
    const result = { reminded: 0, overdue: 0, rechecked: 0, resumed: 0 };
    const stored = await records.get<{ day: string }>(WATERMARK_KEY);
    // Without a watermark (the first tick), look back as far as anything can still be due.
    const from =
      stored?.data.day ?? new Date(now.getTime() - (FOLLOW_UP_DAYS + 40) * DAY_MS).toISOString().slice(0, 10);
    // Due keys sort as "<time>#<notice id>": everything up to now.
    const until = `${now.toISOString()}#\uffff`;
    let earliestLeft: string | undefined;
    for (const day of daysBetween(from, today)) {
      for (let shard = 0; shard < DUE_SHARDS; shard++) {
        let cursor: string | undefined;
        do {
          const page = await records.query<RepostNotice>(duePartition(day, shard), {
            index: DUE_INDEX,
            until,
            cursor,
            limit: 500,
          });
          cursor = page.cursor;
          if (page.items.length > 0 && (earliestLeft === undefined || day < earliestLeft)) earliestLeft = day;
          await this.#handle(
            page.items.map((item) => item.data),
            now,
            result,
          );
        } while (cursor);
      }
    }
    // Next time, start at the earliest day that held something (it may still), a day back at least:
    // a notice written just before midnight by a slower clock lands in the day before.
    const yesterday = new Date(now.getTime() - DAY_MS).toISOString().slice(0, 10);
    const next = earliestLeft !== undefined && earliestLeft < yesterday ? earliestLeft : yesterday;
    if (stored?.data.day !== next) {
      await records
        .put(
          { ...WATERMARK_KEY, data: { day: next } },
          stored ? { kind: "version", version: stored.version } : { kind: "absent" },
        )
        .catch(() => undefined); // another tick moved it; either value is safe
    }
    return result;
  }

  /** The due notices of one page: what each needs, recorded, then sent. */
  async #handle(notices: readonly RepostNotice[], now: Date, result: Record<keyof TickResult, number>) {
    const retryCheckAt = new Date(now.getTime() + RECHECK_RETRY_SECONDS * 1000).toISOString();
    const events: { body: string }[] = [];
    const escalated: RepostNotice[] = [];
    const work: { body: string }[] = [];
    for (const n of notices) {
      const due = workDue(n, now, this.#calendar);
      if (due.remind) {
        if (
          await this.#mark(n, (x) =>
            x.reminderSentAt ? undefined : { ...x, reminderSentAt: now.toISOString() },
          )
        ) {
          work.push({ body: JSON.stringify({ type: "repost.remind", noticeId: n.id }) });
          result.reminded += 1;
        }
      }
      if (due.overdue) {
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
      if (due.recheck) {
        if (
          await this.#mark(n, (x) =>
            x.verification && next && x.verification.nextCheckAt === next
              ? { ...x, verification: { ...x.verification, nextCheckAt: retryCheckAt } }
              : undefined,
          )
        ) {
          work.push({ body: JSON.stringify({ type: "repost.verify", noticeId: n.id }) });
          result.rechecked += 1;
        }
      }
      if (due.resume) {
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
  }

  /** Conditional update of one notice (and its due keys); true when this call changed it. */
  async #mark(notice: RepostNotice, change: (n: RepostNotice) => RepostNotice | undefined): Promise<boolean> {
    let changed = false;
    await updateNotice(this.#platform, noticeKeys(notice.documentId, notice.siteId), (n) => {
      const next = change(n);
      changed = next !== undefined;
      return next;
    });
    return changed;
  }
}

/** What the tick does for a notice at `now`: the conditions its due time (due.ts) must foresee. */
export function workDue(
  n: RepostNotice,
  now: Date,
  calendar: WorkingDayCalendar,
): { remind: boolean; overdue: boolean; recheck: boolean; resume: boolean } {
  const t = now.getTime();
  const end = deadlineEnd(n.deadline);
  if (t > end + FOLLOW_UP_DAYS * DAY_MS)
    return { remind: false, overdue: false, recheck: false, resume: false };
  const next = n.verification?.nextCheckAt;
  const retry = n.delivery.nextAttemptAt;
  return {
    // Reminders go out from the working day before the deadline.
    remind:
      !n.ack &&
      !n.reminderSentAt &&
      n.delivery.state === "delivered" &&
      t <= end &&
      calendar.addWorkingDays(chinaDate(now), 1).date >= n.deadline,
    overdue: !n.overdueAt && isOverdue(n, now),
    recheck: !!n.ack && !!next && Date.parse(next) <= t,
    resume:
      n.delivery.state === "retrying" &&
      !n.delivery.lease &&
      !!retry &&
      t - Date.parse(retry) > STALLED_RETRY_SECONDS * 1000,
  };
}

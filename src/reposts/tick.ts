/**
 * The periodic pass over notices that fall due (every minute locally, an EventBridge schedule in
 * AWS): reminders shortly before the deadline, overdue escalation once it has passed, re-checks of
 * acknowledged pages when due, and a nudge for a retry whose queued message was lost.
 * It reads only the notices whose due time has come, from the due index (due.ts): its cost follows
 * what is due, not every notice stored.
 * Each step is recorded on the notice with a conditional write (under its version), in the same
 * transaction as an outbox entry holding its message and as the report's counters, so a tick that
 * runs twice (or concurrently) marks and counts each reminder and escalation once, and a tick killed
 * after the commit leaves the message for the outbox relay, not lost; the write also files the
 * notice under its next due time. The marks of many due notices share a transaction
 * (updateNotices), and the index copy stands in for a read: a busy tick costs a few transactions.
 */
import { EVENTS_QUEUE } from "../documents/events.js";
import { type OutboxNote, outboxEntryWrite } from "../platform/outbox.js";
import {
  MAX_TRANSACTION_WRITES,
  type Platform,
  type StoredRecord,
  type TransactionWrite,
} from "../platform/ports.js";
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
import { type Alongside, type NoticeUpdate, noticeKeys, updateNotices } from "./records.js";
import type { WorkingDayCalendar } from "./working-days.js";

/** A due re-check is pushed this far ahead when queued, so a lost message is queued again then. */
const RECHECK_RETRY_SECONDS = 3600;
/** Where the tick keeps the earliest day whose due partitions still held something. */
const WATERMARK_KEY = { pk: "REPOST_TICK", sk: "due-watermark" } as const;
const DAY_MS = 86_400_000;
/** Due notices handled together (their marks share transactions; see updateNotices). */
const HANDLE_BATCH = 1000;
/** Escalations one repost.overdue event carries at most (~250 bytes each: ~25 KB; SQS takes 1 MiB). */
const OVERDUE_PER_EVENT = 100;
/** Due notices read from one partition at a time. */
const DUE_PAGE = 250;
/** Due partitions read at once: the 8 shards of 4 days (a tick reads 2 days, the first one 101). */
const DUE_PARALLEL = 32;

/** A notice the tick escalated to overdue, as its event tells it. */
export interface OverdueNotice {
  readonly noticeId: string;
  readonly documentId: string;
  readonly siteId: string;
  readonly siteName: string;
  readonly region: string;
  readonly deadline: string;
}

/**
 * Escalations one transaction of the tick made, at one time: a message for up to
 * OVERDUE_PER_EVENT notices, not one each, so a tick escalating 1,000 queues ~10–40 messages. The
 * events consumer audits each notice (AuditLog.append, idempotent).
 */
export interface RepostOverdueEvent {
  readonly type: "repost.overdue";
  readonly at: string;
  readonly notices: readonly OverdueNotice[];
}

/** An escalation event queued before events carried their notices together: one notice each. */
export interface LegacyRepostOverdueEvent extends OverdueNotice {
  readonly type: "repost.overdue";
  readonly at: string;
}

export interface TickResult {
  readonly reminded: number;
  readonly overdue: number;
  readonly rechecked: number;
  readonly resumed: number;
  /** Messages not sent for a queue outage: left in the outbox for its relay (resumes: to the next tick). */
  readonly deferred: number;
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
    const result = { reminded: 0, overdue: 0, rechecked: 0, resumed: 0, deferred: 0 };
    const stored = await records.get<{ day: string }>(WATERMARK_KEY);
    // Without a watermark (the first tick), look back as far as anything can still be due.
    const from =
      stored?.data.day ?? new Date(now.getTime() - (FOLLOW_UP_DAYS + 40) * DAY_MS).toISOString().slice(0, 10);
    // Due keys sort as "<time>#<notice id>": everything up to now.
    const until = `${now.toISOString()}#\uffff`;
    let earliestLeft: string | undefined;
    // Due notices are handled HANDLE_BATCH at a time, whichever partition they come from, so the
    // writes of a busy tick share transactions; a notice is handled once per run.
    const seen = new Set<string>();
    let batch: StoredRecord<RepostNotice>[] = [];
    // The (day, shard) partitions are read side by side, a page each, up to DUE_PARALLEL at once
    // (on DynamoDB an idle tick is one round trip, not one per partition), then again those with
    // more; what they held is handled in batches between rounds, so memory stays at a page per
    // partition read and a batch.
    const waiting = daysBetween(from, today).flatMap((day) =>
      Array.from({ length: DUE_SHARDS }, (_, shard) => ({
        day,
        partition: duePartition(day, shard),
        cursor: undefined as string | undefined,
      })),
    );
    while (waiting.length > 0) {
      const sources = waiting.splice(0, DUE_PARALLEL);
      const pages = await Promise.all(
        sources.map((source) =>
          records.query<RepostNotice>(source.partition, {
            index: DUE_INDEX,
            until,
            cursor: source.cursor,
            limit: DUE_PAGE,
          }),
        ),
      );
      const more: typeof sources = [];
      pages.forEach((page, i) => {
        const source = sources[i]!;
        if (page.items.length > 0 && (earliestLeft === undefined || source.day < earliestLeft))
          earliestLeft = source.day;
        for (const item of page.items) {
          const id = `${item.pk}\n${item.sk}`;
          if (seen.has(id)) continue;
          seen.add(id);
          batch.push(item);
        }
        if (page.cursor) more.push({ ...source, cursor: page.cursor });
      });
      waiting.unshift(...more);
      while (batch.length >= HANDLE_BATCH) {
        await this.#handle(batch.slice(0, HANDLE_BATCH), now, result);
        batch = batch.slice(HANDLE_BATCH);
      }
    }
    await this.#handle(batch, now, result);
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

  /**
   * Due notices as read from the index: what each needs is marked on it (updateNotices: a few
   * transactions, no read when the index copy is current), with the messages the marks call for
   * written as outbox entries in the same transactions; then the messages are sent and the entries
   * deleted. A crash after a commit leaves its entries for the outbox relay (which runs with every
   * tick), so a mark is never without its message; a tick that runs twice finds the marks made.
   */
  async #handle(
    items: readonly StoredRecord<RepostNotice>[],
    now: Date,
    result: Record<keyof TickResult, number>,
  ) {
    if (items.length === 0) return;
    const at = now.toISOString();
    const retryCheckAt = new Date(now.getTime() + RECHECK_RETRY_SECONDS * 1000).toISOString();
    const nextWorkingDay = this.#calendar.addWorkingDays(chinaDate(now), 1).date;
    const resumes: { body: string }[] = [];
    const updates: NoticeUpdate[] = [];
    for (const item of items) {
      const due = workDue(item.data, now, this.#calendar, nextWorkingDay);
      if (due.resume) {
        const message: DeliverMessage = {
          type: "repost.deliver",
          noticeId: item.data.id,
          attempt: item.data.delivery.attempts + 1,
        };
        resumes.push({ body: JSON.stringify(message) });
        result.resumed += 1;
      }
      if (due.remind || due.overdue || due.recheck) {
        updates.push({
          key: { pk: item.pk, sk: item.sk },
          known: item,
          change: (x) => marked(x, now, this.#calendar, nextWorkingDay, retryCheckAt),
        });
      }
    }
    const noted = new Map<string, OutboxNote>();
    const notes: OutboxNote[] = [];
    const alongside: Alongside = {
      reserve: 2,
      writes: (changed) => {
        const work: string[] = [];
        const overdue: OverdueNotice[] = [];
        for (const { before, after } of changed) {
          const m = marksMade(before, after, at, retryCheckAt);
          if (m.remind) work.push(JSON.stringify({ type: "repost.remind", noticeId: after.id }));
          if (m.recheck) work.push(JSON.stringify({ type: "repost.verify", noticeId: after.id }));
          if (m.overdue) overdue.push(overdueNotice(after));
        }
        const events: string[] = [];
        for (let i = 0; i < overdue.length; i += OVERDUE_PER_EVENT) {
          const notices = overdue.slice(i, i + OVERDUE_PER_EVENT);
          const event: RepostOverdueEvent = { type: "repost.overdue", at, notices };
          events.push(JSON.stringify(event));
        }
        const requires = noticeKeys(changed[0]!.after.documentId, changed[0]!.after.siteId);
        const writes: TransactionWrite[] = [];
        for (const [queue, messages] of [
          [DELIVERY_QUEUE, work],
          [EVENTS_QUEUE, events],
        ] as const) {
          if (messages.length === 0) continue;
          const entry = { queue, messages, requires };
          const { key, write } = outboxEntryWrite(entry, now);
          noted.set(key.sk, { key, entry });
          writes.push(write);
        }
        return writes;
      },
      committed: (writes) => {
        for (const w of writes) {
          const note = "put" in w ? noted.get(w.put.sk) : undefined;
          if (note) notes.push(note);
        }
      },
    };
    const outcomes = await updateNotices(this.#platform, updates, alongside);
    for (const { before, record } of outcomes) {
      if (!before || !record) continue;
      const m = marksMade(before, record.data, at, retryCheckAt);
      if (m.remind) result.reminded += 1;
      if (m.overdue) result.overdue += 1;
      if (m.recheck) result.rechecked += 1;
    }
    // One send per queue for all the committed entries' messages (the SQS adapter batches by 10;
    // the embedded queue stores them in one transaction). When a queue's send fails, its entries
    // stay for the relay (which may send some messages again: delivery is at least once).
    const byQueue = new Map<string, OutboxNote[]>();
    for (const note of notes) {
      const queue = note.entry.queue!;
      byQueue.set(queue, [...(byQueue.get(queue) ?? []), note]);
    }
    const groups = [...byQueue];
    const sends = await Promise.allSettled([
      sendInBatches(this.#platform.queues, DELIVERY_QUEUE, resumes),
      ...groups.map(([queue, group]) =>
        this.#platform.queues.send(
          queue,
          group.flatMap((note) => (note.entry.messages ?? []).map((body) => ({ body }))),
        ),
      ),
    ]);
    if (sends[0]!.status === "rejected") result.deferred += resumes.length; // the next tick nudges again
    const sent: OutboxNote[] = [];
    groups.forEach(([, group], i) => {
      if (sends[i + 1]!.status === "fulfilled") sent.push(...group);
      else for (const note of group) result.deferred += note.entry.messages?.length ?? 0;
    });
    for (let i = 0; i < sent.length; i += MAX_TRANSACTION_WRITES) {
      await this.#platform.records.transact(
        sent.slice(i, i + MAX_TRANSACTION_WRITES).map((note) => ({ delete: note.key })),
      );
    }
  }
}

/**
 * The notice with what is due at `now` marked on it — the reminder sent, the escalation, the
 * re-check queued (pushed RECHECK_RETRY_SECONDS ahead, so a lost message is queued again then) —
 * or undefined when nothing is due any more (another tick got there first).
 */
function marked(
  n: RepostNotice,
  now: Date,
  calendar: WorkingDayCalendar,
  nextWorkingDay: string,
  retryCheckAt: string,
): RepostNotice | undefined {
  const due = workDue(n, now, calendar, nextWorkingDay);
  if (!due.remind && !due.overdue && !due.recheck) return undefined;
  const at = now.toISOString();
  return {
    ...n,
    ...(due.remind ? { reminderSentAt: at } : {}),
    ...(due.overdue ? { overdueAt: at } : {}),
    ...(due.recheck && n.verification
      ? { verification: { ...n.verification, nextCheckAt: retryCheckAt } }
      : {}),
  };
}

/** Which of `marked`'s marks a write from `before` to `after` made. */
function marksMade(
  before: RepostNotice,
  after: RepostNotice,
  at: string,
  retryCheckAt: string,
): { remind: boolean; overdue: boolean; recheck: boolean } {
  return {
    remind: !before.reminderSentAt && after.reminderSentAt === at,
    overdue: !before.overdueAt && after.overdueAt === at,
    recheck:
      before.verification?.nextCheckAt !== retryCheckAt && after.verification?.nextCheckAt === retryCheckAt,
  };
}

function overdueNotice(n: RepostNotice): OverdueNotice {
  return {
    noticeId: n.id,
    documentId: n.documentId,
    siteId: n.siteId,
    siteName: n.site.name,
    region: n.site.region,
    deadline: n.deadline,
  };
}

/** What the tick does for a notice at `now`: the conditions its due time (due.ts) must foresee. */
export function workDue(
  n: RepostNotice,
  now: Date,
  calendar: WorkingDayCalendar,
  /** calendar.addWorkingDays(chinaDate(now), 1).date, when the caller has it for many notices. */
  nextWorkingDay?: string,
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
      (nextWorkingDay ?? calendar.addWorkingDays(chinaDate(now), 1).date) >= n.deadline,
    overdue: !n.overdueAt && isOverdue(n, now),
    recheck: !!n.ack && !!next && Date.parse(next) <= t,
    resume:
      n.delivery.state === "retrying" &&
      !n.delivery.lease &&
      !!retry &&
      t - Date.parse(retry) > STALLED_RETRY_SECONDS * 1000,
  };
}

/**
 * When a repost notice next needs the tick, kept in a sparse index so a tick costs what is due,
 * not every notice stored.
 *
 * Each notice carries the earliest time something must happen to it — its reminder (from the
 * working day before the deadline, once delivered), its escalation (past the deadline while not
 * reposted), its next re-check, or the nudge for a retry whose message was lost — or nothing
 * when nothing is pending. Every write of a notice recomputes it (`noticeIndex` in records.ts),
 * so the index always follows the notice's state.
 *
 *   gsi2pk DUE#<day>#<shard>   gsi2sk <due time ISO>#<notice id>
 *
 * `day` is the UTC day of the due time, or of the write when that is later (a notice already
 * due is filed under today, where the tick looks); `shard` spreads one day's notices over
 * DUE_SHARDS partitions, so no DynamoDB partition takes every write of a busy day. The tick reads
 * the partitions of the days from its watermark (the earliest day that still held something due,
 * a day back at least) through today, each up to "now".
 */
import { hash } from "node:crypto";
import { deadlineEnd, type RepostNotice } from "./model.js";
import type { WorkingDayCalendar } from "./working-days.js";

export const DUE_INDEX = "gsi2";
export const DUE_SHARDS = 8;
/** How long after its deadline a notice is still looked at (late reposts, re-checks). */
export const FOLLOW_UP_DAYS = 60;
/** A retry more than this late has lost its message (the chain of delays resends every 15 min). */
export const STALLED_RETRY_SECONDS = 3600;

const DAY_MS = 86_400_000;

/** Midnight starting a China date (UTC+8). */
function chinaDayStart(date: string): number {
  return Date.parse(`${date}T00:00:00+08:00`);
}

function previousDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

/**
 * The first China date on which the tick reminds a site of `deadline`: reminders go out from the
 * day whose next working day is the deadline (or later), as RepostTick decides.
 */
export function reminderDay(calendar: WorkingDayCalendar, deadline: string): string {
  let day = deadline;
  // Even the longest holidays (Spring Festival, National Day) span far less than this.
  for (let i = 0; i < 40; i++) {
    const before = previousDay(day);
    if (calendar.addWorkingDays(before, 1).date < deadline) return day;
    day = before;
  }
  return day;
}

/**
 * The earliest time (epoch ms) the tick must look at the notice, or null when nothing is pending.
 * Early is safe (the tick checks each condition again); late is not, so `remindFrom` missing (a
 * notice stored before it existed) counts from well before any reminder could be due.
 */
export function noticeDueAt(notice: RepostNotice): number | null {
  const end = deadlineEnd(notice.deadline);
  const candidates: number[] = [];
  if (!notice.ack && !notice.reminderSentAt && notice.delivery.state === "delivered") {
    const from = chinaDayStart(notice.remindFrom ?? notice.deadline) - (notice.remindFrom ? 0 : 40 * DAY_MS);
    if (from <= end) candidates.push(from);
  }
  if (!notice.overdueAt && (!notice.ack || notice.verification?.state === "failed")) {
    candidates.push(end + 1);
  }
  const next = notice.verification?.nextCheckAt;
  if (notice.ack && next) candidates.push(Date.parse(next));
  const retry = notice.delivery.nextAttemptAt;
  if (notice.delivery.state === "retrying" && !notice.delivery.lease && retry) {
    candidates.push(Date.parse(retry) + STALLED_RETRY_SECONDS * 1000 + 1);
  }
  // The tick leaves a notice alone this long after its deadline.
  const cutoff = end + FOLLOW_UP_DAYS * DAY_MS;
  const due = candidates.filter((t) => Number.isFinite(t) && t <= cutoff);
  return due.length ? Math.min(...due) : null;
}

export function dueShard(noticeId: string): number {
  // crypto.hash: the same SHA-256 in one native call (a tick files 1,000 notices).
  return hash("sha256", noticeId, "buffer")[0]! % DUE_SHARDS;
}

export function duePartition(day: string, shard: number): string {
  return `DUE#${day}#${shard}`;
}

/** The notice's keys in the due index (none when nothing is pending), for a write at `writtenAt`. */
export function dueIndex(
  notice: RepostNotice,
  writtenAt: Date,
): { gsi2pk: string; gsi2sk: string } | Record<string, never> {
  const due = noticeDueAt(notice);
  if (due === null) return {};
  const day = new Date(Math.max(due, writtenAt.getTime())).toISOString().slice(0, 10);
  return {
    gsi2pk: duePartition(day, dueShard(notice.id)),
    gsi2sk: `${new Date(due).toISOString()}#${notice.id}`,
  };
}

/** UTC days from `from` through `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

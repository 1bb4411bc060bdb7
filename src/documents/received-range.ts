/**
 * The received-date filter of the document list (GET /api/documents `receivedFrom` and
 * `receivedTo`, and the console's intake queue, which sends the same parameters): each is a
 * calendar day in China (YYYY-MM-DD, the whole day counted, Asia/Shanghai, UTC+8) or an instant
 * (RFC 3339 with an offset, e.g. 2025-06-03T08:00:00+08:00). Both bounds are inclusive. The
 * store keeps receipt times in UTC; the result is the half-open range intake lists
 * (ListFilter.receivedFrom / receivedBefore).
 */
import type { FieldProblem } from "../platform/errors.js";

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3600_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/i;

/** Epoch ms of 00:00 China Standard Time on a YYYY-MM-DD day; undefined for no such day. */
export function chinaDayStart(day: string): number | undefined {
  if (!DAY.test(day)) return undefined;
  const ms = Date.parse(`${day}T00:00:00+08:00`);
  return Number.isNaN(ms) || new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10) !== day
    ? undefined
    : ms;
}

/** An RFC 3339 instant with a real calendar date and time of day; undefined otherwise. */
function instant(value: string): number | undefined {
  const m = INSTANT.exec(value);
  if (!m) return undefined;
  const [, day, hh, mm, ss = "00", , offset] = m;
  const check = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== day) return undefined;
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return undefined;
  if (
    offset &&
    offset.toUpperCase() !== "Z" &&
    (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4)) > 59)
  )
    return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export interface ReceivedRange {
  /** Received at or after (ISO 8601, UTC). */
  readonly receivedFrom?: string | undefined;
  /** Received before (ISO 8601, UTC). */
  readonly receivedBefore?: string | undefined;
}

/**
 * The range of two query values (absent or blank: no bound), or the problems naming the field
 * and why: not a date or instant, no such day, or the end before the start.
 */
export function receivedRange(
  from: string | undefined,
  to: string | undefined,
): { range: ReceivedRange; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const bound = (field: "receivedFrom" | "receivedTo", raw: string | undefined): number | undefined => {
    const value = raw?.trim();
    if (!value) return undefined;
    const dayStart = chinaDayStart(value);
    if (dayStart !== undefined) return field === "receivedFrom" ? dayStart : dayStart + DAY_MS;
    const at = instant(value);
    // An inclusive instant bound: the range's end is the next millisecond.
    if (at !== undefined) return field === "receivedFrom" ? at : at + 1;
    problems.push({
      field,
      code: "invalid_date",
      message: `${field} must be a date (YYYY-MM-DD, a day in China) or an instant with its offset (2025-06-03T08:00:00+08:00); got ${JSON.stringify(value.slice(0, 40))}`,
    });
    return undefined;
  };
  const start = bound("receivedFrom", from);
  const end = bound("receivedTo", to);
  if (start !== undefined && end !== undefined && end <= start) {
    problems.push({
      field: "receivedTo",
      code: "date_order",
      message: "receivedTo must not be before receivedFrom",
    });
  }
  return {
    problems,
    range: {
      receivedFrom: start === undefined ? undefined : new Date(start).toISOString(),
      receivedBefore: end === undefined ? undefined : new Date(end).toISOString(),
    },
  };
}

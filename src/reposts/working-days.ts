/**
 * Chinese working days (工作日) for repost deadlines.
 *
 * The State Council publishes each year's holiday schedule (放假安排) late in the year before:
 * official holidays, and weekend days moved into make-up working days (调休). The schedules come
 * from the chinese-days package; a year it does not know yet falls back to Monday–Friday and
 * makes a deadline provisional, until an operator loads the newly published schedule
 * (GAZETTE_HOLIDAYS_FILE) or the package is upgraded.
 */
import { readFileSync } from "node:fs";
// The package's published data rather than its functions: those parse dates in the process's
// local time zone and shift by a day west of UTC (isWorkday of 2026-02-14 is false in
// America/Los_Angeles).
import chineseDays from "chinese-days/dist/chinese-days.json" with { type: "json" };
import { ConfigError } from "../config.js";
import * as z from "../platform/zod-mini.js";

/** One year's schedule as the State Council publishes it. */
export interface YearSchedule {
  readonly year: number;
  /** Days off that would otherwise be working days (YYYY-MM-DD). */
  readonly holidays: readonly string[];
  /** Weekend days that are working days (调休, YYYY-MM-DD). */
  readonly workdays: readonly string[];
}

/** Schedules an operator supplies; each replaces whatever the package knows of its year. */
export type HolidaySchedule = readonly YearSchedule[];

export interface WorkingDayCalendar {
  /**
   * The Nth working day after `from` (a date in China, YYYY-MM-DD); 0 gives `from` itself.
   * `provisional` when a day counted falls in a year whose schedule is not known yet.
   */
  addWorkingDays(from: string, days: number): { date: string; provisional: boolean };
  isWorkingDay(date: string): boolean;
  /** The last date up to which every year's schedule is known (YYYY-12-31). */
  readonly knownThrough: string;
  /** Whether the schedule of `date`'s year is known (otherwise Monday–Friday is assumed). */
  isKnown(date: string): boolean;
}

/** Longest deadline accepted, in working days: far beyond any rule, short enough to count. */
const MAX_DAYS = 1000;
const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds at UTC midnight of a YYYY-MM-DD date, or null if it is not a real date. */
function parseDay(date: string): number | null {
  const m = ISO_DATE.exec(date);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(t).toISOString().slice(0, 10) === date ? t : null;
}

function formatDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

function requireDay(date: string, name: string): number {
  const t = parseDay(date);
  if (t === null) throw new RangeError(`${name} must be a date YYYY-MM-DD, got ${JSON.stringify(date)}`);
  return t;
}

const packageHolidays: Readonly<Record<string, string>> = chineseDays.holidays;
const packageWorkdays: Readonly<Record<string, string>> = chineseDays.workdays;
/** Years the package has a schedule for: those with at least one official holiday. */
const packageYears: ReadonlySet<number> = new Set(
  Object.keys(packageHolidays).map((d) => Number(d.slice(0, 4))),
);

export function createWorkingDayCalendar(options: { schedule?: HolidaySchedule } = {}): WorkingDayCalendar {
  const schedule = options.schedule ?? [];
  const loadedYears = new Set(schedule.map((s) => s.year));
  const loadedHolidays = new Set(schedule.flatMap((s) => s.holidays));
  const loadedWorkdays = new Set(schedule.flatMap((s) => s.workdays));
  const knownYears = new Set([...packageYears, ...loadedYears]);

  let lastKnownYear = Math.min(...packageYears);
  while (knownYears.has(lastKnownYear + 1)) lastKnownYear++;
  const knownThrough = `${lastKnownYear}-12-31`;

  const workingDay = (t: number): boolean => {
    const date = formatDay(t);
    if (loadedHolidays.has(date)) return false;
    if (loadedWorkdays.has(date)) return true;
    if (!loadedYears.has(Number(date.slice(0, 4)))) {
      if (date in packageHolidays) return false;
      if (date in packageWorkdays) return true;
    }
    const weekday = new Date(t).getUTCDay();
    return weekday >= 1 && weekday <= 5;
  };
  const yearKnown = (t: number): boolean => knownYears.has(new Date(t).getUTCFullYear());

  return {
    knownThrough,
    isWorkingDay(date) {
      return workingDay(requireDay(date, "date"));
    },
    isKnown(date) {
      return yearKnown(requireDay(date, "date"));
    },
    addWorkingDays(from, days) {
      let t = requireDay(from, "from");
      if (!Number.isInteger(days) || days < 0 || days > MAX_DAYS) {
        throw new RangeError(`days must be an integer from 0 to ${MAX_DAYS}, got ${days}`);
      }
      let provisional = days === 0 && !yearKnown(t);
      for (let left = days; left > 0; ) {
        t += DAY_MS;
        if (!yearKnown(t)) provisional = true;
        if (workingDay(t)) left--;
      }
      return { date: formatDay(t), provisional };
    },
  };
}

const dateString = z
  .string()
  .check(z.refine((s) => parseDay(s) !== null, { message: "must be a real date YYYY-MM-DD" }));

const yearScheduleSchema = z
  .strictObject({
    year: z.int().check(z.gte(2000), z.lte(2100)),
    holidays: z.array(dateString),
    workdays: z.array(dateString),
  })
  .check(
    z.superRefine((s, ctx) => {
      // A year's schedule may reach into the December before (a 元旦 make-up day on 12-31).
      const inRange = (d: string) => d.startsWith(`${s.year}-`) || d.startsWith(`${s.year - 1}-12-`);
      for (const field of ["holidays", "workdays"] as const) {
        s[field].forEach((d, i) => {
          if (!inRange(d)) {
            ctx.addIssue({
              code: "custom",
              path: [field, i],
              message: `${d} is outside ${s.year} (and the December before)`,
            });
          }
        });
      }
      const holidays = new Set(s.holidays);
      s.workdays.forEach((d, i) => {
        if (holidays.has(d)) {
          ctx.addIssue({
            code: "custom",
            path: ["workdays", i],
            message: `${d} is also listed as a holiday`,
          });
        }
      });
    }),
  );

const scheduleSchema = z.union([yearScheduleSchema, z.array(yearScheduleSchema)]);

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
      return `${path ? path.replace(/^\./, "") : "(schedule)"}: ${issue.message}`;
    })
    .join("; ");
}

/**
 * Validates an operator-supplied schedule: `{year, holidays: [YYYY-MM-DD…], workdays: [YYYY-MM-DD…]}`
 * or a list of them. Throws a ConfigError naming every failing field.
 */
export function loadHolidaySchedule(jsonText: string): HolidaySchedule {
  let raw: unknown;
  try {
    raw = JSON.parse(jsonText);
  } catch (cause) {
    throw new ConfigError(`Holiday schedule is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  const parsed = scheduleSchema.safeParse(raw);
  if (!parsed.success) {
    // A union hides the member's issues; validate again as what the input looks like.
    const issues = Array.isArray(raw)
      ? (z.array(yearScheduleSchema).safeParse(raw).error?.issues ?? parsed.error.issues)
      : (yearScheduleSchema.safeParse(raw).error?.issues ?? parsed.error.issues);
    throw new ConfigError(`Invalid holiday schedule: ${describeIssues(issues)}`);
  }
  const list = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  const seen = new Set<number>();
  for (const [i, s] of list.entries()) {
    if (seen.has(s.year))
      throw new ConfigError(`Invalid holiday schedule: [${i}].year: ${s.year} is listed twice`);
    seen.add(s.year);
  }
  return list;
}

/** The schedule in the file named by GAZETTE_HOLIDAYS_FILE, or undefined when it is not set. */
export function holidayScheduleFromEnv(env: NodeJS.ProcessEnv): HolidaySchedule | undefined {
  const path = env.GAZETTE_HOLIDAYS_FILE;
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new ConfigError(`GAZETTE_HOLIDAYS_FILE: cannot read ${path} (${(cause as Error).message})`, {
      cause,
    });
  }
  try {
    return loadHolidaySchedule(text);
  } catch (error) {
    throw new ConfigError(`GAZETTE_HOLIDAYS_FILE (${path}): ${(error as Error).message}`, { cause: error });
  }
}

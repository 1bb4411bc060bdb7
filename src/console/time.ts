/**
 * Times and dates on console and portal pages: China Standard Time (Asia/Shanghai, UTC+8, no
 * daylight saving since 1991) in the form a Chinese reader expects — 2026年12月5日 14:03 — with
 * the machine-readable value in <time datetime>. The store keeps instants in UTC (ISO 8601 with Z)
 * and calendar dates as YYYY-MM-DD, which are shown as they are (a date has no time zone).
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** An instant as the store writes it: a date and a time with Z or an offset. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

const CHINA_OFFSET_MS = 8 * 3600 * 1000;

export interface ChinaTime {
  /** The <time datetime> value: YYYY-MM-DD, or the instant with +08:00. */
  readonly datetime: string;
  /** 2026年12月5日, or 2026年12月5日 14:03. */
  readonly text: string;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** How a stored time or date is shown; undefined for anything else (shown as it is). */
export function chinaTime(value: unknown): ChinaTime | undefined {
  if (typeof value !== "string") return undefined;
  const date = DATE.exec(value);
  if (date) {
    const [, y, m, d] = date;
    return { datetime: value, text: `${Number(y)}年${Number(m)}月${Number(d)}日` };
  }
  if (!INSTANT.test(value)) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  // China Standard Time: UTC+8 (the country has kept no daylight saving since 1991).
  const local = new Date(ms + CHINA_OFFSET_MS);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth() + 1;
  const d = local.getUTCDate();
  const hh = pad(local.getUTCHours());
  const mm = pad(local.getUTCMinutes());
  const ss = pad(local.getUTCSeconds());
  return {
    datetime: `${y}-${pad(m)}-${pad(d)}T${hh}:${mm}:${ss}+08:00`,
    text: `${y}年${m}月${d}日 ${hh}:${mm}`,
  };
}

import { formatChineseDate } from "../documents/dates.js";
import type { DocumentPlacement, EditionInfo, MastheadInfo } from "../editions/render-model.js";

/** China Standard Time: dates on the site are Beijing dates. */
const CST_OFFSET_MS = 8 * 3600 * 1000;

/** YYYY-MM-DD of a date or an ISO timestamp, in Beijing time for timestamps. */
export function isoDate(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`Not a date or timestamp: "${value}"`);
  return new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** 2024-05-03 (or a timestamp) → 2024年5月3日. */
export function chineseDate(value: string): string {
  return formatChineseDate(isoDate(value));
}

/** RFC 3339 timestamp in UTC for Atom and sitemaps: a bare date is midnight in Beijing. */
export function rfc3339(value: string): string {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+08:00` : value);
  if (Number.isNaN(ms)) throw new RangeError(`Not a date or timestamp: "${value}"`);
  return new Date(ms).toISOString();
}

/** 2024年第12期 */
export function editionLabel(edition: Pick<EditionInfo, "year" | "issue">): string {
  return `${edition.year}年第${edition.issue}期`;
}

/** 2024年第12期（总第845期） */
export function editionLabelFull(edition: Pick<EditionInfo, "year" | "issue" | "cumulative">): string {
  return `${editionLabel(edition)}（总第${edition.cumulative}期）`;
}

/** 第5页, or 第5—7页 for a range. */
export function pageLabel(placement: Pick<DocumentPlacement, "firstPage" | "lastPage">): string {
  return placement.lastPage > placement.firstPage
    ? `第${placement.firstPage}—${placement.lastPage}页`
    : `第${placement.firstPage}页`;
}

/**
 * How a document in the gazette is cited:
 * 《四川省人民政府公报》2024年第12期（总第845期）第5页. Without a placement, the page is left out.
 */
export function citation(
  masthead: Pick<MastheadInfo, "name">,
  edition: Pick<EditionInfo, "year" | "issue" | "cumulative">,
  placement?: Pick<DocumentPlacement, "firstPage" | "lastPage"> | undefined,
): string {
  return `《${masthead.name}》${editionLabelFull(edition)}${placement ? pageLabel(placement) : ""}`;
}

/** 1 234 567 → "1.2 MB"; 2048 → "2 KB". */
export function fileSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`Not a size: ${bytes}`);
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * A title between book-title marks as Chinese is printed: 《…》, and a title that already quotes
 * one (an interpretation 《关于…的通知》政策解读) gets the inner marks as 〈〉 (GB/T 15834 §4.15),
 * never 《《…》…》.
 */
export function bookTitle(title: string): string {
  return `《${title.replace(/《/g, "〈").replace(/》/g, "〉")}》`;
}

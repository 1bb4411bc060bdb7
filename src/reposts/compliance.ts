/**
 * The inspection report (转载情况专项检查): for every notice in scope, whether it was delivered,
 * acknowledged, verified, is overdue or failed; summed per site, per region (city, 市州) and per
 * document, with rates and the list of overdue notices.
 */
import { isValidIsoDate } from "../documents/dates.js";
import type { Platform } from "../platform/ports.js";
import { InvalidRepostRequestError, problem } from "./errors.js";
import { chinaDate } from "./fanout.js";
import {
  isOverdue,
  type NoticeStatus,
  noticeStatus,
  type RepostNotice,
  regionCovers,
  SITE_LEVELS,
  type SiteLevel,
} from "./model.js";
import { noticePartition, REPOST_DOCS_PARTITION, type RepostDocument } from "./records.js";

export interface ComplianceFilter {
  /** Published on or after this China date. */
  readonly from?: string | undefined;
  /** Published on or before this China date. */
  readonly to?: string | undefined;
  /** GB/T 2260 code; covers its subdivisions. */
  readonly region?: string | undefined;
  readonly level?: SiteLevel | undefined;
  readonly document?: string | undefined;
}

export interface Totals {
  notices: number;
  delivered: number;
  acknowledged: number;
  verified: number;
  verification_failed: number;
  overdue: number;
  failed: number;
}

export interface Rates {
  readonly delivered: number;
  readonly acknowledged: number;
  readonly verified: number;
  readonly overdue: number;
  readonly failed: number;
}

export interface OverdueItem {
  readonly noticeId: string;
  readonly documentId: string;
  readonly title: string;
  readonly docNumber: string | null;
  readonly siteId: string;
  readonly siteName: string;
  readonly region: string;
  readonly level: SiteLevel;
  readonly deadline: string;
  readonly status: NoticeStatus;
  readonly reason: string | null;
}

export interface ComplianceReport {
  readonly generatedAt: string;
  readonly filter: ComplianceFilter;
  readonly totals: Totals;
  readonly rates: Rates;
  readonly sites: (Totals & {
    siteId: string;
    name: string;
    region: string;
    level: SiteLevel;
    rates: Rates;
  })[];
  readonly regions: (Totals & { region: string; rates: Rates })[];
  readonly documents: (Totals & {
    documentId: string;
    title: string;
    docNumber: string | null;
    publishedAt: string;
    deadline: string;
    deadlineProvisional: boolean;
    rates: Rates;
  })[];
  readonly overdue: OverdueItem[];
}

export function parseComplianceFilter(query: Record<string, string | undefined>): ComplianceFilter {
  const problems = [];
  for (const field of ["from", "to"] as const) {
    const v = query[field];
    // Date.parse rolls 2026-02-30 over to March: check the calendar instead.
    if (v && !isValidIsoDate(v))
      problems.push(problem(field, "invalid", `${field} must be a real calendar date YYYY-MM-DD`));
  }
  if (query.region && !/^[1-9]\d{5}$/.test(query.region))
    problems.push(problem("region", "invalid", "region must be a six-digit GB/T 2260 code"));
  if (query.level && !(SITE_LEVELS as readonly string[]).includes(query.level)) {
    problems.push(problem("level", "invalid", `level must be one of ${SITE_LEVELS.join(", ")}`));
  }
  if (query.document && !/^[A-Za-z0-9_-]{1,64}$/.test(query.document))
    problems.push(problem("document", "invalid", "document must be a document id"));
  if (problems.length) throw new InvalidRepostRequestError("The report filter is invalid", problems);
  return {
    from: query.from || undefined,
    to: query.to || undefined,
    region: query.region || undefined,
    level: (query.level as SiteLevel) || undefined,
    document: query.document || undefined,
  };
}

function emptyTotals(): Totals {
  return {
    notices: 0,
    delivered: 0,
    acknowledged: 0,
    verified: 0,
    verification_failed: 0,
    overdue: 0,
    failed: 0,
  };
}

function ratesOf(t: Totals): Rates {
  const r = (n: number) => (t.notices === 0 ? 0 : Math.round((n / t.notices) * 10_000) / 10_000);
  return {
    delivered: r(t.delivered),
    acknowledged: r(t.acknowledged),
    verified: r(t.verified),
    overdue: r(t.overdue),
    failed: r(t.failed),
  };
}

function count(t: Totals, n: RepostNotice, now: Date): void {
  t.notices += 1;
  // A site that acknowledged evidently received the notice, whatever the delivery record says.
  if (n.delivery.state === "delivered" || n.ack) t.delivered += 1;
  if (n.ack) t.acknowledged += 1;
  if (n.verification?.state === "verified") t.verified += 1;
  if (n.verification?.state === "failed") t.verification_failed += 1;
  if (isOverdue(n, now)) t.overdue += 1;
  if (n.delivery.state === "failed" && !n.ack) t.failed += 1;
}

/** The city (市州) a region code belongs to; provincial codes stay as they are. */
export function cityOf(region: string): string {
  return region.endsWith("0000") ? region : `${region.slice(0, 4)}00`;
}

export async function buildComplianceReport(
  platform: Pick<Platform, "records" | "clock">,
  filter: ComplianceFilter,
): Promise<ComplianceReport> {
  const { records } = platform;
  const now = platform.clock.now();
  const totals = emptyTotals();
  const sites = new Map<string, ComplianceReport["sites"][number]>();
  const regions = new Map<string, Totals & { region: string }>();
  const documents: ComplianceReport["documents"] = [];
  const overdue: OverdueItem[] = [];

  const docs: RepostDocument[] = [];
  let cursor: string | undefined;
  do {
    const page = await records.query<RepostDocument>(REPOST_DOCS_PARTITION, { cursor, limit: 200 });
    cursor = page.cursor;
    for (const { data } of page.items) {
      if (filter.document && data.documentId !== filter.document) continue;
      const day = chinaDate(data.publishedAt);
      if ((filter.from && day < filter.from) || (filter.to && day > filter.to)) continue;
      docs.push(data);
    }
  } while (cursor);

  for (const doc of docs) {
    const docTotals = emptyTotals();
    let page: string | undefined;
    do {
      const notices = await records.query<RepostNotice>(noticePartition(doc.documentId), {
        cursor: page,
        limit: 1000,
      });
      page = notices.cursor;
      for (const { data: n } of notices.items) {
        if (filter.region && !regionCovers(filter.region, n.site.region)) continue;
        if (filter.level && n.site.level !== filter.level) continue;
        count(totals, n, now);
        count(docTotals, n, now);
        let site = sites.get(n.siteId);
        if (!site) {
          site = {
            siteId: n.siteId,
            name: n.site.name,
            region: n.site.region,
            level: n.site.level,
            ...emptyTotals(),
            rates: ratesOf(emptyTotals()),
          };
          sites.set(n.siteId, site);
        }
        count(site, n, now);
        const city = cityOf(n.site.region);
        let region = regions.get(city);
        if (!region) {
          region = { region: city, ...emptyTotals() };
          regions.set(city, region);
        }
        count(region, n, now);
        if (isOverdue(n, now)) {
          overdue.push({
            noticeId: n.id,
            documentId: n.documentId,
            title: n.document.title,
            docNumber: n.document.docNumber,
            siteId: n.siteId,
            siteName: n.site.name,
            region: n.site.region,
            level: n.site.level,
            deadline: n.deadline,
            status: noticeStatus(n),
            reason: n.verification?.reason ?? n.delivery.lastError,
          });
        }
      }
    } while (page);
    if (docTotals.notices === 0 && (filter.region || filter.level)) continue;
    documents.push({
      documentId: doc.documentId,
      title: doc.title,
      docNumber: doc.docNumber,
      publishedAt: doc.publishedAt,
      deadline: doc.deadline,
      deadlineProvisional: doc.deadlineProvisional,
      ...docTotals,
      rates: ratesOf(docTotals),
    });
  }
  return {
    generatedAt: now.toISOString(),
    filter,
    totals,
    rates: ratesOf(totals),
    sites: [...sites.values()]
      .map((s) => ({ ...s, rates: ratesOf(s) }))
      .sort((a, b) => a.region.localeCompare(b.region) || a.name.localeCompare(b.name)),
    regions: [...regions.values()]
      .map((r) => ({ ...r, rates: ratesOf(r) }))
      .sort((a, b) => a.region.localeCompare(b.region)),
    documents,
    overdue: overdue.sort((a, b) => a.deadline.localeCompare(b.deadline) || a.region.localeCompare(b.region)),
  };
}

const FIGURES = [
  "notices",
  "delivered",
  "acknowledged",
  "verified",
  "verification_failed",
  "overdue",
  "failed",
] as const;

function csvCell(value: string | number | null): string {
  const s = value === null ? "" : String(value);
  // Quote always; a leading = + - @ is defused so spreadsheets do not run it as a formula.
  return `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replaceAll('"', '""')}"`;
}

/** One row per site: the figures an inspection works from. */
export function complianceCsv(report: ComplianceReport): string {
  const header = ["site_id", "site", "region", "level", ...FIGURES, "verified_rate", "overdue_rate"];
  const rows = report.sites.map((s) => [
    s.siteId,
    s.name,
    s.region,
    s.level,
    ...FIGURES.map((f) => s[f]),
    s.rates.verified,
    s.rates.overdue,
  ]);
  rows.push([
    "",
    "合计",
    "",
    "",
    ...FIGURES.map((f) => report.totals[f]),
    report.rates.verified,
    report.rates.overdue,
  ]);
  return `\uFEFF${[header, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n")}\r\n`;
}

export function escapeHtml(s: string | number | null): string {
  return String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const LABELS: Record<(typeof FIGURES)[number], string> = {
  notices: "通知",
  delivered: "送达",
  acknowledged: "已回执",
  verified: "核验通过",
  verification_failed: "核验未通过",
  overdue: "逾期",
  failed: "送达失败",
};

function table(head: string[], rows: (string | number | null)[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

/** Chinese names of site levels and notice states, as the console shows them. */
export const SITE_LEVEL_NAMES: Record<SiteLevel, string> = {
  province_dept: "省级部门",
  city: "市（州）",
  county: "县（市、区）",
  township: "乡镇（街道）",
};
export const NOTICE_STATUS_NAMES: Record<NoticeStatus, string> = {
  pending: "待送达",
  delivered: "已送达",
  failed: "送达失败",
  acknowledged: "已报转载，待核验",
  verified: "已核验",
  verification_failed: "核验未通过",
};

/** A rate as a percentage; "—" where there were no notices (no denominator), not "0.0%". */
export function rateText(rate: number, notices: number): string {
  return notices === 0 ? "—" : `${(rate * 100).toFixed(1)}%`;
}

/** An instant in China time: 2026年3月2日 10:05（北京时间）. */
export function chinaDateTime(at: string): string {
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) return at;
  const t = new Date(ms + 8 * 3600_000);
  const hh = String(t.getUTCHours()).padStart(2, "0");
  const mm = String(t.getUTCMinutes()).padStart(2, "0");
  return `${t.getUTCFullYear()}年${t.getUTCMonth() + 1}月${t.getUTCDate()}日 ${hh}:${mm}（北京时间）`;
}

/**
 * The report's body as HTML (headings, tables with captions): `GET /api/compliance?format=html`
 * sets it in the public site's layout (viewport, landmarks, the site's header and footer).
 */
export function complianceHtmlContent(report: ComplianceReport): string {
  const figures = FIGURES.map((f) => LABELS[f]);
  const level = (l: SiteLevel) => SITE_LEVEL_NAMES[l] ?? l;
  return `<h1>转载情况检查</h1>
<p>生成时间：<time datetime="${escapeHtml(report.generatedAt)}">${escapeHtml(chinaDateTime(report.generatedAt))}</time>；核验率为已核验通知占全部通知之比，没有通知时记“—”。</p>
<h2>合计</h2>
<div class="table-wrap">${table([...figures, "核验率", "逾期率"], [[...FIGURES.map((f) => report.totals[f]), rateText(report.rates.verified, report.totals.notices), rateText(report.rates.overdue, report.totals.notices)]])}</div>
<h2>逾期未转载（${report.overdue.length}）</h2>
<div class="table-wrap">${table(
    ["文件", "发文字号", "单位", "区划", "层级", "期限", "状态", "原因"],
    report.overdue.map((o) => [
      o.title,
      o.docNumber,
      o.siteName,
      o.region,
      level(o.level),
      o.deadline,
      NOTICE_STATUS_NAMES[o.status] ?? o.status,
      o.reason,
    ]),
  )}</div>
<h2>按单位</h2>
<div class="table-wrap">${table(
    ["单位", "区划", "层级", ...figures, "核验率"],
    report.sites.map((s) => [
      s.name,
      s.region,
      level(s.level),
      ...FIGURES.map((f) => s[f]),
      rateText(s.rates.verified, s.notices),
    ]),
  )}</div>
<h2>按地区</h2>
<div class="table-wrap">${table(
    ["区划", ...figures, "核验率"],
    report.regions.map((r) => [r.region, ...FIGURES.map((f) => r[f]), rateText(r.rates.verified, r.notices)]),
  )}</div>
<h2>按文件</h2>
<div class="table-wrap">${table(
    ["文件", "发文字号", "期限", ...figures, "核验率"],
    report.documents.map((d) => [
      d.title,
      d.docNumber,
      `${d.deadline}${d.deadlineProvisional ? "（暂定）" : ""}`,
      ...FIGURES.map((f) => d[f]),
      rateText(d.rates.verified, d.notices),
    ]),
  )}</div>
`;
}

/** The report as a page of its own (viewport, <main>), for callers without the site's layout. */
export function complianceHtml(report: ComplianceReport): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>转载情况检查</title>
<style>body{font-family:system-ui,sans-serif;margin:0}main{max-width:64rem;margin:0 auto;padding:1rem}.table-wrap{overflow-x:auto}table{border-collapse:collapse;margin-bottom:2rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}</style></head><body>
<main id="main">
${complianceHtmlContent(report)}</main>
</body></html>`;
}

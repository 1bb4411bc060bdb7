/** The completeness report as CSV and HTML, and the public figures' page content. */
import { escapeHtml } from "../reposts/compliance.js";
import type { CompletenessReport, PublicCompleteness } from "./register.js";
import { REGISTER_KIND_LABELS } from "./register.js";

function csvCell(value: string | number | null | undefined): string {
  const s = value === null || value === undefined ? "" : String(value);
  // Quoted always; a leading = + - @ is defused so spreadsheets do not run it as a formula.
  return `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replaceAll('"', '""')}"`;
}

const FIGURES = ["issued", "submitted", "published", "missing", "overdue"] as const;

/**
 * Two parts, as a spreadsheet reads them: one row per body with its figures (and a 合计 row), then
 * one row per missing entry (the overdue first), with its days waiting.
 */
export function completenessCsv(report: CompletenessReport): string {
  const rows: (string | number | null)[][] = [
    ["body_id", "body", "region_code", ...FIGURES, "longest_wait_days"],
    ...report.bodies.map((b) => [
      b.body.id,
      b.body.name,
      b.body.regionCode,
      ...FIGURES.map((f) => b[f]),
      b.longestWaitDays,
    ]),
    ["", "合计", "", ...FIGURES.map((f) => report.totals[f]), null],
    [],
    [
      "body_id",
      "body",
      "doc_number",
      "title",
      "date_issued",
      "kind",
      "days_waiting",
      "overdue",
      "near_duplicate_of",
    ],
    ...report.bodies.flatMap((b) =>
      b.entries
        .filter((e) => e.status === "missing")
        .map((e) => [
          b.body.id,
          b.body.name,
          e.docNumber,
          e.title,
          e.dateIssued,
          e.kind,
          e.daysWaiting,
          e.overdue ? "yes" : "no",
          e.nearDuplicates.map((n) => `${n.title}${n.docNumber ? `（${n.docNumber}）` : ""}`).join("；"),
        ]),
    ),
  ];
  return `\uFEFF${rows.map((r) => r.map(csvCell).join(",")).join("\r\n")}\r\n`;
}

function table(
  head: readonly string[],
  rows: readonly (string | number | null)[][],
  caption?: string,
): string {
  return `<div class="table-wrap"><table>${caption ? `<caption>${escapeHtml(caption)}</caption>` : ""}<thead><tr>${head
    .map((h) => `<th scope="col">${escapeHtml(h)}</th>`)
    .join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table></div>`;
}

/** The report's content (headings and tables), for the console, the site's layout or a page of its own. */
export function completenessHtmlContent(report: CompletenessReport): string {
  const overdue = report.bodies.flatMap((b) =>
    b.entries.filter((e) => e.overdue).map((e) => ({ body: b.body.name, entry: e })),
  );
  return `<h1>应登尽登：规范性文件报送情况</h1>
<p>统计至 ${escapeHtml(report.today)}；逾期：成文后超过 ${report.overdueDays} 天仍未报送。合计：登记 ${report.totals.issued} 件，已报送 ${report.totals.submitted} 件，已刊登 ${report.totals.published} 件，未报送 ${report.totals.missing} 件，其中逾期 ${report.totals.overdue} 件。</p>
<h2>逾期未报送</h2>
${
  overdue.length
    ? table(
        ["单位", "发文字号", "标题", "成文日期", "已等待（天）"],
        overdue
          .sort((a, b) => (b.entry.daysWaiting ?? 0) - (a.entry.daysWaiting ?? 0))
          .map(({ body, entry }) => [
            body,
            entry.docNumber,
            entry.title,
            entry.dateIssued,
            entry.daysWaiting,
          ]),
      )
    : "<p>没有逾期未报送的文件。</p>"
}
<h2>按单位</h2>
${table(
  ["单位", "区划代码", "登记", "已报送", "已刊登", "未报送", "逾期", "最长等待（天）"],
  report.bodies.map((b) => [
    b.body.name,
    b.body.regionCode,
    b.issued,
    b.submitted,
    b.published,
    b.missing,
    b.overdue,
    b.longestWaitDays ?? "—",
  ]),
)}
${report.bodies
  .filter((b) => b.missing > 0)
  .map(
    (b) => `<h3>${escapeHtml(b.body.name)}：未报送</h3>
${table(
  ["发文字号", "标题", "类别", "成文日期", "已等待（天）", "相近标题"],
  b.entries
    .filter((e) => e.status === "missing")
    .map((e) => [
      e.docNumber,
      e.title,
      REGISTER_KIND_LABELS[e.kind],
      e.dateIssued,
      `${e.daysWaiting}${e.overdue ? "（逾期）" : ""}`,
      e.nearDuplicates.map((n) => `${n.title}${n.docNumber ? `（${n.docNumber}）` : ""}`).join("；") || "—",
    ]),
)}`,
  )
  .join("\n")}`;
}

export function completenessHtml(report: CompletenessReport): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>应登尽登：规范性文件报送情况</title>
<style>body{font-family:system-ui,sans-serif;margin:0}main{max-width:64rem;margin:0 auto;padding:1rem}.table-wrap{overflow-x:auto}table{border-collapse:collapse;margin-bottom:2rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}</style></head><body>
<main id="main">
${completenessHtmlContent(report)}</main>
</body></html>`;
}

/** The public page: per body and year, how many registered documents the gazette carries. Figures only. */
export function publicCompletenessHtmlContent(figures: PublicCompleteness): string {
  if (!figures.rows.length) return `<h1>规范性文件刊登情况</h1><p>尚无登记的规范性文件。</p>`;
  return `<h1>规范性文件刊登情况</h1>
<p>各发文单位登记的规章和规范性文件中，本公报已刊登的件数（按成文年份）。</p>
${table(
  ["年份", "发文单位", "区划代码", "登记件数", "已刊登", "刊登比例"],
  figures.rows.map((r) => [
    r.year,
    r.body,
    r.regionCode,
    r.registered,
    r.carried,
    r.registered ? `${Math.round((r.carried / r.registered) * 1000) / 10}%` : "—",
  ]),
)}`;
}

/** The compliance report (转载情况) as a dashboard, overdue first, and its CSV (the API's). */
import { type FieldProblem, ProblemError } from "../../platform/errors.js";
import {
  buildComplianceReport,
  type ComplianceReport,
  complianceCsv,
  complianceOverdueCsvResponse,
  parseComplianceFilter,
} from "../../reposts/compliance.js";
import { SITE_LEVELS, type SiteLevel } from "../../reposts/model.js";
import type { C, ConsoleKit, ConsoleReposts } from "../kit.js";
import { SITE_LEVEL_LABELS } from "../submission-form.js";

/** A repost notice's status, in Chinese (the report and the portal). */
export const NOTICE_STATUS_LABELS: Record<string, string> = {
  pending: "待送达",
  delivered: "已送达",
  failed: "送达失败",
  acknowledged: "已报转载，待核验",
  verified: "已核验",
  verification_failed: "核验未通过",
};

export function registerComplianceRoutes(kit: ConsoleKit, reposts: ConsoleReposts): void {
  const { app, page, editor } = kit;
  // The compliance report (转载情况), overdue first; the CSV is the API's.
  const readFilter = (c: C) => {
    const q = c.req.query();
    const raw = {
      from: q.from?.trim() || undefined,
      to: q.to?.trim() || undefined,
      region: q.region?.trim() || undefined,
      level: q.level?.trim() || undefined,
      document: q.document?.trim() || undefined,
    };
    try {
      return { raw, filter: parseComplianceFilter(raw), problems: [] as readonly FieldProblem[] };
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      return { raw, filter: undefined, problems: error.problems };
    }
  };

  app.get("/console/compliance.csv", editor, async (c) => {
    const { filter, problems } = readFilter(c);
    if (!filter) return c.text(problems.map((p) => `${p.field}: ${p.message}`).join("\n"), 400);
    const report = await buildComplianceReport(reposts.platform, filter);
    return new Response(complianceCsv(report), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": 'attachment; filename="compliance.csv"',
        "cache-control": "no-store",
      },
    });
  });

  // Every overdue notice in scope (the API's ?format=overdue-csv), streamed page by page.
  app.get("/console/compliance-overdue.csv", editor, async (c) => {
    const { filter, problems } = readFilter(c);
    if (!filter) return c.text(problems.map((p) => `${p.field}: ${p.message}`).join("\n"), 400);
    return complianceOverdueCsvResponse(reposts.platform, filter, { "cache-control": "no-store" });
  });

  app.get("/console/compliance", editor, async (c) => {
    const { raw, filter, problems } = readFilter(c);
    const report = filter ? await buildComplianceReport(reposts.platform, filter) : undefined;
    const pct = (r: number) => `${Math.round(r * 1000) / 10}%`;
    const row = (t: ComplianceReport["totals"] & { rates: ComplianceReport["rates"] }) => ({
      ...t,
      verifiedRate: pct(t.rates.verified),
      overdueRate: pct(t.rates.overdue),
    });
    const byLevel = new Map<SiteLevel, ComplianceReport["totals"]>();
    for (const site of report?.sites ?? []) {
      const t = byLevel.get(site.level) ?? {
        notices: 0,
        delivered: 0,
        acknowledged: 0,
        verified: 0,
        verification_failed: 0,
        overdue: 0,
        failed: 0,
      };
      for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] += site[k];
      byLevel.set(site.level, t);
    }
    const rate = (t: ComplianceReport["totals"], n: number) => (t.notices ? n / t.notices : 0);
    const query = new URLSearchParams(Object.entries(raw).filter((e): e is [string, string] => !!e[1]));
    const errorsOf = (name: string) => problems.filter((p) => p.field === name).map((p) => p.message);
    return page(
      c,
      "compliance",
      {
        title: "转载情况",
        section: "compliance",
        raw,
        errors: {
          from: errorsOf("from"),
          to: errorsOf("to"),
          region: errorsOf("region"),
          level: errorsOf("level"),
          document: errorsOf("document"),
        },
        levels: SITE_LEVELS.map((l) => ({
          value: l,
          label: SITE_LEVEL_LABELS[l],
          selected: raw.level === l,
        })),
        report: report && {
          ...report,
          totals: row({ ...report.totals, rates: report.rates }),
          overdue: report.overdue.map((o) => ({ ...o, statusLabel: NOTICE_STATUS_LABELS[o.status] })),
          regions: report.regions.map(row),
          sites: [...report.sites]
            .sort((a, b) => b.overdue - a.overdue)
            .map((s) => ({ ...row(s), levelLabel: SITE_LEVEL_LABELS[s.level] })),
          documents: [...report.documents].sort((a, b) => b.overdue - a.overdue).map(row),
          levels: [...byLevel].map(([level, t]) => ({
            ...t,
            label: SITE_LEVEL_LABELS[level],
            verifiedRate: pct(rate(t, t.verified)),
            overdueRate: pct(rate(t, t.overdue)),
          })),
        },
        csv: `/console/compliance.csv${query.size ? `?${query}` : ""}`,
        overdueCsv: `/console/compliance-overdue.csv${query.size ? `?${query}` : ""}`,
      },
      problems.length ? 400 : 200,
    );
  });
}

import { Hono, type MiddlewareHandler } from "hono";
import type { GazetteSettings } from "../config.js";
import type { Principal } from "../http/auth.js";
import { readJsonBody } from "../http/body.js";
import { jsonResponse } from "../http/json.js";
import { pageLimit } from "../http/query.js";
import { ForbiddenError, UnauthorisedError } from "../platform/errors.js";
import type { Platform } from "../platform/ports.js";
import { renderSitePage } from "../site/render.js";
import type { RepostAcknowledgements } from "./acks.js";
import {
  buildComplianceReport,
  COMPLIANCE_PAGE_END,
  COMPLIANCE_PAGE_START,
  complianceCsvLines,
  complianceHtmlParts,
  complianceOverdueCsvResponse,
  escapeHtml,
  OVERDUE_STREAM_PAGE,
  parseComplianceFilter,
  remainingOverdue,
  textStream,
} from "./compliance.js";
import { InvalidRepostRequestError, problem } from "./errors.js";
import { isOverdue, noticeStatus, type RepostNotice, type SiteRecord } from "./model.js";
import type { Reposts } from "./module.js";
import { ackUrl } from "./payload.js";
import { siteNoticesPartition } from "./records.js";
import type { SiteRegistry } from "./sites.js";

type RepostsEnv = { Variables: { principal: Principal; site: SiteRecord } };

/** The limit of a reposts request body (JSON, read by http/body.ts's one rule). */
export const MAX_REPOSTS_BODY_BYTES = 64 * 1024;
/** A JSON body (http/body.ts); rotate-secret's may be left out (the default grace). */
const jsonBody = (request: Request, optional = false) =>
  readJsonBody(request, { maxBytes: MAX_REPOSTS_BODY_BYTES, optional });

/** What a site (and an editor) sees of a notice. */
export function noticeView(n: RepostNotice, now: Date, baseUrl: string) {
  return {
    id: n.id,
    documentId: n.documentId,
    title: n.document.title,
    docNumber: n.document.docNumber,
    siteId: n.siteId,
    status: noticeStatus(n),
    overdue: isOverdue(n, now),
    deadline: n.deadline,
    deadlineProvisional: n.deadlineProvisional,
    ackUrl: ackUrl(baseUrl, n.id),
    delivery: {
      state: n.delivery.state,
      attempts: n.delivery.attempts,
      deliveredAt: n.delivery.deliveredAt,
      nextAttemptAt: n.delivery.nextAttemptAt,
      lastError: n.delivery.lastError,
    },
    ack: n.ack,
    verification: n.verification,
  };
}

/**
 * The reposts API. Editors manage sites and read the inspection report; sites (bearer site token)
 * acknowledge and list their own notices.
 *
 *   POST  /api/sites                        {name, level, region, sectors, delivery} → 201 {id, token, webhookSecret}
 *   GET   /api/sites, /api/sites/{id}
 *   PATCH /api/sites/{id}                   update; {status: "disabled"|"active"} disables / re-enables
 *   POST  /api/sites/{id}/rotate-secret     {graceSeconds?} → {webhookSecret, previousExpiresAt}
 *   GET   /api/compliance                   ?from&to&region&level&document&format=json|csv|overdue-csv|html
 *   POST  /api/reposts/{noticeId}/ack       (site) {url}
 *   GET   /api/reposts?site=me              (site) pending notices; &all=true for all; &format=html
 *   GET   /api/reposts/{noticeId}           (site) one of its notices
 */
/**
 * The routes of a reposts module. Only the API mounts them: the queue consumers build the module
 * without ever importing this file (and Hono with it).
 */
export function repostsRoutes(
  reposts: Pick<Reposts, "registry" | "acks" | "platform" | "baseUrl">,
  requireEditor: MiddlewareHandler,
  gazette?: GazetteSettings,
): Hono<RepostsEnv> {
  const { registry, acks, platform, baseUrl } = reposts;
  return createRepostsRoutes({ registry, acks, platform, baseUrl, requireEditor, gazette });
}

export function createRepostsRoutes(deps: {
  registry: SiteRegistry;
  acks: RepostAcknowledgements;
  platform: Pick<Platform, "records" | "clock">;
  baseUrl: string;
  requireEditor: MiddlewareHandler;
  /** Where given, the HTML compliance report is set in the public site's layout. */
  gazette?: GazetteSettings | undefined;
}): Hono<RepostsEnv> {
  const { registry, acks, platform, baseUrl, requireEditor, gazette } = deps;
  const app = new Hono<RepostsEnv>();

  const requireSite: MiddlewareHandler<RepostsEnv> = async (c, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
    const site = match?.[1] ? await registry.authenticate(match[1]) : undefined;
    if (!site) {
      throw new UnauthorisedError([
        {
          code: "unauthorized",
          field: "Authorization",
          message: "Site endpoints need `Authorization: Bearer <site token>` (given at registration)",
        },
      ]);
    }
    if (site.status === "disabled") {
      // A disabled site gets no notices and may not acknowledge: its token no longer works.
      throw new ForbiddenError([
        {
          code: "site_disabled",
          field: "Authorization",
          message: `This site is disabled (${site.disabledReason ?? "by an editor"}); ask the gazette's editors to re-enable it`,
        },
      ]);
    }
    c.set("site", site);
    await next();
  };

  app.post("/api/sites", requireEditor, async (c) => {
    const created = await registry.register(await jsonBody(c.req.raw));
    return jsonResponse(created, 201, { location: `/api/sites/${created.id}`, "cache-control": "no-store" });
  });
  app.get("/api/sites", requireEditor, async (c) =>
    jsonResponse(
      await registry.list({
        limit: pageLimit(c.req.query("limit")),
        cursor: c.req.query("cursor") || undefined,
      }),
    ),
  );
  app.get("/api/sites/:id", requireEditor, async (c) => jsonResponse(await registry.get(c.req.param("id"))));
  app.patch("/api/sites/:id", requireEditor, async (c) =>
    jsonResponse(await registry.update(c.req.param("id"), await jsonBody(c.req.raw))),
  );
  app.post("/api/sites/:id/rotate-secret", requireEditor, async (c) =>
    jsonResponse(await registry.rotateSecret(c.req.param("id"), await jsonBody(c.req.raw, true)), 200, {
      "cache-control": "no-store",
    }),
  );

  app.get("/api/compliance", requireEditor, async (c) => {
    const filter = parseComplianceFilter(c.req.query());
    const format = c.req.query("format") ?? "json";
    if (format !== "json" && format !== "csv" && format !== "overdue-csv" && format !== "html")
      throw new InvalidRepostRequestError("format is invalid", [
        problem("format", "invalid", "format must be json, csv, overdue-csv or html"),
      ]);
    // JSON carries one page of the overdue list (limit/cursor page on); the HTML page and the
    // overdue CSV stream all of it.
    if (format === "overdue-csv") return complianceOverdueCsvResponse(platform, filter);
    const page =
      format === "json"
        ? { limit: pageLimit(c.req.query("limit")), cursor: c.req.query("cursor") || undefined }
        : { limit: OVERDUE_STREAM_PAGE };
    const report = await buildComplianceReport(platform, filter, page);
    if (format === "csv") {
      return new Response(textStream(complianceCsvLines(report)), {
        headers: {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": 'attachment; filename="compliance.csv"',
        },
      });
    }
    if (format === "html") {
      const MARK = "\u0000compliance\u0000";
      const [start, end] = gazette
        ? renderSitePage({ ...gazette, baseUrl }, { title: "转载情况检查", noindex: true }, MARK).split(MARK)
        : [COMPLIANCE_PAGE_START, COMPLIANCE_PAGE_END];
      async function* page() {
        yield start ?? "";
        yield* complianceHtmlParts(report, remainingOverdue(platform, report));
        yield end ?? "";
      }
      return new Response(textStream(page()), { headers: { "content-type": "text/html; charset=utf-8" } });
    }
    return jsonResponse(report);
  });

  app.post("/api/reposts/:noticeId/ack", requireSite, async (c) => {
    const body = await jsonBody(c.req.raw);
    const notice = await acks.acknowledge(c.get("site"), c.req.param("noticeId"), body);
    return jsonResponse(noticeView(notice, platform.clock.now(), baseUrl), 202);
  });

  app.get("/api/reposts", requireSite, async (c) => {
    const who = c.req.query("site");
    if (who !== undefined && who !== "me") {
      throw new InvalidRepostRequestError("site is invalid", [
        problem("site", "invalid", "site must be `me`: a site sees only its own notices"),
      ]);
    }
    const site = c.get("site");
    const all = c.req.query("all") === "true";
    const now = platform.clock.now();
    const items: ReturnType<typeof noticeView>[] = [];
    let cursor: string | undefined;
    do {
      const page = await platform.records.query<RepostNotice>(siteNoticesPartition(site.id), {
        index: "gsi1",
        cursor,
        limit: 500,
        descending: true,
      });
      cursor = page.cursor;
      for (const { data } of page.items) {
        if (all || data.verification?.state !== "verified") items.push(noticeView(data, now, baseUrl));
      }
    } while (cursor && items.length < 1000);
    if (c.req.query("format") === "html") {
      const rows = items
        .map(
          (n) =>
            `<tr><td>${escapeHtml(n.title)}</td><td>${escapeHtml(n.docNumber)}</td><td>${escapeHtml(n.deadline)}${n.deadlineProvisional ? "（暂定）" : ""}</td><td>${escapeHtml(n.status)}${n.overdue ? "（逾期）" : ""}</td><td>${escapeHtml(n.verification?.reason ?? "")}</td></tr>`,
        )
        .join("");
      return c.html(
        `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>待转载文件 · ${escapeHtml(site.name)}</title></head><body><h1>${escapeHtml(site.name)}：待转载文件（${items.length}）</h1><table><thead><tr><th>文件</th><th>发文字号</th><th>期限</th><th>状态</th><th>核验说明</th></tr></thead><tbody>${rows}</tbody></table></body></html>`,
      );
    }
    return jsonResponse({ site: { id: site.id, name: site.name }, items });
  });

  app.get("/api/reposts/:noticeId", requireSite, async (c) => {
    const notice = await acks.noticeFor(c.get("site"), c.req.param("noticeId"));
    return jsonResponse(noticeView(notice, platform.clock.now(), baseUrl));
  });

  return app;
}

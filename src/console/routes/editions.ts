/**
 * Editions: create one, add accepted documents, reorder within a section, remove; the preview
 * (page map, preflight, the PDF inline); and publication after a confirmation that says what goes
 * online and which sites will be sent repost notices.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { DocumentIntake } from "../../documents/intake.js";
import type { GazetteDocument } from "../../documents/model.js";
import type { CompletionStep, EditionView } from "../../editions/model.js";
import type { EditionService } from "../../editions/service.js";
import { type FieldProblem, ProblemError } from "../../platform/errors.js";
import type { SiteRecord } from "../../reposts/model.js";
import { chinaDate, targets } from "../../reposts/model.js";
import { findTemplatesDir } from "../../site/templates-dir.js";
import { type C, type ConsoleKit, problemCodes } from "../kit.js";

const EDITION_STATUS_LABELS: Record<string, string> = { draft: "草稿", published: "已发布" };

/** Seconds between the edition page's progress updates while a publication runs (with script). */
export const PROGRESS_REFRESH_SECONDS = 5;

/** The steps after the switch that put a publication fully online (completion.ts), in Chinese. */
const COMPLETION_LABELS: Record<CompletionStep, string> = {
  documents: "文件标为已发布",
  announced: "发出发布事件",
  siteCopy: "复制到公开网站",
  audit: "记入审计日志",
  statuses: "更新效力状态",
  index: "编入检索",
  fanout: "发出转载通知",
};

/**
 * The edition page's 发布进度: queued → rendering → published, or failed with the reason; once
 * published, how far the steps that follow the switch have come. Null for a draft never sent.
 */
export function progressView(edition: Pick<EditionView, "publication" | "completion">) {
  const p = edition.publication;
  if (!p) return null;
  const order = ["queued", "rendering", "published"] as const;
  const reached = p.state === "failed" ? -1 : order.indexOf(p.state);
  const step = (n: number, label: string, at: string | null) => ({
    label,
    at,
    state: reached > n || p.state === "published" ? "done" : reached === n ? "current" : "pending",
    current: reached === n && p.state !== "published",
  });
  const steps =
    p.state === "failed"
      ? [{ label: "发布失败", at: p.failure?.at ?? null, state: "failed", current: true }]
      : [
          step(0, "已提交，排队等待排版", p.requestedAt),
          step(1, "排版中（生成 PDF、网页和清单）", p.renderingAt),
          step(2, "已发布上线", p.publishedAt),
        ];
  const completion = edition.completion;
  const pending = completion?.steps.filter((s) => !s.doneAt) ?? [];
  if (p.state === "published" && completion) {
    for (const s of completion.steps) {
      steps.push({
        label: COMPLETION_LABELS[s.step],
        at: s.doneAt,
        state: s.doneAt ? "done" : "pending",
        current: false,
      });
    }
  }
  const labels = {
    queued: ["排队中", "已提交发布，等待排版程序取走。"],
    rendering: ["排版中", "正在生成本期的 PDF、网页和清单。"],
    published: [
      "已发布",
      pending.length ? `后续步骤还有 ${pending.length} 项，系统会自动完成。` : "全部步骤已完成。",
    ],
    failed: ["发布失败", "本期没有上线，发布请求已撤回。"],
  } as const;
  const [label, detail] = labels[p.state];
  return {
    state: p.state,
    label,
    detail,
    tone: p.state === "failed" ? "overdue" : p.state === "published" ? "ok" : "",
    steps,
    failure: p.state === "failed" ? p.failure : null,
    // Follows itself while the publication runs, and while the steps after the switch are pending.
    live: p.state === "queued" || p.state === "rendering" || (p.state === "published" && pending.length > 0),
    refreshSeconds: PROGRESS_REFRESH_SECONDS,
  };
}

function editionLabel(e: { year: number; issue: number; cumulative: number }) {
  return `${e.year}年第${e.issue}期（总第${e.cumulative}期）`;
}

/**
 * An edition's page (its documents, the accepted ones it may take), drawn by the edition routes
 * and, with the problems that stopped it, by a preview that failed.
 */
function editionPages(
  kit: ConsoleKit,
  editions: Pick<EditionService, "get">,
  intake: Pick<DocumentIntake, "accepted">,
) {
  const { deps, page, notFound } = kit;
  const loadEdition = async (id: string) => {
    try {
      return await editions.get(id);
    } catch (error) {
      if (error instanceof ProblemError) return undefined;
      throw error;
    }
  };

  const editionPage = async (
    c: C,
    id: string,
    extra: { problems?: readonly FieldProblem[]; notice?: string; preflightRefused?: boolean } = {},
    status = 200,
  ) => {
    const edition = await loadEdition(id);
    if (!edition) return notFound(c, "没有这一期。", "/console/editions");
    const editable = edition.status === "draft" && !edition.publishing;
    // The newest 50 accepted public documents, and older ones a page at a time.
    const older = c.req.query("older");
    const candidates = editable
      ? await intake.accepted({
          limit: 50,
          disclosure: "public",
          before: older && older.length <= 200 ? older : undefined,
        })
      : undefined;
    // As printed: sections in the gazette's order (others after, as they first appear), each
    // section's documents in the edition's order.
    const sections = [
      ...new Set([...deps.config.gazette.sections, ...edition.documents.map((d) => d.section)]),
    ];
    const docs = [...edition.documents].sort(
      (a, b) => sections.indexOf(a.section) - sections.indexOf(b.section),
    );
    return page(
      c,
      "edition",
      {
        title: editionLabel(edition),
        section: "editions",
        label: editionLabel(edition),
        edition,
        statusLabel: EDITION_STATUS_LABELS[edition.status],
        progress: progressView(edition),
        editable,
        entries: docs.map((d, n) => ({
          ...d,
          canUp: docs.slice(0, n).some((o) => o.section === d.section),
          canDown: docs.slice(n + 1).some((o) => o.section === d.section),
        })),
        candidates: candidates?.items ?? [],
        olderCandidates: candidates?.next
          ? `/console/editions/${encodeURIComponent(edition.id)}?older=${encodeURIComponent(candidates.next)}#candidates`
          : undefined,
        newerCandidates: older ? `/console/editions/${encodeURIComponent(edition.id)}#candidates` : undefined,
        ...extra,
      },
      status,
    );
  };
  return { loadEdition, editionPage };
}

/**
 * The editions' pages and forms. The previews are registerEditionPreviews's: in AWS another
 * function serves them, the one with the PDF engine.
 */
export function registerEditionRoutes(
  kit: ConsoleKit,
  editions: EditionService,
  intake: Pick<DocumentIntake, "accepted" | "get">,
): void {
  const { app, deps, record, page, notFound, editor, form, actor } = kit;
  const { loadEdition, editionPage } = editionPages(kit, editions, intake);
  const editionsPage = async (c: C, extra: Record<string, unknown> = {}, status = 200) => {
    const result = await editions.list({ limit: 50, cursor: c.req.query("cursor") || undefined });
    return page(
      c,
      "editions",
      {
        title: "期刊",
        section: "editions",
        year: Number(chinaDate(deps.now()).slice(0, 4)),
        items: result.items.map((e) => ({ ...e, statusLabel: EDITION_STATUS_LABELS[e.status] })),
        next: result.cursor ? `/console/editions?cursor=${encodeURIComponent(result.cursor)}` : undefined,
        ...extra,
      },
      status,
    );
  };

  app.get("/console/editions", editor, (c) => editionsPage(c));

  app.post("/console/editions", editor, async (c) => {
    const posted = form(c);
    const yearText = typeof posted.year === "string" ? posted.year.trim() : "";
    const date = typeof posted.date === "string" ? posted.date.trim() : "";
    try {
      const edition = await editions.create(
        { year: /^\d+$/.test(yearText) ? Number(yearText) : yearText, ...(date ? { date } : {}) },
        actor(c),
      );
      await record({
        actor: actor(c),
        action: "edition.create",
        target: edition.id,
        outcome: "ok",
        details: { year: edition.year, issue: edition.issue, cumulative: edition.cumulative },
      });
      return c.redirect(`/console/editions/${edition.id}`, 303);
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      await record({
        actor: actor(c),
        action: "edition.create",
        target: null,
        outcome: "refused",
        details: { problems: problemCodes(error.problems) },
      });
      return editionsPage(c, { problems: error.problems, year: yearText, date }, 400);
    }
  });

  app.get("/console/editions/:id", editor, (c) => editionPage(c, c.req.param("id")));

  /** The edition page's drag-and-drop (a static file, so the pages' CSP allows it: script-src 'self'). */
  let orderScript: string | undefined;
  app.get("/console/edition-order.js", editor, (c) => {
    orderScript ??= readFileSync(join(findTemplatesDir(), "console", "edition-order.js"), "utf8");
    return c.body(orderScript, 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "private, max-age=300",
    });
  });

  /**
   * The edition page's progress updates while a publication runs (a static file, like the
   * drag-and-drop): reads the page again and puts its 发布进度 in place.
   */
  let progressScript: string | undefined;
  app.get("/console/edition-progress.js", editor, (c) => {
    progressScript ??= readFileSync(join(findTemplatesDir(), "console", "edition-progress.js"), "utf8");
    return c.body(progressScript, 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "private, max-age=300",
    });
  });

  /**
   * Add (checked documents), move up or down within its section, remove one document, or set the
   * whole order (drag-and-drop).
   */
  app.post("/console/editions/:id/documents", editor, async (c) => {
    const id = c.req.param("id");
    const edition = await loadEdition(id);
    if (!edition) return notFound(c, "没有这一期。", "/console/editions");
    const posted = form(c);
    const action = typeof posted.action === "string" ? posted.action : "";
    const chosen = (Array.isArray(posted.document) ? posted.document : [posted.document ?? ""]).filter(
      Boolean,
    );
    const order = edition.documents.map((d) => d.id);
    const sectionOf = new Map(edition.documents.map((d) => [d.id, d.section]));
    if (action === "add") {
      for (const docId of chosen) if (!order.includes(docId)) order.push(docId);
    } else if (action === "remove") {
      const at = order.indexOf(chosen[0] ?? "");
      if (at >= 0) order.splice(at, 1);
    } else if (action === "up" || action === "down") {
      const at = order.indexOf(chosen[0] ?? "");
      const step = action === "up" ? -1 : 1;
      let other = at + step;
      while (
        at >= 0 &&
        other >= 0 &&
        other < order.length &&
        sectionOf.get(order[other]!) !== sectionOf.get(order[at]!)
      )
        other += step;
      if (at >= 0 && other >= 0 && other < order.length)
        [order[at], order[other]] = [order[other]!, order[at]!];
    } else if (action === "order") {
      // The whole order at once (drag-and-drop, templates/console/edition-order.js): the edition's
      // documents, each once. Only the order within a section matters: the edition prints its
      // sections in the gazette's order whatever the stored order across them.
      if (
        chosen.length !== order.length ||
        new Set(chosen).size !== chosen.length ||
        !chosen.every((d) => sectionOf.has(d))
      ) {
        return editionPage(
          c,
          id,
          {
            problems: [
              {
                field: "document",
                code: "invalid_order",
                message: "新的顺序须包含本期的每份文件各一次；请刷新页面后重试。",
              },
            ],
          },
          400,
        );
      }
      order.splice(0, order.length, ...chosen);
    } else {
      return editionPage(
        c,
        id,
        { problems: [{ field: "action", code: "invalid", message: "未知的操作" }] },
        400,
      );
    }
    try {
      await editions.setDocuments(id, { documents: order }, actor(c));
      await record({
        actor: actor(c),
        action: `edition.documents.${action}`,
        target: id,
        outcome: "ok",
        details: { documents: chosen, order },
      });
      return c.redirect(`/console/editions/${id}`, 303);
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      await record({
        actor: actor(c),
        action: `edition.documents.${action}`,
        target: id,
        outcome: "refused",
        details: {
          documents: chosen,
          problems: problemCodes(error.problems),
        },
      });
      return editionPage(c, id, { problems: error.problems }, 400);
    }
  });

  /** Who a document's repost requirement sends notices to among the active registered sites. */
  const noticeTargets = async (docs: readonly GazetteDocument[]) => {
    const reposted = docs.filter((d) => d.repost.scope !== "none" && d.disclosure.attribute === "public");
    if (!reposted.length) return [];
    const sites: SiteRecord[] = [];
    if (deps.sites) {
      let cursor: string | undefined;
      do {
        const result = await deps.sites.page({ limit: 200, cursor });
        sites.push(...result.sites.filter((s) => s.status === "active"));
        cursor = result.cursor;
      } while (cursor);
    }
    return reposted.map((d) => ({
      title: d.title,
      sites: sites.filter((s) => targets(d.repost, s)).map((s) => ({ id: s.id, name: s.name })),
    }));
  };

  app.get("/console/editions/:id/publish", editor, async (c) => {
    const id = c.req.param("id");
    const edition = await loadEdition(id);
    if (!edition) return notFound(c, "没有这一期。", "/console/editions");
    if (edition.status !== "draft") return c.redirect(`/console/editions/${id}`, 303);
    const docs = await Promise.all(edition.documents.map((d) => intake.get(d.id)));
    return page(c, "publish", {
      title: `确认发布 ${editionLabel(edition)}`,
      section: "editions",
      label: editionLabel(edition),
      edition,
      documents: edition.documents,
      notices: await noticeTargets(docs),
    });
  });

  app.post("/console/editions/:id/publish", editor, async (c) => {
    const id = c.req.param("id");
    // Publishing over the preflight's errors: the editor's reason, kept on the edition.
    const posted = form(c);
    const reasonText = typeof posted.overrideReason === "string" ? posted.overrideReason.trim() : "";
    if (reasonText.length > 2000) {
      return editionPage(
        c,
        id,
        {
          problems: [{ field: "overrideReason", code: "invalid", message: "发布理由最多 2000 个字符" }],
        },
        400,
      );
    }
    const override = reasonText ? { reason: reasonText } : undefined;
    try {
      let notice: string;
      if (deps.config.publishing === "queued") {
        const { queued } = await editions.requestPublish(id, actor(c), override);
        notice = queued ? "已提交发布，正在排版；稍后刷新本页查看结果。" : "本期已发布。";
      } else {
        const { edition } = await editions.publish(id, actor(c), override);
        notice = `已发布：${edition.urls?.web ?? ""}`;
      }
      await record({
        actor: actor(c),
        action: "edition.publish",
        target: id,
        outcome: "ok",
        details: override ? { override: override.reason } : {},
      });
      return editionPage(c, id, { notice });
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      await record({
        actor: actor(c),
        action: "edition.publish",
        target: id,
        outcome: "refused",
        details: { problems: problemCodes(error.problems) },
      });
      // Refused by the preflight: the findings, and the form again with a reason to publish anyway.
      const preflight = error.problems.some((p) => p.code.startsWith("preflight_"));
      return editionPage(
        c,
        id,
        { problems: error.problems, preflightRefused: preflight },
        error.name === "EditionNotFoundError" ? 404 : 409,
      );
    }
  });
}

/**
 * An edition's preview: the page map and preflight, and the PDF inline. In AWS the preview
 * function serves both (route declarations: `lambda`), with the same session checks as every
 * console page; a preview that fails shows the edition's page with its problems.
 */
export function registerEditionPreviews(
  kit: ConsoleKit,
  editions: Pick<EditionService, "get" | "preview">,
  intake: Pick<DocumentIntake, "accepted">,
): void {
  const { app, page, editor } = kit;
  const { editionPage } = editionPages(kit, editions, intake);
  app.get("/console/editions/:id/preview", editor, async (c) => {
    const id = c.req.param("id");
    try {
      const { pdf: _pdf, ...preview } = await editions.preview(id);
      const titles = new Map(preview.documents.map((d) => [d.id, d.title]));
      const findings = preview.findings.map((f) => ({
        ...f,
        error: f.severity === "error",
        severityLabel: f.severity === "error" ? "错误" : "提示",
        documentTitle: f.documentId ? titles.get(f.documentId) : undefined,
      }));
      return page(c, "preview", {
        title: `预览 ${editionLabel(preview.edition)}`,
        section: "editions",
        label: editionLabel(preview.edition),
        preview,
        findings,
        errors: findings.filter((f) => f.error).length,
      });
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      return editionPage(
        c,
        id,
        { problems: error.problems },
        error.name === "EditionNotFoundError" ? 404 : 400,
      );
    }
  });

  app.get("/console/editions/:id/preview.pdf", editor, async (c) => {
    const id = c.req.param("id");
    try {
      const preview = await editions.preview(id);
      if (!preview.pdf)
        return editionPage(
          c,
          id,
          { problems: [{ field: null, code: "no_pdf", message: "排版程序没有生成 PDF" }] },
          400,
        );
      return new Response(new Uint8Array(preview.pdf.bytes), {
        headers: {
          "content-type": preview.pdf.contentType,
          "content-disposition": `inline; filename="edition-${preview.edition.year}-${preview.edition.issue}-preview.pdf"`,
          "cache-control": "no-store",
        },
      });
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      return editionPage(c, id, { problems: error.problems }, 400);
    }
  });
}

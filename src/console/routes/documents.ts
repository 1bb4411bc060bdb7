/**
 * Documents: the intake queue with its filters, the submission form (errors beside their fields,
 * with the rule that refused them), a document's page with its 效力状态, and the acts an editor
 * drafts from a published document (修改, 废止, 宣布失效, 勘误).
 */
import { bodyLimit } from "hono/body-limit";
import type { DocumentIntake } from "../../documents/intake.js";
import { DISCLOSURE_ATTRIBUTES, DISCLOSURE_LABELS, type GazetteDocument } from "../../documents/model.js";
import { receivedRange } from "../../documents/received-range.js";
import { STATUS } from "../../http/errors.js";
import { type FieldProblem, ProblemError } from "../../platform/errors.js";
import type { SearchIndex } from "../../search/ports.js";
import { documentBodyView } from "../../site/view.js";
import type { ChangeKind } from "../../status/records.js";
import { chinaToday } from "../../status/service.js";
import { type C, type ConsoleKit, fileUpload, problemCodes } from "../kit.js";
import {
  formView,
  INTERPRETATION_FORM_LABELS,
  type PostedForm,
  prefilledForm,
  submissionInput,
} from "../submission-form.js";

export const STATE_LABELS: Record<string, string> = {
  accepted: "已受理",
  placed: "已编排",
  published: "已发布",
};
/** An attachment's file name, any script: an ASCII fallback and the UTF-8 name (RFC 6266 / 8187). */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** What a later act does to a published document, as the console names it. */
const CHANGE_LABELS: Record<ChangeKind, string> = {
  repeals: "废止",
  amends: "修改",
  expires: "宣布失效",
  corrects: "勘误",
};

/**
 * The acts an editor drafts from a published document's page: the submission form's relation
 * field, and the title and kind it starts with. The status changes when the act is published.
 */
const ACTS: Record<ChangeKind, { field: string; title: (t: string) => string; kind: string; label: string }> =
  {
    amends: {
      field: "relations.amends",
      title: (t) => `关于修改《${t}》的决定`,
      kind: "决定",
      label: "标记已修改：起草修改决定",
    },
    repeals: {
      field: "relations.repeals",
      title: (t) => `关于废止《${t}》的决定`,
      kind: "决定",
      label: "标记已废止：起草废止决定",
    },
    expires: {
      field: "relations.expires",
      title: (t) => `关于宣布《${t}》失效的决定`,
      kind: "决定",
      label: "标记失效：起草宣布失效的决定",
    },
    corrects: { field: "corrects", title: (t) => `关于《${t}》的勘误`, kind: "公告", label: "发布勘误" },
  };
const isChangeKind = (k: string | undefined): k is ChangeKind =>
  k === "repeals" || k === "amends" || k === "expires" || k === "corrects";

/** An act's references, for the audit entry of its submission. */
function relationDetails(doc: GazetteDocument): Record<string, readonly string[]> {
  const out: Record<string, readonly string[]> = {};
  if (doc.relations.repeals.length) out.repeals = doc.relations.repeals;
  if (doc.relations.amends.length) out.amends = doc.relations.amends;
  if (doc.relations.expires?.length) out.expires = doc.relations.expires;
  if (doc.corrects?.length) out.corrects = doc.corrects;
  return out;
}

function repostLabel(doc: GazetteDocument): string {
  const r = doc.repost;
  if (r.scope === "none") return "不要求转载";
  const parts = [r.scope === "all" ? "全部下级网站" : "按条件"];
  if (r.regions.length) parts.push(`区划 ${r.regions.join("、")}`);
  if (r.levels.length) parts.push(`层级 ${r.levels.join("、")}`);
  if (r.sectors.length) parts.push(`行业 ${r.sectors.join("、")}`);
  if (r.deadlineWorkingDays) parts.push(`${r.deadlineWorkingDays} 个工作日内`);
  return parts.join("；");
}
/** The submission form, blank, prefilled or with the problems of a refused submission. */
function submitPage(
  kit: ConsoleKit,
  c: C,
  posted: PostedForm,
  problems: readonly FieldProblem[],
  status: number,
  heading = "",
  intro = "",
  add?: string,
) {
  return kit.page(
    c,
    "submit",
    {
      title: problems.length ? "报送文件（有错误）" : "报送文件",
      section: "submit",
      problemHeading: heading,
      intro,
      addSlots: true,
      ...formView(kit.deps.config.gazette.sections, posted, problems, add),
    },
    status,
  );
}

/**
 * The document pages: the queue, the submission form and a document's page. The submission
 * itself (POST /console/documents) is registerDocumentSubmission's: in AWS another function
 * serves it, the one with the .docx reader.
 */
export function registerDocumentRoutes(
  kit: ConsoleKit,
  intake: Pick<DocumentIntake, "list" | "get" | "original">,
  options: {
    /**
     * The search index over published public documents (src/search): a title or 发文字号 search
     * finds them there at any age, beyond what one page's scan reads. Left out, only the scan.
     */
    readonly search?: Pick<SearchIndex, "search"> | undefined;
    /** Entries one page of a search reads at most (intake.list's scanLimit); default 5,000. */
    readonly scanLimit?: number | undefined;
  } = {},
): void {
  const { app, deps, page, notFound, editor } = kit;
  app.get("/console/documents", editor, async (c) => {
    const query = c.req.query();
    const state = ["accepted", "placed", "published"].includes(query.state ?? "")
      ? (query.state as "accepted" | "placed" | "published")
      : undefined;
    const disclosure = (DISCLOSURE_ATTRIBUTES as readonly string[]).includes(query.disclosure ?? "")
      ? query.disclosure
      : undefined;
    const sections = deps.config.gazette.sections;
    const section = sections.includes(query.section ?? "") ? query.section : undefined;
    const issuer = query.issuer?.trim().slice(0, 100) || undefined;
    const q = query.q?.trim().slice(0, 100) || undefined;
    // 收文日期 from–to: the JSON API's receivedFrom / receivedTo, with its rule (received-range.ts).
    const received = receivedRange(query.receivedFrom, query.receivedTo);
    const problems: FieldProblem[] = received.problems.map((p) => ({
      ...p,
      message:
        p.code === "date_order"
          ? "截止日期不能早于起始日期"
          : `${p.field === "receivedFrom" ? "起始" : "截止"}日期须为有效日期，如 2025-06-03`,
    }));
    const filterContext = {
      title: "来文",
      section: "documents",
      q,
      issuer,
      receivedFrom: query.receivedFrom?.trim(),
      receivedTo: query.receivedTo?.trim(),
      errors: Object.fromEntries(problems.map((p) => [p.field, p.message])),
      states: Object.entries(STATE_LABELS).map(([value, label]) => ({
        value,
        label,
        selected: value === state,
      })),
      disclosures: DISCLOSURE_ATTRIBUTES.map((value) => ({
        value,
        label: DISCLOSURE_LABELS[value],
        selected: value === disclosure,
      })),
      sections: sections.map((value) => ({ value, selected: value === section })),
    };
    if (problems.length) return page(c, "documents", { ...filterContext, items: [], invalid: true }, 400);
    const limit = 50;
    // Published public documents are in the search index: a search that may concern them (no
    // state, or 已发布; no other disclosure, 栏目 or date range, which the index does not hold) asks
    // it too, so a document is found however many were received after it. The first page only.
    const indexed =
      q &&
      options.search &&
      !query.cursor &&
      (!state || state === "published") &&
      (!disclosure || disclosure === "public") &&
      !section &&
      !received.range.receivedFrom &&
      !received.range.receivedBefore
        ? await options.search
            .search({ q, source: "gazette", limit: 20, ...(issuer ? { issuer } : {}) })
            .then((r) => ({ total: r.total, hits: r.hits }))
            .catch(() => undefined)
        : undefined;
    const result = await intake.list(
      {
        state,
        disclosure,
        section,
        issuer,
        q,
        ...received.range,
      },
      { limit, cursor: query.cursor || undefined, scanLimit: options.scanLimit },
    );
    const nextParams = new URLSearchParams({
      ...(state ? { state } : {}),
      ...(disclosure ? { disclosure } : {}),
      ...(section ? { section } : {}),
      ...(issuer ? { issuer } : {}),
      ...(query.receivedFrom?.trim() ? { receivedFrom: query.receivedFrom.trim() } : {}),
      ...(query.receivedTo?.trim() ? { receivedTo: query.receivedTo.trim() } : {}),
      ...(q ? { q } : {}),
      ...(result.cursor ? { cursor: result.cursor } : {}),
    });
    return page(c, "documents", {
      ...filterContext,
      items: result.items.map((d) => ({
        ...d,
        issuers: d.issuers.join("、"),
        stateLabel: STATE_LABELS[d.state],
        disclosureLabel: DISCLOSURE_LABELS[d.disclosure.attribute],
      })),
      // A search read its bound of documents without filling the page: it goes on from there.
      partial: result.cursor !== undefined && result.items.length < limit,
      indexed: indexed && {
        total: indexed.total,
        hits: indexed.hits
          .filter((h) => !result.items.some((d) => d.id === h.id))
          .map((h) => ({ ...h, issuers: h.issuers.join("、") })),
        shown: result.items.filter((d) => indexed.hits.some((h) => h.id === d.id)).length,
      },
      next: result.cursor ? `/console/documents?${nextParams}` : undefined,
    });
  });

  app.get("/console/documents/new", editor, async (c) => {
    const act = c.req.query("act");
    const targetId = c.req.query("target");
    if (!isChangeKind(act) || !targetId) return submitPage(kit, c, {}, [], 200);
    let target: GazetteDocument;
    try {
      target = await intake.get(targetId);
    } catch (error) {
      if (error instanceof ProblemError) return notFound(c, "没有这份文件。", "/console/documents");
      throw error;
    }
    if (!target.docNumber)
      return submitPage(kit, c, {}, [], 200, "", `《${target.title}》没有发文字号，后续文件无法引用它。`);
    const spec = ACTS[act];
    const sections = deps.config.gazette.sections;
    return submitPage(
      kit,
      c,
      prefilledForm(sections, {
        title: spec.title(target.title),
        kind: spec.kind,
        issuers: target.issuers.join("\n"),
        ...(sections.includes(target.section) ? { section: target.section } : {}),
        [spec.field]: target.docNumber,
      }),
      [],
      200,
      "",
      `${spec.label}：本文件发布后，《${target.title}》（${target.docNumber}）的效力状态随之改变。`,
    );
  });

  app.get("/console/documents/:id", editor, async (c) => {
    let doc: GazetteDocument;
    try {
      doc = await intake.get(c.req.param("id"));
    } catch (error) {
      if (error instanceof ProblemError) return notFound(c, "没有这份文件。", "/console/documents");
      throw error;
    }
    return page(c, "document", {
      title: doc.title,
      section: "documents",
      ...(await validityView(doc)),
      doc,
      issuers: doc.issuers.join("、"),
      stateLabel: STATE_LABELS[doc.state],
      disclosureLabel: DISCLOSURE_LABELS[doc.disclosure.attribute],
      repost: repostLabel(doc),
      sourceLabel: doc.source.format === "docx" ? ".docx 文件" : "JSON 报送",
      original: doc.source.blobKey
        ? {
            href: `/console/documents/${doc.id}/original`,
            label:
              doc.source.format === "docx"
                ? `下载原件（${doc.source.filename ?? ".docx"}）`
                : "下载原件（报送的 JSON）",
            sha: doc.source.sha256,
          }
        : undefined,
      printed: documentBodyView(doc),
      // Each 解读 prints as an entry of its own, signed by the document's issuers (render-input.ts).
      interpretations: doc.interpretations.map((i) => ({
        title: i.title,
        formLabel: INTERPRETATION_FORM_LABELS[i.form] ?? i.form,
        printed: documentBodyView({
          addressees: null,
          blocks: i.blocks,
          attachments: [],
          signer: null,
          issuers: doc.issuers,
          dateWritten: doc.dateWritten,
          cc: null,
          printed: null,
        }),
      })),
    });
  });

  // The original as received (.docx or the JSON submission), to editors only: never public.
  app.get("/console/documents/:id/original", editor, async (c) => {
    let doc: GazetteDocument;
    try {
      doc = await intake.get(c.req.param("id"));
    } catch (error) {
      if (error instanceof ProblemError) return notFound(c, "没有这份文件。", "/console/documents");
      throw error;
    }
    const original = await intake.original(doc);
    if (!original) return notFound(c, "这份文件没有保存原件。", `/console/documents/${doc.id}`);
    return c.body(original.bytes as Uint8Array<ArrayBuffer>, 200, {
      "content-type": original.contentType,
      "content-disposition": contentDisposition(original.filename),
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    });
  });

  /** 效力状态 of a published document, what changed it, and what its own references resolved to. */
  const validityView = async (doc: GazetteDocument) => {
    const statuses = deps.statuses;
    if (!statuses) return {};
    const published = doc.state === "published";
    const [status, changes, references] = await Promise.all([
      published ? statuses.statusOf(doc.id, chinaToday(deps.now()), doc.normative) : undefined,
      published ? statuses.changesOf(doc.id) : [],
      statuses.referencesFrom(doc),
    ]);
    return {
      published,
      publicUrl: `/documents/${doc.id}.html`,
      validity: status && {
        ...status,
        changedBy: status.changedBy && {
          ...status.changedBy,
          consoleUrl: `/console/documents/${status.changedBy.id}`,
        },
        correctedBy: status.correctedBy?.map((l) => ({ ...l, consoleUrl: `/console/documents/${l.id}` })),
      },
      changes: changes.map((ch) => ({
        ...ch,
        label: CHANGE_LABELS[ch.kind],
        consoleUrl: `/console/documents/${ch.sourceId}`,
      })),
      references: await Promise.all(
        references.map(async (r) => ({
          ...r,
          label: CHANGE_LABELS[r.kind],
          targets: await Promise.all(
            r.targets.map(async (id) => ({
              id,
              title: (await intake.get(id).catch(() => undefined))?.title ?? id,
              consoleUrl: `/console/documents/${id}`,
            })),
          ),
        })),
      ),
      acts:
        published && doc.docNumber
          ? (["amends", "repeals", "expires", "corrects"] as const).map((kind) => ({
              label: ACTS[kind].label,
              href: `/console/documents/new?act=${kind}&target=${encodeURIComponent(doc.id)}`,
            }))
          : [],
    };
  };
}

/**
 * The submission, POST /console/documents (JSON fields or a .docx): accepted, it goes to the
 * document's page; refused, the form comes back with each problem beside its field and the status
 * the JSON API gives the same refusal. In AWS the documents function serves it (route
 * declarations: `lambda`), with the same session and CSRF checks as every console page.
 */
export function registerDocumentSubmission(kit: ConsoleKit, intake: Pick<DocumentIntake, "submit">): void {
  const { app, deps, record, editor, form, actor } = kit;
  app.post(
    "/console/documents",
    bodyLimit({
      maxSize: deps.config.limits.maxDocxBytes + 1024 * 1024,
      onError: (c) => c.text("上传的文件过大", 413),
    }),
    editor,
    async (c) => {
      const posted = form(c);
      // 再添一份解读 / 再添一个附件: the form again with one more slot, nothing submitted.
      const add = typeof posted._add === "string" ? posted._add : undefined;
      if (add === "interpretations" || add === "attachments") {
        const { _add, _csrf, ...typed } = posted;
        return submitPage(kit, c, typed, [], 200, "", "", add);
      }
      const file = fileUpload(c);
      const input = submissionInput(posted);
      try {
        const { document } = await intake.submit({
          input,
          submittedBy: actor(c),
          docx: file
            ? { bytes: new Uint8Array(await file.arrayBuffer()), filename: file.name || null }
            : undefined,
        });
        await record({
          actor: actor(c),
          action: "document.submit",
          target: document.id,
          outcome: "ok",
          details: {
            title: document.title,
            docNumber: document.docNumber,
            ...relationDetails(document),
          },
        });
        return c.redirect(`/console/documents/${document.id}`, 303);
      } catch (error) {
        if (!(error instanceof ProblemError)) throw error;
        const refused = error.kind === "refused";
        await record({
          actor: actor(c),
          action: "document.submit",
          target: null,
          outcome: "refused",
          details: {
            title: typeof input.title === "string" ? input.title.slice(0, 300) : null,
            problems: problemCodes(error.problems),
          },
        });
        // The status every refusal of this kind gets (src/http/errors.ts), as in the JSON API.
        return submitPage(
          kit,
          c,
          posted,
          error.problems,
          STATUS[error.kind],
          refused ? "退文：文件不符合发布规定" : "文件未受理：请改正以下问题",
        );
      }
    },
  );
}

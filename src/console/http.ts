/**
 * The editor console at /console/: server-rendered pages (templates/console/*.hbs) and plain
 * HTML forms, so that everything works without JavaScript. Handlers only translate: forms become
 * the same domain calls as the JSON API (DocumentIntake, EditionService), and the domain's field
 * problems are shown next to the field they concern.
 *
 * Sessions: an HttpOnly, SameSite=Strict cookie holding a random token (ConsoleAccounts); every
 * POST carries the session's CSRF token (the sign-in form a cookie-bound one). Roles: editors and
 * administrators work on documents and editions; administrators also manage accounts and read the
 * audit log. Every action, refused ones included, is written to the console audit log.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { ConsoleAuditEntry, ConsoleAuditLog } from "../audit/console-audit.js";
import type { Config } from "../config.js";
import type { Block } from "../documents/blocks.js";
import {
  DocumentError,
  DocumentRefusedError,
  DuplicateDocumentError,
  type FieldProblem,
} from "../documents/errors.js";
import type { DocumentIntake } from "../documents/intake.js";
import { DISCLOSURE_ATTRIBUTES, DISCLOSURE_LABELS, type GazetteDocument } from "../documents/model.js";
import type { EditionService } from "../editions/service.js";
import type { SiteRecord } from "../reposts/model.js";
import { targets } from "../reposts/model.js";
import type { SiteRegistry } from "../reposts/sites.js";
import type { ChangeKind } from "../status/records.js";
import { chinaToday, type DocumentStatuses } from "../status/service.js";
import {
  AccountError,
  CONSOLE_ROLES,
  type ConsoleAccounts,
  type ConsoleRole,
  type ConsoleSession,
  ROLE_LABELS,
} from "./accounts.js";
import type { ConsolePageRenderer } from "./render.js";
import { formView, type PostedForm, prefilledForm, submissionInput } from "./submission-form.js";

export const SESSION_COOKIE = "gazette_console";
export const SIGN_IN_CSRF_COOKIE = "gazette_console_signin";

export interface ConsoleDependencies {
  readonly config: Pick<Config, "gazette" | "limits"> & Partial<Pick<Config, "publishing">>;
  readonly accounts: ConsoleAccounts;
  readonly audit: ConsoleAuditLog;
  readonly intake: DocumentIntake;
  readonly editions: EditionService;
  /** The site registry, for who a publication sends repost notices to; left out, none are listed. */
  readonly sites?: Pick<SiteRegistry, "page"> | undefined;
  /** 效力状态 and the acts that changed it; left out, the document page does not show them. */
  readonly statuses?: Pick<DocumentStatuses, "statusOf" | "referencesFrom" | "changesOf"> | undefined;
  readonly render: ConsolePageRenderer;
  readonly now: () => Date;
  /** Makes the request's writes durable before it is acknowledged. */
  readonly flush: () => Promise<void>;
}

type ConsoleEnv = { Variables: { session: ConsoleSession; form: PostedForm } };

/** The console routes, mounted by createApp. */
export type ConsoleRoutes = Hono<ConsoleEnv>;
type C = Context<ConsoleEnv>;

const EDIT_ROLES: readonly ConsoleRole[] = ["editor", "administrator"];
const ADMIN_ROLES: readonly ConsoleRole[] = ["administrator"];
const STATE_LABELS: Record<string, string> = { accepted: "已受理", placed: "已编排", published: "已发布" };
const EDITION_STATUS_LABELS: Record<string, string> = { draft: "草稿", published: "已发布" };

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const secureCookie = (c: C) => new URL(c.req.url).protocol === "https:";

/** A local path to go back to after signing in; anything else goes to the console's home. */
function safeNext(next: string | undefined): string {
  return next && /^\/console\/[^\s\\]*$/.test(next) && !next.startsWith("//") ? next : "/console/";
}

function plainParagraphs(blocks: readonly Block[]): string[] {
  return blocks.map((b) => (b.type === "table" ? b.rows.map((r) => r.join(" | ")).join(" / ") : b.text));
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

function editionLabel(e: { year: number; issue: number; cumulative: number }) {
  return `${e.year}年第${e.issue}期（总第${e.cumulative}期）`;
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

export function createConsoleRoutes(deps: ConsoleDependencies): Hono<ConsoleEnv> {
  const { accounts, audit, intake, editions, render } = deps;
  const app = new Hono<ConsoleEnv>();

  const record = (entry: Omit<ConsoleAuditEntry, "at">) =>
    audit.record({ at: deps.now().toISOString(), ...entry });

  const page = (c: C, name: string, context: Record<string, unknown>, status = 200) => {
    const session = c.get("session") as ConsoleSession | undefined;
    const role = session?.role;
    return c.html(
      render(name, {
        ...context,
        user: session && { ...session, roleLabel: ROLE_LABELS[session.role] },
        csrf: session?.csrf ?? context.csrf,
        can: {
          edit: role !== undefined && EDIT_ROLES.includes(role),
          administer: role !== undefined && ADMIN_ROLES.includes(role),
        },
      }),
      status as 200,
      { "cache-control": "no-store" },
    );
  };

  /** Reads a posted form (url-encoded or multipart) once; values as text, repeated names as lists. */
  const readForm = async (c: C): Promise<{ form: PostedForm; file: File | undefined }> => {
    let body: Awaited<ReturnType<typeof c.req.parseBody>>;
    try {
      body = await c.req.parseBody({ all: true });
    } catch {
      // A body that is not the form it claims to be (broken multipart, bad encoding): an empty
      // form, which fails its CSRF check like any other foreign post.
      return { form: {}, file: undefined };
    }
    const form: PostedForm = {};
    let file: File | undefined;
    for (const [name, value] of Object.entries(body)) {
      const values = Array.isArray(value) ? value : [value];
      const texts = values.filter((v): v is string => typeof v === "string");
      const files = values.filter((v): v is File => v instanceof File);
      if (name === "file" && files[0] && files[0].size > 0) file = files[0];
      if (texts.length) form[name] = texts.length === 1 ? texts[0]! : texts;
    }
    return { form, file };
  };

  /** Signed in with one of the roles; a POST also with the session's CSRF token. */
  const requireRole =
    (roles: readonly ConsoleRole[]): MiddlewareHandler<ConsoleEnv> =>
    async (c, next) => {
      const session = await accounts.session(getCookie(c, SESSION_COOKIE));
      if (!session) {
        const next = c.req.method === "GET" ? `?next=${encodeURIComponent(c.req.path)}` : "";
        return c.redirect(`/console/sign-in${next}`, 303);
      }
      c.set("session", session);
      const action = `${c.req.method} ${c.req.routePath}`;
      if (!roles.includes(session.role)) {
        await record({
          actor: session.username,
          action,
          target: c.req.path,
          outcome: "refused",
          details: { reason: "role", role: session.role },
        });
        await deps.flush();
        return page(
          c,
          "message",
          {
            title: "无权访问",
            heading: "无权访问",
            message: `你的角色（${ROLE_LABELS[session.role]}）不能使用此功能。`,
            back: "/console/",
          },
          403,
        );
      }
      if (c.req.method === "POST") {
        const { form, file } = await readForm(c);
        const sent = typeof form._csrf === "string" ? form._csrf : "";
        if (!sameToken(sent, session.csrf)) {
          await record({
            actor: session.username,
            action,
            target: c.req.path,
            outcome: "refused",
            details: { reason: "csrf" },
          });
          await deps.flush();
          return page(
            c,
            "message",
            {
              title: "表单已失效",
              heading: "表单已失效",
              message: "表单的安全校验未通过（CSRF）。请返回、刷新页面后重新提交。",
              back: c.req.path,
            },
            403,
          );
        }
        c.set("form", form);
        if (file) (c as unknown as { fileUpload: File }).fileUpload = file;
      }
      await next();
      if (c.req.method === "POST") await deps.flush();
    };
  const editor = requireRole(EDIT_ROLES);
  const admin = requireRole(ADMIN_ROLES);
  const anyRole = requireRole(CONSOLE_ROLES);
  const form = (c: C) => c.get("form");
  const actor = (c: C) => c.get("session").username;

  // ── Sign-in and sign-out ───────────────────────────────────────────────────────────────────
  const signInPage = (c: C, context: { username?: string; next?: string; error?: string }, status = 200) => {
    const token = randomBytes(24).toString("base64url");
    setCookie(c, SIGN_IN_CSRF_COOKIE, token, {
      httpOnly: true,
      sameSite: "Strict",
      secure: secureCookie(c),
      path: "/console/sign-in",
      maxAge: 3600,
    });
    return page(
      c,
      "sign-in",
      { title: "登录", csrf: token, ...context, next: safeNext(context.next) },
      status,
    );
  };

  app.get("/console/sign-in", (c) => signInPage(c, { next: c.req.query("next") }));

  app.post(
    "/console/sign-in",
    bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.text("表单过大", 413) }),
    async (c) => {
      const { form } = await readForm(c);
      const text = (n: string) => (typeof form[n] === "string" ? (form[n] as string) : "");
      const username = text("username").trim();
      const next = text("next");
      const expected = getCookie(c, SIGN_IN_CSRF_COOKIE) ?? "";
      if (!expected || !sameToken(text("_csrf"), expected)) {
        return signInPage(
          c,
          { username, next, error: "登录表单已失效（CSRF 校验未通过），请重新输入。" },
          400,
        );
      }
      const account = await accounts.verify(username, text("password"));
      if (!account) {
        await record({
          actor: username.slice(0, 40) || "(空)",
          action: "sign-in",
          target: null,
          outcome: "refused",
          details: { reason: "用户名或密码不正确" },
        });
        await deps.flush();
        return signInPage(c, { username, next, error: "用户名或密码不正确。" }, 400);
      }
      const { token } = await accounts.startSession(account);
      await record({ actor: account.username, action: "sign-in", target: null, outcome: "ok", details: {} });
      await deps.flush();
      deleteCookie(c, SIGN_IN_CSRF_COOKIE, { path: "/console/sign-in" });
      setCookie(c, SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: "Strict",
        secure: secureCookie(c),
        path: "/console",
      });
      return c.redirect(safeNext(next), 303);
    },
  );

  app.post("/console/sign-out", anyRole, async (c) => {
    await accounts.endSession(getCookie(c, SESSION_COOKIE));
    await record({ actor: actor(c), action: "sign-out", target: null, outcome: "ok", details: {} });
    deleteCookie(c, SESSION_COOKIE, { path: "/console" });
    return c.redirect("/console/sign-in", 303);
  });

  app.get("/console", (c) => c.redirect("/console/", 301));

  app.get("/console/", anyRole, async (c) => {
    const role = c.get("session").role;
    if (!EDIT_ROLES.includes(role)) return page(c, "home", { title: "首页" });
    const [accepted, drafts] = await Promise.all([
      intake.list({ state: "accepted" }, { limit: 200 }),
      editions.list({ limit: 50 }),
    ]);
    return page(c, "home", {
      title: "首页",
      accepted: accepted.items.length,
      drafts: drafts.items.filter((e) => e.status === "draft").length,
    });
  });

  // ── Documents ──────────────────────────────────────────────────────────────────────────────
  app.get("/console/documents", editor, async (c) => {
    const query = c.req.query();
    const state = ["accepted", "placed", "published"].includes(query.state ?? "")
      ? (query.state as "accepted" | "placed" | "published")
      : undefined;
    const disclosure = (DISCLOSURE_ATTRIBUTES as readonly string[]).includes(query.disclosure ?? "")
      ? query.disclosure
      : undefined;
    const q = query.q?.trim() || undefined;
    const result = await intake.list(
      { state, disclosure, q },
      { limit: 50, cursor: query.cursor || undefined },
    );
    const nextParams = new URLSearchParams({
      ...(state ? { state } : {}),
      ...(disclosure ? { disclosure } : {}),
      ...(q ? { q } : {}),
      ...(result.cursor ? { cursor: result.cursor } : {}),
    });
    return page(c, "documents", {
      title: "来文",
      section: "documents",
      q,
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
      items: result.items.map((d) => ({
        ...d,
        issuers: d.issuers.join("、"),
        stateLabel: STATE_LABELS[d.state],
        disclosureLabel: DISCLOSURE_LABELS[d.disclosure.attribute],
      })),
      next: result.cursor ? `/console/documents?${nextParams}` : undefined,
    });
  });

  const submitPage = (
    c: C,
    posted: PostedForm,
    problems: readonly FieldProblem[],
    status: number,
    heading = "",
    intro = "",
  ) =>
    page(
      c,
      "submit",
      {
        title: problems.length ? "报送文件（有错误）" : "报送文件",
        section: "submit",
        problemHeading: heading,
        intro,
        ...formView(deps.config.gazette.sections, posted, problems),
      },
      status,
    );

  app.get("/console/documents/new", editor, async (c) => {
    const act = c.req.query("act");
    const targetId = c.req.query("target");
    if (!isChangeKind(act) || !targetId) return submitPage(c, {}, [], 200);
    let target: GazetteDocument;
    try {
      target = await intake.get(targetId);
    } catch (error) {
      if (error instanceof DocumentError) return notFound(c, "没有这份文件。", "/console/documents");
      throw error;
    }
    if (!target.docNumber)
      return submitPage(c, {}, [], 200, "", `《${target.title}》没有发文字号，后续文件无法引用它。`);
    const spec = ACTS[act];
    const sections = deps.config.gazette.sections;
    return submitPage(
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

  app.post(
    "/console/documents",
    bodyLimit({
      maxSize: deps.config.limits.maxDocxBytes + 1024 * 1024,
      onError: (c) => c.text("上传的文件过大", 413),
    }),
    editor,
    async (c) => {
      const posted = form(c);
      const file = (c as unknown as { fileUpload?: File }).fileUpload;
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
        if (!(error instanceof DocumentError)) throw error;
        const refused = error instanceof DocumentRefusedError;
        await record({
          actor: actor(c),
          action: "document.submit",
          target: null,
          outcome: "refused",
          details: {
            title: typeof input.title === "string" ? input.title.slice(0, 300) : null,
            problems: error.problems.map((p) => ({ field: p.field, code: p.code })),
          },
        });
        const status = refused ? 422 : error instanceof DuplicateDocumentError ? 409 : 400;
        return submitPage(
          c,
          posted,
          error.problems,
          status,
          refused ? "退文：文件不符合发布规定" : "文件未受理：请改正以下问题",
        );
      }
    },
  );

  app.get("/console/documents/:id", editor, async (c) => {
    let doc: GazetteDocument;
    try {
      doc = await intake.get(c.req.param("id"));
    } catch (error) {
      if (error instanceof DocumentError) return notFound(c, "没有这份文件。", "/console/documents");
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
      paragraphs: plainParagraphs(doc.blocks),
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

  const notFound = (c: C, message: string, back: string) =>
    page(c, "message", { title: "未找到", heading: "未找到", message, back }, 404);

  // ── Editions ───────────────────────────────────────────────────────────────────────────────
  const editionsPage = async (c: C, extra: Record<string, unknown> = {}, status = 200) => {
    const result = await editions.list({ limit: 50, cursor: c.req.query("cursor") || undefined });
    return page(
      c,
      "editions",
      {
        title: "期刊",
        section: "editions",
        year: Number(deps.now().toISOString().slice(0, 4)),
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
      if (!(error instanceof DocumentError)) throw error;
      await record({
        actor: actor(c),
        action: "edition.create",
        target: null,
        outcome: "refused",
        details: { problems: error.problems.map((p) => ({ field: p.field, code: p.code })) },
      });
      return editionsPage(c, { problems: error.problems, year: yearText, date }, 400);
    }
  });

  const loadEdition = async (id: string) => {
    try {
      return await editions.get(id);
    } catch (error) {
      if (error instanceof DocumentError) return undefined;
      throw error;
    }
  };

  const editionPage = async (
    c: C,
    id: string,
    extra: { problems?: readonly FieldProblem[]; notice?: string } = {},
    status = 200,
  ) => {
    const edition = await loadEdition(id);
    if (!edition) return notFound(c, "没有这一期。", "/console/editions");
    const editable = edition.status === "draft" && !edition.publishing;
    const candidates = editable
      ? (await intake.list({ state: "accepted", disclosure: "public" }, { limit: 200 })).items
      : [];
    const docs = edition.documents;
    return page(
      c,
      "edition",
      {
        title: editionLabel(edition),
        section: "editions",
        label: editionLabel(edition),
        edition,
        statusLabel: EDITION_STATUS_LABELS[edition.status],
        editable,
        entries: docs.map((d, n) => ({
          ...d,
          canUp: docs.slice(0, n).some((o) => o.section === d.section),
          canDown: docs.slice(n + 1).some((o) => o.section === d.section),
        })),
        candidates,
        ...extra,
      },
      status,
    );
  };

  app.get("/console/editions/:id", editor, (c) => editionPage(c, c.req.param("id")));

  /** Add (checked documents), move up or down within its section, or remove one document. */
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
      if (!(error instanceof DocumentError)) throw error;
      await record({
        actor: actor(c),
        action: `edition.documents.${action}`,
        target: id,
        outcome: "refused",
        details: {
          documents: chosen,
          problems: error.problems.map((p) => ({ field: p.field, code: p.code })),
        },
      });
      return editionPage(c, id, { problems: error.problems }, 400);
    }
  });

  app.get("/console/editions/:id/preview", editor, async (c) => {
    const id = c.req.param("id");
    try {
      const { pdf: _pdf, ...preview } = await editions.preview(id);
      return page(c, "preview", {
        title: `预览 ${editionLabel(preview.edition)}`,
        section: "editions",
        label: editionLabel(preview.edition),
        preview,
      });
    } catch (error) {
      if (!(error instanceof DocumentError)) throw error;
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
      if (!(error instanceof DocumentError)) throw error;
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
    try {
      let notice: string;
      if (deps.config.publishing === "queued") {
        const { queued } = await editions.requestPublish(id, actor(c));
        notice = queued ? "已提交发布，正在排版；稍后刷新本页查看结果。" : "本期已发布。";
      } else {
        const { edition } = await editions.publish(id, actor(c));
        notice = `已发布：${edition.urls?.web ?? ""}`;
      }
      await record({ actor: actor(c), action: "edition.publish", target: id, outcome: "ok", details: {} });
      return editionPage(c, id, { notice });
    } catch (error) {
      if (!(error instanceof DocumentError)) throw error;
      await record({
        actor: actor(c),
        action: "edition.publish",
        target: id,
        outcome: "refused",
        details: { problems: error.problems.map((p) => ({ field: p.field, code: p.code })) },
      });
      return editionPage(
        c,
        id,
        { problems: error.problems },
        error.name === "EditionNotFoundError" ? 404 : 409,
      );
    }
  });

  // ── Administration ─────────────────────────────────────────────────────────────────────────
  const accountsPage = async (
    c: C,
    extra: { values?: Record<string, string>; field?: string; error?: string; notice?: string } = {},
    status = 200,
  ) => {
    const values = extra.values ?? {};
    const field = (name: string, label: string, type: string, autocomplete: string) => ({
      name,
      label,
      type,
      autocomplete,
      value: type === "password" ? "" : (values[name] ?? ""),
      error: extra.field === name ? extra.error : undefined,
    });
    return page(
      c,
      "accounts",
      {
        title: "账户",
        section: "accounts",
        notice: extra.notice,
        accounts: (await accounts.list()).map((a) => ({ ...a, roleLabel: ROLE_LABELS[a.role] })),
        fields: [
          field("username", "用户名", "text", "off"),
          field("displayName", "姓名", "text", "off"),
          {
            ...field("role", "角色", "select", "off"),
            options: CONSOLE_ROLES.map((r) => ({
              value: r,
              label: ROLE_LABELS[r],
              selected: (values.role ?? "editor") === r,
            })),
          },
          field("password", "初始密码（至少 12 个字符）", "password", "new-password"),
        ],
      },
      status,
    );
  };

  app.get("/console/accounts", admin, (c) => accountsPage(c));

  app.post("/console/accounts", admin, async (c) => {
    const posted = form(c);
    const text = (n: string) => (typeof posted[n] === "string" ? (posted[n] as string) : "");
    const values = { username: text("username"), displayName: text("displayName"), role: text("role") };
    try {
      const account = await accounts.create({ ...values, password: text("password") }, actor(c));
      await record({
        actor: actor(c),
        action: "account.create",
        target: account.username,
        outcome: "ok",
        details: { role: account.role },
      });
      return accountsPage(c, { notice: `已创建账户 ${account.username}（${ROLE_LABELS[account.role]}）` });
    } catch (error) {
      if (!(error instanceof AccountError)) throw error;
      await record({
        actor: actor(c),
        action: "account.create",
        target: values.username.slice(0, 40),
        outcome: "refused",
        details: { field: error.field },
      });
      return accountsPage(c, { values, field: error.field, error: error.message }, 400);
    }
  });

  app.get("/console/audit", admin, async (c) => {
    const result = await audit.page({ limit: 100, cursor: c.req.query("cursor") || undefined });
    return page(c, "audit", {
      title: "操作日志",
      section: "audit",
      items: result.items.map((e) => ({
        ...e,
        details: Object.keys(e.details).length ? JSON.stringify(e.details) : "",
      })),
      next: result.cursor ? `/console/audit?cursor=${encodeURIComponent(result.cursor)}` : undefined,
    });
  });

  return app;
}

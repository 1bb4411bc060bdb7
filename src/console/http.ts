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
import type { ArchiveItem } from "../archive/model.js";
import type { ArchiveService } from "../archive/service.js";
import { highlightBoxes } from "../archive/site.js";
import type { ConsoleAuditEntry, ConsoleAuditLog } from "../audit/console-audit.js";
import type { Config } from "../config.js";
import type { Block } from "../documents/blocks.js";
import { DATE_KIND_LABELS, DATE_KINDS, findDocumentDates } from "../documents/dates.js";
import { DocumentRefusedError, DuplicateDocumentError, type FieldProblem } from "../documents/errors.js";
import type { DocumentIntake } from "../documents/intake.js";
import { DISCLOSURE_ATTRIBUTES, DISCLOSURE_LABELS, type GazetteDocument } from "../documents/model.js";
import type { EditionService } from "../editions/service.js";
import { ProblemError } from "../platform/errors.js";
import type { Platform } from "../platform/ports.js";
import type { RepostAcknowledgements } from "../reposts/acks.js";
import {
  buildComplianceReport,
  type ComplianceReport,
  complianceCsv,
  parseComplianceFilter,
} from "../reposts/compliance.js";
import type { SiteRecord } from "../reposts/model.js";
import {
  isOverdue,
  noticeStatus,
  type RepostNotice,
  SITE_LEVELS,
  type SiteLevel,
  targets,
} from "../reposts/model.js";
import { siteNoticesPartition } from "../reposts/records.js";
import type { SiteRegistry } from "../reposts/sites.js";
import type { WorkingDayCalendar } from "../reposts/working-days.js";
import type { ChangeKind } from "../status/records.js";
import { chinaToday, type DocumentStatuses } from "../status/service.js";
import {
  AccountError,
  CONSOLE_ROLES,
  type ConsoleAccount,
  type ConsoleAccounts,
  type ConsoleRole,
  type ConsoleSession,
  ROLE_LABELS,
} from "./accounts.js";
import { CALLBACK_PATH, type OidcSignIn } from "./oidc.js";
import type { ConsolePageRenderer } from "./render.js";
import {
  formView,
  type PostedForm,
  prefilledForm,
  SITE_LEVEL_LABELS,
  submissionInput,
} from "./submission-form.js";

export const SESSION_COOKIE = "gazette_console";
export const SIGN_IN_CSRF_COOKIE = "gazette_console_signin";
export const PORTAL_COOKIE = "gazette_portal";
export const PORTAL_SIGN_IN_CSRF_COOKIE = "gazette_portal_signin";
/** OIDC mode: the access token (the session), and the sign-in attempt's state and PKCE verifier. */
export const OIDC_TOKEN_COOKIE = "gazette_console_jwt";
export const OIDC_STATE_COOKIE = "gazette_console_oidc";

export interface ConsoleDependencies {
  readonly config: Pick<Config, "gazette" | "limits"> & Partial<Pick<Config, "publishing">>;
  /** Embedded accounts: console sign-in (unless `oidc`) and the portal's sessions. */
  readonly accounts: ConsoleAccounts;
  /**
   * Console sign-in through an OIDC provider (AWS: the Cognito user pool's hosted sign-in); left
   * out, the console signs in with the embedded accounts.
   */
  readonly oidc?: OidcSignIn | undefined;
  readonly audit: ConsoleAuditLog;
  readonly intake: DocumentIntake;
  readonly editions: EditionService;
  /** The site registry, for who a publication sends repost notices to; left out, none are listed. */
  readonly sites?: Pick<SiteRegistry, "page"> | undefined;
  /** 效力状态 and the acts that changed it; left out, the document page does not show them. */
  readonly statuses?: Pick<DocumentStatuses, "statusOf" | "referencesFrom" | "changesOf"> | undefined;
  /**
   * Sites registry, compliance report and the site portal (/portal/); left out, not served.
   * `platform` reads the notices and builds the report, as GET /api/compliance does.
   */
  readonly reposts?:
    | {
        readonly registry: SiteRegistry;
        readonly acks: RepostAcknowledgements;
        readonly calendar: WorkingDayCalendar;
        readonly platform: Pick<Platform, "records" | "clock">;
      }
    | undefined;
  /** The archive's review queue and corrections (reviewers); left out, not served. */
  readonly archive?: Pick<ArchiveService, "listItems" | "getItem" | "correctItem" | "blob"> | undefined;
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
const REVIEW_ROLES: readonly ConsoleRole[] = ["reviewer", "administrator"];
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

/** Why the archive put an item in the review queue (src/archive/completion.ts), in Chinese. */
const REVIEW_REASON_LABELS: Record<string, string> = {
  low_ocr_confidence: "OCR 置信度低",
  title_not_found: "未找到标题",
  doc_number_not_found: "未找到发文字号",
  date_not_found: "未找到日期",
  issuers_not_found: "未找到发文机关",
  kind_not_found: "未找到文种",
  page_failed: "有页面未能识别",
};

/** Names of an archive item's fields, in its correction history. */
const FIELD_LABELS: Record<string, string> = {
  title: "标题",
  docNumber: "发文字号",
  issuers: "发文机关",
  date: "日期",
  dateKind: "日期类型",
  kind: "文种",
  text: "正文",
  review: "待审核",
};

function shortValue(value: unknown): string {
  if (value === null || value === undefined) return "（空）";
  const text = Array.isArray(value)
    ? value.join("、")
    : typeof value === "string"
      ? value
      : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 80)}…（共 ${text.length} 字）` : text;
}

const NOTICE_STATUS_LABELS: Record<string, string> = {
  pending: "待送达",
  delivered: "已送达",
  failed: "送达失败",
  acknowledged: "已报转载，待核验",
  verified: "已核验",
  verification_failed: "核验未通过",
};

/**
 * Why a repost page failed verification (checkRepostPage in src/reposts/verification.ts, or the
 * fetch), each part in Chinese followed by the checker's own words.
 */
export function verificationReason(reason: string): string[] {
  return reason.split("; ").map((part) => {
    const http = /the page answered HTTP (\d{3})/.exec(part);
    const chinese = http
      ? `转载页面返回 HTTP ${http[1]}，不是 200`
      : part.startsWith("the page could not be fetched")
        ? "无法访问转载页面"
        : part.startsWith("title:")
          ? "转载页面上找不到文件标题"
          : part.startsWith("docNumber:")
            ? "转载页面上找不到发文字号"
            : part.startsWith("body:")
              ? "转载页面上的正文不完整或与原文不符"
              : undefined;
    return chinese ? `${chinese}（${part}）` : part;
  });
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
          review: role !== undefined && REVIEW_ROLES.includes(role) && deps.archive !== undefined,
          sites: role !== undefined && ADMIN_ROLES.includes(role) && deps.reposts !== undefined,
          compliance: role !== undefined && EDIT_ROLES.includes(role) && deps.reposts !== undefined,
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
      const session = deps.oidc
        ? await deps.oidc.session(getCookie(c, OIDC_TOKEN_COOKIE))
        : await accounts.session(getCookie(c, SESSION_COOKIE));
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
  const reviewer = requireRole(REVIEW_ROLES);
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

  /** OIDC mode: the sign-in page links to the provider, with a new state and PKCE verifier. */
  const oidcSignInPage = (
    c: C,
    oidc: OidcSignIn,
    context: { next?: string; error?: string },
    status = 200,
  ) => {
    const attempt = oidc.begin();
    // SameSite=Lax: the provider's redirect back is a cross-site top-level GET, which a Strict
    // cookie would not accompany.
    setCookie(
      c,
      OIDC_STATE_COOKIE,
      `${attempt.state}.${attempt.verifier}.${encodeURIComponent(safeNext(context.next))}`,
      {
        httpOnly: true,
        sameSite: "Lax",
        secure: secureCookie(c),
        path: CALLBACK_PATH,
        maxAge: 600,
      },
    );
    return page(c, "sign-in", { title: "登录", oidcUrl: attempt.url, error: context.error }, status);
  };

  app.get("/console/sign-in", (c) =>
    deps.oidc
      ? oidcSignInPage(c, deps.oidc, { next: c.req.query("next") })
      : signInPage(c, { next: c.req.query("next") }),
  );

  /** OIDC mode: the provider sends the browser back here with the code (or an error). */
  app.get(CALLBACK_PATH, async (c) => {
    const oidc = deps.oidc;
    if (!oidc) return c.redirect("/console/sign-in", 303);
    // state and verifier are base64url (no "."); the rest is the page to go back to.
    const [state = "", verifier = "", ...rest] = (getCookie(c, OIDC_STATE_COOKIE) ?? "").split(".");
    const next = rest.join(".");
    const code = c.req.query("code") ?? "";
    const refuse = async (reason: string, message: string) => {
      await record({
        actor: "(OIDC)",
        action: "sign-in",
        target: null,
        outcome: "refused",
        details: { reason },
      });
      await deps.flush();
      return oidcSignInPage(c, oidc, { next: decodeURIComponent(next), error: message }, 400);
    };
    if (!state || !verifier || !sameToken(c.req.query("state") ?? "", state)) {
      return refuse("state", "登录已失效（state 校验未通过），请重新登录。");
    }
    if (!code || code.length > 2048) {
      return refuse(c.req.query("error") ?? "no code", "统一身份认证未完成登录，请重新登录。");
    }
    const signedIn = await oidc.finish(code, verifier);
    if (!signedIn) return refuse("token", "登录未成功：令牌无效，或账户不属于任何控制台角色组。");
    await record({
      actor: signedIn.session.username,
      action: "sign-in",
      target: null,
      outcome: "ok",
      details: {},
    });
    await deps.flush();
    deleteCookie(c, OIDC_STATE_COOKIE, { path: CALLBACK_PATH });
    setCookie(c, OIDC_TOKEN_COOKIE, signedIn.token, {
      httpOnly: true,
      sameSite: "Strict",
      secure: secureCookie(c),
      path: "/console",
    });
    // A page, not a redirect: the browser came here from the provider (cross-site), and would not
    // send the new SameSite=Strict cookie along a redirect that continues that navigation.
    const target = safeNext(decodeURIComponent(next));
    return page(c, "message", {
      title: "已登录",
      heading: "已登录",
      message: `欢迎，${signedIn.session.displayName}。`,
      back: target,
      refresh: target,
    });
  });

  app.post(
    "/console/sign-in",
    bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.text("表单过大", 413) }),
    async (c) => {
      // OIDC mode: passwords go to the provider's page only.
      if (deps.oidc) return c.redirect("/console/sign-in", 303);
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
    await record({ actor: actor(c), action: "sign-out", target: null, outcome: "ok", details: {} });
    if (deps.oidc) {
      deleteCookie(c, OIDC_TOKEN_COOKIE, { path: "/console" });
      return c.redirect(deps.oidc.signOutUrl(), 303);
    }
    await accounts.endSession(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: "/console" });
    return c.redirect("/console/sign-in", 303);
  });

  app.get("/console", anyRole, (c) => c.redirect("/console/", 301));

  app.get("/console/", anyRole, async (c) => {
    const role = c.get("session").role;
    const reviewQueue =
      deps.archive && REVIEW_ROLES.includes(role)
        ? (await deps.archive.listItems({ review: true, limit: 100 })).items.length
        : undefined;
    if (!EDIT_ROLES.includes(role)) return page(c, "home", { title: "首页", reviewQueue });
    const [accepted, drafts] = await Promise.all([
      intake.list({ state: "accepted" }, { limit: 200 }),
      editions.list({ limit: 50 }),
    ]);
    return page(c, "home", {
      title: "首页",
      reviewQueue,
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
      if (error instanceof ProblemError) return notFound(c, "没有这份文件。", "/console/documents");
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
        if (!(error instanceof ProblemError)) throw error;
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
      if (!(error instanceof ProblemError)) throw error;
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
      if (error instanceof ProblemError) return undefined;
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
      if (!(error instanceof ProblemError)) throw error;
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
      if (!(error instanceof ProblemError)) throw error;
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
    const sites = deps.reposts ? (await deps.reposts.registry.list({ limit: 200 })).items : [];
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
        oidc: deps.oidc !== undefined,
        accounts: (await accounts.list()).map((a) => ({
          ...a,
          roleLabel: ROLE_LABELS[a.role],
          siteName: a.site ? (sites.find((x) => x.id === a.site)?.name ?? a.site) : undefined,
        })),
        fields: [
          field("username", "用户名", "text", "off"),
          field("displayName", "姓名", "text", "off"),
          {
            ...field("role", "角色", "select", "off"),
            options: (deps.oidc ? (["site"] as const) : CONSOLE_ROLES).map((r) => ({
              value: r,
              label: ROLE_LABELS[r],
              selected: (values.role ?? "editor") === r,
            })),
          },
          ...(deps.reposts
            ? [
                {
                  ...field("site", "所属网站（仅下级网站账户：登录 /portal/）", "select", "off"),
                  options: [
                    { value: "", label: "（无）", selected: !values.site },
                    ...sites.map((x) => ({
                      value: x.id,
                      label: `${x.name}（${x.region}）`,
                      selected: values.site === x.id,
                    })),
                  ],
                },
              ]
            : []),
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
    const values = {
      username: text("username"),
      displayName: text("displayName"),
      role: text("role"),
      site: text("site"),
    };
    try {
      if (values.site && !(await deps.reposts?.registry.record(values.site)))
        throw new AccountError("site", "没有这个网站 (no such site)");
      if (deps.oidc && values.role !== "site") {
        throw new AccountError(
          "role",
          "控制台账户在统一身份认证（Cognito 用户池）中管理；此处只能建下级网站账户 (role must be site)",
        );
      }
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

  // ── Archive review ─────────────────────────────────────────────────────────────────────────
  const archive = deps.archive;
  if (archive) {
    app.get("/console/archive/review", reviewer, async (c) => {
      const result = await archive.listItems({
        review: true,
        limit: 50,
        cursor: c.req.query("cursor") || undefined,
      });
      const items = result.items as readonly (Pick<ArchiveItem, "id" | "title" | "docNumber" | "date"> & {
        issuers: readonly string[];
        confidence?: number;
        reviewReasons?: readonly string[];
      })[];
      return page(c, "archive-queue", {
        title: "档案审核",
        section: "archive",
        items: items.map((i) => ({
          ...i,
          issuers: i.issuers.join("、"),
          confidence: i.confidence === undefined ? "" : `${Math.round(i.confidence * 100)}%`,
          reasons: (i.reviewReasons ?? []).map((r) => REVIEW_REASON_LABELS[r] ?? r),
        })),
        next: result.cursor
          ? `/console/archive/review?cursor=${encodeURIComponent(result.cursor)}`
          : undefined,
      });
    });

    /**
     * Where each field was read on a page: the OCR word boxes (hOCR) of the field's text as the
     * item has it (title, 发文字号 as printed, each issuer, the date as printed, 文种), each a link
     * to the field's input, so a click on the scan focuses the field it shows (no script: a
     * fragment link to a form control focuses it).
     */
    const fieldBoxes = (
      hocr: { bytes: Uint8Array } | undefined,
      item: ArchiveItem,
    ): { left: number; top: number; width: number; height: number; field: string; label: string }[] => {
      if (!hocr) return [];
      const page = new TextDecoder().decode(hocr.bytes);
      // As read, before any correction: that is what the scan shows where OCR found it.
      const read = <T>(field: string, current: T): T => {
        const first = item.history.find((h) => field in h.changes);
        return first ? (first.changes[field]!.from as T) : current;
      };
      const text = read("text", item.text);
      const date = read("date", item.date);
      const printedDate =
        typeof date === "string"
          ? findDocumentDates(text.split(/\r?\n/)).dates.find((d) => d.date === date)?.printed
          : undefined;
      const issuers = read<readonly string[] | undefined>("issuers", item.issuers) ?? [];
      const wanted: [string, string, string | undefined][] = [
        ["title", "标题", read<string | undefined>("title", item.title)],
        [
          "docNumber",
          "发文字号",
          read<string | undefined>("docNumber", item.docNumberPrinted ?? item.docNumber),
        ],
        ...issuers.map((issuer): [string, string, string] => ["issuers", "发文机关", issuer]),
        ["date", "日期", printedDate],
      ];
      const seen = new Set<string>();
      return wanted.flatMap(([field, label, value]) =>
        value && value.trim().length >= 2
          ? highlightBoxes(page, value)
              .filter((b) => {
                const key = `${b.left},${b.top}`;
                if (seen.has(key)) return false;
                seen.add(key);
                return true;
              })
              .map((b) => ({ ...b, field: `r-${field}`, label: `${label}（${b.text}）` }))
          : [],
      );
    };

    const itemPage = async (
      c: C,
      id: string,
      extra: { values?: Record<string, string>; problems?: readonly FieldProblem[]; notice?: string } = {},
      status = 200,
    ) => {
      let item: ArchiveItem & { version: number };
      try {
        item = await archive.getItem(id);
      } catch (error) {
        if (error instanceof ProblemError)
          return notFound(c, "没有这一档案条目。", "/console/archive/review");
        throw error;
      }
      const current: Record<string, string> = {
        title: item.title,
        docNumber: item.docNumberPrinted ?? item.docNumber ?? "",
        issuers: item.issuers.join("\n"),
        date: item.date ?? "",
        dateKind: item.dateKind ?? "",
        kind: item.kind ?? "",
        text: item.text,
      };
      const values = { ...current, ...extra.values };
      const problems = extra.problems ?? [];
      const errorsOf = (name: string) =>
        problems
          .filter((p) => p.field === name || (p.field ?? "").startsWith(`${name}.`))
          .map((p) => ({ message: p.message, code: p.code }));
      const field = (name: string, label: string, type: string, hint?: string) => ({
        name,
        label,
        type,
        hint,
        id: `r-${name}`,
        value: values[name] ?? "",
        errors: errorsOf(name),
      });
      const known = new Set(["title", "docNumber", "issuers", "date", "dateKind", "kind", "text"]);
      return page(
        c,
        "archive-item",
        {
          title: `审核：${item.title}`,
          section: "archive",
          wide: true,
          item,
          version: item.version,
          confidence: `${Math.round(item.confidence * 100)}%`,
          reasons: item.reviewReasons.map((r) => REVIEW_REASON_LABELS[r] ?? r),
          edition: [
            item.edition.gazette && `《${item.edition.gazette}》`,
            item.edition.year && `${item.edition.year}年`,
            item.edition.issue && `第${item.edition.issue}期`,
          ]
            .filter(Boolean)
            .join(""),
          images: await Promise.all(
            item.pages
              .filter((p) => p.imageKey)
              .map(async (p) => ({
                page: p.page,
                src: `/archive/items/${encodeURIComponent(item.id)}/pages/${p.page}.png`,
                width: p.width,
                height: p.height,
                boxes: p.hocrKey ? fieldBoxes(await archive.blob(p.hocrKey), item) : [],
              })),
          ),
          fields: [
            field("title", "标题", "text"),
            field("docNumber", "发文字号", "text", "没有则留空"),
            field("issuers", "发文机关", "textarea", "每行一个"),
            field("date", "日期", "date"),
            {
              ...field("dateKind", "日期类型", "select"),
              options: [
                { value: "", label: "（未知）", selected: !values.dateKind },
                ...DATE_KINDS.map((k) => ({
                  value: k,
                  label: DATE_KIND_LABELS[k],
                  selected: values.dateKind === k,
                })),
              ],
            },
            field("kind", "文种", "text", "如 通知、决定；没有则留空"),
            field("text", "正文（OCR 文字）", "textarea"),
          ],
          problems: problems.map((p) => ({
            anchor:
              p.field && known.has(p.field.split(".")[0]!) ? `r-${p.field.split(".")[0]}` : "r-problems",
            message: p.message,
          })),
          history: [...item.history].reverse().map((h) => ({
            ...h,
            changes: Object.entries(h.changes).map(([name, change]) => ({
              field: FIELD_LABELS[name] ?? name,
              from: shortValue(change.from),
              to: shortValue(change.to),
            })),
          })),
          notice: extra.notice,
          publicUrl: `/archive/items/${encodeURIComponent(item.id)}`,
        },
        status,
      );
    };

    app.get("/console/archive/items/:id", reviewer, (c) => itemPage(c, c.req.param("id")));

    app.post("/console/archive/items/:id", reviewer, async (c) => {
      const id = c.req.param("id");
      const posted = form(c);
      const text = (n: string) =>
        (typeof posted[n] === "string" ? (posted[n] as string) : "").replace(/\r\n?/g, "\n");
      const values = {
        title: text("title"),
        docNumber: text("docNumber"),
        issuers: text("issuers"),
        date: text("date").trim(),
        dateKind: text("dateKind"),
        kind: text("kind"),
        text: text("text"),
      };
      const accept = text("action") === "accept";
      const version = Number(text("version"));
      const input = {
        title: values.title,
        docNumber: values.docNumber.trim() || null,
        issuers: values.issuers
          .split("\n")
          .map((l) => l.trim())
          .filter(Boolean),
        date: values.date || null,
        dateKind: values.dateKind || null,
        kind: values.kind.trim() || null,
        text: values.text,
        review: !accept,
      };
      const action = accept ? "archive.accept" : "archive.correct";
      try {
        const item = await archive.correctItem(
          id,
          input,
          actor(c),
          Number.isInteger(version) && version > 0 ? version : undefined,
        );
        // A correction that changed something is the item's newest history entry, at this version.
        const changed = Number.isInteger(version) && item.version > version;
        await record({
          actor: actor(c),
          action,
          target: id,
          outcome: "ok",
          details: { fields: changed ? Object.keys(item.history.at(-1)?.changes ?? {}) : [] },
        });
        if (accept) return c.redirect(`/console/archive/review?accepted=${encodeURIComponent(id)}`, 303);
        return itemPage(c, id, { notice: "已保存更正；本条目仍在待审核队列中。" });
      } catch (error) {
        if (!(error instanceof ProblemError)) throw error;
        await record({
          actor: actor(c),
          action,
          target: id,
          outcome: "refused",
          details: { problems: error.problems.map((p) => ({ field: p.field, code: p.code })) },
        });
        const status =
          error.name === "ArchiveNotFoundError" ? 404 : error.name === "ArchiveConflictError" ? 409 : 400;
        const problems =
          status === 409
            ? [
                {
                  field: null,
                  code: "conflict",
                  message: "条目已被他人修改：下面是你填写的内容，请对照最新版本后重新提交。",
                },
              ]
            : error.problems;
        return itemPage(c, id, { values, problems }, status);
      }
    });
  }

  // ── Sites registry, compliance, site portal ───────────────────────────────────────────────
  const reposts = deps.reposts;
  if (reposts) {
    const { registry } = reposts;
    const siteFieldNames = [
      "name",
      "level",
      "region",
      "sectors",
      "delivery.type",
      "delivery.url",
      "delivery.queueUrl",
      "delivery.roleArn",
    ];
    /** The registration / edit form's fields, with the registry's problems beside each. */
    const siteFields = (given: Record<string, string>, problems: readonly FieldProblem[]) => {
      const values: Record<string, string> = { level: "city", "delivery.type": "webhook", ...given };
      const errorsOf = (name: string) =>
        problems
          .filter((p) => p.field === name || (name === "delivery.url" && p.field === "delivery"))
          .map((p) => ({ message: p.message, code: p.code }));
      const field = (name: string, label: string, type: string, hint?: string) => ({
        name,
        label,
        type,
        hint,
        id: `s-${name.replace(/\./g, "-")}`,
        value: values[name] ?? "",
        errors: errorsOf(name),
      });
      return [
        field("name", "网站名称", "text"),
        {
          ...field("level", "层级", "select"),
          options: SITE_LEVELS.map((l) => ({
            value: l,
            label: SITE_LEVEL_LABELS[l],
            selected: values.level === l,
          })),
        },
        field("region", "行政区划代码", "text", "六位 GB/T 2260 代码，如 510104"),
        field("sectors", "行业（每行一个，可空）", "textarea"),
        {
          ...field("delivery.type", "接收方式", "select"),
          options: [
            {
              value: "webhook",
              label: "Webhook（HTTPS 回调）",
              selected: values["delivery.type"] !== "sqs",
            },
            { value: "sqs", label: "SQS 队列", selected: values["delivery.type"] === "sqs" },
          ],
        },
        field("delivery.url", "Webhook 地址", "text", "登记时即发送验证请求（hub.challenge），须原样返回"),
        field("delivery.queueUrl", "SQS 队列地址", "text", "仅 SQS 方式"),
        field("delivery.roleArn", "SQS 投递角色 ARN（可空）", "text", "仅 SQS 方式"),
      ];
    };
    /** A site's fields as the form shows them. */
    const siteValues = (
      site: SiteRecord | Awaited<ReturnType<SiteRegistry["get"]>>,
    ): Record<string, string> => ({
      name: site.name,
      level: site.level,
      region: site.region,
      sectors: site.sectors.join("\n"),
      "delivery.type": site.delivery.type,
      "delivery.url": site.delivery.type === "webhook" ? site.delivery.url : "",
      "delivery.queueUrl": site.delivery.type === "sqs" ? site.delivery.queueUrl : "",
      "delivery.roleArn": site.delivery.type === "sqs" ? (site.delivery.roleArn ?? "") : "",
    });
    /** The form's values as the registry's input (register, or update). */
    const siteInput = (values: Record<string, string>) => {
      const type = values["delivery.type"];
      return {
        name: values.name,
        level: values.level,
        region: values.region,
        sectors: (values.sectors ?? "")
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter(Boolean),
        delivery:
          type === "sqs"
            ? {
                type,
                queueUrl: values["delivery.queueUrl"],
                ...(values["delivery.roleArn"] ? { roleArn: values["delivery.roleArn"] } : {}),
              }
            : { type, url: values["delivery.url"] },
      };
    };
    const sitesPage = async (
      c: C,
      extra: {
        values?: Record<string, string>;
        problems?: readonly FieldProblem[];
        notice?: string;
        shown?: { title: string; rows: { label: string; value: string }[] };
      } = {},
      status = 200,
    ) => {
      const result = await registry.list({ limit: 200, cursor: c.req.query("cursor") || undefined });
      const problems = extra.problems ?? [];
      return page(
        c,
        "sites",
        {
          title: "下级网站",
          section: "sites",
          notice: extra.notice,
          shown: extra.shown,
          problems: problems
            .filter((p) => !siteFieldNames.includes(p.field ?? "") && p.field !== "delivery")
            .map((p) => p.message),
          sites: result.items.map((site) => ({
            ...site,
            levelLabel: SITE_LEVEL_LABELS[site.level] ?? site.level,
            statusLabel: site.status === "active" ? "启用" : "停用",
            active: site.status === "active",
            target: site.delivery.type === "webhook" ? site.delivery.url : site.delivery.queueUrl,
            webhook: site.delivery.type === "webhook",
            sectors: site.sectors.join("、"),
          })),
          next: result.cursor ? `/console/sites?cursor=${encodeURIComponent(result.cursor)}` : undefined,
          fields: siteFields(extra.values ?? {}, problems),
        },
        status,
      );
    };

    const siteProblem = async (
      c: C,
      action: string,
      target: string | null,
      error: unknown,
      values?: Record<string, string>,
    ) => {
      if (!(error instanceof ProblemError)) throw error;
      await record({
        actor: actor(c),
        action,
        target,
        outcome: "refused",
        details: { problems: error.problems.map((p) => ({ field: p.field, code: p.code })) },
      });
      const status =
        error.name === "SiteNotFoundError" ? 404 : error.name === "RepostRefusedError" ? 422 : 400;
      return sitesPage(c, { values, problems: error.problems }, status);
    };

    app.get("/console/sites", admin, (c) => sitesPage(c));

    app.post("/console/sites", admin, async (c) => {
      const posted = form(c);
      const text = (n: string) => (typeof posted[n] === "string" ? (posted[n] as string).trim() : "");
      const values = Object.fromEntries(siteFieldNames.map((n) => [n, text(n)]));
      const input = siteInput(values);
      try {
        const created = await registry.register(input);
        await record({
          actor: actor(c),
          action: "site.register",
          target: created.id,
          outcome: "ok",
          details: { name: values.name, region: values.region, level: values.level },
        });
        return sitesPage(c, {
          notice: `已登记：${values.name}`,
          shown: {
            title: `${values.name} 的令牌和签名密钥（只显示这一次）`,
            rows: [
              { label: "网站令牌（用于登录门户 /portal/ 和调用接口）", value: created.token },
              { label: "Webhook 签名密钥", value: created.webhookSecret },
            ],
          },
        });
      } catch (error) {
        return siteProblem(c, "site.register", null, error, values);
      }
    });

    /** One site's fields, editable: name, level, region, sectors, delivery. */
    const sitePage = async (
      c: C,
      id: string,
      extra: { values?: Record<string, string>; problems?: readonly FieldProblem[]; notice?: string } = {},
      status = 200,
    ) => {
      const site = await registry.get(id);
      const problems = extra.problems ?? [];
      return page(
        c,
        "site",
        {
          title: `修改：${site.name}`,
          section: "sites",
          site,
          notice: extra.notice,
          problems: problems
            .filter((p) => !siteFieldNames.includes(p.field ?? "") && p.field !== "delivery")
            .map((p) => p.message),
          fields: siteFields(extra.values ?? siteValues(site), problems),
        },
        status,
      );
    };

    app.get("/console/sites/:id", admin, async (c) => {
      try {
        return await sitePage(c, c.req.param("id"));
      } catch (error) {
        if (error instanceof ProblemError && error.name === "SiteNotFoundError")
          return notFound(c, "没有这个网站。", "/console/sites");
        throw error;
      }
    });

    app.post("/console/sites/:id", admin, async (c) => {
      const id = c.req.param("id");
      const posted = form(c);
      const text = (n: string) => (typeof posted[n] === "string" ? (posted[n] as string).trim() : "");
      const values = Object.fromEntries(siteFieldNames.map((n) => [n, text(n)]));
      let current: Awaited<ReturnType<SiteRegistry["get"]>>;
      try {
        current = await registry.get(id);
      } catch (error) {
        if (error instanceof ProblemError && error.name === "SiteNotFoundError")
          return notFound(c, "没有这个网站。", "/console/sites");
        throw error;
      }
      const before = siteValues(current);
      const changed = siteFieldNames.filter((n) => (values[n] ?? "") !== (before[n] ?? ""));
      const { delivery, ...rest } = siteInput(values);
      // The delivery only when it changed: a new webhook address is verified (challenge) first.
      const deliveryChanged = changed.some((n) => n.startsWith("delivery."));
      try {
        await registry.update(id, { ...rest, ...(deliveryChanged ? { delivery } : {}) });
        await record({
          actor: actor(c),
          action: "site.update",
          target: id,
          outcome: "ok",
          details: Object.fromEntries(
            changed.map((n) => [n, { from: before[n] ?? "", to: values[n] ?? "" }]),
          ),
        });
        return sitePage(c, id, {
          notice: changed.length ? `已保存：${changed.length} 项修改。` : "没有修改。",
        });
      } catch (error) {
        if (!(error instanceof ProblemError)) throw error;
        await record({
          actor: actor(c),
          action: "site.update",
          target: id,
          outcome: "refused",
          details: { problems: error.problems.map((p) => ({ field: p.field, code: p.code })) },
        });
        const status = error.name === "RepostRefusedError" ? 422 : 400;
        return sitePage(c, id, { values, problems: error.problems }, status);
      }
    });

    for (const action of ["verify", "disable", "enable", "rotate"] as const)
      app.post(`/console/sites/:id/${action}`, admin, async (c) => {
        const id = c.req.param("id");
        const posted = form(c);
        try {
          const site = await registry.get(id);
          let notice: string;
          let shown: { title: string; rows: { label: string; value: string }[] } | undefined;
          if (action === "verify") {
            if (site.delivery.type !== "webhook") {
              notice = `${site.name} 使用 SQS 接收，无须验证回调地址。`;
            } else {
              await registry.update(id, { delivery: site.delivery });
              notice = `${site.name} 的回调地址已通过验证。`;
            }
          } else if (action === "disable") {
            const reason =
              typeof posted.reason === "string" && posted.reason.trim()
                ? posted.reason.trim()
                : "由管理员停用";
            await registry.update(id, { status: "disabled", disabledReason: reason });
            notice = `已停用 ${site.name}：不再向其发送通知，其令牌不能再登录门户。`;
          } else if (action === "enable") {
            await registry.update(id, { status: "active" });
            notice = `已重新启用 ${site.name}。`;
          } else {
            const rotated = await registry.rotateSecret(id, {});
            notice = `已为 ${site.name} 生成新的签名密钥。`;
            shown = {
              title: `${site.name} 的新签名密钥（只显示这一次）`,
              rows: [
                { label: "新的 Webhook 签名密钥", value: rotated.webhookSecret },
                { label: "旧密钥继续有效至", value: rotated.previousExpiresAt },
              ],
            };
          }
          await record({ actor: actor(c), action: `site.${action}`, target: id, outcome: "ok", details: {} });
          return sitesPage(c, { notice, shown });
        } catch (error) {
          return siteProblem(c, `site.${action}`, id, error);
        }
      });

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
        },
        problems.length ? 400 : 200,
      );
    });

    // ── The site portal (/portal/): a site signs in with its token ──────────────────────────
    type PortalSite = { id: string; name: string; session: ConsoleSession };
    const portalSession = async (c: C): Promise<PortalSite | undefined> => {
      const session = await accounts.session(getCookie(c, PORTAL_COOKIE));
      if (!session || session.role !== "site" || !session.username.startsWith("site:")) return undefined;
      const site = await registry.record(session.username.slice(5));
      if (!site || site.status !== "active") return undefined;
      return { id: site.id, name: site.name, session };
    };
    const portalPage = (
      c: C,
      name: string,
      context: Record<string, unknown>,
      status = 200,
      site?: PortalSite,
    ) =>
      c.html(
        render(name, {
          ...context,
          portal: true,
          site: site && { id: site.id, name: site.name },
          csrf: site?.session.csrf ?? context.csrf,
          can: {},
        }),
        status as 200,
        { "cache-control": "no-store" },
      );
    const portalSignIn = (
      c: C,
      context: { error?: string; accountError?: string; username?: string },
      status = 200,
    ) => {
      const token = randomBytes(24).toString("base64url");
      setCookie(c, PORTAL_SIGN_IN_CSRF_COOKIE, token, {
        httpOnly: true,
        sameSite: "Strict",
        secure: secureCookie(c),
        path: "/portal/sign-in",
        maxAge: 3600,
      });
      return portalPage(c, "portal-sign-in", { title: "网站登录", csrf: token, ...context }, status);
    };

    app.get("/portal", (c) => c.redirect("/portal/", 301));
    app.get("/portal/sign-in", (c) => portalSignIn(c, {}));
    app.post(
      "/portal/sign-in",
      bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.text("表单过大", 413) }),
      async (c) => {
        const { form: posted } = await readForm(c);
        const text = (n: string) => (typeof posted[n] === "string" ? (posted[n] as string).trim() : "");
        const expected = getCookie(c, PORTAL_SIGN_IN_CSRF_COOKIE) ?? "";
        if (!expected || !sameToken(text("_csrf"), expected))
          return portalSignIn(c, { error: "登录表单已失效（CSRF 校验未通过），请重新输入。" }, 400);
        // A site account (user name and password), or the site's token.
        const username = text("username");
        let person: ConsoleAccount | undefined;
        if (username) {
          const account = await accounts.verify(
            username,
            typeof posted.password === "string" ? posted.password : "",
          );
          person = account?.role === "site" && account.site ? account : undefined;
          if (!person) {
            await record({
              actor: username.slice(0, 40),
              action: "portal.sign-in",
              target: null,
              outcome: "refused",
              details: { reason: "用户名或密码不正确" },
            });
            await deps.flush();
            return portalSignIn(c, { username, accountError: "用户名或密码不正确。" }, 400);
          }
        }
        const site = person
          ? await registry.record(person.site!)
          : await registry.authenticate(text("token"));
        if (!site || site.status !== "active") {
          await record({
            actor: site ? `site:${site.id}` : "(网站令牌)",
            action: "portal.sign-in",
            target: site?.id ?? null,
            outcome: "refused",
            details: { reason: site ? "site_disabled" : "unknown token" },
          });
          await deps.flush();
          return portalSignIn(
            c,
            {
              error: site
                ? `本网站已停用（${site.disabledReason ?? "由管理员停用"}），请联系公报编辑部重新启用。`
                : "令牌不正确。请使用登记时发给本网站的令牌（gst_ 开头）。",
            },
            site ? 403 : 400,
          );
        }
        const { token } = await accounts.startSession({
          username: `site:${site.id}`,
          displayName: person ? `${site.name}（${person.displayName}）` : site.name,
          role: "site",
          createdAt: site.createdAt,
          createdBy: person ? `account ${person.username}` : "site token",
        });
        await record({
          actor: person ? `site:${site.id}:${person.username}` : `site:${site.id}`,
          action: "portal.sign-in",
          target: site.id,
          outcome: "ok",
          details: { with: person ? "account" : "token" },
        });
        await deps.flush();
        deleteCookie(c, PORTAL_SIGN_IN_CSRF_COOKIE, { path: "/portal/sign-in" });
        setCookie(c, PORTAL_COOKIE, token, {
          httpOnly: true,
          sameSite: "Strict",
          secure: secureCookie(c),
          path: "/portal",
        });
        return c.redirect("/portal/", 303);
      },
    );

    /** Signed in as an active site; a POST also with the session's CSRF token. */
    const requireSite: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
      const site = await portalSession(c);
      if (!site) return c.redirect("/portal/sign-in", 303);
      (c as unknown as { portalSite: PortalSite }).portalSite = site;
      if (c.req.method === "POST") {
        const { form: posted } = await readForm(c);
        if (!sameToken(typeof posted._csrf === "string" ? posted._csrf : "", site.session.csrf)) {
          await record({
            actor: `site:${site.id}`,
            action: `${c.req.method} ${c.req.routePath}`,
            target: c.req.path,
            outcome: "refused",
            details: { reason: "csrf" },
          });
          await deps.flush();
          return portalPage(
            c,
            "message",
            {
              title: "表单已失效",
              heading: "表单已失效",
              message: "表单的安全校验未通过（CSRF）。请返回、刷新页面后重新提交。",
              back: "/portal/",
            },
            403,
            site,
          );
        }
        c.set("form", posted);
      }
      await next();
      if (c.req.method === "POST") await deps.flush();
    };
    const portalSite = (c: C) => (c as unknown as { portalSite: PortalSite }).portalSite;

    /** Working days from today (China) to the deadline day, both counted when working days. */
    const workingDaysLeft = (deadline: string, now: Date): number => {
      const today = chinaToday(now);
      let n = 0;
      for (
        let d = today;
        d <= deadline && n < 400;
        d = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
      )
        if (reposts.calendar.isWorkingDay(d)) n += 1;
      return n;
    };
    const noticeView = (n: RepostNotice) => {
      const now = deps.now();
      const overdue = isOverdue(n, now);
      const status = noticeStatus(n);
      return {
        ...n,
        status,
        statusLabel: NOTICE_STATUS_LABELS[status],
        overdue,
        done: status === "verified",
        daysLeft: overdue || status === "verified" ? undefined : workingDaysLeft(n.deadline, now),
        verificationReason: n.verification?.reason ? verificationReason(n.verification.reason) : undefined,
      };
    };

    app.post("/portal/sign-out", requireSite, async (c) => {
      await accounts.endSession(getCookie(c, PORTAL_COOKIE));
      await record({
        actor: `site:${portalSite(c).id}`,
        action: "portal.sign-out",
        target: null,
        outcome: "ok",
        details: {},
      });
      deleteCookie(c, PORTAL_COOKIE, { path: "/portal" });
      return c.redirect("/portal/sign-in", 303);
    });

    app.get("/portal/", requireSite, async (c) => {
      const site = portalSite(c);
      const notices: RepostNotice[] = [];
      let cursor: string | undefined;
      do {
        const result = await reposts.platform.records.query<RepostNotice>(siteNoticesPartition(site.id), {
          index: "gsi1",
          cursor,
          limit: 200,
          descending: true,
        });
        notices.push(...result.items.map((r) => r.data));
        cursor = result.cursor;
      } while (cursor && notices.length < 1000);
      const views = notices.map(noticeView);
      // Overdue first, then open ones by deadline, then the verified ones.
      const order = (v: (typeof views)[number]) => (v.overdue ? 0 : v.done ? 2 : 1);
      views.sort((a, b) => order(a) - order(b) || a.deadline.localeCompare(b.deadline));
      return portalPage(
        c,
        "portal-notices",
        { title: "转载通知", notices: views, open: views.filter((v) => !v.done).length },
        200,
        site,
      );
    });

    const noticePage = async (
      c: C,
      id: string,
      extra: { url?: string; error?: string; notice?: string } = {},
      status = 200,
    ) => {
      const site = portalSite(c);
      let notice: RepostNotice;
      try {
        notice = await reposts.acks.noticeFor({ id: site.id }, id);
      } catch (error) {
        if (!(error instanceof ProblemError)) throw error;
        return portalPage(
          c,
          "message",
          { title: "未找到", heading: "未找到", message: "没有这条通知。", back: "/portal/" },
          404,
          site,
        );
      }
      return portalPage(
        c,
        "portal-notice",
        {
          title: notice.document.title,
          n: noticeView(notice),
          documentUrl: `/documents/${encodeURIComponent(notice.documentId)}.html`,
          url: extra.url ?? notice.ack?.url ?? "",
          error: extra.error,
          notice: extra.notice,
        },
        status,
        site,
      );
    };

    app.get("/portal/notices/:id", requireSite, (c) =>
      noticePage(c, c.req.param("id"), {
        notice:
          c.req.query("acked") === "1"
            ? "已收到转载地址，正在核验转载页面；稍后刷新本页查看结果。"
            : undefined,
      }),
    );

    app.post("/portal/notices/:id/ack", requireSite, async (c) => {
      const site = portalSite(c);
      const id = c.req.param("id");
      const url = typeof form(c).url === "string" ? (form(c).url as string).trim() : "";
      try {
        await reposts.acks.acknowledge({ id: site.id }, id, { url });
        await record({
          actor: `site:${site.id}`,
          action: "portal.ack",
          target: id,
          outcome: "ok",
          details: { url },
        });
        return c.redirect(`/portal/notices/${encodeURIComponent(id)}?acked=1`, 303);
      } catch (error) {
        if (!(error instanceof ProblemError)) throw error;
        await record({
          actor: `site:${site.id}`,
          action: "portal.ack",
          target: id,
          outcome: "refused",
          details: { url: url.slice(0, 300) },
        });
        const p = error.problems.find((x) => x.field === "url");
        if (!p) return noticePage(c, id, {}, 404);
        return noticePage(
          c,
          id,
          { url, error: "请填写转载页面的完整地址（以 http:// 或 https:// 开头）。" },
          400,
        );
      }
    });
  }

  return app;
}

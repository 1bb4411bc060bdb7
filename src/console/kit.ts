/**
 * What every area of the console and the portal shares (src/console/routes/*.ts): the
 * dependencies, the session cookies, the page renderer, the posted-form reader, the role guard,
 * the audit record, and the one refusal of a form whose CSRF token is not the session's.
 */
import { timingSafeEqual } from "node:crypto";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { ArchiveReading } from "../archive/reading.js";
import type { RefusedRequestAction } from "../audit/console-actions.js";
import type { ConsoleAuditEntry, ConsoleAuditLog } from "../audit/console-audit.js";
import type { Config } from "../config.js";
import type { DocumentIntake } from "../documents/intake.js";
import type { DocumentReading } from "../documents/reading.js";
import type { EditionService } from "../editions/service.js";
import type { FieldProblem } from "../platform/errors.js";
import type { Platform } from "../platform/ports.js";
import type { RepostAcknowledgements } from "../reposts/acks.js";
import type { SiteRegistry } from "../reposts/sites.js";
import type { WorkingDayCalendar } from "../reposts/working-days.js";
import type { SearchIndex } from "../search/ports.js";
import type { DocumentStatuses } from "../status/service.js";
import type { Submitters } from "../submitters/module.js";
import {
  CONSOLE_ROLES,
  type ConsoleAccounts,
  type ConsoleRole,
  type ConsoleSession,
  ROLE_LABELS,
} from "./accounts.js";
import type { SubmitterDirectory } from "./cognito-submitters.js";
import type { OidcSignIn } from "./oidc.js";
import { type OidcResumed, resumeOidcSession } from "./oidc-session.js";
import type { ConsolePageRenderer } from "./render.js";
import type { PostedForm } from "./submission-form.js";

export const SESSION_COOKIE = "gazette_console";
export const SIGN_IN_CSRF_COOKIE = "gazette_console_signin";
export const PORTAL_COOKIE = "gazette_portal";
export const PORTAL_SIGN_IN_CSRF_COOKIE = "gazette_portal_signin";
/** OIDC mode: the access token (the session), and the sign-in attempt's state and PKCE verifier. */
export const OIDC_TOKEN_COOKIE = "gazette_console_jwt";
export const OIDC_STATE_COOKIE = "gazette_console_oidc";
/** OIDC mode: why the last session ended (idle, expired), shown once on the sign-in page. */
export const OIDC_ENDED_COOKIE = "gazette_console_ended";

/**
 * What every console app needs, whichever of its areas it serves: configuration, the session's
 * accounts or OIDC settings, the audit log, the page renderer. In AWS the console's routes are
 * served by more than one function (src/http/surface.ts, `lambda`); each builds these the same
 * way (src/runtime/lambda/console.ts), so a session and its CSRF token hold in all of them.
 */
export interface ConsoleKitDependencies {
  readonly config: Pick<Config, "gazette" | "limits"> & Partial<Pick<Config, "publishing">>;
  /** Embedded accounts: console sign-in (unless `oidc`) and the portal's sessions. */
  readonly accounts: ConsoleAccounts;
  /**
   * Console sign-in through an OIDC provider (AWS: the Cognito user pool's hosted sign-in); left
   * out, the console signs in with the embedded accounts.
   */
  readonly oidc?: OidcSignIn | undefined;
  readonly audit: ConsoleAuditLog;
  /** The site registry, for who a publication sends repost notices to; left out, none are listed. */
  readonly sites?: Pick<SiteRegistry, "page"> | undefined;
  /** 效力状态 and the acts that changed it; left out, the document page does not show them. */
  readonly statuses?: Pick<DocumentStatuses, "statusOf" | "referencesFrom" | "changesOf"> | undefined;
  /**
   * Sites registry, compliance report and the site portal (/portal/); left out, not served.
   * `platform` reads the notices and builds the report, as GET /api/compliance does.
   */
  readonly reposts?: ConsoleReposts | undefined;
  /** The archive's review queue and corrections (reviewers); left out, not served. */
  readonly archive?: Pick<ArchiveReading, "listItems" | "getItem" | "correctItem" | "blob"> | undefined;
  /**
   * Issuing bodies, their submissions and the completeness register (issue 16): the submitters'
   * pages (/console/body/…) and the editors' submission desk; left out, not served.
   */
  readonly submitters?: Submitters | undefined;
  /**
   * OIDC mode: where /console/accounts creates department submitters (AWS: the console's Cognito
   * user pool, src/console/cognito-submitters.ts); left out, it creates site accounts only.
   */
  readonly submitterDirectory?: SubmitterDirectory | undefined;
  readonly render: ConsolePageRenderer;
  readonly now: () => Date;
  /** Makes the request's writes durable before it is acknowledged. */
  readonly flush: () => Promise<void>;
  /**
   * The areas the menu links to when another function serves them (AWS: a function serving only
   * the submission or the previews); default the areas this app serves (`archive`, `reposts`).
   */
  readonly menu?:
    | { readonly archive: boolean; readonly reposts: boolean; readonly submitters?: boolean }
    | undefined;
}

/** Every area's dependencies: what the local server and the api function give the console. */
export interface ConsoleDependencies extends ConsoleKitDependencies {
  /**
   * The documents' reads; with `submit` (intake) the console's own document submission is
   * served too (createConsoleRoutes "all": the local server).
   */
  readonly intake: DocumentReading & Partial<Pick<DocumentIntake, "submit">>;
  readonly editions: EditionService;
  /** The search index over published documents: the intake queue's search asks it too. */
  readonly search?: Pick<SearchIndex, "search"> | undefined;
  /** Entries one page of the intake queue's search reads at most (default 5,000). */
  readonly documentScanLimit?: number | undefined;
}

export interface ConsoleReposts {
  readonly registry: SiteRegistry;
  readonly acks: RepostAcknowledgements;
  readonly calendar: WorkingDayCalendar;
  readonly platform: Pick<Platform, "records" | "clock">;
}

export type ConsoleEnv = { Variables: { session: ConsoleSession; form: PostedForm } };
export type C = Context<ConsoleEnv>;

/**
 * The console's and the portal's Content-Security-Policy: no script but the console's own files
 * (the edition page's drag-and-drop), no plugins, no framing; the layout's styles are inline.
 */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** Headers of every console and portal page. */
export const PAGE_HEADERS = { "cache-control": "no-store", "content-security-policy": CONSOLE_CSP } as const;

export const EDIT_ROLES: readonly ConsoleRole[] = ["editor", "administrator"];
export const ADMIN_ROLES: readonly ConsoleRole[] = ["administrator"];
export const REVIEW_ROLES: readonly ConsoleRole[] = ["reviewer", "administrator"];
export const SUBMIT_ROLES: readonly ConsoleRole[] = ["submitter"];

export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const secureCookie = (c: C) => new URL(c.req.url).protocol === "https:";

/** The fields and codes of a refusal's problems, as its audit entry keeps them. */
export const problemCodes = (problems: readonly FieldProblem[]) =>
  problems.map((p) => ({ field: p.field, code: p.code }));

/** A message page's context: title and heading, the message, and where to go back to. */
export interface MessageContext {
  readonly title: string;
  readonly heading: string;
  readonly message: string;
  readonly back: string;
  readonly refresh?: string;
}

/** Shows a message page with a status (the console's or the portal's frame). */
export type ShowMessage = (context: MessageContext, status: number) => Response;

/** The upload of a multipart form, set by the guard beside the posted fields. */
export const fileUpload = (c: C): File | undefined => (c as unknown as { fileUpload?: File }).fileUpload;

export interface ConsoleKit {
  readonly app: Hono<ConsoleEnv>;
  readonly deps: ConsoleKitDependencies;
  readonly record: (entry: Omit<ConsoleAuditEntry, "at">) => Promise<void>;
  /** A console page (templates/console/<name>.hbs) with the session's user, CSRF token and rights. */
  readonly page: (c: C, name: string, context: Record<string, unknown>, status?: number) => Response;
  readonly notFound: (c: C, message: string, back: string) => Response;
  /** Reads a posted form (url-encoded or multipart) once; values as text, repeated names as lists. */
  readonly readForm: (c: C) => Promise<{ form: PostedForm; file: File | undefined }>;
  /**
   * A POST's CSRF check, then the handler, then the flush: a form without the expected token is
   * refused (403, audited, nothing changed) on the page `show` draws.
   */
  readonly guardForm: (
    c: C,
    next: () => Promise<void>,
    guard: { csrf: string; actor: string; show: ShowMessage; back: string },
  ) => Promise<Response | undefined>;
  /** Audits a refused request, makes it durable and shows why (the status is the caller's). */
  readonly refuse: (
    c: C,
    refusal: {
      actor: string;
      details: Record<string, unknown>;
      show: ShowMessage;
      status: number;
    } & MessageContext,
  ) => Promise<Response>;
  readonly editor: MiddlewareHandler<ConsoleEnv>;
  readonly admin: MiddlewareHandler<ConsoleEnv>;
  readonly reviewer: MiddlewareHandler<ConsoleEnv>;
  /** A submitter of an issuing body (its session names the body). */
  readonly submitter: MiddlewareHandler<ConsoleEnv>;
  readonly anyRole: MiddlewareHandler<ConsoleEnv>;
  /** The posted form (read by the guard). */
  readonly form: (c: C) => PostedForm;
  /** Who is signed in, as the audit log names them. */
  readonly actor: (c: C) => string;
  /**
   * OIDC mode: the browser's console session resumed (its access token renewed and set in the
   * cookie when due), or why there is none.
   */
  readonly resumeOidc: (c: C, oidc: OidcSignIn) => Promise<OidcResumed>;
  /**
   * OIDC mode: ends the browser's session (both cookies) and sends it through the provider's
   * sign-out, which ends the hosted sign-in's own session too, back to the sign-in page; `reason`
   * is shown there.
   */
  readonly endOidc: (c: C, oidc: OidcSignIn, reason?: "idle" | "expired") => Response;
}

export function createConsoleKit(deps: ConsoleKitDependencies): ConsoleKit {
  const { accounts, audit, render } = deps;
  const app = new Hono<ConsoleEnv>();
  const menu = deps.menu ?? {
    archive: deps.archive !== undefined,
    reposts: deps.reposts !== undefined,
    submitters: deps.submitters !== undefined,
  };

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
          review: role !== undefined && REVIEW_ROLES.includes(role) && menu.archive,
          sites: role !== undefined && ADMIN_ROLES.includes(role) && menu.reposts,
          compliance: role !== undefined && EDIT_ROLES.includes(role) && menu.reposts,
          desk: role !== undefined && EDIT_ROLES.includes(role) && menu.submitters === true,
          submit: role !== undefined && SUBMIT_ROLES.includes(role) && menu.submitters === true,
        },
      }),
      status as 200,
      PAGE_HEADERS,
    );
  };

  const notFound = (c: C, message: string, back: string) =>
    page(c, "message", { title: "未找到", heading: "未找到", message, back }, 404);

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

  const refuse: ConsoleKit["refuse"] = async (c, { actor, details, show, status, ...message }) => {
    await record({
      actor,
      // A refusal is named by its request: the method and the route it was made to.
      action: `${c.req.method} ${c.req.routePath}` as RefusedRequestAction,
      target: c.req.path,
      outcome: "refused",
      details,
    });
    await deps.flush();
    return show(message, status);
  };

  const guardForm: ConsoleKit["guardForm"] = async (c, next, { csrf, actor, show, back }) => {
    if (c.req.method === "POST") {
      const { form, file } = await readForm(c);
      if (!sameToken(typeof form._csrf === "string" ? form._csrf : "", csrf)) {
        return refuse(c, {
          actor,
          details: { reason: "csrf" },
          show,
          status: 403,
          title: "表单已失效",
          heading: "表单已失效",
          message: "表单的安全校验未通过（CSRF）。请返回、刷新页面后重新提交。",
          back,
        });
      }
      c.set("form", form);
      if (file) (c as unknown as { fileUpload: File }).fileUpload = file;
    }
    await next();
    if (c.req.method === "POST") await deps.flush();
    return undefined;
  };

  const resumeOidc: ConsoleKit["resumeOidc"] = async (c, oidc) => {
    const resumed = await resumeOidcSession(
      { accounts, oidc, now: deps.now },
      getCookie(c, SESSION_COOKIE),
      getCookie(c, OIDC_TOKEN_COOKIE),
    );
    if (resumed.kind === "live" && resumed.token) {
      setCookie(c, OIDC_TOKEN_COOKIE, resumed.token, {
        httpOnly: true,
        sameSite: "Strict",
        secure: secureCookie(c),
        path: "/console",
      });
    }
    return resumed;
  };

  const endOidc: ConsoleKit["endOidc"] = (c, oidc, reason) => {
    deleteCookie(c, SESSION_COOKIE, { path: "/console" });
    deleteCookie(c, OIDC_TOKEN_COOKIE, { path: "/console" });
    if (reason) {
      // Lax: the provider's sign-out sends the browser back with a cross-site redirect.
      setCookie(c, OIDC_ENDED_COOKIE, reason, {
        httpOnly: true,
        sameSite: "Lax",
        secure: secureCookie(c),
        path: "/console/sign-in",
        maxAge: 600,
      });
    }
    return c.redirect(oidc.signOutUrl(), 303);
  };

  /** Signed in with one of the roles; a POST also with the session's CSRF token. */
  const requireRole =
    (roles: readonly ConsoleRole[]): MiddlewareHandler<ConsoleEnv> =>
    async (c, next) => {
      let session: ConsoleSession | undefined;
      if (deps.oidc) {
        const resumed = await resumeOidc(c, deps.oidc);
        if (resumed.kind === "ended") return endOidc(c, deps.oidc, resumed.reason);
        if (resumed.kind === "unavailable") {
          return page(
            c,
            "message",
            {
              title: "暂时无法续期登录",
              heading: "暂时无法续期登录",
              message: "统一身份认证暂时无法访问，登录未能续期。请稍后刷新页面重试。",
              back: c.req.path,
            },
            503,
          );
        }
        session = resumed.kind === "live" ? resumed.session : undefined;
      } else {
        session = await accounts.session(getCookie(c, SESSION_COOKIE));
      }
      if (!session) {
        const next = c.req.method === "GET" ? `?next=${encodeURIComponent(c.req.path)}` : "";
        return c.redirect(`/console/sign-in${next}`, 303);
      }
      c.set("session", session);
      const show: ShowMessage = (context, status) => page(c, "message", { ...context }, status);
      if (!roles.includes(session.role)) {
        return refuse(c, {
          actor: session.username,
          details: { reason: "role", role: session.role },
          show,
          status: 403,
          title: "无权访问",
          heading: "无权访问",
          message: `你的角色（${ROLE_LABELS[session.role]}）不能使用此功能。`,
          back: "/console/",
        });
      }
      return guardForm(c, next, { csrf: session.csrf, actor: session.username, show, back: c.req.path });
    };

  return {
    app,
    deps,
    record,
    page,
    notFound,
    readForm,
    guardForm,
    refuse,
    editor: requireRole(EDIT_ROLES),
    admin: requireRole(ADMIN_ROLES),
    reviewer: requireRole(REVIEW_ROLES),
    submitter: requireRole(SUBMIT_ROLES),
    anyRole: requireRole(CONSOLE_ROLES),
    form: (c) => c.get("form"),
    actor: (c) => c.get("session").username,
    resumeOidc,
    endOidc,
  };
}

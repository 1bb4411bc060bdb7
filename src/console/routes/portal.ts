/**
 * The site portal (/portal/): a subordinate site signs in with its token or a site account, sees
 * its repost notices with the working days left, opens the document, acknowledges with the URL of
 * its repost and sees the verification result and why it failed.
 */
import { randomBytes } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { ProblemError } from "../../platform/errors.js";
import { isOverdue, noticeStatus, type RepostNotice } from "../../reposts/model.js";
import { siteNoticesPartition } from "../../reposts/records.js";
import { chinaToday } from "../../status/service.js";
import type { ConsoleAccount, ConsoleSession } from "../accounts.js";
import {
  type C,
  type ConsoleEnv,
  type ConsoleKit,
  type ConsoleReposts,
  PAGE_HEADERS,
  PORTAL_COOKIE,
  PORTAL_SIGN_IN_CSRF_COOKIE,
  sameToken,
  secureCookie,
} from "../kit.js";
import { NOTICE_STATUS_LABELS } from "./compliance.js";

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

export function registerPortalRoutes(kit: ConsoleKit, reposts: ConsoleReposts): void {
  const { app, deps, record, readForm, guardForm, form } = kit;
  const { accounts, render } = deps;
  const { registry } = reposts;
  // ── The site portal (/portal/): a site signs in with its token ──────────────────────────
  type PortalSite = { id: string; name: string; session: ConsoleSession };
  const portalSession = async (c: C): Promise<PortalSite | undefined> => {
    const session = await accounts.session(getCookie(c, PORTAL_COOKIE));
    if (session?.role !== "site" || !session.username.startsWith("site:")) return undefined;
    const site = await registry.record(session.username.slice(5));
    if (site?.status !== "active") return undefined;
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
      PAGE_HEADERS,
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
      const site = person ? await registry.record(person.site!) : await registry.authenticate(text("token"));
      if (site?.status !== "active") {
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
    return guardForm(c, next, {
      csrf: site.session.csrf,
      actor: `site:${site.id}`,
      show: (context, status) => portalPage(c, "message", { ...context }, status, site),
      back: "/portal/",
    });
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
        c.req.query("acked") === "1" ? "已收到转载地址，正在核验转载页面；稍后刷新本页查看结果。" : undefined,
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

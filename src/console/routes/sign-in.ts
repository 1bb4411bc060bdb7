/**
 * Signing in and out of the console: the embedded accounts' password form (with a cookie-bound
 * CSRF token), or, in AWS, the OIDC provider's hosted sign-in (code + PKCE) and its callback.
 */
import { randomBytes } from "node:crypto";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import {
  type C,
  type ConsoleKit,
  OIDC_ENDED_COOKIE,
  OIDC_STATE_COOKIE,
  OIDC_TOKEN_COOKIE,
  SESSION_COOKIE,
  SIGN_IN_CSRF_COOKIE,
  sameToken,
  secureCookie,
} from "../kit.js";
import { bodyOfSubmitter, CALLBACK_PATH, type OidcSignIn } from "../oidc.js";

/** A local path to go back to after signing in; anything else goes to the console's home. */
function safeNext(next: string | undefined): string {
  return next && /^\/console\/[^\s\\]*$/.test(next) && !next.startsWith("//") ? next : "/console/";
}

export function registerSignInRoutes(kit: ConsoleKit): void {
  const { app, deps, record, page, readForm, anyRole, actor, resumeOidc, endOidc } = kit;
  const { accounts } = deps;
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

  /** Why the last session ended, as the sign-in page says it (OIDC mode). */
  const endedMessage = (reason: string | undefined) =>
    reason === "idle"
      ? `登录已结束：超过 ${Math.round(accounts.idleSeconds / 60)} 分钟未操作，或已在别处退出。请重新登录。`
      : reason === "expired"
        ? "登录已到期（登录的最长有效期已过，或账户已被停用），请重新登录。"
        : undefined;

  app.get("/console/sign-in", async (c) => {
    const oidc = deps.oidc;
    if (!oidc) return signInPage(c, { next: c.req.query("next") });
    // In AWS CloudFront sends a browser here when its access token is no longer live: a session
    // still within its idle limit is renewed with its refresh token and goes on where it was.
    const resumed = await resumeOidc(c, oidc);
    if (resumed.kind === "live") return c.redirect(safeNext(c.req.query("next")), 303);
    if (resumed.kind === "ended") return endOidc(c, oidc, resumed.reason);
    const ended = getCookie(c, OIDC_ENDED_COOKIE);
    if (ended) deleteCookie(c, OIDC_ENDED_COOKIE, { path: "/console/sign-in" });
    return oidcSignInPage(c, oidc, {
      next: c.req.query("next"),
      error:
        resumed.kind === "unavailable"
          ? "统一身份认证暂时无法访问，登录未能续期。请稍后重试。"
          : endedMessage(ended),
    });
  });

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
    const { claims } = signedIn;
    // A submitter acts for the body its verified ID token names (custom:gazette_body), if that
    // body exists; the body is kept in the session record, never in a cookie.
    let body: string | undefined;
    if (claims.role === "submitter") {
      const bound = await bodyOfSubmitter(signedIn.id, async (id) =>
        deps.submitters ? (await deps.submitters.bodies.get(id)) !== undefined : false,
      );
      if (bound.kind === "refused") {
        if (signedIn.refreshToken) await oidc.revoke(signedIn.refreshToken);
        return refuse(
          `submitter_${bound.reason}`,
          bound.reason === "unknown_body"
            ? "登录未成功：账户所属的发文机关不存在，请联系管理员。"
            : "登录未成功：报送员账户未绑定发文机关（custom:gazette_body），请联系管理员。",
        );
      }
      body = bound.body;
    }
    await accounts.endSession(getCookie(c, SESSION_COOKIE)); // a session this browser had before
    const { token: sessionToken } = await accounts.startSession(
      {
        username: claims.username,
        displayName: claims.username,
        role: claims.role,
        ...(body ? { body } : {}),
      },
      { subject: claims.subject, refreshToken: signedIn.refreshToken },
    );
    await record({
      actor: claims.username,
      action: "sign-in",
      target: null,
      outcome: "ok",
      details: body ? { body } : {},
    });
    await deps.flush();
    deleteCookie(c, OIDC_STATE_COOKIE, { path: CALLBACK_PATH });
    for (const [name, value] of [
      [SESSION_COOKIE, sessionToken],
      [OIDC_TOKEN_COOKIE, signedIn.token],
    ] as const) {
      setCookie(c, name, value, {
        httpOnly: true,
        sameSite: "Strict",
        secure: secureCookie(c),
        path: "/console",
      });
    }
    // A page, not a redirect: the browser came here from the provider (cross-site), and would not
    // send the new SameSite=Strict cookie along a redirect that continues that navigation.
    const target = safeNext(decodeURIComponent(next));
    return page(c, "message", {
      title: "已登录",
      heading: "已登录",
      message: `欢迎，${claims.username}。`,
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
      // The refresh token is revoked at the provider (with the access tokens issued from it).
      const resumed = await accounts.resume(getCookie(c, SESSION_COOKIE));
      if (resumed?.oidc?.refreshToken) await deps.oidc.revoke(resumed.oidc.refreshToken);
      await accounts.endSession(getCookie(c, SESSION_COOKIE));
      return endOidc(c, deps.oidc);
    }
    await accounts.endSession(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: "/console" });
    return c.redirect("/console/sign-in", 303);
  });
}

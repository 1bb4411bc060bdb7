import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { OIDC_STATE_COOKIE, OIDC_TOKEN_COOKIE, SESSION_COOKIE } from "../../src/console/http.js";
import { OidcSignIn } from "../../src/console/oidc.js";
import { createApiApp } from "../../src/handlers/api.js";
import { createEmbeddedPlatform } from "../../src/platform/embedded/index.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { createContainer } from "../../src/runtime/container.js";
import { ConsoleBrowser } from "../support/console-browser.js";
import { EDITOR_TOKEN, type TestApp } from "../support/local-app.js";
import { createTestOidcProvider, type TestOidcProvider } from "../support/oidc-provider.js";

/**
 * The console signed in through an OIDC provider, as in AWS with the Cognito user pool's hosted
 * sign-in: code flow with PKCE, a session like the embedded accounts' (idle limit, CSRF token)
 * whose access token (verified against the provider's JWKS, here a local one) is renewed with the
 * refresh token before it expires, roles from the token's groups. The provider is
 * tests/support/oidc-provider.ts: real token and revocation endpoints and real RS256 signatures,
 * in process.
 */

/** Seconds since the epoch at which a JWT expires (what CloudFront's function reads). */
const expiryOf = (jwt: string) =>
  (JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8")) as { exp: number }).exp;
const MINUTE = 60 * 1000;

/** An attribute value as the browser reads it (Handlebars escapes & and =). */
const unescapeHtml = (text: string | undefined) =>
  text?.replaceAll("&#x3D;", "=").replaceAll("&amp;", "&") ?? "";

const NOW = Date.UTC(2025, 5, 3, 2, 0, 0);
const SITE = "https://gazette.example.gov.cn";

describe("console sign-in through the user pool's hosted sign-in (OIDC)", () => {
  let clock: ManualClock;
  let provider: TestOidcProvider;
  let app: TestApp;
  let dataDir: string;
  let close: () => void;

  beforeEach(async () => {
    clock = new ManualClock(NOW);
    // The app client's access-token validity as the stack sets it (60 minutes; idle limit 30).
    provider = await createTestOidcProvider({ now: () => clock.now(), accessTokenSeconds: 3600 });
    dataDir = mkdtempSync(join(tmpdir(), "gazette-oidc-"));
    // The settings the AWS stack gives the API function (infra/constructs/console-identity.ts).
    const config = loadConfig({
      GAZETTE_DATA_DIR: dataDir,
      GAZETTE_BASE_URL: SITE,
      GAZETTE_CONSOLE_OIDC_ISSUER: provider.issuer,
      GAZETTE_CONSOLE_OIDC_CLIENT_ID: provider.clientId,
      GAZETTE_CONSOLE_OIDC_SIGN_IN_URL: provider.signInBaseUrl,
    });
    const platform = createEmbeddedPlatform({ dataDir, clock });
    const container = createContainer(config, platform, { editorToken: EDITOR_TOKEN });
    expect(container.console?.oidc).toBeInstanceOf(OidcSignIn);
    // The same settings, with the provider's keys and token endpoint in process.
    const oidc = new OidcSignIn(
      { ...config.consoleOidc!, publicBaseUrl: config.baseUrl },
      { keys: provider.keys, fetch: provider.fetch, now: () => clock.now() },
    );
    const hono = createApiApp({ ...container, console: { ...container.console!, oidc } });
    const request: TestApp["request"] = (path, init = {}) => {
      const { editor = true, headers, ...rest } = init;
      const h = new Headers(headers);
      if (editor) h.set("authorization", `Bearer ${EDITOR_TOKEN}`);
      return Promise.resolve(hono.fetch(new Request(`${SITE}${path}`, { ...rest, headers: h })));
    };
    app = { container, dataDir, request, postJson: () => Promise.reject(new Error("unused")), close() {} };
    close = () => {
      container.search.close?.();
      platform.close();
      rmSync(dataDir, { recursive: true, force: true });
    };
  });
  afterEach(() => close());

  /** Opens the sign-in page, signs in on the provider's page, and comes back with the code. */
  async function signIn(
    browser: ConsoleBrowser,
    user: { username: string; groups: readonly string[] },
    next = "",
  ) {
    const page = await (
      await browser.get(`/console/sign-in${next ? `?next=${encodeURIComponent(next)}` : ""}`)
    ).text();
    const authorizeUrl = unescapeHtml(/href="(https:\/\/gazette-test\.auth[^"]+)"/.exec(page)?.[1]);
    if (!authorizeUrl) throw new Error("no sign-in link on the sign-in page");
    return browser.get(provider.authorize(authorizeUrl, user));
  }

  test("the sign-in page links to the hosted sign-in with the code flow, PKCE (S256) and a state kept in a Lax cookie", async () => {
    // Prepare
    const browser = new ConsoleBrowser(app);

    // Act
    const res = await browser.get("/console/sign-in?next=%2Fconsole%2Feditions");
    const html = await res.text();

    // Assess
    const href = unescapeHtml(/href="(https:\/\/gazette-test[^"]+)"/.exec(html)?.[1]);
    const url = new URL(href!);
    expect(url.pathname).toBe("/oauth2/authorize");
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: "code",
      client_id: provider.clientId,
      redirect_uri: `${SITE}/console/oauth/callback`,
      code_challenge_method: "S256",
    });
    expect(url.searchParams.get("state")?.length).toBeGreaterThanOrEqual(32);
    expect(html).not.toContain('name="password"');
    const cookie = browser.setCookieHeaders.find((l) => l.startsWith(`${OIDC_STATE_COOKIE}=`));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/console\/oauth\/callback/);
    expect(cookie).toMatch(/Secure/);
  });

  test("an editor signs in, lands on the page asked for, works, and the audit log names them", async () => {
    // Prepare
    const browser = new ConsoleBrowser(app);

    // Act
    const back = await signIn(browser, { username: "wang.editor", groups: ["editor"] }, "/console/editions");
    const editionsPage = await browser.get("/console/editions");
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await editionsPage.text())?.[1];
    const created = await browser.post("/console/editions", { _csrf: csrf!, year: "2025" });

    // Assess
    expect(back.status).toBe(200);
    expect(await back.text()).toContain('http-equiv="refresh" content="0;url=/console/editions"');
    const session = browser.setCookieHeaders.find((l) => l.startsWith(`${OIDC_TOKEN_COOKIE}=`));
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    expect(session).toMatch(/Path=\/console/);
    expect(editionsPage.status).toBe(200);
    expect(created.status).toBe(303);
    const audit = await app.container.console!.audit.page({ limit: 10 });
    expect(audit.items.map((e) => [e.actor, e.action, e.outcome])).toEqual(
      expect.arrayContaining([
        ["wang.editor", "sign-in", "ok"],
        ["wang.editor", "edition.create", "ok"],
      ]),
    );
  });

  test("a form posted without the session's CSRF token, or with another session's, changes nothing (403)", async () => {
    // Prepare
    const mine = new ConsoleBrowser(app);
    const other = new ConsoleBrowser(app);
    await signIn(mine, { username: "wang", groups: ["editor"] });
    await signIn(other, { username: "zhao", groups: ["editor"] });
    const othersCsrf = /name="_csrf" value="([^"]+)"/.exec(
      await (await other.get("/console/editions")).text(),
    )?.[1];

    // Act
    const missing = await mine.post("/console/editions", { year: "2025" });
    const foreign = await mine.post("/console/editions", { year: "2025", _csrf: othersCsrf! });

    // Assess
    expect(missing.status).toBe(403);
    expect(foreign.status).toBe(403);
    expect((await app.container.editions.list({ limit: 10 })).items).toEqual([]);
  });

  test("the token's groups are the roles: a reviewer reviews the archive but cannot open documents", async () => {
    // Prepare
    const browser = new ConsoleBrowser(app);
    await signIn(browser, { username: "li", groups: ["reviewer"] });

    // Act
    const documents = await browser.get("/console/documents");
    const review = await browser.get("/console/archive/review");

    // Assess
    expect(documents.status).toBe(403);
    expect(review.status).toBe(200);
  });

  test("an account in no console group is refused at the callback and gets no session", async () => {
    // Prepare
    const browser = new ConsoleBrowser(app);

    // Act
    const back = await signIn(browser, { username: "visitor", groups: ["readers"] });

    // Assess
    expect(back.status).toBe(400);
    expect(browser.cookies.has(OIDC_TOKEN_COOKIE)).toBe(false);
  });

  test("a callback whose state is not this browser's, or whose code was already used, signs nobody in", async () => {
    // Prepare
    const victim = new ConsoleBrowser(app);
    const attacker = new ConsoleBrowser(app);
    const page = await (await attacker.get("/console/sign-in")).text();
    const url = unescapeHtml(/href="(https:\/\/gazette-test[^"]+)"/.exec(page)?.[1]);
    const callback = provider.authorize(url, { username: "attacker", groups: ["administrator"] });

    // Act: the attacker's callback link opened in the victim's browser (login CSRF), then replayed
    await victim.get("/console/sign-in");
    const forced = await victim.get(callback);
    const first = await attacker.get(callback);
    const replay = await new ConsoleBrowser(app).get(callback);

    // Assess
    expect(forced.status).toBe(400);
    expect(victim.cookies.has(OIDC_TOKEN_COOKIE)).toBe(false);
    expect(first.status).toBe(200);
    expect(replay.status).toBe(400);
  });

  test("a token that is forged, expired, for another client or another issuer never opens a page", async () => {
    // Prepare: tokens an attacker could put in the cookie
    const other = await createTestOidcProvider({ now: () => clock.now() });
    const bad = [
      await other.accessToken({ username: "x", "cognito:groups": ["administrator"] }),
      await provider.accessToken({ "cognito:groups": ["administrator"] }, { expiresInSeconds: -10 }),
      await provider.accessToken({ client_id: "another-client", "cognito:groups": ["administrator"] }),
      await provider.accessToken({ iss: "https://evil.example", "cognito:groups": ["administrator"] }),
      await provider.accessToken({ token_use: "id", "cognito:groups": ["administrator"] }),
    ];
    const good = await provider.accessToken({ username: "admin1", "cognito:groups": ["administrator"] });
    const tampered = (token: string, at: number, char: string) =>
      `${token.slice(0, at)}${char}${token.slice(at + 1)}`;
    const verifier = new OidcSignIn(
      { ...app.container.config.consoleOidc!, publicBaseUrl: SITE },
      { keys: provider.keys, now: () => clock.now() },
    );

    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom(...bad),
          fc
            .tuple(fc.integer({ min: 0, max: good.length - 1 }), fc.constantFrom(..."ABCxyz019-_."))
            // The last character of a segment may carry unused padding bits: changing it can keep the bytes.
            .filter(
              ([at, char]) =>
                good[at] !== char && good[at] !== "." && good[at + 1] !== "." && at < good.length - 1,
            )
            .map(([at, char]) => tampered(good, at, char)),
        ),
        async (token) => {
          // Act
          const claims = await verifier.verify(token);
          const res = await app.request("/console/accounts", {
            editor: false,
            redirect: "manual",
            headers: { cookie: `${OIDC_TOKEN_COOKIE}=${token}` },
          });

          // Assess
          expect(claims).toBeUndefined();
          expect(res.status).toBe(303);
          expect(res.headers.get("location")).toMatch(/^\/console\/sign-in/);
        },
      ),
      { numRuns: 40 },
    );
    expect(await verifier.verify(good)).toMatchObject({ username: "admin1", role: "administrator" });
  });

  test("a live access token alone, without the session it was issued in, opens nothing", async () => {
    // Prepare: a token the provider really issued, but no console session in this browser
    const good = await provider.accessToken({ username: "admin1", "cognito:groups": ["administrator"] });

    // Act
    const res = await app.request("/console/accounts", {
      editor: false,
      redirect: "manual",
      headers: { cookie: `${OIDC_TOKEN_COOKIE}=${good}` },
    });

    // Assess
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/console\/sign-in/);
  });

  test("an editor at work keeps a live access token: it is renewed through the token endpoint before it expires", async () => {
    // Prepare
    const browser = new ConsoleBrowser(app);
    await signIn(browser, { username: "wang", groups: ["editor"] });
    const first = browser.cookies.get(OIDC_TOKEN_COOKIE)!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(
      await (await browser.get("/console/editions")).text(),
    )?.[1];

    // Act: at work for 20 minutes, then 10 more, then back after 29 idle minutes with a form
    clock.advance(20 * MINUTE);
    const early = await browser.get("/console/documents");
    const grantsEarly = provider.grants.filter((g) => g.grant === "refresh_token").length;
    clock.advance(10 * MINUTE);
    const renewedAt = await browser.get("/console/documents");
    const renewed = browser.cookies.get(OIDC_TOKEN_COOKIE)!;
    const grantsRenewed = provider.grants.filter((g) => g.grant === "refresh_token");
    clock.advance(29 * MINUTE);
    const tokenOnReturn = browser.cookies.get(OIDC_TOKEN_COOKIE)!;
    const posted = await browser.post("/console/editions", { _csrf: csrf!, year: "2025" });

    // Assess
    expect(early.status).toBe(200);
    expect(grantsEarly).toBe(0);
    expect(renewedAt.status).toBe(200);
    expect(grantsRenewed).toEqual([{ grant: "refresh_token", outcome: "ok" }]);
    expect(renewed).not.toBe(first);
    const cookie = browser.setCookieHeaders.filter((l) => l.startsWith(`${OIDC_TOKEN_COOKIE}=`)).at(-1);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/console/);
    // What CloudFront's function checks before the JWT authoriser: still live on return.
    expect(expiryOf(tokenOnReturn)).toBeGreaterThan(clock.now().getTime() / 1000);
    expect(posted.status).toBe(303);
    expect((await app.container.editions.list({ limit: 10 })).items).toHaveLength(1);
  });

  test("unused beyond the idle limit, the session ends: sign-out at the provider, and the sign-in page says why", async () => {
    // Prepare
    const browser = new ConsoleBrowser(app);
    await signIn(browser, { username: "wang", groups: ["editor"] });
    await browser.get("/console/documents");
    const sessionCookie = browser.cookies.get(SESSION_COOKIE)!;
    const tokenCookie = browser.cookies.get(OIDC_TOKEN_COOKIE)!;

    // Act: 31 minutes idle; the access token itself would still be live for 29 more
    clock.advance(31 * MINUTE);
    const idle = await browser.get("/console/documents");
    const signInPage = await browser.get("/console/sign-in");
    const replay = await app.request("/console/documents", {
      editor: false,
      redirect: "manual",
      headers: { cookie: `${SESSION_COOKIE}=${sessionCookie}; ${OIDC_TOKEN_COOKIE}=${tokenCookie}` },
    });

    // Assess
    expect(expiryOf(tokenCookie)).toBeGreaterThan(clock.now().getTime() / 1000);
    expect(idle.status).toBe(303);
    const logout = new URL(idle.headers.get("location")!);
    expect(`${logout.origin}${logout.pathname}`).toBe(`${provider.signInBaseUrl}/logout`);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(browser.cookies.has(OIDC_TOKEN_COOKIE)).toBe(false);
    expect(await signInPage.text()).toContain("超过 30 分钟未操作");
    expect(provider.grants.filter((g) => g.grant === "refresh_token")).toEqual([]);
    expect(replay.status).toBe(303);
    expect(new URL(replay.headers.get("location")!).pathname).toBe("/logout");
  });

  test("a browser whose access token expired within the idle limit is renewed at the sign-in page and goes on", async () => {
    // Prepare: CloudFront sends a browser without a live token to /console/sign-in?next=…
    const browser = new ConsoleBrowser(app);
    await signIn(browser, { username: "wang", groups: ["editor"] });
    browser.cookies.delete(OIDC_TOKEN_COOKIE);

    // Act
    const back = await browser.get("/console/sign-in?next=%2Fconsole%2Feditions");
    const page = await browser.get("/console/editions");

    // Assess
    expect(back.status).toBe(303);
    expect(back.headers.get("location")).toBe("/console/editions");
    expect(browser.cookies.has(OIDC_TOKEN_COOKIE)).toBe(true);
    expect(page.status).toBe(200);
  });

  test("a renewal the provider refuses (account disabled, refresh token revoked or too old) ends the session", async () => {
    // Prepare
    const browser = new ConsoleBrowser(app);
    await signIn(browser, { username: "wang", groups: ["editor"] });
    provider.disabled.add("wang");

    // Act: at work 15 minutes, then a page when the token is due for renewal
    clock.advance(15 * MINUTE);
    await browser.get("/console/documents");
    clock.advance(15 * MINUTE);
    const refused = await browser.get("/console/documents");
    const signInPage = await (await browser.get("/console/sign-in")).text();

    // Assess
    expect(refused.status).toBe(303);
    expect(new URL(refused.headers.get("location")!).pathname).toBe("/logout");
    expect(provider.grants.at(-1)).toEqual({ grant: "refresh_token", outcome: "refused" });
    expect(signInPage).toContain("登录已到期");
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  test("a session lasts at most the refresh token's validity, however active", async () => {
    // Prepare: a provider whose refresh tokens last 2 hours
    provider = await createTestOidcProvider({
      now: () => clock.now(),
      accessTokenSeconds: 3600,
      refreshTokenSeconds: 2 * 3600,
    });
    const oidc = new OidcSignIn(
      { ...app.container.config.consoleOidc!, publicBaseUrl: SITE },
      { keys: provider.keys, fetch: provider.fetch, now: () => clock.now() },
    );
    const hono = createApiApp({ ...app.container, console: { ...app.container.console!, oidc } });
    const active: TestApp = {
      ...app,
      request: (path, init = {}) => {
        const { editor: _editor, ...rest } = init;
        return Promise.resolve(hono.fetch(new Request(`${SITE}${path}`, rest)));
      },
    };
    const browser = new ConsoleBrowser(active);
    const page = await (await browser.get("/console/sign-in")).text();
    const url = unescapeHtml(/href="(https:\/\/gazette-test[^"]+)"/.exec(page)?.[1]);
    await browser.get(provider.authorize(url, { username: "wang", groups: ["editor"] }));

    // Act: a page every 10 minutes for 2 hours 10 minutes
    const statuses: number[] = [];
    for (let minute = 10; minute <= 130; minute += 10) {
      clock.advance(10 * MINUTE);
      statuses.push((await browser.get("/console/documents")).status);
    }

    // Assess
    expect(statuses.slice(0, 11)).toEqual(Array(11).fill(200));
    expect(statuses.at(-1)).toBe(303);
  });

  test("with the provider unreachable, a live token goes on; an expired one is told to retry, and the session survives", async () => {
    // Prepare
    const browser = new ConsoleBrowser(app);
    await signIn(browser, { username: "wang", groups: ["editor"] });
    provider.down = true;

    // Act
    clock.advance(15 * MINUTE);
    await browser.get("/console/documents");
    clock.advance(15 * MINUTE);
    const stillLive = await browser.get("/console/documents");
    const token = browser.cookies.get(OIDC_TOKEN_COOKIE)!;
    browser.cookies.delete(OIDC_TOKEN_COOKIE);
    const expired = await browser.get("/console/documents");
    provider.down = false;
    const again = await browser.get("/console/documents");

    // Assess
    expect(stillLive.status).toBe(200);
    expect(token).toBeTruthy();
    expect(expired.status).toBe(503);
    expect(await expired.text()).toContain("暂时无法续期登录");
    expect(again.status).toBe(200);
  });

  test("a group changed in the user pool changes the role at the next renewal", async () => {
    // Prepare
    const browser = new ConsoleBrowser(app);
    await signIn(browser, { username: "wang", groups: ["editor"] });
    provider.groupsOf.set("wang", ["reviewer"]);

    // Act
    const before = await browser.get("/console/documents");
    clock.advance(15 * MINUTE);
    await browser.get("/console/documents");
    clock.advance(15 * MINUTE);
    const after = await browser.get("/console/documents");

    // Assess
    expect(before.status).toBe(200);
    expect(after.status).toBe(403);
  });

  test("sign-out revokes the refresh token, ends the session and goes through the provider's sign-out back to the sign-in page", async () => {
    // Prepare
    const browser = new ConsoleBrowser(app);
    await signIn(browser, { username: "wang", groups: ["editor"] });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await browser.get("/console/")).text())?.[1];
    const cookies = `${SESSION_COOKIE}=${browser.cookies.get(SESSION_COOKIE)}; ${OIDC_TOKEN_COOKIE}=${browser.cookies.get(OIDC_TOKEN_COOKIE)}`;

    // Act
    const out = await browser.post("/console/sign-out", { _csrf: csrf! });
    const after = await browser.get("/console/");
    const replay = await app.request("/console/", {
      editor: false,
      redirect: "manual",
      headers: { cookie: cookies },
    });

    // Assess
    expect(out.status).toBe(303);
    const logout = new URL(out.headers.get("location")!);
    expect(`${logout.origin}${logout.pathname}`).toBe(`${provider.signInBaseUrl}/logout`);
    expect(logout.searchParams.get("logout_uri")).toBe(`${SITE}/console/sign-in`);
    expect(provider.revoked.size).toBe(1);
    expect(browser.cookies.has(OIDC_TOKEN_COOKIE)).toBe(false);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(after.status).toBe(303);
    expect(replay.status).toBe(303);
  });

  test("passwords are not taken by the console itself; the editor token API keeps working beside it", async () => {
    // Prepare
    const accounts = app.container.console!.accounts;
    await accounts.create(
      { username: "local", displayName: "本地", role: "administrator", password: "x".repeat(16) },
      "test",
    );
    const browser = new ConsoleBrowser(app);

    // Act
    const posted = await browser.post("/console/sign-in", { username: "local", password: "x".repeat(16) });
    const api = await app.request("/api/editions", { editor: true });

    // Assess
    expect(posted.status).toBe(303);
    expect(browser.cookies.size).toBe(0);
    expect(api.status).toBe(200);
  });

  test("administrators add only site accounts here: console accounts live in the user pool", async () => {
    // Prepare
    const browser = new ConsoleBrowser(app);
    await signIn(browser, { username: "admin1", groups: ["administrator", "editor"] });
    const page = await (await browser.get("/console/accounts")).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
    const password = "a long site password";

    // Act
    const editor = await browser.post("/console/accounts", {
      _csrf: csrf!,
      username: "sneaky",
      displayName: "编辑",
      role: "editor",
      password,
    });
    const registered = await app.container.reposts.registry.register({
      name: "成都市人民政府网站",
      level: "city",
      region: "510100",
      delivery: {
        type: "sqs",
        queueUrl: "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/gazette-repost-chengdu",
      },
    });
    const site = await browser.post("/console/accounts", {
      _csrf: csrf!,
      username: "chengdu",
      displayName: "成都市政府网站",
      role: "site",
      site: registered.id,
      password,
    });

    // Assess
    expect(page).toContain("Cognito");
    expect(editor.status).toBe(400);
    expect(site.status).toBe(200);
    expect((await app.container.console!.accounts.list()).map((a) => a.username)).toEqual(["chengdu"]);
  });
});

describe("console OIDC settings", () => {
  test("all three settings or none; issuer and sign-in address must be https", () => {
    const base = {
      GAZETTE_CONSOLE_OIDC_ISSUER: "https://cognito-idp.cn-north-1.amazonaws.com.cn/pool",
      GAZETTE_CONSOLE_OIDC_CLIENT_ID: "abc",
      GAZETTE_CONSOLE_OIDC_SIGN_IN_URL: "https://x.auth.cn-north-1.amazoncognito.com",
    };
    expect(loadConfig({}).consoleOidc).toBeUndefined();
    expect(loadConfig(base).consoleOidc).toEqual({
      issuer: base.GAZETTE_CONSOLE_OIDC_ISSUER,
      clientId: "abc",
      signInBaseUrl: base.GAZETTE_CONSOLE_OIDC_SIGN_IN_URL,
    });
    expect(() => loadConfig({ ...base, GAZETTE_CONSOLE_OIDC_CLIENT_ID: "" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, GAZETTE_CONSOLE_OIDC_ISSUER: "http://plain.example" })).toThrow(
      /GAZETTE_CONSOLE_OIDC_ISSUER must be an https/,
    );
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { OIDC_STATE_COOKIE, OIDC_TOKEN_COOKIE } from "../../src/console/http.js";
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
 * sign-in: code flow with PKCE, the access token as the session (verified against the provider's
 * JWKS, here a local one), roles from the token's groups, CSRF bound to the token. The provider is
 * tests/support/oidc-provider.ts: a real token endpoint and real RS256 signatures, in process.
 */

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
    provider = await createTestOidcProvider({ now: () => clock.now() });
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
          const res = await app.request("/console/accounts", {
            editor: false,
            redirect: "manual",
            headers: { cookie: `${OIDC_TOKEN_COOKIE}=${token}` },
          });

          // Assess
          expect(res.status).toBe(303);
          expect(res.headers.get("location")).toMatch(/^\/console\/sign-in/);
        },
      ),
      { numRuns: 40 },
    );
    const res = await app.request("/console/accounts", {
      editor: false,
      headers: { cookie: `${OIDC_TOKEN_COOKIE}=${good}` },
    });
    expect(res.status).toBe(200);
  });

  test("the session ends with the token: after its lifetime the console asks to sign in again", async () => {
    // Prepare
    const browser = new ConsoleBrowser(app);
    await signIn(browser, { username: "wang", groups: ["editor"] });

    // Act
    clock.advance(29 * 60 * 1000);
    const before = await browser.get("/console/documents");
    clock.advance(2 * 60 * 1000);
    const after = await browser.get("/console/documents");

    // Assess
    expect(before.status).toBe(200);
    expect(after.status).toBe(303);
  });

  test("sign-out ends the session and goes through the provider's sign-out back to the sign-in page", async () => {
    // Prepare
    const browser = new ConsoleBrowser(app);
    await signIn(browser, { username: "wang", groups: ["editor"] });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await browser.get("/console/")).text())?.[1];

    // Act
    const out = await browser.post("/console/sign-out", { _csrf: csrf! });
    const after = await browser.get("/console/");

    // Assess
    expect(out.status).toBe(303);
    const logout = new URL(out.headers.get("location")!);
    expect(`${logout.origin}${logout.pathname}`).toBe(`${provider.signInBaseUrl}/logout`);
    expect(logout.searchParams.get("logout_uri")).toBe(`${SITE}/console/sign-in`);
    expect(browser.cookies.has(OIDC_TOKEN_COOKIE)).toBe(false);
    expect(after.status).toBe(303);
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

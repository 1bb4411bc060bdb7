import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { generateKeyPair, SignJWT } from "jose";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config.js";
import { CognitoSubmitterDirectory } from "../../src/console/cognito-submitters.js";
import { OIDC_TOKEN_COOKIE, SESSION_COOKIE } from "../../src/console/http.js";
import { BODY_CLAIM, bodyOfSubmitter, OidcSignIn } from "../../src/console/oidc.js";
import { createApiApp } from "../../src/handlers/api.js";
import { createEmbeddedPlatform } from "../../src/platform/embedded/index.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { createContainer } from "../../src/runtime/container.js";
import { ConsoleBrowser } from "../support/console-browser.js";
import { type FakeCognito, startFakeCognito } from "../support/fake-cognito.js";
import { EDITOR_TOKEN, type TestApp } from "../support/local-app.js";
import {
  createTestOidcProvider,
  type TestOidcProvider,
  type TestOidcUser,
} from "../support/oidc-provider.js";

/**
 * Department submitters (issue 16) when the console signs in through the user pool, as in AWS: a
 * member of the `submitter` group is bound to the issuing body its ID token names
 * (custom:gazette_body, which only administrators write), verified server-side and kept in the
 * session record; and an administrator creates such accounts on /console/accounts, in the user
 * pool (AdminCreateUser + AdminAddUserToGroup), here a fake Cognito endpoint on 127.0.0.1 speaking
 * the user pools API's wire protocol (AWS JSON 1.1, SigV4-signed requests).
 */

const NOW = Date.UTC(2025, 5, 3, 2, 0, 0);
const MINUTE = 60 * 1000;
const SITE = "https://gazette.example.gov.cn";
const EDUCATION = "四川省教育厅";
const CHENGDU = "成都市人民政府";
const POOL = "cn-north-1_TestPool";
const unescapeHtml = (text: string | undefined) =>
  text?.replaceAll("&#x3D;", "=").replaceAll("&amp;", "&") ?? "";
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";

describe("the claim → body mapping (bodyOfSubmitter)", () => {
  const bodyId = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}$/);

  test("a verified ID token's body binds the submitter when that body exists, and only then", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(bodyId, { maxLength: 5 }), bodyId, async (registered, claimed) => {
        // Prepare
        const exists = async (id: string) => registered.includes(id);

        // Act
        const bound = await bodyOfSubmitter({ subject: "s-1", body: claimed }, exists);

        // Assess
        expect(bound).toEqual(
          registered.includes(claimed)
            ? { kind: "bound", body: claimed }
            : { kind: "refused", reason: "unknown_body" },
        );
      }),
      { numRuns: 200 },
    );
  });

  test("no ID token, or one without the claim (or an empty one), binds nothing", async () => {
    // Prepare
    const exists = async () => true;

    // Act
    const withoutToken = await bodyOfSubmitter(undefined, exists);
    const withoutClaim = await bodyOfSubmitter({ subject: "s-1" }, exists);
    const blank = await bodyOfSubmitter({ subject: "s-1", body: "  " }, exists);

    // Assess
    expect(withoutToken).toEqual({ kind: "refused", reason: "no_id_token" });
    expect(withoutClaim).toEqual({ kind: "refused", reason: "no_body_claim" });
    expect(blank).toEqual({ kind: "refused", reason: "no_body_claim" });
  });
});

describe("submitters signed in through the user pool", () => {
  let clock: ManualClock;
  let provider: TestOidcProvider;
  let cognito: FakeCognito;
  let oidc: OidcSignIn;
  let app: TestApp;
  let close: () => Promise<void>;

  beforeEach(async () => {
    clock = new ManualClock(NOW);
    provider = await createTestOidcProvider({ now: () => clock.now(), accessTokenSeconds: 3600 });
    cognito = await startFakeCognito(POOL);
    const dataDir = mkdtempSync(join(tmpdir(), "gazette-oidc-submitters-"));
    // The settings the AWS stack gives the api function.
    const config = loadConfig({
      GAZETTE_DATA_DIR: dataDir,
      GAZETTE_BASE_URL: SITE,
      GAZETTE_CONSOLE_OIDC_ISSUER: provider.issuer,
      GAZETTE_CONSOLE_OIDC_CLIENT_ID: provider.clientId,
      GAZETTE_CONSOLE_OIDC_SIGN_IN_URL: provider.signInBaseUrl,
      GAZETTE_CONSOLE_USER_POOL_ID: POOL,
    });
    const platform = createEmbeddedPlatform({ dataDir, clock });
    const container = createContainer(config, platform, { editorToken: EDITOR_TOKEN });
    expect(container.console?.submitterDirectory).toBeInstanceOf(CognitoSubmitterDirectory);
    oidc = new OidcSignIn(
      { ...config.consoleOidc!, publicBaseUrl: config.baseUrl },
      { keys: provider.keys, fetch: provider.fetch, now: () => clock.now() },
    );
    // The same directory, its calls sent to the fake endpoint, signed with static keys.
    const submitterDirectory = new CognitoSubmitterDirectory({
      userPoolId: POOL,
      endpoint: cognito.endpoint,
      credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret-test" },
    });
    const hono = createApiApp({ ...container, console: { ...container.console!, oidc, submitterDirectory } });
    const request: TestApp["request"] = (path, init = {}) => {
      const { editor = true, headers, ...rest } = init;
      const h = new Headers(headers);
      if (editor) h.set("authorization", `Bearer ${EDITOR_TOKEN}`);
      return Promise.resolve(hono.fetch(new Request(`${SITE}${path}`, { ...rest, headers: h })));
    };
    app = { container, dataDir, request, postJson: () => Promise.reject(new Error("unused")), close() {} };
    const { bodies } = container.submitters;
    await bodies.create({ id: "sc-jyt", name: EDUCATION, regionCode: "510000" }, "test");
    await bodies.create({ id: "cd-gov", name: CHENGDU, regionCode: "510100" }, "test");
    close = async () => {
      await cognito.close();
      container.search.close?.();
      platform.close();
      rmSync(dataDir, { recursive: true, force: true });
    };
  });
  afterEach(async () => close());

  async function signIn(browser: ConsoleBrowser, user: TestOidcUser) {
    const page = await (await browser.get("/console/sign-in")).text();
    const authorizeUrl = unescapeHtml(/href="(https:\/\/gazette-test\.auth[^"]+)"/.exec(page)?.[1]);
    if (!authorizeUrl) throw new Error("no sign-in link on the sign-in page");
    return browser.get(provider.authorize(authorizeUrl, user));
  }
  const submitter = (body?: string): TestOidcUser => ({
    username: "zhang.jyt",
    groups: ["submitter"],
    ...(body !== undefined ? { attributes: { [BODY_CLAIM]: body } } : {}),
  });

  describe("binding to the body of the ID token", () => {
    test("a submitter signs in and works for the body its ID token names, as locally", async () => {
      // Prepare
      const browser = new ConsoleBrowser(app);

      // Act
      const back = await signIn(browser, submitter("sc-jyt"));
      const home = await browser.get("/console/body/");
      const html = await home.text();
      const editorsPage = await browser.get("/console/documents");

      // Assess
      expect(back.status).toBe(200);
      expect(home.status).toBe(200);
      expect(html).toContain(EDUCATION);
      expect(html).not.toContain(CHENGDU);
      expect(editorsPage.status).toBe(403);
      const audit = await app.container.console!.audit.page({ limit: 5 });
      expect(audit.items.find((e) => e.action === "sign-in")).toMatchObject({
        actor: "zhang.jyt",
        outcome: "ok",
        details: { body: "sc-jyt" },
      });
    });

    test("the body is the session's, not the browser's: only the session token and the access token are in cookies", async () => {
      // Prepare
      const browser = new ConsoleBrowser(app);

      // Act
      await signIn(browser, submitter("sc-jyt"));

      // Assess
      expect([...browser.cookies.keys()].sort()).toEqual([OIDC_TOKEN_COOKIE, SESSION_COOKIE].sort());
      for (const value of browser.cookies.values()) {
        const parts = value.split(".");
        const claims = parts.length === 3 ? Buffer.from(parts[1]!, "base64url").toString("utf8") : value;
        expect(claims).not.toContain("sc-jyt");
      }
    });

    test("a submitter without the body attribute, or with a body that does not exist, is refused at the callback", async () => {
      for (const [user, message] of [
        [submitter(), "未绑定发文机关"],
        [submitter("no-such-body"), "发文机关不存在"],
      ] as const) {
        // Prepare
        const browser = new ConsoleBrowser(app);

        // Act
        const back = await signIn(browser, user);

        // Assess
        expect(back.status).toBe(400);
        expect(await back.text()).toContain(message);
        expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
        expect((await browser.get("/console/body/")).status).toBe(303);
      }
      // The refresh tokens issued to the refused sign-ins are revoked at the provider.
      expect(provider.revoked.size).toBe(2);
    });

    test("an ID token that is not the provider's, not for this client, not an ID token, or another account's, refuses the sign-in", async () => {
      // Prepare: the account is in the submitter group of sc-jyt; each forgery names cd-gov.
      const stranger = await generateKeyPair("RS256");
      const forgeries: ((claims: Record<string, unknown>) => Promise<string>)[] = [
        (claims) =>
          new SignJWT({ ...claims, token_use: "id", [BODY_CLAIM]: "cd-gov" })
            .setProtectedHeader({ alg: "RS256", kid: "test-key-1" })
            .setIssuer(provider.issuer)
            .setAudience(provider.clientId)
            .setSubject(String(claims.sub ?? ""))
            .setIssuedAt()
            .setExpirationTime("1h")
            .sign(stranger.privateKey),
        (claims) => provider.idToken({ ...claims, [BODY_CLAIM]: "cd-gov", aud: "another-client" }),
        (claims) => provider.accessToken({ ...claims, [BODY_CLAIM]: "cd-gov", username: "zhang.jyt" }),
        (claims) => provider.idToken({ ...claims, [BODY_CLAIM]: "cd-gov", sub: "another-account" }),
        (claims) => provider.idToken({ ...claims, [BODY_CLAIM]: "cd-gov" }, { expiresInSeconds: -60 }),
      ];
      for (const forge of forgeries) {
        provider.idTokenOverride = forge;
        const browser = new ConsoleBrowser(app);

        // Act
        const back = await signIn(browser, submitter("sc-jyt"));

        // Assess
        expect(back.status).toBe(400);
        expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
      }
    });

    test("an ID token left out of the provider's answer signs no submitter in", async () => {
      // Prepare
      provider.idTokenOverride = async () => undefined;
      const browser = new ConsoleBrowser(app);

      // Act
      const back = await signIn(browser, submitter("sc-jyt"));

      // Assess
      expect(back.status).toBe(400);
      expect(await back.text()).toContain("未绑定发文机关");
    });

    test("an account moved to another body in the user pool is signed out at the next renewal, and bound to the new body at the next sign-in", async () => {
      // Prepare
      const browser = new ConsoleBrowser(app);
      await signIn(browser, submitter("sc-jyt"));
      provider.attributesOf.set("zhang.jyt", { [BODY_CLAIM]: "cd-gov" });

      // Act
      const before = await browser.get("/console/body/");
      clock.advance(15 * MINUTE);
      await browser.get("/console/body/");
      clock.advance(15 * MINUTE);
      const atRenewal = await browser.get("/console/body/");
      const again = new ConsoleBrowser(app);
      await signIn(again, submitter("cd-gov"));
      const moved = await (await again.get("/console/body/")).text();

      // Assess
      expect(before.status).toBe(200);
      expect(atRenewal.status).toBe(303);
      expect(atRenewal.headers.get("location")).toMatch(new RegExp(`^${provider.signInBaseUrl}/logout`));
      expect(moved).toContain(CHENGDU);
    });

    test("a renewal naming the same body keeps the submitter at work", async () => {
      // Prepare
      const browser = new ConsoleBrowser(app);
      await signIn(browser, submitter("sc-jyt"));

      // Act
      clock.advance(20 * MINUTE);
      await browser.get("/console/body/");
      clock.advance(20 * MINUTE);
      const renewed = await browser.get("/console/body/");

      // Assess
      expect(provider.grants.filter((g) => g.grant === "refresh_token")).toEqual([
        { grant: "refresh_token", outcome: "ok" },
      ]);
      expect(renewed.status).toBe(200);
      expect(await renewed.text()).toContain(EDUCATION);
    });
  });

  describe("an administrator creates a submitter in the user pool (/console/accounts)", () => {
    async function asAdministrator() {
      const browser = new ConsoleBrowser(app);
      await signIn(browser, { username: "admin1", groups: ["administrator"] });
      const page = await (await browser.get("/console/accounts")).text();
      return { browser, page, csrf: csrfOf(page) };
    }
    const form = (csrf: string, overrides: Record<string, string> = {}) => ({
      _csrf: csrf,
      username: "zhang.jyt",
      displayName: "张三",
      role: "submitter",
      body: "sc-jyt",
      password: "Initial-Pass-2025",
      ...overrides,
    });

    test("the page offers the submitter role and the bodies, and says where the account goes", async () => {
      // Act
      const { page } = await asAdministrator();

      // Assess
      expect(page).toContain('<option value="submitter"');
      expect(page).toContain(`${EDUCATION}（510000）`);
      expect(page).toContain("custom:gazette_body");
      expect(page).not.toContain('<option value="editor"');
    });

    test("the account is a user pool user in the submitter group with its body, signed requests only, and is listed", async () => {
      // Prepare
      const { browser, csrf } = await asAdministrator();

      // Act
      const created = await browser.post("/console/accounts", form(csrf));
      const listed = await (await browser.get("/console/accounts")).text();

      // Assess
      expect(created.status).toBe(200);
      expect(await created.text()).toContain("已在用户池中创建报送员账户 zhang.jyt");
      const user = cognito.users.get("zhang.jyt");
      expect(user?.attributes).toEqual({ name: "张三", [BODY_CLAIM]: "sc-jyt" });
      expect([...(user?.groups ?? [])]).toEqual(["submitter"]);
      expect(user?.temporaryPassword).toBe("Initial-Pass-2025");
      expect(cognito.calls.map((c) => c.operation)).toEqual([
        "ListUsersInGroup",
        "AdminCreateUser",
        "AdminAddUserToGroup",
        "ListUsersInGroup",
        "ListUsersInGroup",
      ]);
      expect(cognito.calls.every((c) => c.signed && c.body.UserPoolId === POOL)).toBe(true);
      expect(cognito.calls.find((c) => c.operation === "AdminCreateUser")?.body.MessageAction).toBe(
        "SUPPRESS",
      );
      expect(listed).toContain("张三（zhang.jyt）");
      expect(listed).toMatch(/报送员（四川省教育厅）\s*· 待首次登录/);
      // Not an embedded account: in OIDC mode the store keeps the portal's site accounts only.
      expect(await app.container.console!.accounts.list()).toEqual([]);
      const audit = await app.container.console!.audit.page({ limit: 5 });
      expect(audit.items.find((e) => e.action === "account.create")).toMatchObject({
        actor: "admin1",
        target: "zhang.jyt",
        outcome: "ok",
        details: { role: "submitter", body: "sc-jyt" },
      });
    });

    test("the account created signs in bound to its body", async () => {
      // Prepare
      const { browser, csrf } = await asAdministrator();
      await browser.post("/console/accounts", form(csrf));
      const user = cognito.users.get("zhang.jyt")!;

      // Act: the user pool's groups and attributes are what the tokens carry.
      const submitterBrowser = new ConsoleBrowser(app);
      await signIn(submitterBrowser, {
        username: user.username,
        groups: [...user.groups],
        attributes: user.attributes,
      });
      const home = await submitterBrowser.get("/console/body/");

      // Assess
      expect(home.status).toBe(200);
      expect(await home.text()).toContain(EDUCATION);
    });

    test("no body, or a body that does not exist, is refused beside the field before the user pool is asked", async () => {
      // Prepare
      const { browser, csrf } = await asAdministrator();
      const before = cognito.calls.length;

      // Act
      const none = await browser.post("/console/accounts", form(csrf, { body: "" }));
      const unknown = await browser.post("/console/accounts", form(csrf, { body: "no-such-body" }));

      // Assess
      expect(none.status).toBe(400);
      expect(await none.text()).toContain("报送员账户须选择所属发文机关");
      expect(unknown.status).toBe(400);
      expect(await unknown.text()).toContain("没有这个发文机关");
      expect(cognito.calls.slice(before).map((c) => c.operation)).not.toContain("AdminCreateUser");
      expect(cognito.users.size).toBe(0);
    });

    test("a user name taken, or a password the pool's policy refuses, is shown beside its field (400)", async () => {
      // Prepare
      const { browser, csrf } = await asAdministrator();
      await browser.post("/console/accounts", form(csrf));

      // Act
      const taken = await browser.post("/console/accounts", form(csrf, { body: "cd-gov" }));
      const weak = await browser.post(
        "/console/accounts",
        form(csrf, { username: "li.cd", body: "cd-gov", password: "alllowercaseletters" }),
      );

      // Assess
      expect(taken.status).toBe(400);
      expect(await taken.text()).toMatch(/id="a-username-error">用户名 zhang\.jyt 已存在/);
      expect(weak.status).toBe(400);
      expect(await weak.text()).toMatch(/id="a-password-error">密码不符合用户池的密码规则/);
      expect(cognito.users.get("zhang.jyt")?.attributes[BODY_CLAIM]).toBe("sc-jyt");
      expect(cognito.users.has("li.cd")).toBe(false);
    });

    test("if the group cannot be joined the user is deleted again, and the page says the account was not made (503)", async () => {
      // Prepare
      const { browser, csrf } = await asAdministrator();
      cognito.failing.add("AdminAddUserToGroup");

      // Act
      const res = await browser.post("/console/accounts", form(csrf));

      // Assess
      expect(res.status).toBe(503);
      expect(await res.text()).toContain("账户未创建");
      expect(cognito.users.size).toBe(0);
      expect(cognito.calls.map((c) => c.operation)).toContain("AdminDeleteUser");
    });

    test("while the user pool cannot be reached the page still opens, and says the submitters could not be listed", async () => {
      // Prepare
      cognito.failing.add("ListUsersInGroup");

      // Act
      const { page } = await asAdministrator();

      // Assess
      expect(page).toContain("报送员账户未能列出");
      expect(page).toContain('<option value="submitter"');
    });

    test("editors, reviewers and administrators are still made in the user pool itself, not here", async () => {
      // Prepare
      const { browser, csrf } = await asAdministrator();

      // Act
      const res = await browser.post("/console/accounts", form(csrf, { role: "editor", body: "" }));

      // Assess
      expect(res.status).toBe(400);
      expect(cognito.users.size).toBe(0);
    });
  });
});

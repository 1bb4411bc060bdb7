import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ManualClock } from "../../src/platform/manual-clock.js";
import {
  ConsoleBrowser,
  noticeForm,
  processEvents,
  runRepostQueues,
  startSiteServer,
} from "../support/console-browser.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * Reposts in the console and the site portal: an administrator registers, verifies, disables and
 * re-keys sites (secrets shown once); editors read the compliance report (overdue first, CSV); a
 * site signs in at /portal/ with its token, sees its notices with working-day deadlines,
 * acknowledges with its repost URL and sees the verification result and why it failed. The site
 * is a real HTTP server on 127.0.0.1 (challenge, deliveries, reposted pages).
 */

// Tuesday 2025-06-03, 10:00 in China.
const NOW = Date.UTC(2025, 5, 3, 2, 0, 0);
const PASSWORD = "correct horse battery";
const TITLE = "四川省人民政府关于做好防汛减灾工作的通知";
const NUMBER = "川府发〔2025〕71号";

describe("console: sites, compliance and the site portal", () => {
  let app: TestApp;
  let clock: ManualClock;
  let site: Awaited<ReturnType<typeof startSiteServer>>;
  let admin: ConsoleBrowser;
  let csrf: string;

  beforeEach(async () => {
    clock = new ManualClock(NOW);
    app = createTestApp({ clock });
    site = await startSiteServer();
    const accounts = app.container.console!.accounts;
    await accounts.create(
      { username: "wang", displayName: "王管理", role: "administrator", password: PASSWORD },
      "t",
    );
    await accounts.create(
      { username: "zhang", displayName: "张编辑", role: "editor", password: PASSWORD },
      "t",
    );
    admin = new ConsoleBrowser(app);
    await admin.signIn("wang", PASSWORD);
    csrf = await admin.csrfOf("/console/sites");
  });
  afterEach(async () => {
    await site.close();
    app.close();
  });

  const registration = (name: string, region: string, path: string) => ({
    _csrf: csrf,
    name,
    level: "city",
    region,
    sectors: "",
    "delivery.type": "webhook",
    "delivery.url": `${site.origin}${path}`,
    "delivery.queueUrl": "",
    "delivery.roleArn": "",
  });

  async function register(
    name: string,
    region: string,
    path: string,
  ): Promise<{ id: string; token: string }> {
    const res = await admin.post("/console/sites", registration(name, region, path));
    expect(res.status).toBe(200);
    const html = await res.text();
    const token = /<code class="secret">(gst_[^<]+)<\/code>/.exec(html)![1]!;
    const id = /^gst_([A-Za-z0-9]+)_/.exec(token)![1]!;
    return { id, token };
  }

  /** A notice published by the editor through the console, fanned out and delivered. */
  async function publishNotice(): Promise<string> {
    const editor = new ConsoleBrowser(app);
    await editor.signIn("zhang", PASSWORD);
    const c = await editor.csrfOf("/console/documents/new");
    const submitted = await editor.post("/console/documents", { ...noticeForm(TITLE, NUMBER), _csrf: c });
    const documentId = submitted.headers.get("location")!.split("/").pop()!;
    const created = await editor.post("/console/editions", { _csrf: c, year: "2025", date: "2025-06-03" });
    const path = created.headers.get("location")!;
    await editor.post(`${path}/documents`, { _csrf: c, action: "add", document: documentId });
    expect((await editor.post(`${path}/publish`, { _csrf: c })).status).toBe(200);
    await processEvents(app);
    await runRepostQueues(app);
    return documentId;
  }

  async function portalSignIn(token: string): Promise<{ browser: ConsoleBrowser; res: Response }> {
    const browser = new ConsoleBrowser(app);
    const html = await (await browser.get("/portal/sign-in")).text();
    const c = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const res = await browser.post("/portal/sign-in", { _csrf: c, token });
    return { browser, res };
  }

  test("a site is registered with its fields checked beside them, its token and secret shown once; verify, rotate, disable and re-enable", async () => {
    // Act: a refused registration, then a good one
    const refused = await admin.post("/console/sites", {
      ...registration("成都市人民政府网站", "51", "/hook"),
      "delivery.url": "ftp://example.org/",
    });
    const refusedHtml = await refused.text();
    const { id, token } = await register("成都市人民政府网站", "510100", "/hook");
    const list = await (await admin.get("/console/sites")).text();
    const verified = await (await admin.post(`/console/sites/${id}/verify`, { _csrf: csrf })).text();
    const rotated = await (await admin.post(`/console/sites/${id}/rotate`, { _csrf: csrf })).text();
    const disabled = await admin.post(`/console/sites/${id}/disable`, { _csrf: csrf, reason: "网站改版" });
    const refusedPortal = await portalSignIn(token);
    const enabled = await admin.post(`/console/sites/${id}/enable`, { _csrf: csrf });
    const acceptedPortal = await portalSignIn(token);

    // Assess
    expect(refused.status).toBe(400);
    expect(refusedHtml).toMatch(/id="s-region-error">must be a six-digit GB\/T 2260 code/);
    expect(refusedHtml).toMatch(/id="s-delivery-url-error">[^<]*http/);
    expect(refusedHtml).toContain('value="成都市人民政府网站"');
    expect(token).toMatch(/^gst_/);
    expect(list).toContain("成都市人民政府网站");
    expect(list).not.toContain(token); // shown once, never again
    expect(verified).toContain("已通过验证");
    expect(rotated).toMatch(/新的 Webhook 签名密钥<\/dt><dd><code class="secret">[^<\s]{20,}</);
    expect(rotated).toContain("有效签名密钥 2 个");
    expect(disabled.status).toBe(200);
    expect(await disabled.text()).toContain("停用原因：网站改版");
    expect(refusedPortal.res.status).toBe(403);
    expect(await refusedPortal.res.text()).toContain("本网站已停用（网站改版）");
    expect(enabled.status).toBe(200);
    expect(acceptedPortal.res.status).toBe(303);
    const log = await app.container.console!.audit.page({ limit: 20 });
    expect(log.items.filter((e) => e.actor === "wang" && e.outcome === "ok").map((e) => e.action)).toEqual([
      "site.enable",
      "site.disable",
      "site.rotate",
      "site.verify",
      "site.register",
      "sign-in",
    ]);
  });

  test("an administrator edits a site's fields: errors beside the field, a new webhook address verified first, each change audited", async () => {
    // Prepare
    const { id } = await register("成都市人民政府网站", "510100", "/hook");
    const edit = async (changes: Record<string, string>) => {
      const page = await (await admin.get(`/console/sites/${id}`)).text();
      const value = (name: string) =>
        new RegExp(`name="${name.replace(".", "\\.")}" value="([^"]*)"`).exec(page)?.[1] ?? "";
      return admin.post(`/console/sites/${id}`, {
        _csrf: csrf,
        name: value("name"),
        level: "city",
        region: value("region"),
        sectors: "",
        "delivery.type": "webhook",
        "delivery.url": value("delivery.url"),
        "delivery.queueUrl": "",
        "delivery.roleArn": "",
        ...changes,
      });
    };
    const registered = await app.container.reposts.registry.get(id);
    clock.advance(60_000);

    // Act
    const renamed = await edit({ name: "成都市政府门户网站", sectors: "教育\n卫生" });
    const afterRename = await app.container.reposts.registry.get(id);
    const badRegion = await edit({ region: "51" });
    const deadHook = await edit({ "delivery.url": "http://127.0.0.1:1/hook" });
    const newHook = await edit({ "delivery.url": `${site.origin}/hook2` });

    // Assess
    expect(renamed.status).toBe(200);
    expect(afterRename.verifiedAt).toBe(registered.verifiedAt); // the unchanged address was not challenged again
    expect(badRegion.status).toBe(400);
    const badHtml = await badRegion.text();
    expect(badHtml).toMatch(/id="s-region-error"/);
    expect(badHtml).toContain('value="51"');
    expect(deadHook.status).toBe(422);
    expect(newHook.status).toBe(200);
    const final = await app.container.reposts.registry.get(id);
    expect(afterRename.name).toBe("成都市政府门户网站");
    expect(afterRename.sectors).toEqual(["教育", "卫生"]);
    expect(final.region).toBe("510100");
    expect(final.delivery).toEqual({ type: "webhook", url: `${site.origin}/hook2` });
    expect(final.verifiedAt).not.toBe(registered.verifiedAt);
    const audit = (await app.container.console!.audit.page({ limit: 20 })).items.filter(
      (e) => e.action === "site.update",
    );
    expect(audit.map((e) => e.outcome).sort()).toEqual(["ok", "ok", "refused", "refused"]);
    expect(audit.find((e) => e.outcome === "ok" && "name" in (e.details ?? {}))?.details).toMatchObject({
      name: { from: "成都市人民政府网站", to: "成都市政府门户网站" },
    });
  });

  test("a site's staff sign in to the portal with an account of that site; a wrong password, a console account or a disabled site is refused", async () => {
    // Prepare: an administrator gives the site's staff an account
    const { id } = await register("成都市人民政府网站", "510100", "/hook");
    const accountsCsrf = await admin.csrfOf("/console/accounts");
    const account = (fields: Record<string, string>) =>
      admin.post("/console/accounts", {
        _csrf: accountsCsrf,
        displayName: "刘网管",
        password: "site staff password",
        ...fields,
      });
    const noSite = await account({ username: "liu", role: "site", site: "" });
    const created = await account({ username: "liu", role: "site", site: id });
    const portalAccount = async (username: string, password: string) => {
      const browser = new ConsoleBrowser(app);
      const html = await (await browser.get("/portal/sign-in")).text();
      const c = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
      return { browser, res: await browser.post("/portal/sign-in", { _csrf: c, username, password }) };
    };

    // Act
    const signedIn = await portalAccount("liu", "site staff password");
    const notices = await signedIn.browser.get("/portal/");
    const wrong = await portalAccount("liu", "not the password");
    const editor = await portalAccount("zhang", PASSWORD);
    await admin.post(`/console/sites/${id}/disable`, { _csrf: csrf, reason: "网站改版" });
    const disabled = await portalAccount("liu", "site staff password");

    // Assess
    expect(noSite.status).toBe(400);
    expect(await noSite.text()).toMatch(/id="a-site-error"|须选择所属网站/);
    expect(created.status).toBe(200);
    expect(await created.text()).toContain("下级网站（成都市人民政府网站）");
    expect(signedIn.res.status).toBe(303);
    expect(notices.status).toBe(200);
    expect(await notices.text()).toContain("成都市人民政府网站");
    expect(wrong.res.status).toBe(400);
    expect(await wrong.res.text()).toContain("用户名或密码不正确");
    expect(editor.res.status).toBe(400);
    expect(disabled.res.status).toBe(403);
    const log = (await app.container.console!.audit.page({ limit: 30 })).items.filter(
      (e) => e.action === "portal.sign-in",
    );
    expect(log.map((e) => `${e.actor} ${e.outcome}`)).toEqual(
      expect.arrayContaining([`site:${id}:liu ok`, "liu refused", "zhang refused"]),
    );
  });

  test("a site signs in with its token, sees its notice with the deadline in working days, acknowledges, and sees why verification failed, then that it passed", async () => {
    // Prepare
    const { token } = await register("成都市人民政府网站", "510100", "/hook");
    const documentId = await publishNotice();
    const { browser, res } = await portalSignIn(token);
    const wrongToken = await portalSignIn(`${token.slice(0, -4)}AAAA`);

    // Act: the list and the notice
    const list = await (await browser.get("/portal/")).text();
    const noticeId = `${documentId}.${/^gst_([A-Za-z0-9]+)_/.exec(token)![1]}`;
    const noticeHtml = await (await browser.get(`/portal/notices/${noticeId}`)).text();
    const c = /name="_csrf" value="([^"]+)"/.exec(noticeHtml)![1]!;
    const badUrl = await browser.post(`/portal/notices/${noticeId}/ack`, { _csrf: c, url: "转载页面" });
    // the page reposts the text but leaves out the 发文字号
    site.pages.set(
      "/zwgk/1.html",
      `<html><body><h1>${TITLE}</h1><p>各市（州）人民政府：</p><p>现将有关事项通知如下。</p><p>一、压实责任</p><p>各地要落实防汛责任。</p></body></html>`,
    );
    await browser.post(`/portal/notices/${noticeId}/ack`, { _csrf: c, url: `${site.origin}/zwgk/1.html` });
    await runRepostQueues(app);
    const failed = await (await browser.get(`/portal/notices/${noticeId}`)).text();
    site.pages.set(
      "/zwgk/2.html",
      `<html><body><h1>${TITLE}</h1><p>${NUMBER}</p><p>各市（州）人民政府：</p><p>现将有关事项通知如下。</p><p>一、压实责任</p><p>各地要落实防汛责任。</p></body></html>`,
    );
    await browser.post(`/portal/notices/${noticeId}/ack`, { _csrf: c, url: `${site.origin}/zwgk/2.html` });
    await runRepostQueues(app);
    const passed = await (await browser.get(`/portal/notices/${noticeId}`)).text();
    const otherSite = await browser.get(`/portal/notices/${documentId}.01JZZZZZZZZZZZZZZZZZZZZZZZ`);

    // Assess
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/portal/");
    expect(wrongToken.res.status).toBe(400);
    expect(list).toContain(`《${TITLE}》`);
    // published Tuesday 2025-06-03 with 3 working days: due Friday 2025-06-06; today counts
    expect(list).toContain('截止 <time datetime="2025-06-06">2025年6月6日</time>，还剩 4 个工作日');
    expect(noticeHtml).toContain(`href="/documents/${documentId}.html"`);
    expect(badUrl.status).toBe(400);
    expect(await badUrl.text()).toMatch(/id="ack-url-error">请填写转载页面的完整地址/);
    expect(failed).toContain("未通过");
    expect(failed).toContain("转载页面上找不到发文字号");
    expect(passed).toContain("已通过");
    expect(passed).not.toContain('id="ack-url"');
    expect(otherSite.status).toBe(404);
  });

  test("a portal form posted without the site session's CSRF token is refused (403), logged, and acknowledges nothing", async () => {
    // Prepare
    const { id, token } = await register("成都市人民政府网站", "510100", "/hook");
    const documentId = await publishNotice();
    const { browser } = await portalSignIn(token);
    const other = await portalSignIn(token);
    const noticeId = `${documentId}.${id}`;
    const othersCsrf = /name="_csrf" value="([^"]+)"/.exec(
      await (await other.browser.get(`/portal/notices/${noticeId}`)).text(),
    )![1]!;
    const url = `${site.origin}/zwgk/1.html`;

    // Act
    const missing = await browser.post(`/portal/notices/${noticeId}/ack`, { url });
    const foreign = await browser.post(`/portal/notices/${noticeId}/ack`, { _csrf: othersCsrf, url });
    const after = await (await browser.get(`/portal/notices/${noticeId}`)).text();

    // Assess
    expect(missing.status).toBe(403);
    expect(foreign.status).toBe(403);
    expect(await missing.text()).toContain("表单已失效");
    expect(after).not.toContain(url);
    const refused = (await app.container.console!.audit.page({ limit: 50 })).items.filter(
      (e) => e.outcome === "refused" && e.details.reason === "csrf",
    );
    expect(refused.map((e) => [e.actor, e.action, e.target])).toEqual([
      [`site:${id}`, "POST /portal/notices/:id/ack", `/portal/notices/${noticeId}/ack`],
      [`site:${id}`, "POST /portal/notices/:id/ack", `/portal/notices/${noticeId}/ack`],
    ]);
  });

  test("the compliance report lists the overdue site first, per region, level, site and document, and exports CSV", async () => {
    // Prepare: two sites; one reposts in time, the other never does
    const good = await register("成都市人民政府网站", "510100", "/good");
    await register("绵阳市人民政府网站", "510700", "/late");
    const documentId = await publishNotice();
    const { browser } = await portalSignIn(good.token);
    const noticeId = `${documentId}.${good.id}`;
    const c = /name="_csrf" value="([^"]+)"/.exec(
      await (await browser.get(`/portal/notices/${noticeId}`)).text(),
    )![1]!;
    site.pages.set(
      "/zwgk/ok.html",
      `<html><body><h1>${TITLE}</h1><p>${NUMBER}</p><p>各市（州）人民政府：</p><p>现将有关事项通知如下。</p><p>一、压实责任</p><p>各地要落实防汛责任。</p></body></html>`,
    );
    await browser.post(`/portal/notices/${noticeId}/ack`, { _csrf: c, url: `${site.origin}/zwgk/ok.html` });
    await runRepostQueues(app);
    clock.advanceSeconds(7 * 86_400);
    // The tick escalates the silent site once its deadline day is over.
    await app.container.reposts.tick.run();
    const editor = new ConsoleBrowser(app);
    await editor.signIn("zhang", PASSWORD);

    // Act
    const report = await (await editor.get("/console/compliance")).text();
    const filtered = await (await editor.get("/console/compliance?region=510700")).text();
    const invalid = await editor.get("/console/compliance?from=2025-02-30");
    const csv = await editor.get("/console/compliance.csv?region=510100");
    const overdueCsv = await editor.get("/console/compliance-overdue.csv");
    const overdueInChengdu = await (await editor.get("/console/compliance-overdue.csv?region=510100")).text();

    // Assess
    const overdue = report.slice(report.indexOf("逾期未转载"), report.indexOf("按地区"));
    expect(overdue).toContain("<strong>绵阳市人民政府网站</strong>（510700）");
    expect(overdue).not.toContain("成都市人民政府网站");
    const bySite = report.slice(report.indexOf("按网站"));
    expect(bySite.indexOf("绵阳市人民政府网站")).toBeLessThan(bySite.indexOf("成都市人民政府网站"));
    expect(report).toContain("按层级");
    expect(report).toContain(`/console/documents/${documentId}`);
    expect(filtered).not.toContain("成都市人民政府网站");
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toMatch(/id="c-from-error">from must be a real calendar date/);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const rows = (await csv.text()).trim().split("\n");
    expect(rows[0]).toMatch(/^"site_id","site","region","level"/);
    expect(rows.some((r) => r.includes("成都市人民政府网站"))).toBe(true);
    expect(rows.some((r) => r.includes("绵阳市人民政府网站"))).toBe(false);
    expect(report).toContain('href="/console/compliance-overdue.csv"');
    expect(overdueCsv.headers.get("content-disposition")).toBe(
      'attachment; filename="compliance-overdue.csv"',
    );
    const overdueRows = (await overdueCsv.text()).trim().split("\r\n");
    expect(overdueRows).toHaveLength(2);
    expect(overdueRows[1]).toContain('"绵阳市人民政府网站","510700"');
    expect(overdueRows[1]).toContain(`"${documentId}"`);
    expect(overdueInChengdu.trim().split("\r\n")).toHaveLength(1);
  });
});

import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { ConsoleBrowser as Browser, noticeForm } from "../support/console-browser.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * The editor console over HTTP, as a browser without JavaScript uses it: GET a page, read its
 * form, POST the form back with the cookies the app set. Every check is on what the app answers
 * (status, page, redirect) and, for publication, on the public site afterwards.
 */

const NOW = Date.UTC(2025, 5, 3, 2, 0, 0);
const PASSWORD = "correct horse battery";

describe("editor console", () => {
  let app: TestApp;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock(NOW);
    app = createTestApp({ clock });
    const accounts = app.container.console!.accounts;
    await accounts.create(
      { username: "zhang", displayName: "张编辑", role: "editor", password: PASSWORD },
      "test",
    );
    await accounts.create(
      { username: "li", displayName: "李审核", role: "reviewer", password: PASSWORD },
      "test",
    );
  });
  afterEach(() => app.close());

  test("the first start creates one administrator with a random password, once", async () => {
    // Prepare: a store with no accounts at all
    const fresh = createTestApp({ clock });
    try {
      const accounts = fresh.container.console!.accounts;

      // Act
      const first = await accounts.ensureFirstAdministrator();
      const second = await accounts.ensureFirstAdministrator();

      // Assess
      expect(first?.username).toBe("admin");
      expect(first?.password.length).toBeGreaterThanOrEqual(16);
      expect(second).toBeUndefined();
      expect((await accounts.verify("admin", first!.password))?.role).toBe("administrator");
      expect(await accounts.verify("admin", `${first!.password}x`)).toBeUndefined();
    } finally {
      fresh.close();
    }
  });

  test("an anonymous visitor is sent to sign in, and back to the page after signing in", async () => {
    // Prepare
    const browser = new Browser(app);

    // Act
    const res = await browser.get("/console/documents");

    // Assess
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/console/sign-in?next=%2Fconsole%2Fdocuments");
    const html = await (await browser.get("/console/sign-in?next=%2Fconsole%2Fdocuments")).text();
    expect(html).toContain('value="/console/documents"');
  });

  test("sign-in with the right password opens a session in an HttpOnly SameSite=Strict cookie; a wrong one is refused", async () => {
    // Prepare
    const browser = new Browser(app);

    // Act
    const wrong = await browser.signIn("zhang", "not the password");
    const right = await browser.signIn("zhang", PASSWORD);

    // Assess
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("用户名或密码不正确");
    expect(right.status).toBe(303);
    expect(right.headers.get("location")).toBe("/console/");
    const session = browser.setCookieHeaders.find((h) => h.startsWith("gazette_console="));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Strict/i);
    const home = await browser.get("/console/");
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("张编辑");
  });

  test("sign-in without the sign-in form's CSRF token is refused", async () => {
    // Prepare
    const browser = new Browser(app);
    await browser.get("/console/sign-in");

    // Act
    const res = await browser.post("/console/sign-in", {
      _csrf: "forged",
      username: "zhang",
      password: PASSWORD,
    });

    // Assess
    expect(res.status).toBe(400);
    expect(browser.cookies.has("gazette_console")).toBe(false);
  });

  test("a form posted without the session's CSRF token changes nothing and is logged as refused", async () => {
    // Prepare
    const browser = new Browser(app);
    await browser.signIn("zhang", PASSWORD);

    // Act
    const missing = await browser.post("/console/editions", { year: "2025" });
    const forged = await browser.post("/console/editions", { year: "2025", _csrf: "x".repeat(32) });

    // Assess
    expect(missing.status).toBe(403);
    expect(forged.status).toBe(403);
    expect((await app.container.editions.list({ limit: 10 })).items).toEqual([]);
    const log = await app.container.console!.audit.page({ limit: 10 });
    expect(log.items.filter((e) => e.outcome === "refused" && e.details.reason === "csrf")).toHaveLength(2);
    expect(log.items[0]!.actor).toBe("zhang");
  });

  test("a reviewer may not submit documents or manage accounts (403), and the refusal is logged", async () => {
    // Prepare
    const browser = new Browser(app);
    await browser.signIn("li", PASSWORD);

    // Act
    const form = await browser.get("/console/documents/new");
    const accounts = await browser.get("/console/accounts");

    // Assess
    expect(form.status).toBe(403);
    expect(await form.text()).toContain("无权访问");
    expect(accounts.status).toBe(403);
    const log = await app.container.console!.audit.page({ limit: 10 });
    expect(
      log.items.some((e) => e.actor === "li" && e.outcome === "refused" && e.details.reason === "role"),
    ).toBe(true);
  });

  test("an editor may not manage accounts; an administrator may, and the new account can sign in", async () => {
    // Prepare
    const accounts = app.container.console!.accounts;
    await accounts.create(
      { username: "wang", displayName: "王管理", role: "administrator", password: PASSWORD },
      "t",
    );
    const editor = new Browser(app);
    await editor.signIn("zhang", PASSWORD);
    const admin = new Browser(app);
    await admin.signIn("wang", PASSWORD);

    // Act
    const refused = await editor.get("/console/accounts");
    const csrf = await admin.csrfOf("/console/accounts");
    const short = await admin.post("/console/accounts", {
      _csrf: csrf,
      username: "zhao",
      displayName: "赵编辑",
      role: "editor",
      password: "short",
    });
    const created = await admin.post("/console/accounts", {
      _csrf: csrf,
      username: "zhao",
      displayName: "赵编辑",
      role: "editor",
      password: PASSWORD,
    });

    // Assess
    expect(refused.status).toBe(403);
    expect(short.status).toBe(400);
    expect(await short.text()).toMatch(/id="a-password-error"[^>]*>密码至少 12 个字符/);
    expect(created.status).toBe(200);
    expect((await new Browser(app).signIn("zhao", PASSWORD)).status).toBe(303);
  });

  test("a session unused for longer than the idle timeout ends; sign-out ends it at once", async () => {
    // Prepare
    const idle = new Browser(app);
    await idle.signIn("zhang", PASSWORD);
    const leaving = new Browser(app);
    await leaving.signIn("zhang", PASSWORD);

    // Act
    const csrf = await leaving.csrfOf("/console/");
    const signOut = await leaving.post("/console/sign-out", { _csrf: csrf });
    const cookieAfterSignOut = leaving.cookies.get("gazette_console");
    clock.advanceSeconds(app.container.config.consoleIdleSeconds + 1);
    const afterIdle = await idle.get("/console/");

    // Assess
    expect(signOut.status).toBe(303);
    expect(cookieAfterSignOut).toBeUndefined();
    expect(afterIdle.status).toBe(303);
    expect(afterIdle.headers.get("location")).toContain("/console/sign-in");
  });

  test("a refused submission shows each problem next to its field with the rule; the fixed form is accepted", async () => {
    // Prepare: a policy document without its 解读, without approval, with a malformed date
    const browser = new Browser(app);
    await browser.signIn("zhang", PASSWORD);
    const csrf = await browser.csrfOf("/console/documents/new");
    const fields = noticeForm("四川省人民政府关于促进养老托育服务的实施意见", "川府发〔2025〕7号");
    const refusedForm = {
      ...fields,
      _csrf: csrf,
      kind: "意见",
      policy: "on",
      "approval.approver": "",
      "approval.date": "",
    };

    // Act
    const refused = await browser.post("/console/documents", refusedForm);
    const html = await refused.text();
    const invalid = await browser.post("/console/documents", { ...refusedForm, dateWritten: "2025-13-40" });
    const invalidHtml = await invalid.text();

    // Assess: 422 under the publication rules, each problem beside its field
    expect(refused.status).toBe(422);
    expect(html).toContain("退文");
    expect(html).toMatch(
      /id="f-interpretations-0-title-error">[^<]*interpretation[^<]*<span class="rule">规则：退文：政策文件须与解读材料同步报送（interpretation_required）/,
    );
    expect(html).toMatch(
      /id="f-approval-approver-error">[^<]*approval[^<]*<span class="rule">规则：退文：未经签发的文件不予受理（not_approved）/,
    );
    expect(html).toContain('value="四川省人民政府关于促进养老托育服务的实施意见"'); // what was typed is kept
    expect(invalid.status).toBe(400);
    expect(invalidHtml).toMatch(/id="f-dateWritten-error">[^<]*dateWritten/);
    expect((await app.container.intake.list({}, { limit: 10 })).items).toEqual([]);

    // Act: fixed
    const accepted = await browser.post("/console/documents", {
      ...fields,
      _csrf: csrf,
      kind: "意见",
      policy: "on",
      "interpretations.0.title": "《关于促进养老托育服务的实施意见》政策解读",
      "interpretations.0.form": "text",
      "interpretations.0.body": "　　一、起草背景\n　　为促进养老托育服务健康发展，制定本意见。",
    });

    // Assess
    expect(accepted.status).toBe(303);
    const location = accepted.headers.get("location")!;
    expect(location).toMatch(/^\/console\/documents\/[0-9A-Z]{26}$/);
    const detail = await (await browser.get(location)).text();
    expect(detail).toContain("川府发〔2025〕7号");
    expect(detail).toContain("《关于促进养老托育服务的实施意见》政策解读");
    const document = await app.container.intake.get(location.split("/").pop()!);
    expect(document.receivedBy).toBe("zhang");
    const log = await app.container.console!.audit.page({ limit: 10 });
    expect(log.items.map((e) => `${e.action} ${e.outcome}`)).toEqual([
      "document.submit ok",
      "document.submit refused",
      "document.submit refused",
      "sign-in ok",
    ]);
  });

  test("the intake queue filters by state and disclosure", async () => {
    // Prepare
    const browser = new Browser(app);
    await browser.signIn("zhang", PASSWORD);
    const csrf = await browser.csrfOf("/console/documents/new");
    await browser.post("/console/documents", {
      ...noticeForm("公开的通知", "川府发〔2025〕1号"),
      _csrf: csrf,
    });
    await browser.post("/console/documents", {
      ...noticeForm("依申请公开的通知", "川府发〔2025〕2号"),
      _csrf: csrf,
      "disclosure.attribute": "on_request",
      "disclosure.reason": "涉及个人信息",
      "repost.scope": "none",
    });

    // Act
    const all = await (await browser.get("/console/documents")).text();
    const onRequest = await (await browser.get("/console/documents?disclosure=on_request")).text();
    const placed = await (await browser.get("/console/documents?state=placed")).text();

    // Assess
    expect(all).toContain("公开的通知");
    expect(all).toContain("依申请公开的通知");
    expect(onRequest).toContain("依申请公开的通知");
    expect(onRequest).not.toContain(">公开的通知<");
    expect(placed).toContain("没有符合条件的来文");
  });

  test("an editor composes, reorders, previews and publishes an edition; the public site shows it", async () => {
    // Prepare: two accepted documents and a registered site that will get repost notices
    const browser = new Browser(app);
    await browser.signIn("zhang", PASSWORD);
    let csrf = await browser.csrfOf("/console/documents/new");
    const ids: string[] = [];
    for (const [title, number] of [
      ["四川省人民政府关于做好防汛减灾工作的通知", "川府发〔2025〕9号"],
      ["四川省人民政府关于加强安全生产工作的通知", "川府发〔2025〕10号"],
    ] as const) {
      const res = await browser.post("/console/documents", { ...noticeForm(title, number), _csrf: csrf });
      ids.push(res.headers.get("location")!.split("/").pop()!);
    }
    await app.container.reposts.registry.register({
      name: "成都市人民政府网站",
      level: "city",
      region: "510100",
      delivery: {
        type: "sqs",
        queueUrl: "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/chengdu-reposts",
      },
    });

    // Act: create the edition, add both, move the second up
    csrf = await browser.csrfOf("/console/editions");
    const created = await browser.post("/console/editions", {
      _csrf: csrf,
      year: "2025",
      date: "2025-06-03",
    });
    const editionPath = created.headers.get("location")!;
    const editionId = editionPath.split("/").pop()!;
    const added = await browser.post(`${editionPath}/documents`, {
      _csrf: csrf,
      action: "add",
      document: ids,
    });
    const moved = await browser.post(`${editionPath}/documents`, {
      _csrf: csrf,
      action: "up",
      document: ids[1]!,
    });
    const preview = await browser.get(`${editionPath}/preview`);
    const previewHtml = await preview.text();
    const confirm = await (await browser.get(`${editionPath}/publish`)).text();
    const published = await browser.post(`${editionPath}/publish`, { _csrf: csrf });

    // Assess: order, page map, confirmation, publication
    expect(created.status).toBe(303);
    expect(added.status).toBe(303);
    expect(moved.status).toBe(303);
    const edition = await app.container.editions.get(editionId);
    expect(edition.documents.map((d) => d.id)).toEqual([ids[1], ids[0]]);
    expect(preview.status).toBe(200);
    expect(previewHtml.indexOf("安全生产")).toBeLessThan(previewHtml.indexOf("防汛减灾"));
    expect(previewHtml).toMatch(/第 1(–\d+)? 页/);
    expect(confirm).toContain("四川省人民政府关于做好防汛减灾工作的通知（川府发〔2025〕9号）");
    expect(confirm).toContain("成都市人民政府网站");
    expect(published.status).toBe(200);
    expect(await published.text()).toContain("已发布");
    expect((await app.container.editions.get(editionId)).status).toBe("published");
    const home = await (await app.request("/", { editor: false })).text();
    expect(home).toContain("四川省人民政府关于加强安全生产工作的通知");
    const log = await app.container.console!.audit.page({ limit: 20 });
    const actions = log.items.filter((e) => e.target === editionId).map((e) => e.action);
    expect(actions).toEqual([
      "edition.publish",
      "edition.documents.up",
      "edition.documents.add",
      "edition.create",
    ]);
    expect(log.items.every((e) => e.actor === "zhang")).toBe(true);
  }, 120_000);

  test("the whole order posted at once (drag-and-drop) reorders within sections; an order that drops, repeats or adds a document is refused", async () => {
    // Prepare: an edition of three notices (one section) and the home page's count before placing
    const browser = new Browser(app);
    await browser.signIn("zhang", PASSWORD);
    const csrf = await browser.csrfOf("/console/documents/new");
    const ids: string[] = [];
    for (const n of [21, 22, 23]) {
      const res = await browser.post("/console/documents", {
        ...noticeForm(`关于第${n}项工作的通知`, `川府发〔2025〕${n}号`),
        _csrf: csrf,
      });
      ids.push(res.headers.get("location")!.split("/").pop()!);
    }
    const homeBefore = await (await browser.get("/console/")).text();
    const created = await browser.post("/console/editions", {
      _csrf: csrf,
      year: "2025",
      date: "2025-06-03",
    });
    const editionPath = created.headers.get("location")!;
    await browser.post(`${editionPath}/documents`, { _csrf: csrf, action: "add", document: ids });
    const homeAfter = await (await browser.get("/console/")).text();
    const order = (document: string[]) =>
      browser.post(`${editionPath}/documents`, { _csrf: csrf, action: "order", document });

    // Act
    const reordered = await order([ids[2]!, ids[0]!, ids[1]!]);
    const missing = await order([ids[0]!, ids[1]!]);
    const repeated = await order([ids[0]!, ids[0]!, ids[1]!]);
    const foreign = await order([ids[0]!, ids[1]!, "01JZZZZZZZZZZZZZZZZZZZZZZZ"]);

    // Assess
    expect(homeBefore).toContain("待编排的来文</a>：3 件");
    expect(homeAfter).toContain("待编排的来文</a>：0 件");
    expect(reordered.status).toBe(303);
    for (const refused of [missing, repeated, foreign]) {
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain("invalid_order");
    }
    const edition = await app.container.editions.get(editionPath.split("/").pop()!);
    expect(edition.documents.map((d) => d.id)).toEqual([ids[2], ids[0], ids[1]]);
  });

  test("an edition's table of contents is shown as it prints: sections in the gazette's order, whatever order they were added in", async () => {
    // Prepare: a 人事任免 document added before a 省政府文件 one (the gazette prints 省政府文件 first)
    const browser = new Browser(app);
    await browser.signIn("zhang", PASSWORD);
    const csrf = await browser.csrfOf("/console/documents/new");
    const submit = async (title: string, number: string, section: string) =>
      (
        await browser.post("/console/documents", { ...noticeForm(title, number), section, _csrf: csrf })
      ).headers
        .get("location")!
        .split("/")
        .pop()!;
    const appointment = await submit("关于张三同志任职的通知", "川府人〔2025〕1号", "人事任免");
    const notice = await submit("关于做好秋季防火工作的通知", "川府发〔2025〕31号", "省政府文件");
    const created = await browser.post("/console/editions", {
      _csrf: csrf,
      year: "2025",
      date: "2025-06-03",
    });
    const editionPath = created.headers.get("location")!;
    await browser.post(`${editionPath}/documents`, {
      _csrf: csrf,
      action: "add",
      document: [appointment, notice],
    });

    // Act
    const html = await (await browser.get(editionPath)).text();
    const preview = await (await browser.get(`${editionPath}/preview`)).text();
    const reordered = await browser.post(`${editionPath}/documents`, {
      _csrf: csrf,
      action: "order",
      document: [notice, appointment],
    });

    // Assess
    const listed = (page: string) => [
      page.indexOf("关于做好秋季防火工作的通知"),
      page.indexOf("关于张三同志任职的通知"),
    ];
    const [noticeAt, appointmentAt] = listed(html);
    expect(noticeAt).toBeGreaterThan(0);
    expect(noticeAt).toBeLessThan(appointmentAt!);
    const [noticeInPreview, appointmentInPreview] = listed(preview);
    expect(noticeInPreview).toBeLessThan(appointmentInPreview!);
    expect(reordered.status).toBe(303);
  });

  test("a document that is not public cannot be placed; the page says why", async () => {
    // Prepare
    const browser = new Browser(app);
    await browser.signIn("zhang", PASSWORD);
    const csrf = await browser.csrfOf("/console/documents/new");
    const res = await browser.post("/console/documents", {
      ...noticeForm("依申请公开的通知", "川府发〔2025〕3号"),
      _csrf: csrf,
      "disclosure.attribute": "on_request",
      "disclosure.reason": "涉及个人信息",
      "repost.scope": "none",
    });
    const docId = res.headers.get("location")!.split("/").pop()!;
    const created = await browser.post("/console/editions", { _csrf: csrf, year: "2025" });

    // Act
    const refused = await browser.post(`${created.headers.get("location")}/documents`, {
      _csrf: csrf,
      action: "add",
      document: docId,
    });

    // Assess
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("not_public");
  });
});

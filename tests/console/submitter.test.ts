import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { ConsoleBrowser as Browser } from "../support/console-browser.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * Issue 16 in the console: a department's submitter (role submitter, bound to one issuing body)
 * sends documents for its own body only, follows them (returned with the reason, sent again,
 * accepted, published with the citation), reads its inbox and keeps its register; editors see who
 * submitted and the overdue register items. Every check is on what the app answers.
 */
const NOW = Date.UTC(2025, 5, 30, 2, 0, 0);
const PASSWORD = "correct horse battery";
const EDUCATION = "四川省教育厅";
const CHENGDU = "成都市人民政府";

/** The submission form as a department's submitter fills it in. */
function educationForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    title: "四川省教育厅关于规范校外培训机构收费管理的通知",
    docNumber: "川教发〔2025〕7号",
    issuers: EDUCATION,
    dateWritten: "2025-06-20",
    kind: "通知",
    section: "部门文件",
    addressees: "各市（州）教育局：",
    body: "　　现将有关事项通知如下。\n　　一、明确收费项目\n　　培训机构应当公示收费项目。",
    signer: EDUCATION,
    "disclosure.attribute": "public",
    "review.reviewer": "保密审查小组",
    "review.date": "2025-06-19",
    "review.result": "passed",
    "approval.approver": "厅长",
    "approval.date": "2025-06-20",
    "repost.scope": "none",
    ...overrides,
  };
}

describe("department submitters in the console", () => {
  let app: TestApp;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock(NOW);
    app = createTestApp({ clock });
    const { bodies } = app.container.submitters;
    await bodies.create({ id: "sc-jyt", name: EDUCATION, regionCode: "510000" }, "test");
    await bodies.create({ id: "cd-gov", name: CHENGDU, regionCode: "510100" }, "test");
    const accounts = app.container.console!.accounts;
    await accounts.create(
      { username: "admin", displayName: "管理员", role: "administrator", password: PASSWORD },
      "test",
    );
    await accounts.create(
      { username: "zhang", displayName: "张编辑", role: "editor", password: PASSWORD },
      "test",
    );
    await accounts.create(
      { username: "wang", displayName: "王报送", role: "submitter", body: "sc-jyt", password: PASSWORD },
      "test",
    );
    await accounts.create(
      { username: "chen", displayName: "陈报送", role: "submitter", body: "cd-gov", password: PASSWORD },
      "test",
    );
  });
  afterEach(() => app.close());

  test("an administrator creates a submitter bound to an issuing body; without a body it is refused beside the field", async () => {
    // Prepare
    const admin = new Browser(app);
    await admin.signIn("admin", PASSWORD);
    const csrf = await admin.csrfOf("/console/accounts");

    // Act
    const unbound = await admin.post("/console/accounts", {
      _csrf: csrf,
      username: "liu",
      displayName: "刘报送",
      role: "submitter",
      body: "",
      password: PASSWORD,
    });
    const unknownBody = await admin.post("/console/accounts", {
      _csrf: csrf,
      username: "liu",
      displayName: "刘报送",
      role: "submitter",
      body: "no-such-body",
      password: PASSWORD,
    });
    const bound = await admin.post("/console/accounts", {
      _csrf: csrf,
      username: "liu",
      displayName: "刘报送",
      role: "submitter",
      body: "cd-gov",
      password: PASSWORD,
    });

    // Assess
    expect(unbound.status).toBe(400);
    expect(await unbound.text()).toMatch(/id="a-body-error">报送员账户须选择所属发文机关/);
    expect(unknownBody.status).toBe(400);
    expect(await unknownBody.text()).toContain("没有这个发文机关");
    expect(bound.status).toBe(200);
    expect(await bound.text()).toContain('刘报送（liu）<div class="meta">报送员（成都市人民政府）');
    const liu = new Browser(app);
    await liu.signIn("liu", PASSWORD);
    const home = await liu.get("/console/");
    expect(home.headers.get("location")).toBe("/console/body/");
    expect(await (await liu.get("/console/body/")).text()).toContain(`<h1>${CHENGDU}</h1>`);
  });

  test("a submitter sends for its own body only: another body's document is refused (403) and nothing is stored", async () => {
    // Prepare
    const wang = new Browser(app);
    await wang.signIn("wang", PASSWORD);
    const csrf = await wang.csrfOf("/console/body/submissions/new");

    // Act
    const foreign = await wang.post("/console/body/submissions", {
      ...educationForm({ issuers: CHENGDU, title: "成都市人民政府关于加强城市管理的通知" }),
      _csrf: csrf,
    });
    const own = await wang.post("/console/body/submissions", { ...educationForm(), _csrf: csrf });

    // Assess
    expect(foreign.status).toBe(403);
    const page = await foreign.text();
    expect(page).toContain("未受理：报送员只能报送本机关的文件");
    expect(page).toContain('id="f-issuers-error"');
    expect(own.status).toBe(303);
    const listed = await app.container.submitters.desk.listForBody("sc-jyt", { limit: 10 });
    expect(listed.items.map((s) => s.title)).toEqual(["四川省教育厅关于规范校外培训机构收费管理的通知"]);
    expect((await app.container.submitters.desk.listForBody("cd-gov", { limit: 10 })).items).toEqual([]);
    const log = await app.container.console!.audit.page({ limit: 5 });
    expect(
      log.items.filter((e) => e.action.startsWith("submission.")).map((e) => [e.action, e.outcome]),
    ).toEqual([
      ["submission.submit", "ok"],
      ["submission.submit", "refused"],
    ]);
  });

  test("a submitter cannot open another body's submission, its resubmission form, nor the editors' pages", async () => {
    // Prepare: 成都 sends one
    const chen = new Browser(app);
    await chen.signIn("chen", PASSWORD);
    const sent = await chen.post("/console/body/submissions", {
      ...educationForm({
        issuers: CHENGDU,
        signer: CHENGDU,
        title: "成都市人民政府关于加强城市管理的通知",
        docNumber: "成府发〔2025〕3号",
      }),
      _csrf: await chen.csrfOf("/console/body/submissions/new"),
    });
    const path = sent.headers.get("location")!;
    const wang = new Browser(app);
    await wang.signIn("wang", PASSWORD);

    // Act
    const view = await wang.get(path);
    const edit = await wang.get(`${path}/edit`);
    const resend = await wang.post(path, {
      ...educationForm(),
      _csrf: await wang.csrfOf("/console/body/submissions/new"),
    });
    const desk = await wang.get("/console/submissions");
    const documents = await wang.get("/console/documents");
    const list = await (await wang.get("/console/body/submissions")).text();

    // Assess
    expect(sent.status).toBe(303);
    for (const res of [view, edit, resend]) {
      expect(res.status).toBe(403);
      expect(await res.text()).not.toContain("成都市人民政府关于加强城市管理的通知");
    }
    expect(desk.status).toBe(403);
    expect(documents.status).toBe(403);
    expect(list).not.toContain("城市管理");
    const id = path.split("/").pop()!;
    expect((await app.container.submitters.desk.get(id))?.seq).toBe(1);
  });

  test("returned with the reason, sent again from the filled-in form, accepted, published: the submitter finds the citation; editors see who sent it", async () => {
    // Prepare: 王 sends a document
    const wang = new Browser(app);
    await wang.signIn("wang", PASSWORD);
    const sent = await wang.post("/console/body/submissions", {
      ...educationForm(),
      _csrf: await wang.csrfOf("/console/body/submissions/new"),
    });
    const path = sent.headers.get("location")!;
    const id = path.split("/").pop()!;
    const zhang = new Browser(app);
    await zhang.signIn("zhang", PASSWORD);

    // Act 1: the editor returns it without a reason (refused), then with one
    const deskPage = await (await zhang.get(`/console/submissions/${id}`)).text();
    const editorCsrf = await zhang.csrfOf(`/console/submissions/${id}`);
    const noReason = await zhang.post(`/console/submissions/${id}/return`, {
      _csrf: editorCsrf,
      reason: " ",
    });
    const returned = await zhang.post(`/console/submissions/${id}/return`, {
      _csrf: editorCsrf,
      reason: "缺少附件：收费标准表",
    });
    const returnedPage = await (await wang.get(path)).text();
    const form = await (await wang.get(`${path}/edit`)).text();

    // Act 2: sent again from the filled-in form, with the attachment added to the body
    const resent = await wang.post(path, {
      ...educationForm({
        body: "　　现将有关事项通知如下。\n　　一、明确收费项目\n　　培训机构应当公示收费项目。\n　　附件：收费标准表",
      }),
      _csrf: await wang.csrfOf(`${path}/edit`),
    });
    const accepted = await zhang.post(`/console/submissions/${id}/accept`, {
      _csrf: await zhang.csrfOf(`/console/submissions/${id}`),
    });
    const { documentId } = (await app.container.submitters.desk.get(id))!;
    const edition = await app.container.editions.create({ year: 2025, date: "2025-06-30" }, "zhang");
    await app.container.editions.setDocuments(edition.id, { documents: [documentId!] }, "zhang");
    await app.container.editions.publish(edition.id, "zhang");
    const published = await (await wang.get(path)).text();
    const inbox = await (await wang.get("/console/body/inbox")).text();

    // Assess
    expect(deskPage).toContain('id="submitted-by">wang');
    expect(noReason.status).toBe(400);
    expect(returned.status).toBe(303);
    expect(returnedPage).toContain('<span id="return-reason">缺少附件：收费标准表</span>');
    expect(form).toContain('value="川教发〔2025〕7号"');
    expect(form).toContain(`action="${path}"`);
    expect(resent.status).toBe(303);
    expect(accepted.status).toBe(303);
    expect(published).toContain("已刊登");
    expect(published).toMatch(
      /<dd id="citation">《四川省人民政府公报》2025年第\d+期（总第\d+期）第\d+(—\d+)?页<\/dd>/,
    );
    expect(published).toContain(`/documents/${documentId}.html`);
    for (const label of ["已退文", "已受理", "已刊登"]) expect(inbox).toContain(label);
    const refreshed = await (await zhang.get(`/console/submissions/${id}`)).text();
    expect(refreshed).toContain("已刊登");
  }, 120_000);

  test("a .docx sent by a submitter becomes the accepted document's body", async () => {
    // Prepare
    const bytes = readFileSync("samples/documents/07-office-notice.docx");
    const meta = JSON.parse(readFileSync("samples/documents/07-office-notice.meta.json", "utf8")) as Record<
      string,
      unknown
    >;
    await app.container.submitters.bodies.create(
      { id: "sc-bgt", name: (meta.issuers as string[])[0]!, regionCode: "510000" },
      "test",
    );
    await app.container.console!.accounts.create(
      { username: "zhao", displayName: "赵报送", role: "submitter", body: "sc-bgt", password: PASSWORD },
      "test",
    );
    const zhao = new Browser(app);
    await zhao.signIn("zhao", PASSWORD);
    const csrf = await zhao.csrfOf("/console/body/submissions/new");
    const fields = educationForm({
      title: String(meta.title),
      docNumber: String(meta.docNumber ?? ""),
      issuers: (meta.issuers as string[]).join("\n"),
      dateWritten: String(meta.dateWritten),
      section: String(meta.section),
      signer: "",
      body: "",
    });
    const multipart = new FormData();
    for (const [k, v] of Object.entries({ ...fields, _csrf: csrf })) multipart.set(k, v);
    multipart.set(
      "file",
      new Blob([bytes], { type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" }),
      "notice.docx",
    );

    // Act
    const sent = await zhao.request("/console/body/submissions", { method: "POST", body: multipart });
    const id = sent.headers.get("location")!.split("/").pop()!;
    const view = await (await zhao.get(`/console/body/submissions/${id}`)).text();
    const accepted = await app.container.submitters.desk.accept(id, "zhang");
    const document = await app.container.intake.get(accepted.documentId!);

    // Assess
    expect(sent.status).toBe(303);
    expect(view).toContain("notice.docx");
    expect(document.source.format).toBe("docx");
    expect(document.blocks.length).toBeGreaterThan(0);
  }, 60_000);

  test("the register: an entry with a bad date is refused beside its field; a CSV import counts; the editors' home lists the overdue ones", async () => {
    // Prepare
    const wang = new Browser(app);
    await wang.signIn("wang", PASSWORD);
    const csrf = await wang.csrfOf("/console/body/register");
    const csv =
      "发文字号,标题,成文日期\n川教发〔2025〕1号,四川省教育厅关于加强中小学作业管理的通知,2025-03-01\n川教发〔2025〕2号,四川省教育厅关于做好暑期安全工作的通知,2025-06-20\n";
    const badCsv = "发文字号,标题,成文日期\n川教发〔2025〕5号,某通知,2025-13-01\n";
    const upload = (content: string) => {
      const f = new FormData();
      f.set("_csrf", csrf);
      f.set("file", new Blob([content], { type: "text/csv" }), "register.csv");
      return wang.request("/console/body/register/import", { method: "POST", body: f });
    };

    // Act
    const bad = await wang.post("/console/body/register", {
      _csrf: csrf,
      docNumber: "川教发〔2025〕9号",
      title: "四川省教育厅关于规范教材管理的通知",
      dateIssued: "2025-02-30",
      kind: "normative",
    });
    const refusedImport = await upload(badCsv);
    const imported = await upload(csv);
    const zhang = new Browser(app);
    await zhang.signIn("zhang", PASSWORD);
    const home = await (await zhang.get("/console/")).text();
    const completeness = await (await zhang.get("/console/completeness")).text();

    // Assess
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/id="r-dateIssued-error">row 1: dateIssued 2025-02-30 is not a date/);
    expect(refusedImport.status).toBe(400);
    expect(await refusedImport.text()).toContain("row 1 (line 2): dateIssued 2025-13-01 is not a date");
    expect(imported.status).toBe(200);
    const page = await imported.text();
    expect(page).toContain("已导入 2 条登记");
    expect(page).toMatch(/登记<strong>2<\/strong>/);
    expect(page).toMatch(/未报送<strong class="overdue">2<\/strong>/);
    expect(page).toMatch(/逾期（30 天以上）<strong class="overdue">1<\/strong>/);
    expect(home).toContain("应登尽登：逾期未报送 1 件");
    expect(home).toContain("《四川省教育厅关于加强中小学作业管理的通知》川教发〔2025〕1号");
    expect(home).toContain("已 121 天");
    expect(completeness).toMatch(/逾期<strong class="overdue">1<\/strong>/);
  });
});

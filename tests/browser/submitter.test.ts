import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type Browser,
  launchChromium,
  newPage,
  type Page,
  pageProblems,
  serveApp,
  signInThroughForm,
} from "../support/chromium.js";
import { processEvents } from "../support/console-browser.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * Issue 16, done when: a department submitter sends a document, sees it returned (退文) with the
 * reason, sends it again, and finds its citation once published — all in the browser (Debian's
 * Chromium, 390 px, axe-core on every page); and cannot open another body's submission or the
 * editors' pages.
 */
const PASSWORD = "correct horse battery";
const EDUCATION = "四川省教育厅";
const TITLE = "四川省教育厅关于规范校外培训机构收费管理的通知";

describe("a department submitter in Chromium (390 px, axe-core on every page)", () => {
  let app: TestApp;
  let server: { base: string; close(): void };
  let base: string;
  let browser: Browser;
  let submitter: Page;
  let editor: Page;

  async function checkPage(page: Page, label: string) {
    const found = await pageProblems(page);
    expect(found.scripts, `scripts on ${label}`).toEqual([]);
    expect(found.violations, `axe on ${label}`).toEqual([]);
    expect(found.width, `horizontal scroll on ${label}`).toBeLessThanOrEqual(found.maxWidth);
    expect(found.rawTimes, `raw ISO time on ${label}`).toEqual([]);
    expect(found.badDatetimes, `<time datetime> on ${label}`).toEqual([]);
  }

  beforeAll(async () => {
    app = createTestApp();
    const { bodies } = app.container.submitters;
    await bodies.create({ id: "sc-jyt", name: EDUCATION, regionCode: "510000" }, "test");
    await bodies.create({ id: "cd-gov", name: "成都市人民政府", regionCode: "510100" }, "test");
    const accounts = app.container.console!.accounts;
    await accounts.create(
      { username: "wang", displayName: "王报送", role: "submitter", body: "sc-jyt", password: PASSWORD },
      "test",
    );
    await accounts.create(
      { username: "zhang", displayName: "张编辑", role: "editor", password: PASSWORD },
      "test",
    );
    server = await serveApp(app);
    base = server.base;
    browser = await launchChromium();
    submitter = await newPage(browser);
    editor = await newPage(browser);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    app?.close();
  });

  test("sends a document, sees it returned with the reason, sends it again, and finds its citation once published", async () => {
    // Act 1: the submitter signs in (to the body's home) and sends a document through the form
    await signInThroughForm(
      submitter,
      base,
      { username: "wang", password: PASSWORD },
      { landing: "/console/body/" },
    );
    await checkPage(submitter, "body home");
    await submitter.click("a:has-text('报送文件') >> nth=0");
    await submitter.waitForURL(`${base}/console/body/submissions/new`);
    await checkPage(submitter, "submission form");
    expect(
      await submitter.evaluate(() => (document.querySelector("#f-issuers") as HTMLTextAreaElement).value),
    ).toBe(EDUCATION);
    await submitter.fill("#f-title", TITLE);
    await submitter.fill("#f-docNumber", "川教发〔2025〕7号");
    await submitter.fill("#f-dateWritten", "2025-06-20");
    await submitter.selectOption("#f-kind", "通知");
    await submitter.selectOption("#f-section", "部门文件");
    await submitter.fill("#f-body", "现将有关事项通知如下。\n一、明确收费项目\n培训机构应当公示收费项目。");
    await submitter.fill("#f-signer", EDUCATION);
    await submitter.fill("#f-review-reviewer", "保密审查小组");
    await submitter.fill("#f-review-date", "2025-06-19");
    await submitter.selectOption("#f-review-result", "passed");
    await submitter.fill("#f-approval-approver", "厅长");
    await submitter.fill("#f-approval-date", "2025-06-20");
    await submitter.click("button:has-text('报送')");
    await submitter.waitForURL(/\/console\/body\/submissions\/[0-9A-Z]{26}$/);
    const submissionUrl = submitter.url();
    const id = submissionUrl.split("/").pop()!;
    expect(await submitter.textContent("main")).toContain("已报送，待受理");
    await checkPage(submitter, "submission received");

    // Act 2: an editor sees who sent it and returns it with the reason
    await signInThroughForm(editor, base, { username: "zhang", password: PASSWORD });
    await editor.goto(`${base}/console/submissions`);
    await checkPage(editor, "submission desk");
    await editor.click(`a:has-text('${TITLE}')`);
    await editor.waitForURL(`${base}/console/submissions/${id}`);
    expect(await editor.textContent("#submitted-by")).toContain("wang");
    await checkPage(editor, "desk: one submission");
    await editor.fill("#d-reason", "缺少附件：收费标准表");
    await editor.click("button:has-text('退文')");
    await editor.waitForURL(`${base}/console/submissions/${id}`);

    // Act 3: the submitter sees the 退文 and its reason in the inbox and on the submission, and resends
    await submitter.goto(`${base}/console/body/inbox`);
    expect(await submitter.textContent("main")).toContain("退文理由：缺少附件：收费标准表");
    await checkPage(submitter, "inbox");
    await submitter.goto(submissionUrl);
    expect(await submitter.textContent("#return-reason")).toBe("缺少附件：收费标准表");
    await checkPage(submitter, "submission returned");
    await submitter.click("a:has-text('修改后重新报送')");
    await submitter.waitForURL(`${submissionUrl}/edit`);
    await checkPage(submitter, "resubmission form");
    expect(await submitter.getAttribute("#f-docNumber", "value")).toBe("川教发〔2025〕7号");
    await submitter.fill(
      "#f-body",
      "现将有关事项通知如下。\n一、明确收费项目\n培训机构应当公示收费项目。\n附件：收费标准表",
    );
    await submitter.click("button:has-text('报送')");
    await submitter.waitForURL(submissionUrl);
    expect(await submitter.textContent("main")).toContain("已报送，待受理");

    // Act 4: the editor accepts it; it is placed in an edition that is published
    await editor.goto(`${base}/console/submissions/${id}`);
    await editor.click("button:has-text('受理')");
    await editor.waitForURL(`${base}/console/submissions/${id}`);
    const documentId = (await app.container.submitters.desk.get(id))!.documentId!;
    const json = (body: unknown) => ({
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const created = await app.request("/api/editions", {
      method: "POST",
      ...json({ year: 2025, date: "2025-06-30" }),
    });
    const edition = (await created.json()) as { id: string };
    await app.request(`/api/editions/${edition.id}/documents`, {
      method: "PUT",
      ...json({ documents: [documentId] }),
    });
    expect((await app.request(`/api/editions/${edition.id}/publish`, { method: "POST" })).status).toBe(200);
    await processEvents(app);

    // Assess: the submitter finds the citation and opens the published page from it
    await submitter.goto(submissionUrl);
    expect(await submitter.textContent("main")).toContain("已刊登");
    expect(await submitter.textContent("#citation")).toMatch(
      /^《四川省人民政府公报》2025年第\d+期（总第\d+期）第\d+(—\d+)?页$/,
    );
    await checkPage(submitter, "submission published");
    // The link is absolute on the configured public address; the test serves the app elsewhere.
    const web = new URL((await submitter.getAttribute("a:has-text('网页版')", "href"))!);
    expect(web.pathname).toBe(`/documents/${documentId}.html`);
    await submitter.goto(`${base}${web.pathname}`);
    expect(await submitter.textContent("h1")).toContain(TITLE);
  }, 300_000);

  test("cannot open another body's submission nor the editors' desk", async () => {
    // Prepare: 成都 sends one through its API token
    const { desk } = app.container.submitters;
    const other = await desk.submit(
      "cd-gov",
      {
        title: "成都市人民政府关于加强城市管理的通知",
        docNumber: "成府发〔2025〕3号",
        issuers: ["成都市人民政府"],
        dateWritten: "2025-06-20",
        kind: "通知",
        section: "部门文件",
        body: "现将有关事项通知如下。",
        disclosure: { attribute: "public" },
        review: { reviewer: "保密审查小组", date: "2025-06-19", result: "passed" },
        approval: { approver: "市长", date: "2025-06-20" },
      },
      "body:cd-gov",
    );
    const page = await newPage(browser);
    await signInThroughForm(
      page,
      base,
      { username: "wang", password: PASSWORD },
      { landing: "/console/body/" },
    );

    // Act + Assess
    await page.goto(`${base}/console/body/submissions/${other.id}`);
    expect(await page.textContent("h1")).toBe("无权查看");
    expect(await page.textContent("main")).not.toContain("城市管理");
    await page.goto(`${base}/console/submissions`);
    expect(await page.textContent("h1")).toBe("无权访问");
    await checkPage(page, "refused page");
  }, 120_000);
});

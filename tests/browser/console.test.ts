import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { scannedItemForReview } from "../support/archive-review.js";
import {
  type Browser,
  launchChromium,
  newPage as newChromiumPage,
  type Page,
  pageProblems,
  serveApp,
  signInThroughForm,
} from "../support/chromium.js";
import { processEvents, runRepostQueues, startSiteServer } from "../support/console-browser.js";
import { aSubmission } from "../support/factories.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * The console in a real browser: Debian's chromium driven by playwright-core (no browser
 * download), axe-core on every page visited, at a 390 px wide viewport. Run by
 * `tests/browser/run.ts` (the last step of `npm test`) with `vitest.browser.config.ts`, and only
 * when a Chromium is found there; the path it found comes in GAZETTE_CHROMIUM.
 */

/**
 * The only scripts a console page may carry, files, not inline: the edition page's drag-and-drop
 * and its publish progress.
 */
const ALLOWED_SCRIPTS = ["/console/edition-order.js", "/console/edition-progress.js"];
/** The desktop width the new pages are also checked at (beside the 390 px phone width). */
const DESKTOP = { width: 1280, height: 900 };
const PASSWORD = "correct horse battery";

describe("the console in Chromium (390 px, axe-core on every page)", () => {
  let app: TestApp;
  let server: { base: string; close(): void } | undefined;
  let base: string;
  let browser: Browser;
  let page: Page;
  const visited: string[] = [];

  /**
   * No script but the allowed files (no inline script), axe-core finds no violation, nothing
   * scrolls sideways at 390 px, and no time is shown raw (UTC ISO) rather than in China time.
   */
  async function checkPage(label: string) {
    visited.push(label);
    // Every form works without JavaScript; the one script is progressive enhancement.
    const found = await pageProblems(page, { allowedScripts: ALLOWED_SCRIPTS });
    expect(found.scripts, `scripts on ${label}`).toEqual([]);
    expect(found.violations, `axe on ${label}`).toEqual([]);
    expect(found.width, `horizontal scroll on ${label}`).toBeLessThanOrEqual(390);
    // Times are shown in China Standard Time, in Chinese, each a <time> with its datetime.
    expect(found.rawTimes, `raw ISO time on ${label}`).toEqual([]);
    expect(found.badDatetimes, `<time datetime> on ${label}`).toEqual([]);
  }

  /** checkPage at the desktop width, then again at 390 px (the page is left at 390 px). */
  async function checkPageAtBothWidths(label: string) {
    await page.setViewportSize(DESKTOP);
    const wide = await pageProblems(page, { allowedScripts: ALLOWED_SCRIPTS, width: DESKTOP.width });
    expect(wide.violations, `axe on ${label} at ${DESKTOP.width} px`).toEqual([]);
    expect(wide.width, `horizontal scroll on ${label} at ${DESKTOP.width} px`).toBeLessThanOrEqual(
      DESKTOP.width,
    );
    await page.setViewportSize({ width: 390, height: 844 });
    await checkPage(label);
  }

  /** The China date (YYYY-MM-DD) of an instant. */
  const chinaDate = (iso: string) =>
    new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date(iso));

  beforeAll(async () => {
    app = createTestApp();
    await app.container.console!.accounts.create(
      { username: "zhang", displayName: "张编辑", role: "editor", password: PASSWORD },
      "test",
    );
    await app.container.console!.accounts.create(
      { username: "li", displayName: "李审核", role: "reviewer", password: PASSWORD },
      "test",
    );
    await app.container.console!.accounts.create(
      { username: "wang", displayName: "王管理", role: "administrator", password: PASSWORD },
      "test",
    );
    server = await serveApp(app);
    base = server.base;
    browser = await launchChromium();
    page = await newPage();
  }, 120_000);

  const newPage = (): Promise<Page> => newChromiumPage(browser);

  /** A fresh browser context (no cookies) signed in through the form. */
  async function signedIn(username: string): Promise<void> {
    page = await newPage();
    await signInThroughForm(page, base, { username, password: PASSWORD });
  }

  /** The id at the end of the current URL (a document or an edition page). */
  const idInUrl = () => new URL(page.url()).pathname.split("/").pop()!;

  /** A notice accepted and published through the JSON API, with its events processed. */
  async function publishedThroughApi(
    title: string,
    docNumber: string,
    overrides: Record<string, unknown> = {},
    date = "2025-06-05",
  ): Promise<string> {
    const submitted = await app.postJson(
      aSubmission({ title, docNumber, dateWritten: "2025-05-20", ...overrides }),
    );
    expect(submitted.status).toBe(201);
    const { id } = (await submitted.json()) as { id: string };
    const json = (body: unknown) => ({
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const created = await app.request("/api/editions", {
      method: "POST",
      ...json({ year: 2025, date }),
    });
    expect(created.status).toBe(201);
    const edition = (await created.json()) as { id: string };
    await app.request(`/api/editions/${edition.id}/documents`, {
      method: "PUT",
      ...json({ documents: [id] }),
    });
    expect((await app.request(`/api/editions/${edition.id}/publish`, { method: "POST" })).status).toBe(200);
    await processEvents(app);
    return id;
  }

  /** Fills the parts of a submission the drafted act leaves to the editor. */
  async function completeAct(docNumber: string) {
    await page.fill("#f-docNumber", docNumber);
    await page.fill("#f-dateWritten", "2025-06-10");
    await page.fill("#f-body", "　　经研究，决定如下。");
    await page.fill("#f-review-reviewer", "保密审查小组");
    await page.fill("#f-review-date", "2025-06-09");
    await page.selectOption("#f-review-result", "passed");
    await page.fill("#f-approval-approver", "分管副省长");
    await page.fill("#f-approval-date", "2025-06-10");
    await page.click("button[type=submit].primary");
    await page.waitForURL(/\/console\/documents\/[0-9A-Z]{26}$/);
  }

  afterAll(async () => {
    await browser?.close();
    server?.close();
    app?.close();
  });

  test("an editor signs in, sees a refusal beside its field, fixes it and publishes an edition, all by keyboard and forms", async () => {
    // Act: sign in with the keyboard only
    await page.goto(`${base}/console/documents`);
    await checkPage("sign-in");
    await page.keyboard.type("zhang"); // the user name field has focus (autofocus)
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await page.waitForURL(`${base}/console/documents`);
    await checkPage("intake queue");

    // Act: a policy document without its 解读
    await page.goto(`${base}/console/documents/new`);
    await checkPage("submission form");
    await page.fill("#f-title", "四川省人民政府关于促进养老托育服务的实施意见");
    await page.fill("#f-docNumber", "川府发〔2025〕7号");
    await page.fill("#f-issuers", "四川省人民政府");
    await page.fill("#f-dateWritten", "2025-05-20");
    await page.selectOption("#f-kind", "意见");
    await page.fill("#f-body", "　　现提出以下实施意见。\n　　一、总体要求\n　　加快发展养老托育服务。");
    await page.fill("#f-review-reviewer", "保密审查小组");
    await page.fill("#f-review-date", "2025-05-19");
    await page.selectOption("#f-review-result", "passed");
    await page.fill("#f-approval-approver", "分管副省长");
    await page.fill("#f-approval-date", "2025-05-20");
    await page.check("#f-policy");
    await page.selectOption("#f-repost-scope", "all");
    await page.click("button[type=submit].primary");

    // Assess: the refusal is beside the 解读 field, with its rule
    const error = page.locator("#f-interpretations-0-title-error");
    expect(await error.textContent()).toContain("退文：政策文件须与解读材料同步报送");
    expect(await page.getAttribute("#f-interpretations-0-title", "aria-describedby")).toBe(
      "f-interpretations-0-title-error",
    );
    await checkPage("submission form with errors");

    // Act: fix it
    await page.fill("#f-interpretations-0-title", "《关于促进养老托育服务的实施意见》政策解读");
    await page.fill(
      "#f-interpretations-0-body",
      "　　一、起草背景\n　　为促进养老托育服务健康发展，制定本意见。",
    );
    await page.click("button[type=submit].primary");
    await page.waitForURL(/\/console\/documents\/[0-9A-Z]{26}$/);
    await checkPage("document page");

    // Act: compose, preview, publish
    await page.goto(`${base}/console/editions`);
    await checkPage("editions");
    await page.fill("#e-year", "2025");
    await page.fill("#e-date", "2025-06-03");
    await page.click("button:text-is('新建')");
    await page.waitForURL(/\/console\/editions\/[0-9A-Z]+$/);
    await checkPage("draft edition");
    await page.check("input[name=document]");
    await page.click("button:text-is('加入本期')");
    await checkPage("edition with a document");
    await page.click("a:text-is('预览（页码对照）')");
    await checkPage("preview");
    expect(await page.textContent("main")).toMatch(/第 1(–\d+)? 页/);
    await page.goBack();
    await page.click("a:text-is('发布…')");
    await checkPage("publish confirmation");
    expect(await page.textContent("main")).toContain("四川省人民政府关于促进养老托育服务的实施意见");
    await page.click("button:text-is('确认发布')");
    expect(await page.textContent("main")).toContain("已发布");
    await checkPage("published edition");

    // Assess: on the public site
    await page.goto(`${base}/`);
    expect(await page.textContent("body")).toContain("四川省人民政府关于促进养老托育服务的实施意见");
    expect(visited).toHaveLength(11);
  }, 240_000);

  test("after publication, an editor repeals a document and publishes an erratum from its page; the public page shows both", async () => {
    // Prepare: a published notice
    const title = "四川省人民政府关于做好防汛减灾工作的通知";
    const target = await publishedThroughApi(title, "川府发〔2025〕61号");
    await signedIn("zhang");

    // Act: draft the repeal from the document's page
    await page.goto(`${base}/console/documents/${target}`);
    await checkPage("published document");
    await page.click("a:text-is('标记已废止：起草废止决定')");
    await page.waitForURL(/act=repeals/);
    await checkPage("repeal draft");
    expect(await page.textContent("#f-relations-repeals")).toBe("川府发〔2025〕61号");
    await completeAct("川府发〔2025〕62号");
    const repeal = idInUrl();
    await checkPage("repeal act");

    // Act: draft the erratum the same way
    await page.goto(`${base}/console/documents/${target}`);
    await page.click("a:text-is('发布勘误')");
    await page.waitForURL(/act=corrects/);
    await completeAct("川府函〔2025〕63号");
    const erratum = idInUrl();

    // Act: publish both in the next edition
    await page.goto(`${base}/console/editions`);
    await page.fill("#e-year", "2025");
    await page.fill("#e-date", "2025-06-12");
    await page.click("button:text-is('新建')");
    await page.waitForURL(/\/console\/editions\/[0-9A-Z]+$/);
    await page.check(`input[name=document][value="${repeal}"]`);
    await page.check(`input[name=document][value="${erratum}"]`);
    await page.click("button:text-is('加入本期')");
    await page.waitForSelector("a:text-is('发布…')");
    await page.click("a:text-is('发布…')");
    await page.waitForURL(/\/publish$/);
    await page.click("button:text-is('确认发布')");
    await page.waitForSelector(".notice:has-text('已发布')");
    await processEvents(app);

    // Assess: the console shows the status with the act that did it
    await page.goto(`${base}/console/documents/${target}`);
    await checkPage("repealed document");
    expect(await page.textContent("#validity-h + p strong")).toBe("已废止");
    expect(await page.textContent("main")).toContain(`《关于废止《${title}》的决定》`);

    // Assess: on the public site
    await page.goto(`${base}/documents/${target}.html`);
    const banner = await page.textContent("[aria-label=效力提示]");
    expect(banner).toContain("效力状态：已废止");
    expect(banner).toContain(`关于废止《${title}》的决定`);
    expect(await page.textContent("[aria-label=勘误提示]")).toContain(
      `本文件已有勘误：《关于《${title}》的勘误》`,
    );
  }, 240_000);

  test("a reviewer corrects a low-confidence archive item beside its page image, is refused an impossible date beside the field, and accepts it; the public archive shows the correction", async () => {
    // Prepare: a scanned page read poorly, waiting for review
    const itemId = await scannedItemForReview(app);
    await signedIn("li");

    // Act: from the queue to the item
    await page.goto(`${base}/console/archive/review`);
    await checkPage("archive review queue");
    await page.click(`a[href="/console/archive/items/${itemId}"]`);
    await page.waitForURL(new RegExp(`/console/archive/items/${itemId}$`));
    await checkPage("archive item");
    expect(
      await page.evaluate(() => (document.querySelector("figure img") as HTMLImageElement).naturalWidth),
    ).toBe(100);

    // Act: the box over the word OCR read as 办怯 leads to the title field, without script
    await page.click("a.hitbox >> nth=3");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("r-title");

    // Act: an impossible date
    await page.fill("#r-title", "四川省森林防火办法");
    await page.fill("#r-issuers", "四川省人民政府");
    await page.fill("#r-date", "1985-02-28");
    await page.evaluate(() => {
      // A date input cannot hold 1985-02-30; a text field (or an older browser) can: sent as typed.
      (document.querySelector("#r-date") as HTMLInputElement).type = "text";
    });
    await page.fill("#r-date", "1985-02-30");
    await page.click("button:text-is('保存并接受')");
    await page.waitForSelector("#r-date-error");
    expect(await page.textContent("#r-date-error")).toContain("1985-02-30 does not exist");
    expect(await page.getAttribute("#r-date", "aria-describedby")).toBe("r-date-error");
    await checkPage("archive item with a refused date");

    // Act: fixed and accepted
    await page.fill("#r-date", "1985-02-28");
    await page.click("button:text-is('保存并接受')");
    await page.waitForURL(/\/console\/archive\/review\?accepted=/);
    expect(await page.textContent("main")).toContain("没有待审核的条目");

    // Assess: the history says who, and the public archive shows the corrected title
    await page.goto(`${base}/console/archive/items/${itemId}`);
    expect(await page.textContent("main")).toContain("标题：四川省森林防火办怯 → 四川省森林防火办法");
    await page.goto(`${base}/archive/items/${itemId}`);
    expect(await page.textContent("h1")).toContain("四川省森林防火办法");
  }, 240_000);

  test("an administrator registers a site (token shown once) and reads the compliance dashboard; the site signs in at /portal/, acknowledges its repost, sees why it failed, then that it passed, and opens the original", async () => {
    const siteServer = await startSiteServer();
    try {
      // Act: register the site through the console
      await signedIn("wang");
      await page.goto(`${base}/console/sites`);
      await checkPage("sites registry");
      await page.fill("#s-name", "成都市人民政府网站");
      await page.selectOption("#s-level", "city");
      await page.fill("#s-region", "510100");
      await page.fill("#s-delivery-url", `${siteServer.origin}/hook`);
      await page.click("button:text-is('登记')");
      await page.waitForSelector("#shown-h");
      await checkPage("site registered, token shown once");
      const token = (await page.textContent("code.secret"))!.trim();
      expect(token).toMatch(/^gst_/);

      // Prepare: a published notice to repost, fanned out and delivered to the site
      const title = "四川省人民政府关于加强森林草原防灭火工作的通知";
      const number = "川府发〔2025〕81号";
      const documentId = await publishedThroughApi(
        title,
        number,
        { repost: { scope: "all", regions: [], levels: [], sectors: [], deadlineWorkingDays: 5 } },
        "2025-06-20",
      );
      await runRepostQueues(app);
      const document = await app.container.intake.get(documentId);
      const text = document.blocks.map((b) =>
        b.type === "table" ? b.rows.map((r) => r.join(" ")).join(" ") : b.text,
      );
      siteServer.pages.set("/zwgk/bad.html", `<html><body><h1>${title}</h1></body></html>`);
      siteServer.pages.set(
        "/zwgk/good.html",
        `<html><body><h1>${title}</h1><p>${number}</p><p>${document.addressees ?? ""}</p>${text.map((t) => `<p>${t}</p>`).join("")}</body></html>`,
      );

      // Act: the site signs in with its token and acknowledges a page that lacks the text
      page = await newPage();
      await page.goto(`${base}/portal/`);
      await page.waitForURL(`${base}/portal/sign-in`);
      await checkPage("portal sign-in");
      await page.keyboard.type(token); // the token field has focus
      await page.keyboard.press("Enter");
      await page.waitForURL(`${base}/portal/`);
      await checkPage("portal notices");
      expect(await page.textContent("main")).toMatch(/还剩 \d+ 个工作日/);
      await page.click(`a:has-text('${title}')`);
      await page.waitForURL(/\/portal\/notices\//);
      await checkPage("portal notice");
      await page.fill("#ack-url", `${siteServer.origin}/zwgk/bad.html`);
      await page.click("button:text-is('报送')");
      await page.waitForSelector(".notice[role=status]");
      await runRepostQueues(app);
      await page.goto(`${page.url().split("?")[0]}`);
      await page.waitForSelector("#why-h");
      await checkPage("portal notice, verification failed");
      expect(await page.textContent("main")).toContain("转载页面上找不到发文字号");

      // Act: a corrected page
      await page.fill("#ack-url", `${siteServer.origin}/zwgk/good.html`);
      await page.click("button:text-is('报送')");
      await page.waitForSelector(".notice[role=status]");
      await runRepostQueues(app);
      await page.goto(`${page.url().split("?")[0]}`);
      await page.waitForSelector(".ok");
      expect(await page.textContent("main")).toContain("已通过");

      // Assess: the original on the public site
      await page.click("a:text-is('阅读原文（公报网站）')");
      await page.waitForURL(new RegExp(`/documents/${documentId}\\.html$`));
      expect(await page.textContent("h1")).toContain(title);

      // Assess: the compliance dashboard counts the verified repost
      await signedIn("wang");
      await page.goto(`${base}/console/compliance`);
      await checkPage("compliance dashboard");
      expect(await page.textContent("main")).toContain("成都市人民政府网站");
      expect(await page.textContent("main")).toContain("没有逾期的通知");
    } finally {
      await siteServer.close();
    }
  }, 300_000);
  test("an editor reorders an edition's documents by drag-and-drop and by keyboard, within a section, under the pages' CSP", async () => {
    // Prepare: three notices of one section, accepted through the API, placed in a new edition
    const titles = ["关于第一项工作的通知", "关于第二项工作的通知", "关于第三项工作的通知"];
    for (const [n, title] of titles.entries()) {
      const submitted = await app.postJson(
        aSubmission({ title, docNumber: `川府函〔2025〕${81 + n}号`, dateWritten: "2025-05-20" }),
      );
      expect(submitted.status).toBe(201);
    }
    await signedIn("zhang");
    await page.goto(`${base}/console/editions`);
    await page.fill("#e-year", "2025");
    await page.fill("#e-date", "2025-07-01");
    await page.click("button:text-is('新建')");
    await page.waitForURL(/\/console\/editions\/[0-9A-Z]+$/);
    const editionId = idInUrl();
    for (const title of titles) await page.check(`label:has-text('${title}') input[name=document]`);
    await page.click("button:text-is('加入本期')");
    await page.waitForSelector("ol[data-reorder] > li:nth-child(3)");
    const order = async () =>
      page.evaluate(() =>
        Array.from(document.querySelectorAll("ol[data-reorder] > li a")).map((a) => a.textContent ?? ""),
      );
    const stored = async () => {
      const res = await app.request(`/api/editions/${editionId}`);
      return ((await res.json()) as { documents: { title: string }[] }).documents.map((d) => d.title);
    };
    /** Waits until the page now shown is a new one (the form's answer), not the one acted on. */
    const reloaded = async (act: () => Promise<void>) => {
      await page.evaluate(() => {
        (globalThis as unknown as { stale: boolean }).stale = true;
      });
      await act();
      await page.waitForFunction(() => !(globalThis as unknown as { stale?: boolean }).stale);
      await page.waitForSelector("ol[data-reorder] > li:nth-child(3)");
    };
    const before = await order();
    await checkPage("edition with its drag-and-drop script");
    expect(await page.textContent("#reorder-hint")).toContain("拖动");

    // Act: drag the first document onto the last
    await reloaded(() =>
      page.dragAndDrop("ol[data-reorder] > li:nth-child(1)", "ol[data-reorder] > li:nth-child(3)"),
    );
    const dragged = await order();
    const draggedStored = await stored();

    // Act: with the keyboard, the (now) first document one step down
    await page.focus("ol[data-reorder] > li:nth-child(1) button[value=down]");
    await reloaded(() => page.keyboard.press("Enter"));
    const moved = await order();

    // Assess
    expect([...before].sort()).toEqual([...titles].sort());
    expect(dragged).toEqual([before[1], before[2], before[0]]);
    expect(draggedStored).toEqual(dragged);
    expect(moved).toEqual([before[2], before[1], before[0]]);
    expect(await stored()).toEqual(moved);
    await checkPage("edition after reordering");
  }, 240_000);
  test("an editor adds a second 解读 and an attachment with the 再添 buttons, is refused an untitled 解读 beside that slot, and then sees the document as it will print and downloads its original", async () => {
    // Prepare
    const title = "四川省人民政府关于推进数字政府建设的意见";
    await signedIn("zhang");
    await page.goto(`${base}/console/documents/new`);
    await page.fill("#f-title", title);
    await page.fill("#f-docNumber", "川府发〔2025〕91号");
    await page.fill("#f-issuers", "四川省人民政府");
    await page.fill("#f-dateWritten", "2025-05-20");
    await page.selectOption("#f-kind", "意见");
    await page.fill(
      "#f-body",
      "　　现就推进数字政府建设提出如下意见。\n　　一、总体要求\n　　建设整体协同的数字政府。",
    );
    await page.fill("#f-review-reviewer", "保密审查小组");
    await page.fill("#f-review-date", "2025-05-19");
    await page.selectOption("#f-review-result", "passed");
    await page.fill("#f-approval-approver", "分管副省长");
    await page.fill("#f-approval-date", "2025-05-20");
    await page.check("#f-policy");
    await page.fill("#f-interpretations-0-title", "《关于推进数字政府建设的意见》政策解读");
    await page.fill("#f-interpretations-0-body", "　　一、起草背景\n　　为推进数字政府建设，制定本意见。");

    // Act: one more 解读 slot, then one more 附件 slot (the form comes back with what was typed)
    await page.click("button:text-is('再添一份解读')");
    await page.waitForSelector("#f-interpretations-1-title");
    expect(await page.evaluate(() => (document.querySelector("#f-title") as HTMLInputElement).value)).toBe(
      title,
    );
    expect(
      await page.evaluate(
        () => (document.querySelector("#f-interpretations-0-body") as HTMLTextAreaElement).value,
      ),
    ).toContain("为推进数字政府建设");
    await checkPageAtBothWidths("submission form with a second 解读 slot");
    // The second 解读 left untitled
    await page.fill("#f-interpretations-1-body", "　　一图读懂数字政府建设的主要任务。");
    await page.fill("#f-attachments-0-title", "数字政府建设重点任务清单");
    await page.fill("#f-attachments-0-body", "　　一、建设政务云平台。\n　　二、推进数据共享。");
    await page.click("button:text-is('再添一个附件')");
    await page.waitForSelector("#f-attachments-1-title");
    expect(
      await page.evaluate(
        () => (document.querySelector("#f-interpretations-1-body") as HTMLTextAreaElement).value,
      ),
    ).toContain("一图读懂");
    await page.fill("#f-attachments-1-title", "数字政府建设责任分工");
    await page.fill("#f-attachments-1-body", "　　省政务服务管理局牵头负责。");
    await page.click("button[type=submit].primary");
    await page.waitForSelector(".summary[role=alert]");

    // Assess: the refusal is beside the second 解读's title only, linked from the summary
    const errorIds = await page.evaluate(() =>
      Array.from(document.querySelectorAll("[id$=-error]")).map((e) => e.id),
    );
    expect(errorIds).toEqual(["f-interpretations-1-title-error"]);
    expect(await page.getAttribute("#f-interpretations-1-title", "aria-describedby")).toBe(
      "f-interpretations-1-title-error",
    );
    expect(await page.getAttribute(".summary a[href='#f-interpretations-1-title']", "href")).toBe(
      "#f-interpretations-1-title",
    );
    await checkPageAtBothWidths("submission form refused beside the second 解读");

    // Act: the title added, submitted
    await page.fill("#f-interpretations-1-title", "图解：数字政府建设怎么做");
    await page.click("button[type=submit].primary");
    await page.waitForURL(/\/console\/documents\/[0-9A-Z]{26}$/);
    const id = idInUrl();
    await checkPageAtBothWidths("document page with two 解读 and two attachments");

    // Assess: the body as it will print, its attachments and both 解读
    const main = (await page.textContent("main"))!;
    expect(main).toContain("建设整体协同的数字政府。");
    expect(main).toContain("数字政府建设重点任务清单");
    expect(main).toContain("推进数据共享。");
    expect(main).toContain("省政务服务管理局牵头负责。");
    expect(await page.textContent("#interp-0-h")).toBe("解读：《关于推进数字政府建设的意见》政策解读");
    expect(await page.textContent("#interp-1-h")).toBe("解读：图解：数字政府建设怎么做");

    // Act: download the original
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("dd a[download]")]);
    const saved = readFileSync(await download.path());

    // Assess: the bytes kept at intake, nothing else
    const original = await app.container.intake.original(await app.container.intake.get(id));
    expect(original).toBeDefined();
    expect(Buffer.compare(saved, Buffer.from(original!.bytes))).toBe(0);
    expect(JSON.parse(saved.toString("utf8")).title).toBe(title);
  }, 240_000);

  test("the edition page shows its publication's progress, followed by its script until every step is done, and the updates can be paused", async () => {
    // Prepare: a notice accepted through the API; the page's timers faked, advanced by the test
    const title = "四川省人民政府关于做好秋冬季森林防火工作的通知";
    const submitted = await app.postJson(
      aSubmission({ title, docNumber: "川府函〔2025〕95号", dateWritten: "2025-05-20" }),
    );
    expect(submitted.status).toBe(201);
    await signedIn("zhang");
    await page.clock.install();
    // Editions are published in order: a draft another test left is the one to publish.
    const draft = (await app.container.editions.list({ limit: 100 })).items.find((e) => e.status === "draft");
    if (draft) await page.goto(`${base}/console/editions/${draft.id}`);
    else {
      await page.goto(`${base}/console/editions`);
      await page.fill("#e-year", "2025");
      await page.fill("#e-date", "2025-07-08");
      await page.click("button:text-is('新建')");
      await page.waitForURL(/\/console\/editions\/[0-9A-Z]+$/);
    }
    await page.check(`label:has-text('${title}') input[name=document]`);
    await page.click("button:text-is('加入本期')");
    await page.waitForSelector("a:text-is('发布…')");
    await page.click("a:text-is('发布…')");
    await page.waitForURL(/\/publish$/);

    // Act: publish (the local runtime publishes at once; the steps after the switch wait for the events)
    await page.click("button:text-is('确认发布')");
    await page.waitForSelector("#publication-progress[data-live]");
    expect(await page.textContent("#progress-status")).toMatch(/已发布.*后续步骤还有 \d+ 项/s);
    await checkPageAtBothWidths("edition with its publish progress running");
    // Every read of the page by the script is counted (it calls fetch when its timer fires; the
    // page's clock still runs on its own, so reads may happen before the pause).
    await page.evaluate(() => {
      const w = globalThis as unknown as { fetch: typeof fetch; reads: number };
      const original = w.fetch.bind(w);
      w.reads = 0;
      w.fetch = (...args: Parameters<typeof fetch>) => {
        w.reads++;
        return original(...args);
      };
    });
    const reads = () => page.evaluate(() => (globalThis as unknown as { reads: number }).reads);

    // Act: pause, then the events are processed and a minute passes on the page's clock
    await page.click("#progress-pause");
    const pausedLabel = await page.textContent("#progress-pause");
    const readsAtPause = await reads();
    await processEvents(app, { asLocalRuntime: true });
    await page.clock.runFor(60_000);
    const readsWhilePaused = await reads();
    const statusWhilePaused = await page.textContent("#progress-status");

    // Act: resume; the next read (from the answer to POST …/publish, whose URL is the
    // confirmation page) finds every step done
    await page.click("#progress-pause");
    const resumedLabel = await page.textContent("#progress-pause");
    await page.clock.runFor(5_000);
    // Waits on the DOM itself (a MutationObserver), not on the page's timers, which are faked.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const section = document.getElementById("publication-progress")!;
          const over = () => !section.hasAttribute("data-live");
          if (over()) return resolve();
          new MutationObserver(() => {
            if (over()) resolve();
          }).observe(section, { attributes: true });
        }),
    );

    // Assess: nothing read while paused, the progress as it was; the control says what it does
    expect(pausedLabel).toBe("继续自动更新");
    expect(readsWhilePaused).toBe(readsAtPause);
    expect(statusWhilePaused).toContain("后续步骤还有");
    expect(resumedLabel).toBe("暂停自动更新");
    expect(await reads()).toBeGreaterThan(readsAtPause);
    const status = (await page.textContent("#progress-status"))!;
    expect(status).toContain("已发布");
    expect(status).toContain("全部步骤已完成。");
    expect(
      await page.evaluate(() => document.querySelectorAll("#progress-status li:not(.done)").length),
    ).toBe(0);
    expect(await page.textContent("dl.meta")).not.toContain("发布中");
    expect(await page.evaluate(() => document.getElementById("progress-auto")?.hidden)).toBe(true);
    await checkPageAtBothWidths("edition with its publication complete");
  }, 240_000);

  test("an administrator reads the audit log with each action by its Chinese name", async () => {
    // Prepare: a sign-in and a refusal to log
    await signedIn("li");
    await page.goto(`${base}/console/documents`);
    expect(await page.textContent("main")).toContain("无权访问");

    // Act
    await signedIn("wang");
    await page.goto(`${base}/console/audit`);
    await checkPageAtBothWidths("audit log");

    // Assess: every entry names its action in Chinese before the code
    const entries = await page.evaluate(() =>
      Array.from(document.querySelectorAll("main li code")).map((code) => ({
        label: code.previousSibling?.textContent ?? "",
        code: code.textContent ?? "",
      })),
    );
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) expect(e.label, `label of ${e.code}`).toMatch(/[\u4e00-\u9fff）]\s*$/);
    const main = (await page.textContent("main"))!;
    expect(main).toMatch(/登录\s*sign-in/);
    expect(main).toMatch(/报送文件\s*document\.submit/);
    expect(main).toContain("被拒绝");
  }, 240_000);

  test("an editor filters the intake queue by the date documents were received, and is told beside the field when the range ends before it starts", async () => {
    // Prepare: a document received now
    const title = "四川省人民政府办公厅关于开展安全生产大检查的通知";
    const submitted = await app.postJson(
      aSubmission({ title, docNumber: "川办函〔2025〕97号", dateWritten: "2025-05-20" }),
    );
    expect(submitted.status).toBe(201);
    const { id } = (await submitted.json()) as { id: string };
    const received = chinaDate((await app.container.intake.get(id)).receivedAt);
    const dayBefore = new Date(Date.parse(`${received}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    await signedIn("zhang");
    const filter = async (from: string, to: string) => {
      await page.goto(`${base}/console/documents`);
      await page.fill("#f-receivedFrom", from);
      await page.fill("#f-receivedTo", to);
      await page.click("button:text-is('筛选')");
      await page.waitForURL(/receivedFrom=/);
    };

    // Act + Assess: the day it was received
    await filter(received, received);
    await checkPageAtBothWidths("intake queue filtered by received date");
    expect(await page.textContent("main")).toContain(title);

    // Act + Assess: the day before
    await filter(dayBefore, dayBefore);
    expect(await page.textContent("main")).toContain("没有符合条件的来文。");

    // Act + Assess: a range ending before it starts
    await filter(received, dayBefore);
    await page.waitForSelector("p.error[id$=-error]");
    const errorId = (await page.getAttribute("p.error[id$=-error]", "id"))!;
    expect(errorId).toMatch(/^f-received(From|To)-error$/);
    expect(await page.getAttribute(`#${errorId.replace(/-error$/, "")}`, "aria-invalid")).toBe("true");
    expect(await page.textContent("main")).not.toContain(title);
    await checkPageAtBothWidths("intake queue with a refused date range");
  }, 240_000);
});

import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { ConsoleBrowser as Browser, noticeForm } from "../support/console-browser.js";
import { aSubmission } from "../support/factories.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * A document's page in the console: the original as received (editors only) and the body as it
 * will print; and the submission form's several 解读 and 附件.
 */

const NOW = Date.UTC(2025, 5, 3, 2, 0, 0);
const PASSWORD = "correct horse battery";

describe("document page and submission form", () => {
  let app: TestApp;

  beforeEach(async () => {
    app = createTestApp({ clock: new ManualClock(NOW) });
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

  test("the page offers the JSON submission as received to editors, and the body as it prints", async () => {
    // Prepare: a document with a table, an attachment, 抄送 and 印发, submitted through the API
    const input = aSubmission({
      attachments: [{ title: "项目清单", body: "项目\t地点\n水库整治\t眉山" }],
    });
    const res = await app.request("/api/documents", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(input),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const editor = new Browser(app);
    await editor.signIn("zhang", PASSWORD);
    const reviewer = new Browser(app);
    await reviewer.signIn("li", PASSWORD);

    // Act
    const html = await (await editor.get(`/console/documents/${id}`)).text();
    const original = await editor.get(`/console/documents/${id}/original`);
    const refused = await reviewer.get(`/console/documents/${id}/original`);
    const anonymous = await new Browser(app).get(`/console/documents/${id}/original`);

    // Assess: the download is the submission as sent, to an editor only
    expect(html).toContain(`href="/console/documents/${id}/original"`);
    expect(original.status).toBe(200);
    expect(original.headers.get("content-type")).toMatch(/^application\/json/);
    expect(original.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(original.headers.get("cache-control")).toContain("no-store");
    expect(JSON.parse(await original.text())).toEqual(input);
    expect(refused.status).toBe(403);
    expect(anonymous.status).toBe(303);
    // The body through the site's own partial: headings, the table, the 附件 list, the signature
    expect(html).toMatch(/<h2>一、总体要求<\/h2>/);
    expect(html).toContain("<th");
    expect(html).toContain("高标准农田");
    expect(html).toMatch(/<p class="attachment-list">附件：<a href="#attachment-1">项目清单<\/a>/);
    expect(html).toMatch(/<h2 id="attachment-1-title">附件　项目清单<\/h2>/);
    expect(html).toContain('<p class="signature">四川省人民政府</p>');
    expect(html).toContain('<p class="signature">2024年5月3日</p>');
    expect(html).toContain("抄送：省委各部门，省人大常委会办公厅。");
    expect(html).toContain("四川省人民政府办公厅　2024年5月6日印发");
  });

  test("a .docx document's original is the uploaded file, byte for byte, with its name", async () => {
    // Prepare
    const bytes = readFileSync("samples/documents/07-office-notice.docx");
    const form = new FormData();
    form.append("file", new Blob([bytes]), "通知原件.docx");
    form.append("metadata", readFileSync("samples/documents/07-office-notice.meta.json", "utf8"));
    const res = await app.request("/api/documents", { method: "POST", body: form });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const editor = new Browser(app);
    await editor.signIn("zhang", PASSWORD);

    // Act
    const original = await editor.get(`/console/documents/${id}/original`);

    // Assess
    expect(original.status).toBe(200);
    expect(original.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
    expect(original.headers.get("content-disposition")).toContain(
      `filename*=UTF-8''${encodeURIComponent("通知原件.docx")}`,
    );
    expect(new Uint8Array(await original.arrayBuffer())).toEqual(new Uint8Array(bytes));
  });

  test("the form takes several 解读 and 附件; a problem in the second 解读 is shown beside it", async () => {
    // Prepare
    const browser = new Browser(app);
    await browser.signIn("zhang", PASSWORD);
    const csrf = await browser.csrfOf("/console/documents/new");
    const fields = {
      ...noticeForm("四川省人民政府关于促进民营经济发展的意见", "川府发〔2025〕9号"),
      _csrf: csrf,
      kind: "意见",
      policy: "on",
      "interpretations.0.title": "《意见》政策解读",
      "interpretations.0.form": "text",
      "interpretations.0.body": "一、起草背景\n为促进民营经济发展，制定本意见。",
      "attachments.0.title": "重点任务分工表",
      "attachments.0.body": "任务\t牵头单位\n减税降费\t省财政厅",
    };

    // Act: ask for a second 解读 slot, then a second 附件, then submit with the second 解读 untitled
    const more = await browser.post("/console/documents", { ...fields, _add: "interpretations" });
    const moreHtml = await more.text();
    const evenMore = await browser.post("/console/documents", {
      ...fields,
      "interpretations.1.title": "",
      "interpretations.1.form": "qa",
      "interpretations.1.body": "问：适用范围？\n答：全省民营企业。",
      _add: "attachments",
    });
    const evenMoreHtml = await evenMore.text();
    const refused = await browser.post("/console/documents", {
      ...fields,
      "interpretations.1.title": "",
      "interpretations.1.form": "qa",
      "interpretations.1.body": "问：适用范围？\n答：全省民营企业。",
      "attachments.1.title": "",
      "attachments.1.body": "",
    });
    const refusedHtml = await refused.text();

    // Assess: slots added without submitting; the problem beside the slot it concerns
    expect(more.status).toBe(200);
    expect(moreHtml).toContain('id="f-interpretations-1-title"');
    expect(moreHtml).toContain('value="《意见》政策解读"');
    expect(evenMore.status).toBe(200);
    expect(evenMoreHtml).toContain('id="f-attachments-1-title"');
    expect(evenMoreHtml).toContain("问：适用范围？");
    expect(refused.status).toBe(400);
    expect(refusedHtml).toMatch(/id="f-interpretations-1-title-error"/);
    expect(refusedHtml).not.toMatch(/id="f-interpretations-0-title-error"/);
    expect((await app.container.intake.list({}, { limit: 10 })).items).toEqual([]);

    // Act: fixed, with a blank slot left between
    const accepted = await browser.post("/console/documents", {
      ...fields,
      "interpretations.1.title": "",
      "interpretations.1.body": "",
      "interpretations.2.title": "《意见》问答",
      "interpretations.2.form": "qa",
      "interpretations.2.body": "问：适用范围？\n答：全省民营企业。",
      "attachments.1.title": "联系人名单",
      "attachments.1.body": "省发展改革委 王某",
    });

    // Assess
    expect(accepted.status).toBe(303);
    const id = accepted.headers.get("location")!.split("/").pop()!;
    const doc = await app.container.intake.get(id);
    expect(doc.interpretations.map((i) => [i.title, i.form])).toEqual([
      ["《意见》政策解读", "text"],
      ["《意见》问答", "qa"],
    ]);
    expect(doc.attachments.map((a) => a.title)).toEqual(["重点任务分工表", "联系人名单"]);
    const page = await (await browser.get(`/console/documents/${id}`)).text();
    expect(page).toMatch(
      /附件：<a href="#attachment-1">1\.重点任务分工表<\/a>；<a href="#attachment-2">2\.联系人名单<\/a>/,
    );
    expect(page).toContain("解读：《意见》问答");
  });
});

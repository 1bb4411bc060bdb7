import { afterEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/local-app.js";
import { drainArchiveQueue } from "./harness.js";

const NOTICE = [
  "四川省人民政府文件",
  "川府发〔2017〕23号",
  "四川省人民政府关于加强林业工作的通知",
  "各市（州）人民政府，省政府各部门：",
  "为加强林业工作，现就有关事项通知如下。",
  "四川省人民政府",
  "二〇一七年五月三日",
].join("\n");

const SCRAPED = `<html><body>
<div class="nav"><a href="/">首页</a> | <a>政务公开</a> | <a>政务服务</a> | <a>互动交流</a></div>
<div class="breadcrumb">当前位置：首页 &gt; 政府公报</div>
<div class="content">
<p>四川省人民政府办公厅关于印发四川省森林防火办法的通知</p>
<p>川办发[2016]45号</p>
<p>各市（州）人民政府：</p>
<p>《四川省森林防火办法》已经省政府同意，现印发给你们，请认真贯彻执行。</p>
<p>四川省人民政府办公厅</p>
<p>2016年5月20日</p>
</div>
<div>【字体：大 中 小】 打印本页 关闭窗口</div>
<div class="bdshare">分享到：微信 微博</div>
<p>澳门娱乐城 百家乐 代开发票 www.spam.example</p>
</body></html>`;

async function ingest(app: TestApp, body: unknown) {
  const response = await app.request("/api/archive/texts", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { response, body: (await response.json()) as { job: { id: string } } };
}

describe("text ingest", () => {
  let app: TestApp;
  afterEach(() => app.close());

  it("turns submitted texts into items with metadata, reported on the job", async () => {
    // Prepare
    app = createTestApp();

    // Act
    const { response, body } = await ingest(app, {
      documents: [{ text: NOTICE, ref: "old-site/123" }, { text: SCRAPED }],
    });
    await drainArchiveQueue(app.container.platform.queues, app.container.archive.handler);
    const job = await (await app.request(`/api/archive/jobs/${body.job.id}`)).json();

    // Assess
    expect(response.status).toBe(202);
    expect(job.status).toBe("done");
    expect(job.progress.clean).toEqual({ total: 2, done: 2, failed: 0 });
    expect(job.items).toEqual([
      expect.objectContaining({
        ref: "old-site/123",
        title: "四川省人民政府关于加强林业工作的通知",
        docNumber: "川府发〔2017〕23号",
        issuers: ["四川省人民政府"],
        date: "2017-05-03",
      }),
      expect.objectContaining({
        title: "四川省人民政府办公厅关于印发四川省森林防火办法的通知",
        docNumber: "川办发〔2016〕45号",
        date: "2016-05-20",
      }),
    ]);
  });

  it("strips the scraped page's menus, share buttons and spam from the item text", async () => {
    // Prepare
    app = createTestApp();
    const { body } = await ingest(app, { documents: [{ text: SCRAPED }] });
    await drainArchiveQueue(app.container.platform.queues, app.container.archive.handler);
    const job = await (await app.request(`/api/archive/jobs/${body.job.id}`)).json();

    // Act
    const item = await (await app.request(`/api/archive/items/${job.items[0].id}`)).json();

    // Assess
    expect(item.text).toContain("现印发给你们，请认真贯彻执行。");
    for (const noise of ["政务公开", "当前位置", "打印本页", "分享到", "百家乐", "www."])
      expect(item.text).not.toContain(noise);
  });

  it("feeds the items into the search index with their ref and archive URL", async () => {
    // Prepare
    app = createTestApp();
    const { body } = await ingest(app, { documents: [{ text: NOTICE, ref: "old-site/123" }] });

    // Act
    await drainArchiveQueue(app.container.platform.queues, app.container.archive.handler);
    const result = await app.container.search.search({ q: "林业", source: "archive" });

    // Assess
    expect(result.hits).toEqual([
      expect.objectContaining({
        id: `archive:${body.job.id}-001`,
        ref: "old-site/123",
        url: `/archive/items/${body.job.id}-001`,
        source: "archive",
      }),
    ]);
  });

  it("refuses a malformed ingest with the failing field and stores nothing", async () => {
    // Prepare
    app = createTestApp();

    // Act
    const { response, body } = await ingest(app, { documents: [{ text: "" }] });

    // Assess
    expect(response.status).toBe(400);
    expect(body).toEqual({ error: expect.objectContaining({ field: "documents.0.text" }) });
    expect(await app.container.platform.queues.depth("archive")).toBe(0);
  });

  it("needs an editor", async () => {
    // Prepare
    app = createTestApp();

    // Act
    const response = await app.request("/api/archive/texts", { method: "POST", editor: false, body: "{}" });

    // Assess
    expect(response.status).toBe(401);
  });
});

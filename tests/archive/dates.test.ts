import { afterEach, describe, expect, it } from "vitest";
import { encodePng } from "../../src/archive/images.js";
import { createTestApp, type TestApp } from "../support/local-app.js";
import { drainArchiveQueue } from "./harness.js";

/** A State Council regulation as law databases carry it: no signature, a history line under the title. */
const REGULATION = [
  "中华人民共和国政府信息公开条例",
  "（2007年4月5日中华人民共和国国务院令第492号公布　2019年4月3日中华人民共和国国务院令第711号修订）",
  "第一章　总　　则",
  "第一条　为了保障公民、法人和其他组织依法获取政府信息，提高政府工作的透明度，制定本条例。",
  "第五十六条　本条例自2019年5月15日起施行。",
].join("\n");

/** A Taiwan regulation page: labelled ROC dates above the title. */
const TAIWAN = [
  "發布日期：中華民國八十六年七月一日",
  "修正日期：民國 96 年 03 月 21 日",
  "公務人員考績法施行細則",
  "第 1 條　本細則依公務人員考績法第二十四條規定訂定之。",
].join("\n");

/** A notice signed and dated in Chinese numerals, citing another document's date in its body. */
const NOTICE = [
  "四川省人民政府关于加强林业工作的通知",
  "川府发〔2017〕23号",
  "各市（州）人民政府：",
  "根据2016年12月5日国务院常务会议精神，现就有关事项通知如下。",
  "四川省人民政府",
  "二〇一七年五月三日",
].join("\n");

async function ingestTexts(app: TestApp, body: unknown) {
  const response = await app.request("/api/archive/texts", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { response, body: (await response.json()) as { job: { id: string }; error?: unknown } };
}

async function itemsOf(app: TestApp, texts: string[]) {
  const { body } = await ingestTexts(app, { documents: texts.map((text) => ({ text })) });
  await drainArchiveQueue(app.container.platform.queues, app.container.archive.handler);
  return Promise.all(
    texts.map(async (_, i) => (await app.request(`/api/archive/items/${body.job.id}-00${i + 1}`)).json()),
  );
}

describe("archive items say which date they hold", () => {
  let app: TestApp;
  afterEach(() => app.close());

  it("a regulation is dated by its latest publication in its history line; a notice by its 成文日期", async () => {
    // Prepare
    app = createTestApp();

    // Act
    const [regulation, taiwan, notice] = await itemsOf(app, [REGULATION, TAIWAN, NOTICE]);

    // Assess
    expect(regulation).toMatchObject({
      date: "2019-04-03",
      dateKind: "amended",
      dates: [
        { kind: "published", date: "2007-04-05" },
        { kind: "amended", date: "2019-04-03" },
        { kind: "effective", date: "2019-05-15" },
      ],
    });
    expect(regulation.reviewReasons).not.toContain("date_not_found");
    expect(taiwan).toMatchObject({
      date: "2007-03-21",
      dateKind: "amended",
      dates: [
        { kind: "published", date: "1997-07-01" },
        { kind: "amended", date: "2007-03-21" },
      ],
    });
    expect(notice).toMatchObject({
      date: "2017-05-03",
      dateKind: "written",
      dates: [{ kind: "written", date: "2017-05-03" }],
    });
  });

  it("the public item page labels each date with what it is", async () => {
    // Prepare
    app = createTestApp();
    const [regulation] = await itemsOf(app, [REGULATION]);

    // Act
    const html = await (await app.request(`/archive/items/${regulation.id}`, { editor: false })).text();
    const year = await (await app.request("/archive/2019/", { editor: false })).text();

    // Assess
    expect(html).toContain("<dt>修正日期</dt><dd>2019-04-03</dd>");
    expect(html).toContain("<dt>发布日期</dt><dd>2007-04-05</dd>");
    expect(html).toContain("<dt>施行日期</dt><dd>2019-05-15</dd>");
    expect(html).not.toContain("成文日期");
    expect(year).toContain('title="修正日期">2019-04-03 修正<');
  });
});

describe("every date is a real calendar date or refused", () => {
  let app: TestApp;
  afterEach(() => app.close());

  it("a text ingest whose edition date does not exist is refused with the field and reason", async () => {
    // Prepare
    app = createTestApp();

    // Act
    const { response, body } = await ingestTexts(app, { date: "1998-02-30", documents: [{ text: NOTICE }] });

    // Assess
    expect(response.status).toBe(400);
    expect(body).toEqual({ error: expect.objectContaining({ field: "date", code: "not_a_calendar_date" }) });
    expect(await app.container.platform.queues.depth("archive")).toBe(0);
  });

  it("a scan upload whose edition date does not exist is refused", async () => {
    // Prepare
    app = createTestApp();
    const form = new FormData();
    const png = encodePng({ width: 100, height: 200, pixels: new Uint8Array(20_000).fill(255) });
    form.append("files", new Blob([png as BlobPart], { type: "image/png" }), "p1.png");
    form.append("date", "2023-02-29");

    // Act
    const response = await app.request("/api/archive/scans", { method: "POST", body: form });

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: expect.objectContaining({ field: "date", code: "not_a_calendar_date" }),
    });
  });

  it("a review edit to 1998-02-30 is refused with 400 naming the field; the item keeps its date", async () => {
    // Prepare
    app = createTestApp();
    const [notice] = await itemsOf(app, [NOTICE]);

    // Act
    const response = await app.request(`/api/archive/items/${notice.id}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ date: "1998-02-30" }),
    });
    const after = await (await app.request(`/api/archive/items/${notice.id}`)).json();
    const page = await (await app.request(`/archive/items/${notice.id}`, { editor: false })).text();

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: expect.objectContaining({
        field: "date",
        code: "not_a_calendar_date",
        message: expect.stringContaining("1998-02-30"),
      }),
    });
    expect(after.date).toBe("2017-05-03");
    expect(page).not.toContain("1998-02-30");
  });

  it("a review edit sets the date and which date it is; clearing the date clears its kind", async () => {
    // Prepare
    app = createTestApp();
    const [notice] = await itemsOf(app, [NOTICE]);
    const put = (body: unknown) =>
      app.request(`/api/archive/items/${notice.id}`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });

    // Act
    const corrected = await (await put({ date: "2017-05-04" })).json();
    const published = await (await put({ date: "2017-05-10", dateKind: "published" })).json();
    const badKind = await put({ dateKind: "printed" });
    const cleared = await (await put({ date: null })).json();

    // Assess
    expect(corrected).toMatchObject({
      date: "2017-05-04",
      dateKind: "written",
      dates: [{ kind: "written", date: "2017-05-04" }],
    });
    expect(published).toMatchObject({ date: "2017-05-10", dateKind: "published" });
    expect(badKind.status).toBe(400);
    expect(cleared.date).toBeUndefined();
    expect(cleared.dateKind).toBeUndefined();
    expect(cleared.history.at(-1).changes).toEqual({
      date: { from: "2017-05-10", to: null },
      dateKind: { from: "published", to: null },
    });
  });
});

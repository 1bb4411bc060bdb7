import { afterEach, describe, expect, it } from "vitest";
import { fieldMappingFromEnv } from "../../src/archive/ingest/formats/json.js";
import { createTestApp, type TestApp } from "../support/local-app.js";
import { drainArchiveQueue } from "./harness.js";

async function ingest(app: TestApp, body: unknown) {
  const response = await app.request("/api/archive/texts", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { response, body: (await response.json()) as { job: { id: string } } & Record<string, unknown> };
}

async function itemsOf(app: TestApp, jobId: string) {
  await drainArchiveQueue(app.container.platform.queues, app.container.archive.handler);
  const job = await (await app.request(`/api/archive/jobs/${jobId}`)).json();
  return Promise.all(
    (job.items as { id: string }[]).map(async (i) =>
      (await app.request(`/api/archive/items/${i.id}`)).json(),
    ),
  );
}

const LAW_RECORD = {
  法規性質: "命令",
  法規名稱: "公務人員考績法施行細則",
  最新異動日期: "20230615",
  法規內容: [
    { 編章節: "第 一 章 總則" },
    { 條號: "第 1 條", 條文內容: "本細則依公務人員考績法第二十四條規定訂定之。" },
  ],
};

const LABELLED_PAGE = `<div class="xxgk"><table>
<tr><td>索 引 号：</td><td>014500339/2020-13384</td><td>主题分类：</td><td>综合政务</td></tr>
<tr><td>发文机关：</td><td>江西省人民政府</td><td>成文日期：</td><td>2020-02-19</td></tr>
<tr><td>标　　题：</td><td colspan="3">江西省人民政府关于鹰潭港总体规划的批复</td></tr>
<tr><td>发文字号：</td><td>赣府字〔2020〕11号</td><td>发布日期：</td><td>2020-02-24</td></tr>
</table></div>
<div class="article"><p>鹰潭市人民政府、省交通运输厅：</p><p>你们报来的请示收悉。现批复如下。</p></div>`;

describe("text ingest of every format", () => {
  let app: TestApp;
  afterEach(() => app.close());

  it("makes one item of a law-database JSON record, titled by its field, its text the articles and never raw JSON", async () => {
    // Prepare
    app = createTestApp();

    // Act
    const { response, body } = await ingest(app, {
      documents: [{ text: JSON.stringify(LAW_RECORD), ref: "moj/S0020002" }],
    });
    const items = await itemsOf(app, body.job.id);

    // Assess
    expect(response.status).toBe(202);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      title: "公務人員考績法施行細則",
      kind: "細則",
      date: "2023-06-15",
      ref: "moj/S0020002",
    });
    expect(items[0].text).toContain("第 1 條\u3000本細則依公務人員考績法第二十四條規定訂定之。");
    expect(items[0].text).not.toContain("{");
    expect(items[0].text).not.toContain("法規名稱");
  });

  it("reads a 信息公开 page's labelled fields as the item's metadata, not as its text", async () => {
    // Prepare
    app = createTestApp();

    // Act
    const { body } = await ingest(app, { documents: [{ text: LABELLED_PAGE }] });
    const [item] = await itemsOf(app, body.job.id);

    // Assess
    expect(item).toMatchObject({
      title: "江西省人民政府关于鹰潭港总体规划的批复",
      docNumber: "赣府字〔2020〕11号",
      issuers: ["江西省人民政府"],
      date: "2020-02-19",
      kind: "批复",
    });
    expect(item.text).not.toContain("索");
    expect(item.text).not.toContain("标");
    expect(item.text).toContain("你们报来的请示收悉。现批复如下。");
  });

  it("uses the request's JSON field names and makes one item per record of an array", async () => {
    // Prepare
    app = createTestApp();
    const dump = [
      { fgmc: "四川省档案管理办法", gbrq: "2017-06-01", zw: "第一条 为了加强档案管理，制定本办法。" },
      { fgmc: "四川省森林防火办法", gbrq: "2016-05-20", zw: "第一条 为了预防森林火灾，制定本办法。" },
    ];

    // Act
    const { body } = await ingest(app, {
      documents: [{ text: JSON.stringify(dump) }],
      fields: { title: ["fgmc"], dates: { gbrq: "published" }, body: ["zw"] },
    });
    const items = await itemsOf(app, body.job.id);

    // Assess
    expect(items.map((i) => [i.title, i.date])).toEqual([
      ["四川省档案管理办法", "2017-06-01"],
      ["四川省森林防火办法", "2016-05-20"],
    ]);
  });

  it("refuses a malformed field mapping with the failing field", async () => {
    // Prepare
    app = createTestApp();

    // Act
    const { response, body } = await ingest(app, {
      documents: [{ text: "{}" }],
      fields: { dates: { gbrq: "someday" } },
    });

    // Assess
    expect(response.status).toBe(400);
    expect(body).toEqual({ error: expect.objectContaining({ field: "fields.dates.gbrq" }) });
  });
});

describe("the deployment's JSON field mapping", () => {
  it("is read from GAZETTE_ARCHIVE_JSON_FIELDS", () => {
    // Act
    const mapping = fieldMappingFromEnv({
      GAZETTE_ARCHIVE_JSON_FIELDS: '{"title":["fgmc"],"dates":{"gbrq":"published"}}',
    });

    // Assess
    expect(mapping).toEqual({ title: ["fgmc"], dates: { gbrq: "published" } });
    expect(fieldMappingFromEnv({})).toBeUndefined();
  });

  it("names the variable when it is malformed", () => {
    // Assess
    expect(() => fieldMappingFromEnv({ GAZETTE_ARCHIVE_JSON_FIELDS: "{title:" })).toThrow(
      /GAZETTE_ARCHIVE_JSON_FIELDS/,
    );
    expect(() => fieldMappingFromEnv({ GAZETTE_ARCHIVE_JSON_FIELDS: '{"titel":["x"]}' })).toThrow(
      /GAZETTE_ARCHIVE_JSON_FIELDS/,
    );
  });
});

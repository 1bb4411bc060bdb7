import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/local-app.js";
import { aSearchDocument } from "./fixtures.js";

describe("GET /api/search and the /search page", () => {
  let app: TestApp;

  beforeAll(async () => {
    app = createTestApp();
    await app.container.search.index([
      aSearchDocument({
        id: "a",
        title: "关于加强安全生产的通知",
        docNumber: "川府发〔2024〕12号",
        text: "为加强安全生产<工作>，现通知如下。",
      }),
      aSearchDocument({
        id: "archive:1",
        source: "archive",
        ref: "box-1",
        title: "國務院關於安全生產的決定",
        issuers: ["国务院"],
        kind: "决定",
        date: "1985-05-01",
        text: "安全生產是國家的基本要求。",
        url: "/archive/items/1.html",
      }),
    ]);
  });
  afterAll(() => app.close());

  it("answers without authentication with hits, facets and the documented fields", async () => {
    // Act
    const res = await app.request(`/api/search?q=${encodeURIComponent("安全")}`, { editor: false });
    // Assess
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total: number; hits: Record<string, unknown>[]; facets: unknown };
    expect(body.total).toBe(2);
    expect(Object.keys(body.hits[0]!).sort()).toEqual(
      [
        "id",
        "ref",
        "title",
        "docNumber",
        "issuers",
        "date",
        "dateKind",
        "snippet",
        "url",
        "source",
        "score",
      ].sort(),
    );
    expect(body.facets).toMatchObject({ source: { gazette: 1, archive: 1 } });
    expect(body.hits.find((h) => h.id === "archive:1")).toMatchObject({ ref: "box-1", source: "archive" });
  });

  it("pages with the cursor it returns", async () => {
    // Act
    const first = (await (
      await app.request("/api/search?q=%E5%AE%89%E5%85%A8&limit=1", { editor: false })
    ).json()) as {
      hits: { id: string }[];
      cursor: string;
    };
    const second = (await (
      await app.request(`/api/search?q=%E5%AE%89%E5%85%A8&limit=1&cursor=${first.cursor}`, { editor: false })
    ).json()) as { hits: { id: string }[]; cursor: string | null };
    // Assess
    expect([...first.hits, ...second.hits].map((h) => h.id).sort()).toEqual(["a", "archive:1"]);
    expect(second.cursor).toBeNull();
  });

  it.each([
    ["year=abcd", "year"],
    ["from=2024-02-30", "from"],
    ["from=2024-05-01&to=2024-01-01", "to"],
    ["source=web", "source"],
    ["limit=1000", "limit"],
    ["limit=0", "limit"],
    ["cursor=bm90LWEtY3Vyc29y", "cursor"],
    [`q=${"安".repeat(201)}`, "q"],
    ["q=a&q=b", "q"],
  ])("refuses %s with 400 naming the field", async (params, field) => {
    // Act
    const res = await app.request(`/api/search?${params}`, { editor: false });
    // Assess
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { field: string; code: string; message: string } };
    expect(error.field).toBe(field);
    expect(error.message).not.toBe("");
  });

  it.each([["bogus"], ["废止"]])(
    "refuses status=%s with 400 naming the field and the allowed values",
    async (value) => {
      // Act
      const res = await app.request(`/api/search?status=${encodeURIComponent(value)}`, { editor: false });
      // Assess
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { field: string; code: string; message: string } };
      expect(error).toMatchObject({ field: "status", code: "invalid" });
      expect(error.message).toContain("有效, 已修改, 已废止, 失效");
    },
  );

  it("accepts each documented status value", async () => {
    // Act
    const statuses = await Promise.all(
      ["有效", "已修改", "已废止", "失效"].map(
        async (v) =>
          (await app.request(`/api/search?status=${encodeURIComponent(v)}`, { editor: false })).status,
      ),
    );
    // Assess
    expect(statuses).toEqual([200, 200, 200, 200]);
  });

  it("renders the search page without JavaScript: a GET form, escaped results, facets as links", async () => {
    // Act
    const res = await app.request(`/search?q=${encodeURIComponent("安全生产")}`, { editor: false });
    // Assess
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain("<script");
    expect(html).toMatch(/<form[^>]*role="search"[^>]*action="\/search"[^>]*method="get"/);
    expect(html).toContain('<label for="search-q">');
    expect(html).toContain('value="安全生产"');
    expect(html).toContain('<a href="/documents/a.html">关于加强安全生产的通知</a>');
    expect(html).toContain("为加强<mark>安全生产</mark>&lt;工作&gt;");
    // Handlebars escapes = and & in attributes; browsers decode them back.
    const decoded = html.replaceAll("&#x3D;", "=").replaceAll("&amp;", "&");
    expect(decoded).toContain(`href="/search?q=${encodeURIComponent("安全生产")}&source=archive"`);
    expect(html).toContain('<a href="/search">检索</a>');
  });

  it("escapes the query it echoes on the page", async () => {
    // Act
    const res = await app.request(`/search?q=${encodeURIComponent('"><script>alert(1)</script>')}`, {
      editor: false,
    });
    // Assess
    const html = await res.text();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("shows the problem on the page with 400 for a bad filter", async () => {
    // Act
    const res = await app.request("/search?q=%E5%AE%89&year=abcd", { editor: false });
    // Assess
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("year must be a number");
  });

  it("shows the problem on the page with 400 for an unknown status", async () => {
    // Act
    const res = await app.request(`/search?q=%E5%AE%89&status=${encodeURIComponent("废止")}`, {
      editor: false,
    });
    // Assess
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("status must be one of 有效, 已修改, 已废止, 失效");
  });

  it("filters by a facet link's parameters", async () => {
    // Act
    const res = await app.request(`/search?q=${encodeURIComponent("安全")}&source=archive`, {
      editor: false,
    });
    // Assess
    const html = await res.text();
    expect(html).toContain("國務院關於安全生產的決定");
    expect(html).not.toContain("关于加强安全生产的通知");
    expect(html).toContain("取消条件 历史档案");
  });
});

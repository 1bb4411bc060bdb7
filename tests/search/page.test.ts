import { describe, expect, it } from "vitest";
import { renderSearchPage } from "../../src/search/page.js";
import type { SearchResult } from "../../src/search/ports.js";
import { all, allMatching, headingLevels, parseHtml, text } from "../site/html.js";

const gazette = { name: "四川省人民政府公报", publisher: "四川省人民政府办公厅", sections: [] };
const HOSTILE = `关于<script>alert("x")</script>&'测试'的通知`;
const result: SearchResult = {
  total: 2,
  hits: [
    {
      id: "a",
      title: HOSTILE,
      docNumber: "川府发〔2024〕12号",
      issuers: ["四川省人民政府", "四川省财政厅"],
      date: "2024-03-01",
      snippet: "为加强<mark>安全</mark>生产&lt;工作&gt;",
      url: "/documents/a.html",
      source: "gazette",
      score: 3.2,
    },
    {
      id: "archive:1",
      ref: "box-1",
      title: "國務院關於安全生產的決定",
      issuers: ["国务院"],
      snippet: "<mark>安全</mark>生產",
      url: "/archive/items/1.html",
      source: "archive",
      score: 1.1,
    },
  ],
  facets: {
    issuer: { 四川省人民政府: 1, 国务院: 1 },
    kind: { 通知: 1 },
    year: { "2024": 1 },
    source: { gazette: 1, archive: 1 },
    status: { 有效: 1 },
  },
  cursor: "next-page",
};

const pages: [string, string][] = [
  ["empty form", renderSearchPage({ gazette, query: {} })],
  [
    "results with facets and a next page",
    renderSearchPage({ gazette, query: { q: "安全", year: 2024 }, result }),
  ],
  [
    "no results",
    renderSearchPage({ gazette, query: { q: "无" }, result: { ...result, total: 0, hits: [] } }),
  ],
  [
    "a refused filter",
    renderSearchPage({
      gazette,
      query: { q: "安全" },
      errors: [{ field: "year", code: "invalid", message: "year must be a number" }],
    }),
  ],
];

describe.each(pages)("search page: %s", (_name, html) => {
  const doc = parseHtml(html);

  it("is a plain GET form with a labelled search field and no script", () => {
    const form = all(doc, "form")[0]!;
    expect(form.attribs).toMatchObject({ method: "get", action: "/search", role: "search" });
    const input = all(form, "input").find((i) => i.attribs.name === "q")!;
    const label = all(doc, "label").find((l) => l.attribs.for === input.attribs.id);
    expect(label && text(label)).toBeTruthy();
    expect(all(doc, "script")).toHaveLength(0);
  });

  it("has one h1, no skipped heading levels, labelled navigation and unique ids", () => {
    const levels = headingLevels(doc);
    expect(levels.filter((l) => l === 1)).toHaveLength(1);
    for (let i = 1; i < levels.length; i++) expect(levels[i]!).toBeLessThanOrEqual(levels[i - 1]! + 1);
    for (const nav of all(doc, "nav"))
      expect(nav.attribs["aria-label"] ?? nav.attribs["aria-labelledby"]).toBeTruthy();
    const ids = allMatching(doc, (el) => el.attribs.id !== undefined).map((el) => el.attribs.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const a of all(doc, "a")) expect(text(a) || a.attribs["aria-label"]).toBeTruthy();
  });
});

describe("search page content", () => {
  const html = pages[1]![1];

  it("escapes titles and keeps only the snippet's <mark>", () => {
    expect(html).not.toContain("<script>alert");
    expect(html).toContain(
      "关于&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#x27;测试&#x27;的通知",
    );
    expect(html).toContain("为加强<mark>安全</mark>生产&lt;工作&gt;");
  });

  it("links facet values, a way to drop each chosen filter, and the next page", () => {
    const doc = parseHtml(html);
    const hrefs = all(doc, "a").map((a) => a.attribs.href ?? "");
    expect(hrefs).toContain("/search?q=%E5%AE%89%E5%85%A8&year=2024&source=archive");
    expect(hrefs).toContain("/search?q=%E5%AE%89%E5%85%A8");
    expect(hrefs).toContain("/search?q=%E5%AE%89%E5%85%A8&year=2024&cursor=next-page&start=3");
    expect(text(doc)).toContain("共找到 2 件");
  });
});

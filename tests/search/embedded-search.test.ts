import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteSearchIndex } from "../../src/search/embedded/sqlite-search.js";
import { SearchQueryError } from "../../src/search/errors.js";
import type { SearchQuery } from "../../src/search/ports.js";
import { aSearchDocument } from "./fixtures.js";

describe("embedded search (SQLite FTS5 over CJK bigrams)", () => {
  let dir: string;
  let index: SqliteSearchIndex;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "gazette-search-"));
    index = new SqliteSearchIndex(join(dir, "search.sqlite"));
  });
  afterEach(() => {
    index.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ids = async (query: SearchQuery) => (await index.search(query)).hits.map((h) => h.id);

  it("finds a two-character word anywhere in the text", async () => {
    // Prepare
    await index.index([
      aSearchDocument({ id: "a", text: "为进一步加强安全生产工作，现通知如下。" }),
      aSearchDocument({ id: "b", text: "做好防汛抗旱工作。" }),
    ]);
    // Act
    const result = await index.search({ q: "安全" });
    // Assess
    expect(result.hits.map((h) => h.id)).toEqual(["a"]);
    expect(result.total).toBe(1);
  });

  it("finds a single character, also as the last character of a run", async () => {
    // Prepare
    await index.index([
      aSearchDocument({ id: "a", title: "通知", text: "请认真执行。" }),
      aSearchDocument({ id: "b", title: "通知", text: "成都市" }),
      aSearchDocument({ id: "c", title: "通知", text: "没有那个字" }),
    ]);
    // Act
    const withExecute = await ids({ q: "执" });
    const withCity = await ids({ q: "市" });
    // Assess
    expect(withExecute).toEqual(["a"]);
    expect(withCity).toEqual(["b"]);
  });

  it("finds Simplified text with a Traditional query and Traditional text with a Simplified one", async () => {
    // Prepare
    await index.index([
      aSearchDocument({ id: "simplified", title: "通知", text: "加强环境保护工作" }),
      aSearchDocument({ id: "traditional", title: "通知", text: "加強環境保護工作", source: "archive" }),
    ]);
    // Act
    const fromTraditional = await ids({ q: "環境保護" });
    const fromSimplified = await ids({ q: "环境保护" });
    // Assess
    expect(fromTraditional.sort()).toEqual(["simplified", "traditional"]);
    expect(fromSimplified.sort()).toEqual(["simplified", "traditional"]);
  });

  it("keeps the original script in snippets while highlighting the match", async () => {
    // Prepare
    await index.index([aSearchDocument({ id: "t", text: "一九八五年國務院關於環境保護的決定" })]);
    // Act
    const [hit] = (await index.search({ q: "环境保护" })).hits;
    // Assess
    expect(hit?.snippet).toBe("一九八五年國務院關於<mark>環境保護</mark>的決定");
  });

  it("puts the document whose 发文字号 is the query first, however the number is typed", async () => {
    // Prepare: other documents cite the number in their text many times.
    await index.index([
      aSearchDocument({
        id: "citing1",
        text: "根据川府发〔2024〕12号。川府发〔2024〕12号要求。川府发〔2024〕12号",
      }),
      aSearchDocument({ id: "citing2", title: "关于贯彻川府发〔2024〕12号的通知" }),
      aSearchDocument({ id: "target", docNumber: "川府发〔2024〕12号", title: "关于加强管理的通知" }),
      aSearchDocument({ id: "other", docNumber: "川府发〔2024〕13号" }),
    ]);
    // Act
    const spellings = [
      "川府发〔2024〕12号",
      "川府发[2024]12号",
      "川府发［２０２４］１２号",
      "川府發〔2024〕12號",
      " 川府发 (2024) 12号 ",
    ];
    const firsts = await Promise.all(spellings.map(async (q) => (await ids({ q }))[0]));
    // Assess
    expect(firsts).toEqual(spellings.map(() => "target"));
  });

  it("finds an order by the short forms people search it with, text or no text", async () => {
    // Prepare: the documents print the full form only, so the short forms are not in any text.
    await index.index([
      aSearchDocument({
        id: "order",
        docNumber: "中华人民共和国国务院令第707号",
        title: "国务院关于修改部分行政法规的决定",
        text: "中华人民共和国国务院令 第707号",
      }),
      aSearchDocument({
        id: "joint",
        docNumber: "中华人民共和国国务院、中央军事委员会令第602号",
        title: "军人抚恤优待条例",
        text: "现公布修订后的《军人抚恤优待条例》",
      }),
      aSearchDocument({ id: "other", docNumber: "中华人民共和国国务院令第708号", text: "国令" }),
    ]);
    // Act
    const shortForms = await Promise.all(
      ["国务院令第707号", "国令第707号", "国务院令 第 0707 号"].map((q) => ids({ q })),
    );
    const joint = await ids({ q: "国务院令第602号" });
    // Assess
    for (const found of shortForms) expect(found[0]).toBe("order");
    expect(joint[0]).toBe("joint");
  });

  it("ranks a title match above a body match", async () => {
    // Prepare
    await index.index([
      aSearchDocument({
        id: "body",
        title: "关于工作的通知",
        text: "有关耕地保护的要求如下，另有其他事项若干。",
      }),
      aSearchDocument({
        id: "title",
        title: "关于耕地保护的通知",
        text: "各地要按照要求做好相关工作，另有其他事项若干。",
      }),
    ]);
    // Act
    const { hits } = await index.search({ q: "耕地" });
    const listed = await index.search({});
    // Assess
    expect(hits.map((h) => h.id)).toEqual(["title", "body"]);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    expect(hits[1]!.score).toBeGreaterThan(0);
    expect(listed.hits.map((h) => h.score)).toEqual([0, 0]);
  });

  it("filters by issuer, kind, year, dates, status and source, and counts facets over the matches", async () => {
    // Prepare
    await index.index([
      aSearchDocument({
        id: "a",
        issuers: ["四川省人民政府"],
        kind: "通知",
        date: "2023-05-01",
        status: "有效",
      }),
      aSearchDocument({
        id: "b",
        issuers: ["四川省人民政府", "四川省财政厅"],
        kind: "意见",
        date: "2024-02-01",
        status: "已废止",
      }),
      aSearchDocument({
        id: "c",
        issuers: ["四川省财政厅"],
        kind: "通知",
        date: "2024-07-01",
        source: "archive",
      }),
      aSearchDocument({ id: "d", title: "无关", text: "无关内容", date: "2024-01-01" }),
    ]);
    // Act
    const all = await index.search({ q: "方案" });
    // Assess
    expect(all.total).toBe(3);
    expect(all.facets).toEqual({
      issuer: { 四川省人民政府: 2, 四川省财政厅: 2 },
      kind: { 通知: 2, 意见: 1 },
      year: { "2024": 2, "2023": 1 },
      source: { gazette: 2, archive: 1 },
      status: { 有效: 2, 已废止: 1 },
    });
    expect((await ids({ q: "方案", issuer: "四川省财政厅" })).sort()).toEqual(["b", "c"]);
    expect((await ids({ q: "方案", kind: "通知" })).sort()).toEqual(["a", "c"]);
    expect((await ids({ q: "方案", year: 2024 })).sort()).toEqual(["b", "c"]);
    expect((await ids({ q: "方案", from: "2024-01-01", to: "2024-06-30" })).sort()).toEqual(["b"]);
    expect(await ids({ q: "方案", status: "已废止" })).toEqual(["b"]);
    expect(await ids({ q: "方案", source: "archive" })).toEqual(["c"]);
    expect((await index.search({ q: "方案", year: 2024 })).facets.year).toEqual({ "2024": 2 });
  });

  it("lists newest first when there is no query text", async () => {
    // Prepare
    await index.index([
      aSearchDocument({ id: "old", date: "2020-01-01" }),
      aSearchDocument({ id: "new", date: "2024-01-01" }),
      aSearchDocument({ id: "mid", date: "2022-01-01" }),
    ]);
    // Act
    const listed = await ids({});
    // Assess
    expect(listed).toEqual(["new", "mid", "old"]);
  });

  it("escapes HTML in snippets and marks only the matches", async () => {
    // Prepare
    await index.index([aSearchDocument({ id: "x", text: '<script>alert("安全")</script> & 安全' })]);
    // Act
    const [hit] = (await index.search({ q: "安全" })).hits;
    // Assess
    expect(hit?.snippet).toBe(
      "&lt;script&gt;alert(&quot;<mark>安全</mark>&quot;)&lt;/script&gt; &amp; <mark>安全</mark>",
    );
  });

  it.each([
    ["ranked", "工作"],
    ["listed", undefined],
  ])("pages through every %s hit exactly once with the cursor", async (_name, q) => {
    // Prepare: equal scores and equal dates, so only the tiebreak orders them.
    const docs = Array.from({ length: 53 }, (_, i) =>
      aSearchDocument({ id: `d${String(i).padStart(2, "0")}`, date: i % 2 ? "2024-01-01" : "2023-01-01" }),
    );
    await index.index(docs);
    // Act
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await index.search({ ...(q ? { q } : {}), limit: 10, ...(cursor ? { cursor } : {}) });
      expect(page.total).toBe(53);
      seen.push(...page.hits.map((h) => h.id));
      cursor = page.cursor;
      pages++;
    } while (cursor && pages < 20);
    // Assess
    expect(pages).toBe(6);
    expect(seen).toHaveLength(53);
    expect(new Set(seen).size).toBe(53);
  });

  it("refuses a cursor from another query", async () => {
    // Prepare
    await index.index(Array.from({ length: 3 }, (_, i) => aSearchDocument({ id: `d${i}` })));
    const first = await index.search({ q: "工作", limit: 1 });
    // Act
    const other = index.search({ q: "方案", limit: 1, cursor: first.cursor! });
    // Assess
    await expect(other).rejects.toBeInstanceOf(SearchQueryError);
  });

  it("replaces a document indexed again under the same id", async () => {
    // Prepare
    await index.index([aSearchDocument({ id: "a", title: "旧标题", text: "旧的内容", issuers: ["旧机关"] })]);
    // Act
    await index.index([aSearchDocument({ id: "a", title: "新标题", text: "新的内容", issuers: ["新机关"] })]);
    // Assess
    expect(await ids({ q: "旧的" })).toEqual([]);
    const now = await index.search({ q: "新的" });
    expect(now.hits.map((h) => [h.id, h.title])).toEqual([["a", "新标题"]]);
    expect(now.facets.issuer).toEqual({ 新机关: 1 });
    expect((await index.search({})).total).toBe(1);
  });

  it("keeps filters and facets current across writes between searches, its own and another process's", async () => {
    // Prepare
    const other = new SqliteSearchIndex(join(dir, "search.sqlite"));
    await index.index([aSearchDocument({ id: "a", kind: "通知" })]);
    expect((await index.search({ q: "方案" })).facets.kind).toEqual({ 通知: 1 });
    // Act
    await index.index([
      aSearchDocument({ id: "a", kind: "意见" }),
      aSearchDocument({ id: "b", kind: "通知" }),
    ]);
    const afterOwn = await index.search({ q: "方案", kind: "意见" });
    await other.index([aSearchDocument({ id: "c", kind: "决定" })]);
    await other.remove(["b"]);
    const afterOther = await index.search({ q: "方案" });
    other.close();
    // Assess
    expect(afterOwn.hits.map((h) => h.id)).toEqual(["a"]);
    expect(afterOther.facets.kind).toEqual({ 意见: 1, 决定: 1 });
    expect(afterOther.hits.map((h) => h.id).sort()).toEqual(["a", "c"]);
  });

  it("forgets removed documents", async () => {
    // Prepare
    await index.index([aSearchDocument({ id: "a" }), aSearchDocument({ id: "b" })]);
    // Act
    await index.remove(["a", "missing"]);
    // Assess
    expect(await ids({ q: "方案" })).toEqual(["b"]);
  });

  it("returns the client reference of archive items", async () => {
    // Prepare
    await index.index([aSearchDocument({ id: "archive:1", source: "archive", ref: "box-7/12" })]);
    // Act
    const [hit] = (await index.search({ q: "方案" })).hits;
    // Assess
    expect(hit).toMatchObject({ id: "archive:1", ref: "box-7/12", source: "archive" });
  });

  it("refuses bad filters with the field and the reason", async () => {
    // Act
    const failure = await index.search({ q: "方案", from: "2024-13-01", limit: 0 }).catch((e) => e);
    // Assess
    expect(failure).toBeInstanceOf(SearchQueryError);
    expect((failure as SearchQueryError).problems.map((p) => p.field).sort()).toEqual(["from", "limit"]);
  });
});

describe("embedded search on a broad query (more matches than are ranked by bm25)", () => {
  it("lists title matches first, then the rest newest first, every hit once across pages", async () => {
    // Prepare: a rank limit of 3, so five matches take the broad-query order.
    const dir = mkdtempSync(join(tmpdir(), "gazette-search-"));
    const index = new SqliteSearchIndex(join(dir, "search.sqlite"), { fullRankLimit: 3 });
    await index.index([
      aSearchDocument({ id: "body-old", title: "通知", text: "耕地保护", date: "2020-01-01" }),
      aSearchDocument({ id: "title", title: "关于耕地保护的通知", text: "内容", date: "2019-01-01" }),
      aSearchDocument({ id: "body-new", title: "通知", text: "耕地保护", date: "2024-01-01" }),
      aSearchDocument({ id: "body-mid", title: "通知", text: "耕地保护", date: "2022-01-01" }),
      aSearchDocument({ id: "number", docNumber: "川府发〔2024〕9号", title: "通知", text: "耕地" }),
      aSearchDocument({ id: "none", title: "通知", text: "无关" }),
    ]);
    // Act
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await index.search({ q: "耕地", limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.hits.map((h) => h.id));
      cursor = page.cursor;
    } while (cursor);
    const byNumber = await index.search({ q: "川府发〔2024〕9号" });
    // Assess
    // "number" is dated 2024-03-01 (the fixture default): the newest body match.
    expect(seen).toEqual(["title", "number", "body-new", "body-mid", "body-old"]);
    expect(byNumber.hits[0]?.id).toBe("number");
    index.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

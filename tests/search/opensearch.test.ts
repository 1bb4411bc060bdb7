import { describe, expect, it } from "vitest";
import { SearchQueryError } from "../../src/search/errors.js";
import { mapFragment, OpenSearchIndex } from "../../src/search/opensearch/opensearch-search.js";
import {
  BOOSTS,
  buildSearchRequest,
  MARK_CLOSE,
  MARK_OPEN,
  toIndexedDocument,
} from "../../src/search/opensearch/query.js";
import type { SearchQuery } from "../../src/search/ports.js";
import { aSearchDocument } from "./fixtures.js";

type Bool = { filter: unknown[]; should?: unknown[]; must?: unknown[]; minimum_should_match?: number };
const boolOf = (q: SearchQuery) => (buildSearchRequest(q).body.query as { bool: Bool }).bool;

describe("OpenSearch query building", () => {
  it("matches each folded Han run as a phrase over title, meta and text with the title boosted", () => {
    // Act
    const bool = boolOf({ q: "環境保護 規劃" });
    // Assess
    expect(bool.should).toEqual([
      {
        bool: {
          must: [
            {
              multi_match: {
                query: "环境保护",
                type: "phrase",
                fields: [`title_s^${BOOSTS.title}`, `meta_s^${BOOSTS.meta}`, `text_s^${BOOSTS.text}`],
              },
            },
            expect.objectContaining({ multi_match: expect.objectContaining({ query: "规划" }) }),
          ],
          should: [
            {
              multi_match: {
                query: "环境保护",
                type: "phrase",
                fields: [`title_s^${BOOSTS.title}`],
                boost: BOOSTS.titlePhrase,
              },
            },
            expect.objectContaining({ multi_match: expect.objectContaining({ query: "规划" }) }),
          ],
        },
      },
    ]);
    expect(bool.minimum_should_match).toBe(1);
  });

  type Phrase = { multi_match: { query: string; fields: string[] } };
  const phrasesOf = (q: string) =>
    ((boolOf({ q }).should as { bool: { must: Phrase[] } }[])[0]!.bool.must ?? []).map((c) => c.multi_match);

  it("matches Han text that touches digits or letters as one phrase with them, as the text has it", () => {
    // Act
    const phrases = phrasesOf("24小时值班 领导带班");
    // Assess
    expect(phrases.map((p) => p.query)).toEqual(["24小时值班", "领导带班"]);
    expect(phrases[0]!.fields).toEqual([
      `title_s^${BOOSTS.title}`,
      `meta_s^${BOOSTS.meta}`,
      `text_s^${BOOSTS.text}`,
    ]);
  });

  it("sends a phrase with a lone Han character beside digits to the unigram sub-fields", () => {
    // Act
    const [phrase] = phrasesOf("第60号");
    // Assess
    expect(phrase!.query).toBe("第60号");
    expect(phrase!.fields).toEqual([
      `title_s.uni^${BOOSTS.title}`,
      `meta_s.uni^${BOOSTS.meta}`,
      `text_s.uni^${BOOSTS.text}`,
    ]);
  });

  it("matches a number-shaped query as text in its canonical spelling and finds longer and shorter stored forms", () => {
    // Act
    const bool = boolOf({ q: "国务院令 第0588號" });
    const phrases = phrasesOf("国务院令 第0588號");
    // Assess
    expect(phrases.map((p) => p.query)).toEqual(["国务院令第588号"]);
    expect(bool.should).toContainEqual({
      term: { docKey: { value: "国务院令第588号", boost: BOOSTS.docKey } },
    });
    expect(bool.should).toContainEqual({
      wildcard: { docKey: { value: "*国务院令第588号", boost: BOOSTS.relatedDocKey } },
    });
    expect(bool.should).toContainEqual({
      terms: { docKey: ["务院令第588号", "院令第588号"], boost: BOOSTS.relatedDocKey },
    });
    expect(bool.should).toContainEqual({
      multi_match: {
        query: "国务院令第588号",
        type: "phrase",
        slop: 2,
        fields: [`title_s.uni^${BOOSTS.title}`, `meta_s.uni^${BOOSTS.meta}`, `text_s.uni^${BOOSTS.text}`],
      },
    });
  });

  it("indexes and queries numbers without their leading zeros, keeping positions for highlights", () => {
    // Act
    const doc = toIndexedDocument(
      aSearchDocument({ id: "roc", text: "院臺交字第0950001993號，附件x01、2000年" }),
    );
    const [phrase] = phrasesOf("院台交字第00950001993号");
    // Assess
    expect(doc.text_s).toBe("院台交字第 950001993号,附件x01、2000年");
    expect(phrase!.query).toBe("院台交字第950001993号");
    expect(mapFragment("院臺交字第0950001993號", `院台交字第 ${MARK_OPEN}950001993${MARK_CLOSE}号`)).toBe(
      "院臺交字第0<mark>950001993</mark>號",
    );
  });

  it("matches a bare 第N号 only as its own exact number", () => {
    // Act
    const bool = boolOf({ q: "第12号" });
    // Assess
    expect(bool.should).toContainEqual({ term: { docKey: { value: "第12号", boost: BOOSTS.docKey } } });
    expect(JSON.stringify(bool.should)).not.toContain("wildcard");
  });

  it("sends one-character queries to the unigram sub-fields", () => {
    // Act
    const bool = boolOf({ q: "國" });
    // Assess
    const should = bool.should as {
      bool: { must: { multi_match: { query: string; fields: string[] } }[] };
    }[];
    const clause = should[0]!.bool.must[0]!;
    expect(clause.multi_match.query).toBe("国");
    expect(clause.multi_match.fields).toEqual([
      `title_s.uni^${BOOSTS.title}`,
      `meta_s.uni^${BOOSTS.meta}`,
      `text_s.uni^${BOOSTS.text}`,
    ]);
  });

  it("boosts the document whose normalised 发文字号 is the query", () => {
    // Act
    const bool = boolOf({ q: "川府發［２０２４］０１２號" });
    // Assess
    expect(bool.should).toContainEqual({
      term: { docKey: { value: "川府发〔2024〕12号", boost: BOOSTS.docKey } },
    });
  });

  it("indexes every key a joint order answers to and looks up short forms by their key", () => {
    // Act
    const doc = toIndexedDocument(
      aSearchDocument({ id: "j", docNumber: "中华人民共和国国务院、中央军事委员会令第602号" }),
    );
    const bool = boolOf({ q: "国令第602号" });
    // Assess
    expect(doc.docKey).toEqual(["国务院、中央军事委员会令第602号", "国务院令第602号"]);
    expect(bool.should).toContainEqual({
      term: { docKey: { value: "国务院令第602号", boost: BOOSTS.docKey } },
    });
  });

  it("turns every filter into a non-scoring filter clause", () => {
    // Act
    const bool = boolOf({
      q: "通知",
      issuer: "四川省人民政府",
      kind: "通知",
      status: "有效",
      source: "archive",
      year: 2024,
      from: "2024-01-01",
      to: "2024-06-30",
    });
    // Assess
    expect(bool.filter).toEqual([
      { term: { issuers: "四川省人民政府" } },
      { term: { kind: "通知" } },
      { term: { status: "有效" } },
      { term: { source: "archive" } },
      { term: { year: "2024" } },
      { range: { date: { gte: "2024-01-01", lte: "2024-06-30" } } },
    ]);
  });

  it("asks for exact totals, facet aggregations, highlight, and a total sort order for search_after", () => {
    // Act
    const { body } = buildSearchRequest({ q: "安全", limit: 10 });
    // Assess
    expect(body.track_total_hits).toBe(true);
    expect(body.size).toBe(11);
    expect(body.sort).toEqual([{ _score: { order: "desc" } }, { id: { order: "asc" } }]);
    expect(Object.keys(body.aggs as object).sort()).toEqual(["issuer", "kind", "source", "status", "year"]);
    expect(body.highlight).toMatchObject({ fields: { text_s: { type: "unified" } } });
  });

  it("continues after the cursor's sort values, and refuses a cursor of another query", () => {
    // Prepare: a cursor as the adapter encodes it.
    const first = buildSearchRequest({ q: "安全" });
    const cursor = Buffer.from(JSON.stringify({ f: first.fingerprint, k: [3.5, "doc-9"] })).toString(
      "base64url",
    );
    // Act
    const next = buildSearchRequest({ q: "安全", cursor });
    const other = () => buildSearchRequest({ q: "环境", cursor });
    // Assess
    expect(next.body.search_after).toEqual([3.5, "doc-9"]);
    expect(other).toThrow(SearchQueryError);
  });

  it("lists newest first without query text", () => {
    // Act
    const { body } = buildSearchRequest({ source: "gazette" });
    // Assess
    expect(body.sort).toEqual([{ sortDate: { order: "desc" } }, { id: { order: "desc" } }]);
    expect(body.highlight).toBeUndefined();
  });

  it("indexes folded text beside the original and a normalised 发文字号 key", () => {
    // Act
    const doc = toIndexedDocument(
      aSearchDocument({
        id: "x",
        title: "國務院關於環境保護的決定",
        docNumber: "國發[1985]１號",
        text: "環境",
      }),
    );
    // Assess
    expect(doc).toMatchObject({
      title: "國務院關於環境保護的決定",
      title_s: "国务院关于环境保护的决定",
      text_s: "环境",
      docKey: ["国发〔1985〕1号"],
      year: "2024",
    });
  });

  it("maps a highlighted fragment of the folded text back onto the original script, escaped", () => {
    // Act
    const html = mapFragment(
      "前文。國務院關於<環境保護>的決定",
      `国务院关于<${MARK_OPEN}环境保护${MARK_CLOSE}>的决定`,
    );
    // Assess
    expect(html).toBe("…國務院關於&lt;<mark>環境保護</mark>&gt;的決定");
  });
});

/** Runs against a real cluster only when one is configured; nothing is registered otherwise. */
const clusterUrl = process.env.GAZETTE_TEST_OPENSEARCH_URL;
if (clusterUrl) {
  describe("OpenSearch adapter against a cluster", () => {
    it("finds 1- and 2-character and cross-script queries, the 发文字号 first, and pages every hit once", async () => {
      // Prepare
      const index = new OpenSearchIndex({
        url: clusterUrl,
        region: process.env.GAZETTE_TEST_OPENSEARCH_REGION,
        indexName: `gazette-test-${Date.now()}`,
        refresh: true,
      });
      await index.index([
        aSearchDocument({ id: "t", title: "關於環境保護的決定", text: "加強環境保護。", source: "archive" }),
        aSearchDocument({ id: "n", docNumber: "川府发〔2024〕12号", title: "关于加强管理的通知" }),
        ...Array.from({ length: 25 }, (_, i) => aSearchDocument({ id: `p${i}`, text: "安全生产工作" })),
      ]);
      // Act
      const twoChars = await index.search({ q: "环境" });
      const oneChar = await index.search({ q: "護" });
      const docNumber = await index.search({ q: "川府发[2024]12号" });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await index.search({ q: "安全", limit: 7, ...(cursor ? { cursor } : {}) });
        seen.push(...page.hits.map((h) => h.id));
        cursor = page.cursor;
      } while (cursor);
      // Assess
      expect(twoChars.hits.map((h) => h.id)).toEqual(["t"]);
      expect(twoChars.hits[0]?.snippet).toContain("<mark>環境</mark>");
      expect(oneChar.hits.map((h) => h.id)).toEqual(["t"]);
      expect(docNumber.hits[0]?.id).toBe("n");
      expect(new Set(seen).size).toBe(25);
      expect(seen).toHaveLength(25);
      index.close();
    });
  });
}

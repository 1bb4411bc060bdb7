import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OpenSearchIndex } from "../../src/search/opensearch/opensearch-search.js";
import { buildNearMissRequest } from "../../src/search/opensearch/query.js";
import { OpenSearchHttp } from "../../src/search/opensearch/rest.js";

type Span = { span_near: { clauses: ({ span_term: Record<string, string> } | Span)[]; slop: number } };

/** The characters of each alternative's two halves, and what the query leaves out between them. */
function alternatives(q: string): { left: string; right: string; field: string }[] {
  const built = buildNearMissRequest({ q })!;
  const must = (built.body.query as { bool: { must: { bool: { should: Span[] } }[] } }).bool.must;
  return must.flatMap((m) =>
    m.bool.should.map((alt) => {
      const [l, r] = alt.span_near.clauses as Span[];
      const chars = (s: Span) =>
        s.span_near.clauses
          .map((c) => Object.values((c as { span_term: Record<string, string> }).span_term)[0]!)
          .join("");
      const field = Object.keys(
        (l!.span_near.clauses[0] as { span_term: Record<string, string> }).span_term,
      )[0]!;
      return { left: chars(l!), right: chars(r!), field };
    }),
  );
}

describe("OpenSearch: a long query one or two characters off", () => {
  it("builds no near miss for a short query, a 发文字号 or no query text", () => {
    // Assess
    expect(buildNearMissRequest({ q: "执行领导带班值" })).toBeUndefined();
    expect(buildNearMissRequest({ q: "国办发〔2018〕115号" })).toBeUndefined();
    expect(buildNearMissRequest({})).toBeUndefined();
  });

  it("keeps the filters and matches the long segment as halves in order, on the unigram sub-fields", () => {
    // Act
    const built = buildNearMissRequest({ q: "海域工程排放油废水许可办法", kind: "辦法" })!;
    const bool = (built.body.query as { bool: { filter: unknown[] } }).bool;
    const alts = alternatives("海域工程排放油废水许可办法");

    // Assess
    expect(bool.filter).toEqual([{ term: { kind: "辦法" } }]);
    expect(alts).toContainEqual({ left: "海域工程排放油废", right: "水许可办法", field: "text_s.uni" });
    expect(alts).toContainEqual({ left: "海域工程排放油", right: "水许可办法", field: "title_s.uni" });
  });

  it("property: every alternative is the query with nothing or one character left out, three a half", () => {
    const HAN = Array.from("国务院办公厅关于印发加强安全生产工作的通知各市州人民政府");
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...HAN), { minLength: 8, maxLength: 40 }), (chars) => {
        // Prepare
        const q = chars.join("");

        // Act
        const alts = alternatives(q);

        // Assess
        expect(alts.length).toBeGreaterThan(0);
        for (const { left, right } of alts) {
          expect(left.length).toBeGreaterThanOrEqual(3);
          expect(right.length).toBeGreaterThanOrEqual(3);
          expect(q.startsWith(left) && q.endsWith(right)).toBe(true);
          expect([0, 1]).toContain(q.length - left.length - right.length);
        }
      }),
      { numRuns: 100 },
    );
  });

  /** An OpenSearch over fetch that records the search bodies it is sent and answers with the given totals in turn. */
  function recordingHttp(totals: number[]) {
    const sent: Record<string, unknown>[] = [];
    const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(String(input));
      if (init?.method === "HEAD") return new Response(null, { status: 200 });
      if (!url.pathname.endsWith("/_search")) return Response.json({});
      sent.push(JSON.parse(new TextDecoder().decode(init!.body as Uint8Array)) as Record<string, unknown>);
      const total = totals[sent.length - 1] ?? 0;
      const hits = Array.from({ length: total }, (_, i) => ({
        _score: 1,
        _source: { id: `d${i}`, source: "archive", title: "辦法", issuers: [], url: "/x", text: "" },
        sort: [1, `d${i}`],
      }));
      return Response.json({ hits: { total: { value: total }, hits }, aggregations: {} });
    }) as typeof fetch;
    return { http: new OpenSearchHttp({ url: "http://localhost:9200", fetch: fakeFetch }), sent };
  }

  it("sends the near miss only when the query as typed finds nothing", async () => {
    // Prepare
    const empty = recordingHttp([0, 1]);
    const found = recordingHttp([1]);
    const nothing = new OpenSearchIndex({ url: "http://localhost:9200", http: empty.http });
    const something = new OpenSearchIndex({ url: "http://localhost:9200", http: found.http });

    // Act
    const loosened = await nothing.search({ q: "海域工程排放油废水许可办法" });
    const exact = await something.search({ q: "海域工程排放油废水许可办法" });

    // Assess
    expect(empty.sent).toHaveLength(2);
    expect(JSON.stringify(empty.sent[1])).toContain("span_near");
    expect(loosened.hits.map((h) => h.id)).toEqual(["d0"]);
    expect(found.sent).toHaveLength(1);
    expect(exact.hits.map((h) => h.id)).toEqual(["d0"]);
  });
});

import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SearchUnavailableError } from "../../src/search/errors.js";
import { OpenSearchIndex } from "../../src/search/opensearch/opensearch-search.js";
import { OpenSearchHttp } from "../../src/search/opensearch/rest.js";
import { sigv4Problem } from "../support/sigv4-verifier.js";
import { aSearchDocument } from "./fixtures.js";

/** A stand-in for an OpenSearch domain: records each request and answers from `answer`. */
interface Received {
  readonly method: string;
  readonly target: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Uint8Array;
}
type Answer = (request: Received) => { status: number; body?: unknown };

const CREDENTIALS = {
  accessKeyId: "AKIDEXAMPLESEARCH",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSEARCHKEY",
  sessionToken: "FwoGZXIvYXdzSEARCHSESSIONTOKEN",
};

let server: Server;
let url: string;
let received: Received[];
let answer: Answer;

beforeEach(async () => {
  received = [];
  answer = () => ({ status: 200, body: {} });
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const request = {
        method: req.method ?? "",
        target: req.url ?? "/",
        headers: req.headers,
        body: new Uint8Array(Buffer.concat(chunks)),
      };
      received.push(request);
      const { status, body } = answer(request);
      res.writeHead(status, { "content-type": "application/json" });
      res.end(body === undefined || request.method === "HEAD" ? undefined : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A domain where the index does not exist yet and every bulk item succeeds. */
const newDomain: Answer = ({ method, target }) => {
  if (method === "HEAD") return { status: 404 };
  if (target.includes("/_bulk")) return { status: 200, body: { errors: false, items: [] } };
  return { status: 200, body: { acknowledged: true } };
};

const signedIndex = () =>
  new OpenSearchIndex({
    url,
    indexName: "gazette-search",
    http: new OpenSearchHttp({ url, region: "eu-west-1" }),
  });

describe("OpenSearch adapter over HTTP", () => {
  it("signs every request to a domain with SigV4 for the es service, as the domain's access policy requires", async () => {
    // Prepare
    answer = newDomain;
    const saved = { ...process.env };
    process.env.AWS_ACCESS_KEY_ID = CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;
    process.env.AWS_SESSION_TOKEN = CREDENTIALS.sessionToken;
    delete process.env.AWS_PROFILE;
    try {
      // Act
      await signedIndex().index([aSearchDocument({ id: "d1", title: "关于加强管理的通知" })]);
    } finally {
      for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"]) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
    // Assess
    expect(received.map((r) => `${r.method} ${r.target}`)).toEqual([
      "HEAD /gazette-search",
      "PUT /gazette-search",
      "POST /gazette-search/_bulk?refresh=false",
    ]);
    expect(received.map((r) => sigv4Problem(r, CREDENTIALS, "es"))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(received.map((r) => r.headers["x-amz-security-token"])).toEqual(
      received.map(() => CREDENTIALS.sessionToken),
    );
  });

  it("sends a bulk request as newline-delimited JSON, one action line before each document", async () => {
    // Prepare
    answer = newDomain;
    const index = new OpenSearchIndex({ url, indexName: "gazette-search", refresh: true });
    // Act
    await index.index([aSearchDocument({ id: "d1" }), aSearchDocument({ id: "d2" })]);
    await index.remove(["d3"]);
    // Assess
    const bulks = received.filter((r) => r.target.includes("/_bulk"));
    expect(bulks.map((r) => r.target)).toEqual([
      "/gazette-search/_bulk?refresh=wait_for",
      "/gazette-search/_bulk?refresh=wait_for",
    ]);
    expect(bulks[0]!.headers["content-type"]).toBe("application/x-ndjson");
    const text = new TextDecoder().decode(bulks[0]!.body);
    expect(text.endsWith("\n")).toBe(true);
    const lines = text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.filter((_, i) => i % 2 === 0)).toEqual([
      { index: { _index: "gazette-search", _id: "d1" } },
      { index: { _index: "gazette-search", _id: "d2" } },
    ]);
    expect(lines[1]).toMatchObject({ id: "d1" });
    expect(new TextDecoder().decode(bulks[1]!.body)).toBe(
      `${JSON.stringify({ delete: { _index: "gazette-search", _id: "d3" } })}\n`,
    );
    // The index was made once, with its mapping; requests carry no signature without a region.
    expect(received.filter((r) => r.method === "PUT").map((r) => r.target)).toEqual(["/gazette-search"]);
    expect(received.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it("adds the dateKind field to an index that exists, and takes an index another writer just created", async () => {
    // Prepare: the first adapter finds the index; the second races another writer to create it.
    answer = ({ method, target }) =>
      method === "HEAD"
        ? { status: 200 }
        : target.includes("/_bulk")
          ? { status: 200, body: { errors: false, items: [] } }
          : { status: 200, body: { acknowledged: true } };
    const existing = new OpenSearchIndex({ url, indexName: "a" });
    // Act
    await existing.index([aSearchDocument({ id: "d1" })]);
    answer = ({ method, target }) =>
      method === "HEAD"
        ? { status: 404 }
        : method === "PUT"
          ? { status: 400, body: { error: { type: "resource_already_exists_exception" }, status: 400 } }
          : target.includes("/_bulk")
            ? { status: 200, body: { errors: false, items: [] } }
            : { status: 500 };
    const raced = new OpenSearchIndex({ url, indexName: "b" });
    await raced.index([aSearchDocument({ id: "d2" })]);
    // Assess
    const mapping = received.find((r) => r.target === "/a/_mapping");
    expect(mapping?.method).toBe("PUT");
    expect(JSON.parse(new TextDecoder().decode(mapping!.body))).toEqual({
      properties: { dateKind: expect.objectContaining({ type: expect.any(String) }) },
    });
    expect(received.filter((r) => r.target.startsWith("/b")).map((r) => `${r.method} ${r.target}`)).toEqual([
      "HEAD /b",
      "PUT /b",
      "POST /b/_bulk?refresh=false",
    ]);
  });

  it("ignores deletes of missing ids but reports any other refused bulk item as unavailable search", async () => {
    // Prepare
    const items = [
      { delete: { _id: "gone", status: 404, error: { type: "not_found" } } },
      { index: { _id: "d1", status: 400, error: { type: "mapper_parsing_exception" } } },
    ];
    answer = ({ method, target }) =>
      method === "HEAD"
        ? { status: 200 }
        : target.includes("/_bulk")
          ? { status: 200, body: { errors: true, items: target.includes("only404") ? [items[0]] : items } }
          : { status: 200, body: {} };
    // Act
    const removal = await new OpenSearchIndex({ url, indexName: "only404" }).remove(["gone"]).then(
      () => "done",
      (error: Error) => error.message,
    );
    const indexing = await new OpenSearchIndex({ url, indexName: "mixed" })
      .index([aSearchDocument({ id: "d1" })])
      .then(
        () => "done",
        (error: Error) => `${error.name}: ${error.message}`,
      );
    // Assess
    expect(removal).toBe("done");
    expect(indexing).toBe("SearchUnavailableError: OpenSearch refused 1 bulk items");
  });

  it("reads hits, totals, facets and highlights from a search answer, and a failed search is unavailable search", async () => {
    // Prepare
    const source = {
      id: "d1",
      source: "gazette",
      title: "关于加强管理的通知",
      issuers: ["四川省人民政府"],
      url: "https://gazette.example.gov.cn/d1",
      text: "加强管理。",
    };
    answer = ({ method, target }) =>
      method === "HEAD"
        ? { status: 200 }
        : target.startsWith("/ok/_search")
          ? {
              status: 200,
              body: {
                hits: { total: { value: 1 }, hits: [{ _score: 2.5, _source: source, sort: [2.5, "d1"] }] },
                aggregations: { source: { buckets: [{ key: "gazette", doc_count: 1 }] } },
              },
            }
          : target.endsWith("/_search")
            ? { status: 503, body: { error: { type: "cluster_block_exception" } } }
            : { status: 200, body: {} };
    // Act
    const result = await new OpenSearchIndex({ url, indexName: "ok" }).search({ q: "管理" });
    const failed = await new OpenSearchIndex({ url, indexName: "down" })
      .search({ q: "管理" })
      .catch((error: unknown) => error);
    // Assess
    expect(result.total).toBe(1);
    expect(result.hits.map((h) => [h.id, h.score])).toEqual([["d1", 2.5]]);
    expect(result.hits[0]!.snippet).toContain("<mark>管理</mark>");
    expect(result.facets.source).toMatchObject({ gazette: 1 });
    const search = received.find((r) => r.target === "/ok/_search");
    expect(search?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(new TextDecoder().decode(search!.body))).toHaveProperty("query");
    expect(failed).toBeInstanceOf(SearchUnavailableError);
  });
});

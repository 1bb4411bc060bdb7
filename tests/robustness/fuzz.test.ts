import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiApp } from "../../src/handlers/api.js";
import type { RouteDeclaration } from "../../src/http/route-declaration.js";
import { HTTP_SURFACE } from "../../src/http/surface.js";
import type { Platform } from "../../src/platform/ports.js";
import { readErrorTable } from "../support/error-table.js";
import { aSubmission } from "../support/factories.js";
import { createTestApp, EDITOR_TOKEN, type TestApp } from "../support/local-app.js";

/**
 * The fuzz half of issue 11's suite: property-based requests against every declared route (the
 * same list that generates the OpenAPI document and the API Gateway routes) — random path
 * segments, queries, encodings, content types, bodies of random bytes, invalid UTF-8, lone
 * surrogates, deep nesting, sizes past the limits, broken multipart, mangled submissions — as an
 * editor, a site, a stranger. Every answer is a 2xx/3xx or a 4xx; no 5xx; an /api/ 4xx is a JSON
 * error naming its code, listed for that route (or any route) in docs/api.md's error tables; and a
 * refused request leaves nothing stored (every write it made is undone). A hang fails the test by
 * its timeout.
 */

const RUNS_PER_ROUTE = 50;

const errorTable = readErrorTable();

interface Written {
  readonly records: Set<string>;
  readonly blobs: Set<string>;
}

/** Tracks the net writes (puts not undone by a delete) to the store, per request. */
function trackWrites(platform: Platform): { start(): void; written(): Written } {
  let current: Written = { records: new Set(), blobs: new Set() };
  const { records, blobs } = platform;
  const recordPut = records.put.bind(records);
  const recordDelete = records.delete.bind(records);
  const blobPut = blobs.put.bind(blobs);
  const blobDelete = blobs.delete.bind(blobs);
  records.put = (async (record, condition) => {
    const stored = await recordPut(record, condition);
    current.records.add(`${record.pk}|${record.sk}`);
    return stored;
  }) as typeof records.put;
  records.delete = (async (key, condition) => {
    await recordDelete(key, condition);
    current.records.delete(`${key.pk}|${key.sk}`);
  }) as typeof records.delete;
  blobs.put = (async (key, bytes, options) => {
    const stored = await blobPut(key, bytes, options);
    current.blobs.add(key);
    return stored;
  }) as typeof blobs.put;
  blobs.delete = (async (key) => {
    await blobDelete(key);
    current.blobs.delete(key);
  }) as typeof blobs.delete;
  return {
    start() {
      current = { records: new Set(), blobs: new Set() };
    },
    written: () => current,
  };
}

const encoder = new TextEncoder();

/** Path segments: hostile ones, random ones, and ids that exist (so deeper code runs too). */
const segmentWith = (existing: readonly string[]) => fc.oneof(fc.constantFrom(...existing), segment);

const segment = fc.oneof(
  fc.constantFrom(
    "..",
    ".",
    "%ff",
    "%",
    "%zz",
    "%2e%2e",
    "%2e%2e%2feditor-token",
    "..%2f..%2feditor-token",
    "%00",
    "%E4%B8%AD",
    "%ED%A0%80",
    "中文",
    "0",
    "1",
    "-1",
    "99999999999",
    "1e3",
    "01J0NOTHING00000000000000",
    "01J0NOTHING00000000000000.01J0NOTHINGSITE00000000",
    "x.html",
    "2025",
    "1.png",
    "0000000000000000000000000000000000000000000000000000000000000000.pdf",
    "a".repeat(2000),
  ),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc
    .uint8Array({ maxLength: 24 })
    .map((b) => [...b].map((x) => `%${x.toString(16).padStart(2, "0")}`).join("")),
);

const query = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        "limit",
        "cursor",
        "q",
        "format",
        "year",
        "review",
        "all",
        "site",
        "from",
        "to",
        "issuer",
        "kind",
        "state",
        "status",
        "source",
        "region",
        "level",
        "document",
        "page",
      ),
      fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.constantFrom(
          "%ff",
          "-1",
          "0",
          "1000000",
          "abc",
          "2025-02-30",
          "csv",
          "html",
          "pdf",
          "true",
          "x".repeat(3000),
        ),
      ),
    ),
    { maxLength: 4 },
  )
  .map((pairs) =>
    pairs.length
      ? `?${pairs.map(([k, v]) => `${k}=${v.startsWith("%") ? v : encodeURIComponent(v)}`).join("&")}`
      : "",
  );

const contentType = fc.constantFrom(
  undefined,
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=latin1",
  "application/jsonx",
  "application/merge-patch+json",
  "text/plain",
  "text/json",
  "multipart/form-data",
  "multipart/form-data; boundary=",
  "multipart/form-data; boundary=fuzz",
  "application/x-www-form-urlencoded",
  "application/pdf",
  "image/png",
  "application/octet-stream",
  "*/*",
);

const deep = fc
  .tuple(fc.integer({ min: 60, max: 5000 }), fc.constantFrom("[", '{"a":'))
  .map(([depth, open]) => {
    const close = open === "[" ? "]" : "}";
    return `${open.repeat(depth)}1${close.repeat(depth)}`;
  });

/** A document submission with one field replaced by anything. */
const mangledSubmission = fc
  .tuple(
    fc.constantFrom(
      "title",
      "docNumber",
      "issuers",
      "dateWritten",
      "kind",
      "section",
      "body",
      "attachments",
      "disclosure",
      "review",
      "approval",
      "interpretations",
      "relations",
      "repost",
      "normative",
      "extra",
    ),
    fc.jsonValue({ maxDepth: 4 }),
  )
  .map(([field, value]) => JSON.stringify({ ...aSubmission(), [field]: value }));

const multipart = fc
  .tuple(
    fc.constantFrom("fuzz", ""),
    fc.array(
      fc.tuple(
        fc.constantFrom("file", "files", "metadata", "x"),
        fc.oneof(fc.string({ maxLength: 200 }), fc.constant('{"year": 1985}')),
      ),
      { maxLength: 3 },
    ),
    fc.boolean(),
  )
  .map(([boundary, parts, terminated]) => {
    const body = parts
      .map(
        ([name, value]) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="f.docx"\r\n\r\n${value}\r\n`,
      )
      .join("");
    return `${body}${terminated ? `--${boundary}--\r\n` : ""}`;
  });

const body = fc.oneof(
  fc.constant(undefined),
  fc.uint8Array({ maxLength: 2048 }),
  fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)),
  deep,
  mangledSubmission,
  multipart,
  // Invalid UTF-8 and lone surrogates inside otherwise valid JSON.
  fc.constantFrom(
    new Uint8Array([...encoder.encode('{"title":"标题'), 0xff, 0xfe, ...encoder.encode('"}')]),
    '{"title":"\\ud800x"}',
    '{"keys":["../editor-token"]}',
    '{"keys":["editions/2025/1.pdf"]}',
    '{"documents":["01J0NOTHING00000000000000"]}',
    '{"year":2025}',
    '{"filename":"a.pdf","contentType":"application/pdf","size":1}',
    '{"url":"http://127.0.0.1/"}',
  ),
  // Sizes past the limits.
  fc.constantFrom(300 * 1024, 1100 * 1024, 6 * 1024 * 1024).map((n) => `{"title":"${"a".repeat(n)}"}`),
);

// Mostly as the caller each route is for, so that requests get past authentication.
const auth = fc.oneof(
  { weight: 4, arbitrary: fc.constant("editor") },
  { weight: 2, arbitrary: fc.constant("site") },
  { weight: 2, arbitrary: fc.constant("submitter") },
  { weight: 1, arbitrary: fc.constantFrom("none", "garbage") },
);

const idempotencyKey = fc.option(fc.constantFrom("fuzz-1", "fuzz-2", "k".repeat(300)), { nil: undefined });

type Auth = "editor" | "site" | "submitter" | "none" | "garbage";

function pathFor(route: RouteDeclaration, segments: readonly string[]): string {
  let n = 0;
  return route.path
    .replace(/\{[^}]+\+\}/g, () => `${segments[n++ % segments.length]}/${segments[n++ % segments.length]}`)
    .replace(/\{[^}]+\}/g, () => segments[n++ % segments.length]!);
}

describe("fuzzed requests against every declared route", () => {
  let app: TestApp;
  let fetchApp: (request: Request) => Promise<Response>;
  let siteToken: string;
  let bodyToken: string;
  let existing: string[];
  let tracker: ReturnType<typeof trackWrites>;

  beforeAll(async () => {
    app = createTestApp();
    const site = await app.container.reposts.registry.register({
      name: "测试市人民政府",
      level: "city",
      region: "510100",
      delivery: {
        type: "sqs",
        queueUrl: "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/gazette-repost-fuzz",
      },
    });
    siteToken = site.token;
    // A document placed in a draft edition, so ids that exist lead into the services.
    const submitted = await app.postJson(aSubmission({ docNumber: "川府发〔2025〕901号" }));
    const documentId = ((await submitted.json()) as { id: string }).id;
    const edition = await app.container.editions.create({ year: 2025, date: "2025-03-10" }, "editor");
    await app.container.editions.setDocuments(edition.id, { documents: [documentId] }, "editor");
    // An issuing body with a submission, so that the submitter routes get past their token.
    const body = await app.container.submitters.bodies.create(
      { id: "fuzz-body", name: "四川省人民政府", regionCode: "510000" },
      "editor",
    );
    bodyToken = body.token;
    const sent = await app.container.submitters.desk.submit(
      "fuzz-body",
      aSubmission({ docNumber: "川府发〔2025〕902号" }),
      "body:fuzz-body",
    );
    existing = [
      documentId,
      edition.id,
      site.id,
      `${documentId}.${site.id}`,
      "2025",
      "1.html",
      "fuzz-body",
      sent.id,
    ];
    tracker = trackWrites(app.container.platform);
    const hono = createApiApp(app.container);
    fetchApp = async (request) => hono.fetch(request);
  });
  afterAll(() => app.close());

  const headersFor = (who: Auth, type: string | undefined, key: string | undefined): Headers => {
    const h = new Headers();
    if (key !== undefined) h.set("idempotency-key", key);
    if (who === "editor") h.set("authorization", `Bearer ${EDITOR_TOKEN}`);
    if (who === "site") h.set("authorization", `Bearer ${siteToken}`);
    if (who === "submitter") h.set("authorization", `Bearer ${bodyToken}`);
    if (who === "garbage") h.set("authorization", "Bearer gst_%ff_x");
    if (type !== undefined) h.set("content-type", type);
    return h;
  };

  for (const route of HTTP_SURFACE) {
    it(`${route.method} ${route.path}: 4xx JSON or success, never 5xx, nothing stored when refused`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(segmentWith(existing), { minLength: 1, maxLength: 3 }),
          query,
          contentType,
          body,
          auth,
          idempotencyKey,
          async (segments, search, type, payload, who, key) => {
            // Prepare
            const path = pathFor(route, segments) + search;
            const withBody = route.method !== "GET" && payload !== undefined;
            const headers = headersFor(who as Auth, type, key);
            let request: Request;
            try {
              request = new Request(`http://localhost${path}`, {
                method: route.method,
                headers,
                ...(withBody ? { body: payload as BodyInit } : {}),
              });
            } catch {
              return; // not a request a client can send (the URL itself is malformed)
            }
            tracker.start();
            // Act
            const res = await fetchApp(request);
            const text = await res.text();
            // Assess
            const where = `${route.method} ${path.slice(0, 200)} [${type}] as ${who} → ${res.status} ${text.slice(0, 300)}`;
            expect(res.status, where).toBeLessThan(500);
            if (res.status >= 400) {
              const written = tracker.written();
              expect([...written.records, ...written.blobs], `stored by a refused request: ${where}`).toEqual(
                [],
              );
              if (new URL(request.url).pathname.startsWith("/api/")) {
                expect(res.headers.get("content-type"), where).toMatch(/^application\/json/);
                const error = (JSON.parse(text) as { error: unknown }).error;
                const problems = (Array.isArray(error) ? error : [error]) as { code: string }[];
                for (const p of problems) expect(p, where).toMatchObject({ code: expect.any(String) });
                // docs/api.md's error tables are true for this route: every code answered is listed.
                const documented = errorTable.documented(route.method, route.path);
                for (const p of problems) {
                  expect(
                    documented.get(p.code)?.has(res.status) ?? false,
                    `${res.status} ${p.code} is not in docs/api.md for ${route.method} ${route.path}: ${where}`,
                  ).toBe(true);
                }
              }
            }
          },
        ),
        { numRuns: RUNS_PER_ROUTE },
      );
    });
  }
});

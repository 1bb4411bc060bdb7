import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAGE_QUERY_PARAMS } from "../../infra/constructs/public-site.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * CloudFront keys the public pages on PAGE_QUERY_PARAMS alone and feeds on no query string
 * (infra/constructs/public-site.ts; tests/infra/operations.test.ts checks the template). That is
 * only right if the pages really ignore every other parameter: here the app answers a page with
 * random extra parameters exactly as without them, so a cached answer is the right answer and
 * random query strings cannot force fresh renders.
 */
const PAGES = [
  "/",
  "/index.html",
  "/search",
  "/search?q=%E9%80%9A%E7%9F%A5",
  "/archive",
  "/archive/",
  "/archive/1985/",
  "/sitemap.xml",
  "/feeds/editions.atom",
  "/feeds/documents.atom",
  "/editions/2025/1.html",
  "/documents/01J0000000000000000000000.html",
] as const;

let app: TestApp;
beforeAll(() => {
  app = createTestApp({ clock: new ManualClock(Date.parse("2026-03-02T02:00:00Z")) });
});
afterAll(() => app.close());

const answer = async (path: string) => {
  const res = await app.request(path, { editor: false });
  return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
};

describe("the public pages' cache key", () => {
  it("leaves out no parameter a page reads: extra parameters outside PAGE_QUERY_PARAMS change no answer", async () => {
    const ignored = fc
      .tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 20 }))
      .filter(([name]) => !PAGE_QUERY_PARAMS.includes(name));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PAGES),
        fc.array(ignored, { minLength: 1, maxLength: 3 }),
        async (page, extra) => {
          // Prepare
          const query = extra.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join("&");
          // Act
          const plain = await answer(page);
          const withExtra = await answer(`${page}${page.includes("?") ? "&" : "?"}${query}`);
          // Assess
          expect(withExtra).toEqual(plain);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("keeps the search page's start (its next link's first hit number) in the key, with the search's parameters", () => {
    // Assess: without it CloudFront dropped start from the key and from the origin request, and
    // every further page of hits was numbered from 1.
    expect(PAGE_QUERY_PARAMS).toEqual(expect.arrayContaining(["q", "cursor", "start", "year", "issuer"]));
  });
});

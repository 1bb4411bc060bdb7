import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAGE_LIMIT, PAGE_PARAMS } from "../../src/http/route-declaration.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * Every paged list reads `limit` by one rule (src/http/query.ts), the one the OpenAPI document
 * states: absent → 50, an integer from 1 to 200, anything else a 400 naming the field.
 */
const PAGED_LISTS = ["/api/documents", "/api/editions", "/api/sites", "/api/archive/items"] as const;

const REFUSED = {
  error: { code: "invalid", field: "limit", message: "limit must be an integer from 1 to 200" },
};

let app: TestApp;
beforeAll(() => {
  app = createTestApp();
});
afterAll(() => app.close());

const get = async (path: string, limit: string) => {
  const res = await app.request(`${path}?limit=${encodeURIComponent(limit)}`);
  return { status: res.status, body: await res.json() };
};

describe("the limit of paged lists", () => {
  it("is the same on every list: the OpenAPI bounds are the ones enforced", () => {
    // Assess
    expect(PAGE_PARAMS[0].schema).toEqual({
      type: "integer",
      minimum: PAGE_LIMIT.min,
      maximum: PAGE_LIMIT.max,
      default: PAGE_LIMIT.default,
    });
    expect(PAGE_LIMIT).toEqual({ default: 50, min: 1, max: 200 });
  });

  it("accepts every integer from 1 to 200 written in digits on every list", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PAGED_LISTS), fc.integer({ min: 1, max: 200 }), async (path, n) => {
        // Act
        const { status } = await get(path, String(n));
        // Assess
        expect(status).toBe(200);
      }),
      { numRuns: 40 },
    );
  });

  it("refuses anything else (out of range, signs, exponents, hex, spaces, fractions) with the same 400 naming the field, on every list", async () => {
    const invalid = fc.oneof(
      fc.integer({ min: -1_000_000, max: 0 }).map(String),
      fc.integer({ min: 201, max: 1_000_000_000 }).map(String),
      fc.double({ min: 1.000_001, max: 199.999, noNaN: true }).map(String),
      fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !/^[0-9]+$/.test(s)),
      fc.constantFrom("1e2", "0x10", "+5", " 5", "5 ", "5.0", "Infinity", ""),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PAGED_LISTS), invalid, async (path, limit) => {
        // Act
        const answer = await get(path, limit);
        // Assess
        expect(answer).toEqual({ status: 400, body: REFUSED });
      }),
      { numRuns: 80 },
    );
  });
});

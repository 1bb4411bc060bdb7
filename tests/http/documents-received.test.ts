import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { receivedRange } from "../../src/documents/received-range.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { ConsoleBrowser } from "../support/console-browser.js";
import { aSubmission } from "../support/factories.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * GET /api/documents?receivedFrom=&receivedTo= (a day in China or an instant; inclusive), its 400s
 * naming the field, its OpenAPI declaration, and the console's intake filter sending the same.
 */

type Page = { items: { title: string; receivedAt: string }[]; cursor?: string };
const HOUR = 3600_000;

describe("documents by date received", () => {
  let app: TestApp;
  // Received (UTC): 2025-06-01 15:30 (= 06-01 23:30 in China), 2025-06-01 16:30 (= 06-02 00:30),
  // 2025-06-02 12:00 (= 06-02 20:00), 2025-06-03 02:00 (= 06-03 10:00).
  const receipts = [
    Date.UTC(2025, 5, 1, 15, 30),
    Date.UTC(2025, 5, 1, 16, 30),
    Date.UTC(2025, 5, 2, 12),
    Date.UTC(2025, 5, 3, 2),
  ];

  beforeAll(async () => {
    const clock = new ManualClock(receipts[0]!);
    app = createTestApp({ clock });
    for (const [i, at] of receipts.entries()) {
      clock.advance(at - clock.now().getTime());
      expect((await app.postJson(aSubmission({ title: `通知${i}` }))).status).toBe(201);
    }
    clock.advance(HOUR);
    await app.container.console!.accounts.create(
      { username: "zhang", displayName: "张编辑", role: "editor", password: "correct horse battery" },
      "test",
    );
  });
  afterAll(() => app.close());

  const titles = async (query: string) => {
    const res = await app.request(`/api/documents?${query}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as Page).items.map((d) => d.title);
  };

  it("counts whole days in China, both bounds included", async () => {
    // Act / Assess: 06-02 in China runs from 06-01 16:00 UTC to 06-02 16:00 UTC
    expect(await titles("receivedFrom=2025-06-02&receivedTo=2025-06-02")).toEqual(["通知2", "通知1"]);
    expect(await titles("receivedFrom=2025-06-02")).toEqual(["通知3", "通知2", "通知1"]);
    expect(await titles("receivedTo=2025-06-01")).toEqual(["通知0"]);
    expect(await titles("receivedFrom=2025-06-04")).toEqual([]);
  });

  it("takes instants with their offset, inclusive", async () => {
    expect(await titles(`receivedFrom=${encodeURIComponent("2025-06-02T00:30:00+08:00")}`)).toEqual([
      "通知3",
      "通知2",
      "通知1",
    ]);
    expect(await titles("receivedTo=2025-06-02T12:00:00Z")).toEqual(["通知2", "通知1", "通知0"]);
  });

  it("refuses a bad date with 400 naming the field and the reason", async () => {
    for (const [query, field] of [
      ["receivedFrom=2025-02-30", "receivedFrom"],
      ["receivedTo=yesterday", "receivedTo"],
      ["receivedTo=2025-06-01T25:00:00Z", "receivedTo"],
      ["receivedFrom=2025-06-01T08:00:00", "receivedFrom"],
      ["receivedFrom=2025-06-03&receivedTo=2025-06-01", "receivedTo"],
    ] as const) {
      const res = await app.request(`/api/documents?${query}`);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as {
        error: { field: string; message: string } | { field: string; message: string }[];
      };
      const problems = Array.isArray(body.error) ? body.error : [body.error];
      expect(
        problems.map((p) => p.field),
        query,
      ).toEqual([field]);
      expect(problems[0]!.message).toMatch(/receivedFrom|receivedTo/);
    }
  });

  it("is declared in the OpenAPI document", async () => {
    const spec = (await (await app.request("/api/openapi.json", { editor: false })).json()) as {
      paths: Record<string, { get?: { parameters?: { name: string; in: string }[] } }>;
    };
    const names = spec.paths["/api/documents"]!.get!.parameters!.filter((p) => p.in === "query").map(
      (p) => p.name,
    );
    expect(names).toEqual(expect.arrayContaining(["receivedFrom", "receivedTo"]));
  });

  it("the console's intake filter sends the same parameters and shows a bad one beside its field", async () => {
    // Prepare
    const browser = new ConsoleBrowser(app);
    await browser.signIn("zhang", "correct horse battery");

    // Act
    const filtered = await (
      await browser.get("/console/documents?receivedFrom=2025-06-02&receivedTo=2025-06-02")
    ).text();
    const bad = await browser.get("/console/documents?receivedFrom=2025-02-30");
    const badHtml = await bad.text();

    // Assess
    expect(filtered).toContain('name="receivedFrom" value="2025-06-02"');
    expect(filtered).toContain("通知1");
    expect(filtered).toContain("通知2");
    expect(filtered).not.toContain("通知0");
    expect(filtered).not.toContain("通知3");
    expect(bad.status).toBe(400);
    expect(badHtml).toMatch(/id="f-receivedFrom" name="receivedFrom" value="2025-02-30" aria-invalid="true"/);
    expect(badHtml).toContain('id="f-receivedFrom-error"');
  });

  it("any instant falls in the range of its own China day and in no other day's", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        const chinaDay = new Date(ms + 8 * HOUR).toISOString().slice(0, 10);
        const next = new Date(ms + 8 * HOUR + 24 * HOUR).toISOString().slice(0, 10);
        const inside = (day: string) => {
          const { range, problems } = receivedRange(day, day);
          expect(problems).toEqual([]);
          const at = new Date(ms).toISOString();
          return range.receivedFrom! <= at && at < range.receivedBefore!;
        };
        expect(inside(chinaDay)).toBe(true);
        expect(inside(next)).toBe(false);
      }),
    );
  });
});

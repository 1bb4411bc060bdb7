import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { EditionSummary, EditionView } from "../../src/editions/model.js";
import { EditionService } from "../../src/editions/service.js";
import { createEmulatedPlatform, type Emulators, startEmulators } from "../support/aws-emulators.js";
import { createTestApp } from "../support/local-app.js";
import { createEditionsTestApp, type EditionsTestApp, fakeRender, problemsOf } from "./harness.js";

describe("POST /api/editions — numbering", () => {
  let app: EditionsTestApp;
  beforeEach(() => {
    app = createEditionsTestApp();
  });
  afterEach(() => app.close());

  const create = (body: unknown) => app.api("/api/editions", { method: "POST", json: body });

  it("creates a draft with issue 1 and cumulative 1, dated today (China time) by default", async () => {
    // Act
    const res = await create({ year: 2025 });
    // Assess
    expect(res.status).toBe(201);
    const edition = (await res.json()) as EditionView;
    expect(edition).toMatchObject({
      id: "1",
      year: 2025,
      issue: 1,
      cumulative: 1,
      date: "2025-03-01",
      status: "draft",
      documents: [],
      createdBy: "editor",
    });
    expect(res.headers.get("location")).toBe("/api/editions/1");
    expect(edition.urls).toBeUndefined();
  });

  it("gives 20 concurrent creates the numbers 1..20 with no gap and no duplicate", async () => {
    // Act
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => create({ year: 2024, date: "2024-12-20" })),
    );
    // Assess
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    const editions = (await Promise.all(responses.map((r) => r.json()))) as EditionView[];
    const issues = editions.map((e) => e.issue).sort((a, b) => a - b);
    const cumulatives = editions.map((e) => e.cumulative).sort((a, b) => a - b);
    const expected = Array.from({ length: 20 }, (_, n) => n + 1);
    expect(issues).toEqual(expected);
    expect(cumulatives).toEqual(expected);
    for (const e of editions) expect(e.issue).toBe(e.cumulative);
  });

  it("restarts the issue at 1 in a new year but continues the cumulative number, also concurrently", async () => {
    // Prepare
    for (let n = 0; n < 3; n++) await create({ year: 2024, date: "2024-12-01" });
    // Act
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => create({ year: 2025, date: "2025-01-15" })),
    );
    // Assess
    const editions = (await Promise.all(responses.map((r) => r.json()))) as EditionView[];
    expect(editions.map((e) => [e.issue, e.cumulative]).sort((a, b) => a[0]! - b[0]!)).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
      [4, 7],
      [5, 8],
    ]);
  });

  it("refuses an edition for a year before the latest edition's year (422), numbering nothing", async () => {
    // Prepare
    await create({ year: 2025, date: "2025-01-15" });
    // Act
    const res = await create({ year: 2024, date: "2024-12-31" });
    // Assess
    expect(res.status).toBe(422);
    expect(await problemsOf(res)).toContainEqual(
      expect.objectContaining({ field: "year", code: "year_closed" }),
    );
    const next = (await (await create({ year: 2025, date: "2025-02-01" })).json()) as EditionView;
    expect(next.cumulative).toBe(2);
  });

  it("rejects a malformed year or date (400) with the field named", async () => {
    // Act
    const badYear = await create({ year: "2025" });
    const badDate = await create({ year: 2025, date: "2025-02-30" });
    const otherYear = await create({ year: 2025, date: "2024-12-01" });
    const noDate = await create({ year: 2026 });
    // Assess
    expect(badYear.status).toBe(400);
    expect(await problemsOf(badYear)).toContainEqual(expect.objectContaining({ field: "year" }));
    expect(await problemsOf(badDate)).toContainEqual(
      expect.objectContaining({ field: "date", code: "invalid_format" }),
    );
    expect(await problemsOf(otherYear)).toContainEqual(
      expect.objectContaining({ field: "date", code: "outside_year" }),
    );
    expect(await problemsOf(noDate)).toContainEqual(
      expect.objectContaining({ field: "date", code: "required" }),
    );
  });

  it("requires an editor", async () => {
    // Act
    const res = await app.api("/api/editions", { method: "POST", json: { year: 2025 }, editor: false });
    // Assess
    expect(res.status).toBe(401);
  });

  it("lists editions newest first, page by page", async () => {
    // Prepare
    for (let n = 0; n < 3; n++) await create({ year: 2025, date: "2025-01-15" });
    // Act
    const first = (await (await app.api("/api/editions?limit=2")).json()) as {
      items: EditionSummary[];
      cursor?: string;
    };
    const second = (await (
      await app.api(`/api/editions?limit=2&cursor=${encodeURIComponent(first.cursor ?? "")}`)
    ).json()) as { items: EditionSummary[] };
    // Assess
    expect(first.items.map((e) => e.cumulative)).toEqual([3, 2]);
    expect(second.items.map((e) => e.cumulative)).toEqual([1]);
    expect(first.items[0]).toMatchObject({ status: "draft", documentCount: 0, issue: 3 });
  });

  it("answers 404 for an unknown edition id", async () => {
    // Act
    const missing = await app.api("/api/editions/99");
    const malformed = await app.api("/api/editions/abc");
    // Assess
    expect(missing.status).toBe(404);
    expect(malformed.status).toBe(404);
  });
});

describe("edition numbering on the AWS adapters (DynamoDB conditional puts, dynalite)", () => {
  let emulators: Emulators;
  beforeAll(async () => {
    emulators = await startEmulators();
  });
  afterAll(async () => {
    await emulators?.stop();
  });

  it("gives concurrent creates gap-free, unique numbers across a year change", async () => {
    // Prepare
    const platform = await createEmulatedPlatform(emulators, {
      tableName: "gazette-editions",
      bucketName: "gazette-editions",
      queues: ["events"],
      maxReceiveCount: 3,
    });
    try {
      const editions = new EditionService({
        platform,
        settings: {
          masthead: { name: "四川省人民政府公报", publisher: "四川省人民政府办公厅" },
          sections: ["省政府文件"],
        },
        render: fakeRender,
      });
      // Act
      const year2024 = await Promise.all(
        Array.from({ length: 12 }, () => editions.create({ year: 2024, date: "2024-12-01" }, "editor")),
      );
      const year2025 = await Promise.all(
        Array.from({ length: 6 }, () => editions.create({ year: 2025, date: "2025-01-10" }, "editor")),
      );
      // Assess
      const sorted = (list: EditionView[], f: (e: EditionView) => number) =>
        list.map(f).sort((a, b) => a - b);
      expect(sorted(year2024, (e) => e.issue)).toEqual(Array.from({ length: 12 }, (_, n) => n + 1));
      expect(sorted(year2024, (e) => e.cumulative)).toEqual(Array.from({ length: 12 }, (_, n) => n + 1));
      expect(sorted(year2025, (e) => e.issue)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(sorted(year2025, (e) => e.cumulative)).toEqual([13, 14, 15, 16, 17, 18]);
      const listed = await editions.list({ limit: 50 });
      expect(listed.items.map((e) => e.cumulative)).toEqual(Array.from({ length: 18 }, (_, n) => 18 - n));
    } finally {
      platform.close();
    }
  });
});

describe("continuing an existing gazette's numbering", () => {
  it("numbers the first edition after the last one printed before the system (GAZETTE_CONTINUE_FROM)", async () => {
    // Prepare
    const sameYear = createTestApp({ env: { GAZETTE_CONTINUE_FROM: "2024/12/845" } });
    const nextYear = createTestApp({ env: { GAZETTE_CONTINUE_FROM: "2023/24/833" } });
    try {
      // Act
      const a = await sameYear.request("/api/editions", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ year: 2024, date: "2024-07-01" }),
      });
      const b = await nextYear.request("/api/editions", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ year: 2024, date: "2024-01-15" }),
      });
      // Assess
      expect(await a.json()).toMatchObject({ year: 2024, issue: 13, cumulative: 846, id: "846" });
      expect(await b.json()).toMatchObject({ year: 2024, issue: 1, cumulative: 834 });
    } finally {
      sameYear.close();
      nextYear.close();
    }
  });
});

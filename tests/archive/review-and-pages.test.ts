import { afterEach, describe, expect, it } from "vitest";
import { highlightBoxes } from "../../src/archive/site.js";
import { ingestScanForReview, poorlyReadLineHocr, poorlyReadPage } from "../support/archive-review.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/** A page OCR'd with low confidence and no 成文日期: it goes to the review queue. */
const HOCR = poorlyReadLineHocr("办法");
const ingestScan = (app: TestApp) => ingestScanForReview(app, poorlyReadPage("办法"));

describe("review queue", () => {
  let app: TestApp;
  afterEach(() => app.close());

  it("lists low-confidence items for review with the reasons", async () => {
    // Prepare
    app = createTestApp();
    const { itemId } = await ingestScan(app);

    // Act
    const body = await (await app.request("/api/archive/items?review=true")).json();

    // Assess
    expect(body.items).toEqual([
      expect.objectContaining({
        id: itemId,
        reviewReasons: ["low_ocr_confidence", "date_not_found", "issuers_not_found"],
      }),
    ]);
  });

  it("keeps an editor's corrections with who and when, leaves the queue and re-indexes the item", async () => {
    // Prepare
    app = createTestApp();
    const { itemId } = await ingestScan(app);
    const before = await app.request(`/api/archive/items/${itemId}`);

    // Act
    const response = await app.request(`/api/archive/items/${itemId}`, {
      method: "PUT",
      headers: { "content-type": "application/json", "if-match": before.headers.get("etag") ?? "" },
      body: JSON.stringify({
        date: "1985-03-05",
        issuers: ["四川省人民政府"],
        docNumber: "川府发 [1985] 12 号",
      }),
    });
    const item = await response.json();
    const queue = await (await app.request("/api/archive/items?review=true")).json();
    const hits = await app.container.search.search({ q: "防火", source: "archive" });

    // Assess
    expect(response.status).toBe(200);
    expect(item).toMatchObject({
      date: "1985-03-05",
      docNumber: "川府发〔1985〕12号",
      docNumberPrinted: "川府发 [1985] 12 号",
      review: false,
    });
    expect(item.history).toEqual([
      {
        at: expect.any(String),
        by: "editor",
        changes: {
          date: { from: null, to: "1985-03-05" },
          issuers: { from: [], to: ["四川省人民政府"] },
          docNumber: { from: null, to: "川府发〔1985〕12号" },
          review: { from: true, to: false },
        },
      },
    ]);
    expect(queue.items).toEqual([]);
    expect(hits.hits[0]).toMatchObject({
      id: `archive:${itemId}`,
      docNumber: "川府发〔1985〕12号",
      date: "1985-03-05",
    });
  });

  it("refuses a correction made against a stale version with 409", async () => {
    // Prepare
    app = createTestApp();
    const { itemId } = await ingestScan(app);
    const put = (body: unknown) =>
      app.request(`/api/archive/items/${itemId}`, {
        method: "PUT",
        headers: { "content-type": "application/json", "if-match": '"1"' },
        body: JSON.stringify(body),
      });
    await put({ title: "四川省森林防火办法（修订）" });

    // Act
    const response = await put({ title: "另一个标题" });

    // Assess
    expect(response.status).toBe(409);
  });

  it("refuses unknown fields with 400", async () => {
    // Prepare
    app = createTestApp();
    const { itemId } = await ingestScan(app);

    // Act
    const response = await app.request(`/api/archive/items/${itemId}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ colour: "red" }),
    });

    // Assess
    expect(response.status).toBe(400);
  });
});

describe("public archive pages", () => {
  let app: TestApp;
  afterEach(() => app.close());

  it("browses from the years to the issue to the item, with permanent URLs", async () => {
    // Prepare
    app = createTestApp();
    const { itemId } = await ingestScan(app);

    // Act
    const index = await (await app.request("/archive/", { editor: false })).text();
    const year = await (await app.request("/archive/1985/", { editor: false })).text();
    const issue = await (await app.request("/archive/1985/3/", { editor: false })).text();

    // Assess
    expect(index).toContain('href="/archive/1985/"');
    expect(year).toContain('href="/archive/1985/3/"');
    expect(issue).toContain(`href="/archive/items/${itemId}"`);
    expect(issue).toMatch(/href="\/archive\/scans\/[0-9a-f]{64}\.png"/);
  });

  it("shows the item's text and page image with the query's hits marked", async () => {
    // Prepare
    app = createTestApp();
    const { itemId } = await ingestScan(app);

    // Act
    const html = await (
      await app.request(`/archive/items/${itemId}?q=${encodeURIComponent("森林防火")}`, { editor: false })
    ).text();
    const image = await app.request(`/archive/items/${itemId}/pages/1.png`, { editor: false });

    // Assess
    expect(html).toContain("四川省<mark>森林防火</mark>办法");
    expect(html.match(/<mark class="hit"/g)).toHaveLength(2);
    expect(html).toContain(`src="/archive/items/${itemId}/pages/1.png"`);
    expect(image.headers.get("content-type")).toBe("image/png");
  });

  it("escapes the query it echoes", async () => {
    // Prepare
    app = createTestApp();
    const { itemId } = await ingestScan(app);

    // Act
    const html = await (
      await app.request(`/archive/items/${itemId}?q=${encodeURIComponent('<script>x</script>"')}`, {
        editor: false,
      })
    ).text();

    // Assess
    expect(html).not.toContain("<script>x");
    expect(html).toContain("&lt;script&gt;x");
  });

  it("answers 404 for an unknown item or year", async () => {
    // Prepare
    app = createTestApp();

    // Act
    const item = await app.request("/archive/items/nope", { editor: false });
    const year = await app.request("/archive/1900/", { editor: false });

    // Assess
    expect([item.status, year.status]).toEqual([404, 404]);
  });
});

describe("hit boxes from hOCR", () => {
  it("marks every OCR word a query spans, as percentages of the page", () => {
    // Act
    const boxes = highlightBoxes(HOCR, "森林防");

    // Assess
    expect(boxes).toEqual([
      { text: "森林", left: 30, top: 10, width: 20, height: 2 },
      { text: "防火", left: 50, top: 10, width: 20, height: 2 },
    ]);
  });
});

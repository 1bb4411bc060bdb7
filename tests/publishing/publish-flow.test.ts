import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAtomFeed } from "feedsmith";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * The newcomer's walk-through: submit the samples, compose an edition, preview, publish, then read
 * the PDF, the pages and the feeds as the public would.
 */
describe("compose, preview and publish an edition from the samples", () => {
  let app: TestApp;
  let editionId: string;
  let published: { urls: { pdf: string; web: string; manifest: string } };
  const accepted: { id: string; disclosure: { attribute: string }; title: string }[] = [];

  beforeAll(async () => {
    app = createTestApp();
    const dir = "samples/documents";
    for (const name of readdirSync(dir).filter((n) => n.endsWith(".json") && !n.endsWith(".meta.json"))) {
      const res = await app.postJson(JSON.parse(readFileSync(join(dir, name), "utf8")));
      expect(res.status, name).toBe(201);
      accepted.push((await res.json()) as (typeof accepted)[number]);
    }
  }, 120_000);
  afterAll(() => app.close());

  it("creates a numbered draft and places the public documents", async () => {
    const created = await app.request("/api/editions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ year: 2024, date: "2024-06-15" }),
    });
    expect(created.status).toBe(201);
    const edition = (await created.json()) as {
      id: string;
      issue: number;
      cumulative: number;
      status: string;
    };
    expect(edition).toMatchObject({ issue: 1, cumulative: 1, status: "draft" });
    editionId = edition.id;
    const publicIds = accepted.filter((d) => d.disclosure.attribute === "public").map((d) => d.id);
    const placed = await app.request(`/api/editions/${editionId}/documents`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ documents: publicIds }),
    });
    expect(placed.status).toBe(200);
  });

  it("refuses to place a document that is not 主动公开", async () => {
    const onRequest = accepted.find((d) => d.disclosure.attribute !== "public");
    expect(onRequest).toBeDefined();
    const res = await app.request(`/api/editions/${editionId}/documents`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ documents: [onRequest!.id] }),
    });
    expect(res.status).toBe(422);
  });

  it("previews without publishing anything", async () => {
    const res = await app.request(`/api/editions/${editionId}/preview`, { method: "POST" });
    expect(res.status).toBe(200);
    const preview = (await res.json()) as { pages?: number; documents: { id: string; firstPage?: number }[] };
    expect(preview.documents.length).toBeGreaterThan(0);
    expect(preview.documents.every((d) => (d.firstPage ?? 0) >= 1)).toBe(true);
    // The samples pass the preflight: nothing outside the type area, no heading alone, …
    expect((preview as unknown as { findings: unknown[] }).findings).toEqual([]);
    const page = await app.request("/editions/2024/1.html", { editor: false });
    expect(page.status).toBe(404);
  }, 120_000);

  it("publishes the PDF and the web edition together and serves them publicly", async () => {
    const res = await app.request(`/api/editions/${editionId}/publish`, { method: "POST" });
    expect(res.status).toBe(200);
    published = ((await res.json()) as { edition: typeof published }).edition;
    const pdf = await app.request(published.urls.pdf, { editor: false });
    const web = await app.request(published.urls.web, { editor: false });
    const manifest = await app.request(published.urls.manifest, { editor: false });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
    expect(web.status).toBe(200);
    const html = await web.text();
    for (const d of accepted.filter((x) => x.disclosure.attribute === "public"))
      expect(html).toContain(d.title);
    expect(manifest.status).toBe(200);
    const body = (await manifest.json()) as { artifacts: { url: string; sha256: string }[] };
    expect(body.artifacts.some((a) => a.url === published.urls.pdf)).toBe(true);
  }, 120_000);

  it("answers a second publish with the same manifest", async () => {
    const again = await app.request(`/api/editions/${editionId}/publish`, { method: "POST" });
    expect(again.status).toBe(200);
    const manifest = ((await again.json()) as { manifest: unknown }).manifest;
    const first = await (await app.request(published.urls.manifest, { editor: false })).json();
    expect(manifest).toEqual(first);
  }, 120_000);

  it("lists the edition on the home page and in feeds that a feed parser reads", async () => {
    const home = await (await app.request("/", { editor: false })).text();
    const editionsFeed = await (await app.request("/feeds/editions.atom", { editor: false })).text();
    const documentsFeed = await (await app.request("/feeds/documents.atom", { editor: false })).text();
    const sitemap = await (await app.request("/sitemap.xml", { editor: false })).text();
    expect(home).toContain("2024年第1期");
    const editions = parseAtomFeed(editionsFeed);
    const documents = parseAtomFeed(documentsFeed);
    expect(editions.entries).toHaveLength(1);
    expect(documents.entries?.length).toBeGreaterThan(3);
    expect(sitemap).toContain("/editions/2024/1.html");
  });

  it("never serves a non-public document's files", async () => {
    const onRequest = accepted.find((d) => d.disclosure.attribute !== "public")!;
    for (const ext of ["html", "pdf", "json"]) {
      const res = await app.request(`/documents/${onRequest.id}.${ext}`, { editor: false });
      expect(res.status).toBe(404);
    }
    const feed = await (await app.request("/feeds/documents.atom", { editor: false })).text();
    expect(feed).not.toContain(onRequest.title);
  });
});

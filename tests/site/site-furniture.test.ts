import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Edition } from "../../src/editions/model.js";
import { editionRecord } from "../../src/editions/records.js";
import { bookTitle } from "../../src/site/format.js";
import { ARCHIVE_PAGE_SIZE } from "../../src/site/render.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * The public site's furniture (issue 13, point 6): 往期 lists every published edition, paginated;
 * robots.txt and a favicon answer instead of 404 on every page load; a wrong method on a known
 * path is 405 with Allow; book titles in feeds are not doubled.
 */

/** A published edition record as the publisher leaves it (its files are not needed for 往期). */
function publishedEdition(
  cumulative: number,
  year: number,
  issue: number,
  status: Edition["status"] = "published",
): Edition {
  return {
    id: String(cumulative),
    year,
    issue,
    cumulative,
    date: `${year}-${String(((issue - 1) % 12) + 1).padStart(2, "0")}-15`,
    status,
    documents: [],
    createdAt: "2025-01-01T00:00:00Z",
    createdBy: "editor",
    publishing: null,
    publishedAt: status === "published" ? `${year}-01-15T02:00:00Z` : null,
    publishedBy: status === "published" ? "editor" : null,
    urls: null,
    documentUrls: null,
    announcedAt: null,
  };
}

let app: TestApp;
beforeEach(() => {
  app = createTestApp();
});
afterEach(() => app.close());

async function store(editions: readonly Edition[]): Promise<void> {
  for (const e of editions) {
    await app.container.platform.records.put(editionRecord(e));
  }
}

const page = async (path: string) => {
  const res = await app.request(path, { editor: false });
  return { status: res.status, body: await res.text(), headers: res.headers };
};

describe("往期 on the home page", () => {
  it("lists the earlier published editions, not 暂无往期, and leaves out drafts", async () => {
    // Prepare: 第1、2期 published, 第3期 a draft
    await store([
      publishedEdition(1, 2025, 1),
      publishedEdition(2, 2025, 2),
      publishedEdition(3, 2025, 3, "draft"),
    ]);

    // Act
    const home = await page("/");

    // Assess: the newest published is the latest; 第1期 is listed under 往期
    expect(home.status).toBe(200);
    const archive = home.body.slice(home.body.indexOf('id="archive"'));
    expect(archive).not.toContain("暂无往期");
    expect(archive).toContain('href="/editions/2025/1.html"');
    expect(archive).not.toContain('href="/editions/2025/3.html"');
  });

  it("pages 往期 so every published edition is reachable, each exactly once", async () => {
    // Prepare: more editions than two pages hold, across years
    const count = 2 * ARCHIVE_PAGE_SIZE + 3;
    const editions: Edition[] = [];
    for (let n = 1; n <= count; n++)
      editions.push(publishedEdition(n, n <= 30 ? 2024 : 2025, n <= 30 ? n : n - 30));
    await store(editions);

    // Act: follow the pager from the home page
    const seen: string[] = [];
    let next: string | undefined = "/";
    let pages = 0;
    while (next) {
      const res = await page(next);
      expect(res.status, next).toBe(200);
      const archive = res.body.slice(res.body.indexOf('id="archive"'));
      seen.push(...[...archive.matchAll(/href="(\/editions\/\d{4}\/\d+\.html)"/g)].map((m) => m[1]!));
      next = /<a href="([^"]+)" rel="next">/
        .exec(archive)?.[1]
        ?.replace(/&#x3D;|&#61;/g, "=")
        .replace(/#archive$/, "");
      pages++;
    }

    // Assess: all but the latest, once each, newest first
    expect(pages).toBe(3);
    expect(seen).toHaveLength(count - 1);
    expect(new Set(seen).size).toBe(count - 1);
    expect(seen[0]).toBe("/editions/2025/20.html");
    expect(seen.at(-1)).toBe("/editions/2024/1.html");
  });

  it("answers 404 past the last page and 400 (naming page) for a page that is not a number", async () => {
    // Prepare
    await store([publishedEdition(1, 2025, 1), publishedEdition(2, 2025, 2)]);

    // Act
    const past = await page("/?page=2");
    const bad = await page("/?page=abc");
    const zero = await page("/?page=0");

    // Assess
    expect(past.status).toBe(404);
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("page");
    expect(zero.status).toBe(400);
  });
});

describe("robots.txt and favicon", () => {
  it("serves robots.txt pointing at the sitemap by its full address, keeping crawlers out of the API", async () => {
    // Act
    const robots = await page("/robots.txt");

    // Assess
    expect(robots.status).toBe(200);
    expect(robots.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(robots.body).toMatch(/^Sitemap: https?:\/\/[^\s]+\/sitemap\.xml$/m);
    expect(robots.body).toMatch(/^Disallow: \/api\/$/m);
  });

  it("serves the favicon every page links to, and sends /favicon.ico there", async () => {
    // Act
    const home = await page("/");
    const icon = await page("/favicon.svg");
    const ico = await app.request("/favicon.ico", { editor: false, redirect: "manual" });

    // Assess
    expect(home.body).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toBe("image/svg+xml");
    expect(icon.body).toMatch(/^<svg /);
    expect(ico.status).toBe(301);
    expect(ico.headers.get("location")).toBe("/favicon.svg");
  });
});

describe("405 for a wrong method on a known path", () => {
  it.each([
    ["POST", "/", "GET"],
    ["DELETE", "/sitemap.xml", "GET"],
    ["POST", "/editions/2025/1.html", "GET"],
    ["PUT", "/api/documents", "POST"],
    ["PATCH", "/api/editions/1/publish", "POST"],
  ])("%s %s → 405 with Allow naming %s", async (method, path, allowed) => {
    // Act
    const res = await app.request(path, { method });

    // Assess
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")?.split(", ")).toContain(allowed);
    if (path.startsWith("/api/")) expect(await res.text()).toContain("method_not_allowed");
  });

  it("keeps 404 for a path nothing answers", async () => {
    // Act
    const site = await app.request("/nothing-here.html", { method: "POST", editor: false });
    const api = await app.request("/api/nothing-here", { method: "POST" });

    // Assess
    expect(site.status).toBe(404);
    expect(api.status).toBe(404);
  });
});

describe("book titles as printed", () => {
  it("nests an inner 《》 as 〈〉 rather than doubling the marks", () => {
    expect(bookTitle("关于加强人才队伍建设的通知")).toBe("《关于加强人才队伍建设的通知》");
    expect(bookTitle("《关于加强人才队伍建设的通知》政策解读")).toBe(
      "《〈关于加强人才队伍建设的通知〉政策解读》",
    );
  });
});

import { XMLParser, XMLValidator } from "fast-xml-parser";
import { parseAtomFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
import {
  categorySchemes,
  documentFeedEntries,
  renderDocumentsFeed,
  renderEditionsFeed,
  renderSitemap,
  SITEMAP_MAX_URLS,
  sitemapUrls,
  summarizeEdition,
} from "../../src/site/feeds.js";
import { renderEditionSite } from "../../src/site/render.js";
import { HOME_PATH, NOT_FOUND_PATH } from "../../src/site/urls.js";
import {
  edition,
  gazette,
  HOSTILE_TITLE,
  INTERPRETATION_ID,
  NOTICE_ID,
  POLICY_ID,
  siteInput,
} from "./fixtures.js";

const BASE = "https://gb.example.gov.cn";

function earlierEdition() {
  return summarizeEdition(
    siteInput({
      edition: {
        ...edition,
        edition: { id: "2024-11", year: 2024, issue: 11, cumulative: 844, date: "2024-05-05" },
      },
      publishedAt: "2024-05-05T01:30:00Z",
    }),
  );
}

describe("editions feed", () => {
  // Prepare
  const xml = renderEditionsFeed([earlierEdition(), summarizeEdition(siteInput())], gazette);
  const feed = parseAtomFeed(xml);

  it("is well-formed XML that a feed parser reads as Atom with self and alternate links", () => {
    // Assess
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(feed.id).toBe(`${BASE}/feeds/editions.atom`);
    expect(feed.title?.value).toBe("四川省人民政府公报 · 期刊");
    expect(feed.links).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rel: "self", href: `${BASE}/feeds/editions.atom` }),
        expect.objectContaining({ rel: "alternate", href: `${BASE}/` }),
      ]),
    );
    expect(feed.authors?.[0]?.name).toBe("四川省人民政府办公厅");
  });

  it("lists editions newest first with stable tag: ids, dates, page links and the PDF", () => {
    // Assess
    const [latest, earlier] = feed.entries ?? [];
    expect(feed.updated).toBe("2024-05-20T01:30:00.000Z");
    expect(latest?.id).toBe("tag:gb.example.gov.cn,2024-05-20:editions/2024/12");
    expect(earlier?.id).toBe("tag:gb.example.gov.cn,2024-05-05:editions/2024/11");
    expect(latest?.title?.value).toBe("四川省人民政府公报2024年第12期（总第845期）");
    expect(latest?.published).toBe("2024-05-20T01:30:00.000Z");
    expect(latest?.links).toEqual([
      { rel: "alternate", type: "text/html", href: `${BASE}/editions/2024/12.html` },
      {
        rel: "enclosure",
        type: "application/pdf",
        href: `${BASE}/pdf/editions/2024/12.pdf`,
        length: 2_411_725,
        title: "2024年第12期（总第845期） PDF",
      },
    ]);
    expect(latest?.categories?.map((c) => c.term)).toEqual(["省政府办公厅文件", "政策解读"]);
    expect(latest?.summary?.value).toContain("2024年5月20日出版，共3件。");
  });

  it("takes the feed's updated from a corrected edition's updatedAt", () => {
    // Act
    const corrected = { ...earlierEdition(), updatedAt: "2024-06-01T00:00:00Z" };
    const reread = parseAtomFeed(renderEditionsFeed([summarizeEdition(siteInput()), corrected], gazette));
    // Assess
    expect(reread.updated).toBe("2024-06-01T00:00:00.000Z");
    expect(reread.entries?.[0]?.id).toBe("tag:gb.example.gov.cn,2024-05-05:editions/2024/11");
  });

  it("is still a valid feed with no editions", () => {
    // Act
    const empty = renderEditionsFeed([], gazette, { emptyUpdated: "2024-01-01" });
    // Assess
    expect(XMLValidator.validate(empty)).toBe(true);
    expect(parseAtomFeed(empty).updated).toBe("2023-12-31T16:00:00.000Z");
  });
});

describe("documents feed", () => {
  // Prepare
  const xml = renderDocumentsFeed(documentFeedEntries(siteInput()), gazette);
  const feed = parseAtomFeed(xml);
  const byId = new Map((feed.entries ?? []).map((e) => [e.id, e]));
  const entry = (id: string) => byId.get(`tag:gb.example.gov.cn,2024-05-20:documents/${id}`);
  const schemes = categorySchemes(gazette.baseUrl);

  it("has one entry per document, interpretations included", () => {
    // Assess
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(feed.id).toBe(`${BASE}/feeds/documents.atom`);
    expect(feed.entries).toHaveLength(3);
    expect(entry(POLICY_ID) && entry(NOTICE_ID) && entry(INTERPRETATION_ID)).toBeTruthy();
  });

  it("gives each entry its page, its edition, its PDF, issuers as authors and a citation", () => {
    // Assess
    const policy = entry(POLICY_ID)!;
    expect(policy.links).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rel: "alternate", href: `${BASE}/documents/${POLICY_ID}.html` }),
        expect.objectContaining({ rel: "related", href: `${BASE}/editions/2024/12.html` }),
        expect.objectContaining({ rel: "enclosure", href: `${BASE}/pdf/documents/${POLICY_ID}.pdf` }),
      ]),
    );
    expect(policy.authors?.map((a) => a.name)).toEqual(["四川省人民政府办公厅"]);
    expect(policy.summary?.value).toBe(
      "发文字号：川办发〔2024〕12号；发文机关：四川省人民政府办公厅；成文日期：2024年5月3日；刊载：《四川省人民政府公报》2024年第12期（总第845期）第3—5页；效力状态：有效",
    );
  });

  it("categorises entries by section, kind and status", () => {
    // Assess
    expect(entry(POLICY_ID)?.categories).toEqual([
      { term: "省政府办公厅文件", scheme: schemes.section, label: "省政府办公厅文件" },
      { term: "意见", scheme: schemes.kind, label: "意见" },
      { term: "有效", scheme: schemes.status, label: "有效" },
    ]);
  });

  it("shows a repeal in the entry's status, summary and updated date, and puts it first", () => {
    // Assess
    const notice = entry(NOTICE_ID)!;
    expect(feed.entries?.[0]?.id).toBe(notice.id);
    expect(notice.updated).toBe("2025-01-14T16:00:00.000Z");
    expect(notice.published).toBe("2024-05-20T01:30:00.000Z");
    expect(notice.categories?.find((c) => c.scheme === schemes.status)?.term).toBe("已废止");
    expect(notice.summary?.value).toContain(
      "效力状态：已废止（2025年1月15日被《四川省人民政府办公厅关于废止部分文件的决定》（川办发〔2025〕1号）废止）",
    );
    expect(feed.updated).toBe("2025-01-14T16:00:00.000Z");
  });

  it("links an interpretation to the policy it explains", () => {
    // Assess
    expect(entry(INTERPRETATION_ID)?.links).toContainEqual(
      expect.objectContaining({ rel: "related", href: `${BASE}/documents/${POLICY_ID}.html` }),
    );
  });

  it("reads back a title with markup exactly as written", () => {
    // Assess
    expect(entry(NOTICE_ID)?.title?.value).toBe(HOSTILE_TITLE);
  });
});

describe("sitemap", () => {
  it("is valid XML listing every page of the site except the not-found page", () => {
    // Prepare
    const pages = [...renderEditionSite(siteInput()).keys(), HOME_PATH, NOT_FOUND_PATH];
    // Act
    const xml = renderSitemap(sitemapUrls(gazette.baseUrl, pages, "2024-05-20"));
    // Assess
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ isArray: (name) => name === "url" }).parse(xml) as {
      urlset: { url: { loc: string; lastmod: string }[] };
    };
    const locs = parsed.urlset.url.map((u) => u.loc);
    expect(locs).toEqual([
      `${BASE}/`,
      `${BASE}/documents/${POLICY_ID}.html`,
      `${BASE}/documents/${POLICY_ID}~01HXKZ4A2B3C4D5E6F7G8H9J0K.html`,
      `${BASE}/documents/${NOTICE_ID}.html`,
      `${BASE}/editions/2024/12.html`,
    ]);
    expect(parsed.urlset.url.every((u) => u.lastmod === "2024-05-20")).toBe(true);
    expect(xml).toContain('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
  });

  it("refuses relative URLs and more URLs than one sitemap may hold", () => {
    // Act + Assess
    expect(() => renderSitemap(["/documents/x.html"])).toThrow(RangeError);
    expect(() => renderSitemap(Array.from({ length: SITEMAP_MAX_URLS + 1 }, () => `${BASE}/`))).toThrow(
      RangeError,
    );
  });
});

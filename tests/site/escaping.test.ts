import { XMLValidator } from "fast-xml-parser";
import { parseAtomFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
import type { EditionRenderInput, RenderDocument } from "../../src/editions/render-model.js";
import {
  documentFeedEntries,
  renderDocumentsFeed,
  renderEditionsFeed,
  renderSitemap,
  summarizeEdition,
} from "../../src/site/feeds.js";
import type { SiteGazette } from "../../src/site/model.js";
import { renderEditionSite, renderHomePage, renderNotFoundPage } from "../../src/site/render.js";
import { escapeXml, stripInvalidXmlChars } from "../../src/site/xml.js";
import { edition, gazette, HOSTILE_TITLE, NOTICE_ID, siteInput } from "./fixtures.js";
import { all, parseHtml, text } from "./html.js";

const EVIL = `<script>alert('x')</script>"&<img src=x onerror=alert(1)>`;

/** Every string a user or an editor can set, set to markup. */
function hostileInput() {
  const doc: RenderDocument = {
    id: "01HXKZ9999999999999999999Z",
    title: `标题${EVIL}`,
    docNumber: `文号${EVIL}`,
    issuers: [`机关${EVIL}`],
    dateWritten: "2024-05-03",
    kind: `文种${EVIL}`,
    addressees: `主送${EVIL}`,
    blocks: [
      { type: "heading", level: 1, text: `标题一${EVIL}` },
      { type: "paragraph", text: `段落${EVIL}` },
      { type: "table", header: true, rows: [[`表头${EVIL}`], [`单元格${EVIL}`]] },
    ],
    attachments: [{ title: `附件${EVIL}`, blocks: [{ type: "paragraph", text: `附件正文${EVIL}` }] }],
    signer: `署名${EVIL}`,
    cc: `抄送${EVIL}`,
    printed: { by: `印发${EVIL}`, date: "2024-05-06" },
  };
  const evilEdition: EditionRenderInput = {
    masthead: { name: `公报${EVIL}`, publisher: `主办${EVIL}`, serialNumbers: `刊号${EVIL}` },
    edition: edition.edition,
    sections: [{ name: `栏目${EVIL}`, documents: [doc] }],
  };
  const evilGazette: SiteGazette = { ...gazette, name: `网站${EVIL}`, publisher: `主办${EVIL}` };
  return siteInput({
    gazette: evilGazette,
    edition: evilEdition,
    placements: [{ id: doc.id, firstPage: 1, lastPage: 2 }],
    status: new Map([
      [
        doc.id,
        {
          status: "已废止",
          changedAt: "2025-01-01",
          changedBy: {
            id: "01J",
            title: `决定${EVIL}`,
            docNumber: `号${EVIL}`,
            url: "/documents/01J.html?a=1&b=2",
          },
        },
      ],
    ]),
  });
}

describe("escaping in HTML", () => {
  it("shows a title with <script> as text on the edition, document and home pages", () => {
    // Prepare
    const input = siteInput();
    // Act
    const pages = [
      ...renderEditionSite(input).values(),
      renderHomePage({ gazette, editions: [summarizeEdition(input)], latest: input }),
    ];
    // Assess
    for (const html of pages) expect(html).not.toContain("<script");
    const withTitle = pages.filter((html) => html.includes("&lt;script&gt;alert("));
    expect(withTitle.length).toBe(3); // edition page, the notice's page, home page
    const notice = parseHtml(renderEditionSite(input).get(`documents/${NOTICE_ID}.html`)!);
    expect(text(all(notice, "h1")[0]!)).toBe(HOSTILE_TITLE);
    expect(text(all(notice, "title")[0]!)).toBe(`${HOSTILE_TITLE} — 四川省人民政府公报`);
  });

  it("escapes every field of every page, so markup never becomes elements or attributes", () => {
    // Act
    const pages = [...renderEditionSite(hostileInput()).values()];
    // Assess
    for (const html of pages) {
      expect(html).not.toMatch(/<script|<img|onerror=/i);
      const doc = parseHtml(html);
      expect(all(doc, "script")).toHaveLength(0);
      expect(all(doc, "img")).toHaveLength(0);
    }
    const docPage = parseHtml(pages[1]!);
    expect(text(all(docPage, "h1")[0]!)).toBe(`标题${EVIL}`);
    expect(all(docPage, "th").map(text)).toEqual([`表头${EVIL}`]);
    expect(all(docPage, "a").map((a) => a.attribs.href)).toContain("/documents/01J.html?a=1&b=2");
  });

  it("escapes the gazette's name in the not-found page", () => {
    // Act
    const html = renderNotFoundPage({ ...gazette, name: EVIL });
    // Assess
    expect(html).not.toMatch(/<script|<img/);
  });
});

describe("escaping in XML", () => {
  it("escapes &, <, >, quotes and apostrophes", () => {
    // Act + Assess
    expect(escapeXml(`<a href="x">&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
  });

  it("drops characters XML 1.0 forbids and keeps tabs, newlines and supplementary characters", () => {
    // Act + Assess
    expect(stripInvalidXmlChars("a\u0000b\u0008c\u000Bd\uFFFEe\uD800f\tg\nh𠀀")).toBe("abcdef\tg\nh𠀀");
  });

  it("keeps both feeds well-formed and reads every hostile field back exactly", () => {
    // Prepare
    const input = hostileInput();
    // Act
    const documentsXml = renderDocumentsFeed(documentFeedEntries(input), input.gazette);
    const editionsXml = renderEditionsFeed([summarizeEdition(input)], input.gazette);
    // Assess
    for (const xml of [documentsXml, editionsXml]) {
      expect(XMLValidator.validate(xml)).toBe(true);
      expect(xml).not.toMatch(/<script|<img/);
    }
    const docs = parseAtomFeed(documentsXml);
    expect(docs.title?.value).toBe(`网站${EVIL} · 文件`);
    const entry = docs.entries?.[0];
    expect(entry?.title?.value).toBe(`标题${EVIL}`);
    expect(entry?.authors?.[0]?.name).toBe(`机关${EVIL}`);
    expect(entry?.categories?.map((c) => c.term)).toEqual([`栏目${EVIL}`, `文种${EVIL}`, "已废止"]);
    expect(entry?.summary?.value).toContain(`被《决定${EVIL}》（号${EVIL}）废止`);
    const editions = parseAtomFeed(editionsXml);
    expect(editions.entries?.[0]?.summary?.value).toContain(`《标题${EVIL}》（文号${EVIL}）`);
  });

  it("escapes a title with control characters into a feed that still parses", () => {
    // Prepare
    const input = siteInput();
    const entries = documentFeedEntries(input).map((e) => ({
      ...e,
      document: { ...e.document, title: `控制\u0001字符 <b>&"'` },
    }));
    // Act
    const xml = renderDocumentsFeed(entries, gazette);
    // Assess
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(parseAtomFeed(xml).entries?.[0]?.title?.value).toBe(`控制字符 <b>&"'`);
  });

  it("escapes ampersands and quotes in sitemap URLs", () => {
    // Act
    const xml = renderSitemap([`https://gb.example.gov.cn/search.html?q=a&b='c'`]);
    // Assess
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain("<loc>https://gb.example.gov.cn/search.html?q=a&amp;b=%27c%27</loc>");
  });
});

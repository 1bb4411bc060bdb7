import { describe, expect, it } from "vitest";
import { summarizeEdition } from "../../src/site/feeds.js";
import { renderEditionSite, renderHomePage, renderNotFoundPage } from "../../src/site/render.js";
import { gazette, siteInput } from "./fixtures.js";
import { all, allMatching, headingLevels, parseHtml, text } from "./html.js";

const input = siteInput();
const pages: [string, string][] = [
  ...renderEditionSite(input),
  ["index.html", renderHomePage({ gazette, editions: [summarizeEdition(input)], latest: input })],
  ["index.html (empty)", renderHomePage({ gazette })],
  ["404.html", renderNotFoundPage(gazette)],
];

describe.each(pages)("%s", (_path, html) => {
  const doc = parseHtml(html);

  it("declares the language as zh-CN and a title", () => {
    expect(all(doc, "html")[0]?.attribs.lang).toBe("zh-CN");
    expect(text(all(doc, "title")[0]!)).not.toBe("");
    expect(allMatching(doc, (el) => el.name === "meta" && el.attribs.name === "viewport")).toHaveLength(1);
  });

  it("has exactly one h1 and no skipped heading levels", () => {
    const levels = headingLevels(doc);
    expect(levels.filter((l) => l === 1)).toHaveLength(1);
    expect(levels[0]).toBe(1);
    for (let i = 1; i < levels.length; i++) expect(levels[i]!).toBeLessThanOrEqual(levels[i - 1]! + 1);
  });

  it("has header, labelled navigation, one main and footer landmarks, and a skip link to main", () => {
    expect(all(doc, "header").length).toBeGreaterThan(0);
    expect(all(doc, "main")).toHaveLength(1);
    expect(all(doc, "footer").length).toBeGreaterThan(0);
    const navs = all(doc, "nav");
    expect(navs.length).toBeGreaterThan(0);
    for (const nav of navs) expect(nav.attribs["aria-label"] ?? nav.attribs["aria-labelledby"]).toBeTruthy();
    const skip = all(doc, "a")[0]!;
    expect(skip.attribs.href).toBe(`#${all(doc, "main")[0]!.attribs.id}`);
  });

  it("gives every link text, every image alt text and every table a caption", () => {
    for (const a of all(doc, "a")) expect(text(a) || a.attribs["aria-label"]).toBeTruthy();
    for (const img of all(doc, "img")) expect(img.attribs.alt).toBeDefined();
    for (const table of all(doc, "table")) expect(text(all(table, "caption")[0]!)).not.toBe("");
    for (const th of all(doc, "th")) expect(th.attribs.scope).toBeDefined();
  });

  it("uses unique ids, and every in-page link and aria reference points at one", () => {
    const ids = allMatching(doc, (el) => el.attribs.id !== undefined).map((el) => el.attribs.id);
    expect(new Set(ids).size).toBe(ids.length);
    const refs = [
      ...all(doc, "a").flatMap((a) => (a.attribs.href?.startsWith("#") ? [a.attribs.href.slice(1)] : [])),
      ...allMatching(doc, (el) => el.attribs["aria-labelledby"] !== undefined).map(
        (el) => el.attribs["aria-labelledby"]!,
      ),
    ];
    for (const ref of refs) expect(ids).toContain(ref);
  });

  it("needs no JavaScript and loads nothing from another host", () => {
    expect(all(doc, "script")).toHaveLength(0);
    const external = allMatching(
      doc,
      (el) => (el.name === "link" && el.attribs.rel !== "canonical") || el.name === "img",
    ).map((el) => el.attribs.href ?? el.attribs.src ?? "");
    for (const url of external) expect(url).toMatch(/^\/(?!\/)/);
  });
});

describe("layout CSS", () => {
  const html = pages[0]![1];

  it("shows keyboard focus, adapts to narrow screens and has a print stylesheet", () => {
    expect(html).toMatch(/:focus-visible\s*[,{]/);
    expect(html).toMatch(/@media \(max-width: [^)]+\)/);
    expect(html).toContain("@media print");
    expect(html).not.toMatch(/@import|url\(|fonts\.googleapis/);
  });
});

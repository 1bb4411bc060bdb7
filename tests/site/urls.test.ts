import { describe, expect, it } from "vitest";
import { chineseDate, citation, fileSize, isoDate, pageLabel } from "../../src/site/format.js";
import { absoluteUrl, documentPath, editionPath, href } from "../../src/site/urls.js";
import { safeUrl } from "../../src/site/view.js";

describe("URL scheme", () => {
  it("puts an edition at editions/{year}/{issue}.html and a document at documents/{id}.html", () => {
    expect(editionPath({ year: 2024, issue: 12 })).toBe("editions/2024/12.html");
    expect(documentPath("01HXKZ3V8Q6N2M4P5R7S9T0W1Y")).toBe("documents/01HXKZ3V8Q6N2M4P5R7S9T0W1Y.html");
    expect(documentPath("01HX~01HY")).toBe("documents/01HX~01HY.html");
  });

  it("refuses ids and editions that cannot be a safe path", () => {
    for (const id of ["../etc/passwd", "a/b", "", "a b", "x..y", "<x>"]) {
      expect(() => documentPath(id), id).toThrow(RangeError);
    }
    expect(() => editionPath({ year: 2024, issue: 0 })).toThrow(RangeError);
  });

  it("links root-relative and builds absolute URLs under a base with or without a path", () => {
    expect(href("index.html")).toBe("/");
    expect(href("editions/2024/12.html")).toBe("/editions/2024/12.html");
    expect(absoluteUrl("https://gb.example.gov.cn", "editions/2024/12.html")).toBe(
      "https://gb.example.gov.cn/editions/2024/12.html",
    );
    expect(absoluteUrl("https://example.gov.cn/gazette/", "index.html")).toBe(
      "https://example.gov.cn/gazette/",
    );
  });

  it("accepts http(s) and relative links and refuses other schemes", () => {
    for (const ok of ["/a.pdf", "a.pdf", "https://x.cn/a.pdf", "?q=1", "#top"]) expect(safeUrl(ok)).toBe(ok);
    for (const bad of [
      "javascript:alert(1)",
      "JAVASCRIPT:x",
      "java\nscript:x",
      "data:text/html,x",
      "//evil",
    ]) {
      expect(() => safeUrl(bad), bad).toThrow(RangeError);
    }
  });
});

describe("formats", () => {
  it("writes dates the GB/T 9704 way, timestamps as the Beijing date", () => {
    expect(chineseDate("2024-05-03")).toBe("2024年5月3日");
    expect(isoDate("2024-05-03T17:00:00Z")).toBe("2024-05-04");
  });

  it("cites a document by gazette, year, issue, cumulative issue and pages", () => {
    const masthead = { name: "四川省人民政府公报" };
    const info = { year: 2024, issue: 12, cumulative: 845 };
    expect(citation(masthead, info, { firstPage: 5, lastPage: 5 })).toBe(
      "《四川省人民政府公报》2024年第12期（总第845期）第5页",
    );
    expect(pageLabel({ firstPage: 5, lastPage: 9 })).toBe("第5—9页");
  });

  it("writes file sizes in B, KB and MB", () => {
    expect([fileSize(900), fileSize(2048), fileSize(2_411_725)]).toEqual(["900 B", "2 KB", "2.3 MB"]);
  });
});

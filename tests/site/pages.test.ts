import { describe, expect, it } from "vitest";
import { summarizeEdition } from "../../src/site/feeds.js";
import type { DocumentStatusView } from "../../src/site/model.js";
import { createSiteRenderer, renderEditionSite, renderHomePage } from "../../src/site/render.js";
import { documentPath, editionPath, href } from "../../src/site/urls.js";
import {
  edition,
  gazette,
  INTERPRETATION_ID,
  NOTICE_ID,
  POLICY_ID,
  placements,
  siteInput,
} from "./fixtures.js";
import { all, allMatching, parseHtml, text } from "./html.js";

function page(path: string, input = siteInput()) {
  const html = renderEditionSite(input).get(path);
  if (html === undefined) throw new Error(`no page ${path}`);
  return { html, doc: parseHtml(html) };
}

function metadata(path: string, input = siteInput()): Map<string, string> {
  const { doc } = page(path, input);
  const dl = all(doc, "dl")[0]!;
  const dts = all(dl, "dt").map(text);
  const dds = all(dl, "dd").map(text);
  return new Map(dts.map((dt, i) => [dt, dds[i] ?? ""]));
}

describe("renderEditionSite", () => {
  it("returns the edition page and one page per document, interpretations included", () => {
    // Act
    const pages = renderEditionSite(siteInput());
    // Assess
    expect([...pages.keys()].sort()).toEqual(
      [
        "editions/2024/12.html",
        `documents/${POLICY_ID}.html`,
        `documents/${NOTICE_ID}.html`,
        `documents/${INTERPRETATION_ID}.html`,
      ].sort(),
    );
  });

  it("lists the table of contents by section, in order, with citation pages and links", () => {
    // Act
    const { doc } = page(editionPath(edition.edition));
    // Assess
    const sections = all(doc, "section").map((s) => ({
      name: text(all(s, "h3")[0]!),
      entries: all(s, "li").map((li) => ({
        href: all(li, "a")[0]?.attribs.href,
        page: text(allMatching(li, (el) => el.attribs.class === "page")[0]!),
      })),
    }));
    expect(sections).toEqual([
      {
        name: "省政府办公厅文件",
        entries: [
          { href: href(documentPath(POLICY_ID)), page: "第3—5页" },
          { href: href(documentPath(NOTICE_ID)), page: "第6页" },
        ],
      },
      { name: "政策解读", entries: [{ href: href(documentPath(INTERPRETATION_ID)), page: "第7—8页" }] },
    ]);
  });

  it("links the edition PDF with its size", () => {
    // Act
    const { doc } = page(editionPath(edition.edition));
    // Assess
    const pdf = all(doc, "a").find((a) => a.attribs.href === "/pdf/editions/2024/12.pdf");
    expect(pdf && text(pdf)).toBe("下载本期 PDF（2.3 MB）");
  });

  it("shows a document's metadata with Chinese dates, disclosure, status and citation", () => {
    // Act
    const meta = metadata(documentPath(POLICY_ID));
    // Assess
    expect(Object.fromEntries(meta)).toEqual({
      发文机关: "四川省人民政府办公厅",
      发文字号: "川办发〔2024〕12号",
      成文日期: "2024年5月3日",
      发布日期: "2024年5月20日",
      文种: "意见",
      公开属性: "主动公开",
      效力状态: "有效",
      刊载: "《四川省人民政府公报》2024年第12期（总第845期）第3—5页",
    });
  });

  it("signs a document without a named signer with its issuers, as the PDF does", () => {
    // Prepare / Act
    const { doc } = page(documentPath(INTERPRETATION_ID));
    const signatures = allMatching(doc, (el) => el.attribs?.class === "signature").map(text);

    // Assess
    expect(signatures[0]).toBe("四川省民政厅");
  });

  it("cites a one-page document with a single page number", () => {
    // Act
    const meta = metadata(documentPath(NOTICE_ID));
    // Assess
    expect(meta.get("刊载")).toBe("《四川省人民政府公报》2024年第12期（总第845期）第6页");
  });

  it("leaves the page out of the citation when the document has no placement", () => {
    // Act
    const meta = metadata(documentPath(NOTICE_ID), siteInput({ placements: placements.slice(0, 1) }));
    // Assess
    expect(meta.get("刊载")).toBe("《四川省人民政府公报》2024年第12期（总第845期）");
  });

  it("renders headings by level, paragraphs and header rows as th", () => {
    // Act
    const { doc } = page(documentPath(POLICY_ID));
    // Assess
    const body = allMatching(doc, (el) => el.attribs.class === "doc-body")[0]!;
    expect(all(body, "h2").map(text)).toEqual(["一、总体要求", "二、组织实施"]);
    expect(all(body, "h3").map(text)).toEqual(["（一）建设社区嵌入式服务设施。"]);
    const table = all(body, "table")[0]!;
    expect(all(table, "th").map(text)).toEqual(["指标", "2025年", "2027年"]);
    expect(all(table, "tbody")[0] && all(all(table, "tbody")[0]!, "tr")).toHaveLength(2);
  });

  it("renders attachments as sections linked from the attachment list", () => {
    // Act
    const { doc } = page(documentPath(POLICY_ID));
    // Assess
    const attachment = allMatching(doc, (el) => el.attribs.class === "attachment")[0]!;
    expect(text(all(attachment, "h2")[0]!)).toBe("附件　重点任务分工表");
    expect(all(attachment, "td").map(text)).toContain("省民政厅、省住房城乡建设厅");
    const list = all(doc, "a").find((a) => a.attribs.href === `#${attachment.attribs.id}`);
    expect(list && text(list)).toBe("重点任务分工表");
  });

  it("links a policy to its interpretation and the interpretation back to the policy", () => {
    // Act
    const policy = page(documentPath(POLICY_ID)).doc;
    const interpretation = page(documentPath(INTERPRETATION_ID)).doc;
    // Assess
    const hrefs = (d: ReturnType<typeof parseHtml>) => all(d, "a").map((a) => a.attribs.href);
    expect(hrefs(policy)).toContain(href(documentPath(INTERPRETATION_ID)));
    expect(hrefs(interpretation)).toContain(href(documentPath(POLICY_ID)));
  });

  it("links a document to its PDF and to its edition", () => {
    // Act
    const { doc } = page(documentPath(POLICY_ID));
    // Assess
    const links = all(doc, "a").map((a) => [a.attribs.href, text(a)]);
    expect(links).toContainEqual([`/pdf/documents/${POLICY_ID}.pdf`, "下载本文 PDF（311 KB）"]);
    expect(links).toContainEqual(["/editions/2024/12.html", "查看2024年第12期（总第845期）目录"]);
  });

  it("shows a banner with the date and the repealing document when a document is 已废止", () => {
    // Act
    const { doc } = page(documentPath(NOTICE_ID));
    // Assess
    const banner = allMatching(doc, (el) => el.attribs.role === "note")[0]!;
    expect(text(banner)).toBe(
      "效力状态：已废止 本文件已于2025年1月15日被《四川省人民政府办公厅关于废止部分文件的决定》（川办发〔2025〕1号）废止。",
    );
    expect(all(banner, "a")[0]?.attribs.href).toBe("/documents/01JAAAAAAAAAAAAAAAAAAAAAAA.html");
  });

  it.each([
    [{ status: "已修改", changedAt: "2025-03-01" }, "本文件已于2025年3月1日修改。"],
    [{ status: "失效", changedAt: "2026-05-03T18:00:00Z" }, "本文件已于2026年5月4日失效。"],
    [{ status: "失效" }, "本文件已失效。"],
  ] satisfies [DocumentStatusView, string][])("words the %o banner as %s", (status, sentence) => {
    // Prepare
    const input = siteInput({ status: new Map([[POLICY_ID, status]]) });
    // Act
    const { doc } = page(documentPath(POLICY_ID), input);
    // Assess
    const banner = allMatching(doc, (el) => el.attribs.role === "note")[0]!;
    expect(text(banner)).toBe(`效力状态：${status.status} ${sentence}`);
  });

  it("shows no banner for a document in force, and lists corrections when there are some", () => {
    // Prepare
    const correction = { id: "01JB", title: "勘误", docNumber: null, url: "/documents/01JB.html" };
    const input = siteInput({
      status: new Map([[POLICY_ID, { status: "有效", correctedBy: [correction] }]]),
    });
    // Act
    const valid = page(documentPath(INTERPRETATION_ID)).doc;
    const corrected = page(documentPath(POLICY_ID), input).doc;
    // Assess
    expect(allMatching(valid, (el) => el.attribs.role === "note")).toHaveLength(0);
    const notes = allMatching(corrected, (el) => el.attribs.role === "note");
    expect(notes.map(text)).toEqual(["勘误 本文件已有勘误：《勘误》。"]);
  });

  it("refuses a javascript: link for a changing document", () => {
    // Prepare
    const evil: DocumentStatusView = {
      status: "已废止",
      changedBy: { id: "x", title: "x", docNumber: null, url: "java\tscript:alert(1)" },
    };
    // Act + Assess
    expect(() => renderEditionSite(siteInput({ status: new Map([[POLICY_ID, evil]]) }))).toThrow(RangeError);
  });

  it("marks documents no longer in force in the table of contents", () => {
    // Act
    const { doc } = page(editionPath(edition.edition));
    // Assess
    const badges = allMatching(doc, (el) => el.attribs.class === "badge").map(text);
    expect(badges).toEqual(["已废止"]);
  });
});

describe("home page", () => {
  const earlier = [11, 10].map((issue) =>
    summarizeEdition(
      siteInput({
        edition: {
          ...edition,
          edition: {
            id: `2024-${issue}`,
            year: 2024,
            issue,
            cumulative: 833 + issue,
            date: `2024-05-0${issue - 9}`,
          },
        },
      }),
    ),
  );
  const lastYear = summarizeEdition(
    siteInput({
      edition: {
        ...edition,
        edition: { id: "2023-24", year: 2023, issue: 24, cumulative: 821, date: "2023-12-30" },
      },
    }),
  );

  it("shows the latest edition's contents and the earlier editions by year, newest first", () => {
    // Prepare
    const latest = siteInput();
    const editions = [lastYear, ...earlier, summarizeEdition(latest)];
    // Act
    const html = renderHomePage({ gazette, editions, latest });
    // Assess
    const doc = parseHtml(html);
    expect(text(all(doc, "h2")[0]!)).toBe("最新一期：2024年第12期");
    expect(all(doc, "a").map((a) => a.attribs.href)).toContain(href(documentPath(POLICY_ID)));
    const archive = allMatching(doc, (el) => el.attribs.id === "archive")[0]!;
    expect(all(archive, "h3").map(text)).toEqual(["2024年", "2023年"]);
    const editionLinks = all(archive, "a")
      .map((a) => a.attribs.href)
      .filter((h) => h?.startsWith("/editions/"));
    expect(editionLinks).toEqual([
      "/editions/2024/11.html",
      "/editions/2024/10.html",
      "/editions/2023/24.html",
    ]);
  });

  it("says nothing is published yet when there are no editions (createSiteRenderer().home())", () => {
    // Prepare
    const site = createSiteRenderer(gazette);
    // Act
    const html = site.home();
    // Assess
    expect(html).toContain("尚无已发布的公报");
    expect(html).toContain("暂无往期");
  });

  it("keeps a not-found page that links home", () => {
    // Act
    const doc = parseHtml(createSiteRenderer(gazette).notFound());
    // Assess
    expect(text(all(doc, "h1")[0]!)).toBe("页面不存在");
    expect(all(doc, "a").some((a) => a.attribs.href === "/" && text(a) === "返回首页")).toBe(true);
  });
});

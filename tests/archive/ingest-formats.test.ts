import { describe, expect, it } from "vitest";
import { segmentDocument } from "../../src/archive/ingest/document.js";
import { detectFormat } from "../../src/archive/ingest/formats/detect.js";
import { readDocuments } from "../../src/archive/ingest/read.js";

/** Reads a submitted text and segments its only document. */
function ingestOne(raw: string, options?: Parameters<typeof readDocuments>[1]) {
  const docs = readDocuments(raw, options);
  expect(docs).toHaveLength(1);
  const doc = docs[0]!;
  return { doc, segment: segmentDocument(doc.text, doc.hints) };
}

// A gov.cn 信息公开 page: site header, breadcrumb, the metadata table, the body, share bar, footer.
const GOV_CN_PAGE = `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>国务院办公厅关于加快发展流通促进商业消费的意见_政府信息公开专栏</title>
<meta name="ArticleTitle" content="国务院办公厅关于加快发展流通促进商业消费的意见">
</head><body>
<div class="header"><a href="/">中国政府网</a> | <a>首页</a> | <a>简</a> | <a>繁</a> | <a>EN</a></div>
<div class="BreadcrumbNav">首页 &gt; 政策 &gt; 国务院政策文件库 &gt; 国务院文件</div>
<div class="wrap">
<table class="bd1" border="1">
<tr><td><b>索&nbsp;引&nbsp;号：</b></td><td>000014349/2019-00135</td><td><b>主题分类：</b></td><td>商贸、海关、旅游\\国内贸易（含供销）</td></tr>
<tr><td><b>发文机关：</b></td><td>国务院办公厅</td><td><b>成文日期：</b></td><td>2019年08月16日</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">国务院办公厅关于加快发展流通促进商业消费的意见</td></tr>
<tr><td><b>发文字号：</b></td><td>国办发〔2019〕42号</td><td><b>发布日期：</b></td><td>2019年08月27日</td></tr>
</table>
<div class="pages_content" id="UCAP-CONTENT">
<p style="text-align: center;"><strong>国务院办公厅关于加快发展</strong></p>
<p style="text-align: center;"><strong>流通促进商业消费的意见</strong></p>
<p style="text-align: center;">国办发〔2019〕42号</p>
<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p>　　流通业是国民经济的基础性和先导性产业。经国务院同意，现提出以下意见。</p>
<p>　　一、促进流通新业态新模式发展</p>
<p style="text-align: right;">国务院办公厅</p>
<p style="text-align: right;">2019年8月16日</p>
<p>　　（此件公开发布）</p>
</div>
<div class="editor">【我要纠错】 责任编辑：张三</div>
<div class="share">分享到：<a>微博</a><a>微信</a></div>
<div class="relevant"><h3>相关稿件</h3><ul><li>商务部解读：流通促消费</li></ul></div>
</div>
<div class="footer">版权所有：中国政府网 | 中文域名：中国政府网.政务 | 京ICP备05070218号 | 京公网安备11010202000001号</div>
</body></html>`;

describe("reading a scraped 信息公开 page", () => {
  it("reads the metadata table as labelled fields and prefers them to guesses", () => {
    // Act
    const { doc, segment } = ingestOne(GOV_CN_PAGE);

    // Assess
    expect(doc.format).toBe("html");
    expect(doc.hints).toMatchObject({
      title: "国务院办公厅关于加快发展流通促进商业消费的意见",
      docNumberPrinted: "国办发〔2019〕42号",
      issuers: ["国务院办公厅"],
      indexNumber: "000014349/2019-00135",
    });
    expect(doc.hints.dates).toEqual([
      { kind: "written", value: "2019-08-16", printed: "2019年08月16日" },
      { kind: "published", value: "2019-08-27", printed: "2019年08月27日" },
    ]);
    expect(segment).toMatchObject({
      title: "国务院办公厅关于加快发展流通促进商业消费的意见",
      docNumber: "国办发〔2019〕42号",
      issuers: ["国务院办公厅"],
      date: "2019-08-16",
      kind: "意见",
      missing: [],
    });
  });

  it("keeps the document's own text and drops the table, menus, share bar, related list and footer", () => {
    // Act
    const { doc } = ingestOne(GOV_CN_PAGE);

    // Assess
    expect(doc.text).toContain("流通业是国民经济的基础性和先导性产业。");
    expect(doc.text).toContain("（此件公开发布）");
    for (const noise of [
      "索",
      "000014349",
      "主题分类",
      "首页",
      "纠错",
      "分享到",
      "相关稿件",
      "商务部解读",
      "ICP",
      "中国政府网",
    ])
      expect(doc.text).not.toContain(noise);
  });

  it("takes the title from the page without its site name when no label states it", () => {
    // Prepare: the same page without the metadata table.
    const page = GOV_CN_PAGE.replace(/<table[\s\S]*?<\/table>/, "");

    // Act
    const { segment } = ingestOne(page);

    // Assess: the title printed over two lines, joined, as the page's <title> names it.
    expect(segment.title).toBe("国务院办公厅关于加快发展流通促进商业消费的意见");
    expect(segment.docNumber).toBe("国办发〔2019〕42号");
  });
});

// A Taiwan Executive Yuan Gazette fragment: a Word-made layout table; a joint order's header
// prints each issuer on its own line.
const EY_JOINT_ORDER = `<table width="775"><tr>
<td class="black14" rowspan="2"><b>行政院環境保護署</b><br><b>交　　通　　部令</b></td>
<td class="black14"><span style="font-family: 新細明體">中華民國</span><span lang="EN-US">95</span>年<span>7</span>月<span>19</span>日</td></tr>
<tr><td class="black14">環署空字第0950055340D號<br>交路字第0950085043號</td></tr></table>
<p class="MsoNormal">修正「柴油及替代清潔燃料引擎汽車車型排氣審驗合格證明核發撤銷及廢止辦法」部分條文。</p>
<p class="MsoNormal">署　　長　張國龍</p><p class="MsoNormal">部　　長　郭瑤琪</p>`;

describe("reading an HTML fragment in Traditional script", () => {
  it("takes a joint order's header as its title, issuers joined with 、, not the date beside it", () => {
    // Act
    const { doc, segment } = ingestOne(EY_JOINT_ORDER);

    // Assess
    expect(doc.format).toBe("html");
    expect(segment.title).toBe("行政院環境保護署、交通部令");
    expect(segment.kind).toBe("令");
  });
});

// A law-database Markdown export: YAML front matter, the law's name as a heading, a history line,
// an HTML comment, chapter headings, emphasis.
const LAW_MARKDOWN = `---
title: "中华人民共和国户口登记条例"
publish_date: "1958-01-09"
status: "现行有效"
tags:
  - 法律法规
---
# 中华人民共和国户口登记条例

1958年1月9日 全国人民代表大会常务委员会第九十一次会议通过

<!-- INFO END -->

## 第一章 总则

**第一条** 为了维持社会秩序，保护公民的权利和利益，制定本条例。

第二条 中华人民共和国公民，都应当依照[本条例](https://example.org/x)的规定履行户口登记。
`;

describe("reading Markdown", () => {
  it("takes the title from front matter and strips headings, emphasis, links and comments", () => {
    // Act
    const { doc, segment } = ingestOne(LAW_MARKDOWN);

    // Assess
    expect(doc.format).toBe("markdown");
    expect(segment.title).toBe("中华人民共和国户口登记条例");
    expect(segment.kind).toBe("条例");
    expect(doc.hints.dates).toEqual([{ kind: "published", value: "1958-01-09", printed: "1958-01-09" }]);
    expect(doc.text.split("\n")).toEqual(
      expect.arrayContaining([
        "中华人民共和国户口登记条例",
        "第一章 总则",
        "第一条 为了维持社会秩序，保护公民的权利和利益，制定本条例。",
        "第二条 中华人民共和国公民，都应当依照本条例的规定履行户口登记。",
      ]),
    );
    for (const markup of ["#", "**", "](", "<!--", "---", "status"]) expect(doc.text).not.toContain(markup);
  });

  it("takes the first top-level heading as the title, never a section heading, without its #", () => {
    // Prepare: no front matter; a crawler-style section heading comes first.
    const md =
      "## 正文\n\n# 中华人民共和国行政许可法\n\n## 第一章 总则\n\n第一条 为了规范行政许可的设定和实施，制定本法。";

    // Act
    const { segment } = ingestOne(md);

    // Assess
    expect(segment.title).toBe("中华人民共和国行政许可法");
    expect(segment.kind).toBe("法");
  });

  it("reads a Markdown table of labelled fields as metadata", () => {
    // Prepare
    const md = [
      "| 字段 | 内容 |",
      "| --- | --- |",
      "| 标题 | 江西省人民政府关于鹰潭港总体规划的批复 |",
      "| 文号 | 赣府字〔2020〕11号 |",
      "| 成文日期 | 2020-02-19 |",
      "",
      "鹰潭市人民政府、省交通运输厅：",
      "你们报来的请示收悉。现批复如下。",
    ].join("\n");

    // Act
    const { segment } = ingestOne(md);

    // Assess
    expect(segment).toMatchObject({
      title: "江西省人民政府关于鹰潭港总体规划的批复",
      docNumberPrinted: "赣府字〔2020〕11号",
      date: "2020-02-19",
      kind: "批复",
    });
  });
});

// A record of Taiwan's national law database (law.moj.gov.tw open data, Chinese field names).
const MOJ_RECORD = {
  法規性質: "命令",
  法規名稱: "公務人員考績法施行細則",
  法規網址: "https://law.moj.gov.tw/LawClass/LawAll.aspx?pcode=S0020002",
  法規類別: "考試院＞銓敘部＞考績目",
  最新異動日期: "20230615",
  沿革內容: "1.中華民國七十六年一月十四日考試院(76)考台秘議字第0102號令訂定發布全文 29 條",
  法規內容: [
    { 編章節: "第 一 章 總則" },
    { 條號: "第 1 條", 條文內容: "本細則依公務人員考績法（以下簡稱本法）第二十四條規定訂定之。" },
    { 條號: "第 2 條", 條文內容: "各機關應依本法辦理考績。" },
  ],
};

describe("reading JSON records", () => {
  it("maps a law-database record's fields and builds its text from the articles in order, never raw JSON", () => {
    // Act
    const { doc, segment } = ingestOne(JSON.stringify(MOJ_RECORD, null, "\t"));

    // Assess
    expect(doc.format).toBe("json");
    expect(segment).toMatchObject({ title: "公務人員考績法施行細則", kind: "細則", date: "2023-06-15" });
    expect(doc.hints.dates).toEqual([{ kind: "amended", value: "2023-06-15", printed: "20230615" }]);
    expect(doc.text.split("\n")).toEqual([
      "公務人員考績法施行細則",
      "1.中華民國七十六年一月十四日考試院(76)考台秘議字第0102號令訂定發布全文 29 條",
      "第 一 章 總則",
      "第 1 條\u3000本細則依公務人員考績法（以下簡稱本法）第二十四條規定訂定之。",
      "第 2 條\u3000各機關應依本法辦理考績。",
    ]);
    for (const raw of ["{", "法規名稱", '"']) expect(doc.text).not.toContain(raw);
  });

  it("reads an array of records, nested under another key, as one document each", () => {
    // Prepare
    const dump = {
      UpdateDate: "2023/6/20",
      Laws: [
        {
          LawName: "中華民國憲法",
          LawModifiedDate: "19470101",
          LawArticles: [{ ArticleNo: "第 1 條", ArticleContent: "中華民國基於三民主義。" }],
        },
        {
          LawName: "總統副總統選舉罷免法",
          LawModifiedDate: "20200515",
          LawArticles: [{ ArticleNo: "第 1 條", ArticleContent: "本法依憲法制定之。" }],
        },
      ],
    };

    // Act
    const docs = readDocuments(JSON.stringify(dump));

    // Assess
    expect(docs.map((d) => segmentDocument(d.text, d.hints).title)).toEqual([
      "中華民國憲法",
      "總統副總統選舉罷免法",
    ]);
    expect(docs[1]!.text).toBe("總統副總統選舉罷免法\n第 1 條\u3000本法依憲法制定之。");
  });

  it("uses a request's field mapping before the defaults", () => {
    // Prepare: a database with its own column names.
    const record = {
      fgmc: "四川省档案管理办法",
      fwzh: "四川省人民政府令第321号",
      gbrq: "2017-06-01",
      zw: ["第一条 为了加强档案管理，制定本办法。"],
    };

    // Act
    const { segment } = ingestOne(JSON.stringify(record), {
      fields: { title: ["fgmc"], docNumber: ["fwzh"], dates: { gbrq: "published" }, body: ["zw"] },
    });

    // Assess
    expect(segment).toMatchObject({
      title: "四川省档案管理办法",
      docNumberPrinted: "四川省人民政府令第321号",
      date: "2017-06-01",
      kind: "办法",
      text: "四川省档案管理办法\n第一条 为了加强档案管理，制定本办法。",
    });
  });

  it("reads JSON Lines of one law's articles as one document of its articles", () => {
    // Prepare
    const lines = [
      {
        id: "EIT_1",
        article_number: "第1条",
        content: "在中华人民共和国境内，企业为企业所得税的纳税人。",
        effective_date: "2018-12-29",
      },
      {
        id: "EIT_2",
        article_number: "第2条",
        content: "企业分为居民企业和非居民企业。",
        effective_date: "2018-12-29",
      },
    ]
      .map((r) => JSON.stringify(r))
      .join("\n");

    // Act
    const { doc } = ingestOne(lines);

    // Assess
    expect(doc.text).toBe(
      "第1条\u3000在中华人民共和国境内，企业为企业所得税的纳税人。\n第2条\u3000企业分为居民企业和非居民企业。",
    );
    expect(doc.hints.dates).toEqual([{ kind: "effective", value: "2018-12-29", printed: "2018-12-29" }]);
  });
});

const CRAWLER_NOTE = `URL: http://www.jiangxi.gov.cn/art/2020/3/3/art_4975_1520001.html
抓取时间：2020-03-05 10:12:44
来源：江西省人民政府网
========================================
=== 正文 ===
江西省人民政府办公厅关于进一步做好
疫情防控期间农业生产工作的通知
赣府厅明电〔2020〕20号
各市、县（区）人民政府，省政府各部门：
为做好疫情防控期间农业生产工作，经省政府同意，现就有关事项通知如下。
江西省人民政府办公厅
2020年3月3日
========================================`;

describe("reading crawler notes and plain text", () => {
  it("takes the crawler's header and markers out and joins a title printed over two lines", () => {
    // Act
    const { doc, segment } = ingestOne(CRAWLER_NOTE);

    // Assess
    expect(doc.format).toBe("crawler");
    expect(doc.hints.url).toBe("http://www.jiangxi.gov.cn/art/2020/3/3/art_4975_1520001.html");
    expect(segment).toMatchObject({
      title: "江西省人民政府办公厅关于进一步做好疫情防控期间农业生产工作的通知",
      docNumber: "赣府厅明电〔2020〕20号",
      date: "2020-03-03",
      issuers: ["江西省人民政府办公厅"],
    });
    for (const debris of ["URL", "抓取", "来源", "===", "正文"]) expect(doc.text).not.toContain(debris);
  });

  it("leaves the title empty, for review, when a body-only text prints none", () => {
    // Prepare: a crawler kept only the body.
    const body = [
      "各设区市、省直管试点县（市）市场监管局：",
      "为切实保障人民群众身体健康和生命安全，现将有关事项通知如下：",
      "一、提高思想认识。",
      "2020年2月13日",
    ].join("\n");

    // Act
    const { segment } = ingestOne(body);

    // Assess
    expect(segment.title).toBe("");
    expect(segment.missing).toContain("title");
    expect(segment.date).toBe("2020-02-13");
  });

  it("detects each format", () => {
    // Assess
    expect(detectFormat(GOV_CN_PAGE)).toBe("html");
    expect(detectFormat("<p>国务院关于…的通知</p><p>正文。</p>")).toBe("html");
    expect(detectFormat(LAW_MARKDOWN)).toBe("markdown");
    expect(detectFormat(JSON.stringify(MOJ_RECORD))).toBe("json");
    expect(detectFormat(CRAWLER_NOTE)).toBe("crawler");
    expect(detectFormat("关于做好春节期间工作的通知\n各单位：\n请做好工作。")).toBe("text");
    // Not JSON, not HTML: a text that merely starts with a bracket.
    expect(detectFormat("{草案}关于做好工作的通知\n正文。")).toBe("text");
  });
});

describe("a 信息公开 table row with an empty value", () => {
  it("does not take the order header printed below the table as the empty field's value", () => {
    // Prepare: gov.cn prints 主题词 with empty cells, then the order as GB/T 9704 sets it.
    const html = `<html><body><table>
<tr><td>标　　题：</td><td>中华人民共和国个人所得税法实施条例</td></tr>
<tr><td>发文字号：</td><td>国令第707号</td><td>发布日期：</td><td>2018年12月22日</td></tr>
<tr><td>主 题 词：</td><td></td><td></td><td></td></tr>
</table>
<div id="UCAP-CONTENT"><p style="text-align: center;">中华人民共和国国务院令</p><p>第707号</p>
<p>现公布修订后的《中华人民共和国个人所得税法实施条例》，自2019年1月1日起施行。</p>
<p>总理　　李克强</p><p>2018年12月18日</p>
<p>中华人民共和国个人所得税法实施条例</p><p>第一条　根据《中华人民共和国个人所得税法》，制定本条例。</p></div>
</body></html>`;

    // Act
    const { doc, segment } = ingestOne(html);

    // Assess
    expect(doc.text.split("\n")).toContain("中华人民共和国国务院令");
    expect(segment.docNumberPrinted).toBe("中华人民共和国国务院令第707号");
    expect(segment.title).toBe("中华人民共和国个人所得税法实施条例");
  });
});

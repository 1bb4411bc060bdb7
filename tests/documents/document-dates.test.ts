import { describe, expect, it } from "vitest";
import { dateKindOfLabel, findDocumentDates, parseLabelledDate } from "../../src/documents/dates.js";

const lines = (text: string) => text.split("\n");
const kinds = (text: string) => findDocumentDates(lines(text)).dates.map((d) => `${d.kind} ${d.date}`);

describe("labelled date fields", () => {
  it.each([
    ["成文日期", "2016年04月05日", { kind: "written", date: "2016-04-05" }],
    ["发布日期", "2016-04-13 17:48", { kind: "published", date: "2016-04-13" }],
    ["發布日期", " 民國 86 年 07 月 01 日", { kind: "published", date: "1997-07-01" }],
    ["修正日期", "19970701", { kind: "amended", date: "1997-07-01" }],
    ["修正發布日期", "中華民國八十六年七月一日", { kind: "amended", date: "1997-07-01" }],
    ["公布日期：", "2019年3月2日", { kind: "published", date: "2019-03-02" }],
    ["【施行日期】", "2019.05.01", { kind: "effective", date: "2019-05-01" }],
    ["通过日期", "二〇〇九年八月二十七日", { kind: "adopted", date: "2009-08-27" }],
    ["印发日期", "2024/5/6", { kind: "published", date: "2024-05-06" }],
    ["LawModifiedDate", "20190605", { kind: "amended", date: "2019-06-05" }],
    ["publish_date", "1997-07-01T00:00:00", { kind: "published", date: "1997-07-01" }],
  ])("%s %s", (label, value, expected) => {
    expect(parseLabelledDate(label, value)).toEqual(expected);
  });

  it("refuses an impossible date in a labelled field", () => {
    expect(parseLabelledDate("发布日期", "1998-02-30")).toBeNull();
    expect(parseLabelledDate("成文日期", "一九九八年二月三十日")).toBeNull();
    expect(parseLabelledDate("修正日期", "19980230")).toBeNull();
  });

  it("a label that names no kind of date, or a value that is no date, gives nothing", () => {
    expect(dateKindOfLabel("日期")).toBeUndefined();
    expect(dateKindOfLabel("标题")).toBeUndefined();
    expect(parseLabelledDate("日期", "2024-05-03")).toBeNull();
    expect(parseLabelledDate("发布日期", "来源：新华社 2024-05-03")).toBeNull();
  });
});

describe("findDocumentDates", () => {
  it("the 成文日期 under the signature dates a notice; the 版记's 印发 date is its publication", () => {
    // Prepare
    const text = `国务院关于印发全民科学素质行动规划纲要的通知
国发〔2021〕9号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
现将《全民科学素质行动规划纲要（2021—2035年）》印发给你们，请认真贯彻执行。
国务院
2021年6月3日
（此件公开发布）
国务院办公厅　　2021年6月25日印发`;

    // Act
    const { date, dates } = findDocumentDates(lines(text));

    // Assess
    expect(date).toMatchObject({ kind: "written", date: "2021-06-03", source: "signature", line: 5 });
    expect(dates.map((d) => `${d.kind} ${d.date}`)).toEqual(["written 2021-06-03", "published 2021-06-25"]);
  });

  it("dates the body cites about other documents and events are not the document's", () => {
    // Prepare
    const text = `关于做好2020年度工作的通知
各市（州）人民政府：
根据2019年3月5日国务院常务会议精神和《国务院办公厅关于…的通知》（国办发〔2019〕12号），2020年全省GDP增长5%。
2019年12月1日，省政府印发了《四川省…办法》，自2020年1月1日起施行。
该条例于2018年5月1日起施行。
《四川省…条例》自2018年5月1日起施行。`;

    // Act / Assess
    expect(findDocumentDates(lines(text))).toEqual({ date: undefined, dates: [] });
  });

  it("a date in the masthead above the text is no 成文日期", () => {
    expect(kinds("四川省人民政府公报\n2024年5月3日\n关于…的通知\n各地：请执行。")).toEqual([]);
  });

  it("a State Council order's history line: published, then the latest amendment dates it", () => {
    // Prepare
    const text = `中华人民共和国政府信息公开条例
（2007年4月5日中华人民共和国国务院令第492号公布　2019年4月3日中华人民共和国国务院令第711号修订）
第一章　总　　则
第一条　为了保障公民、法人和其他组织依法获取政府信息，制定本条例。
第五十六条　本条例自2019年5月15日起施行。`;

    // Act
    const { date, dates } = findDocumentDates(lines(text));

    // Assess
    expect(date).toMatchObject({ kind: "amended", date: "2019-04-03", source: "history" });
    expect(dates.map((d) => `${d.kind} ${d.date}`)).toEqual([
      "published 2007-04-05",
      "amended 2019-04-03",
      "effective 2019-05-15",
    ]);
  });

  it("××××年×月×日 ××令第N号发布, 自…起施行, on one line", () => {
    expect(kinds("2005年4月8日国务院令第431号发布，自2005年5月1日起施行")).toEqual([
      "published 2005-04-08",
      "effective 2005-05-01",
    ]);
  });

  it("a law's history: adopted, revised, amended by a decision whose title mentions 修改", () => {
    // Prepare
    const text = `中华人民共和国食品安全法
（2009年2月28日第十一届全国人民代表大会常务委员会第七次会议通过　2015年4月24日第十二届全国人民代表大会常务委员会第十四次会议修订　根据2018年12月29日第十三届全国人民代表大会常务委员会第七次会议《关于修改〈中华人民共和国产品质量法〉等五部法律的决定》第一次修正）
第一条　为了保证食品安全，保障公众身体健康和生命安全，制定本法。`;

    // Act
    const { date, dates } = findDocumentDates(lines(text));

    // Assess
    expect(dates.map((d) => `${d.kind} ${d.date}`)).toEqual([
      "adopted 2009-02-28",
      "amended 2015-04-24",
      "amended 2018-12-29",
    ]);
    expect(date).toMatchObject({ kind: "amended", date: "2018-12-29" });
  });

  it("a resolution adopted by a congress, dated by its adoption", () => {
    expect(
      findDocumentDates(
        lines(
          "全国人民代表大会常务委员会关于…的决定\n（2009年8月27日第十一届全国人民代表大会常务委员会第十次会议通过）\n…。",
        ),
      ).date,
    ).toMatchObject({ kind: "adopted", date: "2009-08-27" });
  });

  it("a Taiwan history in ROC dates: 制定公布, 修正公布", () => {
    // Prepare
    const text = `1.中華民國三十八年一月一日國民政府制定公布全文 20 條
2.中華民國八十六年七月一日總統（86）華總（一）義字第8600152760號令修正公布第 3、5 條條文；並自公布日施行`;

    // Act / Assess
    expect(kinds(text)).toEqual(["published 1949-01-01", "amended 1997-07-01"]);
    expect(findDocumentDates(lines(text)).date).toMatchObject({ kind: "amended", date: "1997-07-01" });
  });

  it("a Taiwan record's labelled fields in a scraped page", () => {
    // Prepare
    const text = `法規名稱：公務人員考績法
修正日期：民國 96 年 03 月 21 日
生效狀態：※本法規部分或全部條文尚未生效
第 1 條 公務人員之考績，依本法行之。`;

    // Act / Assess
    expect(findDocumentDates(lines(text)).date).toMatchObject({
      kind: "amended",
      date: "2007-03-21",
      source: "label",
    });
  });

  it("a scraped policy page: 成文日期 wins over 发布日期", () => {
    // Prepare
    const text = `索引号：000014349/2016-00061 | 主题分类：科技、教育
发文机关：国务院 | 成文日期：2016年04月05日
标题：国务院关于…的通知
发文字号：国发〔2016〕23号 | 发布日期：2016年04月13日`;

    // Act
    const { date, dates } = findDocumentDates(lines(text));

    // Assess
    expect(date).toMatchObject({ kind: "written", date: "2016-04-05" });
    expect(dates.map((d) => `${d.kind} ${d.date}`)).toEqual(["written 2016-04-05", "published 2016-04-13"]);
  });

  it("a page's own publication line (date, time, 来源)", () => {
    expect(kinds("首页 > 政策\n2016-04-13 17:48 来源：中国政府网\n国务院关于…的通知")).toEqual([
      "published 2016-04-13",
    ]);
  });

  it("a government order: its 令 text's adoption and entry into force, dated by the signature", () => {
    // Prepare
    const text = `四川省人民政府令
第356号
《四川省…办法》已经2024年4月28日省人民政府第50次常务会议审议通过，现予公布，自2024年7月1日起施行。
省长　黄强
2024年5月3日`;

    // Act
    const { date, dates } = findDocumentDates(lines(text));

    // Assess
    expect(dates.map((d) => `${d.kind} ${d.date}`)).toEqual([
      "adopted 2024-04-28",
      "effective 2024-07-01",
      "written 2024-05-03",
    ]);
    expect(date).toMatchObject({ kind: "written", date: "2024-05-03" });
  });

  it("a date in brackets under a title without signature; Chinese numerals", () => {
    expect(
      findDocumentDates(lines("中共四川省委关于…的决定\n（二〇一七年五月三日）\n全省各地：……。")).date,
    ).toMatchObject({
      kind: "written",
      date: "2017-05-03",
    });
  });

  it("signature and date on one line", () => {
    expect(findDocumentDates(lines("…，请遵照执行。\n四川省人民政府　2024年5月3日")).date).toMatchObject({
      kind: "written",
      date: "2024-05-03",
    });
  });

  it("an impossible date under the signature is no date at all", () => {
    expect(findDocumentDates(lines("…，请遵照执行。\n国务院\n1998年2月30日"))).toEqual({
      date: undefined,
      dates: [],
    });
  });

  it("precedence: published beats adopted beats effective; the latest publication wins", () => {
    expect(
      findDocumentDates(lines("（2001年1月1日某会议通过　2001年2月1日某令第1号公布　自2001年3月1日起施行）"))
        .date,
    ).toMatchObject({ kind: "published", date: "2001-02-01" });
    expect(
      findDocumentDates(lines("（2001年1月1日某会议通过）\n本条例自2001年3月1日起施行。")).date,
    ).toMatchObject({
      kind: "adopted",
      date: "2001-01-01",
    });
    expect(findDocumentDates(lines("第一条　为了…。\n本办法自2001年3月1日起施行。")).date).toMatchObject({
      kind: "effective",
      date: "2001-03-01",
    });
  });

  it("a Taiwan document's date printed in its head, next to its 發文字號", () => {
    // Prepare
    const text = `行政院公告
中華民國95年1月19日（補登）
院臺交字第0950001993號
主　　旨：公告「台北港第二期聯外道路新建工程」，並自中華民國九十五年二月一日生效。`;

    // Act / Assess
    expect(findDocumentDates(lines(text)).date).toMatchObject({ kind: "written", date: "2006-01-19" });
    expect(
      findDocumentDates(
        lines("行政院令　中華民國95年3月8日\n院臺財字第0950009842號\n本院定自中華民國九十五年五月一日施行。"),
      ).date,
    ).toMatchObject({
      kind: "written",
      date: "2006-03-08",
    });
  });

  it("a date line above the text without a 发文字号 beside it is not a 成文日期", () => {
    expect(kinds("某某法\n中華民國 58 年 12 月 5 日\n第一條　人民請願，依本法之規定。")).toEqual([]);
  });

  it("a history clause broken over lines is read whole", () => {
    // Prepare
    const text = `中华人民共和国非机动船舶海上安全航行暂行规则
1958年3月17日 国务院批准
1958年4月19日 交通部
水产部发布
1958年7月1日 施行
第一条　为了保障非机动船舶的航行安全，特制定本规则。`;

    // Act / Assess
    expect(kinds(text)).toEqual(["adopted 1958-03-17", "published 1958-04-19", "effective 1958-07-01"]);
    expect(findDocumentDates(lines(text)).date).toMatchObject({ kind: "published", date: "1958-04-19" });
    expect(
      kinds(
        "1.中華民國八十九年四月十九日總統（89）華總一義字第 8900098160 號\n  令制定公布全文 8  條；本法於公布三個月後施行",
      ),
    ).toEqual(["published 2000-04-19"]);
    expect(kinds("中華民國 58 年 12 月 5 日\n修正全文12條\n中華民國 58 年 12 月 18 日公布")).toEqual([
      "amended 1969-12-05",
      "published 1969-12-18",
    ]);
  });

  it("发布 then entry into force the same day (自发布之日施行, ，自发布之日起施行)", () => {
    expect(kinds("1990年1月1日 国家统计局令第1号发布  自发布之日施行")).toEqual(["published 1990-01-01"]);
    expect(kinds("（1990年1月1日国家统计局令第1号发布，自发布之日起施行）")).toEqual([
      "published 1990-01-01",
    ]);
  });

  it("a label in one table cell and its value in the next", () => {
    expect(
      findDocumentDates(lines("发文机关：\n国务院\n成文日期：\n1981年05月23日\n发布日期：\n2018年12月04日"))
        .dates,
    ).toEqual([
      expect.objectContaining({ kind: "written", date: "1981-05-23", source: "label" }),
      expect.objectContaining({ kind: "published", date: "2018-12-04", source: "label" }),
    ]);
  });

  it("the text's own history line outranks a site's metadata table", () => {
    // Prepare
    const text = `成文日期:  2020-03-13
江西省流动人口服务和管理办法
(2011年8月26日省人民政府令第190号公布　2016年9月21日省人民政府令第223号修正)
第一条　为了保障流动人口合法权益，制定本办法。`;

    // Act / Assess
    expect(findDocumentDates(lines(text)).date).toMatchObject({ kind: "amended", date: "2016-09-21" });
  });
});

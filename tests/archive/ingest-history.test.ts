import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { itemDates, segmentDocument } from "../../src/archive/ingest/document.js";
import { unwrapHistory } from "../../src/archive/ingest/formats/json.js";
import { currentTextStep, historySteps } from "../../src/archive/ingest/history.js";
import { readDocuments } from "../../src/archive/ingest/read.js";
import { normalizeDocNumber } from "../../src/documents/doc-number.js";

/** A law-database record as the 全國法規資料庫 dump gives it (hard-wrapped 沿革內容, CRLF). */
function lawRecord(history: string): string {
  return JSON.stringify({
    法規性質: "命令",
    法規名稱: "動產擔保交易法施行細則",
    最新異動日期: "20151217",
    沿革內容: history,
    法規內容: [{ 條號: "第 1 條", 條文內容: "本細則依動產擔保交易法第四十條規定訂定之。" }],
  });
}

function ingest(raw: string) {
  const [doc] = readDocuments(raw);
  return segmentDocument(doc!.text, doc!.hints);
}

describe("a regulation's history (沿革, 题注) gives the number of its current text", () => {
  it("takes the latest amending order of a law-database record, not the first numbered step", () => {
    // Prepare
    const raw = lawRecord(
      "1.中華民國五十四年六月七日行政院（54）台財字第 3922 號令訂定發布\r\n" +
        "2.中華民國五十六年七月二十六日行政院令修正發布第 3  條條文\r\n" +
        "3.中華民國八十八年九月八日行政院（88）台財字第 33951  號令修正發\r\n  布第 3、4 條條文\r\n" +
        "4.中華民國一百零四年十二月十七日行政院院臺金字第 1040039090 號令修\r\n" +
        "  正發布全文 14 條；除第 2 條自一百零五年一月一日施行外，自發布日施行\r\n" +
        "  中華民國一百十一年七月二十七日行政院院臺規字第 1110182320 號公告\r\n" +
        "  第 3 條所列屬「行政院金融監督管理委員會」之權責事項，改由「金融監督管理委員會」管轄",
    );

    // Act
    const segment = ingest(raw);

    // Assess
    expect(segment.docNumber).toBe(normalizeDocNumber("院臺金字第 1040039090 號"));
    expect(segment.docNumberPrinted).toBe("院臺金字第 1040039090 號");
    expect(segment.issuers).toEqual(["行政院"]);
  });

  it("joins a number the dump wrapped across lines", () => {
    // Prepare
    const raw = lawRecord(
      "1.中華民國二十六年七月二日國民政府第 543  號訓令制定公布全文 39\r\n  條\r\n" +
        "2.中華民國八十七年十月二十九日總統（87）華總（一）義字第 8700222\r\n  230 號令修正公布第 6  條條文",
    );

    // Act
    const segment = ingest(raw);

    // Assess
    expect(segment.docNumber).toBe(normalizeDocNumber("（87）華總（一）義字第 8700222230 號"));
  });

  it("gives no number when the latest step prints none (a law amended by a 决定 cited by title)", () => {
    // Prepare
    const md = [
      "# 某某管理条例",
      "",
      "1999年5月25日 民政部令第14号发布",
      "",
      "2021年4月29日 第十三届全国人民代表大会常务委员会第二十八次会议《关于修改〈某某法〉等八部法律的决定》第三次修正",
      "",
      "## 第一章 总则",
      "",
      "第一条 为了规范登记行为，制定本条例。",
    ].join("\n");

    // Act
    const segment = ingest(md);

    // Assess
    expect(segment.docNumber).toBeUndefined();
  });

  it("reads an amending order followed by the decision it cites (公安部令第149号《…》第二次修正)", () => {
    // Prepare
    const md = [
      "# 公安机关办理行政案件程序规定",
      "２０１２年１２月１９日 中华人民共和国公安部令第１２５号发布，",
      "２０１４年６月２９日 中华人民共和国公安部令第１３２号《公安部关于修改部分部门规章的决定》第一次修正",
      "２０１８年１１月２５日 公安部令第１４９号《公安部关于修改〈公安机关办理行政案件程序规定〉的决定》第二次修正。",
      "第一条 为了规范公安机关办理行政案件程序，制定本规定。",
    ].join("\n");

    // Act
    const segment = ingest(md);

    // Assess
    expect(segment.docNumber).toBe(normalizeDocNumber("公安部令第１４９号"));
  });

  it("reads a number issued by a covering notice (以法发〔1993〕15号通知印发)", () => {
    // Prepare
    const steps = historySteps([
      "最高人民法院关于审理名誉权案件若干问题的解答",
      "1993年6月15日 最高人民法院审判委员会第579次会议讨论通过",
      "1993年8月7日 最高人民法院以法发〔1993〕15号通知印发）",
    ]);

    // Assess
    expect(steps.map((s) => s.action)).toEqual(["adopted", "issued"]);
    expect(currentTextStep(steps)?.number?.printed).toBe("法发〔1993〕15号");
  });

  it("does not date or number the text by its repeal or a notice that changes no text", () => {
    // Prepare
    const steps = historySteps(
      unwrapHistory(
        "1.中華民國九十九年四月八日法務部法令字第 0990600948 號令修正發布\r\n  第 2  條條文\r\n" +
          "2.中華民國一百零一年十二月十一日法務部法令字第 10102126920  號令\r\n  發布廢止",
      ),
    );

    // Assess
    expect(steps.map((s) => s.action)).toEqual(["amended", "repealed"]);
    expect(currentTextStep(steps)?.date).toBe("2010-04-08");
  });

  it("property: the number is the latest issuing step's, wherever the dump wraps its lines", () => {
    const ROC = ["五十四", "六十九", "七十五", "八十八", "九十七", "一百零四", "一百十二"];
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: ROC.length - 1 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1000, max: 9_999_999 }), { minLength: 5, maxLength: 5 }),
        fc.array(fc.integer({ min: 8, max: 30 }), { minLength: 5, maxLength: 5 }),
        (years, serials, wraps) => {
          // Prepare: numbered steps in date order, each hard-wrapped at some column.
          const sorted = [...years].sort((a, b) => a - b);
          const steps = sorted.map((y, i) => {
            const verb = i === 0 ? "訂定發布" : "修正發布";
            return `${i + 1}.中華民國${ROC[y]}年三月二日內政部台內字第 ${serials[i]} 號令${verb}全文 10 條`;
          });
          const wrapped = steps.map((s, i) => {
            const at = Math.min(wraps[i]!, s.length - 1);
            return `${s.slice(0, at)}\r\n  ${s.slice(at)}`;
          });

          // Act
          const segment = ingest(lawRecord(wrapped.join("\r\n")));

          // Assess
          const last = serials[sorted.length - 1]!;
          expect(segment.docNumber).toBe(normalizeDocNumber(`台內字第 ${last} 號`));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("a statute page's history table and the version it shows", () => {
  /** A statute page of a legislature's database as text: history table, version line, articles. */
  const page = (version: string) =>
    [
      "請願法(01118)",
      "中華民國 43 年 12 月 7 日",
      "制定11條",
      "中華民國 43 年 12 月 18 日公布",
      "中華民國 58 年 12 月 5 日",
      "修正全文12條",
      "中華民國 58 年 12 月 18 日公布",
      "中華民國 92 年 12 月 16 日",
      "廢止12條",
      "中華民國 93 年 1 月 7 日公布",
      version,
      "第一條   (適用範圍)",
      "人民請願，依本法之規定。",
    ].join("\n");

  it("dates the page by the promulgation of the version it shows, an amendment as amended", () => {
    // Act
    const dates = itemDates(page("民國58年12月5日"), {});

    // Assess
    expect(dates.date).toMatchObject({ kind: "amended", value: "1969-12-18" });
    expect(dates.dates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "adopted", value: "1954-12-07" }),
        expect.objectContaining({ kind: "published", value: "1954-12-18" }),
        expect.objectContaining({ kind: "adopted", value: "1969-12-05" }),
      ]),
    );
  });

  it("never dates the text by its repeal, and shows the enacted version as published", () => {
    // Act
    const shown = itemDates(page("民國43年12月7日(非現行條文)"), {});
    const unversioned = itemDates(page(""), {});

    // Assess
    expect(shown.date).toMatchObject({ kind: "published", value: "1954-12-18" });
    expect(unversioned.date).toMatchObject({ kind: "amended", value: "1969-12-18" });
    expect(unversioned.dates.map((d) => d.value)).not.toContain("2004-01-07");
  });

  it("does not take a database's latest-change date that is the day the text was repealed", () => {
    // Prepare
    const raw = JSON.stringify({
      法規名稱: "法務部法規委員會組織規程",
      最新異動日期: "20121211",
      沿革內容:
        "1.中華民國九十九年四月八日法務部法令字第 0990600948 號令修正發布\r\n  第 2  條條文\r\n" +
        "2.中華民國一百零一年十二月十一日法務部法令字第 10102126920  號令\r\n  發布廢止",
      法規內容: [{ 條號: "第 1 條", 條文內容: "法務部為處理法制事務，設法規委員會。" }],
    });

    // Act
    const segment = ingest(raw);

    // Assess
    expect(segment.date).toBe("2010-04-08");
    expect(segment.dateKind).toBe("amended");
    expect(segment.docNumberPrinted).toBe("法令字第 0990600948 號");
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { segmentDocument } from "../../src/archive/ingest/document.js";
import { historySteps, stepOrgans } from "../../src/archive/ingest/history.js";
import { readDocuments } from "../../src/archive/ingest/read.js";
import { datesInText } from "../../src/documents/dates.js";
import { findDocNumbers, normalizeDocNumber } from "../../src/documents/doc-number.js";

/** A record of the 全國法規資料庫 dump (hard-wrapped 沿革內容, CRLF), as the archive ingests it. */
function lawRecord(name: string, latestChange: string, history: string): string {
  return JSON.stringify({
    法規性質: "命令",
    法規名稱: name,
    最新異動日期: latestChange,
    沿革內容: history,
    法規內容: [{ 條號: "第 1 條", 條文內容: "本辦法依有關法律規定訂定之。" }],
  });
}

function ingest(raw: string) {
  const [doc] = readDocuments(raw);
  return segmentDocument(doc!.text, doc!.hints);
}

describe("a record first issued on the day the database last changed it", () => {
  it("is dated as published (訂定發布), not as amended by the latest-change date", () => {
    // Prepare: one issuing step; the dump's 最新異動日期 is that same day.
    const raw = lawRecord(
      "審判事務執行辦法",
      "20200713",
      "1.中華民國一百零九年七月十三日司法院院台廳行二字第 1090020191 號令訂定發布全文 15 條；並\r\n  自一百零九年七月十七日施行",
    );

    // Act
    const segment = ingest(raw);

    // Assess
    expect(segment.date).toBe("2020-07-13");
    expect(segment.dateKind).toBe("published");
  });

  it("stays amended when the latest change is an amending step", () => {
    // Prepare
    const raw = lawRecord(
      "審判事務執行辦法",
      "20231215",
      "1.中華民國一百零二年十一月二十日內政部台內字第 1022855085 號令訂定發布全文 6 條\r\n" +
        "2.中華民國一百十二年十二月十五日內政部台內字第 1122845608 號令修正發布全文 6 條",
    );

    // Act
    const segment = ingest(raw);

    // Assess
    expect(segment.date).toBe("2023-12-15");
    expect(segment.dateKind).toBe("amended");
  });
});

describe("a joint order printed with one number per organ (…號令、…號令會同訂定發布)", () => {
  const history =
    "1.中華民國一百零九年七月十三日司法院院台廳行二字第 1090020191 號\r\n" +
    "  令、行政院院臺法字第 1090094008 號令、考試院考臺組貳一字第 109\r\n" +
    "  00043141  號令會同訂定發布全文 15 條；並自一百零九年七月十七日\r\n  施行";

  it("names every organ of the step, in the order printed", () => {
    // Prepare
    const [doc] = readDocuments(lawRecord("職務執行辦法", "20200713", history));
    const steps = historySteps(doc!.text.split("\n"));

    // Act
    const organs = stepOrgans(steps[0]!);

    // Assess
    expect(organs).toEqual(["司法院", "行政院", "考試院"]);
  });

  it("gives the document all three issuers and the first organ's number", () => {
    // Act
    const segment = ingest(lawRecord("職務執行辦法", "20200713", history));

    // Assess
    expect(segment.issuers).toEqual(["司法院", "行政院", "考試院"]);
    expect(segment.docNumber).toBe(normalizeDocNumber("院台廳行二字第 1090020191 號"));
  });

  it("property: each organ before its own number is an issuer, however many and whatever serials", () => {
    const ORGANS = ["司法院", "行政院", "考試院", "內政部", "經濟部", "法務部", "財政部"];
    const CODES = ["院台廳", "院臺法", "考臺組", "台內警", "經商", "法令", "台財稅"];
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: ORGANS.length - 1 }), { minLength: 2, maxLength: 4 }),
        fc.array(fc.integer({ min: 1000, max: 9_999_999_999 }), { minLength: 4, maxLength: 4 }),
        (picked, serials) => {
          // Prepare
          const orders = picked.map((o, i) => `${ORGANS[o]}${CODES[o]}字第 ${serials[i]} 號令`).join("、");
          const raw = lawRecord(
            "共同辦法",
            "20200713",
            `1.中華民國一百零九年七月十三日${orders}會同訂定發布全文 5 條`,
          );

          // Act
          const segment = ingest(raw);

          // Assess
          expect(segment.issuers).toEqual(picked.map((o) => ORGANS[o]));
          expect(segment.docNumber).toBe(normalizeDocNumber(`${CODES[picked[0]!]}字第 ${serials[0]} 號`));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("a serial of eight digits in a number", () => {
  it("is no date (院台廳字第 21560901 號 is not 2156-09-01; 字第20200713號 not 2020-07-13)", () => {
    // Assess
    expect(datesInText("司法院院台廳字第 21560901 號令")).toEqual([]);
    expect(datesInText("台內警字第20200713號令")).toEqual([]);
    expect(datesInText("最新異動日期 20200713").map((d) => d.date)).toEqual(["2020-07-13"]);
  });

  it("does not cut a joint order's history step in two", () => {
    // Prepare
    const raw = lawRecord(
      "共同辦法",
      "20200713",
      "1.中華民國一百零九年七月十三日考試院考臺組字第 1000 號令、司法院院台廳字第 21560901 號令會同訂定發布全文 5 條",
    );

    // Act
    const segment = ingest(raw);

    // Assess
    expect(segment.issuers).toEqual(["考試院", "司法院"]);
    expect(segment.date).toBe("2020-07-13");
    expect(segment.dateKind).toBe("published");
  });
});

describe("an organ whose name ends in 場, 所 or 館 stands before its code, not inside the number", () => {
  it("reads the code after a research station's name (…農業改良場農苗改環字第…號)", () => {
    // Act
    const found = findDocNumbers(
      "中華民國一百十二年十二月十五日農業部苗栗區農業改良場農苗改環字第 1122845608 號令修正發布",
    );

    // Assess
    expect(found.map((f) => f.printed)).toEqual(["農苗改環字第 1122845608 號"]);
  });

  it("gives the station as the issuer of the record", () => {
    // Prepare
    const raw = lawRecord(
      "農業部苗栗區農業改良場辦理農藥田間試驗收費標準",
      "20231215",
      "1.中華民國一百十二年十二月十五日農業部苗栗區農業改良場農苗改環字\r\n  第 1122845608 號令修正發布名稱及全文 6  條；並自發布日施行",
    );

    // Act
    const segment = ingest(raw);

    // Assess
    expect(segment.docNumberPrinted).toBe("農苗改環字第 1122845608 號");
    expect(segment.issuers).toEqual(["農業部苗栗區農業改良場"]);
  });

  it("keeps a code that has 市场 inside it whole (京市场监管发〔2020〕3号)", () => {
    // Act
    const found = findDocNumbers("根据京市场监管发〔2020〕3号文件");

    // Assess
    expect(found.map((f) => f.printed)).toEqual(["京市场监管发〔2020〕3号"]);
  });

  it("property: an office's full name before its code is never part of the number", () => {
    const PLACES = ["苗栗區", "臺中區", "高雄市區", "花蓮區", "臺北區"];
    const UNITS = ["農業改良場", "監理所", "種苗改良繁殖場", "公共資訊圖書館", "檢驗所"];
    const CODES = ["農苗改環", "中監", "種作", "圖秘", "檢業"];
    fc.assert(
      fc.property(
        fc.constantFrom(...PLACES),
        fc.integer({ min: 0, max: UNITS.length - 1 }),
        fc.integer({ min: 1000, max: 9_999_999_999 }),
        fc.constantFrom("交通部", "農業部", "教育部", "行政院農業委員會"),
        (place, unit, serial, parent) => {
          // Prepare
          const code = `${CODES[unit]}字第 ${serial} 號`;
          const text = `中華民國一百十二年三月二日${parent}${place}${UNITS[unit]}${code}令訂定發布`;

          // Act
          const found = findDocNumbers(text);

          // Assess
          expect(found.map((f) => f.printed)).toEqual([code]);
        },
      ),
      { numRuns: 80 },
    );
  });
});

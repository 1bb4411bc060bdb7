import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { segmentDocument } from "../../src/archive/ingest/document.js";
import { readDocuments } from "../../src/archive/ingest/read.js";
import { bracketSpelledYear } from "../../src/documents/doc-number.js";
import { SqliteSearchIndex } from "../../src/search/embedded/sqlite-search.js";
import { toIndexedDocument } from "../../src/search/opensearch/query.js";
import { titleSearchText } from "../../src/search/text.js";
import { aSearchDocument } from "./fixtures.js";

describe("titles are found by the short names people use", () => {
  let dir: string;
  let index: SqliteSearchIndex;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "gazette-titles-"));
    index = new SqliteSearchIndex(join(dir, "search.sqlite"));
  });
  afterEach(() => {
    index.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("finds a title that cites a law in 《》 with the state's name, by the law's short name", async () => {
    // Prepare
    await index.index([
      aSearchDocument({
        id: "interpretation",
        source: "archive",
        title: "最高人民法院关于适用《中华人民共和国行政诉讼法》若干问题的解释",
        text: "为正确适用修改后的行政诉讼法，现就有关条款的适用问题解释如下。",
      }),
      aSearchDocument({ id: "other", title: "国务院关于加强行政诉讼工作的通知" }),
    ]);

    // Act
    const result = await index.search({ q: "适用行政诉讼法若干问题的解释" });

    // Assess
    expect(result.hits.map((h) => h.id)).toEqual(["interpretation"]);
  });

  it("indexes the title as printed and in its short form, in both adapters", () => {
    // Prepare
    const title = "全国人民代表大会常务委员会关于修改《中华人民共和国道路交通安全法》的决定";

    // Act
    const forms = titleSearchText(title);
    const indexed = toIndexedDocument(aSearchDocument({ id: "x", title }));

    // Assess
    expect(forms.split("\n")).toEqual([title, "全国人民代表大会常务委员会关于修改道路交通安全法的决定"]);
    expect(indexed.title_s).toContain("修改道路交通安全法的决定");
    expect(titleSearchText("国务院关于印发工作方案的通知")).toBe("国务院关于印发工作方案的通知");
  });

  it("makes a renamed law's earlier names searchable text of its record", async () => {
    // Prepare
    const [doc] = readDocuments(
      JSON.stringify({
        name: [
          { name: "法務部組織法", start_date: "1980-06-10" },
          { name: "司法行政部組織法", start_date: "1928-11-19" },
        ],
        history: [{ passed_date: "1980-06-10", enactment_date: "1980-06-29" }],
      }),
    );
    await index.index([
      aSearchDocument({ id: "moj", source: "archive", title: doc!.hints.title!, text: doc!.text }),
    ]);

    // Act
    const result = await index.search({ q: "司法行政部组织法" });

    // Assess
    expect(doc!.hints.title).toBe("法務部組織法");
    expect(result.hits.map((h) => h.id)).toEqual(["moj"]);
  });
});

describe("a 发文字号 typed with its year spelled out", () => {
  it("is looked up as the bracketed number (国办发2004年7号 → 国办发〔2004〕7号)", async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), "gazette-spelled-"));
    const index = new SqliteSearchIndex(join(dir, "search.sqlite"));
    await index.index([
      aSearchDocument({
        id: "own",
        docNumber: "国办发〔2004〕7号",
        text: "各省、自治区、直辖市人民政府：现通报如下。",
      }),
      aSearchDocument({ id: "other", docNumber: "国办发〔2004〕8号" }),
    ]);

    // Act
    const spelled = await index.search({ q: "国办发2004年7号" });
    const withSerialWord = await index.search({ q: "国办发2004年第7号" });
    index.close();
    rmSync(dir, { recursive: true, force: true });

    // Assess
    expect(spelled.hits[0]?.id).toBe("own");
    expect(withSerialWord.hits[0]?.id).toBe("own");
    expect(bracketSpelledYear("国务院令2004年第7号")).toBe("国务院令2004年第7号");
    expect(bracketSpelledYear("截至2019年12号")).toBe("截至2019年12号");
  });
});

describe("an organ whose name begins with 經 (經濟部)", () => {
  it("keeps its first character: 經 is stripped only as 经国务院批准's 'by way of'", () => {
    // Act
    const order = segmentDocument(
      "經濟部令\n中華民國101年8月29日\n經中字第10104605890號\n修正「未登記工廠補辦臨時工廠登記辦法」第八條條文。",
      {},
    );

    // Assess
    expect(order.issuers).toEqual(["經濟部"]);
  });
});

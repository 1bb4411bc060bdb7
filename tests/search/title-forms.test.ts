import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readDocuments } from "../../src/archive/ingest/read.js";
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

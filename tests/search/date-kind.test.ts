import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { searchDocument } from "../../src/archive/records.js";
import { SqliteSearchIndex } from "../../src/search/embedded/sqlite-search.js";
import { toIndexedDocument } from "../../src/search/opensearch/query.js";
import { aSearchDocument } from "./fixtures.js";

describe("search hits say which date they show (成文, 发布, 修正, 通过, 施行)", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "gazette-datekind-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("returns the kind of an archive item's date with its hit", async () => {
    // Prepare
    const index = new SqliteSearchIndex(join(dir, "search.sqlite"));
    await index.index([
      aSearchDocument({
        id: "amended",
        source: "archive",
        title: "動產擔保交易法施行細則",
        date: "2015-12-17",
        dateKind: "amended",
      }),
      aSearchDocument({ id: "undated", title: "另一份文件", date: undefined }),
    ]);

    // Act
    const amended = await index.search({ q: "動產擔保交易法" });
    const undated = await index.search({ q: "另一份文件" });
    index.close();

    // Assess
    expect(amended.hits[0]).toMatchObject({ id: "amended", date: "2015-12-17", dateKind: "amended" });
    expect(undated.hits[0]?.dateKind).toBeUndefined();
  });

  it("carries an archive item's date kind into what search indexes, in both adapters", () => {
    // Prepare
    const item = {
      id: "x1",
      title: "請願法",
      issuers: [],
      date: "1969-12-18",
      dateKind: "amended" as const,
      text: "人民請願，依本法之規定。",
    };

    // Act
    const doc = searchDocument(item as unknown as Parameters<typeof searchDocument>[0]);

    // Assess
    expect(doc.dateKind).toBe("amended");
    expect(toIndexedDocument(doc).dateKind).toBe("amended");
  });

  it("opens an index made before hits carried the date kind and keeps its documents", async () => {
    // Prepare: an index file with the earlier docs table (no date_kind column).
    const file = join(dir, "old.sqlite");
    const first = new SqliteSearchIndex(file);
    await first.index([aSearchDocument({ id: "kept", title: "四川省人民政府关于保留文件的通知" })]);
    first.close();
    const db = new Database(file);
    db.exec("ALTER TABLE docs DROP COLUMN date_kind");
    db.close();

    // Act
    const reopened = new SqliteSearchIndex(file);
    const before = await reopened.search({ q: "保留文件" });
    await reopened.index([aSearchDocument({ id: "new", title: "新的通知文件", dateKind: "written" })]);
    const after = await reopened.search({ q: "新的通知文件" });
    reopened.close();

    // Assess
    expect(before.hits.map((h) => h.id)).toEqual(["kept"]);
    expect(after.hits[0]).toMatchObject({ id: "new", dateKind: "written" });
  });
});

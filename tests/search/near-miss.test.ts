import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nearMissMatch, SqliteSearchIndex } from "../../src/search/embedded/sqlite-search.js";
import type { SearchQuery } from "../../src/search/ports.js";
import { aSearchDocument } from "./fixtures.js";

/**
 * A long query that nothing has as typed (a title typed without its parenthesised part, a
 * character mistyped or left out) still finds the document that has the rest of it, close
 * together; a query that matches as typed is never loosened.
 */
describe("embedded search: a long query one or two characters off", () => {
  let index: SqliteSearchIndex;
  beforeEach(() => {
    index = new SqliteSearchIndex(":memory:");
  });
  afterEach(() => index.close());

  const ids = async (query: SearchQuery) => (await index.search(query)).hits.map((h) => h.id);

  it("finds a title typed without its parenthesised character, in the other script", async () => {
    // Prepare
    await index.index([
      aSearchDocument({
        id: "permit",
        title: "海域工程排放油廢（污）水許可辦法",
        text: "本辦法依海洋污染防治法訂定之。",
      }),
      aSearchDocument({
        id: "other",
        title: "海洋污染防治法施行細則",
        text: "本細則依海洋污染防治法訂定之。",
      }),
    ]);

    // Act
    const found = await ids({ q: "海域工程排放油废水许可办法" });

    // Assess
    expect(found).toEqual(["permit"]);
  });

  it("finds a phrase with one character mistyped", async () => {
    // Prepare
    await index.index([
      aSearchDocument({ id: "duty", text: "各单位要严格执行领导干部带班值守制度，确保信息畅通。" }),
      aSearchDocument({ id: "flood", text: "各单位要做好防汛抗旱工作。" }),
    ]);

    // Act
    const found = await ids({ q: "领导干部代班值守制度" });

    // Assess
    expect(found).toEqual(["duty"]);
  });

  it("does not loosen a query that some document has as typed", async () => {
    // Prepare
    await index.index([
      aSearchDocument({ id: "exact", text: "严格执行领导干部带班值守制度。" }),
      aSearchDocument({ id: "near", text: "严格执行领导干部代班值守制度。" }),
    ]);

    // Act
    const found = await ids({ q: "领导干部带班值守制度" });

    // Assess
    expect(found).toEqual(["exact"]);
  });

  it("does not loosen a short query", async () => {
    // Prepare
    await index.index([aSearchDocument({ id: "duty", text: "严格执行领导值班制度。" })]);

    // Act
    const found = await ids({ q: "执行领导带班值" });

    // Assess
    expect(found).toEqual([]);
    expect(nearMissMatch("执行领导带班值")).toBeUndefined();
  });

  it("does not loosen a segment longer than forty characters", () => {
    // Prepare
    const long = "国务院办公厅关于印发加强安全生产工作的通知各市州人民政府省部门现将方案给你们请认真贯彻执行";

    // Assess
    expect(Array.from(long).length).toBeGreaterThan(41);
    expect(nearMissMatch(long)).toBeUndefined();
    expect(nearMissMatch(Array.from(long).slice(0, 40).join(""))).toBeDefined();
  });

  it("does not take halves far apart for a near miss", async () => {
    // Prepare
    await index.index([
      aSearchDocument({
        id: "apart",
        text: "严格执行领导干部制度。其他各项工作另行安排，各地要结合实际抓好落实，带班值守制度另行规定。",
      }),
    ]);

    // Act
    const found = await ids({ q: "领导干部带班值守制度" });

    // Assess
    expect(found).toEqual([]);
  });

  const HAN = Array.from(
    "国务院办公厅关于印发加强安全生产工作的通知各市州人民政府省部门现将方案给你们请认真贯彻执行",
  );

  it("property: a stretch of 10–16 characters with one left out or replaced (four kept each side) finds its document", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...HAN), { minLength: 16, maxLength: 40 }),
        fc.nat(),
        fc.integer({ min: 10, max: 16 }),
        fc.nat(),
        fc.boolean(),
        fc.constantFrom(..."甲乙丙丁戊"),
        async (chars, at, length, cut, replace, other) => {
          // Prepare: a stretch of the text, one interior character dropped or replaced by one the
          // text does not have.
          const start = at % (chars.length - length + 1);
          const stretch = chars.slice(start, start + length);
          const k = 4 + (cut % (length - 8));
          const typed = [...stretch.slice(0, k), ...(replace ? [other] : []), ...stretch.slice(k + 1)].join(
            "",
          );
          const i = new SqliteSearchIndex(":memory:");
          try {
            await i.index([aSearchDocument({ id: "d", title: "通知", text: chars.join("") })]);

            // Act
            const { hits } = await i.search({ q: typed });

            // Assess
            expect(
              hits.map((h) => h.id),
              `${typed} for ${stretch.join("")} in ${chars.join("")}`,
            ).toEqual(["d"]);
          } finally {
            i.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteSearchIndex } from "../../src/search/embedded/sqlite-search.js";
import type { SearchQuery } from "../../src/search/ports.js";
import { aSearchDocument } from "./fixtures.js";

/**
 * Known-item search in the embedded index: what a reader types (a phrase from the body, a title,
 * a 发文字号 spelled loosely or shortened) finds the document, and the document itself comes first.
 */
describe("embedded search finds what is there", () => {
  let dir: string;
  let file: string;
  let index: SqliteSearchIndex;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "gazette-known-item-"));
    file = join(dir, "search.sqlite");
    index = new SqliteSearchIndex(file);
  });
  afterEach(() => {
    index.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ids = async (query: SearchQuery) => (await index.search(query)).hits.map((h) => h.id);

  describe("Han text after digits, Latin letters or punctuation", () => {
    it("finds a phrase that follows digits in the same run of text", async () => {
      // Prepare
      await index.index([
        aSearchDocument({ id: "duty", text: "各单位要严格执行24小时值班和领导带班制度，确保信息畅通。" }),
        aSearchDocument({ id: "other", text: "各单位要做好防汛抗旱工作。" }),
      ]);
      // Act
      const found = await ids({ q: "领导带班" });
      const withDigits = await ids({ q: "24小时值班" });
      // Assess
      expect(found).toEqual(["duty"]);
      expect(withDigits).toEqual(["duty"]);
    });

    it("finds words after a year, a day count, a serial number and Latin letters", async () => {
      // Prepare
      await index.index([
        aSearchDocument({ id: "year", text: "2024年全省粮食生产再获丰收。" }),
        aSearchDocument({ id: "days", text: "请于5日前报送省政府办公厅。" }),
        aSearchDocument({ id: "serial", text: "第60号测试报告已经审定。" }),
        aSearchDocument({ id: "latin", text: "执行GB/T9704党政机关公文格式标准。" }),
      ]);
      // Act
      const harvest = await ids({ q: "粮食生产" });
      const report = await ids({ q: "报送省政府" });
      const test = await ids({ q: "测试报告" });
      const format = await ids({ q: "党政机关公文格式" });
      const standard = await ids({ q: "GB/T9704" });
      // Assess
      expect(harvest).toEqual(["year"]);
      expect(report).toEqual(["days"]);
      expect(test).toEqual(["serial"]);
      expect(format).toEqual(["latin"]);
      expect(standard).toEqual(["latin"]);
    });

    it("matches digits and Han characters that touch in the query only where they touch in the text", async () => {
      // Prepare
      await index.index([
        aSearchDocument({ id: "touching", text: "本办法自2024年3月1日起施行。" }),
        aSearchDocument({ id: "apart", text: "2024 其他年份的规定，3月的安排。" }),
      ]);
      // Act
      const found = await ids({ q: "2024年3月" });
      // Assess
      expect(found).toEqual(["touching"]);
    });

    it("highlights the phrase in the snippet", async () => {
      // Prepare
      await index.index([aSearchDocument({ id: "duty", text: "严格执行24小时值班和领导带班制度。" })]);
      // Act
      const { hits } = await index.search({ q: "24小时值班" });
      // Assess
      expect(hits[0]?.snippet).toContain("<mark>24小时值班</mark>");
    });

    /** Common characters of gazette text, Traditional ones included (they fold to Simplified). */
    const HAN = Array.from(
      "国务院办公厅关于印发加强安全生产工作的通知各市州人民政府省部门现将方案给你们请认真贯彻执行發佈規定號臺灣",
    );
    const OTHER = [
      "2024",
      "5",
      "60",
      "GB",
      "T",
      "abc",
      "x1",
      "，",
      "。",
      "、",
      "（",
      "）",
      "〔",
      "〕",
      " ",
      "/",
      ":",
    ];
    const piece = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.array(fc.constantFrom(...HAN), { minLength: 1, maxLength: 12 }).map((a) => a.join("")),
      },
      { weight: 2, arbitrary: fc.constantFrom(...OTHER) },
    );
    const documentText = fc.array(piece, { minLength: 1, maxLength: 14 }).map((a) => a.join(""));

    it("finds every document by every substring of 2–8 Han characters (property)", async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(documentText, { minLength: 1, maxLength: 4 }), async (texts) => {
          // Prepare
          const i = new SqliteSearchIndex(":memory:");
          try {
            await i.index(texts.map((text, n) => aSearchDocument({ id: `d${n}`, title: "通知", text })));
            for (const [n, text] of texts.entries()) {
              for (const run of text.match(/\p{Script=Han}+/gu) ?? []) {
                const chars = Array.from(run);
                for (let start = 0; start < chars.length; start++) {
                  for (let len = 2; len <= 8 && start + len <= chars.length; len++) {
                    const q = chars.slice(start, start + len).join("");
                    // Act
                    const { hits } = await i.search({ q, limit: 100 });
                    // Assess
                    expect(
                      hits.map((h) => h.id),
                      `${q} in ${text}`,
                    ).toContain(`d${n}`);
                  }
                }
              }
            }
          } finally {
            i.close();
          }
        }),
        { numRuns: 40 },
      );
    });

    it("finds a document by any stretch of its text that does not cut a word of letters or digits (property)", async () => {
      await fc.assert(
        fc.asyncProperty(
          documentText,
          fc.nat(),
          fc.integer({ min: 2, max: 16 }),
          async (text, at, length) => {
            // Prepare
            const chars = Array.from(text);
            const isWord = (c: string | undefined) =>
              c !== undefined && /[\p{L}\p{N}]/u.test(c) && !/\p{Script=Han}/u.test(c);
            let start = at % chars.length;
            let end = Math.min(chars.length, start + length);
            while (start > 0 && isWord(chars[start]) && isWord(chars[start - 1])) start--;
            while (end < chars.length && isWord(chars[end - 1]) && isWord(chars[end])) end++;
            const q = chars.slice(start, end).join("").trim();
            fc.pre(/[\p{L}\p{N}]/u.test(q));
            const i = new SqliteSearchIndex(":memory:");
            try {
              await i.index([aSearchDocument({ id: "d", title: "通知", text })]);
              // Act
              const { hits } = await i.search({ q: q.slice(0, 200) });
              // Assess
              expect(
                hits.map((h) => h.id),
                `${q} in ${text}`,
              ).toEqual(["d"]);
            } finally {
              i.close();
            }
          },
        ),
        { numRuns: 150 },
      );
    });
  });

  describe("queries shaped like a 发文字号", () => {
    it("falls back to the text when no document has the number as its own (国务院令第N号)", async () => {
      // Prepare
      await index.index([
        aSearchDocument({
          id: "news",
          title: "关于学习贯彻有关条例的通知",
          text: "根据国务院令第588号的规定，现就有关事项通知如下。",
        }),
        aSearchDocument({ id: "other", text: "根据有关规定，现就有关事项通知如下。" }),
      ]);
      // Act
      const found = await ids({ q: "国务院令第588号" });
      // Assess
      expect(found).toEqual(["news"]);
    });

    it("finds the longer stored form of an order number and ranks it above documents that cite it", async () => {
      // Prepare
      await index.index([
        aSearchDocument({
          id: "citing",
          title: "国务院令第588号实施情况的报告",
          docNumber: "川府发〔2012〕3号",
          text: "国务院令第588号公布以来，国务院令第588号得到认真执行。",
        }),
        aSearchDocument({
          id: "order",
          title: "国务院关于废止和修改部分行政法规的决定",
          docNumber: "中华人民共和国国务院令第588号",
          issuers: ["国务院"],
          text: "现公布《国务院关于废止和修改部分行政法规的决定》，自公布之日起施行。",
        }),
      ]);
      // Act
      const found = await ids({ q: "国务院令第588号" });
      const full = await ids({ q: "中华人民共和国国务院令第588号" });
      // Assess
      expect(found).toEqual(["order", "citing"]);
      expect(full[0]).toBe("order");
    });

    it("finds a number typed loosely: [ ] for 〔 〕, full-width digits, spaces, leading zeros, 號", async () => {
      // Prepare
      await index.index([
        aSearchDocument({ id: "own", docNumber: "国发〔2016〕23号", text: "各省、自治区、直辖市人民政府。" }),
        aSearchDocument({
          id: "citing",
          docNumber: "川府发〔2016〕40号",
          text: "为贯彻落实《国务院关于印发有关方案的通知》（国发〔2016〕23号）精神，制定本方案。",
        }),
        aSearchDocument({
          id: "near",
          docNumber: "国发〔2016〕24号",
          text: "各省、自治区、直辖市人民政府。",
        }),
      ]);
      // Act
      const spellings = [
        "国发[2016]23号",
        "国发［２０１６］２３号",
        "国发 〔2016〕 23 号",
        "国发〔2016〕023号",
        "國發〔2016〕23號",
      ];
      const results = await Promise.all(spellings.map((q) => ids({ q })));
      // Assess
      for (const found of results) expect(found).toEqual(["own", "citing"]);
    });

    it("finds an order number its heading prints on two lines, only when nothing has it in one run, not its parts far apart", async () => {
      // Prepare
      await index.index([
        aSearchDocument({
          id: "heading",
          title: "江西省公共资源交易管理办法",
          text: "江西省人民政府令\n第232号\n《江西省公共资源交易管理办法》已经省人民政府第50次常务会议审议通过。",
        }),
        aSearchDocument({ id: "unrelated", text: "江西省人民政府令第5号规定的事项，第232号文件另行通知。" }),
      ]);
      // Act
      const apart = await ids({ q: "江西省人民政府令第232号" });
      const together = await ids({ q: "江西省人民政府令第5号" });
      // Assess
      expect(apart).toEqual(["heading"]);
      expect(together).toEqual(["unrelated"]);
    });

    it("finds a number in the text whatever its leading zeros (ROC-era serials)", async () => {
      // Prepare
      await index.index([
        aSearchDocument({
          id: "roc",
          title: "行政院公告",
          text: "中華民國95年1月5日院臺交字第0950001993號公告。",
        }),
      ]);
      // Act
      const withoutZero = await ids({ q: "院臺交字第950001993號" });
      const withZeros = await ids({ q: "院台交字第00950001993号" });
      // Assess
      expect(withoutZero).toEqual(["roc"]);
      expect(withZeros).toEqual(["roc"]);
    });

    it("finds a document by its own number even where its text spells the number otherwise", async () => {
      // Prepare
      await index.index([
        aSearchDocument({ id: "own", docNumber: "川府发[2024]012号", text: "现将有关事项通知如下。" }),
      ]);
      // Act
      const found = await ids({ q: "川府发〔2024〕12号" });
      // Assess
      expect(found).toEqual(["own"]);
    });
  });

  describe("across scripts", () => {
    it("finds Traditional text with Taiwan's variant characters by a Simplified query, and back", async () => {
      // Prepare: lines as the Executive Yuan Gazette and a mainland law database print them.
      await index.index([
        aSearchDocument({
          id: "taiwan",
          source: "archive",
          title: "行政院公報",
          text: "爲保障著作權人權益，依臺灣地區與大陸地區人民關係條例，裡面所定事項於公布日施行。",
        }),
        aSearchDocument({
          id: "mainland",
          title: "国务院关于鼓励台湾同胞投资的规定",
          text: "为了促进海峡两岸的经济技术交流。",
        }),
      ]);
      // Act
      const simplified = await ids({ q: "著作权人" });
      const variant = await ids({ q: "台湾地区与大陆地区" });
      const traditional = await ids({ q: "鼓勵臺灣同胞投資" });
      // Assess
      expect(simplified).toEqual(["taiwan"]);
      expect(variant).toEqual(["taiwan"]);
      expect(traditional).toEqual(["mainland"]);
    });
  });

  describe("ranking", () => {
    it("ranks the document whose title is the query above longer titles and body mentions", async () => {
      // Prepare
      await index.index([
        aSearchDocument({
          id: "mentions",
          title: "关于做好当前工作的通知",
          text: "认真贯彻《四川省安全生产条例》，四川省安全生产条例规定，安全生产条例要求各地落实责任。",
        }),
        aSearchDocument({
          id: "longer",
          title: "四川省安全生产条例实施办法",
          text: "根据有关规定制定本办法。",
        }),
        aSearchDocument({
          id: "exact",
          title: "四川省安全生产条例",
          text: "第一条 为了加强安全生产工作，制定本条例。",
        }),
      ]);
      // Act
      const { hits } = await index.search({ q: "四川省安全生产条例" });
      // Assess
      expect(hits.map((h) => h.id)).toEqual(["exact", "longer", "mentions"]);
      expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
      expect(hits[1]!.score).toBeGreaterThan(hits[2]!.score);
    });

    it("ranks a document whose title contains the query above one that repeats it in the body", async () => {
      // Prepare
      await index.index([
        aSearchDocument({
          id: "body",
          title: "关于做好当前工作的通知",
          text: "营商环境。优化营商环境。营商环境是生产力，持续优化营商环境，营商环境评价。",
        }),
        aSearchDocument({
          id: "title",
          title: "四川省人民政府办公厅关于进一步优化营商环境若干措施的通知",
          text: "各市（州）人民政府，省政府各部门：现将有关措施印发给你们，请认真贯彻执行。".repeat(20),
        }),
      ]);
      // Act
      const found = await ids({ q: "优化营商环境" });
      // Assess
      expect(found).toEqual(["title", "body"]);
    });
  });

  describe("an index written by an earlier tokenizer", () => {
    it("is re-tokenised when opened, so text after digits is found in documents indexed before", async () => {
      // Prepare: an index as version 1 wrote it (Han text after digits inside one word token).
      await index.index([
        aSearchDocument({
          id: "duty",
          text: "严格执行24小时值班和领导带班制度。",
          docNumber: "国发〔2016〕23号",
        }),
      ]);
      index.close();
      const raw = new Database(file);
      raw.exec("INSERT INTO fts (fts) VALUES ('delete-all')");
      raw
        .prepare("INSERT INTO fts (rowid, title, meta, body) VALUES (1, ?, ?, ?)")
        .run(
          "四川 川省 省人 人民 民政 政府 府",
          "国发 发 2016 23号 四川 川省 省人 人民 民政 政府 府",
          "严格 格执 执行 行 24小时值班和领导带班制度",
        );
      raw.exec("DROP INDEX docs_doc_key_rev; ALTER TABLE docs DROP COLUMN doc_key_rev");
      raw.pragma("user_version = 0");
      raw.close();
      // Act
      index = new SqliteSearchIndex(file);
      const found = await ids({ q: "领导带班" });
      const byNumber = await ids({ q: "国发[2016]23号" });
      // Assess
      expect(found).toEqual(["duty"]);
      expect(byNumber).toEqual(["duty"]);
    });

    it("recomputes the stored 发文字号 keys when the number grammar has changed", async () => {
      // Prepare: keys as an older grammar wrote them (unrecognised forms kept as typed).
      await index.index([aSearchDocument({ id: "order", docNumber: "中华人民共和国国务院令第0588号" })]);
      index.close();
      const raw = new Database(file);
      raw.exec(
        "UPDATE docs SET doc_key = '中华人民共和国国务院令第0588号', doc_key_rev = NULL; UPDATE search_meta SET value = 'older'",
      );
      raw.close();
      // Act
      index = new SqliteSearchIndex(file);
      const found = await index.search({ q: "国务院令第588号" });
      // Assess
      expect(found.hits.map((h) => h.id)).toEqual(["order"]);
      expect(found.hits[0]!.score).toBeGreaterThanOrEqual(5e5);
    });
  });
});

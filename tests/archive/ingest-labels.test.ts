import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { segmentDocument } from "../../src/archive/ingest/document.js";
import { labelledFields } from "../../src/archive/ingest/formats/labels.js";
import { readDocuments } from "../../src/archive/ingest/read.js";
import { cleanTitle } from "../../src/archive/ingest/title.js";

const TITLE = "江西省人民政府关于袁红林等同志任职的通知";
const BODY = [
  "各设区市人民政府，省政府各部门：",
  "经研究，决定任命：袁红林同志为省政府副秘书长。",
  "2020年3月20日",
];

/** A label as pages print it: characters spaced or not, a half- or full-width colon, a bracket, or a table cell. */
function labelled(name: string) {
  return fc
    .record({
      gap: fc.constantFrom("", " ", "\u3000", "\u3000\u3000", "  "),
      mark: fc.constantFrom("：", ":", " ：", "： ", "\t", "】"),
      lead: fc.constantFrom("", " ", "\u3000", "· "),
    })
    .map(({ gap, mark, lead }) => {
      const spaced = [...name].join(gap);
      return mark === "】" ? `${lead}【${spaced}】` : `${lead}${spaced}${mark}`;
    });
}

function read(lines: readonly string[]) {
  const [doc] = readDocuments(lines.join("\n"));
  return { doc: doc!, segment: segmentDocument(doc!.text, doc!.hints) };
}

describe("labelled fields", () => {
  it("reads 标题 with any spacing and colon, in either script, as the title and not as text", () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom("标题", "標題", "题目", "題目", "文件名称")
          .chain((name) => labelled(name).map((label) => ({ name, label }))),
        ({ name, label }) => {
          // Act
          const { doc, segment } = read([`${label}${TITLE}`, ...BODY]);

          // Assess
          expect(segment.title).toBe(TITLE);
          expect(doc.text).not.toContain(name[0]!);
        },
      ),
    );
  });

  it("reads a labelled 发文字号 in any spelling as the number, and a 索引号 never as one", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("发文字号", "發文字號", "文号", "文號").chain(labelled),
        fc.constantFrom("索引号", "索引號").chain(labelled),
        fc.integer({ min: 1, max: 999 }),
        (label, indexLabel, serial) => {
          const index = `014500339/2020-${String(serial).padStart(5, "0")}`;

          // Act
          const { segment, doc } = read([
            `${indexLabel}${index}`,
            `${label}赣府字〔2020〕${serial}号`,
            TITLE,
            ...BODY,
          ]);

          // Assess
          expect(segment.docNumber).toBe(`赣府字〔2020〕${serial}号`);
          expect(doc.hints.indexNumber).toBe(index);
        },
      ),
    );
  });

  it("reads labelled dates with their kind, whatever the label's script and colon", () => {
    const kinds = [
      ["成文日期", "written"],
      ["發布日期", "published"],
      ["发布日期", "published"],
      ["公布日期", "published"],
      ["修正日期", "amended"],
      ["施行日期", "effective"],
    ] as const;
    fc.assert(
      fc.property(
        fc
          .constantFrom(...kinds)
          .chain(([name, dateKind]) => labelled(name).map((label) => ({ label, dateKind }))),
        fc.date({ min: new Date("1949-10-01"), max: new Date("2030-12-31"), noInvalidDate: true }),
        fc.constantFrom("cn", "iso", "digits"),
        ({ label, dateKind }, when, style) => {
          const y = when.getUTCFullYear();
          const m = when.getUTCMonth() + 1;
          const d = when.getUTCDate();
          const iso = `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
          const printed =
            style === "cn" ? `${y}年${m}月${d}日` : style === "iso" ? iso : iso.replaceAll("-", "");

          // Act
          const { doc } = read([`${label}${printed}`, TITLE, ...BODY.slice(0, 2)]);

          // Assess
          expect(doc.hints.dates).toEqual([{ kind: dateKind, value: iso, printed }]);
        },
      ),
    );
  });

  it("reads several fields on one table row", () => {
    // Act
    const fields = labelledFields("发文机关：\t国务院\t成文日期：\t2016年04月05日");

    // Assess
    expect(fields).toEqual([
      { field: "issuer", label: "发文机关", dateKind: undefined, value: "国务院" },
      { field: "date", label: "成文日期", dateKind: "written", value: "2016年04月05日" },
    ]);
  });

  it("does not take a sentence that mentions a label word for a field", () => {
    // Assess
    expect(labelledFields("根据标题和文号确定文件的名称。")).toBeUndefined();
    expect(labelledFields("各单位要按照发布日期执行。")).toBeUndefined();
  });
});

describe("titles from Markdown headings", () => {
  it("never keeps the # of a heading, whatever its level, and prefers the top level to a section", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 3 }),
        (level, closed, extra) => {
          const hashes = "#".repeat(level);
          const section = "#".repeat(Math.min(6, level + extra));
          const md = [
            `${section} 目录`,
            "",
            `${hashes} ${TITLE}${closed ? ` ${hashes}` : ""}`,
            "",
            `${section} 一、任职`,
            "",
            ...BODY,
          ].join("\n");

          // Act
          const { segment } = read([md]);

          // Assess
          expect(segment.title).toBe(TITLE);
        },
      ),
    );
  });

  it("cleans stated titles of labels, markup and toolbars", () => {
    // Assess
    expect(cleanTitle("## **国务院关于印发“十三五”国家科技创新规划的通知**")).toBe(
      "国务院关于印发“十三五”国家科技创新规划的通知",
    );
    expect(cleanTitle("标　　题：国务院关于印发 “十三五” 国家科技创新规划的通知 【字体：大 中 小】")).toBe(
      "国务院关于印发“十三五”国家科技创新规划的通知",
    );
  });
});

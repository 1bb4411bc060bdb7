/**
 * GB/T 9704-2012 furniture on the laid-out pages: 附件说明 with hanging alignment, 版记 抄送
 * continuation lines, closing punctuation inside the type area, no letter-spaced lines.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RenderDocument } from "../../../src/editions/render-model.js";
import { defaultFontSet, FACE, FaceBook } from "../../../src/publishing/pdf/fonts.js";
import { BODY, CHAR_PITCH, TYPE_W, typeLeft } from "../../../src/publishing/pdf/geometry.js";
import { type DrawOp, type LaidPage, layoutEdition } from "../../../src/publishing/pdf/layout.js";
import { MAX_STRETCH, setText } from "../../../src/publishing/pdf/text.js";
import { generatedEdition } from "./fixtures.js";

const book = new FaceBook(defaultFontSet());
type TextOp = Extract<DrawOp, { op: "text" }>;

function doc(extra: Partial<RenderDocument>): RenderDocument {
  return {
    id: "d1",
    title: "关于印发测试办法的通知",
    docNumber: "川办发〔2024〕1号",
    issuers: ["四川省人民政府办公厅"],
    dateWritten: "2024-05-03",
    kind: "通知",
    addressees: "各市（州）人民政府：",
    blocks: [{ type: "paragraph", text: "现将有关事项通知如下，请认真贯彻执行。" }],
    attachments: [],
    signer: "四川省人民政府办公厅",
    cc: null,
    printed: null,
    ...extra,
  };
}

function pages(d: RenderDocument): LaidPage[] {
  return layoutEdition(book, {
    masthead: { name: "测试公报", publisher: "测试办公厅" },
    edition: { id: "t", year: 2024, issue: 1, cumulative: 1, date: "2024-06-20" },
    sections: [{ name: "文件", documents: [d] }],
  }).pages.filter((p) => p.kind === "document");
}

const text = (op: TextOp) => op.runs.map((r) => r.text).join("");
const bodyOps = (ps: readonly LaidPage[]) =>
  ps.flatMap((p) => p.ops.filter((op): op is TextOp => op.op === "text" && op.role === "body"));

/** Where the ink of a line ends: the last glyph's start plus the right edge of its outline. */
function inkRight(op: TextOp): number {
  const run = op.runs.findLast((r) => r.text.trim() !== "");
  if (!run) return op.x;
  const chars = Array.from(run.text.trimEnd());
  let x = op.x + run.dx;
  chars.forEach((ch, k) => {
    const cp = ch.codePointAt(0) ?? 0;
    x +=
      k < chars.length - 1
        ? book.advance(run.face, cp) * op.size + op.tc
        : (book.font(run.face).glyphForCodePoint(cp).bbox.maxX * op.size) / book.font(run.face).unitsPerEm;
  });
  return x;
}

describe("附件说明", () => {
  it("lists the attachments under the text, numbers and names aligned", () => {
    // Prepare: two attachments, the first with a name long enough to run over.
    const d = doc({
      attachments: [
        { title: "四川省养老托育服务体系建设重点任务分工及年度目标考核评分细则表（试行）", blocks: [] },
        { title: "申报表", blocks: [] },
      ],
    });
    // Act
    const ops = bodyOps(pages(d).slice(0, 1));
    // Assess
    const label = ops.find((op) => text(op) === "附件：");
    const one = ops.find((op) => text(op) === "1.");
    const two = ops.find((op) => text(op) === "2.");
    if (!label || !one || !two) throw new Error(`no 附件说明 in ${ops.map(text).join(" | ")}`);
    expect(label.x - typeLeft(1)).toBeCloseTo(2 * CHAR_PITCH, 1);
    expect(two.x).toBeCloseTo(one.x, 3);
    expect(one.y).toBe(label.y);
    const names = ops.filter((op) => op.y >= one.y && op.y <= two.y && op.x > one.x + 1);
    // The long name runs over; its second line starts under its first character.
    expect(names.length).toBe(3);
    expect(names[1]?.x).toBeCloseTo(names[0]?.x as number, 3);
    expect(names[2]?.x).toBeCloseTo(names[0]?.x as number, 3);
    expect(text(names[2] as TextOp)).toBe("申报表");
    // It stands before the signature.
    const sig = ops.findIndex((op) => text(op) === "四川省人民政府办公厅");
    expect(ops.indexOf(two)).toBeLessThan(sig);
  });

  it("writes a single attachment without a number", () => {
    const ops = bodyOps(pages(doc({ attachments: [{ title: "申报表", blocks: [] }] })));
    const label = ops.find((op) => text(op) === "附件：");
    const name = ops.find((op) => text(op) === "申报表");
    expect(label?.y).toBe(name?.y);
    expect(ops.some((op) => /^\d+\.$/.test(text(op)))).toBe(false);
  });

  it("has none when there are no attachments", () => {
    expect(bodyOps(pages(doc({}))).some((op) => text(op) === "附件：")).toBe(false);
  });
});

describe("版记", () => {
  it("continues the 抄送 list under the first organ, after the colon", () => {
    const cc =
      "省委办公厅，省人大常委会办公厅，省政协办公厅，省法院，省检察院，成都军区，省军区，各民主党派省委，省工商联。";
    const ops = bodyOps(pages(doc({ cc, printed: { by: "四川省人民政府办公厅", date: "2024-05-06" } })));
    const label = ops.find((op) => text(op) === "抄送：");
    if (!label) throw new Error("no 抄送");
    const organs = ops.filter((op) => op.size === label.size && op.y >= label.y && cc.includes(text(op)));
    expect(organs.length).toBeGreaterThanOrEqual(2);
    expect(organs[0]?.y).toBe(label.y);
    const labelWidth = Array.from("抄送：").reduce(
      (w, ch) => w + book.advance(FACE.fang, ch.codePointAt(0) ?? 0),
      0,
    );
    expect(organs[0]?.x).toBeCloseTo(label.x + labelWidth * label.size, 3);
    expect(organs[1]?.x).toBeCloseTo(organs[0]?.x as number, 3);
    expect(organs.map(text).join("")).toBe(cc);
  });
});

describe("the measure", () => {
  it("keeps closing punctuation inside the type area on every body line", () => {
    const laid = layoutEdition(book, generatedEdition(24, 4));
    let lines = 0;
    let endingInMark = 0;
    for (const page of laid.pages.filter((p) => p.kind === "document")) {
      const right = typeLeft(page.printed ?? 1) + TYPE_W;
      for (const op of page.ops) {
        if (op.op !== "text" || op.role !== "body" || op.size !== BODY) continue;
        lines++;
        if (/[，。、]$/.test(text(op))) endingInMark++;
        expect(inkRight(op), `page ${page.printed}: ${text(op)}`).toBeLessThanOrEqual(right + 0.5);
      }
    }
    expect(lines).toBeGreaterThan(300);
    expect(endingInMark).toBeGreaterThan(10);
  });

  it("breaks a number that would leave a line letter-spaced, after its hyphen", () => {
    // Prepare: 20 characters and a colon leave five ems; the number is six ems wide.
    const para = `${"国".repeat(20)}：028-86601234，${"民".repeat(40)}`;
    // Act
    const lines = setText(book, [{ text: para, face: FACE.fang }], {
      size: BODY,
      width: TYPE_W,
      indent: 2 * CHAR_PITCH,
      track: CHAR_PITCH - BODY,
      justify: true,
    });
    // Assess
    expect(lines[0]?.text.endsWith("028-")).toBe(true);
    expect(lines[1]?.text.startsWith("86601234，")).toBe(true);
    expect((lines[0]?.tc ?? 0) - (CHAR_PITCH - BODY)).toBeLessThanOrEqual(MAX_STRETCH * BODY);
  });

  it("never letter-spaces a line beyond the limit when a number or word follows", () => {
    const token = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(..."政府公报关于印发实施意见的通知，。") },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          "028-86601234",
          "13800138000",
          "https://www.sc.gov.cn/10462/c102914/list.shtml",
          "GB/T 9704-2012",
        ),
      },
    );
    fc.assert(
      fc.property(fc.array(token, { minLength: 30, maxLength: 160 }), (tokens) => {
        const lines = setText(book, [{ text: tokens.join(""), face: FACE.fang }], {
          size: BODY,
          width: TYPE_W,
          indent: 2 * CHAR_PITCH,
          track: CHAR_PITCH - BODY,
          justify: true,
        });
        lines.slice(0, -1).forEach((line, k) => {
          const next = lines[k + 1]?.text ?? "";
          if (/^[0-9A-Za-z]/.test(next))
            expect(line.tc - (CHAR_PITCH - BODY), `${line.text} | ${next}`).toBeLessThanOrEqual(
              MAX_STRETCH * BODY + 1e-6,
            );
        });
      }),
      { numRuns: 200 },
    );
  });
});

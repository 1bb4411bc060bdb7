import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  breakLines,
  HANGABLE,
  justifyGap,
  type Line,
  mayEndLine,
  mayStartLine,
  NO_LINE_END,
  NO_LINE_START,
  type Piece,
  SQUEEZABLE,
  segment,
} from "../../../src/publishing/pdf/line-breaking.js";

/** Full-width characters are 1 wide, Latin characters 0.5, spaces 0.25. */
function pieces(text: string): Piece[] {
  return segment(text).map((s) => ({
    ...s,
    width: Array.from(s.text).reduce(
      (w, ch) => w + (ch === " " ? 0.25 : ch.charCodeAt(0) < 0x2000 ? 0.5 : 1),
      0,
    ),
  }));
}

function lineTexts(
  text: string,
  width: number,
  opts: { indent?: number; hang?: number; squeeze?: number } = {},
): string[] {
  const ps = pieces(text);
  return breakLines(ps, { width, ...opts }).map((l) =>
    ps
      .slice(l.start, l.end)
      .map((p) => p.text)
      .join(""),
  );
}

describe("segment", () => {
  it("keeps Latin words and numbers whole", () => {
    expect(segment("执行GB/T 9704-2012标准，占65%以上，4.5个").map((s) => s.text)).toEqual([
      "执",
      "行",
      "GB/T",
      " ",
      "9704-2012",
      "标",
      "准",
      "，",
      "占",
      "65%",
      "以",
      "上",
      "，",
      "4.5",
      "个",
    ]);
  });

  it("round-trips any string, astral characters included", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (s) => {
        expect(
          segment(s)
            .map((p) => p.text)
            .join(""),
        ).toBe(s);
      }),
    );
    expect(segment("𠀀𠀁").map((p) => p.text)).toEqual(["𠀀", "𠀁"]);
  });

  it("does not swallow a trailing joiner", () => {
    expect(segment("见附件2.").map((s) => s.text)).toEqual(["见", "附", "件", "2", "."]);
  });
});

describe("breakLines", () => {
  it("fills lines greedily", () => {
    expect(lineTexts("一二三四五六七八九十", 4)).toEqual(["一二三四", "五六七八", "九十"]);
  });

  it("applies the first-line indent", () => {
    expect(lineTexts("一二三四五六七八九十", 4, { indent: 2 })).toEqual(["一二", "三四五六", "七八九十"]);
  });

  it("hangs one closing mark instead of starting a line with it", () => {
    expect(lineTexts("一二三四，五六", 4, { hang: 1 })).toEqual(["一二三四，", "五六"]);
    const ps = pieces("一二三四，五六");
    const [first] = breakLines(ps, { width: 4, hang: 1 });
    expect(first?.hanging).toBe(true);
    expect(first?.contentEnd).toBe(4);
    expect(first?.width).toBe(4);
  });

  it("compresses closing marks on the line so that a closing mark ends it inside the measure", () => {
    // "一，二三四" is 5 wide on a 5-wide line; "。" follows: the two marks set half-width fit.
    const ps = pieces("一，二三四。五六");
    const [first] = breakLines(ps, { width: 5, squeeze: 0.5 });
    expect(first?.end).toBe(6);
    expect(first?.width).toBe(5);
    expect(first?.squeezeFrom).toBe(1);
    expect(first?.hanging).toBe(false);
  });

  it("pulls a character down when compressing is not enough", () => {
    expect(lineTexts("一二三四五。六七", 5, { squeeze: 0.5 })).toEqual(["一二三四", "五。六七"]);
  });

  it("pushes a character down when hanging is off", () => {
    expect(lineTexts("一二三四，五六", 4)).toEqual(["一二三", "四，五六"]);
  });

  it("pushes down when two closing marks follow (。” cannot both hang)", () => {
    expect(lineTexts("一二三四。”五六", 4, { hang: 1 })).toEqual(["一二三", "四。”五", "六"]);
  });

  it("never ends a line with an opening mark", () => {
    expect(lineTexts("一二三《四五》六", 4)).toEqual(["一二三", "《四五》", "六"]);
    expect(lineTexts("一二三“四五”六", 4)).toEqual(["一二三", "“四五”", "六"]);
  });

  it("does not split a Latin word or a number", () => {
    expect(lineTexts("一二三2024年", 4)).toEqual(["一二三", "2024年"]);
    expect(lineTexts("按GB/T 9704-2012执行", 4)).toEqual(["按GB/T ", "9704-2012", "执行"]);
  });

  it("gives an over-long word a line of its own", () => {
    expect(lineTexts("一ABCDEFGHIJKLMN二", 4)).toEqual(["一", "ABCDEFGHIJKLMN", "二"]);
  });

  it("keeps spaces at the break on the line end, without width", () => {
    const ps = pieces("ab cd ef gh");
    const lines = breakLines(ps, { width: 2.5 });
    expect(
      lines.map((l) =>
        ps
          .slice(l.start, l.end)
          .map((p) => p.text)
          .join(""),
      ),
    ).toEqual(["ab cd ", "ef gh"]);
    expect(lines[0]?.width).toBe(2.25);
  });

  it("justifies all but the last line", () => {
    const ps = pieces("一二三四五六七八九十一二三");
    const lines = breakLines(ps, { width: 5 });
    expect(justifyGap(ps, lines[0] as Line)).toBe(0);
    const short = pieces("一二三四，五六七");
    const l2 = breakLines(short, { width: 5 });
    // "一二三四，" fits; then "五六七" is the last line.
    expect(l2.map((l) => l.last)).toEqual([false, true]);
    const lines3 = breakLines(pieces("一二三2024年"), { width: 4 });
    expect(justifyGap(pieces("一二三2024年"), lines3[0] as Line)).toBeCloseTo(0.5);
    expect(justifyGap(pieces("一二三2024年"), lines3[1] as Line)).toBe(0);
  });
});

const CJK = [..."政府公报关于印发实施意见的通知各市州人民省级部门"];
const CLOSE = [..."，。、；：！？）》」”"];
const OPEN = [..."（《「“"];
const WORDS = ["2024", "GB/T", "9704-2012", "65%", "4.5", "ISO", "A"];

const token = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...CJK) },
  { weight: 2, arbitrary: fc.constantFrom(...CLOSE) },
  { weight: 1, arbitrary: fc.constantFrom(...OPEN) },
  { weight: 1, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 1, arbitrary: fc.constant(" ") },
);

/** Realistic text: at most two closing marks in a row, opening marks followed by text. */
const text = fc
  .array(token, { minLength: 1, maxLength: 200 })
  .map((ts) => {
    const out: string[] = [];
    for (const t of ts) {
      const prev = out[out.length - 1] ?? "";
      const prev2 = out[out.length - 2] ?? "";
      if (CLOSE.includes(t) && CLOSE.includes(prev) && CLOSE.includes(prev2)) continue;
      if (CLOSE.includes(t) && OPEN.includes(prev)) continue;
      if (OPEN.includes(t) && OPEN.includes(prev)) continue;
      out.push(t);
    }
    return out.join("");
  })
  .filter((s) => s.length > 0);

/** Whether a line starting at `start` may end before piece `at` (spaces at the break skipped). */
function breakAllowedAt(ps: readonly Piece[], start: number, at: number): boolean {
  let e = at - 1;
  while (e > start && (ps[e] as Piece).kind === "space") e--;
  let b = at;
  while (b < ps.length && (ps[b] as Piece).kind === "space") b++;
  return mayEndLine(ps[e] as Piece) && (b >= ps.length || mayStartLine(ps[b] as Piece));
}

describe("breakLines properties", () => {
  it("keeps text, words and 禁则 for any realistic paragraph", () => {
    fc.assert(
      fc.property(
        text,
        fc.integer({ min: 8, max: 28 }),
        fc.constantFrom("none", "hang", "squeeze"),
        (s, width, mode) => {
          const hang = mode === "hang";
          const squeeze = mode === "squeeze" ? 0.5 : 0;
          const ps = pieces(s);
          const lines = breakLines(ps, { width, indent: 2, hang: hang ? 1 : 0, squeeze });
          // Lines partition the pieces in order.
          expect(lines[0]?.start).toBe(0);
          lines.forEach((l, k) => {
            if (k > 0) expect(l.start).toBe(lines[k - 1]?.end);
            expect(l.end).toBeGreaterThan(l.start);
          });
          expect(lines[lines.length - 1]?.end).toBe(ps.length);
          expect(
            lines
              .map((l) =>
                ps
                  .slice(l.start, l.end)
                  .map((p) => p.text)
                  .join(""),
              )
              .join(""),
          ).toBe(s);
          for (const [k, l] of lines.entries()) {
            const first = ps[l.start] as Piece;
            const lastContent = ps[l.contentEnd - 1] as Piece;
            // Content fits, unless no 禁则-allowed break inside the line left a part that fits
            // (one over-wide word, or an opening mark before one): then the line runs past the edge.
            if (l.width > l.available + 1e-6) {
              let prefix = 0;
              for (let j = l.start + 1; j < l.contentEnd; j++) {
                prefix += (ps[j - 1] as Piece).width;
                if (prefix > l.available + 1e-6) break;
                expect(breakAllowedAt(ps, l.start, j)).toBe(false);
              }
            }
            // 禁则.
            if (k > 0) expect(mayStartLine(first)).toBe(true);
            if (k < lines.length - 1) expect(mayEndLine(lastContent)).toBe(true);
            if (k > 0) expect(first.kind).not.toBe("space");
            // At most one hanging mark, and only a hangable one.
            if (l.hanging) {
              expect(l.end - l.contentEnd).toBeGreaterThanOrEqual(1);
              expect(HANGABLE.has((ps[l.contentEnd] as Piece).text)).toBe(true);
              expect(hang).toBe(true);
            }
            expect(l.last).toBe(k === lines.length - 1);
            // Compressed marks: only with squeezing on, only closing marks that may do it, and the
            // line then ends with one and measures what its pieces less the compression measure.
            expect(l.squeezeFrom).toBeLessThanOrEqual(l.contentEnd);
            if (l.squeezeFrom < l.contentEnd) {
              expect(squeeze).toBeGreaterThan(0);
              expect(SQUEEZABLE.has(lastContent.text)).toBe(true);
              expect(l.width).toBeLessThanOrEqual(l.available + 1e-6);
              let natural = 0;
              for (let j = l.start; j < l.contentEnd; j++) {
                const q = ps[j] as Piece;
                natural += j >= l.squeezeFrom && SQUEEZABLE.has(q.text) ? q.width * (1 - squeeze) : q.width;
              }
              expect(l.width).toBeCloseTo(natural, 6);
            }
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("keeps an opening mark with a word too wide for the rest of the first line (seed 700094873)", () => {
    // Prepare: "（" then a 6.5-wide number, on a 6-wide first line (8 minus a 2 indent).
    const ps = pieces("（9704-20122024");
    // Act
    const lines = breakLines(ps, { width: 8, indent: 2, hang: 0 });
    // Assess: one line that runs past the edge; no line ends with "（".
    expect(lines).toHaveLength(1);
    expect(lines[0]?.width).toBe(7.5);
  });

  it("tables are consistent", () => {
    for (const c of CLOSE) expect(NO_LINE_START.has(c)).toBe(true);
    for (const c of OPEN) expect(NO_LINE_END.has(c)).toBe(true);
  });
});

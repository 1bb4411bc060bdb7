import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { GreyImage } from "../../src/archive/images.js";
import type { OcrLine } from "../../src/archive/ocr/hocr.js";
import { lineText } from "../../src/archive/ocr/hocr.js";
import { analyseLayout } from "../../src/archive/ocr/layout.js";
import { pairBrackets, restoreFormulaSigns } from "../../src/archive/ocr/page.js";
import { inkCrop, rasterisePdf, syntheticPdf } from "../../src/archive/synthetic.js";

// The Chinese models read the signs of formula lines as strokes: ＝ as 二 or 三, ÷ as 二. The
// signs are found in the line's own image (typeset here with the project's fonts at 200 dpi)
// and put back in place of what was read for them.

async function typeset(text: string): Promise<GreyImage> {
  return inkCrop(rasterisePdf(await syntheticPdf([{ lines: [text], size: 14 }])), 20);
}

/** One word a character, each in an equal share of the line's ink width (Chinese type is square). */
function readAs(image: GreyImage, text: string): OcrLine {
  const chars = [...text];
  const x0 = 20;
  const step = (image.width - 40) / chars.length;
  return {
    words: chars.map((ch, i) => ({
      text: ch,
      confidence: 80,
      bbox: [Math.round(x0 + i * step), 20, Math.round(x0 + (i + 1) * step), image.height - 20] as const,
    })),
  };
}

describe("signs of formula lines put back", () => {
  const printed: Record<string, GreyImage> = {};
  let c = 0;

  beforeAll(async () => {
    // Prepare: formula lines and plain text lines as printed.
    for (const text of ["收入÷办理年度数", "税额＝收入×税率", "收入二办理年度数", "立文三主六办理"])
      printed[text] = await typeset(text);
    c = analyseLayout(printed["收入÷办理年度数"]!, false).charSize;
  }, 60_000);

  const restored = (text: string, read: string) =>
    lineText(restoreFormulaSigns([readAs(printed[text]!, read)], printed[text]!, { x0: 0, y0: 0 }, c)[0]!);

  it("puts back a division sign read as 二", () => {
    // Act / Assess
    expect(restored("收入÷办理年度数", "收入二办理年度数")).toBe("收入÷办理年度数");
  });

  it("puts back an equals sign read as 二 or 三", () => {
    expect(restored("税额＝收入×税率", "税额二收入×税率")).toBe("税额＝收入×税率");
    expect(restored("税额＝收入×税率", "税额三收入×税率")).toBe("税额＝收入×税率");
  });

  it("leaves 二 and 三 that are printed, and characters with a dot over a bar, as read", () => {
    expect(restored("收入二办理年度数", "收入二办理年度数")).toBe("收入二办理年度数");
    expect(restored("立文三主六办理", "立文三主六办理")).toBe("立文三主六办理");
  });

  it("leaves a sign read right as it is", () => {
    expect(restored("收入÷办理年度数", "收入÷办理年度数")).toBe("收入÷办理年度数");
  });
});

describe("brackets of a 发文字号 read as two kinds", () => {
  it("makes a year's brackets a pair again, the 〔〕 of the number winning", () => {
    expect(pairBrackets("财税〔2018]164号")).toBe("财税〔2018〕164号");
    expect(pairBrackets("国发[2016〕23号")).toBe("国发〔2016〕23号");
    expect(pairBrackets("京政办发［2019)5号")).toBe("京政办发［2019］5号");
    expect(pairBrackets("第（2)项")).toBe("第（2）项");
  });

  it("leaves matched pairs, and brackets around anything but a number, as read", () => {
    const opening = ["〔", "［", "[", "（", "("];
    const closing = ["〕", "］", "]", "）", ")"];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        fc.stringMatching(/^[0-9]{1,4}$/),
        fc.constantFrom("国发", "第", "财税", ""),
        (o, c, digits, before) => {
          // Prepare: a number between any two brackets.
          const read = `${before}${opening[o]}${digits}${closing[c]}号`;
          // Act
          const out = pairBrackets(read);
          // Assess: the digits stay; the brackets are a pair; a pair read right is unchanged.
          const m = /^(\D*)(\D)([0-9]+)(\D)号$/u.exec(out)!;
          expect(m[1]).toBe(before);
          expect(m[3]).toBe(digits);
          expect(closing.indexOf(m[4]!)).toBe(opening.indexOf(m[2]!));
          if (o === c) expect(out).toBe(read);
          if (opening[o] === "〔" || closing[c] === "〕") expect(m[2]).toBe("〔");
        },
      ),
    );
    expect(pairBrackets("《中华人民共和国个人所得税法》（以下简称税法]")).toBe(
      "《中华人民共和国个人所得税法》（以下简称税法]",
    );
  });
});

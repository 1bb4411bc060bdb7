import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GreyImage } from "../../src/archive/images.js";
import { TesseractJsEngine } from "../../src/archive/ocr/engine.js";
import { turn } from "../../src/archive/ocr/layout.js";
import { type PageReading, readPage } from "../../src/archive/ocr/page.js";
import {
  characterErrorRate,
  composePage,
  inkCrop,
  rasterisePdf,
  syntheticPdf,
} from "../../src/archive/synthetic.js";

// readPage with tesseract.js (traineddata from npm) on small synthetic pages: orientation,
// reading order and formula characters. OCR is slow on 2 shared cores: few, small pages.
const OCR_TIMEOUT = 240_000;

const PAGE = [
  "第一条为了规范仲裁委员会的仲裁收费制定本办法",
  "第二条当事人申请仲裁应当按照本办法的规定向仲",
  "裁委员会交纳仲裁费用仲裁费用包括案件受理费和",
  "案件处理费第三条案件受理费用于给付仲裁员报酬",
];
const RIGHT = [
  "第五条仲裁案件受理费表中的争议金额以申请人请",
  "求的数额为准请求的数额与实际争议金额不一致的",
  "以实际争议金额为准申请仲裁时争议金额未确定的",
  "由仲裁委员会根据争议所涉及权益的具体情况确定",
];
const FORMULAS = [
  "计算公式为：",
  "应纳税额＝全年一次性奖金收入×适用税率－速算扣除数",
  "（500000÷4－60000）×10％－2520＝3980",
];

async function block(lines: readonly string[], size = 14): Promise<GreyImage> {
  return inkCrop(rasterisePdf(await syntheticPdf([{ lines, size }])), 40);
}

describe("reading a scanned page: orientation, reading order, formula lines", () => {
  const engine = new TesseractJsEngine();
  let upsideDown: PageReading;
  let turned: PageReading;
  let twoColumns: PageReading;
  let formulas: PageReading;

  beforeAll(async () => {
    // Prepare: a page scanned upside down, one turned a quarter clockwise, a two-column page
    // (two blocks side by side) and a page of formula lines; all at 200 dpi.
    const page = await block(PAGE);
    const left = await block(PAGE, 12);
    const right = await block(RIGHT, 12);
    const columns = composePage(left.width + right.width + 100, Math.max(left.height, right.height), [
      { image: left, x: 0, y: 0 },
      { image: right, x: left.width + 100, y: 0 },
    ]);
    // Act
    upsideDown = await readPage(turn(page, 180), engine, { script: "sim" });
    turned = await readPage(turn(page, 90), engine, { script: "sim" });
    twoColumns = await readPage(columns, engine, { script: "sim" });
    formulas = await readPage(await block(FORMULAS), engine, { script: "sim" });
  }, OCR_TIMEOUT);

  afterAll(() => engine.close());

  it("sets a page scanned upside down upright, records the turn and reads it in order", () => {
    expect(upsideDown.rotation).toBe(180);
    expect(characterErrorRate(PAGE.join(""), upsideDown.text)).toBeLessThanOrEqual(0.05);
  });

  it("sets a page turned a quarter upright and reads its lines across, not down", () => {
    expect(turned.rotation).toBe(270);
    expect(turned.vertical).toBe(false);
    expect(characterErrorRate(PAGE.join(""), turned.text)).toBeLessThanOrEqual(0.05);
  });

  it("reads the left column to its end before the right column", () => {
    expect(characterErrorRate([...PAGE, ...RIGHT].join(""), twoColumns.text)).toBeLessThanOrEqual(0.05);
    const text = twoColumns.text.replace(/\s/g, "");
    expect(text.indexOf("案件处理费")).toBeLessThan(text.indexOf("第五条"));
    // Word boxes are in page coordinates: the right column's words lie right of the gutter.
    const words = twoColumns.page.lines.flatMap((l) => l.words);
    expect(words.some((w) => w.bbox[0] > twoColumns.image.width / 2)).toBe(true);
  });

  it("keeps the operators, digits and percent signs of formula lines", () => {
    const text = formulas.text.normalize("NFKC").replace(/\s/g, "");
    expect(characterErrorRate(FORMULAS.join(""), formulas.text)).toBeLessThanOrEqual(0.12);
    for (const token of ["应纳税额=全年", "×适用税率", "60000)×10%", "=3980"]) expect(text).toContain(token);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import type { GreyImage } from "../../src/archive/images.js";
import { analyseLayout, linesRunDown, turn } from "../../src/archive/ocr/layout.js";
import { composePage, inkCrop, rasterisePdf, syntheticPdf } from "../../src/archive/synthetic.js";

// Page layout without OCR: which way the lines run, the blocks and their reading order.

const LEFT = [
  "第一条为了规范仲裁委员会的仲裁收费制定本办法",
  "第二条当事人申请仲裁应当按照本办法的规定向仲",
  "裁委员会交纳仲裁费用仲裁费用包括案件受理费和",
  "案件处理费第三条案件受理费用于给付仲裁员报酬",
  "维持仲裁委员会正常运转的必要开支第四条申请人",
  "应当自收到仲裁委员会受理通知书之日起十五日内",
];
const RIGHT = [
  "第五条仲裁案件受理费表中的争议金额以申请人请",
  "求的数额为准请求的数额与实际争议金额不一致的",
  "以实际争议金额为准申请仲裁时争议金额未确定的",
  "由仲裁委员会根据争议所涉及权益的具体情况确定",
  "预先收取的案件受理费数额第六条当事人预交案件",
  "受理费确有困难的由当事人提出申请经批准可缓交",
];

async function block(lines: readonly string[], vertical = false, size = 12): Promise<GreyImage> {
  return inkCrop(rasterisePdf(await syntheticPdf([{ lines, vertical, traditional: vertical, size }])), 10);
}

describe("layout analysis of a scanned page", () => {
  let twoColumns: GreyImage;
  let tiers: GreyImage;
  let left: GreyImage;
  let right: GreyImage;

  beforeAll(async () => {
    // Prepare: a two-column page (two blocks side by side, 80 px gutter) and a vertical page of
    // two tiers, one above the other, with a printed rule between them.
    left = await block(LEFT);
    right = await block(RIGHT);
    const height = Math.max(left.height, right.height) + 200;
    twoColumns = composePage(left.width + right.width + 280, height, [
      { image: left, x: 100, y: 100 },
      { image: right, x: 100 + left.width + 80, y: 100 },
    ]);
    const upper = await block(
      [
        "中央法規之制定施行適用修正",
        "及廢止除憲法規定外依本法之",
        "規定法律得定名為法律條例或",
        "通則各機關發布之命令得依其",
        "性質稱規程規則細則辦法綱要",
      ],
      true,
      14,
    );
    const lower = await block(
      [
        "法律應經立法院通過總統公布",
        "應以法律規定之事項不得以命",
        "令定之各機關依其法定職權或",
        "基於法律授權訂定之命令應視",
        "其性質分別下達或發布並即送",
      ],
      true,
      14,
    );
    const width = Math.max(upper.width, lower.width) + 200;
    const ruleY = 100 + upper.height + 40;
    tiers = composePage(
      width,
      upper.height + lower.height + 300,
      [
        { image: upper, x: 100, y: 100 },
        { image: lower, x: 100, y: ruleY + 44 },
      ],
      [{ x0: 100, y0: ruleY, x1: width - 100, y1: ruleY + 3 }],
    );
  }, 60_000);

  it("tells lines running across from columns running down, whichever way the page is turned", () => {
    expect(linesRunDown(twoColumns)).toBe(false);
    expect(linesRunDown(tiers)).toBe(true);
    expect(linesRunDown(turn(twoColumns, 90))).toBe(true);
    expect(linesRunDown(turn(tiers, 270))).toBe(false);
  });

  it("reads a two-column page left column first, then the right one", () => {
    const layout = analyseLayout(twoColumns, false);
    expect(layout.blocks).toHaveLength(2);
    const [first, second] = layout.blocks;
    expect(first!.box.x1).toBeLessThanOrEqual(100 + left.width + 40);
    expect(second!.box.x0).toBeGreaterThanOrEqual(100 + left.width + 40);
    expect(first!.singleLine).toBe(false);
  });

  it("keeps a title across the gutter whole when its ink over the gutter is slight", async () => {
    // Prepare: a page of two columns (each three blocks of text deep, as tall as a page) under a
    // centred title whose halves meet over the gutter at a small mark (a dot, the end of a
    // hairline stroke): over the whole page's height so little ink is below the speckle floor,
    // in the title's own line it is ink.
    const c = analyseLayout(twoColumns, false).charSize;
    const titleLeft = await block(["中华人民共和国"], false, 16);
    const titleRight = await block(["个人所得税法实施条例"], false, 16);
    const gutter = 100 + left.width + 40;
    const dot = Math.round(c * 0.15);
    const blank = Math.round(c * 0.5);
    const below = 100 + titleLeft.height + c;
    const deep = [0, 1, 2].flatMap((i) => [
      { image: left, x: 100, y: below + i * left.height },
      { image: right, x: 100 + left.width + 80, y: below + i * left.height },
    ]);
    const dotY = 100 + (titleLeft.height >> 1);
    const page = composePage(
      twoColumns.width,
      below + 3 * left.height + 100,
      [
        { image: titleLeft, x: gutter - Math.floor(dot / 2) - blank - titleLeft.width + 10, y: 100 },
        { image: titleRight, x: gutter + Math.ceil(dot / 2) + blank - 10, y: 100 },
        ...deep,
      ],
      [{ x0: gutter - Math.floor(dot / 2), y0: dotY, x1: gutter + Math.ceil(dot / 2), y1: dotY + dot }],
    );
    // Act
    const layout = analyseLayout(page, false);
    // Assess: the title is one block, read first, then the left column, then the right.
    expect(layout.blocks).toHaveLength(3);
    const [title, first, second] = layout.blocks;
    expect(title!.singleLine).toBe(true);
    expect(title!.box.x0).toBeLessThan(gutter - blank - c);
    expect(title!.box.x1).toBeGreaterThan(gutter + blank + c);
    expect(first!.box.x1).toBeLessThanOrEqual(gutter);
    expect(second!.box.x0).toBeGreaterThanOrEqual(gutter);
  });

  it("reads a vertical page tier by tier from the top, and finds the rule between the tiers", () => {
    const layout = analyseLayout(tiers, true);
    expect(layout.rules).toHaveLength(1);
    expect(layout.blocks).toHaveLength(2);
    const [first, second] = layout.blocks;
    expect(first!.vertical && second!.vertical).toBe(true);
    expect(first!.box.y1).toBeLessThanOrEqual(second!.box.y0);
  });

  it("keeps vertical blocks side by side in right-to-left order", () => {
    // Two vertical blocks with a wide space between them: the right one is read first.
    const layout = analyseLayout(
      composePage(tiers.width * 2 + 100, tiers.height, [
        { image: tiers, x: 0, y: 0 },
        { image: tiers, x: tiers.width + 100, y: 0 },
      ]),
      true,
    );
    const xs = layout.blocks.map((b) => b.box.x0);
    expect(xs.length).toBeGreaterThanOrEqual(2);
    expect(xs[0]!).toBeGreaterThan(xs.at(-1)!);
  });
});

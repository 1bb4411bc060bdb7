import {
  concatTransformationMatrix,
  drawObject,
  PDFDocument,
  PDFName,
  popGraphicsState,
  pushGraphicsState,
} from "pdf-lib";
import { describe, expect, it } from "vitest";
import { DEFAULT_SCAN_LIMITS, encodePng, inspectScan } from "../../src/archive/images.js";
import { htmlToText, stripScrapeNoise } from "../../src/archive/noise.js";

function problemsOf(bytes: Uint8Array): unknown {
  try {
    inspectScan(bytes, "files.0", DEFAULT_SCAN_LIMITS);
    return undefined;
  } catch (error) {
    return (error as { problems: unknown }).problems;
  }
}

/** A little-endian TIFF whose only IFD declares width × height (no image data follows). */
function tiffHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(8 + 2 + 2 * 12 + 4);
  const view = new DataView(bytes.buffer);
  bytes.set([0x49, 0x49, 0x2a, 0x00]);
  view.setUint32(4, 8, true);
  view.setUint16(8, 2, true);
  const entry = (at: number, tag: number, value: number) => {
    view.setUint16(at, tag, true);
    view.setUint16(at + 2, 4, true); // LONG
    view.setUint32(at + 4, 1, true);
    view.setUint32(at + 8, value, true);
  };
  entry(10, 256, width);
  entry(22, 257, height);
  view.setUint32(34, 0, true);
  return bytes;
}

/** A JPEG start: SOI, then an SOF0 segment declaring width × height. */
function jpegHeader(width: number, height: number): Uint8Array {
  return new Uint8Array([
    0xff,
    0xd8,
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x03,
    0x01,
    0x22,
    0x00,
    0x02,
    0x11,
    0x01,
    0x03,
    0x11,
    0x01,
    0xff,
    0xd9,
  ]);
}

describe("scan inspection before decoding", () => {
  it("refuses a TIFF whose header declares a pixel bomb", () => {
    expect(problemsOf(tiffHeader(100_000, 100_000))).toEqual([
      expect.objectContaining({ field: "files.0", code: "too_many_pixels" }),
    ]);
  });

  it("refuses a JPEG whose header declares a pixel bomb", () => {
    expect(problemsOf(jpegHeader(60_000, 60_000))).toEqual([
      expect.objectContaining({ field: "files.0", code: "too_many_pixels" }),
    ]);
  });

  it("refuses a PDF page too large to render at 200 dpi", async () => {
    // Prepare: the largest page PDF allows, 200 × 200 inches.
    const pdf = await PDFDocument.create();
    pdf.addPage([14_400, 14_400]);

    // Act
    const problems = problemsOf(await pdf.save());

    // Assess
    expect(problems).toEqual([expect.objectContaining({ code: "too_many_pixels" })]);
  });

  it("accepts an ordinary page image and counts its pages", () => {
    const png = encodePng({ width: 1654, height: 2339, pixels: new Uint8Array(1654 * 2339).fill(255) });
    expect(inspectScan(png, "files.0", DEFAULT_SCAN_LIMITS)).toEqual({ format: "png", pages: 1 });
  });
});

describe("scrape-noise stripping", () => {
  it("drops navigation elements of scraped HTML whole and keeps paragraphs as lines", () => {
    // Act
    const text = htmlToText(
      '<nav>首页 政务公开</nav><div id="main-menu">机构 政策</div><p>第一段。</p><p>第二段&amp;续。</p><footer>版权所有</footer>',
    );

    // Assess
    expect(text.split("\n").filter(Boolean)).toEqual(["第一段。", "第二段&续。"]);
  });

  it("removes debris lines from plain text and keeps the document", () => {
    // Prepare
    const scraped = [
      "首页 | 政务公开 | 政务服务 | 互动交流 | 数据发布",
      "您现在的位置：首页 > 政府公报 > 2016年",
      "四川省人民政府关于加强林业工作的通知",
      "发布时间：2016-05-03 浏览次数：1234",
      "为加强林业工作，现就有关事项通知如下。",
      "【字体：大 中 小】【打印本页】【关闭窗口】",
      "分享到：微信 微博 QQ空间",
      "六合彩开奖 加微信 123456",
      "网站标识码5100000000 蜀ICP备05003828号",
    ].join("\n");

    // Act
    const text = stripScrapeNoise(scraped);

    // Assess
    expect(text).toBe("四川省人民政府关于加强林业工作的通知\n为加强林业工作，现就有关事项通知如下。");
  });

  it("keeps short lines that are part of a document (署名, 成文日期, headings)", () => {
    const body = "一、总体要求\n四川省人民政府\n2016年5月3日";
    expect(stripScrapeNoise(body)).toBe(body);
  });
});

describe("PDF image bombs", () => {
  it("refuses a small PDF page that draws an image declaring too many pixels", async () => {
    // Prepare: an A4 page drawing a 100,000 × 100,000 grey image whose data is a few bytes.
    const pdf = await PDFDocument.create();
    const page = pdf.addPage([595, 842]);
    const image = pdf.context.register(
      pdf.context.stream(new Uint8Array([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]), {
        Type: "XObject",
        Subtype: "Image",
        Width: 100_000,
        Height: 100_000,
        ColorSpace: "DeviceGray",
        BitsPerComponent: 8,
        Filter: "FlateDecode",
      }),
    );
    page.node.setXObject(PDFName.of("Im0"), image);
    page.pushOperators(
      ...[
        pushGraphicsState(),
        concatTransformationMatrix(595, 0, 0, 842, 0, 0),
        drawObject("Im0"),
        popGraphicsState(),
      ],
    );

    // Act
    const problems = problemsOf(await pdf.save());

    // Assess
    expect(problems).toEqual([
      expect.objectContaining({
        code: "too_many_pixels",
        message: expect.stringContaining("100000 × 100000"),
      }),
    ]);
  });
});

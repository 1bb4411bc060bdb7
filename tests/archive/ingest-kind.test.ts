import { describe, expect, it } from "vitest";
import { segmentDocument } from "../../src/archive/ingest/document.js";
import { kindOfDocNumber, kindOfText } from "../../src/archive/ingest/kind.js";
import { isTitleLine, kindOfTitle } from "../../src/archive/segment.js";

describe("the 文种 of an ingested document", () => {
  it("reads the 文种 of judicial interpretations and Taiwan regulations from their titles", () => {
    // Assess
    expect(kindOfTitle("最高人民法院关于适用《中华人民共和国行政诉讼法》若干问题的解释")).toBe("解释");
    expect(kindOfTitle("最高人民法院关于审理名誉权案件若干问题的解答")).toBe("解答");
    expect(kindOfTitle("关于内地与香港特别行政区法院相互委托送达民商事司法文书的安排")).toBe("安排");
    expect(kindOfTitle("行政院秘書處書函")).toBe("書函");
    expect(kindOfTitle("中華民國憲法")).toBe("憲法");
    expect(kindOfTitle("液化石油氣容器認可收費標準")).toBe("標準");
  });

  it("does not take a body line ending in a common word (工作安排, 名单公示) for a title", () => {
    // Assess
    expect(isTitleLine("做好春节期间值班工作安排")).toBe(false);
    expect(isTitleLine("关于春节期间值班工作的安排")).toBe(true);
  });

  it("reads a letter or an order from its 发文字号 when the title does not say", () => {
    // Assess
    expect(kindOfDocNumber("国办函〔2006〕82号")).toBe("函");
    expect(kindOfDocNumber("中华人民共和国国务院令第707号")).toBe("令");
    expect(kindOfDocNumber("国发〔2016〕23号")).toBeUndefined();
  });

  it("reads the 文种 of a body-only text from its own formula", () => {
    // Prepare
    const notice = [
      "各设区市市场监管局：",
      "为做好疫情防控期间食品经营监管工作，现将有关事项通知如下：",
      "一、加强监管。",
    ];
    const opinion = [
      "各市、县（区）人民政府：",
      "为加快发展流通，经省政府同意，现提出以下实施意见：",
      "一、总体要求。",
    ];

    // Act
    const segment = segmentDocument(opinion.join("\n"), {});

    // Assess
    expect(kindOfText(notice)).toBe("通知");
    expect(kindOfText(opinion)).toBe("意见");
    expect(segment.kind).toBe("意见");
    expect(kindOfText(["第一条 为了规范管理，制定本办法。"])).toBeUndefined();
  });

  it("gives a reply sent as a letter the kind of its number", () => {
    // Prepare
    const text = [
      "国务院办公厅对全国政协十届四次会议第4626号提案的答复",
      "国办函〔2006〕82号",
      "你们提出的关于加强农村卫生工作的提案收悉。现答复如下：",
      "国务院办公厅",
      "二〇〇六年十月十八日",
    ].join("\n");

    // Act
    const segment = segmentDocument(text, {});

    // Assess
    expect(segment.kind).toBe("函");
  });
});

describe("the 文种 of a law's articles without its title", () => {
  it("is the word the articles call the text by (本法, 本办法), when they do so more than once", () => {
    // Prepare
    const law = [
      "第一条 为了规范企业所得税的征收，制定本法。",
      "第二条 本法所称企业，是指依法设立的企业。",
      "第六十条 本法自2008年1月1日起施行。",
    ];

    // Assess
    expect(kindOfText(law)).toBe("法");
    expect(kindOfText(["第一条 本办法所称单位，是指机关。", "第九条 本办法自发布之日起施行。"])).toBe("办法");
    expect(kindOfText(["第一条 根据本法律的规定，制定细则。"])).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { segmentDocument } from "../../src/archive/ingest/document.js";
import {
  issuersOfCode,
  issuersOfHeader,
  issuersOfHistory,
  issuersOfOrderNumber,
  issuersOfTitle,
} from "../../src/archive/ingest/issuers.js";
import { readDocuments } from "../../src/archive/ingest/read.js";

describe("issuers of an ingested document", () => {
  it("reads the organs of order and letter headers, joint ones in the order printed", () => {
    // Assess
    expect(issuersOfHeader("行政院令")).toEqual(["行政院"]);
    expect(issuersOfHeader("行政院環境保護署、交通部令")).toEqual(["行政院環境保護署", "交通部"]);
    expect(issuersOfHeader("內政部函")).toEqual(["內政部"]);
    expect(issuersOfHeader("行政院秘書處書函")).toEqual(["行政院秘書處"]);
    expect(issuersOfHeader("四川省人民政府关于加强林业工作的通知")).toBeUndefined();
  });

  it("reads the organs of a 令 number without the state's name", () => {
    // Assess
    expect(issuersOfOrderNumber("公安部令第125号")).toEqual(["公安部"]);
    expect(issuersOfOrderNumber("中华人民共和国国务院、中华人民共和国中央军事委员会令第290号")).toEqual([
      "国务院",
      "中央军事委员会",
    ]);
    expect(issuersOfOrderNumber("监察部、人事部、中国人民银行、海关总署、国家外汇管理局令第7号")).toEqual([
      "监察部",
      "人事部",
      "中国人民银行",
      "海关总署",
      "国家外汇管理局",
    ]);
  });

  it("takes the publisher of a regulation's history, not the organ that approved it", () => {
    // Assess
    expect(
      issuersOfHistory([
        "上海航运交易所管理规定",
        "1996年9月19日 经国务院批准",
        "1996年10月3日 中华人民共和国交通部令第8号发布",
      ]).published,
    ).toEqual(["交通部"]);
    expect(
      issuersOfHistory([
        "非机动船舶海上安全航行暂行规则",
        "1958年3月17日 国务院批准",
        "1958年4月19日 交通部",
        "水产部发布",
      ]).published,
    ).toEqual(["交通部", "水产部"]);
    expect(
      issuersOfHistory([
        "专属经济区和大陆架法",
        "1998年6月26日 第九届全国人民代表大会常务委员会第三次会议通过",
      ]).adopted,
    ).toEqual(["全国人民代表大会常务委员会"]);
  });

  it("takes the latest step of a Taiwan law's history, its lines wrapped and numbered", () => {
    // Prepare
    const history = [
      "褒揚條例",
      "1.中華民國二十年七月十一日國民政府制定公布全文 16 條",
      "2.中華民國七十五年十一月二十八日總統（75）華總（一）義字第 6006",
      "號令修正公布全文 10 條",
      "第 1 條　為褒揚國民立德、立功、立言，特制定本條例。",
    ];

    // Assess
    expect(issuersOfHistory(history).published).toEqual(["總統"]);
  });

  it("completes an abbreviated 署名 or 发文机关 from the organ the title names", () => {
    // Prepare
    const page = [
      "发文机关：省政府办公厅",
      "江西省人民政府办公厅关于做好疫情防控期间金融服务的通知",
      "各设区市人民政府，省政府各部门：",
      "现将有关事项通知如下。",
      "省政府办公厅",
      "2020年2月10日",
    ].join("\n");
    const [doc] = readDocuments(page);

    // Act
    const segment = segmentDocument(doc!.text, doc!.hints);

    // Assess
    expect(segment.issuers).toEqual(["江西省人民政府办公厅"]);
    expect(issuersOfTitle("国务院、中央军委关于保护通信线路的规定")).toEqual(["国务院", "中央军委"]);
  });
});

describe("issuers from a number's 机关代字", () => {
  it("names the central organ whose code the number begins with, when nothing else does", () => {
    // Assess
    expect(issuersOfCode("国办函〔2006〕82号")).toEqual(["国务院办公厅"]);
    expect(issuersOfCode("国发〔2016〕23号")).toEqual(["国务院"]);
    expect(issuersOfCode("法发〔1993〕15号")).toEqual(["最高人民法院"]);
    expect(issuersOfCode("華總一義字第 09900224411 號")).toEqual(["總統"]);
    expect(issuersOfCode("（74）院臺人字第 05038 號")).toBeUndefined();
    expect(issuersOfCode("川府发〔2024〕12号")).toBeUndefined();
  });

  it("gives a body-only text with its number the organ of the code", () => {
    // Act
    const segment = segmentDocument(
      "你们提出的提案收悉。现答复如下：\n国办函〔2006〕82号\n一、加强工作。",
      {},
    );

    // Assess
    expect(segment.issuers).toEqual(["国务院办公厅"]);
  });
});

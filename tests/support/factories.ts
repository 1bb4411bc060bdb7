/** Test data builders: a valid submission, and variations of it per test. */

let serial = 100;

/** A valid, public, non-policy 通知 with a fresh 发文字号 each call. */
export function aSubmission(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  serial += 1;
  return {
    title: "四川省人民政府关于做好2024年冬春农田水利建设工作的通知",
    docNumber: `川府发〔2024〕${serial}号`,
    issuers: ["四川省人民政府"],
    dateWritten: "2024-05-03",
    kind: "通知",
    section: "省政府文件",
    addressees: "各市（州）人民政府，省政府各部门、各直属机构：",
    body: [
      "为切实做好冬春农田水利建设工作，现就有关事项通知如下。",
      "一、总体要求",
      "坚持节水优先、空间均衡、系统治理、两手发力。",
      "（一）加强组织领导。",
      "各地要把农田水利建设摆上重要议事日程。",
      "1.明确责任分工。",
      "项目\t资金（万元）",
      "高标准农田\t1200",
    ].join("\n"),
    attachments: [],
    signer: "四川省人民政府",
    cc: "省委各部门，省人大常委会办公厅。",
    printed: { by: "四川省人民政府办公厅", date: "2024-05-06" },
    disclosure: { attribute: "public" },
    review: { reviewer: "张敏", date: "2024-05-04", result: "passed" },
    approval: { approver: "李华", date: "2024-05-02" },
    policy: false,
    interpretations: [],
    normative: null,
    relations: { repeals: [], amends: [] },
    repost: { scope: "none", regions: [], levels: [], sectors: [], deadlineWorkingDays: null },
    ...overrides,
  };
}

/** A policy 意见 with its 解读. */
export function aPolicySubmission(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return aSubmission({
    title: "四川省人民政府关于促进民营经济高质量发展的意见",
    kind: "意见",
    policy: true,
    interpretations: [
      {
        title: "《关于促进民营经济高质量发展的意见》政策解读",
        body: "一、出台背景\n为贯彻落实国家有关部署……\n二、主要内容\n《意见》共分五个部分。",
        form: "text",
      },
    ],
    ...overrides,
  });
}

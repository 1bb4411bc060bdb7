import type { EditionRenderInput, RenderDocument } from "../../../src/editions/render-model.js";

export const policy: RenderDocument = {
  id: "01HXKZ3V8Q6N2M4P5R7S9T0W1Y",
  title: "四川省人民政府办公厅关于促进养老托育服务高质量发展的实施意见",
  docNumber: "川办发〔2024〕12号",
  issuers: ["四川省人民政府办公厅"],
  dateWritten: "2024-05-03",
  kind: "意见",
  addressees: "各市（州）人民政府，省政府各部门、各直属机构：",
  blocks: [
    {
      type: "paragraph",
      text: "为加快构建覆盖城乡、普惠可及、质量可靠的养老托育服务体系，经省政府同意，现提出如下实施意见。",
    },
    { type: "heading", level: 1, text: "一、总体要求" },
    {
      type: "paragraph",
      text: "到2027年，全省每千人口拥有3岁以下婴幼儿托位数达到4.5个，养老机构护理型床位占比达到65%以上。公文格式执行GB/T 9704-2012《党政机关公文格式》的规定，“一网通办”事项全部实现“最多跑一次”。",
    },
    {
      type: "heading",
      level: 2,
      text: "（一）建设社区嵌入式服务设施。新建居住区按照每百户不低于20平方米的标准配套建设养老服务设施，老旧小区通过购置、置换、租赁等方式补齐。",
    },
    { type: "heading", level: 3, text: "1.完善规划布局。" },
    {
      type: "paragraph",
      text: "各地要将养老托育服务设施纳入国土空间规划（2021—2035年），统筹考虑人口结构、服务半径和现有资源；在县（市、区）层面编制专项规划，明确设施数量、规模和布局。",
    },
    { type: "heading", level: 4, text: "（1）加强用地保障。" },
    {
      type: "table",
      header: true,
      rows: [
        ["指标", "2025年", "2027年"],
        ["每千人口托位数（个）", "4.0", "4.5"],
        ["护理型床位占比", "60%", "65%"],
      ],
    },
    { type: "heading", level: 1, text: "二、组织实施" },
    { type: "paragraph", text: "各地各部门要加强组织领导，确保各项措施落地见效。" },
  ],
  attachments: [
    {
      title: "重点任务分工表",
      blocks: [
        {
          type: "table",
          header: true,
          rows: [
            ["任务", "牵头单位"],
            ["建设社区嵌入式服务设施", "省民政厅、省住房城乡建设厅"],
          ],
        },
      ],
    },
  ],
  signer: "四川省人民政府办公厅",
  cc: "省委办公厅，省人大常委会办公厅，省政协办公厅。",
  printed: { by: "四川省人民政府办公厅", date: "2024-05-06" },
};

export const notice: RenderDocument = {
  id: "01HXKZ5M6N7P8Q9R0S1T2V3W4X",
  title: "四川省人民政府办公厅 四川省財政廳關於做好2024年春耕備耕工作的通知",
  docNumber: "川办函〔2024〕7号",
  issuers: ["四川省人民政府办公厅", "四川省财政厅"],
  dateWritten: "2024-04-28",
  kind: "通知",
  addressees: "各市（州）人民政府：",
  blocks: [
    { type: "paragraph", text: `正文里的 <b>标签</b> & "引号" 原样显示。繁體字：臺灣、說明、會議。` },
    { type: "paragraph", text: "特此通知。" },
  ],
  attachments: [],
  signer: null,
  cc: null,
  printed: null,
};

export const sampleEdition: EditionRenderInput = {
  masthead: {
    name: "四川省人民政府公报",
    publisher: "四川省人民政府办公厅",
    serialNumbers: "ISSN 1004-3489 CN 51-1063/D",
  },
  edition: { id: "2024-12", year: 2024, issue: 12, cumulative: 795, date: "2024-06-20" },
  sections: [
    { name: "省政府办公厅文件", documents: [policy] },
    { name: "部门文件", documents: [notice] },
  ],
};

const PHRASES = [
  "深入贯彻落实党中央、国务院决策部署",
  "坚持以人民为中心的发展思想",
  "进一步优化营商环境",
  "推动经济社会高质量发展",
  "各级各部门要切实履行职责",
  "加强统筹协调，形成工作合力",
  "按照GB/T 9704-2012的要求",
  "到2025年底完成3.5万户改造任务",
  "确保资金使用效益达到95%以上",
  "“放管服”改革",
  "（以下简称《办法》）",
  "严格执行《中华人民共和国预算法》",
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function sentence(r: () => number): string {
  const n = 2 + Math.floor(r() * 4);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(PHRASES[Math.floor(r() * PHRASES.length)] as string);
  return `${parts.join("，")}。`;
}

const CN_NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

function mergedTable(k: number): RenderDocument["blocks"][number] {
  return {
    type: "table",
    header: true,
    rows: [
      ["市（州）", "2024年", "", "备注"],
      ["", "计划（个）", "完成（个）", ""],
      ["成都市", String(300 + k), String(280 + k), "含天府新区"],
      ["", String(20 + k), String(18 + k), "高新区"],
      ["自贡市", "85", "80", ""],
      ["说明", "完成时限以各地报送的实施方案为准，数据截至2024年6月。", "", ""],
    ],
    merges: [
      { row: 0, col: 0, rowSpan: 2, colSpan: 1 },
      { row: 0, col: 1, rowSpan: 1, colSpan: 2 },
      { row: 0, col: 3, rowSpan: 2, colSpan: 1 },
      { row: 2, col: 0, rowSpan: 2, colSpan: 1 },
      { row: 5, col: 1, rowSpan: 1, colSpan: 3 },
    ],
  };
}

/** A generated document of about `pages` pages. */
export function generatedDocument(k: number, pages: number): RenderDocument {
  const r = rng(k + 1);
  const blocks: RenderDocument["blocks"][number][] = [];
  // ~ 22 lines × 28 chars per page; a paragraph of 3 sentences is ~ 4 lines.
  const paragraphs = Math.max(2, Math.round(pages * 3.4));
  for (let i = 0; i < paragraphs; i++) {
    if (i % 6 === 0)
      blocks.push({ type: "heading", level: 1, text: `${CN_NUM[(i / 6) % 10]}、${PHRASES[i % 6]}` });
    if (i % 6 === 3)
      blocks.push({ type: "heading", level: 2, text: `（${CN_NUM[i % 10]}）${sentence(r)}${sentence(r)}` });
    blocks.push({ type: "paragraph", text: sentence(r) + sentence(r) + sentence(r) });
    // Every other document has a table with merged cells (a two-row header, a 地区 over two
    // rows, a 备注 row over the data columns) in its middle.
    if (k % 2 === 1 && i === Math.floor(paragraphs / 2)) blocks.push(mergedTable(k));
  }
  return {
    id: `doc-${k}`,
    title: `四川省人民政府关于${PHRASES[k % PHRASES.length]}的通知（第${k + 1}号）`,
    docNumber: `川府发〔2024〕${k + 1}号`,
    issuers: ["四川省人民政府"],
    dateWritten: "2024-05-03",
    kind: "通知",
    addressees: "各市（州）、县（市、区）人民政府，省政府各部门、各直属机构：",
    blocks,
    attachments: [],
    signer: "四川省人民政府",
    cc: k % 3 === 0 ? "省委各部门，省人大常委会办公厅，省政协办公厅。" : null,
    printed: k % 3 === 0 ? { by: "四川省人民政府办公厅", date: "2024-05-06" } : null,
  };
}

/** An edition of about `pages` printed pages. */
export function generatedEdition(pages: number, docPages = 5): EditionRenderInput {
  const n = Math.max(1, Math.round(pages / docPages));
  const docs = Array.from({ length: n }, (_, k) => generatedDocument(k, docPages - 0.6));
  return {
    masthead: { name: "四川省人民政府公报", publisher: "四川省人民政府办公厅" },
    edition: { id: "gen", year: 2024, issue: 12, cumulative: 795, date: "2024-06-20" },
    sections: [
      { name: "省政府文件", documents: docs.slice(0, Math.ceil(n / 2)) },
      { name: "部门文件", documents: docs.slice(Math.ceil(n / 2)) },
    ],
  };
}

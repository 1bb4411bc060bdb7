import type {
  DocumentPlacement,
  EditionRenderInput,
  RenderDocument,
} from "../../src/editions/render-model.js";
import type { DocumentStatusView, EditionSiteInput, SiteGazette } from "../../src/site/model.js";

export const POLICY_ID = "01HXKZ3V8Q6N2M4P5R7S9T0W1Y";
export const INTERPRETATION_ID = `${POLICY_ID}~01HXKZ4A2B3C4D5E6F7G8H9J0K`;
export const NOTICE_ID = "01HXKZ5M6N7P8Q9R0S1T2V3W4X";
export const HOSTILE_TITLE = `关于<script>alert("x")</script>&'测试'的通知`;

export const gazette: SiteGazette = {
  name: "四川省人民政府公报",
  publisher: "四川省人民政府办公厅",
  sections: ["省政府令", "省政府文件", "省政府办公厅文件", "部门文件", "人事任免", "政策解读"],
  baseUrl: "https://gb.example.gov.cn/",
};

const policy: RenderDocument = {
  id: POLICY_ID,
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
      text: "到2027年，全省每千人口拥有3岁以下婴幼儿托位数达到4.5个，养老机构护理型床位占比达到65%以上。",
    },
    { type: "heading", level: 2, text: "（一）建设社区嵌入式服务设施。" },
    { type: "paragraph", text: "新建居住区按照每百户不低于20平方米的标准配套建设养老服务设施。" },
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
  interpretations: [INTERPRETATION_ID],
};

const notice: RenderDocument = {
  id: NOTICE_ID,
  title: HOSTILE_TITLE,
  docNumber: "川办函〔2024〕7号",
  issuers: ["四川省人民政府办公厅", "四川省财政厅"],
  dateWritten: "2024-04-28",
  kind: "通知",
  addressees: "各市（州）人民政府：",
  blocks: [
    { type: "paragraph", text: `正文里的 <b>标签</b> & "引号" 原样显示。` },
    { type: "paragraph", text: "特此通知。" },
  ],
  attachments: [],
  signer: "四川省人民政府办公厅",
  cc: null,
  printed: null,
};

const interpretation: RenderDocument = {
  id: INTERPRETATION_ID,
  title: "《四川省人民政府办公厅关于促进养老托育服务高质量发展的实施意见》政策解读",
  docNumber: null,
  issuers: ["四川省民政厅"],
  dateWritten: "2024-05-06",
  kind: "解读",
  addressees: null,
  blocks: [
    { type: "heading", level: 1, text: "一、制定背景" },
    { type: "paragraph", text: "我省人口老龄化程度持续加深，群众对普惠、可及的养老托育服务需求日益迫切。" },
    { type: "heading", level: 1, text: "二、主要内容" },
    { type: "paragraph", text: "《实施意见》围绕扩大普惠服务供给、提升服务质量提出了具体措施。" },
  ],
  attachments: [],
  signer: null,
  cc: null,
  printed: null,
  interprets: POLICY_ID,
};

export const edition: EditionRenderInput = {
  masthead: {
    name: "四川省人民政府公报",
    publisher: "四川省人民政府办公厅",
    serialNumbers: "ISSN 1004-3489 CN 51-1063/D",
  },
  edition: { id: "2024-12", year: 2024, issue: 12, cumulative: 845, date: "2024-05-20" },
  sections: [
    { name: "省政府办公厅文件", documents: [policy, notice] },
    { name: "政策解读", documents: [interpretation] },
  ],
};

export const placements: DocumentPlacement[] = [
  { id: POLICY_ID, firstPage: 3, lastPage: 5 },
  { id: NOTICE_ID, firstPage: 6, lastPage: 6 },
  { id: INTERPRETATION_ID, firstPage: 7, lastPage: 8 },
];

export const repealedNotice: DocumentStatusView = {
  status: "已废止",
  changedAt: "2025-01-15",
  changedBy: {
    id: "01JAAAAAAAAAAAAAAAAAAAAAAA",
    title: "四川省人民政府办公厅关于废止部分文件的决定",
    docNumber: "川办发〔2025〕1号",
    url: "/documents/01JAAAAAAAAAAAAAAAAAAAAAAA.html",
  },
};

export function siteInput(overrides: Partial<EditionSiteInput> = {}): EditionSiteInput {
  return {
    gazette,
    edition,
    placements,
    urls: {
      editionPdf: "/pdf/editions/2024/12.pdf",
      documentPdf: (id) => `/pdf/documents/${id}.pdf`,
    },
    pdfSizes: { edition: 2_411_725, documents: new Map([[POLICY_ID, 318_464]]) },
    status: new Map([[NOTICE_ID, repealedNotice]]),
    publishedAt: "2024-05-20T01:30:00Z",
    ...overrides,
  };
}

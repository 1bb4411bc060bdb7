/**
 * Generates samples/documents/07-office-notice.docx and its metadata, 07-office-notice.meta.json.
 *
 * The document is a FICTIONAL sample laid out the way a provincial 办公厅 通知 is printed under
 * GB/T 9704-2012: issuer mark in red, 发文字号, red separator line, title on two lines, 主送机关,
 * body with 一、（一）1. headings and a table, 附件说明, signature with a seal image, 成文日期,
 * 附注, two attachments on new pages, and the 版记 (抄送, 印发机关和印发日期). The page-number
 * footer is there too. No real document, person or telephone number is reproduced.
 *
 *   npx tsx samples/make-docx.ts
 */

import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  HeadingLevel,
  ImageRun,
  Packer,
  PageNumber,
  Paragraph,
  Tab,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from "docx";

/** Intake metadata for the .docx (the body and attachments come from the file). */
export const SAMPLE_DOCX_META = {
  title: "四川省人民政府办公厅关于开展城镇老旧小区改造提质增效专项行动的通知",
  docNumber: "川办发〔2024〕20号",
  issuers: ["四川省人民政府办公厅"],
  dateWritten: "2024-06-18",
  kind: "通知",
  section: "省政府办公厅文件",
  addressees: "各市（州）人民政府，省政府各部门、各直属机构，有关单位：",
  signer: null,
  cc: "省委各部门，省人大常委会办公厅，省政协办公厅，省纪委监委，省法院，省检察院。",
  printed: { by: "四川省人民政府办公厅", date: "2024-06-19" },
  disclosure: { attribute: "public" },
  review: { reviewer: "省政府办公厅保密审查小组（示例）", date: "2024-06-17", result: "passed" },
  approval: { approver: "省政府办公厅主任（示例）", date: "2024-06-18" },
  policy: false,
  interpretations: [],
  normative: null,
  relations: { repeals: [], amends: [] },
  repost: { scope: "all", regions: [], levels: [], sectors: [], deadlineWorkingDays: 5 },
} as const;

const TITLE_LINES = ["四川省人民政府办公厅关于开展城镇老旧小区", "改造提质增效专项行动的通知"];

const BODY: readonly string[] = [
  "为深入贯彻落实国家关于推进城市更新行动的决策部署，加快补齐城镇老旧小区基础设施和公共服务短板，切实提升居民群众获得感、幸福感、安全感，经省政府同意，决定在全省开展城镇老旧小区改造提质增效专项行动（以下简称专项行动）。现将有关事项通知如下。",
  "一、总体要求",
  "坚持以人民为中心的发展思想，坚持尽力而为、量力而行，坚持居民自愿、政府引导、多方参与，聚焦“水电气讯路”等基础设施和养老托育、停车充电等公共服务，推动老旧小区改造由“有没有”向“好不好”转变。到2025年底，全省基本完成2000年底前建成的需改造城镇老旧小区改造任务，改造质量和群众满意度明显提升。",
  "二、重点任务",
  "（一）补齐基础设施短板。",
  "1.改造提升供排水、供电、供气、通信等管线设施，同步实施雨污分流改造，消除安全隐患。",
  "2.结合实际加装电梯，完善无障碍设施和适老化设施，有条件的小区同步建设充电设施。",
  "（二）完善公共服务配套。",
  "统筹利用小区及周边存量用房、闲置土地，补建社区综合服务设施、养老服务站、托育点和便民商业网点，打造“15分钟便民生活圈”。",
  "（三）健全长效管理机制。",
  "改造完成的小区要同步建立物业服务、业主自治或社区托管等长效管理模式，防止“改造一次、脏乱几年”。各地改造项目安排如下表：",
  "表格",
  "三、保障措施",
  "（一）加强组织领导。各市（州）人民政府是专项行动的责任主体，要成立工作专班，明确时间表、路线图，确保各项任务落地见效。",
  "（二）强化资金保障。",
  "各地要统筹中央补助资金、地方政府专项债券和社会资本，合理落实居民出资责任，严禁以改造为名新增地方政府隐性债务。",
  "（三）严格督导考核。",
  "省住房城乡建设厅要会同有关部门加强调度督导，每季度通报进展情况，对进度滞后的地区及时约谈提醒。",
  "各市（州）人民政府请于2024年7月15日前将专项行动实施方案报省住房城乡建设厅。",
  "附件：1.城镇老旧小区改造提质增效专项行动重点任务分工表",
  "2.专项行动联络员名单",
];

const PROGRESS_NOTE = ["备注", "完成时限以各地报送的实施方案为准"] as const;
const PROGRESS_TABLE: readonly (readonly string[])[] = [
  ["市（州）", "改造小区（个）", "涉及居民（户）", "完成时限"],
  ["成都市", "320", "58000", "2025年6月"],
  ["自贡市", "85", "12600", "2025年9月"],
  ["内江市", "76", "10400", "2025年12月"],
];

const ATTACHMENT_1_TITLE = "城镇老旧小区改造提质增效专项行动重点任务分工表";
const TASK_TABLE: readonly (readonly string[])[] = [
  ["序号", "重点任务", "牵头单位", "配合单位"],
  ["1", "基础设施改造", "省住房城乡建设厅", "省发展改革委、省经济和信息化厅"],
  ["2", "公共服务配套", "省民政厅", "省卫生健康委、省商务厅"],
  ["3", "长效管理机制", "省住房城乡建设厅", "各市（州）人民政府"],
];

const ATTACHMENT_2_TITLE = "专项行动联络员名单";
const CONTACT_TABLE: readonly (readonly string[])[] = [
  ["单位", "姓名", "职务", "联系电话"],
  ["省住房城乡建设厅", "李示例", "一级主任科员", "028-00000001"],
  ["省民政厅", "张示例", "二级主任科员", "028-00000002"],
];

/** A 1×1 red PNG standing in for the seal (印章). */
const SEAL_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  "base64",
);

const FANGSONG = "仿宋_GB2312";
const HEITI = "黑体";
const KAITI = "楷体_GB2312";
const XBS = "方正小标宋简体";
/** 三号 = 16 pt; sizes are in half-points. */
const SIZE_BODY = 32;
const INDENT_2_CHARS = 640; // twips

function run(text: string, font = FANGSONG, extra: { bold?: boolean; color?: string; size?: number } = {}) {
  return new TextRun({ text, font, size: extra.size ?? SIZE_BODY, bold: extra.bold, color: extra.color });
}

function bodyParagraph(text: string): Paragraph {
  const font = /^[一二三四五六七八九十]+、/.test(text)
    ? HEITI
    : /^（[一二三四五六七八九十]+）/.test(text)
      ? KAITI
      : FANGSONG;
  return new Paragraph({ indent: { firstLine: INDENT_2_CHARS }, children: [run(text, font)] });
}

function cell(text: string, columnSpan?: number): TableCell {
  return new TableCell({
    columnSpan,
    children: [
      new Paragraph({ alignment: AlignmentType.CENTER, children: [run(text, FANGSONG, { size: 28 })] }),
    ],
  });
}

/** A table with a repeated header row; `note` adds a last row whose second cell spans the rest. */
function table(rows: readonly (readonly string[])[], note?: readonly [string, string]): Table {
  const width = rows[0]?.length ?? 1;
  const tableRows = rows.map(
    (cells, r) =>
      new TableRow({ tableHeader: r === 0 ? true : undefined, children: cells.map((text) => cell(text)) }),
  );
  if (note) tableRows.push(new TableRow({ children: [cell(note[0]), cell(note[1], width - 1)] }));
  return new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: tableRows });
}

function pageBreakHeading(text: string): Paragraph {
  return new Paragraph({ pageBreakBefore: true, children: [run(text, HEITI)] });
}

function centeredTitle(text: string): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { before: 240, after: 240 },
    children: [run(text, XBS, { size: 44 })],
  });
}

function rightAligned(text: string, extra: { image?: boolean } = {}): Paragraph {
  const children: (TextRun | ImageRun)[] = [run(text)];
  if (extra.image) {
    children.push(new ImageRun({ type: "png", data: SEAL_PNG, transformation: { width: 120, height: 120 } }));
  }
  return new Paragraph({ alignment: AlignmentType.RIGHT, indent: { right: INDENT_2_CHARS * 2 }, children });
}

const RED = "FF0000";

/** Builds the sample .docx. Deterministic apart from the creation time docx writes into docProps. */
export async function buildSampleDocx(): Promise<Buffer> {
  const body = BODY.map((text): Paragraph | Table =>
    text === "表格" ? table(PROGRESS_TABLE, PROGRESS_NOTE) : bodyParagraph(text),
  );
  const doc = new Document({
    creator: "gazette-pipeline samples",
    title: SAMPLE_DOCX_META.title,
    styles: { default: { document: { run: { font: FANGSONG, size: SIZE_BODY } } } },
    sections: [
      {
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [new TextRun({ children: ["— ", PageNumber.CURRENT, " —"] })],
              }),
            ],
          }),
        },
        children: [
          // 版头
          new Paragraph({ alignment: AlignmentType.LEFT, children: [run("000018", HEITI)] }),
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { before: 600, after: 600 },
            children: [run("四川省人民政府办公厅文件", XBS, { color: RED, size: 84 })],
          }),
          new Paragraph({ alignment: AlignmentType.CENTER, children: [run("川办发〔2024〕20号")] }),
          new Paragraph({
            border: { bottom: { color: RED, space: 1, style: BorderStyle.SINGLE, size: 18 } },
            children: [],
          }),
          // 标题 (two lines: a soft line break, as typists do)
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { before: 480, after: 480 },
            heading: HeadingLevel.TITLE,
            children: [
              new TextRun({ text: TITLE_LINES[0], font: XBS, size: 44 }),
              new TextRun({ text: TITLE_LINES[1], font: XBS, size: 44, break: 1 }),
            ],
          }),
          // 主送机关
          new Paragraph({ children: [run(SAMPLE_DOCX_META.addressees)] }),
          // 正文
          ...body,
          // 落款、成文日期、附注
          new Paragraph({ children: [] }),
          rightAligned("四川省人民政府办公厅", { image: true }),
          rightAligned("2024年6月18日"),
          new Paragraph({ indent: { firstLine: INDENT_2_CHARS }, children: [run("（此件公开发布）")] }),
          // 附件1
          pageBreakHeading("附件1"),
          centeredTitle(ATTACHMENT_1_TITLE),
          table(TASK_TABLE),
          // 附件2
          pageBreakHeading("附件2"),
          centeredTitle(ATTACHMENT_2_TITLE),
          table(CONTACT_TABLE),
          // 版记
          new Paragraph({
            pageBreakBefore: true,
            border: { top: { color: "000000", space: 1, style: BorderStyle.SINGLE, size: 12 } },
            indent: { left: 320, right: 320 },
            children: [run(`抄送：${SAMPLE_DOCX_META.cc}`, FANGSONG, { size: 28 })],
          }),
          new Paragraph({
            border: {
              top: { color: "000000", space: 1, style: BorderStyle.SINGLE, size: 6 },
              bottom: { color: "000000", space: 1, style: BorderStyle.SINGLE, size: 12 },
            },
            indent: { left: 320, right: 320 },
            children: [
              run("四川省人民政府办公厅", FANGSONG, { size: 28 }),
              new TextRun({ children: [new Tab(), new Tab()], size: 28 }),
              run("2024年6月19日印发", FANGSONG, { size: 28 }),
            ],
          }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

/** The body and attachments the converter should find in the sample, for tests. */
export const SAMPLE_DOCX_EXPECTED = {
  body: BODY,
  progressTable: PROGRESS_TABLE,
  progressNote: PROGRESS_NOTE,
  attachments: [
    { title: ATTACHMENT_1_TITLE, table: TASK_TABLE },
    { title: ATTACHMENT_2_TITLE, table: CONTACT_TABLE },
  ],
} as const;

async function main(): Promise<void> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), "documents");
  writeFileSync(join(dir, "07-office-notice.docx"), await buildSampleDocx());
  writeFileSync(join(dir, "07-office-notice.meta.json"), `${JSON.stringify(SAMPLE_DOCX_META, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}

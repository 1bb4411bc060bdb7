/** Small .docx documents built with the `docx` package for converter tests. */

import {
  AlignmentType,
  Document,
  FootnoteReferenceRun,
  HeadingLevel,
  LevelFormat,
  Packer,
  Paragraph,
  Tab,
  Table,
  TableCell,
  TableRow,
  TextRun,
} from "docx";

export type FixtureItem =
  | string
  | { readonly heading: 1 | 2 | 3 | 4; readonly text: string }
  | { readonly style: "标题 1" | "标题 2"; readonly text: string }
  | { readonly lines: readonly string[] }
  | { readonly tabbed: readonly string[] }
  | { readonly numbered: string }
  | { readonly footnote: string; readonly text: string }
  | { readonly table: readonly (readonly string[])[]; readonly header?: boolean }
  | { readonly mergedTable: true };

const HEADINGS = {
  1: HeadingLevel.HEADING_1,
  2: HeadingLevel.HEADING_2,
  3: HeadingLevel.HEADING_3,
  4: HeadingLevel.HEADING_4,
} as const;

function cell(text: string, options: { rowSpan?: number; columnSpan?: number } = {}): TableCell {
  return new TableCell({ ...options, children: [new Paragraph(text)] });
}

function paragraph(
  item: FixtureItem,
  footnotes: Record<string, { children: Paragraph[] }>,
): Paragraph | Table {
  if (typeof item === "string") return new Paragraph({ children: [new TextRun(item)] });
  if ("heading" in item)
    return new Paragraph({ heading: HEADINGS[item.heading], children: [new TextRun(item.text)] });
  if ("style" in item) {
    return new Paragraph({
      style: item.style === "标题 1" ? "CnHeading1" : "CnHeading2",
      children: [new TextRun(item.text)],
    });
  }
  if ("lines" in item) {
    return new Paragraph({ children: item.lines.map((text, i) => new TextRun({ text, break: i ? 1 : 0 })) });
  }
  if ("tabbed" in item) {
    return new Paragraph({
      children: item.tabbed.flatMap((text, i) =>
        i ? [new TextRun({ children: [new Tab()] }), new TextRun(text)] : [new TextRun(text)],
      ),
    });
  }
  if ("numbered" in item) {
    return new Paragraph({
      numbering: { reference: "auto", level: 0 },
      children: [new TextRun(item.numbered)],
    });
  }
  if ("footnote" in item) {
    const id = Object.keys(footnotes).length + 1;
    footnotes[String(id)] = { children: [new Paragraph(item.footnote)] };
    return new Paragraph({ children: [new TextRun(item.text), new FootnoteReferenceRun(id)] });
  }
  if ("mergedTable" in item) {
    // 地区 spans two rows; 合计 spans two columns.
    return new Table({
      rows: [
        new TableRow({ tableHeader: true, children: [cell("地区"), cell("项目"), cell("金额")] }),
        new TableRow({
          children: [cell("成都市", { rowSpan: 2 }), cell("道路"), cell("10")],
        }),
        // docx inserts the continuation cell of 成都市 itself.
        new TableRow({ children: [cell("管网"), cell("20")] }),
        new TableRow({ children: [cell("合计", { columnSpan: 2 }), cell("30")] }),
      ],
    });
  }
  return new Table({
    rows: item.table.map(
      (cells, r) =>
        new TableRow({
          tableHeader: item.header && r === 0 ? true : undefined,
          children: cells.map(
            (text) => new TableCell({ children: text.split("\n").map((line) => new Paragraph(line)) }),
          ),
        }),
    ),
  });
}

export async function buildDocx(items: readonly FixtureItem[]): Promise<Buffer> {
  const footnotes: Record<string, { children: Paragraph[] }> = {};
  const children = items.map((item) => paragraph(item, footnotes));
  const doc = new Document({
    footnotes,
    numbering: {
      config: [
        {
          reference: "auto",
          levels: [
            { level: 0, format: LevelFormat.CHINESE_COUNTING, text: "%1、", alignment: AlignmentType.LEFT },
          ],
        },
      ],
    },
    styles: {
      paragraphStyles: [
        { id: "CnHeading1", name: "标题 1", run: { bold: true } },
        { id: "CnHeading2", name: "标题 2", run: { bold: true } },
      ],
    },
    sections: [{ children }],
  });
  return Packer.toBuffer(doc);
}

/**
 * Labelled fields: the 标题：/发文字号：/发布日期： lines of 信息公开 pages, crawler notes and
 * database exports, in Simplified and Traditional script, with full- or half-width colons, spaces
 * between a label's characters (标　　题：) and several fields on one row (a table row read as a
 * line: 发文机关：国务院 成文日期：2016年04月05日).
 *
 * A labelled field is metadata, not text: the lines that carry them are taken out of the text and
 * their values go into the document's hints.
 */
import { leadingDate, parseChineseDate } from "../../../documents/dates.js";
import type { DateHint, DateKind, DocumentHints } from "./types.js";

export type LabelField =
  | "title"
  | "docNumber"
  | "indexNumber"
  | "issuer"
  | "date"
  | "kind"
  | "subject"
  | "url"
  | "ignored";

interface LabelSpec {
  readonly field: LabelField;
  readonly dateKind?: DateKind;
  readonly names: readonly string[];
}

/** Every label recognised, Simplified and Traditional. Longer names first within a field. */
export const LABELS: readonly LabelSpec[] = [
  {
    field: "title",
    names: [
      "法规名称",
      "法規名稱",
      "法律名称",
      "法律名稱",
      "规章名称",
      "規章名稱",
      "文件名称",
      "文件名稱",
      "文件标题",
      "文件標題",
      "公文标题",
      "公文標題",
      "文章标题",
      "文章標題",
      "标题",
      "標題",
      "题目",
      "題目",
      "题名",
      "題名",
      "名称",
      "名稱",
    ],
  },
  {
    field: "docNumber",
    names: [
      "发文字号",
      "發文字號",
      "发布文号",
      "發布文號",
      "公文字号",
      "公文字號",
      "发文号",
      "發文號",
      "文号",
      "文號",
      "字号",
      "字號",
    ],
  },
  { field: "indexNumber", names: ["信息索引号", "索引号", "索引號"] },
  {
    field: "issuer",
    names: [
      "发文机关",
      "發文機關",
      "发文单位",
      "發文單位",
      "发布机关",
      "發布機關",
      "发布单位",
      "發布單位",
      "发布机构",
      "發布機構",
      "制定机关",
      "制定機關",
      "颁布机关",
      "頒布機關",
    ],
  },
  { field: "date", dateKind: "written", names: ["成文日期", "成文时间", "成文時間", "签发日期", "簽發日期"] },
  {
    field: "date",
    dateKind: "amended",
    names: [
      "修正发布日期",
      "修正發布日期",
      "最新修正日期",
      "修正日期",
      "修订日期",
      "修訂日期",
      "最新异动日期",
      "最新異動日期",
    ],
  },
  {
    field: "date",
    dateKind: "published",
    names: [
      "发布日期",
      "發布日期",
      "公布日期",
      "颁布日期",
      "頒布日期",
      "发文日期",
      "發文日期",
      "印发日期",
      "印發日期",
      "公开日期",
      "公開日期",
      "发布时间",
      "發布時間",
    ],
  },
  { field: "date", dateKind: "adopted", names: ["通过日期", "通過日期"] },
  {
    field: "date",
    dateKind: "effective",
    names: ["施行日期", "实施日期", "實施日期", "生效日期"],
  },
  {
    field: "kind",
    names: ["公文种类", "公文種類", "文种", "文種", "法规性质", "法規性質", "法规类型", "法規類型"],
  },
  { field: "subject", names: ["主题分类", "主題分類", "主题词", "主題詞", "分类", "分類"] },
  { field: "url", names: ["原文链接", "原文鏈接", "原文網址", "网址", "網址", "URL", "url", "链接", "鏈接"] },
  {
    field: "ignored",
    names: [
      "时效性",
      "時效性",
      "效力级别",
      "效力級別",
      "效力位阶",
      "效力位階",
      "时效状态",
      "時效狀態",
      "有效性",
      "法规类别",
      "法規類別",
      "所属类别",
      "所屬類別",
      "体裁分类",
      "體裁分類",
      "组配分类",
      "組配分類",
      "服务对象分类",
      "服務對象分類",
      "关键词",
      "關鍵詞",
      "抓取时间",
      "抓取時間",
      "采集时间",
      "採集時間",
      "爬取时间",
      "爬取時間",
    ],
  },
];

const SPACE = "[ \\t\\u00a0\\u3000]*";

/** A label's name with any spaces between its characters (标　　题, 索 引 号). */
function spaced(name: string): string {
  return [...name].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(SPACE);
}

const BY_NAME = new Map<string, LabelSpec>();
for (const spec of LABELS) for (const name of spec.names) BY_NAME.set(name, spec);

const ALL_NAMES = [...BY_NAME.keys()].sort((a, b) => b.length - a.length);

/** A label at a position: 【标题】, 标题：, 标 题: or a table cell (标题 then a tab). */
const LABEL_SOURCE = `(?:[【\\[]${SPACE})?(${ALL_NAMES.map(spaced).join("|")})${SPACE}(?:[】\\]]${SPACE}[:：]?|[:：]|\\t)`;
const LABEL_AT_START = new RegExp(`^[\\s\\u3000·•*\\-|｜]*${LABEL_SOURCE}`, "u");
const LABEL_ANYWHERE = new RegExp(`(?:^|[\\s\\u3000|｜；;，,])${LABEL_SOURCE}`, "gu");

export interface LabelledValue {
  readonly field: LabelField;
  readonly label: string;
  readonly dateKind?: DateKind | undefined;
  readonly value: string;
}

function specOf(matched: string): LabelSpec | undefined {
  return BY_NAME.get(matched.replace(/[\s\u00a0\u3000]+/g, ""));
}

/**
 * The labelled fields on a line, or undefined when the line does not begin with a label. A line
 * that is only a label (标题：) gives that label with an empty value.
 */
export function labelledFields(line: string): LabelledValue[] | undefined {
  if (!LABEL_AT_START.test(line)) return undefined;
  const out: LabelledValue[] = [];
  const starts: { index: number; end: number; spec: LabelSpec; label: string }[] = [];
  for (const m of line.matchAll(LABEL_ANYWHERE)) {
    const spec = specOf(m[1]!);
    if (!spec) continue;
    starts.push({
      index: m.index,
      end: m.index + m[0].length,
      spec,
      label: m[1]!.replace(/[\s\u3000]+/g, ""),
    });
  }
  // A later "label" without a colon or tab (表头 words inside a value) only counts when it is
  // followed by a colon; the regex already demands one, so every match is a field boundary.
  for (const [i, s] of starts.entries()) {
    const value = line
      .slice(s.end, starts[i + 1]?.index ?? line.length)
      .replace(/^[\s\u3000:：]+|[\s\u3000|｜；;，,]+$/g, "");
    out.push({ field: s.spec.field, label: s.label, dateKind: s.spec.dateKind, value });
  }
  return out.length ? out : undefined;
}

/**
 * The date a labelled value begins with (2016年04月05日, 2016-04-13 17:48, 19970701, 民國86年7月1日,
 * ROC seven digits 0860701): read by the shared date parser; undefined when there is none.
 */
export function labelledDate(value: string): string | undefined {
  const shared = leadingDate(value);
  if (shared) return shared;
  const t = value.replace(/[\s\u3000]+/g, " ").trim();
  const eight = /^(\d{4})(\d{2})(\d{2})(?:\D|$)/.exec(t);
  if (eight) return parseChineseDate(`${eight[1]}-${eight[2]}-${eight[3]}`) ?? undefined;
  const rocEight = /^(\d{3})(\d{2})(\d{2})(?:\D|$)/.exec(t);
  if (rocEight)
    return parseChineseDate(`民国${Number(rocEight[1])}年${rocEight[2]}月${rocEight[3]}日`) ?? undefined;
  const datePart =
    /^((?:中華民國|中华民国|民國|民国)?\s*[0-9０-９〇○◯零一二三四五六七八九十百]{1,6}\s*年\s*[0-9０-９〇○零一二三四五六七八九十]{1,3}\s*月\s*[0-9０-９〇○零一二三四五六七八九十廿卅]{1,3}\s*[日号])/.exec(
      t,
    )?.[1] ?? /^(\d{4}\s*[-./]\s*\d{1,2}\s*[-./]\s*\d{1,2})/.exec(t)?.[1];
  if (!datePart) return undefined;
  return parseChineseDate(datePart.replace(/^中華民國|^中华民国/, "民国")) ?? undefined;
}

/** Splits an issuers value (国务院、中央军委 / A，B / A B) into issuers. */
export function splitIssuers(value: string): string[] {
  return value
    .split(/[、，,；;\s\u3000]+/)
    .map((s) => s.trim())
    .filter((s) => s.length >= 2);
}

/** Mutable collector of hints; the first value of each field wins. */
export class HintCollector {
  title: string | undefined;
  readonly titleCandidates: string[] = [];
  docNumberPrinted: string | undefined;
  readonly dates: DateHint[] = [];
  issuers: string[] | undefined;
  kind: string | undefined;
  indexNumber: string | undefined;
  subject: string | undefined;
  url: string | undefined;

  /** Records one labelled value; returns false when the value is empty (the label stood alone). */
  add(field: LabelField, value: string, dateKind?: DateKind): boolean {
    const v = value.replace(/^[\s\u3000]+|[\s\u3000]+$/g, "");
    if (!v) return false;
    switch (field) {
      case "title":
        this.title ??= v;
        break;
      case "docNumber":
        if (!/^(无|無|暂无|暫無|[-—/／]+)$/.test(v)) this.docNumberPrinted ??= v;
        break;
      case "indexNumber":
        this.indexNumber ??= v;
        break;
      case "issuer":
        this.issuers ??= splitIssuers(v);
        break;
      case "date": {
        const iso = labelledDate(v);
        if (iso && dateKind && !this.dates.some((d) => d.kind === dateKind && d.value === iso))
          this.dates.push({ kind: dateKind, value: iso, printed: v });
        break;
      }
      case "kind":
        this.kind ??= v;
        break;
      case "subject":
        this.subject ??= v;
        break;
      case "url":
        this.url ??= v;
        break;
      case "ignored":
        break;
    }
    return true;
  }

  hints(): DocumentHints {
    return {
      title: this.title,
      titleCandidates: this.titleCandidates.length ? [...this.titleCandidates] : undefined,
      docNumberPrinted: this.docNumberPrinted,
      dates: this.dates.length ? [...this.dates] : undefined,
      issuers: this.issuers,
      kind: this.kind,
      indexNumber: this.indexNumber,
      subject: this.subject,
      url: this.url,
    };
  }
}

/**
 * Takes the labelled fields out of text lines: each line that begins with a label is read into
 * `hints` and dropped; a label alone on its line (标题：) takes the next line as its value.
 */
/**
 * A label whose row goes on in empty table cells (主题词： | | ) has an empty value: the next line
 * is the document, not the label's value.
 */
function emptyCellAfterLabel(line: string): boolean {
  const colon = Math.max(line.lastIndexOf("："), line.lastIndexOf(":"));
  return colon >= 0 && line.slice(colon + 1).includes("\t");
}

export function extractLabelledLines(lines: readonly string[], hints: HintCollector): string[] {
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fields = [...line].length <= 400 ? labelledFields(line) : undefined;
    if (!fields) {
      kept.push(line);
      continue;
    }
    for (const [j, f] of fields.entries()) {
      const filled = hints.add(f.field, f.value, f.dateKind);
      const last = j === fields.length - 1;
      if (!filled && last && !emptyCellAfterLabel(line)) {
        // The value is on the next non-empty line, unless that line is itself labelled.
        let k = i + 1;
        while (k < lines.length && lines[k]!.trim() === "") k++;
        if (k < lines.length && !labelledFields(lines[k]!) && [...lines[k]!.trim()].length <= 120) {
          hints.add(f.field, lines[k]!, f.dateKind);
          i = k;
        }
      }
    }
  }
  return kept;
}

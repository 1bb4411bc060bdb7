/**
 * Stage "segment": an edition's text (OCR of its pages, or one ingested text) → its documents and
 * their metadata. Pure functions; no storage.
 *
 * Reads: text lines, each tagged with the page it came from. Writes: segments with title,
 * 发文字号 (as printed and normalised), issuers, 成文日期, 文种 and the pages they span.
 *
 * How a document is recognised (GB/T 9704 layout, and what old gazettes print):
 * - a title line: short, no sentence punctuation at its end, ending in a 文种 word (…的通知,
 *   …办法, …决定) or a 令 header (四川省人民政府令); the 发文字号 line and the issuer's
 *   header (…文件) just above it belong to the same document;
 * - the end: the 成文日期 line (Chinese or Arabic date alone on a line), with the 署名 (issuer
 *   lines) just above it.
 * Each title starts a new document; text before the first title (mastheads, contents) is not
 * a document.
 */
import { type DatedEvent, type DateKind, findDocumentDates, parseChineseDate } from "../documents/dates.js";
import { findDocNumbers, normalizeDocNumber } from "../documents/doc-number.js";

/**
 * 文种 recognised at the end of a title, Simplified and Traditional, longest first so 实施细则
 * wins over 细则. Taiwan's law names (中央法規標準法 §3: 法, 律, 條例, 通則; 規程, 規則, 細則,
 * 辦法, 綱要, 標準, 準則) are included.
 */
export const ARCHIVE_KINDS = [
  "实施细则",
  "實施細則",
  "实施意见",
  "實施意見",
  "实施办法",
  "實施辦法",
  "暂行办法",
  "暫行辦法",
  "暂行规定",
  "暫行規定",
  "命令",
  "决议",
  "決議",
  "决定",
  "決定",
  "公报",
  "公報",
  "公告",
  "通告",
  "意见",
  "意見",
  "通知",
  "通报",
  "通報",
  "报告",
  "報告",
  "请示",
  "請示",
  "批复",
  "批覆",
  "批復",
  "议案",
  "議案",
  "纪要",
  "紀要",
  "办法",
  "辦法",
  "规定",
  "規定",
  "条例",
  "條例",
  "细则",
  "細則",
  "规则",
  "規則",
  "规程",
  "規程",
  "通则",
  "通則",
  "准则",
  "準則",
  "纲要",
  "綱要",
  "规划",
  "規劃",
  "方案",
  "标准",
  "標準",
  "要点",
  "要點",
  "须知",
  "須知",
  "章程",
  "编制表",
  "編制表",
  "解释",
  "解釋",
  "解答",
  "安排",
  "公示",
  "解读",
  "解讀",
  "书函",
  "書函",
  "函",
  "令",
  "宪法",
  "憲法",
  "法",
] as const;

/** 文种 that also end ordinary phrases: a title only with 关于 (see isTitleLine). */
const WEAK_KINDS: ReadonlySet<string> = new Set([
  "安排",
  "公示",
  "解读",
  "解讀",
  "解答",
  "须知",
  "須知",
  "要点",
  "要點",
  "编制表",
  "編制表",
]);

/** Words ending in 法 that are not a law's name (方法, 违法…). */
const NOT_A_LAW =
  /(方|做|说|說|看|想|用|写|寫|算|手|语|語|书|書|疗|療|违|違|非|合|执|執|守|依|章|技|打|玩|作|提|战|戰|兵|笔|筆|佛|魔|无|無|效|仿|取|司)法$/u;

/** The 文种 a title ends with, mapped to the intake kinds (实施办法 → 办法), or undefined. */
export function kindOfTitle(title: string): string | undefined {
  const t = title
    .replace(/[（(][^（()）]*[)）]$/, "")
    .replace(/[\s\u3000]+/g, "")
    .replace(/[》」』"”]$/, "");
  for (const kind of ARCHIVE_KINDS) {
    if (t.endsWith(kind)) {
      if (kind === "令" && !/(政府令|主席令|省长令|市长令|部令|局令|委员会令|委員會令|^.{0,20}令)$/.test(t))
        continue;
      if (kind === "法" && (NOT_A_LAW.test(t) || /[0-9A-Za-z]法$/.test(t))) continue;
      return kind.length === 4 ? kind.slice(2) : kind;
    }
  }
  return undefined;
}

export interface TextLine {
  readonly text: string;
  /** 1-based page of the edition the line was read from; 1 for text ingests. */
  readonly page: number;
}

export interface Segment {
  readonly title: string;
  /** 发文字号 exactly as printed (trimmed). */
  readonly docNumberPrinted?: string | undefined;
  /** Normalised spelling (see normalizeDocNumber). */
  readonly docNumber?: string | undefined;
  readonly issuers: readonly string[];
  /** The date the document is dated by (see findDocumentDates), YYYY-MM-DD, and what it is. */
  readonly date?: string | undefined;
  readonly dateKind?: DateKind | undefined;
  /** The date as printed. */
  readonly datePrinted?: string | undefined;
  /** Every date the document gives about itself, with its kind. */
  readonly dates: readonly DatedEvent[];
  readonly kind?: string | undefined;
  readonly text: string;
  /** Pages the document spans, ascending. */
  readonly pages: readonly number[];
  /** What could not be found; empty when every field was. */
  readonly missing: readonly ("title" | "date" | "issuers" | "kind")[];
}

/**
 * What opens a regulation's history line before its number: an item number, a date (1989年6月17日,
 * 二〇一一年一月八日, 中華民國一百零四年十二月十七日) and the promulgating organ (行政院, 總統).
 */
const HISTORY_DATE =
  /^[\s\u3000（(]*(?:\d{1,3}[.．、]\s*)?(?:中華民國|中华民国|民國|民国)?[0-9０-９〇○零一二三四五六七八九十百]{1,4}[\s\u3000]*年[^，。；、\n]{1,12}日[\s\u3000]*[\p{Script=Han}]{0,15}[\s\u3000]*$/u;
/** What follows the number in a history line: 发布, 令修正公布, 號令制定公布, 函訂頒. */
const PROMULGATED =
  /^[\s\u3000]*(?:令|函)?[\s\u3000]*(?:发布|發布|公布|颁布|頒布|制定|修正|订定|訂定|订颁|訂頒|废止|廢止)/u;

/**
 * The 发文字号 a line prints as a document's own (see findDocNumbers for the grammar): the number
 * alone on its line (a label such as 发文字号： before it, a 签发人 after it), at the start of a
 * line with a space after it, or the order number of a regulation's history line (1989年6月17日
 * 中华人民共和国国务院令第37号发布). A number a sentence cites is not the document's own.
 */
export function docNumberIn(line: string): string | undefined {
  const found = findDocNumbers(line);
  const own = found.find(
    (m) =>
      m.standalone ||
      (/^[\s\u3000]*$/.test(line.slice(0, m.start)) && /^[\s\u3000]/u.test(line.slice(m.end))),
  );
  if (own) return own.printed.trim();
  const first = found[0];
  if (first && HISTORY_DATE.test(line.slice(0, first.start)) && PROMULGATED.test(line.slice(first.end)))
    return first.printed.trim();
  return undefined;
}

/** The canonical spelling of a printed number (normalizeDocNumber): 〔2017〕第12号 → 〔2017〕12号, 第三百五十六号 → 第356号. */
export function normalizeArchiveDocNumber(printed: string): string {
  return normalizeDocNumber(printed);
}

/** A date alone on a line (成文日期), with spaces tolerated: 二〇一七年五月三日, 2017年5月3日, 民國六十年一月五日. */
export function dateLine(line: string): string | undefined {
  const t = line.replace(/[\s\u3000]+/g, "").replace(/^[（(]|[)）]$/g, "");
  if (t.length < 8 || t.length > 20) return undefined;
  return parseChineseDate(t) ?? undefined;
}

const ORG_SUFFIX =
  /(人民政府|人民代表大会常务委员会|常务委员会|办公厅|办公室|委员会|政府|厅|局|部|院|署|会|处|中心|公司|银行|法院|检察院|军区|省长|市长|县长|主席)$/;

/** A 署名 line: an organisation name, or a signatory (省长 ×××). */
function isIssuerLine(line: string): boolean {
  const t = line.replace(/[\s\u3000]+/g, "");
  if (t.length < 2 || t.length > 30) return false;
  if (/[，。；：、！？“”《》]/.test(t)) return false;
  return ORG_SUFFIX.test(t) || /^(省长|市长|县长|主席|部长|局长|主任)[\p{Script=Han}]{2,4}$/u.test(t);
}

const TITLE_END_PUNCTUATION = /[。，；：、！？…]$/;
const SENTENCE_PUNCTUATION = /[。；！？]/;

/** A gazette's masthead (四川省人民政府公报, 總統府公報, 行政院公報), not a 公报 document. */
export function isMasthead(line: string): boolean {
  return /^[\p{Script=Han}]{0,20}(政府|人民政府|办公厅|辦公廳|總統府|总统府|行政院|立法院|司法院|考試院|考试院|監察院|监察院|国务院|國務院|部|委员会|委員會|厅|廳|局)(公报|公報)$/u.test(
    line.replace(/[\s\u3000]+/g, ""),
  );
}

/** Whether a line reads as a document title (see the module comment). */
export function isTitleLine(line: string): boolean {
  const t = line.replace(/[\s\u3000]+/g, "");
  const length = [...t].length;
  if (length < 4 || length > 60) return false;
  if (TITLE_END_PUNCTUATION.test(t) || SENTENCE_PUNCTUATION.test(t)) return false;
  if (/^(附件|抄送|印发|印發|主送|第[一二三四五六七八九十百]+[条章节條節编編])/.test(t)) return false;
  if (/^[一二三四五六七八九十]+、|^（[一二三四五六七八九十]+）|^\d+[.．、]/.test(t)) return false;
  if (dateLine(t) || docNumberIn(t)) return false;
  // The gazette's masthead (四川省人民政府公报), not a 公报 document.
  if (isMasthead(t)) return false;
  const kind = kindOfTitle(t);
  if (!kind) return false;
  // Words that end body lines too (…工作安排, 名单公示) start a document only in a 关于 title.
  if (WEAK_KINDS.has(kind) && !/关于|關於/.test(t)) return false;
  // A bare 文种 word (通知) or a 令 header without the issuer is not a title by itself.
  return length > kind.length + 1;
}

/** Issuer named in a title: 四川省人民政府关于…的通知 → 四川省人民政府. */
function issuerFromTitle(title: string): string | undefined {
  const m = /^(.{2,30}?)(关于|印发|转发)/.exec(title);
  const candidate = m?.[1]?.replace(/[、和与]$/, "");
  if (candidate && ORG_SUFFIX.test(candidate)) return candidate;
  return undefined;
}

/** Splits a header like 四川省人民政府办公厅文件 into its issuer. */
function issuerFromHeader(line: string): string | undefined {
  const m = /^(.{2,30}?)(文件|公报)$/.exec(line.replace(/[\s\u3000]+/g, ""));
  return m?.[1] && ORG_SUFFIX.test(m[1]) ? m[1] : undefined;
}

/** The title ending on line `index`, joined with its first part when printed over two lines (梯形/菱形). */
function titleAt(lines: readonly TextLine[], index: number): string {
  let first = index;
  while (first > 0 && index - first < 2 && isTitlePrefix(lines[first - 1]!.text)) first--;
  return lines
    .slice(first, index + 1)
    .map((l) => l.text.replace(/[\s\u3000]+/g, ""))
    .join("");
}

/**
 * Splits an edition's text into documents and extracts each one's metadata. Lines before the
 * first title are ignored (masthead, contents). A text with no recognisable title comes back as
 * one segment whose title is its first line, marked missing "title".
 */
export function segmentEdition(lines: readonly TextLine[]): Segment[] {
  const clean = lines
    .map((l) => ({ text: l.text.replace(/^[\s\u3000]+|[\s\u3000]+$/g, ""), page: l.page }))
    .filter((l) => l.text.length > 0);
  const starts: { first: number; title: number; order: boolean }[] = [];
  for (let i = 0; i < clean.length; i++) {
    if (!isTitleLine(clean[i]!.text)) continue;
    const prev = starts[starts.length - 1];
    if (prev && i - prev.title <= 3 && !hasBodyBetween(clean, prev.title, i)) {
      // A 令 header (四川省人民政府令 / 第356号) is followed by the regulation's title, which is
      // the document's title; any other title right after a title continues it.
      if (prev.order) starts[starts.length - 1] = { ...prev, title: i, order: false };
      continue;
    }
    starts.push({ first: i, title: i, order: kindOfTitle(clean[i]!.text) === "令" });
  }
  if (starts.length === 0) {
    return clean.length ? [segmentFrom(clean, 0, clean.length, 0, undefined)] : [];
  }
  const headerStart = (first: number, floor: number) => {
    let begin = first;
    while (begin > floor && first - begin < 4) {
      const prev = clean[begin - 1]!.text;
      if (docNumberIn(prev) || issuerFromHeader(prev) || /签发人/.test(prev) || isTitlePrefix(prev)) begin--;
      else break;
    }
    return begin;
  };
  const segments: Segment[] = [];
  for (let s = 0; s < starts.length; s++) {
    const start = starts[s]!;
    const floor = s > 0 ? previousEnd(clean, starts[s - 1]!.title, start.first) : 0;
    const begin = headerStart(start.first, floor);
    const next = starts[s + 1];
    const end = next ? headerStart(next.first, start.title + 1) : clean.length;
    const orderHeader = start.first !== start.title && kindOfTitle(clean[start.first]!.text) === "令";
    segments.push(segmentFrom(clean, begin, end, start.title, orderHeader ? "令" : undefined));
  }
  return segments;
}

function isTitlePrefix(line: string): boolean {
  const t = line.replace(/[\s\u3000]+/g, "");
  // Contents lines (…的通知……………1) are not title parts.
  if (/[。，；：！？…·]|\.{2,}|\d$/.test(t)) return false;
  return t.length >= 4 && t.length <= 40 && /关于|印发|转发/.test(t) && !isTitleLine(t);
}

function hasBodyBetween(lines: readonly TextLine[], from: number, to: number): boolean {
  for (let i = from + 1; i < to; i++) {
    if (SENTENCE_PUNCTUATION.test(lines[i]!.text) || lines[i]!.text.length > 40) return true;
  }
  return false;
}

/** The line after the previous document's date line, or its title when it has none. */
function previousEnd(lines: readonly TextLine[], prevTitle: number, title: number): number {
  for (let i = title - 1; i > prevTitle; i--) if (dateLine(lines[i]!.text)) return i + 1;
  return prevTitle + 1;
}

function segmentFrom(
  lines: readonly TextLine[],
  begin: number,
  end: number,
  titleIndex: number,
  kindOverride: string | undefined,
): Segment {
  const body = lines.slice(begin, end);
  const missing: Segment["missing"][number][] = [];
  let title: string;
  const untitled = !isTitleLine(lines[titleIndex]?.text ?? "");
  if (untitled) {
    title = (body[0]?.text ?? "").slice(0, 60);
    missing.push("title");
  } else {
    title = titleAt(lines, titleIndex);
  }
  const head = body.slice(0, Math.max(6, titleIndex - begin + 4));
  // A 令 printed as GB/T 9704 sets it, its header over its number (中华人民共和国国务院令 / 第707号),
  // is the document's own number in full; it wins over a shorter label a site put above it (国令第707号).
  let docNumberPrinted = orderNumberUnderHeader(head);
  for (const line of docNumberPrinted ? [] : head) {
    docNumberPrinted = docNumberIn(line.text);
    if (docNumberPrinted) break;
  }
  // Its dates with their meaning; the 署名 lines directly above the 成文日期 under the signature.
  const found = findDocumentDates(body.map((l) => l.text));
  const dateIndex = found.date?.source === "signature" ? found.date.line : -1;
  const issuers: string[] = [];
  if (dateIndex > 0) {
    for (let i = dateIndex - 1; i >= Math.max(0, dateIndex - 3); i--) {
      const t = body[i]!.text.replace(/[\s\u3000]+/g, "");
      if (!isIssuerLine(t)) break;
      issuers.unshift(t);
    }
  }
  if (issuers.length === 0) {
    const header = body
      .slice(0, 4)
      .map((l) => issuerFromHeader(l.text))
      .find(Boolean);
    const fromTitle = issuerFromTitle(title);
    const issuer = header ?? fromTitle;
    if (issuer) issuers.push(issuer);
  }
  const date = found.date?.date;
  const kind = kindOverride ?? kindOfTitle(title);
  // A 令's number is printed under its header (四川省人民政府令 / 第356号): the full number is both.
  const orderHeader = body.find((l) => kindOfTitle(l.text) === "令")?.text.replace(/[\s\u3000]+/g, "");
  const numberPrefix = kind === "令" && orderHeader && docNumberPrinted?.startsWith("第") ? orderHeader : "";
  if (!date) missing.push("date");
  if (issuers.length === 0) missing.push("issuers");
  if (!kind) missing.push("kind");
  const pages = [...new Set(body.map((l) => l.page))].sort((a, b) => a - b);
  return {
    title,
    docNumberPrinted,
    docNumber: docNumberPrinted ? normalizeArchiveDocNumber(numberPrefix + docNumberPrinted) : undefined,
    issuers,
    date,
    dateKind: found.date?.kind,
    datePrinted: found.date?.printed,
    dates: found.dates.map(({ kind, date }) => ({ kind, date })),
    kind,
    text: body.map((l) => l.text).join("\n"),
    pages,
    missing,
  };
}

/** 四川省人民政府令 on one line and 第356号 alone on the next → 四川省人民政府令第356号. */
function orderNumberUnderHeader(head: readonly TextLine[]): string | undefined {
  for (let i = 0; i + 1 < head.length; i++) {
    const header = head[i]!.text.replace(/[\s\u3000]+/g, "");
    if (kindOfTitle(header) !== "令" || docNumberIn(header)) continue;
    const serial = docNumberIn(head[i + 1]!.text);
    if (serial?.replace(/[\s\u3000]+/g, "").startsWith("第")) return header + serial.trim();
  }
  return undefined;
}

/** Text → lines tagged with a page; form feeds (\f) separate pages. */
export function linesOf(text: string, firstPage = 1): TextLine[] {
  const out: TextLine[] = [];
  text.split("\f").forEach((pageText, i) => {
    for (const line of pageText.split("\n")) out.push({ text: line, page: firstPage + i });
  });
  return out;
}

/**
 * The title of one ingested document, as the document prints it: without labels (标题：), markup
 * (#, **), the site's name (…_中国政府网), 【字体：大 中 小】, and joined when a long title is
 * printed over two or three lines. The first real title, not a section heading (第一章 总则, 一、…)
 * or a crawler's marker.
 *
 * Evidence, strongest first: a labelled or record title (标题：, 法規名稱, front matter); a title
 * candidate of the source (meta title, <h1>, a Markdown heading, <title>) that the text prints as
 * a line or as consecutive lines; the first title line of the text (ends in a 文种, see
 * isTitleLine); a candidate that reads as a title; the first line that could be one.
 */
import { dateLine, docNumberIn, isMasthead, isTitleLine, kindOfTitle } from "../segment.js";
import { labelledFields } from "./formats/labels.js";
import { inlineText } from "./formats/markdown.js";
import type { DocumentHints } from "./formats/types.js";

export type TitleSource = "label" | "candidate-in-text" | "text" | "candidate" | "first-line";

export interface TitleChoice {
  readonly title: string;
  readonly source: TitleSource;
}

const HAN_OR_FULL = "\\p{Script=Han}\\u3000-\\u303f\\uff00-\\uffef";
const SPACE_BETWEEN_HAN = new RegExp(
  `(?<=[${HAN_OR_FULL}])[\\s\\u00a0]+|[\\s\\u00a0]+(?=[${HAN_OR_FULL}])`,
  "gu",
);

/** Removes spaces next to Han characters or full-width punctuation, collapses the others. */
export function compact(s: string): string {
  return s
    .replace(SPACE_BETWEEN_HAN, "")
    .replace(/[\s\u00a0]+/g, " ")
    .trim();
}

/** Toolbar groups printed next to titles: 【字体：大 中 小】, 【打印】, [关闭]. */
const TOOLBAR =
  /[【[]\s*(字体|字體|字号|字號)\s*[:：]?\s*大\s*中\s*小\s*[】\]]|(字体|字體|字号|字號)\s*[:：]\s*[【[]?\s*大\s*中\s*小\s*[】\]]?|[【[]\s*(打印|关闭|關閉|列印|收藏|打印本页|关闭窗口|纠错)\s*[】\]]/gu;

/** A title as a source states it → the title as printed. */
export function cleanTitle(raw: string): string {
  let t = inlineText(raw.normalize("NFC")).replace(TOOLBAR, " ");
  t = t.replace(/^\s*#{1,6}\s*/, "");
  const labelled = labelledFields(t);
  if (labelled?.[0]?.field === "title") t = labelled[0].value;
  return compact(t.replace(/^[\s\u3000>*\-·•]+/, ""));
}

/** The pieces of a page title that are not the site's name: 国务院关于…的通知_中国政府网. */
const SITE_PIECE =
  /(网|網|网站|網站|门户|門戶|官网|官網|首页|首頁|频道|頻道|专栏|專欄|专题|專題|平台|平臺|数据库|資料庫|系统|系統|信息公开|資訊公開|政务公开|政務公開|政府信息公开|法规库|法規庫|全国人大|中国人大|gov\.cn|\.com|\.cn|\.tw)$/iu;
const GENERIC =
  /^(正文|内容|內容|全文|目录|目錄|附件\S{0,4}|政策|政策文件|文件|通知公告|通知|公告|法规|法規|政策法规|政策法規|最新文件|信息公开|政府信息公开|首页|首頁|新闻|新聞|详情|詳情|文章|标题|標題|打印|无标题|無標題|untitled|document|index)$/iu;

export function titlePieces(candidate: string): string[] {
  // Site, column and title are also run together with spaces (江西省人民政府 政策文件 …的决定).
  const pieces = candidate
    .split(/\s*(?:_{1,}|\||｜|——|–|--|\s-\s|\s—\s|::|»|«)\s*/)
    .flatMap((p) => {
      const words = p.trim().split(/[\s\u3000]+/);
      return words.length > 1 ? [p, ...words] : [p];
    })
    .map(cleanTitle)
    .filter((p) => [...p].length >= 2 && !GENERIC.test(p));
  const titled = pieces.filter((p) => !SITE_PIECE.test(p));
  return titled.length ? titled : [];
}

function isNotTitle(line: string): boolean {
  return (
    /[。；！？]$|[。；！？].+/.test(line) ||
    !!dateLine(line) ||
    !!docNumberIn(line) ||
    !!labelledFields(line) ||
    /^(第[一二三四五六七八九十百零〇\d]+[条條章节節编編]|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．、])/.test(
      line,
    )
  );
}

const ORG_END =
  /(人民政府|常务委员会|常務委員會|办公厅|辦公廳|办公室|辦公室|委员会|委員會|政府|厅|廳|局|部|院|署|会|會|处|處|中心)$/u;
const CONNECTIVE_END =
  /(的|和|与|與|及|、|在|对|對|关于|關於|为|為|于|於|暨|并|並|印发|印發|转发|轉發|做好|加强|加強|进一步|進一步)$/u;
const CONNECTIVE_START = /^(关于|關於|的|和|与|與|及|暨|并|並|印发|印發|转发|轉發)/u;

/** A line that is only an organisation's name (行政院環境保護署). */
function isOrgLine(line: string): boolean {
  const n = [...line].length;
  return (
    n >= 2 &&
    n <= 20 &&
    ORG_END.test(line) &&
    !isNotTitle(line) &&
    !/[，,：:、]/.test(line) &&
    !kindOfTitle(line)
  );
}

/** Whether `prev` is the first part of `title`, printed on the line above it. */
function joinsAbove(prev: string, title: string): boolean {
  const n = [...prev].length;
  if (n < 2 || n > 40 || isNotTitle(prev) || isTitleLine(prev)) return false;
  if (/[，,：:。]$/.test(prev) || /(文件|公报|公報)$/.test(prev)) return false;
  if ([...prev].length + [...title].length > 90) return false;
  if (/关于|關於|印发|印發|转发|轉發/.test(prev) && !ORG_END.test(prev)) return true;
  if (CONNECTIVE_END.test(prev)) return true;
  if (ORG_END.test(prev)) return /^(关于|關於|印发|印發|转发|轉發)/.test(title);
  return CONNECTIVE_START.test(title);
}

/** The title ending on line `index`, with the parts printed above it joined. */
function joinedTitle(lines: readonly string[], index: number): string {
  let title = lines[index]!;
  let first = index;
  if (kindOfTitle(title) === "令" && [...title].length <= 20) {
    // A joint order's header: each issuer on its own line above the last one's …令.
    while (first > 0 && index - first < 3 && isOrgLine(lines[first - 1]!)) {
      first--;
      title = `${lines[first]!}、${title}`;
    }
    return title;
  }
  while (first > 0 && index - first < 2 && joinsAbove(lines[first - 1]!, title)) {
    first--;
    title = lines[first]! + title;
  }
  const next = lines[index + 1];
  if (next && /^[（(](试行|試行|暂行|暫行|草案|修订|修訂|修正|征求意见稿|徵求意見稿)[)）]$/.test(next))
    title += next;
  return title;
}

/** Where a candidate is printed in the text: a line, or consecutive lines joined. */
function findInText(lines: readonly string[], piece: string): string | undefined {
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === piece) return piece;
    if (!piece.startsWith(lines[i]!) || lines[i]!.length < 2) continue;
    let joined = lines[i]!;
    for (let j = i + 1; j < Math.min(lines.length, i + 3) && piece.startsWith(joined); j++) {
      joined += lines[j]!;
      if (joined === piece) return piece;
    }
  }
  return undefined;
}

/**
 * A stated title cut short (by a crawler, a database column, an ellipsis): the title the text
 * prints that begins with it, when there is one.
 */
function completed(lines: readonly string[], stated: string): string {
  const stem = stated.replace(/(\.{3,}|…+|——)$/, "");
  for (let i = 0; i < lines.length; i++) {
    if (!isTitleLine(lines[i]!)) continue;
    const printed = joinedTitle(lines, i);
    if (printed.length > stem.length && printed.startsWith(stem)) return printed;
  }
  return stem === stated ? stated : stem;
}

/** A first line that can stand as a title: short, no sentence punctuation, not a greeting or a name. */
function isHeadingLike(line: string): boolean {
  const n = [...line].length;
  return (
    n >= 4 &&
    n <= 40 &&
    !isNotTitle(line) &&
    !isMasthead(line) &&
    !/[，,：:、]$/.test(line) &&
    !/^[、，。；：）)」』》]/.test(line) &&
    !GENERIC.test(line) &&
    !isOrgLine(line)
  );
}

/** Lines searched for the title: the first ones, where documents print it. */
const HEAD_LINES = 60;

/** A database's catalogue number after a title (監督寺廟條例(01116)) is not printed with it. */
const CATALOGUE_NUMBER = /[（(][\s0-9A-Za-z._\-/]{2,20}[)）]$/u;

/** Chooses the document's title (see the module comment). */
export function chooseTitle(text: string, hints: DocumentHints): TitleChoice | undefined {
  const choice = chooseTitleAsGiven(text, hints);
  if (!choice) return undefined;
  const title = choice.title.replace(CATALOGUE_NUMBER, "").trim();
  return title ? { ...choice, title } : undefined;
}

function chooseTitleAsGiven(text: string, hints: DocumentHints): TitleChoice | undefined {
  const lines = text
    .split("\n")
    .map((l) => compact(l.replace(TOOLBAR, " ")))
    .filter((l) => l !== "")
    .slice(0, HEAD_LINES);
  if (hints.title) {
    const t = cleanTitle(hints.title);
    if (t) return { title: completed(lines, t), source: "label" };
  }
  const pieces = (hints.titleCandidates ?? []).flatMap(titlePieces);
  for (const piece of pieces) {
    const found = findInText(lines, piece);
    if (found && !isNotTitle(found)) return { title: found, source: "candidate-in-text" };
  }
  for (let i = 0; i < lines.length; i++) {
    if (isTitleLine(lines[i]!)) return { title: joinedTitle(lines, i), source: "text" };
  }
  const titled = pieces.find((p) => kindOfTitle(p) && !isNotTitle(p) && !isMasthead(p));
  if (titled) return { title: titled, source: "candidate" };
  // A plain text whose first line is short and reads as a heading (a title with no 文种 word).
  const first = lines.slice(0, 2).find(isHeadingLike);
  if (first) return { title: first, source: "first-line" };
  const any = pieces.find((p) => [...p].length >= 4 && !isMasthead(p));
  return any ? { title: any, source: "candidate" } : undefined;
}

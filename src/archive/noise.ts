/**
 * Stage "clean" of text ingests: scraped web pages of old documents → the document's own text.
 *
 * Reads: the submitted text or HTML. Writes: plain text, one paragraph per line.
 *
 * HTML is read by ingest/formats/html.ts (navigation-like elements dropped whole). What is left,
 * and plain-text ingests, go through a line filter that removes the usual scrape debris:
 * 打印本页/关闭窗口, 【字体：大 中 小】, share bars, breadcrumbs (首页 > …), menus (a row of short
 * words), page counters, copyright/ICP/footer lines, related-document lists at the end of a page,
 * and spam lines (URLs, gambling, invoices for sale).
 */
import { normalizeText } from "../documents/text.js";
import { htmlToText, looksLikeHtml } from "./ingest/formats/html.js";

export { htmlToText, looksLikeHtml };

/** Whole lines that are scrape debris (after trimming). */
const NOISE_LINES: readonly RegExp[] = [
  /打印本页|关闭窗口|关闭本页|打印此页|打印本頁|關閉窗口|關閉視窗|列印本頁|【\s*(打印|关闭|關閉|列印|收藏|纠错|我要纠错|打印本页|关闭窗口)\s*】/,
  /^.{0,30}(责任编辑|責任編輯)\s*[:：].{0,20}$/,
  /^[【[]?\s*(打印|关闭|收藏|纠错|我要纠错|列印|關閉|分享|返回|顶部|置顶)\s*[】\]]?(\s+[【[]?\s*(打印|关闭|收藏|纠错|我要纠错|列印|關閉|分享|返回|顶部|置顶)\s*[】\]]?)*$/,
  /(字体|字體|字号|字號)\s*[:：]?\s*[【[]?\s*大\s*中\s*小/,
  /^(分享到|分享至|扫一扫|微信扫一扫|用手机扫|转发到|掃一掃|分享給|手机扫码|扫码|微信公众号|官方微博|官方微信)/,
  /^(当前位置|您现在的位置|你的位置|您的位置|所在位置|您所在的位置|你现在的位置|目前位置|現在位置|您現在的位置)\s*[:：]?/,
  /^(首页|首頁|网站首页|主页)\s*[>＞›»/→]/,
  /^(?:[^>＞›»。；！？]{1,20}[>＞›»]){2,}[^>＞›»。；！？]{0,30}$/,
  /^(上一篇|下一篇|上一条|下一条|上一頁|下一頁|返回顶部|返回首页|回到顶部|网站地图|联系我们|无障碍|English|手机版|长者模式|登录|注册)\s*[:：]?/,
  /(浏览次数|访问量|阅读次数|点击数|点击率|瀏覽次數|閱讀次數|點閱次數|阅读量)\s*[:：]\s*\d*/,
  /^[【[]?\s*(责任编辑|責任編輯|编辑|編輯|来源|來源|发布时间|發布時間|信息来源|資料來源|稿件来源|作者|供稿)\s*[:：]/,
  /版权所有|版權所有|ICP备|ICP證|ICP证|公网安备|公網安備|网站标识码|網站標識碼|主办单位[:：]|承办单位[:：]|技术支持[:：]|主办[:：]|承办[:：]|copyright|©/i,
  /^(地址|通讯地址|邮编|郵遞區號|电话|電話|传真|傳真)\s*[:：].{0,60}(邮编|电话|電話|传真|傳真|邮箱|信箱)\s*[:：]/,
  /^(第\s*\d+\s*页\s*)?共\s*\d+\s*[页頁]|^\[?\s*\d+\s*\]?\s*\/\s*\d+\s*[页頁]?$/,
  /https?:\/\/|www\.[a-z0-9-]+\.[a-z]/i,
  /(博彩|娱乐城|赌场|百家乐|六合彩|时时彩|代开发票|代开.{0,4}发票|发票代开|办证|刷单|兼职日结|加微信|加QQ|澳门.{0,4}(赌|娱乐)|娛樂城|百家樂)/,
];

/** A heading that starts a list of related documents at the end of a page. */
const RELATED_HEADING =
  /^[【[]?\s*(相关文件|相关链接|相关阅读|相关新闻|相关稿件|相关附件|相关政策|相关解读|相关信息|延伸阅读|热点推荐|猜你喜欢|推荐阅读|热门文章|最新文章|相關文件|相關連結|相關新聞|相關閱讀|延伸閱讀)\s*[】\]]?\s*[:：]?$/;

/** Menu rows: several short words separated by spaces or bars, nothing sentence-like. */
function isMenuRow(line: string): boolean {
  if (/[。，；：！？、]/.test(line)) return false;
  const words = line.split(/\s*[|｜·•]\s*|\s{1,}|\u3000+/).filter((w) => w.length > 0);
  if (words.length < 4) return false;
  // Letter-spaced headings (第 一 章 總綱, 几 个 问 题 的 通 知) are words of one character.
  if (words.filter((w) => [...w].length === 1).length > 1) return false;
  return words.every((w) => [...w].length <= 6);
}

function isNoiseLine(line: string): boolean {
  return NOISE_LINES.some((re) => re.test(line)) || isMenuRow(line);
}

/**
 * Removes debris lines: each line is trimmed, noise lines dropped, a related-documents list in the
 * last part of the text cut with everything after it, blank lines collapsed.
 */
export function stripNoiseLines(lines: readonly string[]): string[] {
  const trimmed = lines.map((l) => l.replace(/^[\s\u3000]+|[\s\u3000]+$/g, ""));
  let end = trimmed.length;
  const nonEmpty = trimmed.filter((l) => l !== "").length;
  let seen = 0;
  for (let i = 0; i < trimmed.length; i++) {
    if (trimmed[i] === "") continue;
    seen++;
    if (seen > nonEmpty * 0.5 && RELATED_HEADING.test(trimmed[i]!)) {
      end = i;
      break;
    }
  }
  const kept: string[] = [];
  for (const line of trimmed.slice(0, end)) {
    if (line === "") {
      if (kept.length && kept[kept.length - 1] !== "") kept.push("");
      continue;
    }
    if (isNoiseLine(line)) continue;
    kept.push(line);
  }
  while (kept.length && kept[0] === "") kept.shift();
  while (kept.length && kept[kept.length - 1] === "") kept.pop();
  return kept;
}

/**
 * Removes scrape debris from text (or HTML, detected) and returns the cleaned text: blank lines
 * collapsed, leading/trailing blank lines removed, each line trimmed of surrounding spaces.
 */
export function stripScrapeNoise(input: string): string {
  const text = looksLikeHtml(input) ? htmlToText(input) : input;
  return stripNoiseLines(normalizeText(text).split("\n")).join("\n");
}

/**
 * Stage "clean" of text ingests: scraped web pages of old documents → the document's own text.
 *
 * Reads: the submitted text or HTML. Writes: plain text, one paragraph per line.
 *
 * HTML is parsed with htmlparser2; navigation-like elements (nav, header, footer, aside, form,
 * script, style, and elements whose class or id says menu/nav/breadcrumb/share/footer/…) are
 * dropped whole. What is left, and plain-text ingests, go through a line filter that removes the
 * usual scrape debris: 打印本页/关闭窗口, 【字体：大 中 小】, share buttons, breadcrumbs
 * (首页 > …), menus (a row of short words), page counters, copyright and ICP lines, and spam
 * lines (URLs, gambling, invoices for sale).
 */
import { Parser } from "htmlparser2";
import { normalizeText } from "../documents/text.js";

const DROPPED_ELEMENTS = new Set([
  "script",
  "style",
  "noscript",
  "nav",
  "header",
  "footer",
  "aside",
  "form",
  "button",
  "select",
  "iframe",
  "svg",
  "template",
  "head",
]);

const NOISY_CLASS =
  /(^|[\s_-])(nav|navbar|menu|breadcrumb|crumb|share|bdshare|social|footer|header|sidebar|toolbar|print|pager|pagination|related|ad|ads|banner|copyright|position|location)([\s_-]|$)/i;

const BLOCK_ELEMENTS = new Set([
  "p",
  "div",
  "br",
  "li",
  "tr",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "table",
  "section",
  "article",
  "blockquote",
  "pre",
  "dd",
  "dt",
  "ul",
  "ol",
  "hr",
]);

const VOID_ELEMENTS = new Set(["br", "hr", "img", "input", "meta", "link", "area", "base", "col", "wbr"]);

/** True when the text looks like HTML rather than plain text. */
export function looksLikeHtml(text: string): boolean {
  return /<(html|body|div|p|br|span|table|td|a|h[1-6])[\s>/]/i.test(text.slice(0, 20_000));
}

/** HTML → text with one line per block element; navigation-like elements are dropped whole. */
export function htmlToText(html: string): string {
  const out: string[] = [];
  // Depth of dropped elements we are inside (their whole subtree is skipped).
  const stack: boolean[] = [];
  let dropping = 0;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        const noisy =
          DROPPED_ELEMENTS.has(name) ||
          NOISY_CLASS.test(attributes.class ?? "") ||
          NOISY_CLASS.test(attributes.id ?? "") ||
          attributes.role === "navigation";
        if (BLOCK_ELEMENTS.has(name)) out.push("\n");
        if (VOID_ELEMENTS.has(name)) return;
        stack.push(noisy);
        if (noisy) dropping++;
      },
      ontext(text) {
        if (dropping === 0) out.push(text.replace(/[ \t\r\n]+/g, " "));
      },
      onclosetag(name) {
        if (VOID_ELEMENTS.has(name)) return;
        const noisy = stack.pop();
        if (noisy) dropping--;
        if (BLOCK_ELEMENTS.has(name)) out.push("\n");
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  return out.join("");
}

/** Whole lines that are scrape debris (after trimming). */
const NOISE_LINES: readonly RegExp[] = [
  /打印本页|关闭窗口|关闭本页|打印此页|【\s*打印\s*】|【\s*关闭\s*】/,
  /字体[:：]?\s*[【[]?\s*大\s*中\s*小/,
  /^(分享到|分享至|扫一扫|微信扫一扫|用手机扫|转发到)/,
  /^(当前位置|您现在的位置|你的位置|您的位置|所在位置)[:：]/,
  /^首页\s*[>＞›»/]/,
  /^(上一篇|下一篇|上一条|下一条|返回顶部|返回首页|网站地图|联系我们|无障碍|English)[:：]?/,
  /(浏览次数|访问量|阅读次数|点击数|点击率)[:：]\s*\d*/,
  /^(责任编辑|来源|发布时间|信息来源|作者)[:：]/,
  /版权所有|ICP备|ICP证|公网安备|网站标识码|主办单位[:：]|承办单位[:：]|技术支持[:：]/,
  /https?:\/\/|www\.[a-z0-9-]+\.[a-z]/i,
  /(博彩|娱乐城|赌场|百家乐|六合彩|时时彩|代开发票|代开.{0,4}发票|发票代开|办证|刷单|兼职日结|加微信|加QQ|澳门.{0,4}(赌|娱乐))/,
];

/** Menu rows: several short words separated by spaces or bars, nothing sentence-like. */
function isMenuRow(line: string): boolean {
  if (/[。，；：！？、]/.test(line)) return false;
  const words = line.split(/\s*[|｜·•]\s*|\s{1,}|\u3000+/).filter((w) => w.length > 0);
  if (words.length < 4) return false;
  return words.every((w) => [...w].length <= 6);
}

function isNoiseLine(line: string): boolean {
  return NOISE_LINES.some((re) => re.test(line)) || isMenuRow(line);
}

/**
 * Removes scrape debris from text (or HTML, detected) and returns the cleaned text: blank lines
 * collapsed, leading/trailing blank lines removed, each line trimmed of surrounding spaces.
 */
export function stripScrapeNoise(input: string): string {
  const text = looksLikeHtml(input) ? htmlToText(input) : input;
  const lines = normalizeText(text)
    .split("\n")
    .map((l) => l.replace(/^[\s\u3000]+|[\s\u3000]+$/g, ""));
  const kept: string[] = [];
  for (const line of lines) {
    if (line === "") {
      if (kept.length && kept[kept.length - 1] !== "") kept.push("");
      continue;
    }
    if (isNoiseLine(line)) continue;
    kept.push(line);
  }
  while (kept.length && kept[kept.length - 1] === "") kept.pop();
  return kept.join("\n");
}

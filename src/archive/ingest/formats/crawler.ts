/**
 * Crawler notes: what a scraper writes around the page text it saved — a header of fields (URL:,
 * 抓取时间：, 来源：, Title:, 标题：), separator lines (=====, -----, ***), section markers
 * (=== 正文 ===, 【正文】, [content]) and sometimes a footer of the same. The fields become hints
 * (through the labelled-field reader for Chinese labels); separators and markers are dropped so
 * that a marker is never taken for the document's title.
 */
import type { HintCollector } from "./labels.js";

/** English header keys crawlers write, with the field they hold. */
const ENGLISH_KEYS: Readonly<Record<string, "url" | "title" | "date" | "ignored">> = {
  url: "url",
  link: "url",
  source: "ignored",
  "source url": "url",
  "page url": "url",
  title: "title",
  "page title": "ignored",
  date: "date",
  published: "date",
  "publish date": "date",
  "crawled at": "ignored",
  "crawl time": "ignored",
  "fetched at": "ignored",
  fetched: "ignored",
  crawled: "ignored",
  "scraped at": "ignored",
  encoding: "ignored",
  charset: "ignored",
  "content-type": "ignored",
  status: "ignored",
  id: "ignored",
};

const ENGLISH_FIELD = new RegExp(
  `^\\s*[\\[【]?\\s*(${Object.keys(ENGLISH_KEYS)
    .sort((a, b) => b.length - a.length)
    .join("|")})\\s*[\\]】]?\\s*[:：=]\\s*(.*)$`,
  "i",
);

const CHINESE_CRAWL_KEYS =
  /^\s*[[【]?\s*(抓取时间|抓取時間|采集时间|採集時間|爬取时间|爬取時間|抓取日期|采集日期|原文链接|原文地址|原文網址|来源网址|來源網址|来源网站|來源網站|网页地址|網頁地址|来源|來源|网址|網址|链接|鏈接)\s*[\]】]?\s*[:：]/;

/** A separator line or a section marker (=== 正文 ===, 【正文】, [content], ---- 第1页 ----). */
export function isCrawlerMarker(line: string): boolean {
  const t = line.trim();
  if (/^[=\-*#~_+<>]{3,}$/.test(t)) return true;
  if (/^[=\-*#~_+<>]{2,}\s*[^=\-*#~_+<>]{0,16}?\s*[=\-*#~_+<>]{2,}$/.test(t)) return true;
  if (
    /^[[【(（<]\s*(正文|内容|內容|全文|正文内容|正文開始|正文开始|正文结束|正文結束|content|body|text|begin|end|page\s*\d+|第\s*\d+\s*页)\s*[\]】)）>]$/i.test(
      t,
    )
  )
    return true;
  if (/^(正文|内容|內容|正文内容)\s*[:：]$/.test(t)) return true;
  return false;
}

/** True when the first lines of a text read as a crawler's header. */
export function looksLikeCrawlerNote(text: string): boolean {
  const first = text
    .split("\n", 40)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 12);
  let fields = 0;
  let markers = 0;
  for (const line of first) {
    if (ENGLISH_FIELD.test(line) || CHINESE_CRAWL_KEYS.test(line) || /^https?:\/\/\S+$/.test(line)) fields++;
    else if (isCrawlerMarker(line)) markers++;
  }
  return fields >= 2 || (fields >= 1 && markers >= 1);
}

/**
 * Takes a crawler's header fields and markers out of the lines: English fields are read here,
 * Chinese ones are left to the labelled-field reader, bare URLs and markers are dropped.
 */
export function readCrawlerLines(lines: readonly string[], hints: HintCollector): string[] {
  const kept: string[] = [];
  for (const line of lines) {
    const t = line.trim();
    if (isCrawlerMarker(t)) continue;
    if (/^https?:\/\/\S+$/.test(t)) {
      hints.url ??= t;
      continue;
    }
    const m = ENGLISH_FIELD.exec(t);
    if (m) {
      const field = ENGLISH_KEYS[m[1]!.toLowerCase()];
      if (field === "title") hints.add("title", m[2]!);
      else if (field === "url") hints.add("url", m[2]!);
      else if (field === "date") hints.add("date", m[2]!, "published");
      continue;
    }
    if (CHINESE_CRAWL_KEYS.test(t) && !/^\s*[[【]?\s*(来源|來源)\s*[\]】]?\s*[:：]/.test(t)) {
      const value = t.replace(CHINESE_CRAWL_KEYS, "").trim();
      if (/^https?:\/\//.test(value)) hints.url ??= value;
      continue;
    }
    kept.push(line);
  }
  return kept;
}

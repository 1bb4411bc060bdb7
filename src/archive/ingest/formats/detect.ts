/**
 * Which format a submitted text is in. JSON is tried first (it must parse), then HTML (a page or
 * a fragment with several tags), then a crawler's note (a header of URL/抓取时间/来源 fields and
 * separators), then Markdown (headings, front matter, tables, inline marks); anything else is
 * plain text.
 */
import { looksLikeCrawlerNote } from "./crawler.js";
import { looksLikeHtml } from "./html.js";
import { parseJson } from "./json.js";
import { looksLikeMarkdown } from "./markdown.js";
import type { SourceFormat } from "./types.js";

export function detectFormat(text: string): SourceFormat {
  if (parseJson(text) !== undefined) return "json";
  if (looksLikeHtml(text)) return "html";
  if (/^\uFEFF?(---|\+\+\+)[ \t]*\n[\s\S]*?\n(---|\+\+\+)[ \t]*(\n|$)/.test(text)) return "markdown";
  if (looksLikeCrawlerNote(text)) return "crawler";
  if (looksLikeMarkdown(text)) return "markdown";
  return "text";
}

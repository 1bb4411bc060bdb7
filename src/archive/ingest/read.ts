/**
 * Stage "read" of text ingests: one submitted text → the documents in it, each as clean text and
 * the metadata its source states (hints). Pure; no storage.
 *
 * 1. Detect the format (formats/detect.ts): JSON records, HTML pages and fragments, crawler
 *    notes, Markdown, plain text.
 * 2. Take the format's markup apart (formats/*.ts): HTML → lines and title candidates; Markdown →
 *    lines, headings and front matter; JSON → one document per record, fields mapped; crawler
 *    notes → header fields and markers taken out.
 * 3. Labelled fields (标题：, 发文字号：, 发布日期：, 索引号： …) become hints, not text.
 * 4. Scrape debris (menus, breadcrumbs, share/print bars, footers, ICP lines, related lists,
 *    spam) is removed (noise.ts).
 */
import { normalizeText } from "../../documents/text.js";
import { stripNoiseLines } from "../noise.js";
import { isCrawlerMarker, looksLikeCrawlerNote, readCrawlerLines } from "./formats/crawler.js";
import { detectFormat } from "./formats/detect.js";
import { readHtml } from "./formats/html.js";
import {
  DEFAULT_FIELD_MAPPING,
  type FieldMapping,
  type FieldMappingOverride,
  readJson,
  withOverride,
} from "./formats/json.js";
import { extractLabelledLines, HintCollector, type LabelField } from "./formats/labels.js";
import { looksLikeMarkdown, readMarkdown } from "./formats/markdown.js";
import type { DateKind, ReadDocument, SourceFormat } from "./formats/types.js";

export type { DocumentHints, ReadDocument, SourceFormat } from "./formats/types.js";

export interface ReadOptions {
  /** JSON field names to use before the defaults (per request, or from the environment). */
  readonly fields?: FieldMappingOverride | undefined;
}

/** Front-matter keys (and English crawler keys) → labelled fields. */
function frontMatterField(
  key: string,
  mapping: FieldMapping,
): { field: LabelField; dateKind?: DateKind } | undefined {
  const k = key.toLowerCase().replace(/[\s_-]+/g, "");
  const has = (names: readonly string[]) => names.some((n) => n.toLowerCase().replace(/[\s_-]+/g, "") === k);
  if (has(mapping.title)) return { field: "title" };
  if (has(mapping.docNumber)) return { field: "docNumber" };
  if (has(mapping.issuers)) return { field: "issuer" };
  if (has(mapping.kind)) return { field: "kind" };
  if (has(mapping.url)) return { field: "url" };
  for (const [name, dateKind] of Object.entries(mapping.dates))
    if (name.toLowerCase().replace(/[\s_-]+/g, "") === k) return { field: "date", dateKind };
  return undefined;
}

function finish(format: SourceFormat, lines: readonly string[], hints: HintCollector): ReadDocument {
  // Table cells left after the labelled fields are read stand on lines of their own: a layout
  // table's heading cell (行政院令) is not joined to the date cell beside it.
  const labelled = extractLabelledLines(lines, hints).flatMap((l) => l.split("\t"));
  const crawled = labelled.filter((l) => !isCrawlerMarker(l));
  return { format, text: stripNoiseLines(crawled).join("\n"), hints: hints.hints() };
}

/** Reads a submitted text into its documents (one, except for JSON holding several records). */
export function readDocuments(raw: string, options: ReadOptions = {}): ReadDocument[] {
  const input = normalizeText(raw);
  const mapping = withOverride(DEFAULT_FIELD_MAPPING, options.fields);
  const format = detectFormat(input);
  const hints = new HintCollector();
  switch (format) {
    case "json": {
      const records = readJson(input, mapping) ?? [];
      return records
        .map((r) => {
          // Record bodies may still carry labels and debris (scraped into the database).
          const collector = new HintCollector();
          const doc = finish("json", r.text.split("\n"), collector);
          const own = collector.hints();
          return {
            format: "json" as const,
            text: doc.text,
            hints: {
              ...r.hints,
              title: r.hints.title ?? own.title,
              docNumberPrinted: r.hints.docNumberPrinted ?? own.docNumberPrinted,
              dates: [...(r.hints.dates ?? []), ...(own.dates ?? [])],
              issuers: r.hints.issuers ?? own.issuers,
              kind: r.hints.kind ?? own.kind,
            },
          };
        })
        .filter((d) => d.text !== "" || d.hints.title);
    }
    case "html": {
      const page = readHtml(input);
      hints.titleCandidates.push(...page.titleCandidates);
      let lines = normalizeText(page.text).split("\n");
      if (looksLikeCrawlerNote(page.text)) lines = readCrawlerLines(lines, hints);
      return [finish("html", lines, hints)];
    }
    case "markdown":
      return [readMarkdownDocument(input, mapping, hints)];
    case "crawler": {
      const lines = readCrawlerLines(input.split("\n"), hints);
      const rest = lines.join("\n");
      if (looksLikeMarkdown(rest)) return [readMarkdownDocument(rest, mapping, hints, "crawler")];
      return [finish("crawler", lines, hints)];
    }
    case "text":
      return [finish("text", input.split("\n"), hints)];
  }
}

function readMarkdownDocument(
  input: string,
  mapping: FieldMapping,
  hints: HintCollector,
  format: SourceFormat = "markdown",
): ReadDocument {
  const md = readMarkdown(input);
  for (const { key, value } of md.frontMatter) {
    const f = frontMatterField(key, mapping);
    if (f) hints.add(f.field, value, f.dateKind);
  }
  const headings = [...md.headings].sort((a, b) => a.level - b.level);
  hints.titleCandidates.push(...headings.map((h) => h.text));
  let lines = [...md.lines];
  if (looksLikeCrawlerNote(lines.join("\n"))) lines = readCrawlerLines(lines, hints);
  return finish(format, lines, hints);
}

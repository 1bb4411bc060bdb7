/**
 * What the format readers of the text-ingest stage hand to segmentation: the document's own text
 * (markup, labels and scrape debris removed) and the metadata its source states outright.
 */

/** The source formats a back catalogue comes in. */
export type SourceFormat = "html" | "markdown" | "json" | "crawler" | "text";

import type { DateKind } from "../../../documents/dates.js";

/** Which date a date is: 成文日期, 发布/公布, 修正/修订, 通过, 施行 (the shared date vocabulary). */
export type { DateKind };

export interface DateHint {
  readonly kind: DateKind;
  /** YYYY-MM-DD, a real calendar date. */
  readonly value: string;
  /** The value as printed. */
  readonly printed: string;
}

/**
 * Metadata stated by the source (a labelled field, a record field, front matter, a page's
 * <title>): used in preference to what segmentation guesses from the text.
 */
export interface DocumentHints {
  /** The title as a label or record field states it (标题：…, 法規名稱, front matter). */
  readonly title?: string | undefined;
  /**
   * Weaker title evidence, strongest first: a page's meta title, <h1>, a Markdown heading, the
   * page's <title> (which usually carries the site's name). Checked against the text.
   */
  readonly titleCandidates?: readonly string[] | undefined;
  /** 发文字号 exactly as the label or field gives it. */
  readonly docNumberPrinted?: string | undefined;
  readonly dates?: readonly DateHint[] | undefined;
  readonly issuers?: readonly string[] | undefined;
  /** 文种 or a database's 法規性質 as stated. */
  readonly kind?: string | undefined;
  /** 索引号 of a 信息公开 page: an index entry, not a 发文字号. */
  readonly indexNumber?: string | undefined;
  /** 主题分类 / 主題分類. */
  readonly subject?: string | undefined;
  /** The page's address, from a crawler note or a record. */
  readonly url?: string | undefined;
}

/** One document read from a submitted text. */
export interface ReadDocument {
  readonly format: SourceFormat;
  /** Plain text, one paragraph per line, no markup, labels or debris. */
  readonly text: string;
  readonly hints: DocumentHints;
}

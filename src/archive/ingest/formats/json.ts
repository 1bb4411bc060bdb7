/**
 * JSON records from law databases → documents. A submitted text may be one record, an array of
 * records, or records nested under other keys ({"Laws": [...]}, {"data": {"list": [...]}}). A record
 * is an object with a field mapped to the title. Fields are mapped by name (see
 * DEFAULT_FIELD_MAPPING, overridable per request and by GAZETTE_ARCHIVE_JSON_FIELDS); the body is
 * built from the mapped body fields, article arrays read in order. A record is never indexed as
 * raw JSON.
 */
import { type FieldMappingOverride, fieldMappingSchema } from "./field-mapping.js";
import { htmlToText, looksLikeHtml } from "./html.js";
import { HintCollector, labelledDate, splitIssuers } from "./labels.js";
import type { DateKind, ReadDocument } from "./types.js";

/** Which record fields hold what. Names compare case-insensitively, ignoring spaces and _ -. */
export interface FieldMapping {
  readonly title: readonly string[];
  readonly docNumber: readonly string[];
  readonly issuers: readonly string[];
  readonly kind: readonly string[];
  /** Body fields: a string, an array of strings, or an array of articles (objects). */
  readonly body: readonly string[];
  /** History or foreword lines printed under the title (沿革, 前言), kept as text. */
  readonly history: readonly string[];
  readonly url: readonly string[];
  /** Date fields and the kind of date each holds. */
  readonly dates: Readonly<Record<string, DateKind>>;
  /** Inside an article object: its number and its text. */
  readonly articleNumber: readonly string[];
  readonly articleText: readonly string[];
}

export const DEFAULT_FIELD_MAPPING: FieldMapping = {
  title: [
    "法規名稱",
    "法规名称",
    "法律名稱",
    "法律名称",
    "標題",
    "标题",
    "題目",
    "题目",
    "名稱",
    "名称",
    "文件名稱",
    "文件名称",
    "LawName",
    "law_name",
    "title",
    "name",
    "doc_title",
    "headline",
  ],
  docNumber: [
    "發文字號",
    "发文字号",
    "發布文號",
    "发布文号",
    "文號",
    "文号",
    "字號",
    "字号",
    "docNumber",
    "doc_no",
    "document_number",
    "number",
    "wenhao",
  ],
  issuers: [
    "發文機關",
    "发文机关",
    "發布機關",
    "发布机关",
    "制定機關",
    "制定机关",
    "頒布機關",
    "颁布机关",
    "issuer",
    "issuers",
    "office",
    "publisher",
    "department",
    "agency",
  ],
  kind: ["文種", "文种", "公文種類", "公文种类", "法規性質", "法规性质", "LawLevel", "kind", "doc_type"],
  body: [
    "法規內容",
    "法规内容",
    "條文",
    "条文",
    "正文",
    "內容",
    "内容",
    "全文",
    "LawArticles",
    "articles",
    "content",
    "contents",
    "body",
    "text",
    "full_text",
    "fulltext",
  ],
  history: ["沿革內容", "沿革内容", "沿革", "前言", "LawHistories", "LawForeword", "history", "foreword"],
  url: ["法規網址", "法规网址", "網址", "网址", "LawURL", "url", "link", "source_url"],
  dates: {
    成文日期: "written",
    發布日期: "published",
    发布日期: "published",
    公布日期: "published",
    頒布日期: "published",
    颁布日期: "published",
    發文日期: "published",
    发文日期: "published",
    修正日期: "amended",
    修訂日期: "amended",
    修订日期: "amended",
    最新異動日期: "amended",
    最新异动日期: "amended",
    LawModifiedDate: "amended",
    通過日期: "adopted",
    通过日期: "adopted",
    施行日期: "effective",
    實施日期: "effective",
    实施日期: "effective",
    生效日期: "effective",
    LawEffectiveDate: "effective",
    expiry: "effective",
    passed_date: "adopted",
    enactment_date: "published",
    promulgation_date: "published",
    amendment_date: "amended",
    enforcement_date: "effective",
    effective_date: "effective",
    publish: "published",
    publish_date: "published",
    pubDate: "published",
    published: "published",
    date: "published",
  },
  articleNumber: [
    "ArticleNo",
    "articleNumber",
    "article_no",
    "編章節",
    "编章节",
    "條號",
    "条号",
    "條次",
    "条次",
    "no",
    "number",
    "num",
    "title",
  ],
  articleText: ["ArticleContent", "條文內容", "条文内容", "內容", "内容", "content", "text", "body"],
};

export { type FieldMappingOverride, fieldMappingSchema } from "./field-mapping.js";

/** The default mapping with an override's names put first. */
export function withOverride(base: FieldMapping, override: FieldMappingOverride | undefined): FieldMapping {
  if (!override) return base;
  const merge = (a: readonly string[] | undefined, b: readonly string[]) => [
    ...new Set([...(a ?? []), ...b]),
  ];
  return {
    title: merge(override.title, base.title),
    docNumber: merge(override.docNumber, base.docNumber),
    issuers: merge(override.issuers, base.issuers),
    kind: merge(override.kind, base.kind),
    body: merge(override.body, base.body),
    history: merge(override.history, base.history),
    url: merge(override.url, base.url),
    dates: {
      ...(override.dates ?? {}),
      ...Object.fromEntries(
        Object.entries(base.dates).filter(([k]) => !(override.dates && k in override.dates)),
      ),
    },
    articleNumber: merge(override.articleNumber, base.articleNumber),
    articleText: merge(override.articleText, base.articleText),
  };
}

/** Two overrides as one, the first's names before the second's. */
export function mergeOverrides(
  first: FieldMappingOverride | undefined,
  second: FieldMappingOverride | undefined,
): FieldMappingOverride | undefined {
  if (!first || !second) return first ?? second;
  const out: Record<string, unknown> = { ...second };
  for (const [key, value] of Object.entries(first)) {
    const other = (second as Record<string, unknown>)[key];
    out[key] = Array.isArray(value)
      ? [...new Set([...value, ...((other as string[] | undefined) ?? [])])]
      : { ...((other as object | undefined) ?? {}), ...(value as object) };
  }
  return out as FieldMappingOverride;
}

/**
 * The mapping configured by the environment (GAZETTE_ARCHIVE_JSON_FIELDS, a JSON object shaped as
 * a request's `fields`). Throws a clear error naming the variable when it is malformed.
 */
export function fieldMappingFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): FieldMappingOverride | undefined {
  const raw = env.GAZETTE_ARCHIVE_JSON_FIELDS;
  if (!raw?.trim()) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error("GAZETTE_ARCHIVE_JSON_FIELDS is not valid JSON");
  }
  const result = fieldMappingSchema.safeParse(parsed);
  if (!result.success)
    throw new Error(
      `GAZETTE_ARCHIVE_JSON_FIELDS: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  return result.data;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const keyOf = (k: string) => k.toLowerCase().replace(/[\s_-]+/g, "");

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The first present, non-empty field among `wanted` (in the mapping's order). */
function field(record: JsonObject, wanted: readonly string[]): { key: string; value: Json } | undefined {
  const byKey = new Map(Object.keys(record).map((k) => [keyOf(k), k]));
  for (const w of wanted) {
    const key = byKey.get(keyOf(w));
    if (key === undefined) continue;
    const value = record[key];
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0))
      continue;
    return { key, value };
  }
  return undefined;
}

function scalar(v: Json): string | undefined {
  if (typeof v === "string") return v.trim() || undefined;
  if (typeof v === "number") return String(v);
  return undefined;
}

/**
 * A title field's text: a string, or the first of a list of names (a law renamed over time lists
 * its current name first), given as strings or as objects with a name.
 */
function titleValue(value: Json, mapping: FieldMapping): string | undefined {
  if (typeof value === "string") return value.trim() || undefined;
  if (Array.isArray(value) && value.length) {
    const first = value[0]!;
    if (typeof first === "string") return first.trim() || undefined;
    if (isObject(first)) {
      const inner = field(first, mapping.title);
      return inner && typeof inner.value === "string" ? inner.value.trim() || undefined : undefined;
    }
  }
  return undefined;
}

/** True when the value is a record under the mapping: an object with a title. */
function isRecord(v: Json, mapping: FieldMapping): v is JsonObject {
  if (!isObject(v)) return false;
  const t = field(v, mapping.title);
  return t !== undefined && titleValue(t.value, mapping) !== undefined;
}

/** Every record in a parsed value, depth first, in order. */
export function findRecords(value: Json, mapping: FieldMapping, depth = 0): JsonObject[] {
  if (depth > 6) return [];
  if (isRecord(value, mapping)) return [value];
  if (Array.isArray(value)) return value.flatMap((v) => findRecords(v, mapping, depth + 1));
  if (isObject(value)) return Object.values(value).flatMap((v) => findRecords(v, mapping, depth + 1));
  return [];
}

function textOf(s: string): string[] {
  const t = looksLikeHtml(s) ? htmlToText(s) : s;
  return t.split(/\r?\n/).map((l) => l.trim());
}

/**
 * A history field's lines with a database's hard wraps undone: a line that starts with spaces and
 * no date of its own continues the one above (…第 6006\r\n  號令修正公布 → …第 6006號令修正公布);
 * a numbered or dated line starts a new step.
 */
export function unwrapHistory(s: string): string[] {
  const out: string[] = [];
  for (const raw of (looksLikeHtml(s) ? htmlToText(s) : s).split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const continues =
      out.length > 0 &&
      /^[\s\u3000]/u.test(raw) &&
      !/^(?:\d{1,3}[.．、]|中華民國|中华民国|民國|民国|[0-9０-９]{4}[\s\u3000]*年)/u.test(line);
    if (continues) out[out.length - 1] += line;
    else out.push(line);
  }
  return out;
}

/** Body lines from a body field: a string, strings, articles (objects) or nested chapters. */
function bodyLines(value: Json, mapping: FieldMapping, depth = 0): string[] {
  if (depth > 6 || value === null) return [];
  if (typeof value === "string") return textOf(value);
  if (typeof value === "number" || typeof value === "boolean") return [];
  if (Array.isArray(value)) return value.flatMap((v) => bodyLines(v, mapping, depth + 1));
  const text = field(value, mapping.articleText);
  const number = field(
    value,
    mapping.articleNumber.filter((n) => !mapping.articleText.includes(n)),
  );
  const lines: string[] = [];
  if (text && (typeof text.value === "string" || typeof text.value === "number")) {
    const head = number ? scalar(number.value) : undefined;
    const content = textOf(String(text.value));
    if (head && content.length && !content[0]!.startsWith(head)) content[0] = `${head}\u3000${content[0]}`;
    else if (head && content.length === 0) content.push(head);
    lines.push(...content);
  } else if (number && typeof number.value === "string") {
    lines.push(number.value.trim());
  }
  // Nested articles of a chapter, under any body field.
  const nested = field(value, mapping.body);
  if (nested && nested !== text && (Array.isArray(nested.value) || isObject(nested.value)))
    lines.push(...bodyLines(nested.value, mapping, depth + 1));
  return lines;
}

/** One record → a document: text (title, history, body) and the fields as hints. */
export function readRecord(record: JsonObject, mapping: FieldMapping): ReadDocument {
  const hints = new HintCollector();
  const used = new Set<string>();
  const take = (wanted: readonly string[]) => {
    const f = field(record, wanted);
    if (f) used.add(f.key);
    return f;
  };
  const title = take(mapping.title);
  const stated = title ? titleValue(title.value, mapping) : undefined;
  const titleText = stated ? textOf(stated).join("") : undefined;
  if (titleText) hints.add("title", titleText);
  const number = take(mapping.docNumber);
  if (number && scalar(number.value)) hints.add("docNumber", scalar(number.value)!);
  const issuers = take(mapping.issuers);
  if (issuers) {
    const list = Array.isArray(issuers.value)
      ? issuers.value.map(scalar).filter((s): s is string => !!s)
      : splitIssuers(scalar(issuers.value) ?? "");
    if (list.length) hints.issuers ??= list;
  }
  const kind = take(mapping.kind);
  if (kind && scalar(kind.value)) hints.add("kind", scalar(kind.value)!);
  const url = take(mapping.url);
  if (url && scalar(url.value)) hints.add("url", scalar(url.value)!);
  const dateKeys = new Map(Object.entries(mapping.dates).map(([k, kind]) => [keyOf(k), kind]));
  for (const [key, value] of Object.entries(record)) {
    const dateKind = dateKeys.get(keyOf(key));
    if (!dateKind) continue;
    used.add(key);
    const printed = scalar(value);
    if (printed && labelledDate(printed)) hints.add("date", printed, dateKind);
  }
  const history: Json[] = [];
  for (const name of mapping.history) {
    const f = field(record, [name]);
    if (f && !used.has(f.key)) {
      used.add(f.key);
      history.push(f.value);
    }
  }
  // A history given as a list of dated steps: each step's dates, the publications after the
  // first being amendments.
  for (const steps of history) {
    if (!Array.isArray(steps)) continue;
    let published = 0;
    for (const step of steps) {
      if (!isObject(step)) continue;
      for (const [key, value] of Object.entries(step)) {
        let dateKind = dateKeys.get(keyOf(key));
        const printed = scalar(value);
        if (!dateKind || !printed || !labelledDate(printed)) continue;
        if (dateKind === "published" && published++ > 0) dateKind = "amended";
        hints.add("date", printed, dateKind);
      }
    }
  }
  const body = take(mapping.body);
  const lines: string[] = [];
  if (titleText) lines.push(titleText);
  // A law renamed over time: its other names (司法行政部組織法 before 法務部組織法) are its text too.
  if (title && Array.isArray(title.value))
    for (const other of title.value.slice(1)) {
      const name =
        typeof other === "string" ? other : isObject(other) ? field(other, mapping.title)?.value : undefined;
      if (typeof name === "string" && name.trim() && name.trim() !== titleText) lines.push(name.trim());
    }
  for (const h of history) lines.push(...(typeof h === "string" ? unwrapHistory(h) : bodyLines(h, mapping)));
  if (body) lines.push(...bodyLines(body.value, mapping));
  else {
    // No body field: the record's other long strings, in order (never the raw JSON).
    for (const [key, value] of Object.entries(record)) {
      if (used.has(key) || typeof value !== "string" || [...value].length < 30) continue;
      lines.push(...textOf(value));
    }
  }
  return {
    format: "json",
    text: lines
      .filter((l, i, all) => l !== "" || (i > 0 && all[i - 1] !== ""))
      .join("\n")
      .trim(),
    hints: hints.hints(),
  };
}

/** Parses text as JSON, or as JSON Lines (one value a line, read as an array); undefined when neither. */
export function parseJson(text: string): Json | undefined {
  const t = text.replace(/^\uFEFF/, "").trim();
  if (!/^[[{]/.test(t)) return undefined;
  try {
    return JSON.parse(t) as Json;
  } catch {
    const rows = t.split(/\r?\n/).filter((r) => r.trim() !== "");
    if (rows.length < 2) return undefined;
    try {
      return rows.map((r) => JSON.parse(r) as Json);
    } catch {
      return undefined;
    }
  }
}

/** The objects of an array of article records (no title of their own), or undefined. */
function articleRecords(value: Json, mapping: FieldMapping): JsonObject[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const objects = value.filter(isObject);
  if (objects.length === 0 || objects.length < value.length / 2) return undefined;
  return objects.every((o) => field(o, mapping.articleText)) ? objects : undefined;
}

/**
 * Reads JSON records; undefined when the text is not JSON. JSON with no record under the mapping
 * becomes one document of its string values (never the raw JSON).
 */
export function readJson(text: string, mapping: FieldMapping): ReadDocument[] | undefined {
  const parsed = parseJson(text);
  if (parsed === undefined) return undefined;
  const records = findRecords(parsed, mapping);
  if (records.length) return records.map((r) => readRecord(r, mapping));
  const articles = articleRecords(parsed, mapping);
  if (articles) {
    // Articles of one law without its name (a dump split per article): one document, the law's
    // stated fields read from its first article.
    const { title: _t, ...rest } = mapping;
    const first = readRecord(articles[0]!, { ...rest, title: [], body: [] });
    return [{ format: "json", text: bodyLines(articles, mapping).join("\n").trim(), hints: first.hints }];
  }
  const strings: string[] = [];
  const walk = (v: Json, depth: number) => {
    if (depth > 8) return;
    if (typeof v === "string" && v.trim()) strings.push(...textOf(v));
    else if (Array.isArray(v)) for (const x of v) walk(x, depth + 1);
    else if (isObject(v)) for (const x of Object.values(v)) walk(x, depth + 1);
  };
  walk(parsed, 0);
  return [{ format: "json", text: strings.join("\n").trim(), hints: {} }];
}

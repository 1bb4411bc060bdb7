/**
 * The public archive pages (no JavaScript; every value escaped by Handlebars; permanent URLs):
 *
 *   /archive/                      years
 *   /archive/{year}/               that year's issues and dated documents
 *   /archive/{year}/{issue}/       the issue's documents and its original scans
 *   /archive/items/{id}            text, metadata, page images; ?q= marks hits in the text and,
 *                                  from the hOCR word boxes, on the page images
 *   /archive/items/{id}/pages/{n}.png, /archive/scans/{file}   images and original downloads
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Handlebars from "handlebars";
import { Hono } from "hono";
import type { GazetteSettings } from "../config.js";
import { DATE_KIND_LABELS, type DateKind } from "../documents/dates.js";
import { findTemplatesDir } from "../site/templates-dir.js";
import { ArchiveNotFoundError } from "./errors.js";
import type { ArchiveItem, ItemSummary } from "./model.js";
import { parseHocr } from "./ocr/hocr.js";
import type { ArchiveReading } from "./reading.js";

const LISTING = "public, max-age=60";

export interface HighlightBox {
  readonly text: string;
  /** Percentages of the page image. */
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

function fold(s: string): string {
  return s.normalize("NFKC").toLowerCase();
}

/**
 * Boxes of the words on a page that a query's occurrences cover. Words are joined per line
 * without spaces (Chinese), so a query spanning several OCR words marks each of them.
 */
export function highlightBoxes(hocr: string, query: string): HighlightBox[] {
  const q = fold(query.replace(/\s+/g, ""));
  if (!q) return [];
  const page = parseHocr(hocr);
  if (!page.width || !page.height) return [];
  const boxes: HighlightBox[] = [];
  for (const line of page.lines) {
    let text = "";
    const owner: number[] = [];
    line.words.forEach((w, i) => {
      for (const ch of fold(w.text)) {
        text += ch;
        for (let k = 0; k < ch.length; k++) owner.push(i);
      }
    });
    const marked = new Set<number>();
    for (let at = text.indexOf(q); at >= 0; at = text.indexOf(q, at + 1)) {
      for (let k = at; k < at + q.length; k++) marked.add(owner[k]!);
    }
    for (const i of [...marked].sort((a, b) => a - b)) {
      const w = line.words[i]!;
      const [x0, y0, x1, y1] = w.bbox;
      const pct = (v: number, of: number) => Math.round((v / of) * 10000) / 100;
      boxes.push({
        text: w.text,
        left: pct(x0, page.width),
        top: pct(y0, page.height),
        width: pct(x1 - x0, page.width),
        height: pct(y1 - y0, page.height),
      });
    }
  }
  return boxes;
}

/** Text split into paragraphs of runs, the runs matching the query marked. */
export function markedParagraphs(
  text: string,
  query: string,
): { paragraphs: { text: string; hit: boolean }[][]; hits: number } {
  const q = query.trim();
  let hits = 0;
  const paragraphs = text
    .split("\n")
    .filter((l) => l.trim())
    .map((line) => {
      if (!q) return [{ text: line, hit: false }];
      const runs: { text: string; hit: boolean }[] = [];
      const folded = fold(line);
      const fq = fold(q);
      let from = 0;
      // NFKC can change lengths; fall back to no marks on such lines rather than mis-marking.
      if (folded.length !== line.length) return [{ text: line, hit: false }];
      for (let at = folded.indexOf(fq); at >= 0; at = folded.indexOf(fq, at + fq.length)) {
        if (at > from) runs.push({ text: line.slice(from, at), hit: false });
        runs.push({ text: line.slice(at, at + fq.length), hit: true });
        hits++;
        from = at + fq.length;
      }
      if (from < line.length) runs.push({ text: line.slice(from), hit: false });
      return runs;
    });
  return { paragraphs, hits };
}

function scanLinks(keys: readonly string[]) {
  return keys.map((key, i) => {
    const file = key.split("/").pop() ?? key;
    return {
      href: `/archive/scans/${encodeURIComponent(file)}`,
      label:
        keys.length > 1
          ? `（${i + 1}）${file.split(".").pop()?.toUpperCase()}`
          : file.split(".").pop()?.toUpperCase(),
    };
  });
}

export class ArchiveSite {
  private readonly hbs = Handlebars.create();
  private readonly layout: Handlebars.TemplateDelegate;
  private readonly pages: Record<"index" | "year" | "issue" | "item", Handlebars.TemplateDelegate>;

  constructor(
    private readonly archive: ArchiveReading,
    private readonly gazette: GazetteSettings & { readonly baseUrl?: string },
    templatesDir = findTemplatesDir(),
  ) {
    const load = (name: string) =>
      this.hbs.compile(readFileSync(join(templatesDir, `${name}.hbs`), "utf8"), { strict: false });
    this.layout = load("layout");
    this.pages = {
      index: load("archive-index"),
      year: load("archive-year"),
      issue: load("archive-issue"),
      item: load("archive-item"),
    };
  }

  private page(title: string, path: string, template: Handlebars.TemplateDelegate, data: object): string {
    const canonical = this.gazette.baseUrl ? new URL(path, this.gazette.baseUrl).toString() : undefined;
    return this.layout({
      title,
      canonical,
      gazette: this.gazette,
      content: template({ gazette: this.gazette, ...data }),
    });
  }

  async index(): Promise<string> {
    return this.page("历史公报档案", "/archive/", this.pages.index, { years: await this.archive.years() });
  }

  async year(year: number): Promise<string | undefined> {
    const { issues, documents } = await this.archive.year(year);
    if (!issues.length && !documents.length) return undefined;
    issues.sort((a, b) => (a.issue ?? 0) - (b.issue ?? 0));
    documents.sort((a, b) => (a.date ?? "").localeCompare(b.date ?? ""));
    return this.page(`${year}年`, `/archive/${year}/`, this.pages.year, {
      year,
      issues,
      documents: documents.map(withDateLabel),
    });
  }

  async issue(year: number, issue: number): Promise<string | undefined> {
    const { editions, items } = await this.archive.issue(year, issue);
    if (!editions.length) return undefined;
    const first = editions[0]!;
    return this.page(`${year}年第${issue}期`, `/archive/${year}/${issue}/`, this.pages.issue, {
      year,
      issue,
      gazette: first.gazette,
      date: first.date,
      items: items.map(withDateLabel),
      scans: scanLinks(editions.flatMap((e) => e.scanKeys)),
    });
  }

  async item(id: string, query: string): Promise<string | undefined> {
    let item: ArchiveItem;
    try {
      item = await this.archive.getItem(id);
    } catch (error) {
      // Only "no such item" is a 404; a storage outage is the app's 503, not a missing page.
      if (error instanceof ArchiveNotFoundError) return undefined;
      throw error;
    }
    const q = query.trim().slice(0, 50);
    const { paragraphs, hits } = markedParagraphs(item.text, q);
    const pages = [];
    for (const p of item.pages) {
      if (!p.imageKey) continue;
      let marks: HighlightBox[] = [];
      if (q && p.hocrKey) {
        const hocr = await this.archive.blob(p.hocrKey);
        if (hocr) marks = highlightBoxes(new TextDecoder().decode(hocr.bytes), q);
      }
      pages.push({
        page: p.page,
        src: `/archive/items/${encodeURIComponent(id)}/pages/${p.page}.png`,
        marks,
      });
    }
    const e = item.edition;
    const pageNumbers = item.pages.map((p) => p.page);
    return this.page(item.title, `/archive/items/${id}`, this.pages.item, {
      ...item,
      dateRows: dateRows(item),
      year: e.year,
      issue: e.issue,
      edition:
        e.year && e.issue ? `${e.gazette ? `《${e.gazette}》` : ""}${e.year}年第${e.issue}期` : undefined,
      pageLabel: pageNumbers.length
        ? pageNumbers.length > 1
          ? `第${pageNumbers[0]}–${pageNumbers.at(-1)}页`
          : `第${pageNumbers[0]}页`
        : undefined,
      permalink: `/archive/items/${id}`,
      q,
      hits,
      paragraphs,
      pages,
      scans: scanLinks(item.scanKeys),
    });
  }

  routes(): Hono {
    const app = new Hono();
    const notFound = () =>
      new Response("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
    app.get("/archive", (c) => c.redirect("/archive/", 301));
    app.get("/archive/", async (c) => c.html(await this.index(), 200, { "cache-control": LISTING }));
    app.get("/archive/items/:id/pages/:file", async (c) => {
      const m = /^(\d{1,4})\.png$/.exec(c.req.param("file"));
      if (!m) return notFound();
      let item: ArchiveItem;
      try {
        item = await this.archive.getItem(c.req.param("id"));
      } catch (error) {
        if (error instanceof ArchiveNotFoundError) return notFound();
        throw error;
      }
      const key = item.pages.find((p) => p.page === Number(m[1]))?.imageKey;
      const blob = key ? await this.archive.blob(key) : undefined;
      if (!blob) return notFound();
      return new Response(blob.bytes as BodyInit, {
        headers: {
          "content-type": "image/png",
          "cache-control": "public, max-age=31536000, immutable",
          "x-content-type-options": "nosniff",
        },
      });
    });
    app.get("/archive/items/:id", async (c) => {
      const html = await this.item(c.req.param("id"), c.req.query("q") ?? "");
      return html
        ? c.html(html, 200, { "cache-control": LISTING })
        : c.html("<!doctype html><title>未找到</title><p>未找到该文件。</p>", 404);
    });
    app.get("/archive/scans/:file", async (c) => {
      const file = c.req.param("file");
      if (!/^[0-9a-f]{64}\.(pdf|png|jpg|tif)$/.test(file)) return notFound();
      // AWS: never through Lambda (6 MB answers). CloudFront serves /archive/scans/* from the
      // bucket; a request that reaches the app anyway is redirected to a short-lived S3 URL.
      const direct = await this.archive.scanDownloadUrl(`archive/scans/${file}`);
      if (direct)
        return new Response(null, {
          status: 302,
          headers: { location: direct, "cache-control": "no-store" },
        });
      const blob = await this.archive.blob(`archive/scans/${file}`);
      if (!blob) return notFound();
      return new Response(blob.bytes as BodyInit, {
        headers: {
          "content-type": blob.contentType,
          "content-disposition": `attachment; filename="${file}"`,
          "cache-control": "public, max-age=31536000, immutable",
          "x-content-type-options": "nosniff",
        },
      });
    });
    app.get("/archive/:year{[0-9]{4}}/", async (c) => {
      const html = await this.year(Number(c.req.param("year")));
      return html ? c.html(html, 200, { "cache-control": LISTING }) : notFound();
    });
    app.get("/archive/:year{[0-9]{4}}/:issue{[0-9]{1,4}}/", async (c) => {
      const html = await this.issue(Number(c.req.param("year")), Number(c.req.param("issue")));
      return html ? c.html(html, 200, { "cache-control": LISTING }) : notFound();
    });
    return app;
  }
}

/** 成文日期 / 发布日期 / 修正日期 / 通过日期 / 施行日期; 日期 when which one is not known. */
function dateLabel(kind: DateKind | undefined): string {
  return kind ? DATE_KIND_LABELS[kind] : "日期";
}

/** A listed item with what its date is, for the lists' date column (2024-05-03 发布). */
function withDateLabel(item: ItemSummary) {
  return {
    ...item,
    dateLabel: dateLabel(item.dateKind),
    dateShort: item.dateKind ? dateLabel(item.dateKind).slice(0, 2) : undefined,
  };
}

/** The item page's dates: the one it is dated by first, then every other date it gives, each labelled. */
export function dateRows(
  item: Pick<ArchiveItem, "date" | "dateKind" | "dates">,
): { label: string; date: string }[] {
  const rows = item.date ? [{ label: dateLabel(item.dateKind), date: item.date }] : [];
  for (const d of item.dates ?? []) {
    if (d.kind === item.dateKind && d.date === item.date) continue;
    rows.push({ label: dateLabel(d.kind), date: d.date });
  }
  return rows;
}

/**
 * The inspection report (转载情况专项检查): for every notice in scope, whether it was delivered,
 * acknowledged, verified, is overdue or failed; summed per site, per region (city, 市州) and per
 * document, with rates and the list of overdue notices.
 */
import { isValidIsoDate } from "../documents/dates.js";
import { InvalidCursorError } from "../platform/errors.js";
import type { Platform, RecordStore, StoredRecord } from "../platform/ports.js";
import { forEachPage, mapConcurrently, queryAll } from "../platform/reads.js";
import {
  ALL_MONTHS,
  addTotals,
  COUNTER_SHARDS,
  contribution,
  documentCountsPartition,
  emptyTotals,
  FIGURES,
  OVERDUE_INDEX,
  type OverdueItem,
  overdueIndexPartition,
  overdueItem,
  type RegionLabel,
  siteCountsPartition,
  siteLabelOf,
  type Totals,
} from "./counters.js";
import { InvalidRepostRequestError, problem } from "./errors.js";
import {
  chinaDate,
  type NoticeStatus,
  type RepostNotice,
  regionCovers,
  regionPrefix,
  SITE_LEVELS,
  type SiteLevel,
} from "./model.js";
import { noticePartition, type RepostDocument, repostDocumentPages } from "./records.js";

export type { OverdueItem, Totals };

export interface ComplianceFilter {
  /** Published on or after this China date. */
  readonly from?: string | undefined;
  /** Published on or before this China date. */
  readonly to?: string | undefined;
  /** GB/T 2260 code; covers its subdivisions. */
  readonly region?: string | undefined;
  readonly level?: SiteLevel | undefined;
  readonly document?: string | undefined;
}

export interface Rates {
  readonly delivered: number;
  readonly acknowledged: number;
  readonly verified: number;
  readonly overdue: number;
  readonly failed: number;
}

export interface ComplianceReport {
  readonly generatedAt: string;
  readonly filter: ComplianceFilter;
  readonly totals: Totals;
  readonly rates: Rates;
  readonly sites: (Totals & {
    siteId: string;
    name: string;
    region: string;
    level: SiteLevel;
    rates: Rates;
  })[];
  readonly regions: (Totals & { region: string; rates: Rates })[];
  readonly documents: (Totals & {
    documentId: string;
    title: string;
    docNumber: string | null;
    publishedAt: string;
    deadline: string;
    deadlineProvisional: boolean;
    rates: Rates;
  })[];
  /** One page of the overdue notices, by deadline, document and region; `overdueCursor` pages on. */
  readonly overdue: OverdueItem[];
  readonly overdueCursor?: string | undefined;
}

/** Which page of the overdue list a report carries. */
export interface OverduePage {
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** The console shows this many overdue notices; the API pages by `limit`/`cursor`. */
export const DEFAULT_OVERDUE_PAGE: OverduePage = { limit: 200 };

/** Overdue notices read a page where the whole list is streamed (HTML, the overdue CSV). */
export const OVERDUE_STREAM_PAGE = 1000;

export function parseComplianceFilter(query: Record<string, string | undefined>): ComplianceFilter {
  const problems = [];
  for (const field of ["from", "to"] as const) {
    const v = query[field];
    // Date.parse rolls 2026-02-30 over to March: check the calendar instead.
    if (v && !isValidIsoDate(v))
      problems.push(problem(field, "invalid", `${field} must be a real calendar date YYYY-MM-DD`));
  }
  if (query.region && !/^[1-9]\d{5}$/.test(query.region))
    problems.push(problem("region", "invalid", "region must be a six-digit GB/T 2260 code"));
  if (query.level && !(SITE_LEVELS as readonly string[]).includes(query.level)) {
    problems.push(problem("level", "invalid", `level must be one of ${SITE_LEVELS.join(", ")}`));
  }
  if (query.document && !/^[A-Za-z0-9_-]{1,64}$/.test(query.document))
    problems.push(problem("document", "invalid", "document must be a document id"));
  if (problems.length) throw new InvalidRepostRequestError("The report filter is invalid", problems);
  return {
    from: query.from || undefined,
    to: query.to || undefined,
    region: query.region || undefined,
    level: (query.level as SiteLevel) || undefined,
    document: query.document || undefined,
  };
}

function rate(n: number, notices: number): number {
  return notices === 0 ? 0 : Math.round((n / notices) * 10_000) / 10_000;
}

function ratesOf(t: Totals): Rates {
  return {
    delivered: rate(t.delivered, t.notices),
    acknowledged: rate(t.acknowledged, t.notices),
    verified: rate(t.verified, t.notices),
    overdue: rate(t.overdue, t.notices),
    failed: rate(t.failed, t.notices),
  };
}

/** The city (市州) a region code belongs to; provincial codes stay as they are. */
export function cityOf(region: string): string {
  return region.endsWith("0000") ? region : `${region.slice(0, 4)}00`;
}

const names = new Intl.Collator();

/**
 * Sites by region code, then name. Region codes are six digits, so comparing them as strings is
 * their order; names compare as String.prototype.localeCompare does, with one collator for all.
 */
function bySiteOrder(a: { region: string; name: string }, b: { region: string; name: string }): number {
  if (a.region !== b.region) return a.region < b.region ? -1 : 1;
  return names.compare(a.name, b.name);
}

function coversSite(filter: ComplianceFilter, site: { region: string; level: SiteLevel }): boolean {
  if (filter.region && !regionCovers(filter.region, site.region)) return false;
  return !filter.level || site.level === filter.level;
}

/**
 * Items read per query: a shard of site counters (~1,250 items of ~250 bytes for 10,000 sites)
 * in one; DynamoDB still ends a page at 1 MB.
 */
const COUNTER_PAGE = 5000;
/**
 * Queries of the documents' counters a report has in flight at once (one small query a document):
 * enough that 10 documents go in one round, not a second one after the site counters.
 */
const READ_CONCURRENCY = 32;

/** Every counter (or other record) of a partition, COUNTER_PAGE at a time. */
function everyItem<T>(
  records: RecordStore,
  partition: string,
  options: { prefix?: string | undefined } = {},
) {
  return queryAll<T>(records, partition, { prefix: options.prefix, pageSize: COUNTER_PAGE });
}

/** Every fanned-out document, and the ones the filter's period and document select. */
export async function documentsInScope(
  records: RecordStore,
  filter: ComplianceFilter,
): Promise<{ all: RepostDocument[]; selected: RepostDocument[] }> {
  const all: RepostDocument[] = [];
  for await (const page of repostDocumentPages(records, 1000)) all.push(...page.map((i) => i.data));
  const selected = all.filter((doc) => {
    if (filter.document && doc.documentId !== filter.document) return false;
    const day = chinaDate(doc.publishedAt);
    return !((filter.from && day < filter.from) || (filter.to && day > filter.to));
  });
  return { all, selected };
}

/** A document's figures from its counters: all of them, or the regions × levels the filter keeps. */
async function documentTotals(records: RecordStore, documentId: string, filter: ComplianceFilter) {
  const partition = documentCountsPartition(documentId);
  const totals = emptyTotals();
  if (!filter.region && !filter.level) {
    for (const item of await everyItem(records, partition, { prefix: "TOTAL#" }))
      addTotals(totals, item.counts ?? {});
    return totals;
  }
  // Region codes sort by their prefix, so a region's subdivisions are one range.
  const prefix = `REGION#${filter.region ? regionPrefix(filter.region) : ""}`;
  for (const item of await everyItem<RegionLabel>(records, partition, { prefix })) {
    if (coversSite(filter, item.data)) addTotals(totals, item.counts ?? {});
  }
  return totals;
}

type SiteRow = ComplianceReport["sites"][number];

const NO_RATES: Rates = { delivered: 0, acknowledged: 0, verified: 0, overdue: 0, failed: 0 };
const NO_COUNTS: Partial<Record<string, number>> = {};

/**
 * The sites' figures, folded in page by page as the counters (or notices) arrive, so that the
 * report's work overlaps the store's answers. Each page's new sites are sorted in the report's
 * order when the page is in ("a run"); at the end the runs are merged in reading order, ties
 * keeping it: the same order as sorting every site at the end in the order first read (the sort
 * is stable), without that sort after the last answer.
 */
class SiteFigures {
  readonly #filter: ComplianceFilter;
  readonly #sites = new Map<string, SiteRow>();
  /** Per region code: its city's sums (shared by the codes of one city). */
  readonly #regions = new Map<string, CitySums>();
  readonly #cities = new Map<string, CitySums>();
  /** Every run so far merged, in the report's order; `#ats[i]`: the reading order of `#merged[i]`'s run. */
  #merged: SiteRow[] = [];
  #ats: number[] = [];
  #run: SiteRow[] = [];
  /** Sites whose figures changed after their row (and its rates) was made. */
  readonly #recounted = new Set<SiteRow>();

  constructor(filter: ComplianceFilter) {
    this.#filter = filter;
  }

  /** A page of site counters; `at` is its place in the reading order (not the order of arrival). */
  counters(at: number, items: readonly StoredRecord<unknown>[]): void {
    for (const item of items) {
      // The label as stored ([name, region, level]) or as an object before version 5 (counters.ts).
      const label = siteLabelOf(item.sk, item.data);
      this.#add(item.sk, label.name, label.region, label.level, item.counts ?? NO_COUNTS);
    }
    this.#endRun(at);
  }

  /** A page of notices, each counted as its contribution to its site's figures. */
  notices(at: number, items: readonly StoredRecord<RepostNotice>[]): void {
    for (const { data: n } of items)
      this.#add(n.siteId, n.site.name, n.site.region, n.site.level, contribution(n));
    this.#endRun(at);
  }

  /** The page's new sites sorted, and merged into the runs before (the last page's is all that waits). */
  #endRun(at: number): void {
    const run = this.#run.sort(bySiteOrder);
    this.#run = [];
    const a = this.#merged;
    const aAt = this.#ats;
    const out: SiteRow[] = new Array(a.length + run.length);
    const outAt: number[] = new Array(a.length + run.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < a.length && j < run.length) {
      const order = bySiteOrder(run[j]!, a[i]!);
      // A tie goes by reading order: the same order as one stable sort of every site as first read.
      if (order < 0 || (order === 0 && at < aAt[i]!)) {
        outAt[k] = at;
        out[k++] = run[j++]!;
      } else {
        outAt[k] = aAt[i]!;
        out[k++] = a[i++]!;
      }
    }
    for (; i < a.length; k++, i++) {
      out[k] = a[i]!;
      outAt[k] = aAt[i]!;
    }
    for (; j < run.length; k++, j++) {
      out[k] = run[j]!;
      outAt[k] = at;
    }
    this.#merged = out;
    this.#ats = outAt;
  }

  #add(
    siteId: string,
    name: string,
    region: string,
    level: SiteLevel,
    counts: Partial<Record<string, number>>,
  ): void {
    if (this.#filter.region && !regionCovers(this.#filter.region, region)) return;
    if (this.#filter.level && level !== this.#filter.level) return;
    const site = this.#sites.get(siteId);
    if (site) {
      // Counted again (from its notices, a page after another): its rates are made at the end.
      addTotals(site, counts);
      this.#recounted.add(site);
      addTotals(this.#cityOf(site.region).totals, counts);
      return;
    }
    // 10,000 sites or more: one object per site, built in place (no spreads, no second copy).
    const row: SiteRow = {
      siteId,
      name,
      region,
      level,
      notices: counts.notices ?? 0,
      delivered: counts.delivered ?? 0,
      acknowledged: counts.acknowledged ?? 0,
      verified: counts.verified ?? 0,
      verification_failed: counts.verification_failed ?? 0,
      overdue: counts.overdue ?? 0,
      failed: counts.failed ?? 0,
      rates: NO_RATES,
    };
    row.rates = ratesOf(row);
    this.#sites.set(siteId, row);
    this.#run.push(row);
    const city = this.#cityOf(region);
    city.sites += 1;
    addTotals(city.totals, counts);
  }

  #cityOf(region: string): CitySums {
    let sums = this.#regions.get(region);
    if (!sums) {
      const city = cityOf(region);
      sums = this.#cities.get(city);
      if (!sums) {
        sums = { totals: { region: city, ...emptyTotals() }, sites: 0 };
        this.#cities.set(city, sums);
      }
      this.#regions.set(region, sums);
    }
    return sums;
  }

  /**
   * The sites with notices, in the report's order, and their cities' sums (of the sites with
   * notices; a site without is taken out of its city's sums, and a city without any is left out).
   */
  result(): { sites: SiteRow[]; cities: (Totals & { region: string })[] } {
    for (const site of this.#recounted) site.rates = ratesOf(site);
    const sites: SiteRow[] = [];
    for (const site of this.#merged) {
      if (site.notices > 0) {
        sites.push(site);
        continue;
      }
      const city = this.#cityOf(site.region);
      city.sites -= 1;
      addTotals(city.totals, site, -1);
    }
    const cities: (Totals & { region: string })[] = [];
    for (const city of this.#cities.values()) if (city.sites > 0) cities.push(city.totals);
    return { sites, cities };
  }
}

/** A city's (市州) sums over its sites, and how many sites are in them. */
interface CitySums {
  readonly totals: Totals & { region: string };
  sites: number;
}

/** A page's place in the reading order: the read (month or document), its shard, its page. */
function readingOrder(read: number, shard: number, page: number): number {
  return (read * COUNTER_SHARDS + shard) * 1_000_000 + page;
}

/**
 * Per-site figures for the selected documents, in the report's order, with rates. A month whose
 * documents are all selected is read from its site counters; the selected documents of a month
 * only partly selected (a period that starts or ends inside it, one document) are counted from
 * their notices. Every document selected (`documents` undefined: known to be so before they are
 * read) reads the all-time counters.
 */
async function siteTotals(
  records: RecordStore,
  filter: ComplianceFilter,
  documents?: { readonly all: readonly RepostDocument[]; readonly selected: readonly RepostDocument[] },
  /** The second half of the all-time shards is asked for once this settles. */
  later?: Promise<void>,
): Promise<{ sites: SiteRow[]; cities: (Totals & { region: string })[] }> {
  const figures = new SiteFigures(filter);
  const readMonth = (month: string, read: number) =>
    // The shards side by side, each page folded in as it arrives.
    Promise.all(
      Array.from({ length: COUNTER_SHARDS }, async (_, shard) => {
        let page = 0;
        if (later && shard >= COUNTER_SHARDS / 2) await later;
        return forEachPage(
          records,
          siteCountsPartition(month, shard),
          // Only what the report reads: a counter's site (its sort key), label and counts.
          { pageSize: COUNTER_PAGE, countsOnly: FIGURES },
          (items) => figures.counters(readingOrder(read, shard, page++), items),
        );
      }),
    );
  if (!documents || documents.selected.length === documents.all.length) {
    await readMonth(ALL_MONTHS, 0);
    return figures.result();
  }
  const { all, selected } = documents;
  const month = (d: RepostDocument) => chinaDate(d.publishedAt).slice(0, 7);
  const months = new Map<string, { all: number; selected: RepostDocument[] }>();
  for (const d of all) {
    const m = months.get(month(d)) ?? { all: 0, selected: [] };
    m.all += 1;
    months.set(month(d), m);
  }
  for (const d of selected) months.get(month(d))?.selected.push(d);
  let read = 0;
  for (const [m, docs] of months) {
    if (docs.selected.length === 0) continue;
    if (docs.selected.length === docs.all) {
      await readMonth(m, read++);
      continue;
    }
    for (const doc of docs.selected) {
      const at = read++;
      let page = 0;
      await forEachPage<RepostNotice>(
        records,
        noticePartition(doc.documentId),
        { pageSize: COUNTER_PAGE },
        (items) => figures.notices(readingOrder(at, 0, page++), items),
      );
    }
  }
  return figures.result();
}

interface OverdueCursor {
  readonly document: string;
  readonly cursor: string | null;
}

function decodeOverdueCursor(raw: string): OverdueCursor {
  try {
    const parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as Partial<OverdueCursor>;
    if (
      typeof parsed.document === "string" &&
      (parsed.cursor === null || typeof parsed.cursor === "string")
    ) {
      return { document: parsed.document, cursor: parsed.cursor };
    }
  } catch (cause) {
    throw new InvalidCursorError("malformed overdue cursor", { cause });
  }
  throw new InvalidCursorError("malformed overdue cursor");
}

function encodeOverdueCursor(cursor: OverdueCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

/** The selected documents in the overdue list's order: by deadline, then id. */
export function overdueOrder(docs: readonly RepostDocument[]): RepostDocument[] {
  return [...docs].sort(
    (a, b) => a.deadline.localeCompare(b.deadline) || a.documentId.localeCompare(b.documentId),
  );
}

/**
 * One page of the overdue list, read from each selected document's overdue notices (the sparse
 * index OVERDUE_INDEX, sorted by region, so a region filter is a range), documents in deadline
 * order; each item built from its notice.
 */
export async function overduePage(
  records: RecordStore,
  filter: ComplianceFilter,
  selected: readonly RepostDocument[],
  page: OverduePage,
): Promise<{ items: OverdueItem[]; cursor?: string | undefined }> {
  const docs = overdueOrder(selected);
  const at = page.cursor ? decodeOverdueCursor(page.cursor) : undefined;
  let index = at ? docs.findIndex((d) => d.documentId === at.document) : 0;
  if (index < 0) throw new InvalidCursorError("overdue cursor names a document outside this report");
  let inner = at?.cursor ?? undefined;
  const items: OverdueItem[] = [];
  const prefix = filter.region ? regionPrefix(filter.region) : undefined;
  for (; index < docs.length; index++, inner = undefined) {
    const documentId = docs[index]!.documentId;
    do {
      const result = await records.query<RepostNotice>(overdueIndexPartition(documentId), {
        index: OVERDUE_INDEX,
        prefix,
        cursor: inner,
        limit: page.limit - items.length,
      });
      inner = result.cursor;
      for (const { data } of result.items) {
        if (!filter.level || data.site.level === filter.level) items.push(overdueItem(data));
      }
      if (items.length >= page.limit) {
        const next = inner ?? null;
        if (next === null && index + 1 >= docs.length) return { items };
        return {
          items,
          cursor: encodeOverdueCursor(
            next === null
              ? { document: docs[index + 1]!.documentId, cursor: null }
              : { document: documentId, cursor: next },
          ),
        };
      }
    } while (inner);
  }
  return { items };
}

/**
 * The report from the counters (counters.ts): O(documents + sites) reads for any number of
 * notices, and one page of the overdue list.
 */
export async function buildComplianceReport(
  platform: Pick<Platform, "records" | "clock">,
  filter: ComplianceFilter,
  page: OverduePage = DEFAULT_OVERDUE_PAGE,
): Promise<ComplianceReport> {
  const { records } = platform;
  const now = platform.clock.now();
  // No period and no document: every document is selected, so the report reads the all-time
  // site counters, asked for beside the documents rather than a round of reads after them: half
  // the shards at once, half once the reads that follow from the documents are asked for. A store
  // that answers in turn (the emulator) then answers those between the shards, not after them all.
  const everyDocument = !filter.from && !filter.to && !filter.document;
  const inScope = documentsInScope(records, filter);
  let release = () => {};
  const later = new Promise<void>((resolve) => {
    release = resolve;
  });
  const early = everyDocument ? siteTotals(records, filter, undefined, later) : undefined;
  early?.catch(() => {}); // awaited below; if the documents fail first, theirs is the error
  let all: RepostDocument[];
  let selected: RepostDocument[];
  try {
    ({ all, selected } = await inScope);
  } catch (error) {
    release(); // nothing waits forever
    throw error;
  }
  const totals = emptyTotals();
  const documents: ComplianceReport["documents"] = [];
  // The documents' counters, the sites' counters and the overdue page are read side by side.
  const reads = Promise.all([
    mapConcurrently(selected, READ_CONCURRENCY, (doc) => documentTotals(records, doc.documentId, filter)),
    early ?? siteTotals(records, filter, { all, selected }),
    overduePage(records, filter, selected, page),
  ]);
  release();
  const [perDocument, { sites, cities }, overdue] = await reads;
  for (const [i, doc] of selected.entries()) {
    const docTotals = perDocument[i]!;
    if (docTotals.notices === 0 && (filter.region || filter.level)) continue;
    addTotals(totals, docTotals);
    documents.push({
      documentId: doc.documentId,
      title: doc.title,
      docNumber: doc.docNumber,
      publishedAt: doc.publishedAt,
      deadline: doc.deadline,
      deadlineProvisional: doc.deadlineProvisional,
      ...docTotals,
      rates: ratesOf(docTotals),
    });
  }
  return {
    generatedAt: now.toISOString(),
    filter,
    totals,
    rates: ratesOf(totals),
    sites,
    regions: cities
      .map((r) => ({ ...r, rates: ratesOf(r) }))
      .sort((a, b) => a.region.localeCompare(b.region)),
    documents,
    overdue: overdue.items,
    ...(overdue.cursor ? { overdueCursor: overdue.cursor } : {}),
  };
}

function csvCell(value: string | number | null): string {
  const s = value === null ? "" : String(value);
  // Quote always; a leading = + - @ is defused so spreadsheets do not run it as a formula.
  return `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replaceAll('"', '""')}"`;
}

/** One CSV line (CRLF), every cell quoted and defused. */
function csvLine(r: readonly (string | number | null)[]): string {
  return `${r.map(csvCell).join(",")}\r\n`;
}

/** One row per site: the figures an inspection works from, as CSV lines (for streaming). */
export function* complianceCsvLines(report: ComplianceReport): Generator<string> {
  yield `\uFEFF${csvLine(["site_id", "site", "region", "level", ...FIGURES, "verified_rate", "overdue_rate"])}`;
  for (const s of report.sites) {
    yield csvLine([
      s.siteId,
      s.name,
      s.region,
      s.level,
      ...FIGURES.map((f) => s[f]),
      s.rates.verified,
      s.rates.overdue,
    ]);
  }
  yield csvLine([
    "",
    "合计",
    "",
    "",
    ...FIGURES.map((f) => report.totals[f]),
    report.rates.verified,
    report.rates.overdue,
  ]);
}

/** The overdue CSV's columns: name and value. */
const OVERDUE_CSV_COLUMNS: readonly (readonly [string, (o: OverdueItem) => string | null])[] = [
  ["notice_id", (o) => o.noticeId],
  ["document_id", (o) => o.documentId],
  ["document", (o) => o.title],
  ["doc_number", (o) => o.docNumber],
  ["site_id", (o) => o.siteId],
  ["site", (o) => o.siteName],
  ["region", (o) => o.region],
  ["level", (o) => o.level],
  ["deadline", (o) => o.deadline],
  ["status", (o) => o.status],
  ["reason", (o) => o.reason],
];

/**
 * Every overdue notice in the filter's scope as CSV lines, one row each (what an inspection sends
 * on to the sites), in the list's order (deadline, document, region). Read from the overdue index
 * alone (no site figures), OVERDUE_STREAM_PAGE a page, each page written as it is read; the
 * documents and the first page are read before this resolves, so a store that fails fails the
 * request, not a stream half sent.
 */
export async function complianceOverdueCsv(
  platform: Pick<Platform, "records">,
  filter: ComplianceFilter,
): Promise<AsyncGenerator<string>> {
  const { selected } = await documentsInScope(platform.records, filter);
  const pages = overduePages(platform, filter, selected, { cursor: undefined });
  // The first page read before the answer starts (a failing store fails the request, not half a
  // stream), the second asked for with it.
  const first = await pages.next();
  const row = (o: OverdueItem) => csvLine(OVERDUE_CSV_COLUMNS.map(([, value]) => value(o)));
  return (async function* () {
    try {
      yield `\uFEFF${csvLine(OVERDUE_CSV_COLUMNS.map(([name]) => name))}`;
      for (const o of first.value ?? []) yield row(o);
      for await (const page of pages) for (const o of page) yield row(o);
    } finally {
      await pages.return(undefined);
    }
  })();
}

/**
 * Every overdue notice in the filter's scope as a CSV download, streamed (complianceOverdueCsv):
 * the API's `?format=overdue-csv` and the console's link to it.
 */
export async function complianceOverdueCsvResponse(
  platform: Pick<Platform, "records">,
  filter: ComplianceFilter,
  headers: Record<string, string> = {},
): Promise<Response> {
  return new Response(textStream(await complianceOverdueCsv(platform, filter)), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": 'attachment; filename="compliance-overdue.csv"',
      ...headers,
    },
  });
}

export function complianceCsv(report: ComplianceReport): string {
  return [...complianceCsvLines(report)].join("");
}

export function escapeHtml(s: string | number | null): string {
  return String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const LABELS: Record<(typeof FIGURES)[number], string> = {
  notices: "通知",
  delivered: "送达",
  acknowledged: "已回执",
  verified: "核验通过",
  verification_failed: "核验未通过",
  overdue: "逾期",
  failed: "送达失败",
};

function tableHead(head: string[]): string {
  return `<table><thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>`;
}

function tableRow(r: (string | number | null)[]): string {
  return `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`;
}

const TABLE_END = "</tbody></table>";

function table(head: string[], rows: (string | number | null)[][]): string {
  return `${tableHead(head)}${rows.map(tableRow).join("")}${TABLE_END}`;
}

/** Chinese names of site levels and notice states, as the console shows them. */
export const SITE_LEVEL_NAMES: Record<SiteLevel, string> = {
  province_dept: "省级部门",
  city: "市（州）",
  county: "县（市、区）",
  township: "乡镇（街道）",
};
export const NOTICE_STATUS_NAMES: Record<NoticeStatus, string> = {
  pending: "待送达",
  delivered: "已送达",
  failed: "送达失败",
  acknowledged: "已报转载，待核验",
  verified: "已核验",
  verification_failed: "核验未通过",
};

/** A rate as a percentage; "—" where there were no notices (no denominator), not "0.0%". */
export function rateText(rate: number, notices: number): string {
  return notices === 0 ? "—" : `${(rate * 100).toFixed(1)}%`;
}

/** An instant in China time: 2026年3月2日 10:05（北京时间）. */
export function chinaDateTime(at: string): string {
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) return at;
  const t = new Date(ms + 8 * 3600_000);
  const hh = String(t.getUTCHours()).padStart(2, "0");
  const mm = String(t.getUTCMinutes()).padStart(2, "0");
  return `${t.getUTCFullYear()}年${t.getUTCMonth() + 1}月${t.getUTCDate()}日 ${hh}:${mm}（北京时间）`;
}

const OVERDUE_HEAD = ["文件", "发文字号", "单位", "区划", "层级", "期限", "状态", "原因"];

function overdueRow(o: OverdueItem): string {
  return tableRow([
    o.title,
    o.docNumber,
    o.siteName,
    o.region,
    SITE_LEVEL_NAMES[o.level] ?? o.level,
    o.deadline,
    NOTICE_STATUS_NAMES[o.status] ?? o.status,
    o.reason,
  ]);
}

/**
 * The report's body as HTML in pieces (headings, tables with captions): the overdue list is the
 * report's page followed by `moreOverdue`, each page written as it is read, so a long list never
 * sits in memory whole.
 */
export async function* complianceHtmlParts(
  report: ComplianceReport,
  moreOverdue: AsyncIterable<readonly OverdueItem[]> = (async function* () {})(),
): AsyncGenerator<string> {
  const figures = FIGURES.map((f) => LABELS[f]);
  const level = (l: SiteLevel) => SITE_LEVEL_NAMES[l] ?? l;
  yield `<h1>转载情况检查</h1>
<p>生成时间：<time datetime="${escapeHtml(report.generatedAt)}">${escapeHtml(chinaDateTime(report.generatedAt))}</time>；核验率为已核验通知占全部通知之比，没有通知时记“—”。</p>
<h2>合计</h2>
<div class="table-wrap">${table([...figures, "核验率", "逾期率"], [[...FIGURES.map((f) => report.totals[f]), rateText(report.rates.verified, report.totals.notices), rateText(report.rates.overdue, report.totals.notices)]])}</div>
<h2>逾期未转载（${report.totals.overdue}）</h2>
<div class="table-wrap">${tableHead(OVERDUE_HEAD)}${report.overdue.map(overdueRow).join("")}`;
  for await (const page of moreOverdue) yield page.map(overdueRow).join("");
  yield `${TABLE_END}</div>
<h2>按单位</h2>
<div class="table-wrap">${table(
    ["单位", "区划", "层级", ...figures, "核验率"],
    report.sites.map((s) => [
      s.name,
      s.region,
      level(s.level),
      ...FIGURES.map((f) => s[f]),
      rateText(s.rates.verified, s.notices),
    ]),
  )}</div>
<h2>按地区</h2>
<div class="table-wrap">${table(
    ["区划", ...figures, "核验率"],
    report.regions.map((r) => [r.region, ...FIGURES.map((f) => r[f]), rateText(r.rates.verified, r.notices)]),
  )}</div>
<h2>按文件</h2>
<div class="table-wrap">${table(
    ["文件", "发文字号", "期限", ...figures, "核验率"],
    report.documents.map((d) => [
      d.title,
      d.docNumber,
      `${d.deadline}${d.deadlineProvisional ? "（暂定）" : ""}`,
      ...FIGURES.map((f) => d[f]),
      rateText(d.rates.verified, d.notices),
    ]),
  )}</div>
`;
}

/** The overdue pages after the report's own, read from the index as the stream asks for them. */
export async function* remainingOverdue(
  platform: Pick<Platform, "records">,
  report: ComplianceReport,
): AsyncGenerator<readonly OverdueItem[]> {
  if (!report.overdueCursor) return;
  const { selected } = await documentsInScope(platform.records, report.filter);
  yield* overduePages(platform, report.filter, selected, { cursor: report.overdueCursor });
}

/**
 * The overdue pages from `from.cursor` on (the first page without one), OVERDUE_STREAM_PAGE each,
 * each page asked for before the one before it is handed on: the store reads the next page while
 * the caller writes this one out, instead of the two taking turns.
 */
async function* overduePages(
  platform: Pick<Platform, "records">,
  filter: ComplianceFilter,
  selected: readonly RepostDocument[],
  from: { readonly cursor: string | undefined },
): AsyncGenerator<readonly OverdueItem[]> {
  type Page = Awaited<ReturnType<typeof overduePage>>;
  const read = (cursor: string | undefined): Promise<Page> =>
    overduePage(platform.records, filter, selected, { limit: OVERDUE_STREAM_PAGE, cursor });
  let next: Promise<Page> | undefined = read(from.cursor);
  while (next) {
    const page: Page = await next;
    next = page.cursor ? read(page.cursor) : undefined;
    // Awaited on the next round; if the caller stops first, its failure is nobody's.
    next?.catch(() => {});
    yield page.items;
  }
}

/** The report's body as one string (the report's page of the overdue list only). */
export async function complianceHtmlContent(report: ComplianceReport): Promise<string> {
  let html = "";
  for await (const part of complianceHtmlParts(report)) html += part;
  return html;
}

/** The page of its own around the report (viewport, <main>), for callers without the site's layout. */
export const COMPLIANCE_PAGE_START = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>转载情况检查</title>
<style>body{font-family:system-ui,sans-serif;margin:0}main{max-width:64rem;margin:0 auto;padding:1rem}.table-wrap{overflow-x:auto}table{border-collapse:collapse;margin-bottom:2rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}</style></head><body>
<main id="main">
`;
export const COMPLIANCE_PAGE_END = `</main>
</body></html>`;

/** The report as a page of its own (the report's page of the overdue list only). */
export async function complianceHtml(report: ComplianceReport): Promise<string> {
  return `${COMPLIANCE_PAGE_START}${await complianceHtmlContent(report)}${COMPLIANCE_PAGE_END}`;
}

/** Text pieces as a UTF-8 byte stream for a Response body. */
export function textStream(parts: AsyncIterable<string> | Iterable<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator =
    Symbol.asyncIterator in parts
      ? (parts as AsyncIterable<string>)[Symbol.asyncIterator]()
      : (parts as Iterable<string>)[Symbol.iterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

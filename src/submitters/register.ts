import { parse as parseCsv } from "csv-parse/sync";
import { monotonicFactory } from "ulid";
import { isValidIsoDate, parseChineseDate } from "../documents/dates.js";
import { docNumberKey } from "../documents/doc-number.js";
import type { FieldProblem } from "../documents/errors.js";
import { traditionalToSimplified } from "../documents/han-variants.js";
import type { GazetteDocument } from "../documents/model.js";
import { docKeys, issuerDocumentsIndex } from "../documents/records.js";
import type { Clock, RecordStore } from "../platform/ports.js";
import type { IssuingBodies } from "./bodies.js";
import { problem, SubmitterInputError } from "./errors.js";
import type { IssuingBody, SubmissionView } from "./model.js";

/**
 * The completeness register (应登尽登): per issuing body, the normative documents (规范性文件) and
 * rules (规章) it has issued, and which of them reached the gazette office and which it carries.
 *
 * A register is kept as batches, each one record written whole (an import, an entry typed in the
 * console, a call of the body's system): a bad row refuses its whole batch, and a batch is stored
 * in one write, so nothing is ever stored half-way. An entry is identified by its normalised
 * 发文字号 (the shared grammar's docNumberKey); a later batch replaces an earlier entry of the
 * same number.
 */
export const REGISTER_KINDS = ["normative", "rule"] as const;
export type RegisterKind = (typeof REGISTER_KINDS)[number];
export const REGISTER_KIND_LABELS: Record<RegisterKind, string> = { normative: "规范性文件", rule: "规章" };

export interface RegisterEntry {
  readonly docNumber: string;
  readonly title: string;
  /** 成文日期 / 印发日期, YYYY-MM-DD. */
  readonly dateIssued: string;
  readonly kind: RegisterKind;
}

export type RegisterSource = "console" | "import" | "api";

interface RegisterBatch {
  readonly bodyId: string;
  readonly at: string;
  readonly by: string;
  readonly source: RegisterSource;
  readonly entries: readonly RegisterEntry[];
}

export interface StoredRegisterEntry extends RegisterEntry {
  readonly key: string;
  readonly enteredAt: string;
  readonly enteredBy: string;
  readonly source: RegisterSource;
}

/** Most rows one batch may carry (one record, under DynamoDB's 400 KB): split larger files. */
export const MAX_REGISTER_ROWS = 500;
export const DEFAULT_OVERDUE_DAYS = 30;

const registerPk = (bodyId: string) => `REGISTER#${bodyId}`;

/** Column names a CSV may use, English or Chinese. */
const COLUMNS: Record<keyof RegisterEntry, readonly string[]> = {
  docNumber: ["docnumber", "发文字号", "文号"],
  title: ["title", "标题", "文件名称", "名称"],
  dateIssued: ["dateissued", "成文日期", "印发日期", "发文日期", "日期"],
  kind: ["kind", "类别", "类型"],
};

// ---------------------------------------------------------------------------------------------
// Reading rows

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value.trim();
  if (typeof value === "number") return String(value);
  return undefined;
}

/**
 * One row checked; problems name the row (`entries.3.dateIssued`, rows counted from 1) and, for a
 * CSV, its line.
 */
function readRow(
  row: Record<string, unknown>,
  n: number,
  today: string,
  line?: number,
): RegisterEntry | FieldProblem[] {
  const where = line ? `row ${n} (line ${line})` : `row ${n}`;
  const f = (name: string) => `entries.${n}.${name}`;
  const problems: FieldProblem[] = [];
  const docNumber = text(row.docNumber);
  const title = text(row.title);
  const rawDate = text(row.dateIssued);
  const rawKind = text(row.kind) || "normative";
  if (!docNumber) problems.push(problem(f("docNumber"), "required", `${where}: 发文字号 is required`));
  else if (docNumber.length > 120)
    problems.push(problem(f("docNumber"), "too_long", `${where}: 发文字号 is at most 120 characters`));
  if (!title) problems.push(problem(f("title"), "required", `${where}: title (标题) is required`));
  else if (title.length > 300)
    problems.push(problem(f("title"), "too_long", `${where}: title is at most 300 characters`));
  let dateIssued: string | undefined;
  if (!rawDate)
    problems.push(problem(f("dateIssued"), "required", `${where}: dateIssued (成文日期) is required`));
  else {
    const iso = /^\d{4}-\d{2}-\d{2}$/.test(rawDate)
      ? rawDate
      : /^\d{4}[/.]\d{1,2}[/.]\d{1,2}$/.test(rawDate)
        ? rawDate
            .split(/[/.]/)
            .map((p, i) => (i ? p.padStart(2, "0") : p))
            .join("-")
        : parseChineseDate(rawDate);
    if (!iso || !isValidIsoDate(iso))
      problems.push(
        problem(
          f("dateIssued"),
          "invalid_date",
          `${where}: dateIssued ${rawDate} is not a date (YYYY-MM-DD or 2024年3月5日)`,
        ),
      );
    else if (iso > today || iso < "1949-10-01")
      problems.push(
        problem(
          f("dateIssued"),
          "out_of_range",
          `${where}: dateIssued ${iso} is in the future or before 1949-10-01`,
        ),
      );
    else dateIssued = iso;
  }
  const kind = rawKind === "规范性文件" ? "normative" : rawKind === "规章" ? "rule" : rawKind;
  if (!(REGISTER_KINDS as readonly string[]).includes(kind))
    problems.push(
      problem(f("kind"), "invalid", `${where}: kind must be normative (规范性文件) or rule (规章)`),
    );
  if (problems.length) return problems;
  return { docNumber: docNumber!, title: title!, dateIssued: dateIssued!, kind: kind as RegisterKind };
}

/** Rows of a JSON body: an array of entries, or {entries: [...]}. */
export function rowsFromJson(value: unknown): Record<string, unknown>[] {
  const list = Array.isArray(value)
    ? value
    : value && typeof value === "object" && Array.isArray((value as { entries?: unknown }).entries)
      ? (value as { entries: unknown[] }).entries
      : undefined;
  if (!list)
    throw new SubmitterInputError("not a register", [
      problem("entries", "invalid_type", "Send an array of entries, or {entries: [...]}"),
    ]);
  return list.map((row, i) => {
    if (!row || typeof row !== "object" || Array.isArray(row))
      throw new SubmitterInputError("row is not an object", [
        problem(
          `entries.${i + 1}`,
          "invalid_type",
          `row ${i + 1} must be an object with docNumber, title, dateIssued`,
        ),
      ]);
    return row as Record<string, unknown>;
  });
}

/** Rows of a CSV file (UTF-8, with or without BOM, a header row naming the columns). */
export function rowsFromCsv(csv: string): { rows: Record<string, unknown>[]; lines: number[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(csv.replace(/^\uFEFF/, ""), {
      bom: true,
      relax_column_count: false,
      skip_empty_lines: true,
      info: true,
      trim: true,
    }) as never;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new SubmitterInputError("unreadable CSV", [
      problem(
        "file",
        "invalid_csv",
        `The CSV cannot be read${line ? ` at line ${line}` : ""}: ${(error as Error).message}`,
      ),
    ]);
  }
  const [header, ...data] = records;
  if (!header)
    throw new SubmitterInputError("empty CSV", [
      problem("file", "empty", "The CSV has no header row and no entries"),
    ]);
  const names = header.record.map((h) => h.replace(/\s+/g, "").toLowerCase());
  const index: Partial<Record<keyof RegisterEntry, number>> = {};
  for (const [field, aliases] of Object.entries(COLUMNS) as [keyof RegisterEntry, readonly string[]][]) {
    const at = names.findIndex((n) => aliases.includes(n));
    if (at >= 0) index[field] = at;
  }
  const missing = (["docNumber", "title", "dateIssued"] as const).filter((f) => index[f] === undefined);
  if (missing.length)
    throw new SubmitterInputError("CSV header", [
      problem(
        "header",
        "missing_column",
        `The CSV header lacks ${missing.join(", ")} (columns: 发文字号/docNumber, 标题/title, 成文日期/dateIssued, optional 类别/kind)`,
      ),
    ]);
  return {
    rows: data.map(({ record }) =>
      Object.fromEntries(
        (Object.entries(index) as [string, number][]).map(([field, at]) => [field, record[at]]),
      ),
    ),
    lines: data.map(({ info }) => info.lines),
  };
}

// ---------------------------------------------------------------------------------------------
// Matching

const toSimplified = traditionalToSimplified();

/** A title as compared: Simplified, without spaces, punctuation or book-title marks. */
export function titleKey(title: string): string {
  return toSimplified(title.normalize("NFKC")).replace(/[\s\p{P}\p{S}]/gu, "");
}

function bigrams(s: string): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i + 1 < s.length; i++) {
    const g = s.slice(i, i + 2);
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/** Dice coefficient of the titles' character bigrams (1: the same title as compared). */
export function titleSimilarity(a: string, b: string): number {
  const x = titleKey(a);
  const y = titleKey(b);
  if (x === y) return 1;
  if (x.length < 2 || y.length < 2) return 0;
  const gx = bigrams(x);
  const gy = bigrams(y);
  let shared = 0;
  for (const [g, n] of gx) shared += Math.min(n, gy.get(g) ?? 0);
  return (2 * shared) / (x.length - 1 + (y.length - 1));
}

/** Titles at least this similar but not the same are flagged as near-duplicates. */
export const NEAR_DUPLICATE = 0.8;

/** What reached the gazette office: a body's submission, or a document of intake naming the body. */
export interface Candidate {
  readonly kind: "submission" | "document";
  readonly id: string;
  readonly title: string;
  readonly docNumber: string | null;
  /** published: carried by the gazette; submitted: reached the office (any other state). */
  readonly published: boolean;
  /** For a submission: its document once accepted (the same document is not counted twice). */
  readonly documentId?: string | null | undefined;
  readonly state: string;
}

export interface EntryStatus extends StoredRegisterEntry {
  readonly status: "published" | "submitted" | "missing";
  /** What it matched (published first), by 发文字号 or, failing that, by the same title. */
  readonly matchedBy: "docNumber" | "title" | null;
  readonly match: Pick<Candidate, "kind" | "id" | "title" | "docNumber" | "state"> | null;
  /** Missing: days since it was issued (China time). */
  readonly daysWaiting: number | null;
  readonly overdue: boolean;
  /** Titles close to this one (another number, a typo?), for a person to look at. */
  readonly nearDuplicates: readonly {
    readonly kind: Candidate["kind"] | "entry";
    readonly id: string;
    readonly title: string;
    readonly docNumber: string | null;
    readonly similarity: number;
  }[];
}

export interface BodyCompleteness {
  readonly body: Pick<IssuingBody, "id" | "name" | "regionCode">;
  readonly issued: number;
  readonly submitted: number;
  readonly published: number;
  readonly missing: number;
  readonly overdue: number;
  /** Longest wait of a missing entry, days; null when none is missing. */
  readonly longestWaitDays: number | null;
  readonly entries: readonly EntryStatus[];
}

export interface CompletenessReport {
  readonly generatedAt: string;
  /** The day waits are counted to (China time). */
  readonly today: string;
  readonly overdueDays: number;
  readonly totals: Omit<BodyCompleteness, "body" | "entries" | "longestWaitDays">;
  readonly bodies: readonly BodyCompleteness[];
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Matches one body's register to what reached the office. Pure: the report's figures come from here. */
export function matchRegister(
  entries: readonly StoredRegisterEntry[],
  candidates: readonly Candidate[],
  options: { readonly today: string; readonly overdueDays: number },
): EntryStatus[] {
  const byNumber = new Map<string, Candidate[]>();
  const byTitle = new Map<string, Candidate[]>();
  for (const c of candidates) {
    if (c.docNumber) {
      const key = docNumberKey(c.docNumber);
      byNumber.set(key, [...(byNumber.get(key) ?? []), c]);
    }
    const tk = titleKey(c.title);
    byTitle.set(tk, [...(byTitle.get(tk) ?? []), c]);
  }
  const best = (list: readonly Candidate[] | undefined) =>
    list?.length ? ([...list].sort((a, b) => Number(b.published) - Number(a.published))[0] ?? null) : null;
  return entries.map((entry) => {
    const byNo = best(byNumber.get(entry.key));
    const byT = byNo ? null : best(byTitle.get(titleKey(entry.title)));
    const match = byNo ?? byT;
    const status = match ? (match.published ? "published" : "submitted") : "missing";
    const daysWaiting =
      status === "missing" ? Math.max(0, daysBetween(entry.dateIssued, options.today)) : null;
    const nearDuplicates = [
      ...candidates
        .filter((c) => c !== match && titleKey(c.title) !== titleKey(entry.title))
        .map((c) => ({ c, s: titleSimilarity(c.title, entry.title) }))
        .filter(({ s }) => s >= NEAR_DUPLICATE)
        .map(({ c, s }) => ({
          kind: c.kind,
          id: c.id,
          title: c.title,
          docNumber: c.docNumber,
          similarity: round(s),
        })),
      ...entries
        .filter((other) => other !== entry)
        .map((other) => ({ other, s: titleSimilarity(other.title, entry.title) }))
        .filter(({ s }) => s >= NEAR_DUPLICATE)
        .map(({ other, s }) => ({
          kind: "entry" as const,
          id: other.key,
          title: other.title,
          docNumber: other.docNumber,
          similarity: round(s),
        })),
    ];
    return {
      ...entry,
      status,
      matchedBy: byNo ? "docNumber" : byT ? "title" : null,
      match: match && {
        kind: match.kind,
        id: match.id,
        title: match.title,
        docNumber: match.docNumber,
        state: match.state,
      },
      daysWaiting,
      overdue: daysWaiting !== null && daysWaiting > options.overdueDays,
      nearDuplicates,
    };
  });
}

function round(x: number) {
  return Math.round(x * 100) / 100;
}

export function summariseBody(body: IssuingBody, entries: readonly EntryStatus[]): BodyCompleteness {
  const missing = entries.filter((e) => e.status === "missing");
  return {
    body: { id: body.id, name: body.name, regionCode: body.regionCode },
    issued: entries.length,
    submitted: entries.filter((e) => e.status !== "missing").length,
    published: entries.filter((e) => e.status === "published").length,
    missing: missing.length,
    overdue: missing.filter((e) => e.overdue).length,
    longestWaitDays: missing.length ? Math.max(...missing.map((e) => e.daysWaiting ?? 0)) : null,
    // Missing first, longest wait first; then the rest by date.
    entries: [...entries].sort(
      (a, b) =>
        Number(b.status === "missing") - Number(a.status === "missing") ||
        (b.daysWaiting ?? -1) - (a.daysWaiting ?? -1) ||
        (a.dateIssued < b.dateIssued ? 1 : a.dateIssued > b.dateIssued ? -1 : 0),
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// The register service

export interface CompletenessRegisterOptions {
  readonly records: RecordStore;
  readonly clock: Clock;
  readonly bodies: IssuingBodies;
  /** Every submission of a body (the submission desk's listing). */
  readonly submissionsOf: (bodyId: string) => Promise<readonly Omit<SubmissionView, "history">[]>;
  /** Days after which a missing entry is overdue; default 30. */
  readonly overdueDays?: number | undefined;
}

function chinaToday(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export class CompletenessRegister {
  private readonly ulid = monotonicFactory();
  readonly overdueDays: number;

  constructor(private readonly options: CompletenessRegisterOptions) {
    this.overdueDays = options.overdueDays ?? DEFAULT_OVERDUE_DAYS;
  }

  /**
   * Adds entries to a body's register, all or none: every row is checked first, and a bad row
   * refuses the batch with each problem (row, field, reason); then the batch is one write.
   */
  async add(
    bodyId: string,
    rows: readonly Record<string, unknown>[],
    meta: {
      readonly by: string;
      readonly source: RegisterSource;
      readonly lines?: readonly number[] | undefined;
    },
  ): Promise<{ added: number; entries: RegisterEntry[] }> {
    await this.options.bodies.mustGet(bodyId);
    if (rows.length === 0)
      throw new SubmitterInputError("no entries", [
        problem("entries", "empty", "The register batch has no entries"),
      ]);
    if (rows.length > MAX_REGISTER_ROWS)
      throw new SubmitterInputError("too many rows", [
        problem("entries", "too_many", `At most ${MAX_REGISTER_ROWS} entries at a time; split the file`),
      ]);
    const now = this.options.clock.now();
    const today = chinaToday(now);
    const problems: FieldProblem[] = [];
    const entries: RegisterEntry[] = [];
    const seen = new Map<string, number>();
    rows.forEach((row, i) => {
      const read = readRow(row, i + 1, today, meta.lines?.[i]);
      if (Array.isArray(read)) problems.push(...read);
      else {
        const key = docNumberKey(read.docNumber);
        const earlier = seen.get(key);
        if (earlier !== undefined)
          problems.push(
            problem(
              `entries.${i + 1}.docNumber`,
              "duplicate",
              `row ${i + 1}: 发文字号 ${read.docNumber} is the same number as row ${earlier}`,
            ),
          );
        seen.set(key, i + 1);
        entries.push(read);
      }
    });
    if (problems.length) throw new SubmitterInputError("invalid register rows", problems.slice(0, 100));
    const at = now.toISOString();
    await this.options.records.put<RegisterBatch>(
      {
        pk: registerPk(bodyId),
        sk: `BATCH#${at}#${this.ulid(now.getTime())}`,
        data: { bodyId, at, by: meta.by, source: meta.source, entries },
      },
      { kind: "absent" },
    );
    return { added: entries.length, entries };
  }

  /** A body's register: each 发文字号 once (the latest batch's), newest issued first. */
  async entries(bodyId: string): Promise<StoredRegisterEntry[]> {
    const byKey = new Map<string, StoredRegisterEntry>();
    let cursor: string | undefined;
    do {
      const page = await this.options.records.query<RegisterBatch>(registerPk(bodyId), {
        prefix: "BATCH#",
        cursor,
      });
      for (const { data } of page.items)
        for (const entry of data.entries) {
          const key = docNumberKey(entry.docNumber);
          byKey.set(key, { ...entry, key, enteredAt: data.at, enteredBy: data.by, source: data.source });
        }
      cursor = page.cursor;
    } while (cursor);
    return [...byKey.values()].sort((a, b) =>
      a.dateIssued < b.dateIssued ? 1 : a.dateIssued > b.dateIssued ? -1 : 0,
    );
  }

  /**
   * The documents of intake that name this body among their issuers (with a 发文字号): the
   * issuers' index of intake's claims, then each document. The report reads what the body
   * registered and sent, never the whole documents index.
   */
  private async documentsOf(body: IssuingBody): Promise<GazetteDocument[]> {
    const out: GazetteDocument[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.options.records.query<{ documentId: string }>(issuerDocumentsIndex(body.name), {
        index: "gsi1",
        cursor,
        limit: 200,
      });
      for (const { data } of page.items) {
        const doc = await this.options.records.get<GazetteDocument>(docKeys(data.documentId));
        if (doc?.data.issuers.includes(body.name)) out.push(doc.data);
      }
      cursor = page.cursor;
    } while (cursor);
    return out;
  }

  private async candidatesOf(body: IssuingBody, own: readonly GazetteDocument[]): Promise<Candidate[]> {
    const submissions = await this.options.submissionsOf(body.id);
    const listed = new Set(own.map((d) => d.id));
    return [
      ...own.map(
        (d): Candidate => ({
          kind: "document",
          id: d.id,
          title: d.title,
          docNumber: d.docNumber,
          published: d.state === "published",
          state: d.state,
        }),
      ),
      // A submission whose document is listed above adds nothing; the others (received, returned)
      // reached the office without a document of intake yet.
      ...submissions
        .filter((s) => !(s.documentId && listed.has(s.documentId)))
        .map(
          (s): Candidate => ({
            kind: "submission",
            id: s.id,
            title: s.title,
            docNumber: s.docNumber,
            published: s.state === "published",
            documentId: s.documentId,
            state: s.state,
          }),
        ),
    ];
  }

  /** One body's entries matched to what reached the office. */
  async bodyStatus(body: IssuingBody, options: { today: string; overdueDays: number }) {
    const entries = await this.entries(body.id);
    const candidates = await this.candidatesOf(body, await this.documentsOf(body));
    return summariseBody(body, matchRegister(entries, candidates, options));
  }

  /** The report over every body (or one), with exact figures and each entry's status. */
  async report(
    options: { readonly bodyId?: string | undefined; readonly overdueDays?: number | undefined } = {},
  ) {
    const now = this.options.clock.now();
    const today = chinaToday(now);
    const overdueDays = options.overdueDays ?? this.overdueDays;
    const bodies = options.bodyId
      ? [await this.options.bodies.mustGet(options.bodyId)]
      : await this.options.bodies.list();
    const results: BodyCompleteness[] = [];
    for (const body of bodies) results.push(await this.bodyStatus(body, { today, overdueDays }));
    const sum = (f: (b: BodyCompleteness) => number) => results.reduce((n, b) => n + f(b), 0);
    const report: CompletenessReport = {
      generatedAt: now.toISOString(),
      today,
      overdueDays,
      totals: {
        issued: sum((b) => b.issued),
        submitted: sum((b) => b.submitted),
        published: sum((b) => b.published),
        missing: sum((b) => b.missing),
        overdue: sum((b) => b.overdue),
      },
      // Most overdue first, then most missing.
      bodies: results.sort(
        (a, b) => b.overdue - a.overdue || b.missing - a.missing || a.body.id.localeCompare(b.body.id),
      ),
    };
    return report;
  }

  /**
   * The overdue entries of every body, longest wait first (the editors' home page): the first
   * `limit`, and how many there are.
   */
  async overdueItems(options: { readonly limit: number }): Promise<{
    total: number;
    overdueDays: number;
    items: (EntryStatus & { readonly body: BodyCompleteness["body"] })[];
  }> {
    const report = await this.report();
    const all = report.bodies
      .flatMap((b) => b.entries.filter((e) => e.overdue).map((e) => ({ ...e, body: b.body })))
      .sort((a, b) => (b.daysWaiting ?? 0) - (a.daysWaiting ?? 0));
    return { total: all.length, overdueDays: report.overdueDays, items: all.slice(0, options.limit) };
  }

  /**
   * What the public may know: per body and year of issue, how many registered normative documents
   * and rules the gazette carries. Figures only, never the titles of what it does not carry yet.
   */
  async publicFigures(): Promise<PublicCompleteness> {
    const report = await this.report();
    const rows: PublicCompletenessRow[] = [];
    for (const body of report.bodies) {
      const years = new Map<number, { registered: number; carried: number }>();
      for (const e of body.entries) {
        const year = Number(e.dateIssued.slice(0, 4));
        const figures = years.get(year) ?? { registered: 0, carried: 0 };
        figures.registered += 1;
        if (e.status === "published") figures.carried += 1;
        years.set(year, figures);
      }
      for (const [year, figures] of years)
        rows.push({ body: body.body.name, regionCode: body.body.regionCode, year, ...figures });
    }
    rows.sort(
      (a, b) => b.year - a.year || a.regionCode.localeCompare(b.regionCode) || a.body.localeCompare(b.body),
    );
    return { generatedAt: report.generatedAt, rows };
  }
}

export interface PublicCompletenessRow {
  readonly body: string;
  readonly regionCode: string;
  readonly year: number;
  readonly registered: number;
  readonly carried: number;
}

export interface PublicCompleteness {
  readonly generatedAt: string;
  readonly rows: readonly PublicCompletenessRow[];
}

import { monotonicFactory } from "ulid";
import { isValidIsoDate, parseChineseDate } from "../documents/dates.js";
import { docNumberKey } from "../documents/doc-number.js";
import type { FieldProblem } from "../documents/errors.js";
import { lazyTraditionalToSimplified } from "../documents/han-variants.js";
import type { GazetteDocument } from "../documents/model.js";
import { docKeys, issuerDocumentsIndex } from "../documents/records.js";
import { ConditionFailedError } from "../platform/errors.js";
import type { Clock, RecordStore, StoredRecord } from "../platform/ports.js";
import { shardOf, shardPartitions } from "../platform/sharded.js";
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
/** The CSV columns of each field, by the names a header may give them (./register-csv.ts). */
export const COLUMNS: Record<keyof RegisterEntry, readonly string[]> = {
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

// ---------------------------------------------------------------------------------------------
// Matching

const toSimplified = lazyTraditionalToSimplified();

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

interface PreparedTitle {
  readonly key: string;
  readonly grams: Map<string, number>;
}

function prepareTitle(title: string): PreparedTitle {
  const key = titleKey(title);
  return { key, grams: bigrams(key) };
}

function dice(x: PreparedTitle, y: PreparedTitle, atLeast = 0): number {
  if (x.key === y.key) return 1;
  const nx = x.key.length - 1;
  const ny = y.key.length - 1;
  if (nx < 1 || ny < 1) return 0;
  // The shared bigrams are at most the fewer: a pair this unequal in length cannot reach `atLeast`.
  if ((2 * Math.min(nx, ny)) / (nx + ny) < atLeast) return 0;
  let shared = 0;
  for (const [g, n] of x.grams) shared += Math.min(n, y.grams.get(g) ?? 0);
  return (2 * shared) / (nx + ny);
}

/** Dice coefficient of the titles' character bigrams (1: the same title as compared). */
export function titleSimilarity(a: string, b: string): number {
  return dice(prepareTitle(a), prepareTitle(b));
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
  options: {
    readonly today: string;
    readonly overdueDays: number;
    /** Look for near-duplicate titles (default); left out where only the status counts (the dashboard). */
    readonly nearDuplicates?: boolean | undefined;
  },
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
  // Each title's key and bigrams once: near-duplicates compare every entry with every other title.
  const prepared = new Map<string, PreparedTitle>();
  const prep = (title: string) => {
    let p = prepared.get(title);
    if (!p) {
      p = prepareTitle(title);
      prepared.set(title, p);
    }
    return p;
  };
  const similarity = (a: string, b: string) => dice(prep(a), prep(b), NEAR_DUPLICATE);
  const best = (list: readonly Candidate[] | undefined) =>
    list?.length ? ([...list].sort((a, b) => Number(b.published) - Number(a.published))[0] ?? null) : null;
  return entries.map((entry) => {
    const byNo = best(byNumber.get(entry.key));
    const byT = byNo ? null : best(byTitle.get(titleKey(entry.title)));
    const match = byNo ?? byT;
    const status = match ? (match.published ? "published" : "submitted") : "missing";
    const daysWaiting =
      status === "missing" ? Math.max(0, daysBetween(entry.dateIssued, options.today)) : null;
    const nearDuplicates =
      options.nearDuplicates === false
        ? []
        : [
            ...candidates
              .filter((c) => c !== match && prep(c.title).key !== prep(entry.title).key)
              .map((c) => ({ c, s: similarity(c.title, entry.title) }))
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
              .map((other) => ({ other, s: similarity(other.title, entry.title) }))
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
  /**
   * The latest change of any of a body's submissions (its inbox's newest event), as a string that
   * starts with the change's ISO time; null when the body has none. The dashboard's summaries
   * (overdueItems) are recomputed when it moves.
   */
  readonly latestSubmissionChange: (bodyId: string) => Promise<string | null>;
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
   * The overdue entries of every body, longest wait first (ties: by body id, then 发文字号 key), as
   * the editors' home page shows them: the first `limit` (at most SUMMARY_OLDEST), and how many
   * there are. Read from each body's summary (see BodySummary), not from the whole report: a view
   * reads the bodies, their summaries and, per body, the newest register batch, submission change
   * and document of intake naming it — O(bodies), whatever the registers hold. A body whose inputs
   * moved since its summary was made is summarised again (and stored) first, so the figures are
   * always the report's (`report()`, tested against it).
   */
  async overdueItems(options: { readonly limit: number }): Promise<{
    total: number;
    overdueDays: number;
    items: OverdueEntry[];
  }> {
    const limit = Math.min(options.limit, SUMMARY_OLDEST);
    const now = this.options.clock.now();
    const today = chinaToday(now);
    const overdueDays = this.overdueDays;
    const [bodies, stored] = await Promise.all([this.options.bodies.list(), this.storedSummaries()]);
    const summaries = await Promise.all(
      bodies.map(async (body) => {
        const inputs = await this.inputsOf(body);
        const existing = stored.get(body.id);
        if (existing && isCurrent(existing.data, inputs)) return existing.data;
        return this.summarise(body, inputs, existing);
      }),
    );
    let total = 0;
    const items: OverdueEntry[] = [];
    for (const summary of summaries) {
      for (const [date, n] of Object.entries(summary.missingByDate))
        if (daysBetween(date, today) > overdueDays) total += n;
      for (const e of summary.oldest) {
        const daysWaiting = Math.max(0, daysBetween(e.dateIssued, today));
        if (daysWaiting > overdueDays) items.push({ ...e, body: summary.body, daysWaiting });
      }
    }
    items.sort(
      (a, b) =>
        b.daysWaiting - a.daysWaiting ||
        a.body.id.localeCompare(b.body.id) ||
        (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    );
    return { total, overdueDays, items: items.slice(0, limit) };
  }

  /** Every body's stored summary, by body id. */
  private async storedSummaries(): Promise<Map<string, StoredRecord<BodySummary>>> {
    const out = new Map<string, StoredRecord<BodySummary>>();
    await Promise.all(
      shardPartitions(SUMMARY_KIND).map(async (partition) => {
        let cursor: string | undefined;
        do {
          const page = await this.options.records.query<BodySummary>(partition, { cursor, limit: 200 });
          for (const r of page.items) out.set(r.sk, r);
          cursor = page.cursor;
        } while (cursor);
      }),
    );
    return out;
  }

  /**
   * The newest of each input of a body's status: register batch (batches are only added), change
   * of a submission (its inbox), document of intake naming the body (the issuers' index). Read
   * before the data a summary is made from, so a change that lands meanwhile moves them.
   */
  private async inputsOf(body: IssuingBody): Promise<SummaryInputs> {
    const { records } = this.options;
    const [batch, change, claim] = await Promise.all([
      records.query(registerPk(body.id), { prefix: "BATCH#", descending: true, limit: 1 }),
      this.options.latestSubmissionChange(body.id),
      records.query(issuerDocumentsIndex(body.name), { index: "gsi1", descending: true, limit: 1 }),
    ]);
    return {
      batch: batch.items[0]?.sk.slice("BATCH#".length) ?? null,
      change,
      claim: claim.items[0]?.index?.gsi1sk ?? null,
    };
  }

  /** A body's summary made from its register and what reached the office, and stored. */
  private async summarise(
    body: IssuingBody,
    inputs: SummaryInputs,
    existing: StoredRecord<BodySummary> | undefined,
  ): Promise<BodySummary> {
    const now = this.options.clock.now();
    const entries = await this.entries(body.id);
    const candidates = await this.candidatesOf(body, await this.documentsOf(body));
    // Status only: waits are counted when the summary is read, from the dates issued.
    const statuses = matchRegister(entries, candidates, {
      today: chinaToday(now),
      overdueDays: this.overdueDays,
      nearDuplicates: false,
    });
    const missing = statuses
      .filter((e) => e.status === "missing")
      .sort(
        (a, b) => a.dateIssued.localeCompare(b.dateIssued) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
      );
    const missingByDate: Record<string, number> = {};
    for (const e of missing) missingByDate[e.dateIssued] = (missingByDate[e.dateIssued] ?? 0) + 1;
    const summary: BodySummary = {
      body: { id: body.id, name: body.name, regionCode: body.regionCode },
      computedAt: now.toISOString(),
      inputs,
      issued: statuses.length,
      missing: missing.length,
      missingByDate,
      oldest: missing.slice(0, SUMMARY_OLDEST).map((e) => ({
        key: e.key,
        docNumber: e.docNumber,
        title: e.title,
        dateIssued: e.dateIssued,
        kind: e.kind,
      })),
    };
    try {
      await this.options.records.put<BodySummary>(
        { ...summaryKey(body.id), data: summary },
        existing ? { kind: "version", version: existing.version } : { kind: "absent" },
      );
    } catch (error) {
      // Another view stored one meanwhile; this one is as exact for this view.
      if (!(error instanceof ConditionFailedError)) throw error;
    }
    return summary;
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

/**
 * A body's completeness as the editors' dashboard needs it (overdueItems): which registered
 * entries are missing, by date issued, and the oldest of them. Overdue is a matter of the day
 * (over `overdueDays` since issued), so it is counted when read, from the dates.
 *
 *   pk COMPLETENESS#<shard>   sk <bodyId>   (shard: a hash of the body id, platform/sharded.ts)
 *
 * A summary is current while none of its inputs (SummaryInputs) moved and it was made at least
 * SUMMARY_SETTLE_MS after the newest of them: a change committed late under an earlier time
 * (two intakes at once) is still seen, as a write does not take that long to commit.
 */
interface BodySummary {
  readonly body: Pick<IssuingBody, "id" | "name" | "regionCode">;
  readonly computedAt: string;
  readonly inputs: SummaryInputs;
  readonly issued: number;
  readonly missing: number;
  /** Date issued → missing entries issued that day. */
  readonly missingByDate: Readonly<Record<string, number>>;
  /** The first SUMMARY_OLDEST missing entries by date issued (ties: by key). */
  readonly oldest: readonly SummaryEntry[];
}

interface SummaryInputs {
  /** `<time>#<id>` of the newest register batch. */
  readonly batch: string | null;
  /** `<time>#…` of the newest change of a submission. */
  readonly change: string | null;
  /** `<receivedAt>#<document id>` of the newest document of intake naming the body. */
  readonly claim: string | null;
}

type SummaryEntry = Pick<StoredRegisterEntry, "key" | "docNumber" | "title" | "dateIssued" | "kind">;

/** An overdue entry as the dashboard lists it. */
export interface OverdueEntry extends SummaryEntry {
  readonly body: BodyCompleteness["body"];
  readonly daysWaiting: number;
}

/** Missing entries kept in each summary: the most a dashboard lists. */
export const SUMMARY_OLDEST = 50;
const SUMMARY_SETTLE_MS = 120_000;
const SUMMARY_KIND = "COMPLETENESS";

function summaryKey(bodyId: string) {
  return { pk: `${SUMMARY_KIND}#${shardOf(bodyId)}`, sk: bodyId };
}

function isCurrent(summary: BodySummary, inputs: SummaryInputs): boolean {
  const same =
    summary.inputs.batch === inputs.batch &&
    summary.inputs.change === inputs.change &&
    summary.inputs.claim === inputs.claim;
  if (!same) return false;
  const newest = Math.max(
    0,
    ...[inputs.batch, inputs.change, inputs.claim].map((v) => (v ? Date.parse(v.split("#")[0]!) : 0)),
  );
  return !Number.isFinite(newest) ? false : Date.parse(summary.computedAt) >= newest + SUMMARY_SETTLE_MS;
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

/**
 * Stage 3, completion (after every unit): the last unit builds the items.
 *
 * Reads: the job record and every unit result (records.ts `unitSk`).
 * When every unit has a result: segments the text into items (deterministic ids
 *   `<job>-<n, 3>`), writes each item (text blob + record, conditional put; in the review index
 *   when it needs review), writes the listings (listings.ts), feeds the search index, then marks
 *   the job done (failed when every unit failed).
 * Any delivery may run it, any number of times: each write is idempotent, so a crash at any
 * point is finished by the next delivery.
 */

import { ConditionFailedError } from "../platform/errors.js";
import type { Platform, StoredRecord } from "../platform/ports.js";
import type { SearchIndex } from "../search/ports.js";
import { segmentDocument } from "./ingest/document.js";
import type { ArchiveListings } from "./listings.js";
import type { ArchiveItem, ArchiveJob, UnitResult } from "./model.js";
import {
  ITEM_SK,
  itemPk,
  JOB_SK,
  jobPk,
  nowIso,
  putItem,
  readUnits,
  type StoredItem,
  searchDocument,
  withText,
} from "./records.js";
import { linesOf, type Segment, segmentEdition, type TextLine } from "./segment.js";

/** Confidence under which an item waits for review (0–1). */
const REVIEW_THRESHOLD = 0.75;

export interface CompletionOptions {
  readonly platform: Platform;
  readonly listings: ArchiveListings;
  /** Where items are fed for public search; left out, nothing is indexed. */
  readonly search?: SearchIndex | undefined;
}

interface ItemDraft {
  readonly segment: Segment;
  readonly confidence: number;
  readonly reasons: string[];
  readonly ref: string | undefined;
  readonly pages: ArchiveItem["pages"];
}

export class Completion {
  private readonly platform: Platform;

  constructor(private readonly options: CompletionOptions) {
    this.platform = options.platform;
  }

  /** Segments, stores items and marks the job done once every unit has a result. Idempotent. */
  async complete(jobId: string): Promise<void> {
    const job = await this.platform.records.get<ArchiveJob>({ pk: jobPk(jobId), sk: JOB_SK });
    if (!job || job.data.status === "done" || job.data.status === "failed") return;
    const total = job.data.kind === "scans" ? job.data.pages.length : job.data.documents;
    const units = await readUnits(this.platform, jobId);
    if (units.length < total) return;
    const drafts = job.data.kind === "scans" ? scanItems(units) : textItems(units);
    const items: ArchiveItem[] = [];
    for (const [n, draft] of drafts.entries()) items.push(await this.storeItem(job.data, n + 1, draft));
    await this.options.listings.writeJob(job.data, items);
    if (this.options.search && items.length) await this.options.search.index(items.map(searchDocument));
    const allFailed = units.every((u) => u.status === "failed");
    await this.finish(
      job,
      allFailed ? "failed" : "done",
      items.map((i) => i.id),
    );
  }

  private async storeItem(job: ArchiveJob, n: number, draft: ItemDraft): Promise<ArchiveItem> {
    const id = `${job.id}-${String(n).padStart(3, "0")}`;
    const existing = await this.platform.records.get<StoredItem>({ pk: itemPk(id), sk: ITEM_SK });
    if (existing) return withText(this.platform, existing.data);
    const s = draft.segment;
    const now = nowIso(this.platform);
    const item: ArchiveItem = {
      id,
      jobId: job.id,
      source: job.kind === "scans" ? "scan" : "text",
      ref: draft.ref,
      title: s.title,
      docNumberPrinted: s.docNumberPrinted,
      docNumber: s.docNumber,
      issuers: s.issuers,
      date: s.date,
      dateKind: s.dateKind,
      dates: s.dates,
      kind: s.kind,
      text: s.text,
      pages: draft.pages,
      edition: job.edition,
      scanKeys: job.files.map((f) => f.key),
      confidence: Math.round(draft.confidence * 100) / 100,
      review: draft.reasons.length > 0,
      reviewReasons: draft.reasons,
      createdAt: now,
      updatedAt: now,
      history: [],
    };
    await putItem(this.platform, item, { kind: "absent" }).catch((error) => {
      if (!(error instanceof ConditionFailedError)) throw error;
    });
    return item;
  }

  private async finish(
    job: StoredRecord<ArchiveJob>,
    status: "done" | "failed",
    itemIds: string[],
  ): Promise<void> {
    try {
      await this.platform.records.put(
        {
          pk: job.pk,
          sk: job.sk,
          data: { ...job.data, status, itemIds, finishedAt: nowIso(this.platform) },
        },
        { kind: "version", version: job.version },
      );
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      // Another delivery changed the job meanwhile (running → done): run again on the fresh copy.
      await this.complete(job.data.id);
    }
  }
}

function scanItems(units: readonly UnitResult[]): ItemDraft[] {
  const lines: TextLine[] = units.flatMap((u) => linesOf(u.text, u.index + 1));
  const byPage = new Map(units.map((u) => [u.index + 1, u]));
  return segmentEdition(lines).map((segment) => {
    const pages = segment.pages.map((p) => byPage.get(p)!);
    const ocr = pages.length ? pages.reduce((s, u) => s + u.confidence, 0) / pages.length / 100 : 0;
    // Review looks at this item's own pages only: every page from its first to its last (a
    // failed page has no text, so it lies in the gap it leaves). A page lost at either end shows
    // as a missing title or date.
    const first = Math.min(...segment.pages);
    const last = Math.max(...segment.pages);
    const span = units.filter((u) => u.index + 1 >= first && u.index + 1 <= last);
    const read = span.filter((u) => u.status !== "failed");
    const lowest = read.length ? Math.min(...read.map((u) => u.confidence)) / 100 : 0;
    const reasons = reviewReasons(segment, lowest);
    if (span.some((u) => u.status === "failed")) reasons.push("page_failed");
    return {
      segment,
      confidence: confidenceOf(segment, ocr),
      reasons,
      ref: undefined,
      pages: segment.pages.map((p) => {
        const u = byPage.get(p);
        return { page: p, imageKey: u?.imageKey, hocrKey: u?.hocrKey, width: u?.width, height: u?.height };
      }),
    };
  });
}

function textItems(units: readonly UnitResult[]): ItemDraft[] {
  return units
    .filter((u) => u.status === "done" && u.text.trim())
    .flatMap((u) =>
      // One submitted document is one item (a JSON dump of several records, one per record), its
      // stated metadata preferred to what segmentation guesses.
      (u.documents ?? [{ text: u.text, hints: {} }])
        .filter((d) => d.text.trim() || d.hints.title)
        .map((d) => {
          const segment = segmentDocument(d.text, d.hints);
          return {
            segment,
            confidence: confidenceOf(segment, 1),
            reasons: reviewReasons(segment, 1),
            ref: u.ref,
            pages: [],
          };
        }),
    );
}

function confidenceOf(segment: Segment, ocr: number): number {
  const penalty = segment.missing.filter((m) => m !== "kind").length * 0.15;
  return Math.max(0, Math.min(1, ocr) - penalty);
}

function reviewReasons(segment: Segment, ocr: number): string[] {
  const reasons: string[] = [];
  if (ocr < REVIEW_THRESHOLD) reasons.push("low_ocr_confidence");
  for (const m of segment.missing) if (m !== "kind") reasons.push(`${m}_not_found`);
  return reasons;
}

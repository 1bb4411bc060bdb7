/**
 * Stage 4, review: an editor reads an item and corrects it.
 *
 * Reads: the item record (records.ts `itemPk`/`ITEM_SK`) and its text blob.
 * Writes (a correction): the item (new text blob if the text changed, record at the next version,
 *   out of the review index unless `review: true`) with the change in its history (who, when,
 *   from, to), then its listings (listings.ts) and its search document.
 */
import { ConditionFailedError } from "../platform/errors.js";
import type { Platform, StoredRecord } from "../platform/ports.js";
import type { SearchIndex } from "../search/ports.js";
import {
  ArchiveConflictError,
  ArchiveNotFoundError,
  InvalidArchiveRequestError,
  problem,
  zodProblems,
} from "./errors.js";
import type { ArchiveListings } from "./listings.js";
import { type ArchiveItem, type ItemCorrection, itemCorrectionSchema } from "./model.js";
import { ITEM_SK, itemPk, nowIso, putItem, type StoredItem, searchDocument, withText } from "./records.js";
import { normalizeArchiveDocNumber } from "./segment.js";

export interface ReviewOptions {
  readonly platform: Platform;
  readonly listings: ArchiveListings;
  readonly search?: SearchIndex | undefined;
}

export class ArchiveReview {
  private readonly platform: Platform;

  constructor(private readonly options: ReviewOptions) {
    this.platform = options.platform;
  }

  async getItem(id: string): Promise<ArchiveItem & { version: number }> {
    const record = await this.platform.records.get<StoredItem>({ pk: itemPk(id), sk: ITEM_SK });
    if (!record)
      throw new ArchiveNotFoundError("no such item", [problem("id", "not_found", `No archive item ${id}`)]);
    return { ...(await withText(this.platform, record.data)), version: record.version };
  }

  /**
   * An editor's correction: changed fields are recorded with who and when, the item leaves the
   * review queue (unless `review: true`), listings and the search index are updated. With
   * `expectedVersion` (If-Match) a concurrent change is refused with 409.
   */
  async correctItem(
    id: string,
    input: unknown,
    by: string,
    expectedVersion?: number,
  ): Promise<ArchiveItem & { version: number }> {
    const parsed = itemCorrectionSchema.safeParse(input);
    if (!parsed.success)
      throw new InvalidArchiveRequestError("invalid correction", zodProblems(parsed.error));
    const current = await this.getItem(id);
    if (expectedVersion !== undefined && expectedVersion !== current.version) {
      throw new ArchiveConflictError("stale", [
        problem("If-Match", "version_mismatch", `The item is at version ${current.version}`),
      ]);
    }
    const { review, ...fields } = parsed.data;
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const next: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      const to =
        value === null
          ? undefined
          : field === "docNumber" && typeof value === "string"
            ? normalizeArchiveDocNumber(value)
            : value;
      const from = (current as unknown as Record<string, unknown>)[field];
      if (JSON.stringify(from) === JSON.stringify(to)) continue;
      changes[field] = { from: from ?? null, to: to ?? null };
      next[field] = to;
    }
    if ("date" in changes || "dateKind" in changes)
      Object.assign(next, datesCorrected(current, next, changes));
    const nextReview = review ?? false;
    if (nextReview !== current.review) changes.review = { from: current.review, to: nextReview };
    if (Object.keys(changes).length === 0) return current;
    const correction: ItemCorrection = { at: nowIso(this.platform), by, changes };
    const { version, ...rest } = current;
    const updated: ArchiveItem = {
      ...rest,
      ...next,
      docNumberPrinted: "docNumber" in next ? (fields.docNumber ?? undefined) : rest.docNumberPrinted,
      review: nextReview,
      reviewReasons: nextReview ? rest.reviewReasons : [],
      updatedAt: correction.at,
      history: [...rest.history, correction],
    };
    let stored: StoredRecord;
    try {
      stored = await putItem(this.platform, updated, { kind: "version", version });
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      throw new ArchiveConflictError("concurrent change", [
        problem(null, "conflict", "The item changed meanwhile; reload and retry"),
      ]);
    }
    await this.options.listings.updateItem(current, updated);
    await this.options.search?.index([searchDocument(updated)]);
    return { ...updated, version: stored.version };
  }
}

/**
 * A corrected date: a cleared date takes its kind with it, and the corrected date replaces the one
 * it corrects in the item's list of dates.
 */
function datesCorrected(
  current: ArchiveItem,
  next: Record<string, unknown>,
  changes: Record<string, { from: unknown; to: unknown }>,
): Pick<ArchiveItem, "dateKind" | "dates"> {
  const date = "date" in next ? (next.date as string | undefined) : current.date;
  let dateKind = "dateKind" in next ? (next.dateKind as ArchiveItem["dateKind"]) : current.dateKind;
  if (date === undefined && dateKind !== undefined) {
    changes.dateKind = { from: current.dateKind ?? null, to: null };
    dateKind = undefined;
  }
  const dates = (current.dates ?? []).filter(
    (d) => !(d.kind === current.dateKind && d.date === current.date),
  );
  if (
    date !== undefined &&
    dateKind !== undefined &&
    !dates.some((d) => d.kind === dateKind && d.date === date)
  )
    dates.push({ kind: dateKind, date });
  return { dateKind, dates };
}

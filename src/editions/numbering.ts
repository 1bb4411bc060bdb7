import { ConditionFailedError, StorageUnavailableError } from "../platform/errors.js";
import type { RecordStore } from "../platform/ports.js";
import { PlacementRefusedError, problem } from "./errors.js";
import type { Edition } from "./model.js";
import { EDITIONS_PARTITION, editionKeys } from "./records.js";

/**
 * Edition numbering: 第N期 restarts at 1 each year, 总第N期 (cumulative) never restarts, and
 * neither may have a gap or a duplicate, also when editors create editions at the same moment.
 *
 * Design: the number IS the edition. Editions are one chain of records keyed by their cumulative
 * number (pk EDITIONS, sk C#0000000123), and creating an edition is one conditional put
 * (`absent`) of the edition record at `last + 1`, whose issue number follows from the record it
 * was chained to (same year: its issue + 1; a later year: 1). Two concurrent creators both read
 * `last` = N and both try N + 1; exactly one put succeeds, the other gets ConditionFailedError,
 * re-reads the tail and tries N + 2 (optimistic concurrency, a retry loop, no transactions).
 *
 * Why not a counter record plus a separate edition record: allocating (counter N → N + 1) and
 * writing the edition are then two writes, and a crash between them loses number N for good — a
 * gap in 总第N期 — unless the counter also records a reservation that every later reader must
 * find and complete. Here there is nothing to complete: a number is allocated exactly when its
 * edition exists, in the same single-item write, so a crash before the put allocates nothing and
 * a crash after it leaves a complete draft. Uniqueness of (year, issue) follows by induction: each
 * record's issue is derived from its immediate predecessor, which exists (records are never
 * deleted — a draft can be emptied and reused, not removed, or it would leave a gap).
 *
 * Consequences: the edition id is its cumulative number ("123"), so a look-up by id is a direct
 * get; editions are numbered in creation order, so an edition for an earlier year than the latest
 * edition's year is refused (its cumulative number would come after a later year's).
 */
export interface NumberingStart {
  readonly year: number;
  readonly issue: number;
  readonly cumulative: number;
}

/** Parses "2024/12/845" (year/issue/cumulative of the last edition printed before this system). */
export function parseNumberingStart(raw: string | undefined): NumberingStart | undefined {
  if (!raw) return undefined;
  const m = /^(\d{4})\/(\d{1,4})\/(\d{1,9})$/.exec(raw.trim());
  if (!m)
    throw new RangeError(
      `GAZETTE_CONTINUE_FROM must look like 2024/12/845 (year/issue/总第N期), got "${raw}"`,
    );
  return { year: Number(m[1]), issue: Number(m[2]), cumulative: Number(m[3]) };
}

export async function allocateEdition(
  records: RecordStore,
  draft: {
    readonly year: number;
    readonly date: string;
    readonly createdAt: string;
    readonly createdBy: string;
  },
  options: {
    readonly maxAttempts?: number;
    /** The last issue printed before this system took over (a gazette at 总第845期 continues at 846). */
    readonly continueFrom?: NumberingStart | undefined;
  } = {},
): Promise<Edition> {
  const maxAttempts = options.maxAttempts ?? 200;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const tail = await records.query<Edition>(EDITIONS_PARTITION, { descending: true, limit: 1 });
    const last: Pick<Edition, "year" | "issue" | "cumulative"> | undefined =
      tail.items[0]?.data ?? options.continueFrom;
    if (last && draft.year < last.year) {
      throw new PlacementRefusedError(`Editions of ${last.year} exist already`, [
        problem(
          "year",
          "year_closed",
          `The latest edition is of ${last.year} (总第${last.cumulative}期); editions are numbered in order, so no edition of ${draft.year} can follow it`,
        ),
      ]);
    }
    const cumulative = (last?.cumulative ?? 0) + 1;
    const issue = last && last.year === draft.year ? last.issue + 1 : 1;
    const edition: Edition = {
      id: String(cumulative),
      year: draft.year,
      issue,
      cumulative,
      date: draft.date,
      status: "draft",
      documents: [],
      createdAt: draft.createdAt,
      createdBy: draft.createdBy,
      publishing: null,
      publishedAt: null,
      publishedBy: null,
      urls: null,
      documentUrls: null,
      announcedAt: null,
    };
    try {
      await records.put({ ...editionKeys(cumulative), data: edition }, { kind: "absent" });
      return edition;
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      // Someone else took N + 1. Spread the retries a little so a burst of creators settles.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 * (attempt + 1))));
    }
  }
  throw new StorageUnavailableError("Edition numbering is congested; retry");
}

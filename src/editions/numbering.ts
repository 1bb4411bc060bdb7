import { ConditionFailedError, StorageUnavailableError } from "../platform/errors.js";
import type { RecordStore, StoredRecord } from "../platform/ports.js";
import { EditionConflictError, EditionNotFoundError, PlacementRefusedError, problem } from "./errors.js";
import type { Edition } from "./model.js";
import { cumulativeFromId, editionKeys, editionRecord, getEdition, lastEdition } from "./records.js";

/**
 * Edition numbering: 第N期 restarts at 1 each year, 总第N期 (cumulative) never restarts, and
 * neither may have a gap or a duplicate, also when editors create editions at the same moment.
 *
 * Design: the number IS the edition. Editions are one chain of records keyed by their cumulative
 * number (pk EDITION#123, records.ts), and creating an edition is one conditional put
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
 * record's issue is derived from its immediate predecessor, which exists: only the last edition
 * of the chain can be deleted, and only while unpublished (deleteLastEdition below).
 *
 * Published numbers never skip. A stray draft would otherwise leave its number unpublished
 * between two published editions (第1期, then 第3期). Two rules prevent it: an edition is
 * published only after the edition before it (EditionService.publish), and an unpublished
 * edition that is the last of the chain can be deleted, which frees its number for the next
 * creation. A stray draft followed by other drafts is removed from the end: delete the later
 * drafts (or move their documents into it) first. Why not number editions only when they are
 * frozen for publishing: the number is the edition's id and key here (console links, placement
 * claims, the public site's look-up by 总第N期), so a draft would need a second identity and every
 * reader a translation; deleting from the end keeps one identity and the same guarantee.
 *
 * Deletion and creation at the tail race without a transaction: a creator that has read N as the
 * last edition could write N + 1 just as N is deleted, leaving a hole at N. So a creator first
 * stamps N (successorAt, a conditional write on N's version) and only then writes N + 1, and a
 * deleter refuses an edition that has a successor record or a fresh stamp, and deletes under the
 * version it checked. Whichever writes N first wins: the stamp makes the deletion's condition fail,
 * or the deletion makes the stamp's condition fail and the creator re-reads the tail. A stamp left
 * by a creator that crashed before writing N + 1 goes stale after SUCCESSOR_LEASE_MS.
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
    const tailRecord = await chainTail(records);
    const last: Pick<Edition, "year" | "issue" | "cumulative"> | undefined =
      tailRecord?.data ?? options.continueFrom;
    if (last && draft.year < last.year) {
      throw new PlacementRefusedError(`Editions of ${last.year} exist already`, [
        problem(
          "year",
          "year_closed",
          `The latest edition is of ${last.year} (总第${last.cumulative}期); editions are numbered in order, so no edition of ${draft.year} can follow it`,
        ),
      ]);
    }
    if (tailRecord && tailRecord.data.status !== "published") {
      // Stamp the last edition before chaining onto it, so it cannot be deleted meanwhile.
      try {
        await records.put(editionRecord({ ...tailRecord.data, successorAt: draft.createdAt }), {
          kind: "version",
          version: tailRecord.version,
        });
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
        await backOff(attempt); // it changed or was deleted: read the tail again
        continue;
      }
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
      await records.put(editionRecord(edition), { kind: "absent" });
      return edition;
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      // Someone else took N + 1.
      await backOff(attempt);
    }
  }
  throw new StorageUnavailableError("Edition numbering is congested; retry");
}

/**
 * The last edition of the chain, read consistently: the listing (an index, read eventually
 * consistently in DynamoDB) names a candidate; gets by number (consistent) step back past editions
 * deleted since and forward to editions created since.
 */
async function chainTail(records: RecordStore): Promise<StoredRecord<Edition> | undefined> {
  const listed = await lastEdition(records);
  if (!listed) return undefined;
  let n = listed.data.cumulative;
  let tail = await getEdition(records, n);
  while (!tail && n > 1) tail = await getEdition(records, --n);
  if (!tail) return undefined;
  for (let next = await getEdition(records, n + 1); next; next = await getEdition(records, ++n + 1))
    tail = next;
  return tail;
}

/** Spread the retries a little so a burst of creators settles. */
function backOff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 * (attempt + 1))));
}

/** How long a creator's stamp on the edition before its new one blocks that edition's deletion. */
export const SUCCESSOR_LEASE_MS = 60_000;

/**
 * Deletes an unpublished edition that is the last of the chain, so its number goes to the next
 * edition created. Refused (EditionConflictError, 409) when it is published or being published,
 * when a later edition exists or is being created, or when it changed since `version` was read.
 * Returns the deleted edition (its documents are for the caller to release).
 */
export async function deleteLastEdition(
  records: RecordStore,
  editionId: string,
  now: Date,
): Promise<Edition> {
  const cumulative = cumulativeFromId(editionId);
  const record = cumulative === undefined ? undefined : await getEdition(records, cumulative);
  if (!record || cumulative === undefined) {
    throw new EditionNotFoundError(`No edition ${editionId}`, [
      problem("id", "not_found", `No edition with id ${editionId}`),
    ]);
  }
  const edition = record.data;
  if (edition.status === "published") {
    throw new EditionConflictError(`Edition ${editionId} is published`, [
      problem(null, "edition_published", `Edition ${editionId} is published and can never be deleted`),
    ]);
  }
  if (edition.publishing) {
    throw new EditionConflictError(`Edition ${editionId} is being published`, [
      problem(null, "edition_publishing", `Edition ${editionId} is being published and cannot be deleted`),
    ]);
  }
  const next = await getEdition(records, cumulative + 1);
  const stamped =
    edition.successorAt !== undefined && now.getTime() - Date.parse(edition.successorAt) < SUCCESSOR_LEASE_MS;
  if (next || stamped) {
    const later = next?.data;
    throw new EditionConflictError(`Edition ${editionId} is not the last edition`, [
      problem(
        null,
        "not_last_edition",
        later
          ? `第${later.issue}期（总第${later.cumulative}期, edition ${later.id}) follows it: only the last edition can be deleted, so its number is not skipped; delete the later drafts first`
          : `An edition is being created after it; retry in a minute`,
      ),
    ]);
  }
  try {
    await records.delete(editionKeys(cumulative), { kind: "version", version: record.version });
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
    throw new EditionConflictError(`Edition ${editionId} changed meanwhile`, [
      problem(null, "edition_modified", "The edition was changed by another request; reload and retry"),
    ]);
  }
  // The edition before it is the last one again: lift the stamp its creation left there, so it
  // can be deleted in turn. Under its version: a creator stamping it anew meanwhile wins.
  const previous = await getEdition(records, cumulative - 1);
  if (previous?.data.successorAt !== undefined && previous.data.status !== "published") {
    const { successorAt: _lifted, ...rest } = previous.data;
    await records
      .put(editionRecord(rest), { kind: "version", version: previous.version })
      .catch((error: unknown) => {
        if (!(error instanceof ConditionFailedError)) throw error;
      });
  }
  return edition;
}

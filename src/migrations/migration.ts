/**
 * Migrations: named, versioned changes to what is stored (a new index's keys, records moved to new
 * keys), each in a file of its own (src/migrations/*.ts, listed in order in ./index.ts) and run by
 * one runner (./runner.ts) — at `npm start` in the local runtime, after each deploy in AWS (the
 * migration function, invoked by the stack's trigger and continued by its schedule), or on demand
 * with `gazette migrate`.
 *
 * A migration works in steps: `step(cursor)` does one bounded slice (about a page of records) from
 * where the previous one stopped and returns where the next starts, so a long migration goes on
 * over several runs (a Lambda invocation ends; the next continues from the stored cursor). Every
 * step must be idempotent: a run that stops after a step's writes but before its cursor is stored
 * does that step again.
 */
import type { Platform } from "../platform/ports.js";
import type { WorkingDayCalendar } from "../reposts/working-days.js";

/** What a migration may use. */
export interface MigrationContext {
  readonly platform: Pick<Platform, "records" | "blobs" | "clock">;
  /** Published editions' statuses are recorded again by the 发文字号 re-key (DocumentStatuses). */
  readonly statuses: { recordEdition(editionId: string): Promise<unknown> };
  /** The working days (holidays) the reposts rebuild gives notices their reminder day by. */
  readonly calendar: WorkingDayCalendar;
}

export interface MigrationStep {
  /** Where the next step starts; undefined when the migration is finished. */
  readonly cursor?: string | undefined;
  /** What this step did, added to the migration's totals (e.g. { moved: 100 }). */
  readonly counts?: Readonly<Record<string, number>>;
  /** Things worth a warning in the log (e.g. two documents now with one 发文字号). */
  readonly warnings?: readonly string[];
}

export interface Migration {
  /** Unique, stable: the store records it as done under this name. */
  readonly name: string;
  /**
   * Compared for equality with the version recorded as done: a different one runs the migration
   * again from the start (e.g. the 发文字号 grammar's fingerprint).
   */
  readonly version: string;
  readonly description: string;
  /**
   * True when an older release already did this work and noted it its own way (its marker
   * record); the runner then records the migration as done without running it.
   */
  readonly doneBefore?: ((context: MigrationContext) => Promise<boolean>) | undefined;
  step(context: MigrationContext, cursor: string | undefined): Promise<MigrationStep>;
}

/** A cursor of several phases (each a listing with its own cursor), as one string. */
export function phaseCursor(phase: number, cursor: string | undefined): string {
  return JSON.stringify({ phase, cursor: cursor ?? null });
}

export function readPhaseCursor(cursor: string | undefined): { phase: number; cursor: string | undefined } {
  if (cursor === undefined) return { phase: 0, cursor: undefined };
  const parsed = JSON.parse(cursor) as { phase: number; cursor: string | null };
  return { phase: parsed.phase, cursor: parsed.cursor ?? undefined };
}

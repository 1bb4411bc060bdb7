/**
 * A job as its submitter follows it (GET /api/archive/jobs/{id}): status, progress per stage,
 * the pages read so far and, once finished, its items.
 *
 * Reads: the job record, its unit results, the script an auto scan job decided, and its item
 *   listing (listings.ts). Writes nothing.
 */
import type { Platform } from "../platform/ports.js";
import { ArchiveNotFoundError, problem } from "./errors.js";
import type { ArchiveListings } from "./listings.js";
import type { ArchiveJob, EditionInfo, ItemSummary } from "./model.js";
import type { Script } from "./ocr/engine.js";
import { JOB_SK, jobPk, readDecidedScript, readUnits } from "./records.js";

export interface JobView {
  readonly id: string;
  readonly kind: ArchiveJob["kind"];
  readonly status: ArchiveJob["status"];
  readonly createdAt: string;
  readonly finishedAt?: string | undefined;
  readonly edition: EditionInfo;
  /** Scans: the script read (sim/tra), once decided; "auto" before the first page is read. */
  readonly script?: Script | "auto" | undefined;
  readonly progress: Record<string, { total: number; done: number; failed: number }>;
  readonly pages: {
    index: number;
    text: string;
    confidence: number;
    status: string;
    error?: string;
    /** Scans: the script the page was read in and the turn that set it upright. */
    script?: Script;
    rotation?: number;
  }[];
  readonly items: ItemSummary[];
}

export async function readJobView(
  platform: Platform,
  listings: ArchiveListings,
  id: string,
): Promise<JobView> {
  const job = await platform.records.get<ArchiveJob>({ pk: jobPk(id), sk: JOB_SK });
  if (!job)
    throw new ArchiveNotFoundError("no such job", [problem("id", "not_found", `No archive job ${id}`)]);
  const units = await readUnits(platform, id);
  const total = job.data.kind === "scans" ? job.data.pages.length : job.data.documents;
  const done = units.filter((u) => u.status === "done").length;
  const failed = units.length - done;
  const finished = job.data.status === "done" || job.data.status === "failed";
  const items = finished ? await listings.jobItems(id) : [];
  const unitStage = job.data.kind === "scans" ? "ocr" : "clean";
  return {
    id,
    kind: job.data.kind,
    status: job.data.status,
    createdAt: job.data.createdAt,
    finishedAt: job.data.finishedAt,
    edition: job.data.edition,
    script:
      job.data.kind === "scans"
        ? job.data.script === "auto"
          ? ((await readDecidedScript(platform, id)) ?? "auto")
          : job.data.script
        : undefined,
    progress: {
      [unitStage]: { total, done, failed },
      segment: { total: 1, done: finished ? 1 : 0, failed: 0 },
      index: { total: items.length, done: finished ? items.length : 0, failed: 0 },
    },
    pages:
      job.data.kind === "scans"
        ? units.map((u) => ({
            index: u.index,
            text: u.text,
            confidence: u.confidence,
            status: u.status,
            ...(u.error ? { error: u.error } : {}),
            ...(u.script ? { script: u.script } : {}),
            ...(u.rotation !== undefined ? { rotation: u.rotation } : {}),
          }))
        : [],
    items,
  };
}

/**
 * Record layout of the archive in the single table and the blob store, and the few record reads
 * and writes more than one stage shares.
 *
 *   pk archive#job#<job>    sk job                 the job (model.ts `ArchiveJob`)
 *                           sk script              the script (sim/tra) an auto job's first page decided
 *                           sk unit#<index, 5>     one unit's result (model.ts `UnitResult`), written once
 *                           sk item#<n, 4>         the job's item listing (model.ts `ItemSummary`)
 *   pk archive#item#<item>  sk item                the item (`StoredItem`); gsi1 archive#review#<shard>
 *                                                  while it waits for review
 *   pk archive#items#<shard>  sk <item>            every item (summaries)
 *   pk archive#edition#<year>#<issue, 4>  sk <job>  an edition's scans and item count (one
 *                           partition per issue: a listing of an issue reads one partition)
 *   pk archive#years        sk <year>              the years that have documents or issues
 *   pk archive#year#<year>  sk doc#<date>#<item> | issue#<issue, 4>#<job>   browse by year
 *
 * Blobs:
 *   archive/scans/<sha256>.<ext>                 original scans, content-addressed
 *   archive/jobs/<job>/texts/<index>.json        a submitted text ({ text, ref })
 *   archive/jobs/<job>/pages/<page, 4>.png|.hocr a page's cleaned image and OCR
 *   archive/items/<item>/text-<sha, 16>.txt      an item's text (a document may exceed a record)
 */
import { createHash } from "node:crypto";
import { ConditionFailedError } from "../platform/errors.js";
import type { Platform, StoredRecord } from "../platform/ports.js";
import { type ShardSource, shardOf, shardPartitions } from "../platform/sharded.js";
import type { SearchDocument } from "../search/ports.js";
import type { ArchiveItem, UnitResult } from "./model.js";
import type { Script } from "./ocr/engine.js";
import type { ScanFormat } from "./scan-format.js";

export const JOB_SK = "job";
/** The script (sim/tra) an auto job's first page decided. */
export const SCRIPT_SK = "script";
export const ITEM_SK = "item";
export const jobPk = (id: string) => `archive#job#${id}`;
export const unitSk = (index: number) => `unit#${String(index).padStart(5, "0")}`;
export const UNIT_PREFIX = "unit#";
export const itemPk = (id: string) => `archive#item#${id}`;
export const listingSk = (n: number) => `item#${String(n).padStart(4, "0")}`;
export const LISTING_PREFIX = "item#";
/**
 * Every item, and the items waiting for review, are spread over SHARDS partitions (the shard a
 * hash of the item's id), so that an import of the back catalogue — thousands of items written at
 * once — does not write them all to one partition; the listings merge the shards. Releases before
 * kept each in one partition (`ALL_ITEMS`, `REVIEW`): the migration `archive-items-sharded`
 * (src/migrations) moves them, and the listings still read those partitions until then.
 */
export const ALL_ITEMS = "archive#items";
export const REVIEW = "archive#review";
export const allItemsPartition = (id: string) => `${ALL_ITEMS}#${shardOf(id)}`;
export const reviewPartition = (id: string) => `${REVIEW}#${shardOf(id)}`;
export const ALL_ITEMS_SOURCES: readonly ShardSource[] = [
  { partition: ALL_ITEMS },
  ...shardPartitions(ALL_ITEMS).map((partition) => ({ partition })),
];
export const REVIEW_SOURCES: readonly ShardSource[] = [
  { partition: REVIEW, index: "gsi1" },
  ...shardPartitions(REVIEW).map((partition) => ({ partition, index: "gsi1" as const })),
];
/** An item record's review listing keys (none once reviewed). */
export const itemIndexKeys = (item: Pick<ArchiveItem, "review" | "createdAt" | "id">) =>
  item.review ? { gsi1pk: reviewPartition(item.id), gsi1sk: `${item.createdAt}#${item.id}` } : undefined;
/**
 * An imported edition's listing (its scans and item count) is keyed by its year and issue, so an
 * issue's page reads one partition and an import of the back catalogue spreads its writes over
 * as many partitions as it has issues. Releases before kept every edition in one partition
 * (`LEGACY_EDITIONS`, sk `<year>#<issue, 4>#<job>`, written in the catalogue's order): the
 * migration `archive-editions-rekey` (src/migrations) moves them, and an issue's listing still
 * reads that partition until then.
 */
export const LEGACY_EDITIONS = "archive#editions";
export const editionPartition = (year: number, issue: number) =>
  `archive#edition#${year}#${issueNumber(issue)}`;
/** An edition's key under its issue; `jobId` tells two imports of one issue apart. */
export const editionKeys = (year: number, issue: number, jobId: string) => ({
  pk: editionPartition(year, issue),
  sk: jobId,
});
export const YEARS = "archive#years";
export const yearPk = (year: number) => `archive#year#${year}`;
export const yearDocSk = (item: Pick<ArchiveItem, "date" | "id">) => `doc#${item.date ?? ""}#${item.id}`;
export const issueNumber = (issue: number) => String(issue).padStart(4, "0");
/** The sort key of an edition in `LEGACY_EDITIONS`. */
export const legacyEditionSk = (year: number, issue: number, jobId: string) =>
  `${year}#${issueNumber(issue)}#${jobId}`;
export const yearIssueSk = (issue: number, jobId: string) => `issue#${issueNumber(issue)}#${jobId}`;
export const ISSUE_PREFIX = "issue#";

export const itemUrl = (id: string) => `/archive/items/${encodeURIComponent(id)}`;

/** Where an original scan is kept: content-addressed, so the public download URL is permanent. */
export const scanKey = (sha: string, format: ScanFormat) =>
  `archive/scans/${sha}.${format === "jpeg" ? "jpg" : format === "tiff" ? "tif" : format}`;
export const textKey = (jobId: string, index: number) => `archive/jobs/${jobId}/texts/${index}.json`;
/** A page's blobs without extension (`.png`, `.hocr`); pages count from 1. */
export const pageBase = (jobId: string, index: number) =>
  `archive/jobs/${jobId}/pages/${String(index + 1).padStart(4, "0")}`;

/** An item as stored: the text lives in a blob (a document may exceed a DynamoDB item). */
export type StoredItem = Omit<ArchiveItem, "text"> & { readonly textKey: string };

/** The queue message of one unit (a page of a scan job, a document of a text job). */
export interface ArchiveMessage {
  readonly type: "archive.unit";
  readonly jobId: string;
  readonly index: number;
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export const nowIso = (platform: Platform) => platform.clock.now().toISOString();

/** A conditional write that lost to an equal earlier one is not an error. */
export async function ignoreConflict(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
  }
}

/** Every unit result of a job, in unit order. */
export async function readUnits(platform: Platform, jobId: string): Promise<UnitResult[]> {
  const out: UnitResult[] = [];
  let cursor: string | undefined;
  do {
    const page = await platform.records.query<UnitResult>(jobPk(jobId), {
      prefix: UNIT_PREFIX,
      cursor,
      limit: 500,
    });
    out.push(...page.items.map((r) => r.data));
    cursor = page.cursor;
  } while (cursor);
  return out.sort((a, b) => a.index - b.index);
}

/** The script an auto job's first page decided, if it has been read. */
export async function readDecidedScript(platform: Platform, jobId: string): Promise<Script | undefined> {
  const record = await platform.records.get<{ script: Script }>({ pk: jobPk(jobId), sk: SCRIPT_SK });
  return record?.data.script;
}

/** Writes an item: its text blob, then its record (in the review index while it waits). */
export async function putItem(
  platform: Platform,
  item: ArchiveItem,
  condition: { kind: "absent" } | { kind: "version"; version: number },
): Promise<StoredRecord> {
  const { text, ...rest } = item;
  const bytes = new TextEncoder().encode(text);
  const key = `archive/items/${item.id}/text-${sha256(bytes).slice(0, 16)}.txt`;
  await platform.blobs.put(key, bytes, { contentType: "text/plain; charset=utf-8" });
  const data: StoredItem = { ...rest, textKey: key };
  return platform.records.put(
    {
      pk: itemPk(item.id),
      sk: ITEM_SK,
      data,
      index: itemIndexKeys(item),
    },
    condition,
  );
}

/** A stored item with its text read back from its blob. */
export async function withText(platform: Platform, stored: StoredItem): Promise<ArchiveItem> {
  const blob = await platform.blobs.get(stored.textKey);
  const { textKey: _textKey, ...rest } = stored;
  return { ...rest, text: blob ? new TextDecoder().decode(blob.bytes) : "" };
}

/** What public search indexes for an item. */
export function searchDocument(item: ArchiveItem): SearchDocument {
  return {
    id: `archive:${item.id}`,
    source: "archive",
    ref: item.ref,
    title: item.title,
    docNumber: item.docNumber,
    issuers: item.issuers,
    kind: item.kind,
    date: item.date,
    dateKind: item.dateKind,
    text: item.text,
    url: itemUrl(item.id),
  };
}

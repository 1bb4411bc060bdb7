/**
 * Stage 5, listings: where items are found again (browse by year and issue, a job's items, every
 * item, the review queue).
 *
 * Writes (from completion and review): a job's item listing (`jobPk`/`listingSk`), every item
 *   (`ALL_ITEMS`), the year's documents and issues (`yearPk`), the years (`YEARS`) and the
 *   edition under its issue (`editionKeys`). Every write is a plain or conditional put of the same data, so running
 *   it again changes nothing.
 * Reads: those records, and the review index (gsi1 `REVIEW` shards) of item records; the listings
 *   of every item and of the review queue merge their shards (platform/sharded.ts).
 */
import type { Platform } from "../platform/ports.js";
import { queryShards } from "../platform/sharded.js";
import { type ArchiveItem, type ArchiveJob, type EditionInfo, type ItemSummary, summaryOf } from "./model.js";
import {
  ALL_ITEMS,
  ALL_ITEMS_SOURCES,
  allItemsPartition,
  editionKeys,
  editionPartition,
  ISSUE_PREFIX,
  ignoreConflict,
  issueNumber,
  jobPk,
  LEGACY_EDITIONS,
  LISTING_PREFIX,
  listingSk,
  REVIEW,
  REVIEW_SOURCES,
  type StoredItem,
  YEARS,
  yearDocSk,
  yearIssueSk,
  yearPk,
} from "./records.js";

export type IssueListing = EditionInfo & { jobId: string; items: number };
export type EditionListing = EditionInfo & { jobId: string; scanKeys: string[] };

/** The year an item is listed under: its date's, else its edition's. */
const yearOf = (item: ArchiveItem) => (item.date ? Number(item.date.slice(0, 4)) : item.edition.year);

export class ArchiveListings {
  constructor(private readonly platform: Platform) {}

  /** Lists a finished job's items (numbered from 1) and its edition. */
  async writeJob(job: ArchiveJob, items: readonly ArchiveItem[]): Promise<void> {
    for (const [n, item] of items.entries()) {
      const summary = summaryOf(item);
      await this.platform.records.put({ pk: jobPk(job.id), sk: listingSk(n + 1), data: summary });
      await this.platform.records.put({ pk: allItemsPartition(item.id), sk: item.id, data: summary });
      const year = item.date ? Number(item.date.slice(0, 4)) : job.edition.year;
      if (year) {
        await this.platform.records.put({ pk: yearPk(year), sk: yearDocSk(item), data: summary });
        await this.addYear(year);
      }
    }
    const { year, issue } = job.edition;
    if (year && issue) {
      await this.platform.records.put({
        ...editionKeys(year, issue, job.id),
        data: { ...job.edition, jobId: job.id, items: items.length, scanKeys: job.files.map((f) => f.key) },
      });
      await this.platform.records.put({
        pk: yearPk(year),
        sk: yearIssueSk(issue, job.id),
        data: { ...job.edition, jobId: job.id, items: items.length },
      });
      await this.addYear(year);
    }
  }

  /** Moves a corrected item's listings (its summary, and its year if its date changed). */
  async updateItem(before: ArchiveItem, after: ArchiveItem): Promise<void> {
    const summary = summaryOf(after);
    const listing = (await this.jobListing(after.jobId)).find((r) => r.data.id === after.id);
    if (listing) await this.platform.records.put({ pk: listing.pk, sk: listing.sk, data: summary });
    await this.platform.records.put({ pk: allItemsPartition(after.id), sk: after.id, data: summary });
    const oldYear = yearOf(before);
    if (oldYear) await this.platform.records.delete({ pk: yearPk(oldYear), sk: yearDocSk(before) });
    const newYear = yearOf(after);
    if (newYear) {
      await this.platform.records.put({ pk: yearPk(newYear), sk: yearDocSk(after), data: summary });
      await this.addYear(newYear);
    }
  }

  private async addYear(year: number): Promise<void> {
    await ignoreConflict(
      this.platform.records.put({ pk: YEARS, sk: String(year), data: { year } }, { kind: "absent" }),
    );
  }

  private async jobListing(jobId: string) {
    const page = await this.platform.records.query<ItemSummary>(jobPk(jobId), {
      prefix: LISTING_PREFIX,
      limit: 1000,
    });
    return page.items;
  }

  async jobItems(jobId: string): Promise<ItemSummary[]> {
    const out: ItemSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.platform.records.query<ItemSummary>(jobPk(jobId), {
        prefix: LISTING_PREFIX,
        cursor,
        limit: 500,
      });
      out.push(...page.items.map((r) => r.data));
      cursor = page.cursor;
    } while (cursor);
    return out;
  }

  /** Items waiting for review (oldest first), or all items. */
  async listItems(options: { review: boolean; limit: number; cursor?: string | undefined }) {
    if (options.review) {
      const page = await queryShards<StoredItem>(this.platform.records, REVIEW, REVIEW_SOURCES, {
        limit: options.limit,
        cursor: options.cursor,
      });
      return {
        items: page.items.map((r) => ({
          ...summaryOf({ ...r.data, text: "" }),
          confidence: r.data.confidence,
          reviewReasons: r.data.reviewReasons,
        })),
        cursor: page.cursor,
      };
    }
    const page = await queryShards<ItemSummary>(this.platform.records, ALL_ITEMS, ALL_ITEMS_SOURCES, {
      limit: options.limit,
      cursor: options.cursor,
    });
    return { items: page.items.map((r) => r.data), cursor: page.cursor };
  }

  async years(): Promise<number[]> {
    const page = await this.platform.records.query<{ year: number }>(YEARS, { limit: 1000 });
    return page.items.map((r) => r.data.year).sort((a, b) => b - a);
  }

  async year(year: number): Promise<{ issues: IssueListing[]; documents: ItemSummary[] }> {
    const issues: IssueListing[] = [];
    const documents: ItemSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.platform.records.query<Record<string, unknown>>(yearPk(year), {
        cursor,
        limit: 1000,
      });
      for (const r of page.items) {
        if (r.sk.startsWith(ISSUE_PREFIX)) issues.push(r.data as unknown as IssueListing);
        else documents.push(r.data as unknown as ItemSummary);
      }
      cursor = page.cursor;
    } while (cursor);
    return { issues, documents };
  }

  /**
   * An issue's imported editions (by job) and their items: its partition, and the one partition
   * of older releases until the migration has moved them (an edition in both is listed once).
   */
  async issue(year: number, issue: number): Promise<{ editions: EditionListing[]; items: ItemSummary[] }> {
    const byJob = new Map<string, EditionListing>();
    const sources = [
      { partition: LEGACY_EDITIONS, prefix: `${year}#${issueNumber(issue)}#` },
      { partition: editionPartition(year, issue), prefix: undefined },
    ];
    for (const { partition, prefix } of sources) {
      let cursor: string | undefined;
      do {
        const page = await this.platform.records.query<EditionListing>(partition, {
          prefix,
          cursor,
          limit: 100,
        });
        // The new key is written last: a copy there is the current one.
        for (const r of page.items) byJob.set(r.data.jobId, r.data);
        cursor = page.cursor;
      } while (cursor);
    }
    const editions = [...byJob.values()].sort((a, b) => (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0));
    const items = (await Promise.all(editions.map((e) => this.jobItems(e.jobId)))).flat();
    return { editions, items };
  }
}

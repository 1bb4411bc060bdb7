/**
 * The migrations (src/migrations) on a platform: a store as older releases left it — every
 * document listed under gsi1 DOCUMENTS without its accepted, filter or issuer index keys, every
 * edition in the one partition EDITIONS (two published before signing, not in the log), the
 * archive's items and review queue in one partition each, its imported editions in the one
 * partition archive#editions, a fanned-out document in REPOST_DOCS with notices but no counters —
 * migrated in many short runs (each stopping after one step, as a Lambda invocation out of time
 * would), reads back the same on the embedded adapters and on the AWS adapters (dynalite): every
 * listing complete and in order, paged across the shards, nothing left under the old keys, the
 * old editions in the log, the notices counted.
 */
import { describe, expect, it } from "vitest";
import { ArchiveListings } from "../../src/archive/listings.js";
import {
  ALL_ITEMS,
  ITEM_SK,
  itemPk,
  LEGACY_EDITIONS,
  legacyEditionSk,
  REVIEW,
} from "../../src/archive/records.js";
import { newestAccepted } from "../../src/documents/accepted.js";
import { filterPartition } from "../../src/documents/filter-index.js";
import type { GazetteDocument } from "../../src/documents/model.js";
import {
  DOCUMENTS_INDEX,
  docKeys,
  docNumberClaimKey,
  documentPage,
  issuerDocumentsIndex,
} from "../../src/documents/records.js";
import {
  EDITIONS_PARTITION,
  editionPage,
  editionSortKey,
  getEdition,
  manifestKey,
} from "../../src/editions/records.js";
import { MIGRATIONS } from "../../src/migrations/index.js";
import { migrationStates, runMigrations } from "../../src/migrations/runner.js";
import type { Platform } from "../../src/platform/ports.js";
import { documentCountsPartition } from "../../src/reposts/counters.js";
import { type RepostNotice, untouchedNotice } from "../../src/reposts/model.js";
import {
  LEGACY_REPOST_DOCS_PARTITION,
  noticeKeys,
  type RepostDocument,
  repostDocumentPages,
} from "../../src/reposts/records.js";
import { createWorkingDayCalendar } from "../../src/reposts/working-days.js";
import { TransparencyLog } from "../../src/transparency/log.js";

export interface MigrationsContractEnvironment {
  readonly platform: Platform;
  cleanup(): Promise<void>;
}

const DOCUMENTS = 24;
const EDITIONS = 18;
const ITEMS = 22;
const ISSUER = "四川省人民政府";
/** Editions 1 and 2 were published before signing existed: their manifests are not in the log. */
const UNLOGGED = 2;
/** The archive's imported editions: (issue, job), two imports of issue 3. */
const ARCHIVE_EDITIONS = [
  [1, "job-a"],
  [2, "job-b"],
  [3, "job-c"],
  [3, "job-d"],
  [4, "job-e"],
] as const;
const REPOST_SITES = ["jinjiang", "qingyang", "mianyang"];

function anOldDocument(n: number): GazetteDocument {
  const receivedAt = new Date(Date.UTC(2024, 0, 1 + n, 8)).toISOString();
  return {
    id: `01J${String(n).padStart(23, "0")}`,
    receivedAt,
    state: n % 3 === 0 ? "placed" : "accepted",
    title: `关于第${n}件事的通知`,
    docNumber: `川府发〔2024〕${n + 1}号`,
    issuers: [ISSUER],
    dateWritten: receivedAt.slice(0, 10),
    kind: "通知",
    section: "省政府文件",
    disclosure: { attribute: "public" },
    policy: false,
    blocks: [],
    attachments: [],
    interpretations: [],
  } as unknown as GazetteDocument;
}

const itemId = (n: number) => `item-${String(n).padStart(4, "0")}`;

/** What an older release wrote. */
async function seedOldKeys(platform: Platform, docs: readonly GazetteDocument[]) {
  const { records } = platform;
  for (let n = 1; n <= UNLOGGED; n++) {
    const manifest = JSON.stringify({ artifacts: [] });
    await platform.blobs.put(manifestKey({ year: 2024, issue: n }), new TextEncoder().encode(manifest), {
      contentType: "application/json",
      ifAbsent: true,
    });
  }
  for (const [issue, jobId] of ARCHIVE_EDITIONS) {
    await records.put({
      pk: LEGACY_EDITIONS,
      sk: legacyEditionSk(1987, issue, jobId),
      data: { year: 1987, issue, jobId, items: 3, scanKeys: [`archive/scans/${jobId}.pdf`] },
    });
  }
  const repostDoc: RepostDocument = {
    documentId: docs[0]!.id,
    editionId: "1",
    title: docs[0]!.title,
    docNumber: null,
    publishedAt: "2024-01-01T02:00:00.000Z",
    deadline: "2024-01-08",
    deadlineProvisional: false,
  };
  await records.put({ pk: LEGACY_REPOST_DOCS_PARTITION, sk: repostDoc.documentId, data: repostDoc });
  for (const siteId of REPOST_SITES) {
    const notice: RepostNotice = {
      id: `${repostDoc.documentId}.${siteId}`,
      documentId: repostDoc.documentId,
      siteId,
      editionId: "1",
      createdAt: repostDoc.publishedAt,
      site: { name: siteId, region: "510104", level: "county" },
      document: { title: repostDoc.title, docNumber: null },
      deadline: repostDoc.deadline,
      deadlineProvisional: false,
      ...untouchedNotice(null),
    };
    await records.put({
      ...noticeKeys(repostDoc.documentId, siteId),
      data: notice,
      index: { gsi1pk: `SITE_REPOSTS#${siteId}`, gsi1sk: `${notice.createdAt}#${repostDoc.documentId}` },
    });
  }
  for (const doc of docs) {
    await records.put({
      ...docKeys(doc.id),
      data: doc,
      index: { gsi1pk: DOCUMENTS_INDEX, gsi1sk: `${doc.receivedAt}#${doc.id}` },
    });
    await records.put({
      ...docNumberClaimKey(ISSUER, doc.docNumber!),
      data: { documentId: doc.id, claimedAt: doc.receivedAt },
    });
  }
  for (let n = 1; n <= EDITIONS; n++) {
    const unlogged = n <= UNLOGGED;
    await records.put({
      pk: EDITIONS_PARTITION,
      sk: editionSortKey(n),
      data: {
        id: String(n),
        cumulative: n,
        year: 2024,
        issue: n,
        status: n < EDITIONS ? "published" : "draft",
        ...(unlogged
          ? {
              publishedAt: new Date(Date.UTC(2024, 0, n)).toISOString(),
              urls: { manifest: `/${manifestKey({ year: 2024, issue: n })}` },
            }
          : {}),
      },
    });
  }
  for (let n = 0; n < ITEMS; n++) {
    const id = itemId(n);
    const createdAt = new Date(Date.UTC(2025, 0, 1, 0, n)).toISOString();
    await records.put({ pk: ALL_ITEMS, sk: id, data: { id, title: `旧件${n}` } });
    await records.put({
      pk: itemPk(id),
      sk: ITEM_SK,
      data: {
        id,
        title: `旧件${n}`,
        createdAt,
        review: n % 2 === 0,
        textKey: `archive/items/${id}/text.txt`,
      },
      index: n % 2 === 0 ? { gsi1pk: REVIEW, gsi1sk: `${createdAt}#${id}` } : undefined,
    });
  }
}

async function allPages<T>(
  page: (cursor: string | undefined) => Promise<{ items: T[]; cursor?: string | undefined }>,
) {
  const out: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const result = await page(cursor);
    out.push(...result.items);
    cursor = result.cursor;
    pages += 1;
  } while (cursor && pages < 1_000);
  return { items: out, pages };
}

export function describeMigrationsContract(
  name: string,
  setup: () => Promise<MigrationsContractEnvironment>,
): void {
  describe(`migrations contract: ${name}`, () => {
    it("migrates a store with old keys over many short runs and reads back every listing complete, in order, across shards", async () => {
      // Prepare
      const env = await setup();
      try {
        const { platform } = env;
        const { records } = platform;
        const docs = Array.from({ length: DOCUMENTS }, (_, n) => anOldDocument(n));
        await seedOldKeys(platform, docs);
        const recorded: string[] = [];
        const context = {
          platform,
          statuses: { recordEdition: async (id: string) => void recorded.push(id) },
          calendar: createWorkingDayCalendar(),
        };
        const listings = new ArchiveListings(platform);
        const issues = async () =>
          Promise.all(
            [1, 2, 3, 4].map(async (n) => (await listings.issue(1987, n)).editions.map((e) => e.jobId)),
          );
        const issuesBefore = await issues();

        // Act: each run stops after one step, as an invocation out of time does
        let runs = 0;
        for (;;) {
          runs += 1;
          const outcomes = await runMigrations(context, MIGRATIONS, { hasTime: () => false });
          if (outcomes.every((o) => o.status === "done") || runs > 500) break;
        }
        const again = await runMigrations(context, MIGRATIONS);

        // Assess: migrated over several runs, recorded as done, nothing to do a second time
        expect(runs).toBeGreaterThan(MIGRATIONS.length);
        expect((await migrationStates(context, MIGRATIONS)).filter((s) => s.pending)).toEqual([]);
        expect(again.every((o) => o.status === "done" && o.already)).toBe(true);
        expect(recorded.sort((a, b) => Number(a) - Number(b))).toEqual(
          Array.from({ length: EDITIONS - 1 }, (_, n) => String(n + 1)),
        );

        // Every document, newest first, paged across the shards
        const newestFirst = [...docs].reverse().map((d) => d.id);
        const listed = await allPages((cursor) => documentPage(records, { limit: 5, cursor }));
        expect(listed.items.map((r) => r.data.id)).toEqual(newestFirst);
        expect(new Set(listed.items.map((r) => r.index?.gsi1pk)).size).toBeGreaterThan(1);
        // The accepted index, the filter index and the issuer's index
        const accepted = newestFirst.filter((id) => docs.find((d) => d.id === id)!.state === "accepted");
        expect((await newestAccepted(records, DOCUMENTS)).items.map((d) => d.id)).toEqual(accepted);
        const byState = await allPages((cursor) =>
          records.query<{ id: string }>(filterPartition({ state: "accepted" })!, {
            descending: true,
            limit: 7,
            cursor,
          }),
        );
        expect(byState.items.map((r) => r.data.id)).toEqual(accepted);
        const claims = await allPages((cursor) =>
          records.query<{ documentId: string }>(issuerDocumentsIndex(ISSUER), {
            index: "gsi1",
            limit: 9,
            cursor,
          }),
        );
        expect(claims.items.map((r) => r.data.documentId)).toEqual(docs.map((d) => d.id));

        // Editions, newest first, paged across the shards, and each by its number
        const editions = await allPages((cursor) =>
          editionPage(records, { limit: 4, cursor, descending: true }),
        );
        expect(editions.items.map((r) => r.data.cumulative)).toEqual(
          Array.from({ length: EDITIONS }, (_, n) => EDITIONS - n),
        );
        expect(editions.items.every((r) => r.pk === `EDITION#${r.data.cumulative}`)).toBe(true);
        expect((await getEdition(records, 3))?.data).toMatchObject({ id: "3", status: "published" });

        // The archive's imported editions, by issue, read from the old partition before and from
        // their issue's partition after
        const byIssue = [1, 2, 3, 4].map((n) =>
          ARCHIVE_EDITIONS.filter(([i]) => i === n).map(([, job]) => job),
        );
        expect(issuesBefore).toEqual(byIssue);
        expect(await issues()).toEqual(byIssue);
        expect((await listings.issue(1987, 3)).editions[1]).toMatchObject({
          jobId: "job-d",
          scanKeys: ["archive/scans/job-d.pdf"],
        });

        // The editions published before signing, in the log in publication order
        const log = new TransparencyLog({ records, origin: "" });
        expect(await log.size()).toBe(UNLOGGED);
        expect((await log.entry(0))?.entry).toMatchObject({ type: "edition.manifest", edition: "1" });
        expect((await log.entry(1))?.entry).toMatchObject({ edition: "2" });

        // The fanned-out document in its shard, its notices counted
        const repostDocs: string[] = [];
        for await (const page of repostDocumentPages(records, 10)) repostDocs.push(...page.map((r) => r.sk));
        expect(repostDocs).toEqual([docs[0]!.id]);
        const counted = (await records.query(documentCountsPartition(docs[0]!.id), { prefix: "TOTAL#" }))
          .items;
        expect(counted.reduce((sum, r) => sum + (r.counts?.notices ?? 0), 0)).toBe(REPOST_SITES.length);

        // The archive's items and its review queue, paged across the shards
        const items = await allPages((cursor) => listings.listItems({ review: false, limit: 6, cursor }));
        expect(items.items.map((i) => i.id)).toEqual(Array.from({ length: ITEMS }, (_, n) => itemId(n)));
        const review = await allPages((cursor) => listings.listItems({ review: true, limit: 4, cursor }));
        expect(review.items.map((i) => i.id)).toEqual(
          Array.from({ length: ITEMS }, (_, n) => n)
            .filter((n) => n % 2 === 0)
            .map(itemId),
        );

        // Nothing left under the old keys
        expect((await records.query(DOCUMENTS_INDEX, { index: "gsi1" })).items).toEqual([]);
        expect((await records.query(EDITIONS_PARTITION)).items).toEqual([]);
        expect((await records.query(ALL_ITEMS)).items).toEqual([]);
        expect((await records.query(REVIEW, { index: "gsi1" })).items).toEqual([]);
        expect((await records.query(LEGACY_EDITIONS)).items).toEqual([]);
        expect((await records.query(LEGACY_REPOST_DOCS_PARTITION)).items).toEqual([]);
      } finally {
        await env.cleanup();
      }
    }, 240_000);
  });
}

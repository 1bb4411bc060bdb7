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
import type { Migration } from "../../src/migrations/migration.js";
import { repostsRebuild } from "../../src/migrations/reposts-rebuild.js";
import { MigrationFailedError, migrationStates, runMigrations } from "../../src/migrations/runner.js";
import type { Platform, StoredRecord } from "../../src/platform/ports.js";
import {
  ALL_MONTHS,
  addTotals,
  COUNTER_SHARDS,
  contribution,
  documentCountsPartition,
  emptyTotals,
  legacyOverduePartition,
  OVERDUE_INDEX,
  overdueIndexPartition,
  overdueItem,
  siteCounterShard,
  siteCountsPartition,
} from "../../src/reposts/counters.js";
import { reminderDay } from "../../src/reposts/due.js";
import { type RepostNotice, untouchedNotice } from "../../src/reposts/model.js";
import {
  createNotice,
  LEGACY_REPOST_DOCS_PARTITION,
  noticeKeys,
  noticePartition,
  type RepostDocument,
  repostDocumentKeys,
  repostDocumentPages,
  updateNotice,
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

/**
 * Three fanned-out documents as the rebuild may find them: one counted as the pipeline counts
 * (some notices delivered, acknowledged, overdue), one stored by an older release (no counters,
 * no publication time or reminder day on its notices, no due keys), one whose counters and
 * overdue list are wrong (lost and extra counts, a stale entry, a site counter of a site with no
 * notice).
 */
const REBUILD_SITES = ["jinjiang", "qingyang", "mianyang", "deyang", "jiaoyu"];
const REBUILD_DOCS: RepostDocument[] = [0, 1, 2].map((n) => ({
  documentId: `01JREBUILD${String(n).padStart(16, "0")}`,
  editionId: "7",
  title: `关于第${n}件事的通知`,
  docNumber: null,
  publishedAt: `2024-0${n + 1}-15T02:00:00.000Z`,
  deadline: `2024-0${n + 1}-22`,
  deadlineProvisional: false,
}));

function rebuildNotice(doc: RepostDocument, siteId: string, i: number): RepostNotice {
  return {
    id: `${doc.documentId}.${siteId}`,
    documentId: doc.documentId,
    siteId,
    editionId: doc.editionId,
    createdAt: doc.publishedAt,
    site: { name: `${siteId}网站`, region: i < 2 ? "510104" : "510700", level: i < 4 ? "county" : "city" },
    document: { title: doc.title, docNumber: null, publishedAt: doc.publishedAt },
    deadline: doc.deadline,
    deadlineProvisional: false,
    ...untouchedNotice(doc.publishedAt),
    remindFrom: reminderDay(createWorkingDayCalendar(), doc.deadline),
  };
}

const AT = "2024-02-01T02:00:00.000Z";

async function seedForRebuild(platform: Platform): Promise<void> {
  const { records } = platform;
  const [counted, legacy, wrong] = REBUILD_DOCS as [RepostDocument, RepostDocument, RepostDocument];
  for (const doc of REBUILD_DOCS) await records.put({ ...repostDocumentKeys(doc.documentId), data: doc });
  for (const doc of [counted, wrong]) {
    for (const [i, siteId] of REBUILD_SITES.entries()) {
      await createNotice(platform, rebuildNotice(doc, siteId, i));
      const key = noticeKeys(doc.documentId, siteId);
      if (i % 2 === 0)
        await updateNotice(platform, key, (n) => ({ ...n, delivery: { ...n.delivery, state: "delivered" } }));
      if (i === 1) await updateNotice(platform, key, (n) => ({ ...n, overdueAt: AT }));
      if (i === 2)
        await updateNotice(platform, key, (n) => ({
          ...n,
          ack: { url: "https://example.gov.cn/a.html", at: AT },
          verification: { state: "verified", reason: null, checkedAt: AT, checks: 1, nextCheckAt: null },
        }));
    }
  }
  for (const [i, siteId] of REBUILD_SITES.entries()) {
    const { publishedAt: _, ...document } = rebuildNotice(legacy, siteId, i).document;
    const { remindFrom: __, ...old } = rebuildNotice(legacy, siteId, i);
    const n: RepostNotice = { ...old, document, overdueAt: i === 3 ? AT : null };
    await records.put({
      ...noticeKeys(legacy.documentId, siteId),
      data: n,
      index: { gsi1pk: `SITE_REPOSTS#${siteId}`, gsi1sk: `${n.createdAt}#${legacy.documentId}` },
    });
  }
  await records.transact([
    {
      add: { pk: documentCountsPartition(wrong.documentId), sk: "TOTAL#0", data: null },
      counts: { notices: 3 },
    },
    {
      add: { pk: siteCountsPartition(ALL_MONTHS, siteCounterShard("jinjiang")), sk: "jinjiang", data: null },
      counts: { delivered: -2, overdue: 1 },
    },
    { add: { pk: siteCountsPartition("2024-03", 2), sk: "gone", data: null }, counts: { notices: 4 } },
    { put: { pk: legacyOverduePartition(wrong.documentId), sk: "510700#deyang", data: { stale: true } } },
  ]);
  // The counted document's overdue notice as a release before the overdue index left it: not in
  // the index, with an item of its own in the overdue list.
  const overdue = (await records.get<RepostNotice>(noticeKeys(counted.documentId, REBUILD_SITES[1]!)))!;
  const { gsi3pk: _pk, gsi3sk: _sk, ...index } = overdue.index!;
  await records.put({ pk: overdue.pk, sk: overdue.sk, data: overdue.data, index });
  await records.put({
    pk: legacyOverduePartition(counted.documentId),
    sk: `${overdue.data.site.region}#${overdue.data.siteId}`,
    data: overdueItem(overdue.data),
  });
}

const nonZero = (counts: StoredRecord["counts"]) =>
  Object.fromEntries(Object.entries(counts ?? {}).filter(([, n]) => n !== 0));

/** Everything the rebuild writes, without versions: counters, overdue lists, notices and their due keys. */
async function rebuildState(platform: Platform) {
  const { records } = platform;
  const rows: unknown[] = [];
  const all = async (partition: string) => {
    const out: StoredRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await records.query(partition, { cursor, limit: 100 });
      out.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    return out;
  };
  for (const doc of REBUILD_DOCS) {
    for (const r of await all(documentCountsPartition(doc.documentId)))
      rows.push([r.pk, r.sk, nonZero(r.counts), r.data]);
    for (const r of await all(legacyOverduePartition(doc.documentId))) rows.push([r.pk, r.sk, r.data]);
    const listed = await records.query(overdueIndexPartition(doc.documentId), { index: OVERDUE_INDEX });
    for (const r of listed.items) rows.push([r.index?.gsi3pk, r.index?.gsi3sk, r.pk, r.sk]);
    for (const r of await all(noticePartition(doc.documentId)))
      rows.push([r.pk, r.sk, r.data, r.index?.gsi1pk, r.index?.gsi1sk, r.index?.gsi2sk, r.index?.gsi3sk]);
  }
  for (const month of ["2024-01", "2024-02", "2024-03", ALL_MONTHS]) {
    for (let shard = 0; shard < COUNTER_SHARDS; shard++) {
      for (const r of await all(siteCountsPartition(month, shard)))
        rows.push([r.pk, r.sk, nonZero(r.counts), r.data]);
    }
  }
  const scratch: StoredRecord[] = [];
  for (let shard = 0; shard < COUNTER_SHARDS; shard++) {
    scratch.push(
      ...(await all(`REPOST_REBUILD#T0#${shard}`)),
      ...(await all(`REPOST_REBUILD#SITES#${shard}`)),
    );
  }
  return { rows, scratch: scratch.length };
}

/** The migration, crashing once after each step's writes, before the runner stores its cursor. */
function crashingOnce(migration: Migration): Migration & { crashes: number } {
  const crashed = new Set<string>();
  const wrapped = {
    ...migration,
    crashes: 0,
    async step(context: Parameters<Migration["step"]>[0], cursor: string | undefined) {
      const result = await migration.step(context, cursor);
      const at = cursor ?? "start";
      if (!crashed.has(at)) {
        crashed.add(at);
        wrapped.crashes += 1;
        throw new Error("killed after the step's writes, before its cursor was stored");
      }
      return result;
    },
  };
  return wrapped;
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

    it("rebuilds the reposts' counters in steps: stopped after every step and killed between each step's writes and its cursor, it ends as one uninterrupted run", async () => {
      // Prepare: the same store twice
      const quiet = await setup();
      const broken = await setup();
      try {
        const context = (platform: Platform) => ({
          platform,
          statuses: { recordEdition: async () => undefined },
          calendar: createWorkingDayCalendar(),
        });
        await seedForRebuild(quiet.platform);
        await seedForRebuild(broken.platform);

        // Act: one run to the end; and one step per run, each step killed once after its writes
        const [once] = await runMigrations(context(quiet.platform), [repostsRebuild]);
        const crashing = crashingOnce(repostsRebuild);
        let runs = 0;
        for (;;) {
          runs += 1;
          try {
            const [outcome] = await runMigrations(context(broken.platform), [crashing], {
              hasTime: () => false,
            });
            if (outcome?.status === "done" || runs > 400) break;
          } catch (error) {
            if (!(error instanceof MigrationFailedError)) throw error;
          }
        }

        // Assess: the same counters, overdue lists, notices and due keys; no scratch left
        expect(once).toMatchObject({
          status: "done",
          counts: { documents: 3, notices: 15, rewritten: 6, overdue: 2 },
        });
        expect(once!.steps).toBeGreaterThan(2 * COUNTER_SHARDS + REBUILD_DOCS.length);
        // Every step killed once (a redone sites step finds its own corrections moved: rechecks, more steps).
        expect(crashing.crashes).toBeGreaterThanOrEqual(once!.steps);
        const expected = await rebuildState(quiet.platform);
        expect(await rebuildState(broken.platform)).toEqual(expected);
        expect(expected.scratch).toBe(0);
        // And they are the notices' sums.
        for (const doc of REBUILD_DOCS) {
          const sum = emptyTotals();
          for (const r of (await quiet.platform.records.query<RepostNotice>(noticePartition(doc.documentId)))
            .items)
            addTotals(sum, contribution(r.data));
          const totals = emptyTotals();
          for (const r of (
            await quiet.platform.records.query(documentCountsPartition(doc.documentId), { prefix: "TOTAL#" })
          ).items)
            addTotals(totals, r.counts ?? {});
          expect(totals).toEqual(sum);
        }
        const site = (month: string) =>
          expected.rows.find(
            (r) => Array.isArray(r) && r[0] === siteCountsPartition(month, 1) && r[1] === "jinjiang",
          );
        if (site(ALL_MONTHS))
          expect((site(ALL_MONTHS) as unknown[])[2]).toMatchObject({ notices: 3, delivered: 3 });
        expect(
          expected.rows.some(
            (r) => Array.isArray(r) && r[1] === "gone" && Object.keys(r[2] as object).length > 0,
          ),
        ).toBe(false);
        // The overdue list: the three overdue notices in the index, none of the items of before.
        expect(
          expected.rows.filter((r) => Array.isArray(r) && String(r[0]).startsWith("OVERDUE#")),
        ).toHaveLength(3);
        expect(
          expected.rows.filter((r) => Array.isArray(r) && String(r[0]).startsWith("REPOST_OVERDUE#")),
        ).toHaveLength(0);
      } finally {
        await quiet.cleanup();
        await broken.cleanup();
      }
    }, 240_000);
  });
}

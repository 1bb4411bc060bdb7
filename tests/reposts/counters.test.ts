import Database from "better-sqlite3";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SqliteRecordStore } from "../../src/platform/embedded/sqlite-records.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { MAX_TRANSACTION_WRITES, type RecordStore, type StoredRecord } from "../../src/platform/ports.js";
import { buildComplianceReport } from "../../src/reposts/compliance.js";
import {
  ALL_MONTHS,
  addTotals,
  contribution,
  documentCountsPartition,
  emptyTotals,
  legacyOverduePartition,
  overdueItem,
  siteCounterShard,
  siteCountsPartition,
} from "../../src/reposts/counters.js";
import { type RepostNotice, type SiteLevel, untouchedNotice } from "../../src/reposts/model.js";
import { rebuildReposts, rebuildStep } from "../../src/reposts/rebuild.js";
import {
  type Alongside,
  createNotice,
  type NoticeUpdate,
  noticeKeys,
  noticePartition,
  type RepostDocument,
  repostDocumentKeys,
  updateNotice,
  updateNotices,
} from "../../src/reposts/records.js";
import { createWorkingDayCalendar } from "../../src/reposts/working-days.js";

const calendar = createWorkingDayCalendar();
const START = Date.parse("2026-03-02T02:00:00Z");
const SITES: { id: string; region: string; level: SiteLevel }[] = [
  { id: "jinjiang", region: "510104", level: "county" },
  { id: "qingyang", region: "510105", level: "county" },
  { id: "mianyang", region: "510700", level: "city" },
  { id: "jiaoyu", region: "510000", level: "province_dept" },
];
const DOCUMENTS = [
  { id: "docMarch", publishedAt: "2026-03-02T02:00:00.000Z", deadline: "2026-03-09" },
  { id: "docMarchLate", publishedAt: "2026-03-31T17:00:00.000Z", deadline: "2026-04-08" },
];

function freshStore() {
  const clock = new ManualClock(START);
  const records = new SqliteRecordStore(new Database(":memory:"), clock);
  return { records, clock };
}

function newNotice(doc: (typeof DOCUMENTS)[number], site: (typeof SITES)[number]): RepostNotice {
  return {
    id: `${doc.id}.${site.id}`,
    documentId: doc.id,
    siteId: site.id,
    editionId: "ed1",
    createdAt: doc.publishedAt,
    site: { name: `${site.id} 网站`, region: site.region, level: site.level },
    document: { title: "关于做好春耕工作的通知", docNumber: null, publishedAt: doc.publishedAt },
    deadline: doc.deadline,
    deadlineProvisional: false,
    ...untouchedNotice(doc.publishedAt),
  };
}

/**
 * The state changes the pipeline makes, each guarded as its service guards it (a change that
 * already happened returns undefined), so a redelivered message finds nothing left to do.
 */
const AT = "2026-03-10T02:00:00.000Z";
const CHANGES: Record<string, (n: RepostNotice) => RepostNotice | undefined> = {
  delivered: (n) =>
    n.delivery.state === "delivered" || n.delivery.state === "failed"
      ? undefined
      : {
          ...n,
          delivery: { ...n.delivery, state: "delivered", deliveredAt: AT, attempts: n.delivery.attempts + 1 },
        },
  retrying: (n) =>
    n.delivery.state === "pending"
      ? {
          ...n,
          delivery: {
            ...n.delivery,
            state: "retrying",
            attempts: n.delivery.attempts + 1,
            nextAttemptAt: AT,
          },
        }
      : undefined,
  deliveryFailed: (n) =>
    n.delivery.state === "pending" || n.delivery.state === "retrying"
      ? { ...n, delivery: { ...n.delivery, state: "failed", failedAt: AT, lastError: "HTTP 410" } }
      : undefined,
  acknowledged: (n) =>
    n.ack
      ? undefined
      : {
          ...n,
          ack: { url: "https://example.gov.cn/a.html", at: AT },
          verification: { state: "pending", reason: null, checkedAt: null, checks: 0, nextCheckAt: AT },
        },
  verified: (n) =>
    n.ack && n.verification?.state !== "verified"
      ? {
          ...n,
          verification: {
            ...n.verification!,
            state: "verified",
            reason: null,
            checkedAt: AT,
            nextCheckAt: null,
          },
        }
      : undefined,
  verificationFailed: (n) =>
    n.ack && n.verification?.state === "pending"
      ? {
          ...n,
          verification: { ...n.verification, state: "failed", reason: "标题不符", checkedAt: AT, checks: 1 },
        }
      : undefined,
  overdue: (n) =>
    n.overdueAt || (n.ack && n.verification?.state !== "failed") ? undefined : { ...n, overdueAt: AT },
  overdueUndone: (n) => (n.overdueAt === AT ? { ...n, overdueAt: null } : undefined),
};

const event = fc.record({
  notice: fc.nat({ max: DOCUMENTS.length * SITES.length - 1 }),
  change: fc.constantFrom(...Object.keys(CHANGES)),
  /** How many times the message arrives (redeliveries), each from the copy read before the first. */
  deliveries: fc.integer({ min: 1, max: 3 }),
  /** Whether the copies are handled at once (concurrent consumers) or one after another. */
  concurrent: fc.boolean(),
  /** Whether it works from the copy read before the notice's previous event (a slow consumer). */
  stale: fc.boolean(),
  /**
   * Whether it is applied with the events next to it that also are, in one updateNotices call as
   * the tick applies its marks (the copies it read standing in for reads, shared transactions).
   */
  together: fc.boolean(),
});

async function countersOf(records: SqliteRecordStore) {
  const report = await buildComplianceReport({ records, clock: new ManualClock(START) }, {}, { limit: 200 });
  return { totals: report.totals, sites: report.sites, documents: report.documents, overdue: report.overdue };
}

/** The store as the rebuild sees it: before each of its calls, `before` may change notices. */
function interleaved(inner: RecordStore, before: () => Promise<void>): RecordStore {
  const then =
    <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await before();
      return f(...args);
    };
  return {
    get: then((key) => inner.get(key)),
    put: then((record, condition) => inner.put(record, condition)),
    delete: then((key, condition) => inner.delete(key, condition)),
    query: then((partition, options) => inner.query(partition, options)),
    transact: then((writes) => inner.transact(writes)),
    transactEach: then((transactions) => inner.transactEach(transactions)),
    transactEachLimit: inner.transactEachLimit,
  } as RecordStore;
}

/** A document fanned out while the rebuild runs: its notices are created by the events. */
const LATE = { id: "docApril", publishedAt: "2026-04-01T02:00:00.000Z", deadline: "2026-04-09" };

const liveEvent = fc.record({
  /** A notice of the two documents, or of the late one (created by its first event). */
  notice: fc.nat({ max: 3 * SITES.length - 1 }),
  change: fc.constantFrom(...Object.keys(CHANGES)),
  deliveries: fc.integer({ min: 1, max: 3 }),
  concurrent: fc.boolean(),
  stale: fc.boolean(),
  /**
   * Before which of the rebuild's store calls it lands (a rebuild of this store makes ~150–220;
   * later ones land after the rebuild).
   */
  at: fc.nat({ max: 240 }),
});

function repostDocument(doc: { id: string; publishedAt: string; deadline: string }): RepostDocument {
  return {
    documentId: doc.id,
    editionId: "ed1",
    title: "关于做好春耕工作的通知",
    docNumber: null,
    publishedAt: doc.publishedAt,
    deadline: doc.deadline,
    deadlineProvisional: false,
  };
}

describe("repost counters", () => {
  it("equal what the rebuild recomputes from the notices, whatever the events and however often each is redelivered", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(event, { maxLength: 40 }),
        fc.boolean(),
        async (events, smallTransactions) => {
          // Prepare: two documents (one published late on 31 March, China time: April) to four sites
          const { records, clock } = freshStore();
          const platform = { records, clock };
          for (const doc of DOCUMENTS) {
            await records.put({ ...repostDocumentKeys(doc.id), data: repostDocument(doc) });
            for (const site of SITES) {
              await createNotice(platform, newNotice(doc, site));
              // A redelivered fan-out page finds the notice there and counts nothing.
              await expect(createNotice(platform, newNotice(doc, site))).rejects.toThrow();
            }
          }

          // Act
          const previous = new Map<string, StoredRecord<RepostNotice>>();
          // Applied together: each transaction also writes a note, as the tick its outbox entry; with
          // `smallTransactions` the notes take most of a transaction, so the notices spread over many.
          let together: { update: NoticeUpdate; copies: number; concurrent: boolean }[] = [];
          let notes = 0;
          const committedNotes: string[] = [];
          const alongside: Alongside = {
            reserve: smallTransactions ? MAX_TRANSACTION_WRITES - 3 : 1,
            writes: () => [
              { put: { pk: "NOTES", sk: String(notes++), data: null }, condition: { kind: "absent" } },
            ],
            committed: (writes) => {
              for (const w of writes) if ("put" in w) committedNotes.push(w.put.sk);
            },
          };
          const applyTogether = async () => {
            const batch = together;
            together = [];
            const copies = batch.flatMap((b) => Array.from({ length: b.copies }, () => b));
            const atOnce = copies.filter((b) => b.concurrent).map((b) => b.update);
            const after = copies.filter((b) => !b.concurrent).map((b) => b.update);
            // With small transactions, DynamoDB's size (the store takes more): many of them.
            const limits = smallTransactions ? { writes: MAX_TRANSACTION_WRITES } : undefined;
            await Promise.all([
              updateNotices(
                platform,
                batch.map((b) => b.update),
                alongside,
                limits,
              ),
              updateNotices(platform, atOnce, alongside, limits),
            ]);
            await updateNotices(platform, after, alongside, limits);
          };
          for (const e of events) {
            const doc = DOCUMENTS[Math.floor(e.notice / SITES.length)]!;
            const site = SITES[e.notice % SITES.length]!;
            const key = noticeKeys(doc.id, site.id);
            const fresh = (await records.get<RepostNotice>(key)) as StoredRecord<RepostNotice>;
            const read = (e.stale && previous.get(fresh.sk + fresh.pk)) || fresh;
            previous.set(fresh.sk + fresh.pk, fresh);
            if (e.together) {
              // The first copy goes with the others; redeliveries at once or after them.
              together.push({
                update: { key, change: CHANGES[e.change]!, known: read },
                copies: e.deliveries - 1,
                concurrent: e.concurrent,
              });
              continue;
            }
            await applyTogether();
            const apply = () => updateNotice(platform, key, CHANGES[e.change]!, read);
            const copies = Array.from({ length: e.deliveries }, () => apply);
            if (e.concurrent) await Promise.all(copies.map((f) => f()));
            else for (const f of copies) await f();
          }
          await applyTogether();
          const incremental = await countersOf(records);
          const rebuilt = await rebuildReposts(platform, calendar);

          // Assess: the rebuild finds nothing to correct, and the totals are the notices' sum
          expect(rebuilt).toMatchObject({
            notices: DOCUMENTS.length * SITES.length,
            counters: 0,
            overdue: 0,
          });
          expect(await countersOf(records)).toEqual(incremental);
          const sum = emptyTotals();
          for (const doc of DOCUMENTS) {
            for (const { data } of (await records.query<RepostNotice>(noticePartition(doc.id))).items) {
              addTotals(sum, contribution(data));
            }
          }
          expect(incremental.totals).toEqual(sum);
          // A note is stored exactly when its transaction committed.
          const stored = (await records.query("NOTES")).items.map((i) => i.sk);
          expect(stored.sort()).toEqual([...committedNotes].sort());
        },
      ),
      { numRuns: 60 },
    );
  });

  it("a rebuild in steps, with notices changing between and within its steps (redelivered, concurrent, stale) and steps killed before their cursor is kept, leaves nothing for a quiet rebuild to correct", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(liveEvent, { maxLength: 24 }),
        /** Whether each step is killed after its writes, before its cursor is kept (then done again). */
        fc.array(fc.boolean(), { maxLength: 40 }),
        fc.constantFrom("counted", "legacy", "wrong"),
        async (events, kills, start) => {
          // Prepare: two documents to four sites, counted, stored before counters, or counted wrong
          const { records, clock } = freshStore();
          const platform = { records, clock };
          for (const doc of [...DOCUMENTS, LATE]) {
            await records.put({ ...repostDocumentKeys(doc.id), data: repostDocument(doc) });
          }
          for (const doc of DOCUMENTS) {
            for (const site of SITES) {
              if (start !== "legacy") {
                await createNotice(platform, newNotice(doc, site));
                continue;
              }
              const { publishedAt: _, ...document } = newNotice(doc, site).document;
              // Half escalated by an older release: overdue, with no entry in the overdue list.
              const overdueAt = site.level === "county" ? AT : null;
              const n = { ...newNotice(doc, site), document, overdueAt };
              await records.put({
                ...noticeKeys(doc.id, site.id),
                data: n,
                index: { gsi1pk: `SITE_REPOSTS#${site.id}`, gsi1sk: `${n.createdAt}#${doc.id}` },
              });
            }
          }
          if (start === "wrong") {
            const jinjiang = SITES[0]!.id;
            await records.transact([
              {
                add: { pk: documentCountsPartition(DOCUMENTS[0]!.id), sk: "TOTAL#0", data: null },
                counts: { notices: 2, overdue: 1 },
              },
              {
                add: {
                  pk: siteCountsPartition(ALL_MONTHS, siteCounterShard(jinjiang)),
                  sk: jinjiang,
                  data: null,
                },
                counts: { delivered: -1 },
              },
              {
                put: {
                  pk: legacyOverduePartition(DOCUMENTS[1]!.id),
                  sk: `${SITES[1]!.region}#${SITES[1]!.id}`,
                  data: { stale: true },
                },
              },
            ]);
          }
          const pending = [...events].sort((a, b) => a.at - b.at);
          const previous = new Map<string, StoredRecord<RepostNotice>>();
          const applyOne = async () => {
            const e = pending.shift();
            if (!e) return;
            const doc = [...DOCUMENTS, LATE][Math.floor(e.notice / SITES.length)]!;
            const site = SITES[e.notice % SITES.length]!;
            const key = noticeKeys(doc.id, site.id);
            const fresh = await records.get<RepostNotice>(key);
            if (!fresh) {
              // The late document's fan-out: a redelivered page finds the notice there.
              const create = () => createNotice(platform, newNotice(doc, site)).catch(() => undefined);
              await Promise.all(Array.from({ length: e.deliveries }, create));
              return;
            }
            const read = (e.stale && previous.get(key.pk + key.sk)) || fresh;
            previous.set(key.pk + key.sk, fresh);
            const apply = () => updateNotice(platform, key, CHANGES[e.change]!, read);
            if (e.concurrent) await Promise.all(Array.from({ length: e.deliveries }, apply));
            else for (let i = 0; i < e.deliveries; i++) await apply();
          };
          let call = 0;
          const store = interleaved(records, async () => {
            while (pending.length > 0 && pending[0]!.at <= call) await applyOne();
            call += 1;
          });

          // Act: the rebuild step by step, events landing inside its steps, some steps killed
          let cursor: string | undefined;
          let unsettled = 0;
          for (let step = 0; ; step++) {
            const result = await rebuildStep({ records: store, clock }, calendar, cursor, {
              stepsPerItem: 100,
            });
            unsettled += result.counts.unsettled;
            if (kills[step]) continue;
            cursor = result.cursor;
            if (cursor === undefined) break;
          }
          while (pending.length > 0) await applyOne();
          const live = await countersOf(records);
          if (process.env.COUNT_CALLS) console.log("calls", call);
          const quiet = await rebuildReposts(platform, calendar);

          // Assess: nothing left to correct, and the totals are the notices' sum
          expect(unsettled).toBe(0);
          expect(quiet).toMatchObject({ counters: 0, overdue: 0, unsettled: 0 });
          expect(await countersOf(records)).toEqual(live);
          const sum = emptyTotals();
          for (const doc of [...DOCUMENTS, LATE]) {
            for (const { data } of (await records.query<RepostNotice>(noticePartition(doc.id))).items) {
              addTotals(sum, contribution(data));
            }
          }
          expect(live.totals).toEqual(sum);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("puts counters that were lost or never written back from the notices", async () => {
    // Prepare: notices whose counters are gone (as after an upgrade from before the counters)
    const { records, clock } = freshStore();
    const platform = { records, clock };
    const doc = DOCUMENTS[0]!;
    await records.put({ ...repostDocumentKeys(doc.id), data: repostDocument(doc) });
    for (const site of SITES) {
      await createNotice(platform, newNotice(doc, site));
      await updateNotice(platform, noticeKeys(doc.id, site.id), CHANGES.delivered!);
    }
    await updateNotice(platform, noticeKeys(doc.id, SITES[0]!.id), CHANGES.overdue!);
    const before = await countersOf(records);
    const wiped = freshStore();
    for (const { data, index, ...key } of (await records.query<RepostNotice>(noticePartition(doc.id)))
      .items) {
      // …and from before the overdue index: an overdue notice's entry is an item of its own.
      const { publishedAt: _old, ...document } = data.document;
      const { gsi3pk: _pk, gsi3sk: _sk, ...old } = index!;
      await wiped.records.put({ pk: key.pk, sk: key.sk, data: { ...data, document }, index: old });
      if (_pk)
        await wiped.records.put({
          pk: legacyOverduePartition(doc.id),
          sk: `${data.site.region}#${data.siteId}`,
          data: overdueItem(data),
        });
    }
    await wiped.records.put({
      ...repostDocumentKeys(doc.id),
      data: (await records.get(repostDocumentKeys(doc.id)))!.data,
    });

    // Act
    const empty = await countersOf(wiped.records);
    const result = await rebuildReposts({ records: wiped.records, clock: wiped.clock }, calendar);

    // Assess
    expect(empty.totals.notices).toBe(0);
    expect(result).toMatchObject({ documents: 1, notices: 4, rewritten: 4, overdue: 1 });
    expect(await countersOf(wiped.records)).toEqual(before);
    expect((await wiped.records.query(legacyOverduePartition(doc.id))).items).toEqual([]);
    expect(before.totals).toMatchObject({ notices: 4, delivered: 4, overdue: 1 });
  });
});

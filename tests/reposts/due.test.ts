import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { DUE_INDEX, dueIndex, noticeDueAt, reminderDay } from "../../src/reposts/due.js";
import type { RepostNotice } from "../../src/reposts/model.js";
import { rebuildReposts } from "../../src/reposts/rebuild.js";
import { noticeKeys, noticePartition } from "../../src/reposts/records.js";
import { workDue } from "../../src/reposts/tick.js";
import { createWorkingDayCalendar } from "../../src/reposts/working-days.js";
import { createRepostsHarness, type RepostsHarness } from "./harness.js";

/**
 * The due index (issue 15): each notice is filed under the earliest time the tick must act on it,
 * so the tick reads only what is due. The property: the tick never has work for a notice before
 * its due time, and always has some at it — so reading due notices alone misses nothing.
 */

const calendar = createWorkingDayCalendar();
const DAY = 86_400_000;
const BASE = Date.parse("2026-01-05T00:00:00Z");
const iso = (t: number) => new Date(t).toISOString();

const dayOffset = fc.integer({ min: 0, max: 400 });
const time = fc.integer({ min: -30 * DAY, max: 500 * DAY }).map((t) => BASE + t);
const maybeTime = fc.option(time, { nil: null });

const notice: fc.Arbitrary<RepostNotice> = fc
  .record({
    deadlineDay: dayOffset,
    legacy: fc.boolean(),
    state: fc.constantFrom("pending", "retrying", "delivered", "failed" as const),
    nextAttemptAt: maybeTime,
    lease: fc.boolean(),
    ack: maybeTime,
    verification: fc.option(
      fc.record({ state: fc.constantFrom("pending", "verified", "failed" as const), nextCheckAt: maybeTime }),
      { nil: null },
    ),
    reminderSentAt: maybeTime,
    overdueAt: maybeTime,
  })
  .map((r) => {
    const deadline = iso(BASE + r.deadlineDay * DAY).slice(0, 10);
    return {
      id: "01JDOC00000000000000000000.01JSITE0000000000000000000",
      documentId: "01JDOC00000000000000000000",
      siteId: "01JSITE0000000000000000000",
      editionId: "1",
      createdAt: iso(BASE),
      site: { name: "锦江区", region: "510104", level: "county" as const },
      document: { title: "通知", docNumber: null },
      deadline,
      deadlineProvisional: false,
      delivery: {
        state: r.state,
        attempts: 1,
        nextAttemptAt: r.nextAttemptAt === null ? null : iso(r.nextAttemptAt),
        deliveredAt: null,
        failedAt: null,
        lastStatus: null,
        lastError: null,
        lease: r.lease ? { messageId: "m", attempt: 2, until: iso(BASE) } : null,
      },
      ack: r.ack === null ? null : { url: "https://www.example.gov.cn/a.html", at: iso(r.ack) },
      verification:
        r.verification === null
          ? null
          : {
              state: r.verification.state,
              reason: null,
              checkedAt: null,
              checks: 1,
              nextCheckAt: r.verification.nextCheckAt === null ? null : iso(r.verification.nextCheckAt),
            },
      reminderSentAt: r.reminderSentAt === null ? null : iso(r.reminderSentAt),
      overdueAt: r.overdueAt === null ? null : iso(r.overdueAt),
      ...(r.legacy ? {} : { remindFrom: reminderDay(calendar, deadline) }),
    };
  });

const anyWork = (n: RepostNotice, at: number) =>
  Object.values(workDue(n, new Date(at), calendar)).some(Boolean);

describe("a notice's due time", () => {
  it("property: the tick has no work for a notice before its due time, and has some at it", () => {
    fc.assert(
      fc.property(notice, time, (n, now) => {
        const due = noticeDueAt(n);
        // Nothing missed: whenever there is work, the notice is due.
        if (anyWork(n, now)) expect(due, `work at ${iso(now)} for ${JSON.stringify(n)}`).not.toBeNull();
        if (due !== null && anyWork(n, now)) expect(due).toBeLessThanOrEqual(now);
        // Nothing early (a notice that knows its reminder day): at its due time there is work.
        if (due !== null && n.remindFrom !== undefined)
          expect(anyWork(n, due), `due ${iso(due)} for ${JSON.stringify(n)}`).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("is filed under the day of its due time, or of the write when it is already due", () => {
    // Prepare
    const [n] = fc.sample(notice, { numRuns: 1, seed: 7 });
    const delivered: RepostNotice = {
      ...n!,
      delivery: { ...n!.delivery, state: "delivered" },
      ack: null,
      overdueAt: null,
    };
    const due = noticeDueAt(delivered)!;

    // Act
    const before = dueIndex(delivered, new Date(due - 3 * DAY));
    const after = dueIndex(delivered, new Date(due + 3 * DAY));

    // Assess
    expect(before.gsi2pk?.split("#")[1]).toBe(iso(due).slice(0, 10));
    expect(after.gsi2pk?.split("#")[1]).toBe(iso(due + 3 * DAY).slice(0, 10));
    expect(before.gsi2sk).toBe(`${iso(due)}#${delivered.id}`);
  });

  it("is none once nothing is pending: verified in time, no more re-checks", () => {
    // Prepare
    const [n] = fc.sample(notice, { numRuns: 1, seed: 3 });
    const done: RepostNotice = {
      ...n!,
      delivery: { ...n!.delivery, state: "delivered", lease: null },
      ack: { url: "https://www.example.gov.cn/a.html", at: iso(BASE) },
      verification: { state: "verified", reason: null, checkedAt: iso(BASE), checks: 3, nextCheckAt: null },
    };

    // Act / Assess
    expect(noticeDueAt(done)).toBeNull();
    expect(dueIndex(done, new Date(BASE))).toEqual({});
  });
});

let h: RepostsHarness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

describe("the tick reads only what is due", () => {
  it("reads the notices due now and none of the others, and its writes move them to their next due time", async () => {
    // Prepare: 30 sites, a document with a 5-working-day deadline, delivered everywhere
    h = createRepostsHarness({ start: Date.parse("2026-03-02T02:00:00Z") });
    for (let i = 0; i < 30; i++)
      await h.registerSite({
        name: `第${i}县`,
        level: "county",
        region: `5101${String(i).padStart(2, "0")}`,
      });
    const doc = await h.submitRepost({ scope: "all", deadlineWorkingDays: 5 });
    await h.publish([doc]);
    await h.runQueues();
    await h.reposts.tick.run(); // the first tick files notices stored before the index (none here)
    const { records } = h.container.platform;
    const query = records.query.bind(records);
    let read = 0;
    records.query = (async (partition, options) => {
      const page = await query(partition, options);
      if (partition.startsWith("REPOSTS#") || options?.index === DUE_INDEX) read += page.items.length;
      return page;
    }) as typeof records.query;

    // Act: a tick with nothing due, then one on the day of the reminders, then one past the deadline
    await h.reposts.tick.run();
    const readIdle = read;
    read = 0;
    h.clock.advance(Date.parse("2026-03-06T01:00:00Z") - h.clock.now().getTime());
    const reminders = await h.reposts.tick.run();
    const readReminders = read;
    read = 0;
    const again = await h.reposts.tick.run();
    const readAgain = read;
    h.clock.advance(Date.parse("2026-03-10T01:00:00Z") - h.clock.now().getTime());
    const overdue = await h.reposts.tick.run();

    // Assess
    expect(readIdle).toBe(0);
    expect(reminders.reminded).toBe(30);
    expect(readReminders).toBe(30);
    expect([again.reminded, readAgain]).toEqual([0, 0]);
    expect(overdue.overdue).toBe(30);
  });

  it("files notices stored before the due index once, so the tick finds them (the rebuild)", async () => {
    // Prepare: a delivered notice stored without remindFrom and without due keys
    h = createRepostsHarness({ start: Date.parse("2026-03-02T02:00:00Z") });
    await h.registerSite({ name: "锦江区", level: "county", region: "510104" });
    const doc = await h.submitRepost({ scope: "all", deadlineWorkingDays: 5 });
    await h.publish([doc]);
    await h.runQueues();
    const { records, clock } = h.container.platform;
    const [stored] = (await records.query<RepostNotice>(noticePartition(doc))).items;
    const { remindFrom: _dropped, ...legacy } = stored!.data;
    await records.put({
      ...noticeKeys(legacy.documentId, legacy.siteId),
      data: legacy,
      index: {
        gsi1pk: stored!.index!.gsi1pk,
        gsi1sk: stored!.index!.gsi1sk,
      },
    });

    // Act
    const rebuilt = await rebuildReposts({ records, clock }, calendar);
    const [after] = (await records.query<RepostNotice>(noticePartition(doc))).items;
    const again = await rebuildReposts({ records, clock }, calendar);

    // Assess
    expect(rebuilt).toMatchObject({ notices: 1, rewritten: 1, counters: 0 });
    expect(after!.data.remindFrom).toBe(stored!.data.remindFrom);
    expect(after!.index?.gsi2sk).toBe(stored!.index?.gsi2sk);
    expect(again).toMatchObject({
      documents: 1,
      notices: 1,
      rewritten: 0,
      counters: 0,
      overdue: 0,
      moved: 0,
    });
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { EVENTS_QUEUE } from "../../src/documents/intake.js";
import { OUTBOX_RELAY_AFTER_SECONDS, relayOutbox } from "../../src/platform/outbox.js";
import { DELIVERY_QUEUE } from "../../src/reposts/messages.js";
import { RepostTick } from "../../src/reposts/tick.js";
import { createWorkingDayCalendar, loadHolidaySchedule } from "../../src/reposts/working-days.js";
import { createRepostsHarness, type RepostsHarness } from "./harness.js";

let h: RepostsHarness;
afterEach(() => h?.close());

describe("deadlines", () => {
  it("counts working days across the 2026 Spring Festival, including the make-up working day of 14 February", async () => {
    // Prepare: published Thursday 2026-02-12 (10:00 in China); 5 working days are 13 Feb (Fri),
    // 14 Feb (Sat, 调休 working day), then 15–23 Feb are holidays, then 24, 25, 26 Feb.
    h = createRepostsHarness({ start: Date.parse("2026-02-12T02:00:00Z") });
    await h.registerSite({ name: "锦江区", level: "county", region: "510104" });
    const doc = await h.submitRepost({ scope: "all", deadlineWorkingDays: 5 });

    // Act
    await h.publish([doc]);
    await h.runQueues();

    // Assess
    const [notice] = await h.notices(doc);
    expect(notice).toMatchObject({ deadline: "2026-02-26", deadlineProvisional: false });
  });

  it("flags a deadline in a year whose holiday schedule is not published yet as provisional", async () => {
    // Prepare
    h = createRepostsHarness({ start: Date.parse("2026-12-28T02:00:00Z") });
    await h.registerSite({ name: "锦江区", level: "county", region: "510104" });
    const doc = await h.submitRepost({ scope: "all", deadlineWorkingDays: 10 });

    // Act
    await h.publish([doc]);
    await h.runQueues();

    // Assess
    const [notice] = await h.notices(doc);
    expect(notice?.deadline.startsWith("2027-01")).toBe(true);
    expect(notice?.deadlineProvisional).toBe(true);
  });

  it("takes an operator-loaded schedule for the next year, and the deadline is no longer provisional", async () => {
    // Prepare: a hypothetical 2027 schedule with 元旦 on 1 January and a make-up day on Saturday 9 January.
    const schedule = loadHolidaySchedule(
      JSON.stringify({ year: 2027, holidays: ["2027-01-01"], workdays: ["2027-01-09"] }),
    );
    h = createRepostsHarness({
      start: Date.parse("2026-12-28T02:00:00Z"),
      reposts: { calendar: createWorkingDayCalendar({ schedule }) },
    });
    await h.registerSite({ name: "锦江区", level: "county", region: "510104" });
    const doc = await h.submitRepost({ scope: "all", deadlineWorkingDays: 10 });

    // Act
    await h.publish([doc]);
    await h.runQueues();

    // Assess: 29, 30, 31 Dec, (1 Jan off) 4–8 Jan, 9 Jan (make-up), 11 Jan.
    const [notice] = await h.notices(doc);
    expect(notice).toMatchObject({ deadline: "2027-01-11", deadlineProvisional: false });
  });

  it("reminds once on the working day before the deadline and escalates once when it has passed", async () => {
    // Prepare: deadline 2026-02-26 (see above).
    h = createRepostsHarness({ start: Date.parse("2026-02-12T02:00:00Z") });
    const site = await h.registerSite({ name: "锦江区", level: "county", region: "510104" });
    const doc = await h.submitRepost({ scope: "all", deadlineWorkingDays: 5 });
    await h.publish([doc]);
    await h.runQueues();
    const tickAt = async (iso: string) => {
      h.clock.advance(Date.parse(iso) - h.clock.now().getTime());
      const result = await h.reposts.tick.run();
      await h.runQueues();
      return result;
    };

    // Act
    const early = await tickAt("2026-02-24T02:00:00Z");
    const dayBefore = await tickAt("2026-02-25T02:00:00Z");
    const again = await tickAt("2026-02-25T08:00:00Z");
    const lastDay = await tickAt("2026-02-26T15:00:00Z"); // 23:00 in China: still in time
    const after = await tickAt("2026-02-26T16:30:00Z"); // 00:30 on the 27th in China
    const later = await tickAt("2026-02-27T16:30:00Z");

    // Assess
    expect([early.reminded, dayBefore.reminded, again.reminded]).toEqual([0, 1, 0]);
    const reminders = site.endpoint.received.map((r) => (JSON.parse(r.body) as { type: string }).type);
    expect(reminders).toEqual(["repost.requested", "repost.reminder"]);
    expect([lastDay.overdue, after.overdue, later.overdue]).toEqual([0, 1, 0]);
    const events = (await h.drainEvents()) as { type: string; notices?: unknown[] }[];
    expect(events.filter((e) => e.type === "repost.overdue")).toEqual([
      expect.objectContaining({
        notices: [expect.objectContaining({ noticeId: `${doc}.${site.id}`, deadline: "2026-02-26" })],
      }),
    ]);
    const report = (await (await h.api("/api/compliance")).json()) as {
      totals: { overdue: number };
      overdue: unknown[];
    };
    expect(report.totals.overdue).toBe(1);
    expect(report.overdue).toHaveLength(1);
    expect(await h.container.platform.queues.depth(DELIVERY_QUEUE)).toBe(0);
  });

  it("sends the escalation once, through the outbox relay, when its event could not be queued", async () => {
    // Prepare: deadline 2026-02-26; the events queue refuses the first send.
    h = createRepostsHarness({ start: Date.parse("2026-02-12T02:00:00Z") });
    await h.registerSite({ name: "锦江区", level: "county", region: "510104" });
    const doc = await h.submitRepost({ scope: "all", deadlineWorkingDays: 5 });
    await h.publish([doc]);
    await h.runQueues();
    const { platform } = h.container;
    let refuse = true;
    const queues = Object.create(platform.queues) as typeof platform.queues;
    queues.send = async (queue, messages) => {
      if (queue === EVENTS_QUEUE && refuse) {
        refuse = false;
        throw new Error("queue unavailable");
      }
      return platform.queues.send(queue, messages);
    };
    const tick = new RepostTick({ platform: { ...platform, queues }, calendar: h.reposts.calendar });
    h.clock.advance(Date.parse("2026-02-27T02:00:00Z") - h.clock.now().getTime());

    // Act: the tick, then (after the outbox's grace period) the relay and the tick again
    const first = await tick.run();
    const queuedAtOnce = (await h.drainEvents()) as { type: string }[];
    h.clock.advance((OUTBOX_RELAY_AFTER_SECONDS + 1) * 1000);
    const relayed = await relayOutbox(platform);
    const second = await tick.run();

    // Assess: escalated and counted once, its event sent once, by the relay
    expect(first).toMatchObject({ overdue: 1, deferred: 1 });
    expect(queuedAtOnce.filter((e) => e.type === "repost.overdue")).toHaveLength(0);
    expect(relayed.sent).toBe(1);
    expect(second.overdue).toBe(0);
    const events = (await h.drainEvents()) as { type: string }[];
    expect(events.filter((e) => e.type === "repost.overdue")).toHaveLength(1);
    const report = (await (await h.api("/api/compliance")).json()) as { totals: { overdue: number } };
    expect(report.totals.overdue).toBe(1);
  });
});

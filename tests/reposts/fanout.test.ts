import { afterEach, describe, expect, it } from "vitest";
import type { QueuePort, ReceivedMessage } from "../../src/platform/ports.js";
import { toSqsEvent } from "../../src/platform/queue-poller.js";
import { FANOUT_QUEUE } from "../../src/reposts/messages.js";
import { createRepostsHarness, type RepostsHarness } from "./harness.js";

let h: RepostsHarness;
afterEach(() => h?.close());

describe("fan-out", () => {
  it("keeps exactly one notice and one delivery per (document, site) when events are redelivered", async () => {
    // Prepare: small pages, so the redone work spans several fan-out messages.
    h = createRepostsHarness({ reposts: { pageSize: 2 } });
    const sites = [];
    for (let i = 0; i < 5; i++)
      sites.push(await h.registerSite({ name: `单位${i}`, level: "county", region: `51010${i + 1}` }));
    const doc = await h.submitRepost({ scope: "all" });

    // Act: the edition.published event arrives three times, twice before anything ran.
    await h.publish([doc]);
    await h.publish([doc]);
    await h.runQueues();
    await h.publish([doc]);
    await h.runQueues();

    // Assess
    const notices = await h.notices(doc);
    expect(notices.map((n) => n.siteId).sort()).toEqual(sites.map((s) => s.id).sort());
    expect(notices.every((n) => n.delivery.state === "delivered" && n.delivery.attempts === 1)).toBe(true);
    for (const site of sites) expect(site.endpoint.received).toHaveLength(1);
  });

  it("resumes from the registry page a redelivered fan-out message is on", async () => {
    // Prepare
    h = createRepostsHarness({ reposts: { pageSize: 2 } });
    for (let i = 0; i < 5; i++)
      await h.registerSite({ name: `单位${i}`, level: "county", region: `51010${i + 1}` });
    const doc = await h.submitRepost({ scope: "all" });
    await h.publish([doc]);
    const { queues } = h.container.platform;
    const [first] = await queues.receive(FANOUT_QUEUE, { maxMessages: 1 });

    // Act: the first page is processed twice (a redelivery), then everything else runs.
    const event = toSqsEvent(FANOUT_QUEUE, [first!]);
    await h.reposts.fanoutHandler(event, {} as never);
    await h.reposts.fanoutHandler(event, {} as never);
    await queues.delete(FANOUT_QUEUE, first!.receiptHandle);
    await h.runQueues();

    // Assess: one notice per site, the next-page chain walked to the end; only the delayed sweep waits.
    const notices = await h.notices(doc);
    expect(notices).toHaveLength(5);
    expect(new Set(notices.map((n) => n.siteId)).size).toBe(5);
    expect(await queues.depth(FANOUT_QUEUE)).toBe(1);
  });
});

describe("fan-out sweep (late registrations)", () => {
  const SWEEP_SECONDS = 300;

  async function sweepMessages(queues: QueuePort): Promise<ReceivedMessage[]> {
    const all: ReceivedMessage[] = [];
    for (;;) {
      const batch = await queues.receive(FANOUT_QUEUE, { maxMessages: 10, visibilityTimeoutSeconds: 1 });
      if (batch.length === 0) return all;
      all.push(...batch);
    }
  }

  it("gives a site registered after the first pass exactly one notice, delivered once", async () => {
    // Prepare: two sites fanned out to; a third registers before the sweep is due.
    h = createRepostsHarness({ reposts: { pageSize: 2, sweepSeconds: SWEEP_SECONDS } });
    const early = [
      await h.registerSite({ name: "锦江区", level: "county", region: "510104" }),
      await h.registerSite({ name: "青羊区", level: "county", region: "510105" }),
    ];
    const doc = await h.submitRepost({ scope: "all" });
    await h.publish([doc]);
    await h.runQueues();
    const late = await h.registerSite({ name: "金牛区", level: "county", region: "510106" });
    const afterFirstPass = await h.notices(doc);

    // Act: the sweep comes due.
    h.clock.advance(SWEEP_SECONDS * 1000);
    await h.runQueues();

    // Assess
    expect(afterFirstPass.map((n) => n.siteId).sort()).toEqual(early.map((s) => s.id).sort());
    const notices = await h.notices(doc);
    expect(notices.map((n) => n.siteId).sort()).toEqual([...early, late].map((s) => s.id).sort());
    expect(notices.every((n) => n.delivery.state === "delivered" && n.delivery.attempts === 1)).toBe(true);
    for (const site of [...early, late]) expect(site.endpoint.received).toHaveLength(1);
    expect(await h.container.platform.queues.depth(FANOUT_QUEUE)).toBe(0);
  });

  it("queues one sweep per document when the event is redelivered, and a redelivered sweep creates nothing", async () => {
    // Prepare: the event arrives three times; a site registers after the first pass.
    h = createRepostsHarness({ reposts: { pageSize: 2, sweepSeconds: SWEEP_SECONDS } });
    for (let i = 1; i <= 3; i++)
      await h.registerSite({ name: `单位${i}`, level: "county", region: `51010${i}` });
    const doc = await h.submitRepost({ scope: "all" });
    await h.publish([doc]);
    await h.publish([doc]);
    await h.runQueues();
    await h.publish([doc]);
    await h.runQueues();
    const late = await h.registerSite({ name: "晚到单位", level: "county", region: "510108" });
    h.clock.advance(SWEEP_SECONDS * 1000);
    const { queues } = h.container.platform;
    const sweeps = await sweepMessages(queues);
    const event = toSqsEvent(FANOUT_QUEUE, sweeps);

    // Act: the sweep runs, is redelivered, and a site registers before a later copy arrives.
    await h.reposts.fanoutHandler(event, {} as never);
    await h.runQueues();
    const afterSweep = await h.notices(doc);
    const later = await h.registerSite({ name: "更晚单位", level: "county", region: "510109" });
    await h.reposts.fanoutHandler(event, {} as never);
    for (const m of sweeps) await queues.delete(FANOUT_QUEUE, m.receiptHandle);
    await h.runQueues();

    // Assess
    expect(sweeps.map((m) => JSON.parse(m.body))).toEqual([
      expect.objectContaining({ type: "repost.fanout", documentId: doc, sweep: true }),
    ]);
    expect(afterSweep).toHaveLength(4);
    const notices = await h.notices(doc);
    expect(notices).toHaveLength(4);
    expect(notices.some((n) => n.siteId === later.id)).toBe(false);
    expect(late.endpoint.received).toHaveLength(1);
    expect(notices.every((n) => n.delivery.attempts === 1)).toBe(true);
    expect(await queues.depth(FANOUT_QUEUE)).toBe(0);
  });

  it("gives a site disabled between the passes no notice and one re-enabled its notice", async () => {
    // Prepare: one site disabled before publication and re-enabled after the first pass; another
    // registered after the first pass and disabled before the sweep.
    h = createRepostsHarness({ reposts: { sweepSeconds: SWEEP_SECONDS } });
    const back = await h.registerSite({ name: "锦江区", level: "county", region: "510104" });
    await h.api(`/api/sites/${back.id}`, { method: "PATCH", json: { status: "disabled" } });
    const doc = await h.submitRepost({ scope: "all" });
    await h.publish([doc]);
    await h.runQueues();
    const afterFirstPass = await h.notices(doc);
    const gone = await h.registerSite({ name: "青羊区", level: "county", region: "510105" });
    await h.api(`/api/sites/${gone.id}`, { method: "PATCH", json: { status: "disabled" } });
    const reenabled = await h.api(`/api/sites/${back.id}`, { method: "PATCH", json: { status: "active" } });

    // Act
    h.clock.advance(SWEEP_SECONDS * 1000);
    await h.runQueues();

    // Assess
    expect(afterFirstPass).toEqual([]);
    expect(reenabled.status).toBe(200);
    expect((await h.notices(doc)).map((n) => n.siteId)).toEqual([back.id]);
    expect(back.endpoint.received).toHaveLength(1);
    expect(gone.endpoint.received).toHaveLength(0);
  });

  it("queues no sweep when it is turned off", async () => {
    // Prepare
    h = createRepostsHarness({ reposts: { sweepSeconds: 0 } });
    await h.registerSite({ name: "锦江区", level: "county", region: "510104" });
    const doc = await h.submitRepost({ scope: "all" });

    // Act
    await h.publish([doc]);
    await h.runQueues();

    // Assess
    expect(await h.notices(doc)).toHaveLength(1);
    expect(await h.container.platform.queues.depth(FANOUT_QUEUE)).toBe(0);
  });
});

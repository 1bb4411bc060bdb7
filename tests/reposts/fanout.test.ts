import { afterEach, describe, expect, it } from "vitest";
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

    // Assess: one notice per site, the next-page chain walked to the end.
    const notices = await h.notices(doc);
    expect(notices).toHaveLength(5);
    expect(new Set(notices.map((n) => n.siteId)).size).toBe(5);
    expect(await queues.depth(FANOUT_QUEUE)).toBe(0);
  });
});

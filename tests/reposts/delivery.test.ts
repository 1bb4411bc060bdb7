import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_RETRY_SCHEDULE } from "../../src/reposts/delivery.js";
import { DELIVERY_QUEUE } from "../../src/reposts/messages.js";
import { createRepostsHarness, type RepostsHarness } from "./harness.js";

let h: RepostsHarness;
afterEach(() => h?.close());

describe("webhook delivery", () => {
  it("signs deliveries so that the standardwebhooks library verifies them, with the payload of the contract", async () => {
    // Prepare: the library checks the timestamp against the real clock.
    h = createRepostsHarness({ start: Date.now() });
    const site = await h.registerSite({ name: "成都市", level: "city", region: "510100" });
    const doc = await h.submitRepost({ scope: "all" });

    // Act
    await h.publish([doc]);
    await h.runQueues();

    // Assess
    const [delivery] = site.endpoint.received;
    const payload = new Webhook(site.webhookSecret).verify(delivery!.body, delivery!.headers) as {
      type: string;
      data: {
        noticeId: string;
        ackUrl: string;
        deadline: string;
        document: { text: string; sha256: string };
      };
    };
    expect(Object.keys(payload).sort()).toEqual(["data", "type"]);
    expect(payload.type).toBe("repost.requested");
    expect(Object.keys(payload.data).sort()).toEqual(["ackUrl", "deadline", "document", "noticeId"]);
    expect(Object.keys(payload.data.document).sort()).toEqual(
      ["dateWritten", "docNumber", "id", "issuers", "sha256", "text", "title", "url"].sort(),
    );
    expect(payload.data.noticeId).toBe(`${doc}.${site.id}`);
    expect(payload.data.ackUrl).toMatch(new RegExp(`/api/reposts/${doc}\\.${site.id}/ack$`));
    expect(payload.data.document).toMatchObject({
      id: doc,
      issuers: ["四川省人民政府"],
      dateWritten: "2024-05-03",
    });
    expect(payload.data.document.text).toContain("坚持节水优先");
    expect(payload.data.document.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(delivery!.headers["webhook-id"]).toBe(payload.data.noticeId);
    expect(() =>
      new Webhook(`whsec_${Buffer.from("another key 1234").toString("base64")}`).verify(
        delivery!.body,
        delivery!.headers,
      ),
    ).toThrow();
  });

  it("signs with the old and the new secret during a rotation, so receivers on either verify", async () => {
    // Prepare
    h = createRepostsHarness({ start: Date.now() });
    const site = await h.registerSite({ name: "成都市", level: "city", region: "510100" });
    const rotated = (await (
      await h.api(`/api/sites/${site.id}/rotate-secret`, { method: "POST", json: {} })
    ).json()) as {
      webhookSecret: string;
    };
    const doc = await h.submitRepost({ scope: "all" });

    // Act
    await h.publish([doc]);
    await h.runQueues();

    // Assess
    const [delivery] = site.endpoint.received;
    expect(delivery!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(new Webhook(site.webhookSecret).verify(delivery!.body, delivery!.headers)).toBeTruthy();
    expect(new Webhook(rotated.webhookSecret).verify(delivery!.body, delivery!.headers)).toBeTruthy();
  });

  it("retries a dead endpoint on the schedule 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then dead-letters the notice as failed", async () => {
    // Prepare
    h = createRepostsHarness();
    const site = await h.registerSite({ name: "某县", level: "county", region: "510104" });
    site.endpoint.status = 503;
    const doc = await h.submitRepost({ scope: "all" });
    await h.publish([doc]);
    const t0 = h.clock.now().getTime();
    const attemptTimes: number[] = [];

    // Act: run the consumers while moving the clock (1 s steps, then 1 min), noting when each attempt lands.
    await h.runQueues();
    attemptTimes.push(0);
    for (let step = 0; step < 5000 && site.endpoint.received.length < 8; step++) {
      h.clock.advanceSeconds(site.endpoint.received.length < 2 ? 1 : 60);
      await h.runQueues();
      if (site.endpoint.received.length > attemptTimes.length)
        attemptTimes.push(h.clock.now().getTime() - t0);
    }

    // Assess
    expect(site.endpoint.received).toHaveLength(8);
    const [notice] = await h.notices(doc);
    expect(notice?.delivery).toMatchObject({ state: "failed", attempts: 8, lastStatus: 503 });
    const gaps = attemptTimes.slice(1).map((t, i) => (t - attemptTimes[i]!) / 1000);
    // Each gap is the scheduled wait, to the step of the test clock (1 s, then 60 s).
    expect(gaps).toHaveLength(DEFAULT_RETRY_SCHEDULE.length);
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(DEFAULT_RETRY_SCHEDULE[i]!);
      expect(gap).toBeLessThanOrEqual(DEFAULT_RETRY_SCHEDULE[i]! + (i === 0 ? 1 : 60));
    });
    const dlq = h.container.platform.queues.deadLetterQueueOf(DELIVERY_QUEUE);
    const [dead] = await h.container.platform.queues.receive(dlq, { maxMessages: 10 });
    expect(JSON.parse(dead!.body)).toMatchObject({ noticeId: notice!.id, failed: true });
    const report = (await (await h.api("/api/compliance")).json()) as {
      totals: { failed: number; notices: number };
    };
    expect(report.totals).toMatchObject({ notices: 1, failed: 1 });
  });

  it("disables the site on 410 Gone and stops delivering to it", async () => {
    // Prepare
    h = createRepostsHarness();
    const site = await h.registerSite({ name: "撤并的镇", level: "township", region: "510104" });
    site.endpoint.status = 410;
    const doc = await h.submitRepost({ scope: "all" });

    // Act
    await h.publish([doc]);
    await h.runQueues();
    h.clock.advanceSeconds(3600);
    await h.runQueues();

    // Assess
    expect(site.endpoint.received).toHaveLength(1);
    const view = (await (await h.api(`/api/sites/${site.id}`)).json()) as {
      status: string;
      disabledReason: string;
    };
    expect(view.status).toBe("disabled");
    expect(view.disabledReason).toContain("410");
    const [notice] = await h.notices(doc);
    expect(notice?.delivery.state).toBe("failed");
  });

  it("delivers after a transient failure on the first retry", async () => {
    // Prepare
    h = createRepostsHarness();
    const site = await h.registerSite({ name: "某县", level: "county", region: "510104" });
    site.endpoint.status = (n) => (n === 1 ? 500 : 200);
    const doc = await h.submitRepost({ scope: "all" });

    // Act
    await h.publish([doc]);
    await h.runQueues();
    h.clock.advanceSeconds(5);
    await h.runQueues();

    // Assess
    const [notice] = await h.notices(doc);
    expect(notice?.delivery).toMatchObject({ state: "delivered", attempts: 2 });
    expect(site.endpoint.received).toHaveLength(2);
  });

  it("sends a notice to a site-owned SQS queue with the same signed headers as message attributes", async () => {
    // Prepare
    const sent: { queueUrl: string; body: string; headers: Record<string, string> }[] = [];
    h = createRepostsHarness({
      start: Date.now(),
      reposts: {
        sqs: async ({ queueUrl }, body, headers) => {
          sent.push({ queueUrl, body, headers: { ...headers } });
        },
      },
    });
    const queueUrl = "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/gazette-repost-chengdu";
    const res = await h.api("/api/sites", {
      method: "POST",
      json: { name: "成都市", level: "city", region: "510100", delivery: { type: "sqs", queueUrl } },
    });
    const site = (await res.json()) as { id: string; webhookSecret: string };
    const doc = await h.submitRepost({ scope: "all" });

    // Act
    await h.publish([doc]);
    await h.runQueues();

    // Assess
    expect(res.status).toBe(201);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.queueUrl).toBe(queueUrl);
    expect(new Webhook(site.webhookSecret).verify(sent[0]!.body, sent[0]!.headers)).toMatchObject({
      type: "repost.requested",
    });
    const [notice] = await h.notices(doc);
    expect(notice?.delivery.state).toBe("delivered");
  });

  it("fails SQS delivery at once where there is no AWS sender (local mode), saying why", async () => {
    // Prepare
    h = createRepostsHarness();
    const queueUrl = "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/gazette-repost-x";
    await h.api("/api/sites", {
      method: "POST",
      json: { name: "某县", level: "county", region: "510104", delivery: { type: "sqs", queueUrl } },
    });
    const doc = await h.submitRepost({ scope: "all" });

    // Act
    await h.publish([doc]);
    await h.runQueues();

    // Assess
    const [notice] = await h.notices(doc);
    expect(notice?.delivery).toMatchObject({ state: "failed", attempts: 1 });
    expect(notice?.delivery.lastError).toContain("AWS mode");
  });
});

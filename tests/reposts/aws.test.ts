import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { EVENTS_QUEUE } from "../../src/documents/intake.js";
import type { Platform } from "../../src/platform/ports.js";
import { toSqsEvent } from "../../src/platform/queue-poller.js";
import type { SqsHandler } from "../../src/platform/sqs-consumer.js";
import { enqueueFanout } from "../../src/reposts/fanout.js";
import { DELIVERY_QUEUE, FANOUT_QUEUE } from "../../src/reposts/messages.js";
import type { RepostNotice } from "../../src/reposts/model.js";
import { createReposts } from "../../src/reposts/module.js";
import type { OutboundFetch } from "../../src/reposts/outbound.js";
import { noticePartition, type RepostDocument, repostDocumentKeys } from "../../src/reposts/records.js";
import { createContainer } from "../../src/runtime/container.js";
import { createEmulatedPlatform, type Emulators, startEmulators } from "../support/aws-emulators.js";
import { aSubmission } from "../support/factories.js";

/** Fan-out and delivery on the AWS adapters (DynamoDB and SQS emulators). */
describe("reposts on the AWS adapters", () => {
  let emulators: Emulators;
  let platform: Platform;

  beforeAll(async () => {
    emulators = await startEmulators();
    platform = await createEmulatedPlatform(emulators, {
      tableName: "gazette-reposts",
      bucketName: "gazette-reposts",
      queues: [EVENTS_QUEUE, FANOUT_QUEUE, DELIVERY_QUEUE],
      maxReceiveCount: 5,
    });
  });
  afterAll(async () => {
    await emulators.stop();
  });

  async function drain(queue: string, handler: SqsHandler): Promise<number> {
    let done = 0;
    for (;;) {
      const messages = await platform.queues.receive(queue, {
        maxMessages: 10,
        visibilityTimeoutSeconds: 30,
      });
      if (!messages.length) return done;
      const result = await handler(toSqsEvent(queue, messages), {} as never);
      const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
      for (const m of messages)
        if (!failed.has(m.messageId)) await platform.queues.delete(queue, m.receiptHandle);
      done += messages.length - failed.size;
    }
  }

  it("writes one notice per site and delivers each once, also when the event is redelivered", async () => {
    // Prepare
    const config = loadConfig({ GAZETTE_MODE: "aws" });
    const container = createContainer(config, platform);
    const posts: string[] = [];
    const fetch: OutboundFetch = async (url, init) => {
      if ((init?.method ?? "GET") === "GET")
        return new Response(new URL(url).searchParams.get("hub.challenge"));
      posts.push(url);
      return new Response(null, { status: 204 });
    };
    const reposts = createReposts({ platform, config, fetch, pageSize: 2 });
    const sites = [];
    for (let i = 1; i <= 3; i++) {
      sites.push(
        await reposts.registry.register({
          name: `区县${i}`,
          level: "county",
          region: `51010${i}`,
          delivery: { type: "webhook", url: `https://site${i}.example/hook` },
        }),
      );
    }
    const submitted = await container.intake.submit({
      input: aSubmission({ repost: { scope: "targeted", regions: ["510100"], deadlineWorkingDays: 5 } }),
      submittedBy: "editor",
    });
    const documentId = submitted.document.id;
    const event = { editionId: "1", publishedAt: "2026-02-12T02:00:00.000Z", documents: [documentId] };

    // Act
    await enqueueFanout(platform.queues, event);
    await enqueueFanout(platform.queues, event);
    for (let round = 0; round < 10; round++) {
      const n =
        (await drain(FANOUT_QUEUE, reposts.fanoutHandler)) +
        (await drain(DELIVERY_QUEUE, reposts.deliveryHandler));
      if (n === 0) break;
    }

    // Assess
    const notices = (await platform.records.query<RepostNotice>(noticePartition(documentId))).items.map(
      (r) => r.data,
    );
    expect(notices.map((n) => n.siteId).sort()).toEqual(sites.map((s) => s.id).sort());
    expect(notices.every((n) => n.delivery.state === "delivered" && n.deadline === "2026-02-26")).toBe(true);
    expect(posts.sort()).toEqual([1, 2, 3].map((i) => `https://site${i}.example/hook`));
    const entry = await platform.records.get<RepostDocument>(repostDocumentKeys(documentId));
    expect(entry?.data.sweep).toEqual({
      queuedAt: expect.any(String),
      queuedBy: expect.any(String),
      doneAt: null,
    });
  });
});

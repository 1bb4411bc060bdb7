import { createHash } from "node:crypto";
import { Logger } from "@aws-lambda-powertools/logger";
import type { Context, SQSEvent } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEmbeddedPlatform, type EmbeddedPlatform } from "../../src/platform/embedded/index.js";
import { PermanentMessageError } from "../../src/platform/errors.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import type { Clock, ReceivedMessage } from "../../src/platform/ports.js";
import { type QueuePoller, startQueuePoller, toSqsEvent } from "../../src/platform/queue-poller.js";
import {
  createSqsHandler,
  defaultBackoffSeconds,
  type MessageMeta,
} from "../../src/platform/sqs-consumer.js";
import { tempDataDir, waitFor } from "./helpers.js";

const QUEUE = "work";
const DLQ = "work-dlq";
const MAX_RECEIVES = 3;
const silent = new Logger({ serviceName: "test", logLevel: "SILENT" });
const context = {} as Context;

describe("SQS consumer and local queue poller", () => {
  let data: Awaited<ReturnType<typeof tempDataDir>>;
  let platform: EmbeddedPlatform;
  let pollers: QueuePoller[];

  const open = (clock?: Clock) => {
    platform = createEmbeddedPlatform({
      dataDir: data.dir,
      clock,
      queues: { [QUEUE]: { maxReceiveCount: MAX_RECEIVES } },
    });
    return platform;
  };
  const send = (...bodies: string[]) =>
    platform.queues.send(
      QUEUE,
      bodies.map((body) => ({ body })),
    );
  const receive = (queue = QUEUE): Promise<ReceivedMessage[]> =>
    platform.queues.receive(queue, { maxMessages: 10, visibilityTimeoutSeconds: 30 });
  const drain = async (queue: string): Promise<string[]> => {
    const bodies: string[] = [];
    for (let batch = await receive(queue); batch.length > 0; batch = await receive(queue)) {
      bodies.push(...batch.map((m) => m.body));
    }
    return bodies;
  };

  beforeEach(async () => {
    data = await tempDataDir();
    pollers = [];
  });

  afterEach(async () => {
    await Promise.all(pollers.map((p) => p.stop()));
    platform.close();
    await data.remove();
  });

  describe("createSqsHandler", () => {
    it("passes the parsed body and delivery metadata to process and reports no failures", async () => {
      // Prepare
      open();
      const [id] = await send(JSON.stringify({ type: "document.accepted", title: "公告" }));
      const seen: { body: unknown; meta: MessageMeta }[] = [];
      const handler = createSqsHandler({
        queue: QUEUE,
        queues: platform.queues,
        logger: silent,
        process: async (body, meta) => {
          seen.push({ body, meta });
        },
      });

      // Act
      const response = await handler(toSqsEvent(QUEUE, await receive()), context);

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
      expect(seen).toEqual([
        { body: { type: "document.accepted", title: "公告" }, meta: { messageId: id, receiveCount: 1 } },
      ]);
    });

    it("a failed message is reported, hidden for its backoff and then redelivered with a higher receiveCount", async () => {
      // Prepare
      const clock = new ManualClock();
      open(clock);
      const [failingId] = await send('"fail"', '"ok"');
      const backoffs: number[] = [];
      const handler = createSqsHandler({
        queue: QUEUE,
        queues: platform.queues,
        logger: silent,
        backoffSeconds: (n) => {
          backoffs.push(n);
          return 120;
        },
        process: async (body) => {
          if (body === "fail") throw new Error("downstream unavailable");
        },
      });
      const batch = await receive();

      // Act
      const response = await handler(toSqsEvent(QUEUE, batch), context);
      for (const m of batch) {
        if (!response.batchItemFailures.some((f) => f.itemIdentifier === m.messageId)) {
          await platform.queues.delete(QUEUE, m.receiptHandle);
        }
      }
      clock.advanceSeconds(119);
      const beforeBackoff = await receive();
      clock.advanceSeconds(1);
      const afterBackoff = await receive();

      // Assess
      expect(response.batchItemFailures).toEqual([{ itemIdentifier: failingId }]);
      expect(backoffs).toEqual([1]);
      expect(beforeBackoff).toEqual([]);
      expect(afterBackoff.map((m) => [m.messageId, m.receiveCount])).toEqual([[failingId, 2]]);
    });

    it("a batch in which every message fails reports each one instead of throwing", async () => {
      // Prepare
      open();
      const ids = await send('"a"', '"b"');
      const handler = createSqsHandler({
        queue: QUEUE,
        queues: platform.queues,
        logger: silent,
        backoffSeconds: () => 0,
        process: async () => {
          throw new Error("always");
        },
      });

      // Act
      const response = await handler(toSqsEvent(QUEUE, await receive()), context);

      // Assess
      expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([...ids].sort());
    });

    it("a body that is not JSON goes to the dead-letter queue on its first delivery and counts as handled", async () => {
      // Prepare
      open();
      await send("{not json", '"fine"');
      const processed: unknown[] = [];
      const handler = createSqsHandler({
        queue: QUEUE,
        queues: platform.queues,
        logger: silent,
        process: async (body) => {
          processed.push(body);
        },
      });

      // Act
      const response = await handler(toSqsEvent(QUEUE, await receive()), context);

      // Assess
      expect(response.batchItemFailures).toEqual([]);
      expect(processed).toEqual(["fine"]);
      expect(await drain(DLQ)).toEqual(["{not json"]);
    });

    it("PermanentMessageError from process dead-letters the message at once", async () => {
      // Prepare
      open();
      await send(JSON.stringify({ type: "unknown.event" }));
      const handler = createSqsHandler({
        queue: QUEUE,
        queues: platform.queues,
        logger: silent,
        process: async () => {
          throw new PermanentMessageError("unknown event type");
        },
      });

      // Act
      const response = await handler(toSqsEvent(QUEUE, await receive()), context);

      // Assess
      expect(response.batchItemFailures).toEqual([]);
      expect(await drain(DLQ)).toEqual([JSON.stringify({ type: "unknown.event" })]);
    });

    it("the default backoff doubles per receive from 5–10 s, and is capped at 15 minutes", () => {
      // Prepare
      const low = () => 0;
      const high = () => 1;

      // Act
      const lows = [1, 2, 3, 4, 5, 20].map((n) => defaultBackoffSeconds(n, low));
      const highs = [1, 2, 3, 4, 5, 20].map((n) => defaultBackoffSeconds(n, high));

      // Assess
      expect(lows).toEqual([5, 10, 20, 40, 80, 450]);
      expect(highs).toEqual([10, 20, 40, 80, 160, 900]);
    });
  });

  describe("startQueuePoller", () => {
    it("delivers a Lambda-shaped SQS event and deletes the messages the handler processed", async () => {
      // Prepare
      open();
      const events: SQSEvent[] = [];
      await send('"one"', '"two"');

      // Act
      pollers.push(
        startQueuePoller({
          queue: QUEUE,
          queues: platform.queues,
          handler: async (event) => {
            events.push(event);
            return { batchItemFailures: [] };
          },
          batchSize: 10,
          visibilityTimeoutSeconds: 30,
          idleDelayMs: 10,
          logger: silent,
        }),
      );
      await waitFor("queue drained", async () => (await platform.queues.depth(QUEUE)) === 0);

      // Assess
      const record = events[0]?.Records[0];
      expect(record).toMatchObject({
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:local:000000000000:work",
        awsRegion: "local",
        messageAttributes: {},
        attributes: { ApproximateReceiveCount: "1", SenderId: "000000000000" },
      });
      expect(record?.md5OfBody).toBe(
        createHash("md5")
          .update(record?.body ?? "")
          .digest("hex"),
      );
      expect(Number(record?.attributes.SentTimestamp)).toBeGreaterThan(0);
      expect(events.flatMap((e) => e.Records.map((r) => r.body)).sort()).toEqual(['"one"', '"two"']);
    });

    it("with createSqsHandler, every message ends processed or dead-lettered: nothing is lost", async () => {
      // Prepare: good messages, ones that fail once, ones that always fail, and poison JSON.
      open();
      const good = Array.from({ length: 12 }, (_, i) => JSON.stringify({ kind: "good", i }));
      const flaky = Array.from({ length: 6 }, (_, i) => JSON.stringify({ kind: "flaky", i }));
      const doomed = Array.from({ length: 3 }, (_, i) => JSON.stringify({ kind: "doomed", i }));
      const poison = ["{oops", "<xml/>"];
      await send(...good, ...flaky, ...doomed, ...poison);
      const succeeded: string[] = [];
      const attempts = new Map<string, number>();
      const handler = createSqsHandler({
        queue: QUEUE,
        queues: platform.queues,
        logger: silent,
        backoffSeconds: () => 0,
        process: async (body) => {
          const { kind, i } = body as { kind: string; i: number };
          const key = `${kind}${i}`;
          attempts.set(key, (attempts.get(key) ?? 0) + 1);
          if (kind === "doomed" || (kind === "flaky" && attempts.get(key) === 1))
            throw new Error(`${key} failed`);
          succeeded.push(JSON.stringify(body));
        },
      });

      // Act
      pollers.push(
        startQueuePoller({
          queue: QUEUE,
          queues: platform.queues,
          handler,
          batchSize: 5,
          visibilityTimeoutSeconds: 30,
          idleDelayMs: 10,
          logger: silent,
        }),
      );
      await waitFor("work queue drained", async () => (await platform.queues.depth(QUEUE)) === 0);
      await waitFor("dead letters arrived", async () => (await platform.queues.depth(DLQ)) === 5);

      // Assess
      expect([...succeeded].sort()).toEqual([...good, ...flaky].sort());
      expect((await drain(DLQ)).sort()).toEqual([...doomed, ...poison].sort());
      for (let i = 0; i < doomed.length; i++) expect(attempts.get(`doomed${i}`)).toBe(MAX_RECEIVES);
    });

    it("a handler that throws leaves the whole batch for redelivery after the visibility timeout", async () => {
      // Prepare
      const clock = new ManualClock();
      open(clock);
      await send('"a"', '"b"');
      let calls = 0;

      // Act
      const poller = startQueuePoller({
        queue: QUEUE,
        queues: platform.queues,
        handler: async () => {
          calls++;
          throw new Error("crashed");
        },
        batchSize: 10,
        visibilityTimeoutSeconds: 60,
        idleDelayMs: 10,
        logger: silent,
      });
      await waitFor("handler called", () => calls === 1);
      await poller.stop();
      clock.advanceSeconds(60);
      const redelivered = await receive();

      // Assess
      expect(redelivered.map((m) => [m.body, m.receiveCount]).sort()).toEqual([
        ['"a"', 2],
        ['"b"', 2],
      ]);
    });

    it("a failure identifier that is not in the batch fails the whole batch, as Lambda does", async () => {
      // Prepare
      const clock = new ManualClock();
      open(clock);
      await send('"a"');
      let calls = 0;

      // Act
      const poller = startQueuePoller({
        queue: QUEUE,
        queues: platform.queues,
        handler: async () => {
          calls++;
          return { batchItemFailures: [{ itemIdentifier: "not-in-batch" }] };
        },
        batchSize: 10,
        visibilityTimeoutSeconds: 60,
        idleDelayMs: 10,
        logger: silent,
      });
      await waitFor("handler called", () => calls === 1);
      await poller.stop();

      // Assess
      expect(await platform.queues.depth(QUEUE)).toBe(1);
    });

    it("stop() waits for the batch in flight and acknowledges it before resolving", async () => {
      // Prepare
      open();
      await send('"slow"');
      let release: () => void = () => {};
      const gate = new Promise<void>((r) => {
        release = r;
      });
      let started = false;
      const poller = startQueuePoller({
        queue: QUEUE,
        queues: platform.queues,
        handler: async () => {
          started = true;
          await gate;
          return { batchItemFailures: [] };
        },
        batchSize: 10,
        visibilityTimeoutSeconds: 30,
        idleDelayMs: 10,
        logger: silent,
      });
      await waitFor("batch in flight", () => started);

      // Act
      let stopped = false;
      const stopping = poller.stop().then(() => {
        stopped = true;
      });
      await new Promise((r) => setTimeout(r, 20));
      const stoppedBeforeRelease = stopped;
      release();
      await stopping;

      // Assess
      expect(stoppedBeforeRelease).toBe(false);
      expect(await platform.queues.depth(QUEUE)).toBe(0);
    });

    it("aborting the signal stops the poller", async () => {
      // Prepare
      open();
      const controller = new AbortController();
      const bodies: string[] = [];
      const poller = startQueuePoller({
        queue: QUEUE,
        queues: platform.queues,
        handler: async (event) => {
          bodies.push(...event.Records.map((r) => r.body));
          return { batchItemFailures: [] };
        },
        batchSize: 10,
        visibilityTimeoutSeconds: 30,
        idleDelayMs: 10,
        signal: controller.signal,
        logger: silent,
      });
      await send('"before"');
      await waitFor("first message handled", () => bodies.length === 1);

      // Act
      controller.abort();
      await poller.stop();
      await send('"after"');

      // Assess
      expect(bodies).toEqual(['"before"']);
      expect(await platform.queues.depth(QUEUE)).toBe(1);
    });
  });
});

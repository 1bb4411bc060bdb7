import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEmbeddedPlatform, type EmbeddedPlatform } from "../../src/platform/embedded/index.js";
import { StorageRequestError } from "../../src/platform/errors.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { tempDataDir } from "./helpers.js";

describe("embedded queue", () => {
  let data: Awaited<ReturnType<typeof tempDataDir>>;
  let clock: ManualClock;
  let platform: EmbeddedPlatform;

  beforeEach(async () => {
    data = await tempDataDir();
    clock = new ManualClock();
    platform = createEmbeddedPlatform({
      dataDir: data.dir,
      clock,
      queues: { short: { maxReceiveCount: 2, visibilityTimeoutSeconds: 10 } },
    });
  });

  afterEach(async () => {
    platform.close();
    await data.remove();
  });

  it("the visibility timeout follows the clock: hidden until it has fully elapsed", async () => {
    // Prepare
    await platform.queues.send("events", [{ body: '"x"' }]);
    await platform.queues.receive("events", { visibilityTimeoutSeconds: 30 });

    // Act
    clock.advanceSeconds(29);
    const before = await platform.queues.receive("events");
    clock.advanceSeconds(1);
    const after = await platform.queues.receive("events");

    // Assess
    expect(before).toEqual([]);
    expect(after.map((m) => m.receiveCount)).toEqual([2]);
  });

  it("a queue's configured visibility timeout applies when receive gives none", async () => {
    // Prepare
    await platform.queues.send("short", [{ body: '"x"' }]);
    await platform.queues.receive("short");

    // Act
    clock.advanceSeconds(9);
    const before = await platform.queues.receive("short");
    clock.advanceSeconds(1);
    const after = await platform.queues.receive("short");

    // Assess
    expect(before).toEqual([]);
    expect(after).toHaveLength(1);
  });

  it("a delayed message becomes receivable when the clock passes its delay", async () => {
    // Prepare
    await platform.queues.send("events", [{ body: '"later"', delaySeconds: 900 }]);

    // Act
    clock.advanceSeconds(899);
    const before = await platform.queues.receive("events");
    clock.advanceSeconds(1);
    const after = await platform.queues.receive("events");

    // Assess
    expect(before).toEqual([]);
    expect(after.map((m) => m.body)).toEqual(['"later"']);
  });

  it("an unconfigured queue dead-letters on the sixth receive (default maxReceiveCount 5)", async () => {
    // Prepare
    const [id] = await platform.queues.send("events", [{ body: '"fails"' }]);
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const [m] = await platform.queues.receive("events", { visibilityTimeoutSeconds: 0 });
      counts.push(m?.receiveCount ?? -1);
    }

    // Act
    const sixth = await platform.queues.receive("events", { visibilityTimeoutSeconds: 0 });
    const dead = await platform.queues.receive("events-dlq");

    // Assess
    expect(counts).toEqual([1, 2, 3, 4, 5]);
    expect(sixth).toEqual([]);
    expect(dead.map((m) => m.messageId)).toEqual([id]);
  });

  it("a dead-letter queue keeps its messages however often they are received", async () => {
    // Prepare
    await platform.queues.send("short-dlq", [{ body: '"kept"' }]);

    // Act
    for (let i = 0; i < 10; i++) await platform.queues.receive("short-dlq", { visibilityTimeoutSeconds: 0 });
    const still = await platform.queues.receive("short-dlq");

    // Assess
    expect(still.map((m) => m.receiveCount)).toEqual([11]);
  });

  it("dead-lettering a message in the batch still fills the batch with the next ready messages", async () => {
    // Prepare
    await platform.queues.send("short", [{ body: '"poison"' }]);
    for (let i = 0; i < 2; i++) await platform.queues.receive("short", { visibilityTimeoutSeconds: 0 });
    await platform.queues.send("short", [{ body: '"a"' }, { body: '"b"' }]);

    // Act
    const batch = await platform.queues.receive("short", { maxMessages: 2 });

    // Assess
    expect(batch.map((m) => m.body)).toEqual(['"a"', '"b"']);
    expect((await platform.queues.receive("short-dlq")).map((m) => m.body)).toEqual(['"poison"']);
  });

  it("a receive with zero visibility returns each message at most once", async () => {
    // Prepare
    await platform.queues.send("events", [{ body: '"only"' }]);

    // Act
    const batch = await platform.queues.receive("events", { maxMessages: 10, visibilityTimeoutSeconds: 0 });

    // Assess
    expect(batch).toHaveLength(1);
  });

  it("two connections receiving at once never get the same message", async () => {
    // Prepare
    const other = createEmbeddedPlatform({ dataDir: data.dir, clock });
    await platform.queues.send(
      "events",
      Array.from({ length: 50 }, (_, i) => ({ body: String(i) })),
    );

    // Act
    const received = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? other : platform).queues.receive("events", {
          maxMessages: 10,
          visibilityTimeoutSeconds: 60,
        }),
      ),
    );
    other.close();

    // Assess
    const ids = received.flat().map((m) => m.messageId);
    expect(ids).toHaveLength(50);
    expect(new Set(ids).size).toBe(50);
  });

  it("a long poll returns a message sent while it waits", async () => {
    // Prepare
    const waiting = platform.queues.receive("events", { waitSeconds: 10 });

    // Act
    await new Promise((r) => setTimeout(r, 50));
    await platform.queues.send("events", [{ body: '"wake up"' }]);
    const received = await waiting;

    // Assess
    expect(received.map((m) => m.body)).toEqual(['"wake up"']);
  });

  it("accepts characters outside the Basic Multilingual Plane, as SQS does", async () => {
    // Prepare
    const body = JSON.stringify({ name: "𠮷田", mark: "👍" });

    // Act
    await platform.queues.send("events", [{ body }]);
    const [message] = await platform.queues.receive("events");

    // Assess
    expect(message?.body).toBe(body);
  });

  it("malformed receipt handles, invalid queue names and out-of-range options are refused with StorageRequestError", async () => {
    // Prepare
    const attempts = [
      platform.queues.delete("events", "no-dot"),
      platform.queues.changeVisibility("events", "abc.def", 43_201),
      platform.queues.send("bad name!", [{ body: '"x"' }]),
      platform.queues.receive("events", { maxMessages: 11 }),
      platform.queues.receive("events", { waitSeconds: 21 }),
      platform.queues.send("events", [{ body: "x".repeat(1024 * 1024 + 1) }]),
    ];

    // Act / Assess
    for (const attempt of attempts) await expect(attempt).rejects.toBeInstanceOf(StorageRequestError);
  });

  it("an invalid maxReceiveCount in the queue configuration is refused at start-up", () => {
    // Prepare / Act
    const open = () =>
      createEmbeddedPlatform({ dataDir: data.dir, queues: { events: { maxReceiveCount: 0 } } });

    // Assess
    expect(open).toThrow(StorageRequestError);
  });
});

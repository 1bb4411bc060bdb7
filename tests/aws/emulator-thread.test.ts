import { once } from "node:events";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AwsPlatform } from "../../src/platform/aws/index.js";
import { createEmulatedPlatform, type Emulators } from "../support/aws-emulators.js";
import { startEmulatorsInThread } from "../support/emulator-thread.js";

/**
 * dynalite and fauxqs in a worker thread of their own (tests/support/emulator-thread.ts, used by
 * the reposts-scale bench): the same platform works against them, fauxqs's set-up calls reach the
 * thread, and dynalite's counts are read here as it answers.
 */
describe("emulators in a thread of their own", () => {
  let emulators: Emulators;
  let platform: AwsPlatform;
  const requests: { service: string; command: string; input: unknown }[] = [];

  beforeAll(async () => {
    emulators = await startEmulatorsInThread();
    platform = await createEmulatedPlatform(emulators, {
      tableName: "thread-test",
      bucketName: "thread-test",
      queues: ["work"],
      maxReceiveCount: 2,
      onRequest: (service, command, input) => requests.push({ service, command, input }),
    });
  });

  afterAll(async () => {
    platform?.close();
    await emulators?.stop();
  });

  it("serves records, transactions, blobs and queues, counting dynalite's requests in shared memory", async () => {
    const before = { ...emulators.stats };
    await platform.records.put({ pk: "P", sk: "one", data: { n: 1 } });
    expect((await platform.records.get({ pk: "P", sk: "one" }))?.data).toEqual({ n: 1 });
    await platform.records.transact([
      { put: { pk: "P", sk: "two", data: { n: 2 } }, condition: { kind: "absent" } },
      { add: { pk: "P", sk: "total", data: {} }, counts: { n: 2 } },
    ]);
    expect((await platform.records.query("P")).items.map((r) => r.sk)).toEqual(["one", "total", "two"]);
    expect(emulators.stats.transactions - before.transactions).toBe(1);
    expect(emulators.stats.transactionWrites - before.transactionWrites).toBe(2);
    // put, get, transact, query: four requests, each answered before its call returned.
    expect(emulators.stats.requests - before.requests).toBe(4);

    await platform.blobs.put("a/b.txt", new TextEncoder().encode("公报"), { contentType: "text/plain" });
    expect(new TextDecoder().decode((await platform.blobs.get("a/b.txt"))?.bytes)).toBe("公报");

    await platform.queues.send("work", [{ body: "m1" }]);
    const [message] = await platform.queues.receive("work", { maxMessages: 1, waitSeconds: 0 });
    expect(message?.body).toBe("m1");
  });

  it("runs them off this thread: dynalite takes a request while this thread is blocked", async () => {
    const { port, hostname } = new URL(emulators.dynamoEndpoint);
    const socket = connect(Number(port), hostname);
    await once(socket, "connect");
    const before = emulators.stats.requests;
    // On a connected socket the request's bytes leave in this call; then this thread blocks (at
    // most 10 s, no event loop turns) until dynalite has taken the request, which an emulator on
    // this thread could not do.
    socket.write(`POST / HTTP/1.1\r\nHost: ${hostname}\r\nContent-Length: 0\r\n\r\n`);
    const until = Date.now() + 10_000;
    while (emulators.stats.requests === before && Date.now() < until);
    expect(emulators.stats.requests).toBe(before + 1);
    socket.destroy();
  });

  it("tells onRequest each command with its input", async () => {
    requests.length = 0;
    await platform.records.query("P", { limit: 1 });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      service: "dynamodb",
      command: "QueryCommand",
      input: { TableName: "thread-test", Limit: 1, ExpressionAttributeValues: { ":partition": { S: "P" } } },
    });
  });

  it("stops: the endpoint refuses and fauxqs's calls fail", async () => {
    const separate = await startEmulatorsInThread();
    await separate.fauxqs.createBucket("gone");
    await separate.stop();
    await expect(fetch(separate.dynamoEndpoint, { method: "POST" })).rejects.toThrow();
    await expect(separate.fauxqs.createBucket("late")).rejects.toThrow(/emulator thread/);
    await separate.stop(); // again: the same settled stop
  });
});

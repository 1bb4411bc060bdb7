import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { EVENTS_QUEUE } from "../../src/documents/intake.js";
import { createEventsHandler } from "../../src/handlers/events.js";
import { toSqsEvent } from "../../src/platform/queue-poller.js";
import { FANOUT_QUEUE } from "../../src/reposts/messages.js";
import { createEditionsTestApp } from "../editions/harness.js";
import { aSubmission } from "../support/factories.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

let app: TestApp | undefined;
let server: Server | undefined;
afterEach(async () => {
  app?.close();
  if (server) await new Promise<void>((r) => server?.close(() => r()));
  app = undefined;
  server = undefined;
});

async function drainEvents(t: TestApp) {
  const { queues } = t.container.platform;
  const handler = createEventsHandler({ queues, audit: t.container.audit, statuses: t.container.statuses });
  for (;;) {
    const messages = await queues.receive(EVENTS_QUEUE, { maxMessages: 10 });
    if (!messages.length) return;
    const result = await handler(toSqsEvent(EVENTS_QUEUE, messages), {} as never);
    expect(result.batchItemFailures).toEqual([]);
    for (const m of messages) await queues.delete(EVENTS_QUEUE, m.receiptHandle);
  }
}

/** A notice escalated to overdue, as an escalation event tells it. */
const JINJIANG_OVERDUE = {
  noticeId: "01DOC.01SITE",
  documentId: "01DOC",
  siteId: "01SITE",
  siteName: "锦江区",
  region: "510104",
  deadline: "2026-02-26",
};

describe("reposts in the pipeline", () => {
  it("queues one fan-out message per document when an edition is published", async () => {
    // Prepare
    const editions = createEditionsTestApp();
    app = editions;
    const doc = await editions.submit(
      aSubmission({ repost: { scope: "all", regions: [], levels: [], sectors: [], deadlineWorkingDays: 5 } }),
    );
    const edition = (await (
      await editions.api("/api/editions", { method: "POST", json: { year: 2025, date: "2025-03-10" } })
    ).json()) as { id: string };
    await editions.api(`/api/editions/${edition.id}/documents`, {
      method: "PUT",
      json: { documents: [doc.id] },
    });
    await drainEvents(editions);

    // Act
    const published = await editions.api(`/api/editions/${edition.id}/publish`, { method: "POST" });
    await drainEvents(editions);

    // Assess
    expect(published.status).toBeLessThan(300);
    const fanout = await editions.container.platform.queues.receive(FANOUT_QUEUE, { maxMessages: 10 });
    expect(fanout.map((m) => JSON.parse(m.body))).toEqual([
      expect.objectContaining({ type: "repost.fanout", documentId: doc.id, editionId: edition.id }),
    ]);
  });

  it("audits each notice of an escalation event under its notice, once when the event comes twice", async () => {
    // Prepare: one event with the two notices a tick's transaction escalated
    app = createTestApp();
    const overdue = {
      type: "repost.overdue",
      at: "2026-02-27T00:00:00.000Z",
      notices: [
        JINJIANG_OVERDUE,
        {
          noticeId: "01DOC.02SITE",
          documentId: "01DOC",
          siteId: "02SITE",
          siteName: "青羊区",
          region: "510105",
          deadline: "2026-02-26",
        },
      ],
    };

    // Act: delivered twice (at least once)
    await app.container.platform.queues.send(EVENTS_QUEUE, [{ body: JSON.stringify(overdue) }]);
    await drainEvents(app);
    await app.container.platform.queues.send(EVENTS_QUEUE, [{ body: JSON.stringify(overdue) }]);
    await drainEvents(app);

    // Assess
    expect(await app.container.audit.entries("01DOC.01SITE")).toEqual([
      expect.objectContaining({
        type: "repost.overdue",
        at: "2026-02-27T00:00:00.000Z",
        details: expect.objectContaining({ siteId: "01SITE", site: "锦江区", deadline: "2026-02-26" }),
      }),
    ]);
    expect(await app.container.audit.entries("01DOC.02SITE")).toEqual([
      expect.objectContaining({ details: expect.objectContaining({ siteId: "02SITE", region: "510105" }) }),
    ]);
  });

  it("audits an escalation event of one notice, as queued before events carried several", async () => {
    // Prepare
    app = createTestApp();
    const overdue = { type: "repost.overdue", ...JINJIANG_OVERDUE, at: "2026-02-27T00:00:00.000Z" };

    // Act
    await app.container.platform.queues.send(EVENTS_QUEUE, [{ body: JSON.stringify(overdue) }]);
    await drainEvents(app);

    // Assess
    expect(await app.container.audit.entries("01DOC.01SITE")).toEqual([
      expect.objectContaining({
        type: "repost.overdue",
        details: expect.objectContaining({ deadline: "2026-02-26" }),
      }),
    ]);
  });

  it("sends an escalation event without its notices to the dead-letter queue, not into a retry loop", async () => {
    // Prepare
    app = createTestApp();
    const { queues } = app.container.platform;
    const handler = createEventsHandler({
      queues,
      audit: app.container.audit,
      statuses: app.container.statuses,
    });
    await queues.send(EVENTS_QUEUE, [
      { body: JSON.stringify({ type: "repost.overdue", at: "2026-02-27T00:00:00.000Z", notices: [{}] }) },
    ]);
    const messages = await queues.receive(EVENTS_QUEUE, { maxMessages: 10 });

    // Act
    const result = await handler(toSqsEvent(EVENTS_QUEUE, messages), {} as never);

    // Assess: not a retryable failure; the body is on the dead-letter queue
    expect(result.batchItemFailures).toEqual([]);
    expect(await queues.depth(queues.deadLetterQueueOf(EVENTS_QUEUE))).toBe(1);
  });

  it("serves the reposts routes in the app and registers a loopback webhook in local mode", async () => {
    // Prepare: a real HTTP receiver on 127.0.0.1 (allowed locally by default).
    server = createServer((req, res) => {
      const challenge = new URL(req.url ?? "/", "http://x").searchParams.get("hub.challenge");
      res.writeHead(200, { "content-type": "text/plain" }).end(challenge ?? "");
    });
    await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    app = createTestApp();

    // Act
    const created = await app.request("/api/sites", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name: "锦江区",
        level: "county",
        region: "510104",
        delivery: { type: "webhook", url: `http://127.0.0.1:${port}/hook` },
      }),
    });
    const report = await app.request("/api/compliance");

    // Assess
    expect(created.status).toBe(201);
    expect(report.status).toBe(200);
    expect(((await report.json()) as { totals: { notices: number } }).totals.notices).toBe(0);
  });

  it("describes the reposts endpoints in the OpenAPI document, site routes with the site token", async () => {
    // Prepare
    app = createTestApp();

    // Act
    const doc = (await (await app.request("/api/openapi.json", { editor: false })).json()) as {
      paths: Record<string, Record<string, { security?: unknown; responses?: Record<string, unknown> }>>;
    };

    // Assess
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/sites",
        "/api/compliance",
        "/api/reposts",
        "/api/reposts/{noticeId}/ack",
      ]),
    );
    expect(doc.paths["/api/reposts/{noticeId}/ack"]?.post?.security).toEqual([{ siteToken: [] }]);
    const editorOnly = [
      doc.paths["/api/compliance"]?.get,
      doc.paths["/api/sites/{id}"]?.get,
      doc.paths["/api/sites/{id}"]?.patch,
      doc.paths["/api/sites/{id}/rotate-secret"]?.post,
    ];
    for (const operation of editorOnly) {
      expect(operation?.security).toEqual([{ editorToken: [] }]);
      expect(Object.keys(operation?.responses ?? {})).toContain("401");
    }
  });

  it("never allows private targets in AWS mode, whatever the environment says", () => {
    // Prepare / Act
    const aws = loadConfig({ GAZETTE_MODE: "aws", GAZETTE_ALLOW_PRIVATE_TARGETS: "true" });
    const local = loadConfig({});
    const localOff = loadConfig({ GAZETTE_ALLOW_PRIVATE_TARGETS: "false" });

    // Assess
    expect(aws.reposts.allowPrivateTargets).toBe(false);
    expect(local.reposts.allowPrivateTargets).toBe(true);
    expect(localOff.reposts.allowPrivateTargets).toBe(false);
  });

  it("reads the sweep delay, 300 s by default, and refuses one past SQS's 900 s", () => {
    // Prepare / Act
    const byDefault = loadConfig({});
    const set = loadConfig({ GAZETTE_REPOST_SWEEP_SECONDS: "900" });
    const tooLong = () => loadConfig({ GAZETTE_REPOST_SWEEP_SECONDS: "901" });

    // Assess
    expect(byDefault.reposts.sweepSeconds).toBe(300);
    expect(set.reposts.sweepSeconds).toBe(900);
    expect(tooLong).toThrow(/at most 900/);
  });

  it("refuses loopback webhooks in AWS mode", async () => {
    // Prepare
    app = createTestApp({ config: (c) => ({ ...c, reposts: { ...c.reposts, allowPrivateTargets: false } }) });

    // Act
    const res = await app.request("/api/sites", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name: "锦江区",
        level: "county",
        region: "510104",
        delivery: { type: "webhook", url: "http://127.0.0.1:9/hook" },
      }),
    });

    // Assess
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("webhook_unverified");
  });
});

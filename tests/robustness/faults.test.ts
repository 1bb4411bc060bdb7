import type { Context } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { encodePng } from "../../src/archive/images.js";
import { ARCHIVE_QUEUE } from "../../src/archive/model.js";
import { type Archive, createArchive } from "../../src/archive/module.js";
import { DocumentIntake, EVENTS_QUEUE } from "../../src/documents/intake.js";
import { createEventsHandler } from "../../src/handlers/events.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { listOutbox, relayOutbox } from "../../src/platform/outbox.js";
import type { Platform, QueuePort } from "../../src/platform/ports.js";
import { toSqsEvent } from "../../src/platform/queue-poller.js";
import type { SqsHandler } from "../../src/platform/sqs-consumer.js";
import { drainArchiveQueue } from "../archive/harness.js";
import { createRepostsHarness, type RepostsHarness } from "../reposts/harness.js";
import { lambdaContext } from "../support/events.js";
import { aSubmission } from "../support/factories.js";
import { type FaultyPlatform, faultyPlatform } from "../support/faults.js";
import { createTestApp, type TestApp } from "../support/local-app.js";
import { PageTextOcr } from "../support/page-ocr.js";

/**
 * The fault half of issue 11's suite: a crash (every write from the Nth on refused, as a kill -9
 * there would leave the store) at each step of intake, fan-out and OCR on the embedded store, then
 * a restart — time passes, the tick and the consumers run — and the end state is asserted: each
 * accepted document once with its audit entry (the outbox), each site one notice delivered under
 * one notice id, each scanned page read and the job's items made once. Publishing under a crash at
 * every step is in tests/editions/completion.test.ts and tests/editions/publish.test.ts.
 */

const HOUR = 3600_000;

let app: TestApp | undefined;
let h: RepostsHarness | undefined;
afterEach(() => {
  app?.close();
  h?.close();
  app = undefined;
  h = undefined;
});

/** Runs the events consumer (audit trail) until its queue is empty. */
async function runEvents(test: TestApp) {
  const { queues } = test.container.platform;
  const handler = createEventsHandler({
    queues,
    audit: test.container.audit,
    statuses: test.container.statuses,
  });
  for (;;) {
    const batch = await queues.receive(EVENTS_QUEUE, { maxMessages: 10, visibilityTimeoutSeconds: 60 });
    if (batch.length === 0) return;
    const result = await handler(toSqsEvent(EVENTS_QUEUE, batch), lambdaContext);
    expect(result.batchItemFailures).toEqual([]);
    for (const m of batch) await queues.delete(EVENTS_QUEUE, m.receiptHandle);
  }
}

/** A body over 200 KiB: the document's content goes to its own blob (one more write to crash at). */
const LONG_BODY = Array.from({ length: 300 }, () =>
  "各地区各部门要认真贯彻落实本规划确定的各项任务，结合实际制定具体实施方案。".repeat(10),
).join("\n");

describe("intake, crashed at every write", () => {
  it("ends with the document accepted once with one audit entry, or with nothing stored and the 发文字号 free", async () => {
    for (let n = 0; n < 40; n++) {
      // Prepare
      const clock = new ManualClock(Date.UTC(2026, 2, 2, 2));
      app = createTestApp({ clock });
      const { config } = app.container;
      const faulty = faultyPlatform(app.container.platform);
      const intake = new DocumentIntake({
        platform: faulty,
        limits: config.limits,
        sections: config.gazette.sections,
        idempotencyTtlSeconds: config.idempotencyTtlSeconds,
      });
      const submission = aSubmission({ docNumber: "川府发〔2026〕31号", body: LONG_BODY });
      // Act: the request crashes at write n
      faulty.arm(n);
      await intake.submit({ input: submission, submittedBy: "editor" }).catch(() => undefined);
      const crashed = faulty.crashed();
      faulty.disarm();
      // Act: the restart — time passes, the tick relays the outbox, the consumer runs
      clock.advance(2 * HOUR);
      await relayOutbox(app.container.platform);
      await runEvents(app);
      // Assess
      const listed = (await (await app.request("/api/documents")).json()) as { items: { id: string }[] };
      const outbox = await listOutbox(app.container.platform.records);
      expect(outbox, `outbox after a crash at write ${n}`).toEqual([]);
      // Nothing is left staged: a committed document's blobs were promoted, a failed one's deleted.
      expect(
        await app.container.platform.blobs.list("staging/"),
        `staging after a crash at write ${n}`,
      ).toEqual([]);
      if (listed.items.length === 0) {
        expect(crashed).toBe(true);
        expect(await app.container.platform.blobs.list("documents/"), `crash at write ${n}`).toEqual([]);
        const again = await app.postJson(submission);
        expect(again.status, `resubmitting after a crash at write ${n}`).toBe(201);
      } else {
        expect(listed.items).toHaveLength(1);
        const audit = await app.container.audit.entries(listed.items[0]!.id);
        expect(
          audit.filter((e) => e.type === "document.accepted"),
          `audit after a crash at write ${n}`,
        ).toHaveLength(1);
      }
      app.close();
      app = undefined;
      if (!crashed) {
        expect(n).toBeGreaterThan(3);
        return;
      }
    }
    throw new Error("intake never completed within 40 writes");
  });
});

describe("fan-out and delivery, crashed at every write", () => {
  it("ends with one notice per site, delivered, every delivery under its one notice id", async () => {
    for (let n = 0; n < 80; n++) {
      // Prepare: three sites, a document to repost everywhere, its edition published
      let faulty: FaultyPlatform | undefined;
      h = createRepostsHarness({
        platform: (p) => {
          faulty = faultyPlatform(p);
          return faulty;
        },
      });
      const sites = [];
      for (const [i, region] of ["510100", "510300", "510400"].entries()) {
        sites.push(await h.registerSite({ name: `第${i + 1}市`, level: "city", region, path: `/hook/${i}` }));
      }
      const doc = await h.submitRepost({ scope: "all" });
      await h.publish([doc]);
      // Act: fan-out and delivery crash at write n
      faulty!.arm(n);
      await h.runQueues().catch(() => undefined);
      const crashed = faulty!.crashed();
      faulty!.disarm();
      // Act: the restart — messages come back after their timeouts, the tick nudges stalled retries
      for (let round = 0; round < 4; round++) {
        h.clock.advance(2 * HOUR);
        await h.reposts.tick.run();
        await h.runQueues();
      }
      // Assess
      const notices = await h.notices(doc);
      expect(notices.map((x) => x.siteId).sort(), `crash at write ${n}`).toEqual(
        sites.map((s) => s.id).sort(),
      );
      for (const site of sites) {
        const notice = notices.find((x) => x.siteId === site.id)!;
        expect(notice.delivery.state, `crash at write ${n}`).toBe("delivered");
        const ids = new Set(site.endpoint.received.map((r) => r.headers["webhook-id"]));
        expect(site.endpoint.received.length).toBeGreaterThan(0);
        expect([...ids], `one notice id per site, crash at write ${n}`).toHaveLength(1);
      }
      h.close();
      h = undefined;
      if (!crashed) {
        expect(n).toBeGreaterThan(3);
        return;
      }
    }
    throw new Error("fan-out never completed within 80 writes");
  });
});

/** A page `200 + page` pixels wide: the fake engine knows the page by its width. */
function pagePng(page: number): Uint8Array {
  const width = 200 + page;
  return encodePng({ width, height: 120, pixels: new Uint8Array(width * 120).fill(255) });
}

const NOTICE = [
  "四川省人民政府文件\n川府发〔1985〕12号\n四川省人民政府关于保护森林资源的通知\n各地区行政公署：\n为保护森林资源，特通知如下。",
  "一、严禁乱砍滥伐。\n二、植树造林。",
  "三、防止山火。\n四川省人民政府\n一九八五年三月五日",
];

const archiveContext = { getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

/** Runs the archive consumer until a write is refused (the crash) or the queue is empty. */
async function runUntilCrash(queues: QueuePort, handler: SqsHandler, faulty: FaultyPlatform) {
  for (let round = 0; round < 200 && !faulty.crashed(); round++) {
    const messages = await queues.receive(ARCHIVE_QUEUE, { maxMessages: 10, visibilityTimeoutSeconds: 60 });
    if (messages.length === 0) return;
    const response = await handler(toSqsEvent(ARCHIVE_QUEUE, messages), archiveContext).catch(() => ({
      batchItemFailures: messages.map((m) => ({ itemIdentifier: m.messageId })),
    }));
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    for (const m of messages) {
      // A crashed consumer's message comes back once its visibility timeout is over.
      if (failed.has(m.messageId)) await queues.changeVisibility(ARCHIVE_QUEUE, m.receiptHandle, 0);
      else await queues.delete(ARCHIVE_QUEUE, m.receiptHandle);
    }
  }
}

describe("OCR of a scanned edition, crashed at every write", () => {
  it("ends with every page read and the notice made into one item", async () => {
    for (let n = 0; n < 150; n++) {
      // Prepare: three scanned pages submitted
      app = createTestApp();
      const faulty = faultyPlatform(app.container.platform as Platform);
      const archive: Archive = createArchive({
        platform: faulty,
        gazette: app.container.config.gazette,
        ocr: async () => new PageTextOcr(NOTICE),
      });
      const job = await archive.service.submitScans(
        [0, 1, 2].map((page) => ({ field: `files.${page}`, name: `p${page}.png`, bytes: pagePng(page) })),
        { year: 1985, issue: 3, script: "sim" },
        "editor",
      );
      // Act: the consumer crashes at write n, then runs again
      faulty.arm(n);
      await runUntilCrash(app.container.platform.queues, archive.handler, faulty);
      const crashed = faulty.crashed();
      faulty.disarm();
      await drainArchiveQueue(app.container.platform.queues, archive.handler);
      // Assess
      const view = (await (await app.request(`/api/archive/jobs/${job.id}`)).json()) as {
        status: string;
        pages: { status: string }[];
        items: { title: string }[];
      };
      expect(view.status, `crash at write ${n}`).toBe("done");
      expect(view.pages.map((p) => p.status)).toEqual(["done", "done", "done"]);
      expect(
        view.items.map((i) => i.title),
        `crash at write ${n}`,
      ).toEqual(["四川省人民政府关于保护森林资源的通知"]);
      const listed = (await (await app.request("/api/archive/items")).json()) as { items: unknown[] };
      expect(listed.items, `items made once, crash at write ${n}`).toHaveLength(1);
      await archive.close();
      app.close();
      app = undefined;
      if (!crashed) {
        expect(n).toBeGreaterThan(3);
        return;
      }
    }
    throw new Error("the archive job never completed within 150 writes");
  });
});

/** The job's view, as the editor sees it (404 when no job was committed). */
async function jobView(test: TestApp, id: string) {
  const response = await test.request(`/api/archive/jobs/${id}`);
  if (response.status === 404) return undefined;
  expect(response.status).toBe(200);
  return (await response.json()) as {
    status: string;
    pages: { status: string }[];
    items: { title: string }[];
  };
}

describe("archive ingest, crashed at every write between the request and its queued units", () => {
  const JOB_ID = "01JCRASHEDINGEST0000000000";
  const submissions = {
    "three scanned pages (multipart)": (archive: Archive) =>
      archive.service.submitScans(
        [0, 1, 2].map((page) => ({ field: `files.${page}`, name: `p${page}.png`, bytes: pagePng(page) })),
        { year: 1985, issue: 3, script: "sim" },
        "editor",
      ),
    "a submitted text": (archive: Archive) =>
      archive.service.submitTexts(
        { year: 1985, issue: 3, documents: [{ text: NOTICE.join("\n") }] },
        "editor",
      ),
  };

  for (const [what, submit] of Object.entries(submissions)) {
    it(`${what}: the job runs to its item, or nothing is stored at all`, async () => {
      for (let n = 0; n < 40; n++) {
        // Prepare
        const clock = new ManualClock(Date.UTC(2026, 2, 2, 2));
        app = createTestApp({ clock });
        const faulty = faultyPlatform(app.container.platform as Platform);
        const archive: Archive = createArchive({
          platform: faulty,
          gazette: app.container.config.gazette,
          ocr: async () => new PageTextOcr(NOTICE),
          newId: () => JOB_ID,
        });
        // Act: the request crashes at write n
        faulty.arm(n);
        await submit(archive).catch(() => undefined);
        const crashed = faulty.crashed();
        faulty.disarm();
        // Act: the restart — time passes, the tick relays the outbox, the consumer runs
        clock.advance(2 * HOUR);
        await relayOutbox(app.container.platform);
        await drainArchiveQueue(app.container.platform.queues, archive.handler);
        // Assess
        const { blobs, records } = app.container.platform;
        expect(await listOutbox(records), `outbox, crash at write ${n}`).toEqual([]);
        expect(await blobs.list("staging/"), `staging, crash at write ${n}`).toEqual([]);
        const view = await jobView(app, JOB_ID);
        if (view === undefined) {
          expect(crashed).toBe(true);
          expect(await blobs.list("archive/"), `nothing stored, crash at write ${n}`).toEqual([]);
        } else {
          expect(view.status, `crash at write ${n}`).toBe("done");
          expect(view.pages.every((p) => p.status === "done")).toBe(true);
          expect(
            view.items.map((i) => i.title),
            `crash at write ${n}`,
          ).toEqual(["四川省人民政府关于保护森林资源的通知"]);
          const listed = (await (await app.request("/api/archive/items")).json()) as { items: unknown[] };
          expect(listed.items, `items made once, crash at write ${n}`).toHaveLength(1);
        }
        await archive.close();
        app.close();
        app = undefined;
        if (!crashed) {
          expect(n).toBeGreaterThan(2);
          return;
        }
      }
      throw new Error("archive ingest never completed within 40 writes");
    });
  }
});

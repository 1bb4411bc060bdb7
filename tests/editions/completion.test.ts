import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EVENTS_QUEUE } from "../../src/documents/intake.js";
import { DEFAULT_COMPLETION_STALE_SECONDS, resumeCompletions } from "../../src/editions/completion.js";
import type { EditionView } from "../../src/editions/model.js";
import {
  type EditionManifest,
  loadEdition,
  PUBLISHING_QUEUE,
  type RenderEdition,
  readManifest,
} from "../../src/editions/publish.js";
import { attemptBlobKey } from "../../src/editions/records.js";
import { createEventsHandler } from "../../src/handlers/events.js";
import { createPublishingHandler } from "../../src/handlers/publishing.js";
import type { Platform } from "../../src/platform/ports.js";
import { toSqsEvent } from "../../src/platform/queue-poller.js";
import { FANOUT_QUEUE } from "../../src/reposts/messages.js";
import { lambdaContext } from "../support/events.js";
import { aPolicySubmission, aSubmission } from "../support/factories.js";
import { crashAfter, createEditionsTestApp, drain, type EditionsTestApp, fakeRender } from "./harness.js";

/**
 * Publishing that finishes itself (issue 11): after the switch, the edition record drives the
 * completion — the tick resumes what a crash or a lost message left pending, without anyone
 * publishing again — and a frozen edition whose leftover files no longer match what is rendered
 * now is published under a new attempt rather than refused forever.
 */

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function preparedEdition(app: EditionsTestApp) {
  const notice = await app.submit(aSubmission());
  const policy = await app.submit(aPolicySubmission());
  const edition = (await (
    await app.api("/api/editions", { method: "POST", json: { year: 2025, date: "2025-03-10" } })
  ).json()) as EditionView;
  const placed = await app.api(`/api/editions/${edition.id}/documents`, {
    method: "PUT",
    json: { documents: [notice.id, policy.id] },
  });
  if (placed.status !== 200) throw new Error(await placed.text());
  return { editionId: edition.id, documents: [notice.id, policy.id] };
}

/** The events consumer as deployed, on a platform view (crash injection) of the app's store. */
function eventsConsumer(app: EditionsTestApp, platform: Platform = app.container.platform) {
  const { container } = app;
  return createEventsHandler({
    queues: platform.queues,
    audit: container.audit,
    statuses: container.statuses,
    searchIndexing: {
      platform,
      statuses: container.statuses,
      search: container.search,
      now: () => platform.clock.now(),
    },
    completion: { records: platform.records, now: () => platform.clock.now() },
  });
}

/**
 * Runs the events consumer until the queue is empty. A message whose handling failed is dropped
 * (as if dead-lettered, or its consumer killed for good): only the tick may bring it back.
 */
async function runEvents(app: EditionsTestApp, platform: Platform = app.container.platform) {
  const handler = eventsConsumer(app, platform);
  const { queues } = app.container.platform;
  for (;;) {
    const batch = await queues.receive(EVENTS_QUEUE, { maxMessages: 10, visibilityTimeoutSeconds: 60 });
    if (batch.length === 0) return;
    await handler(toSqsEvent(EVENTS_QUEUE, batch), lambdaContext).catch(() => undefined);
    for (const m of batch) await queues.delete(EVENTS_QUEUE, m.receiptHandle);
  }
}

async function view(app: EditionsTestApp, id: string): Promise<EditionView> {
  return (await (await app.api(`/api/editions/${id}`)).json()) as EditionView;
}

/** The stored manifest, each listed file checked against the bytes stored for the attempt. */
async function storedManifest(app: EditionsTestApp, id: string): Promise<EditionManifest> {
  const { records, blobs } = app.container.platform;
  const edition = (await loadEdition(records, id))!.data;
  const manifest = await readManifest(blobs, edition);
  for (const entry of manifest.artifacts) {
    const stored = await blobs.get(attemptBlobKey(entry.url.slice(1), edition.attempt));
    expect(stored && sha256(stored.bytes)).toBe(entry.sha256);
  }
  return manifest;
}

/** What the tick does after a while: resume stalled completions, then the consumers run. */
async function tickLater(app: EditionsTestApp) {
  app.clock.advance((DEFAULT_COMPLETION_STALE_SECONDS + 1) * 1000);
  await resumeCompletions(app.container.platform);
  await runEvents(app);
}

async function expectComplete(app: EditionsTestApp, editionId: string, documents: readonly string[]) {
  const after = await view(app, editionId);
  expect(after.status).toBe("published");
  expect(after.completion?.complete).toBe(true);
  expect(after.completion?.steps.map((s) => [s.step, typeof s.doneAt])).toEqual([
    ["documents", "string"],
    ["announced", "string"],
    ["siteCopy", "string"],
    ["audit", "string"],
    ["statuses", "string"],
    ["index", "string"],
    ["fanout", "string"],
  ]);
  expect(after.documents.map((d) => d.state)).toEqual(["published", "published"]);
  for (const id of documents) {
    const audit = await app.container.audit.entries(id);
    expect(audit.filter((e) => e.type === "edition.published")).toHaveLength(1);
  }
}

describe("GET /api/editions/{id} shows each completion step", () => {
  let app: EditionsTestApp;
  beforeEach(() => {
    app = createEditionsTestApp();
  });
  afterEach(() => app.close());

  it("lists the steps pending after the switch and done once the consumer ran", async () => {
    // Prepare
    const { editionId } = await preparedEdition(app);
    // Act
    await app.editions.publish(editionId, "editor");
    const switched = await view(app, editionId);
    await runEvents(app);
    const completed = await view(app, editionId);
    // Assess
    expect(switched.completion).toEqual({
      complete: false,
      steps: [
        { step: "documents", doneAt: "2025-03-01T02:00:00.000Z" },
        { step: "announced", doneAt: "2025-03-01T02:00:00.000Z" },
        { step: "siteCopy", doneAt: null },
        { step: "audit", doneAt: null },
        { step: "statuses", doneAt: null },
        { step: "index", doneAt: null },
        { step: "fanout", doneAt: null },
      ],
    });
    expect(completed.completion?.complete).toBe(true);
  });

  it("shows no completion for a draft", async () => {
    const { editionId } = await preparedEdition(app);
    expect((await view(app, editionId)).completion).toBeNull();
  });
});

describe("a crash at any write of a publication is completed by the tick, nobody publishing again", () => {
  it("ends with the edition published, announced once per tick, and every step done", async () => {
    let switchedCrashes = 0;
    for (let n = 0; n < 100; n++) {
      const app = createEditionsTestApp();
      try {
        const { editionId, documents } = await preparedEdition(app);
        // Act: the publication crashes at write n
        const outcome = await app
          .serviceOn(crashAfter(app.container.platform, n))
          .publish(editionId, "editor")
          .then(
            () => "completed" as const,
            () => "crashed" as const,
          );
        const afterCrash = await view(app, editionId);
        if (afterCrash.status === "draft") {
          // Before the switch nothing is visible; the editor's retry (or the queued message) publishes.
          expect(outcome).toBe("crashed");
          await app.editions.publish(editionId, "editor");
        } else if (outcome === "crashed") {
          switchedCrashes += 1;
        }
        // Act: the process restarts — the tick runs at once, then the consumers
        await resumeCompletions(app.container.platform);
        await runEvents(app);
        await tickLater(app);
        // Assess
        await expectComplete(app, editionId, documents);
        const fanout = (await drain(app.container.platform, FANOUT_QUEUE)) as { documentId: string }[];
        expect(new Set(fanout.map((m) => m.documentId))).toEqual(new Set(documents));
        if (outcome === "completed") {
          expect(switchedCrashes).toBeGreaterThan(0); // crashes between the switch and the announce
          return;
        }
      } finally {
        app.close();
      }
    }
    throw new Error("publication never completed within 100 writes");
  });

  it("resumes a consumer that crashed at any of its writes, its message lost", async () => {
    for (let n = 0; n < 60; n++) {
      const app = createEditionsTestApp();
      try {
        // Prepare
        const { editionId, documents } = await preparedEdition(app);
        await app.editions.publish(editionId, "editor");
        const crashing = crashAfter(app.container.platform, n);
        // Act: the consumer crashes at write n and its message is gone
        await runEvents(app, crashing);
        if (!crashing.crashed()) {
          await expectComplete(app, editionId, documents);
          expect(n).toBeGreaterThan(3);
          return;
        }
        const stalled = await view(app, editionId);
        expect(stalled.completion?.complete).toBe(false);
        await drain(app.container.platform, FANOUT_QUEUE);
        // Act: a tick before the stale time sends nothing; one after it re-sends the event
        expect((await resumeCompletions(app.container.platform)).reannounced).toEqual([]);
        await tickLater(app);
        // Assess
        await expectComplete(app, editionId, documents);
        const fanout = (await drain(app.container.platform, FANOUT_QUEUE)) as { documentId: string }[];
        const stepsBefore = stalled.completion?.steps.find((s) => s.step === "fanout")?.doneAt;
        if (stepsBefore === null)
          expect(new Set(fanout.map((m) => m.documentId))).toEqual(new Set(documents));
        // A further tick finds nothing to do
        app.clock.advance((DEFAULT_COMPLETION_STALE_SECONDS + 1) * 1000);
        expect(await resumeCompletions(app.container.platform)).toEqual({
          requeued: [],
          announced: [],
          reannounced: [],
        });
      } finally {
        app.close();
      }
    }
    throw new Error("the consumer never completed within 60 writes");
  });
});

describe("a publication that stalled before its switch (the process died mid-render)", () => {
  it("is queued again by the local tick and published by the publishing consumer", async () => {
    const app = createEditionsTestApp();
    try {
      // Prepare: the publication froze the edition, wrote a file, and died
      const { editionId, documents } = await preparedEdition(app);
      await app
        .serviceOn(crashAfter(app.container.platform, 2))
        .publish(editionId, "editor")
        .catch(() => undefined);
      const frozen = await view(app, editionId);
      expect([frozen.status, frozen.publishing]).toEqual(["draft", true]);
      const publisher = createPublishingHandler({
        queues: app.container.platform.queues,
        editions: app.editions,
      });
      // Act: a tick before the stale time does nothing; one after it queues the publication
      const early = await resumeCompletions(app.container.platform, { requeueFrozen: true });
      app.clock.advance((DEFAULT_COMPLETION_STALE_SECONDS + 1) * 1000);
      const late = await resumeCompletions(app.container.platform, { requeueFrozen: true });
      const again = await resumeCompletions(app.container.platform, { requeueFrozen: true });
      const messages = await app.container.platform.queues.receive(PUBLISHING_QUEUE, { maxMessages: 10 });
      const result = await publisher(toSqsEvent(PUBLISHING_QUEUE, messages), lambdaContext);
      await runEvents(app);
      // Assess
      expect(early.requeued).toEqual([]);
      expect(late.requeued).toEqual([editionId]);
      expect(again.requeued).toEqual([]);
      expect(messages).toHaveLength(1);
      expect(result.batchItemFailures).toEqual([]);
      await expectComplete(app, editionId, documents);
    } finally {
      app.close();
    }
  });
});

/** The renderer after a change (a setting, template, font or release): other bytes for the same input. */
const changedRender: RenderEdition = async (input) => {
  const result = await fakeRender(input);
  return {
    ...result,
    artifacts: result.artifacts.map((a) => ({
      ...a,
      bytes: new Uint8Array([...a.bytes, ...new TextEncoder().encode(" (release 2)")]),
    })),
  };
};

describe("a frozen edition whose leftover files no longer match what is rendered now", () => {
  it("is published under a new attempt, for a crash at every write before the switch and a change before the retry", async () => {
    for (let n = 1; n < 100; n++) {
      const app = createEditionsTestApp();
      try {
        // Prepare: a publication crashes at write n, before its switch
        const { editionId, documents } = await preparedEdition(app);
        await app
          .serviceOn(crashAfter(app.container.platform, n))
          .publish(editionId, "editor")
          .catch(() => undefined);
        if ((await view(app, editionId)).status === "published") return; // past the switch: done
        const leftovers = await app.container.platform.blobs.list("editions/");
        // Act: a new release renders other bytes; the retry publishes
        const result = await app
          .serviceOn(app.container.platform, changedRender)
          .publish(editionId, "editor");
        // Assess
        expect(result.edition.status).toBe("published");
        const manifest = await storedManifest(app, editionId);
        const edition = await view(app, editionId);
        expect(edition.attempt).toBe(leftovers.length > 0 ? 2 : 1);
        // The public URL serves the new attempt's bytes, never the abandoned attempt's.
        const pdf = await app.container.site.file("editions/2025/1.pdf");
        expect(new TextDecoder().decode(pdf?.body as Uint8Array)).toMatch(/\(release 2\)$/);
        const listed = manifest.artifacts.find((a) => a.url === "/editions/2025/1.pdf");
        expect(listed?.sha256).toBe(sha256(pdf?.body as Uint8Array));
        expect(manifest.artifacts.map((a) => a.url)).toContain(`/documents/${documents[0]}.pdf`);
        // A further publish call returns the same publication.
        const again = await app.serviceOn(app.container.platform, changedRender).publish(editionId, "editor");
        expect(again.manifest).toEqual(manifest);
      } finally {
        app.close();
      }
    }
    throw new Error("publication never switched within 100 writes");
  });
});

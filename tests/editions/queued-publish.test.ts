import { afterEach, describe, expect, it } from "vitest";
import { PUBLISHING_QUEUE, type RenderEdition } from "../../src/editions/publish.js";
import { createPublishingHandler } from "../../src/handlers/publishing.js";
import { toSqsEvent } from "../../src/platform/queue-poller.js";
import { lambdaContext } from "../support/events.js";
import { aSubmission } from "../support/factories.js";
import { createEditionsTestApp, type EditionsTestApp, fakeRender, problemsOf } from "./harness.js";

/**
 * Publication behind the publishing queue, as in AWS (API Gateway gives a request 30 s; a big
 * edition renders for longer): the API freezes the edition and answers 202, the publisher renders.
 */
describe("queued publication", () => {
  let app: EditionsTestApp;
  afterEach(() => app.close());

  async function draftWith(n: number): Promise<string> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      ids.push((await app.submit(aSubmission({ docNumber: `川府发〔2025〕${i + 1}号` }))).id);
    }
    const created = await app.api("/api/editions", { method: "POST", json: { year: 2025 } });
    const { id } = (await created.json()) as { id: string };
    const placed = await app.api(`/api/editions/${id}/documents`, {
      method: "PUT",
      json: { documents: ids },
    });
    expect(placed.status).toBe(200);
    return id;
  }

  /** One pass of the publisher over the queue, as Lambda's event source would run it. */
  async function runPublisher() {
    const { queues } = app.container.platform;
    const handler = createPublishingHandler({ queues, editions: app.editions });
    const messages = await queues.receive(PUBLISHING_QUEUE, {
      maxMessages: 10,
      visibilityTimeoutSeconds: 60,
    });
    const result = await handler(toSqsEvent(PUBLISHING_QUEUE, messages), lambdaContext);
    const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
    for (const m of messages)
      if (!failed.has(m.messageId)) await queues.delete(PUBLISHING_QUEUE, m.receiptHandle);
    return { received: messages.length, failed: failed.size };
  }

  async function editionOf(id: string) {
    return (await (await app.api(`/api/editions/${id}`)).json()) as {
      status: string;
      publishing: boolean;
      publishFailure: { at: string; message: string } | null;
      publication: {
        state: string;
        requestedAt: string | null;
        renderingAt: string | null;
        publishedAt: string | null;
        failure: { at: string; message: string } | null;
      } | null;
      urls?: { pdf: string };
    };
  }

  it("answers 202 with the edition frozen, and publishes only when the publisher has run", async () => {
    // Prepare
    app = createEditionsTestApp({ queuePublication: true });
    const id = await draftWith(2);

    // Act
    const res = await app.api(`/api/editions/${id}/publish`, { method: "POST" });
    const body = (await res.json()) as {
      edition: { status: string; publishing: boolean };
      manifest: unknown;
    };
    const before = await editionOf(id);
    const run = await runPublisher();
    const after = await editionOf(id);

    // Assess
    expect(res.status).toBe(202);
    expect(res.headers.get("location")).toBe(`/api/editions/${id}`);
    expect(body).toMatchObject({ edition: { status: "draft", publishing: true }, manifest: null });
    expect(before).toMatchObject({ status: "draft", publishing: true });
    expect(run).toEqual({ received: 1, failed: 0 });
    expect(after).toMatchObject({ status: "published", publishing: false, publishFailure: null });
    expect(after.urls?.pdf).toMatch(/\.pdf$/);
  });

  it("freezes the edition while queued: its documents cannot change", async () => {
    // Prepare
    app = createEditionsTestApp({ queuePublication: true });
    const id = await draftWith(1);
    await app.api(`/api/editions/${id}/publish`, { method: "POST" });

    // Act
    const res = await app.api(`/api/editions/${id}/documents`, { method: "PUT", json: { documents: [] } });

    // Assess
    expect(res.status).toBe(409);
    expect((await problemsOf(res))[0]?.code).toBe("edition_publishing");
  });

  it("answers 200 with the manifest once the edition is published, and queues nothing more", async () => {
    // Prepare
    app = createEditionsTestApp({ queuePublication: true });
    const id = await draftWith(1);
    await app.api(`/api/editions/${id}/publish`, { method: "POST" });
    await runPublisher();

    // Act
    const again = await app.api(`/api/editions/${id}/publish`, { method: "POST" });
    const body = (await again.json()) as { manifest: { artifacts: unknown[] } | null };
    const depth = await app.container.platform.queues.depth(PUBLISHING_QUEUE);

    // Assess
    expect(again.status).toBe(200);
    expect(body.manifest?.artifacts.length).toBeGreaterThan(0);
    expect(depth).toBe(0);
  });

  it("publishes one edition however often the request is delivered, announcing the same event", async () => {
    // Prepare
    app = createEditionsTestApp({ queuePublication: true });
    const id = await draftWith(1);
    await app.api(`/api/editions/${id}/publish`, { method: "POST" });
    await app.api(`/api/editions/${id}/publish`, { method: "POST" }); // a second click

    // Act
    const run = await runPublisher();
    const events = await app.container.platform.queues.receive("events", { maxMessages: 10 });

    // Assess: concurrent completions may each announce (at-least-once); the events are identical,
    // so idempotent consumers see one publication.
    const announced = events.map((m) => m.body).filter((b) => JSON.parse(b).type === "edition.published");
    expect(run).toEqual({ received: 2, failed: 0 });
    expect(announced.length).toBeGreaterThanOrEqual(1);
    expect(new Set(announced).size).toBe(1);
    expect(await editionOf(id)).toMatchObject({ status: "published" });
  });

  it("when rendering fails, lifts the freeze, says why on the edition and dead-letters the request", async () => {
    // Prepare
    const broken: RenderEdition = async () => {
      throw new Error("font file fonts/FandolFang-Regular.otf is unreadable");
    };
    app = createEditionsTestApp({ queuePublication: true, render: broken });
    const id = await draftWith(1);
    await app.api(`/api/editions/${id}/publish`, { method: "POST" });

    // Act
    const run = await runPublisher();
    const edition = await editionOf(id);
    const dlq = app.container.platform.queues.deadLetterQueueOf(PUBLISHING_QUEUE);
    const deadLetters = await app.container.platform.queues.depth(dlq);
    const edit = await app.api(`/api/editions/${id}/documents`, { method: "PUT", json: { documents: [] } });

    // Assess
    expect(run.received).toBe(1);
    expect(edition).toMatchObject({ status: "draft", publishing: false });
    expect(edition.publishFailure?.message).toContain("fonts/FandolFang-Regular.otf is unreadable");
    expect(deadLetters).toBe(1);
    expect(edit.status).toBe(200);
  });

  it("does not publish an edition whose failed publication was not requested again", async () => {
    // Prepare: a failed attempt, then a fixed renderer and a stale copy of the old request
    let fail = true;
    const flaky: RenderEdition = async (input) => {
      if (fail) throw new Error("renderer crashed");
      return fakeRender(input);
    };
    app = createEditionsTestApp({ queuePublication: true, render: flaky });
    const id = await draftWith(1);
    await app.api(`/api/editions/${id}/publish`, { method: "POST" });
    await runPublisher();
    fail = false;
    const handler = createPublishingHandler({
      queues: app.container.platform.queues,
      editions: app.editions,
    });
    const stale = { type: "edition.publish", editionId: id, requestedBy: "editor" };
    await app.container.platform.queues.send(PUBLISHING_QUEUE, [{ body: JSON.stringify(stale) }]);

    // Act
    const messages = await app.container.platform.queues.receive(PUBLISHING_QUEUE, { maxMessages: 10 });
    const result = await handler(toSqsEvent(PUBLISHING_QUEUE, messages), lambdaContext);
    const edition = await editionOf(id);
    const retried = await app.api(`/api/editions/${id}/publish`, { method: "POST" });
    await runPublisher();

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(edition).toMatchObject({ status: "draft", publishing: false });
    expect(retried.status).toBe(202);
    expect(await editionOf(id)).toMatchObject({ status: "published", publishFailure: null });
  });

  it("reports its progress: queued, rendering while the publisher renders, then published or failed with the reason", async () => {
    // Prepare: a renderer that notes what the edition says while it runs; the second edition fails
    const seen: unknown[] = [];
    let fail = false;
    const observing: RenderEdition = async (input) => {
      seen.push((await editionOf(input.edition.id)).publication);
      if (fail) throw new Error("renderer crashed");
      return fakeRender(input);
    };
    app = createEditionsTestApp({ queuePublication: true, render: observing });
    const id = await draftWith(1);

    // Act
    const before = (await editionOf(id)).publication;
    await app.api(`/api/editions/${id}/publish`, { method: "POST" });
    const queued = (await editionOf(id)).publication;
    await runPublisher();
    const published = (await editionOf(id)).publication;
    const created = await app.api("/api/editions", { method: "POST", json: { year: 2025 } });
    const { id: second } = (await created.json()) as { id: string };
    const doc = await app.submit(aSubmission({ docNumber: "川府发〔2025〕99号" }));
    await app.api(`/api/editions/${second}/documents`, { method: "PUT", json: { documents: [doc.id] } });
    fail = true;
    await app.api(`/api/editions/${second}/publish`, { method: "POST" });
    await runPublisher();
    const failed = (await editionOf(second)).publication;

    // Assess
    expect(before).toBeNull();
    expect(queued).toMatchObject({ state: "queued", renderingAt: null, publishedAt: null, failure: null });
    expect(queued?.requestedAt).toEqual(expect.any(String));
    expect(seen[0]).toMatchObject({ state: "rendering", renderingAt: expect.any(String) });
    expect(published).toMatchObject({ state: "published", publishedAt: expect.any(String), failure: null });
    expect(failed).toMatchObject({
      state: "failed",
      failure: { message: expect.stringContaining("renderer crashed") },
    });
  });
});

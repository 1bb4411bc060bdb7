import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENTS_QUEUE } from "../../src/documents/intake.js";
import { createEventsHandler } from "../../src/handlers/events.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { toSqsEvent } from "../../src/platform/queue-poller.js";
import { lambdaContext } from "../support/events.js";
import { aPolicySubmission, aSubmission } from "../support/factories.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

describe("publishing an edition makes its public documents searchable", () => {
  const clock = new ManualClock(Date.UTC(2024, 5, 1, 2));
  let app: TestApp;

  async function submit(overrides: Record<string, unknown>, policy = false): Promise<string> {
    const res = await app.postJson(policy ? aPolicySubmission(overrides) : aSubmission(overrides));
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  async function publish(documents: string[]): Promise<string> {
    const created = await app.request("/api/editions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ year: 2024, date: "2024-06-01" }),
    });
    const { id } = (await created.json()) as { id: string };
    const placed = await app.request(`/api/editions/${id}/documents`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ documents }),
    });
    expect(placed.status).toBe(200);
    expect((await app.request(`/api/editions/${id}/publish`, { method: "POST" })).status).toBe(200);
    return id;
  }

  /** Delivers queued events (and any extra ones) through the events handler, as the poller does. */
  async function processEvents(extra: object[] = []) {
    const { platform, audit, statuses, search } = app.container;
    if (extra.length)
      await platform.queues.send(
        EVENTS_QUEUE,
        extra.map((e) => ({ body: JSON.stringify(e) })),
      );
    const handler = createEventsHandler({
      queues: platform.queues,
      audit,
      statuses,
      searchIndexing: { platform, statuses, search, now: () => clock.now() },
    });
    for (let round = 0; round < 20; round++) {
      const messages = await platform.queues.receive(EVENTS_QUEUE, {
        maxMessages: 10,
        visibilityTimeoutSeconds: 30,
      });
      if (!messages.length) break;
      const result = await handler(toSqsEvent(EVENTS_QUEUE, messages), lambdaContext);
      expect(result.batchItemFailures).toEqual([]);
      for (const m of messages) await platform.queues.delete(EVENTS_QUEUE, m.receiptHandle);
    }
  }

  async function search(params: string) {
    const res = await app.request(`/api/search?${params}`, { editor: false });
    expect(res.status).toBe(200);
    return (await res.json()) as {
      total: number;
      hits: { id: string; url: string; docNumber: string | null; source: string }[];
      facets: { status: Record<string, number> };
    };
  }

  let published: string;
  let repealing: string;
  let onRequest: string;

  beforeAll(async () => {
    app = createTestApp({ clock });
    published = await submit({
      title: "四川省人民政府关于加强耕地保护的通知",
      docNumber: "川府发〔2024〕601号",
    });
    onRequest = await submit({
      title: "四川省人民政府关于耕地保护人员安置的通知",
      docNumber: "川府发〔2024〕602号",
      disclosure: { attribute: "on_request", reason: "涉及个人信息，依申请公开" },
    });
    const editionId = await publish([published]);
    // An edition.published naming a non-public document (as a forged or stale event could).
    await processEvents([
      {
        type: "edition.published",
        editionId,
        year: 2024,
        issue: 1,
        cumulative: 1,
        date: "2024-06-01",
        publishedAt: clock.now().toISOString(),
        publishedBy: "system",
        documents: [onRequest],
        urls: {},
      },
    ]);
  });
  afterAll(() => app.close());

  it("finds a published 主动公开 document by words and by its 发文字号, linking its public page", async () => {
    // Act
    const byWords = await search(`q=${encodeURIComponent("耕地保护")}`);
    const byNumber = await search(`q=${encodeURIComponent("川府发[2024]601号")}`);
    // Assess
    expect(byWords.hits.map((h) => h.id)).toEqual([published]);
    expect(byWords.hits[0]).toMatchObject({ url: `/documents/${published}.html`, source: "gazette" });
    expect(byNumber.hits[0]?.id).toBe(published);
    expect(byWords.facets.status).toEqual({ 有效: 1 });
  });

  it("never indexes a document that is not 主动公开", async () => {
    // Act
    const byNumber = await search(`q=${encodeURIComponent("川府发〔2024〕602号")}`);
    const byWords = await search(`q=${encodeURIComponent("人员安置")}`);
    const all = await search("");
    // Assess
    expect(byNumber.hits.map((h) => h.id)).not.toContain(onRequest);
    expect(byWords.total).toBe(0);
    expect(all.hits.map((h) => h.id)).toEqual([published]);
  });

  it("re-indexes every published edition on POST /api/search/reindex (editor only)", async () => {
    // Prepare: an index that lost a document.
    await app.container.search.remove([published]);
    expect((await search(`q=${encodeURIComponent("耕地保护")}`)).total).toBe(0);
    // Act
    const anonymous = await app.request("/api/search/reindex", { method: "POST", editor: false });
    const queued = await app.request("/api/search/reindex", { method: "POST" });
    await processEvents();
    // Assess
    expect(anonymous.status).toBe(401);
    expect(queued.status).toBe(202);
    expect(await queued.json()).toEqual({ editions: 1 });
    expect((await search(`q=${encodeURIComponent("耕地保护")}`)).hits.map((h) => h.id)).toEqual([published]);
    expect((await search(`q=${encodeURIComponent("人员安置")}`)).total).toBe(0);
  });

  it("updates the status of a document a later edition repeals", async () => {
    // Prepare
    const repeal = await submit({
      title: "四川省人民政府关于废止部分文件的决定",
      kind: "决定",
      docNumber: "川府发〔2024〕603号",
      relations: { repeals: ["川府发〔2024〕601号"], amends: [] },
    });
    repealing = repeal;
    // Act
    await publish([repeal]);
    await processEvents();
    // Assess
    const repealed = await search(
      `q=${encodeURIComponent("耕地保护")}&status=${encodeURIComponent("已废止")}`,
    );
    expect(repealed.hits.map((h) => h.id)).toEqual([published]);
    expect((await search(`q=${encodeURIComponent("废止部分文件")}`)).hits.map((h) => h.id)).toEqual([
      repealing,
    ]);
  });

  it("makes a published policy document's 解读 searchable as an entry of its own", async () => {
    // Prepare
    const policy = await submit({ docNumber: "川府发〔2024〕604号" }, true);
    // Act
    await publish([policy]);
    await processEvents();
    const byBody = await search(`q=${encodeURIComponent("出台背景")}`);
    const byTitle = await search(`q=${encodeURIComponent("政策解读")}`);
    const byNumber = await search(`q=${encodeURIComponent("川府发〔2024〕604号")}`);
    // Assess
    expect(byBody.hits).toHaveLength(1);
    const [entry] = byBody.hits;
    expect(entry!.id.startsWith(`${policy}~`)).toBe(true);
    expect(entry!.url).toBe(`/documents/${entry!.id}.html`);
    expect(entry!.source).toBe("gazette");
    expect(byTitle.hits.map((h) => h.id)).toEqual([entry!.id]);
    expect(byNumber.hits[0]!.id).toBe(policy);
  });
});

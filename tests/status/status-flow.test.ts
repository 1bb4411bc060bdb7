import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENTS_QUEUE } from "../../src/documents/intake.js";
import { createEventsHandler } from "../../src/handlers/events.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { toSqsEvent } from "../../src/platform/queue-poller.js";
import { lambdaContext } from "../support/events.js";
import { aSubmission } from "../support/factories.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * 效力状态 end to end: publish documents, then later documents that repeal, amend and correct
 * them; the earlier pages show the new status while their published files stay byte for byte.
 */
describe("document status: 有效 / 已修改 / 已废止 / 失效", () => {
  // 2025-01-01 in China: A3's validity period (to 2024-12-31) has ended.
  const clock = new ManualClock(Date.UTC(2025, 0, 1, 2));
  let app: TestApp;
  const ids: Record<string, string> = {};
  const numbers: Record<string, string> = {
    a1: "川府发〔2024〕501号",
    a2: "川府发〔2024〕502号",
    a3: "川府发〔2024〕503号",
    a4: "川府发〔2024〕504号",
    b: "川府发〔2024〕505号",
    c: "川府函〔2024〕506号",
    d: "川府发〔2024〕507号",
    e: "川府发〔2024〕508号",
    f: "川府发〔2024〕509号",
  };
  const editions: string[] = [];
  let before: Record<string, string>;

  const sha = (bytes: ArrayBuffer) => createHash("sha256").update(Buffer.from(bytes)).digest("hex");

  async function submit(name: string, overrides: Record<string, unknown> = {}) {
    const res = await app.postJson(
      aSubmission({
        title: `四川省人民政府关于测试文件${name}的通知`,
        docNumber: numbers[name],
        ...overrides,
      }),
    );
    expect(res.status, name).toBe(201);
    ids[name] = ((await res.json()) as { id: string }).id;
  }

  async function publish(year: number, date: string, names: string[]) {
    const created = await app.request("/api/editions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ year, date }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const placed = await app.request(`/api/editions/${id}/documents`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ documents: names.map((n) => ids[n]) }),
    });
    expect(placed.status).toBe(200);
    const published = await app.request(`/api/editions/${id}/publish`, { method: "POST" });
    expect(published.status).toBe(200);
    editions.push(id);
    return id;
  }

  /** Drains the events queue through the events handler, as Lambda or the local poller would. */
  async function processEvents() {
    const { platform, audit, statuses } = app.container;
    const handler = createEventsHandler({ queues: platform.queues, audit, statuses });
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

  async function publicText(path: string) {
    const res = await app.request(path, { editor: false });
    expect(res.status, path).toBe(200);
    return res.text();
  }

  async function storedFiles() {
    const out: Record<string, string> = {};
    for (const name of ["a1", "a2", "a3"]) {
      for (const ext of ["pdf", "json", "html"]) {
        const blob = await app.container.platform.blobs.get(`documents/${ids[name]}.${ext}`);
        expect(blob, `${name}.${ext}`).toBeDefined();
        out[`${name}.${ext}`] = blob!.sha256;
      }
      const pdf = await app.request(`/documents/${ids[name]}.pdf`, { editor: false });
      out[`${name}.pdf served`] = sha(await pdf.arrayBuffer());
      const json = await app.request(`/documents/${ids[name]}.json`, { editor: false });
      out[`${name}.json served`] = sha(await json.arrayBuffer());
    }
    return out;
  }

  async function statusRecords() {
    const records = app.container.platform.records;
    const all = [];
    for (const name of Object.keys(numbers)) {
      const page = await records.query(`STATUS#${ids[name]}`);
      all.push(...page.items.map((r) => ({ pk: r.pk, sk: r.sk, version: r.version })));
    }
    return all;
  }

  beforeAll(async () => {
    app = createTestApp({ clock });
    await submit("a1");
    await submit("a2");
    await submit("a3", { kind: "办法", normative: { validFrom: "2024-05-03", validUntil: "2024-12-31" } });
    await submit("a4", { kind: "办法", normative: { validFrom: "2024-05-03", validUntil: "2029-05-02" } });
    await publish(2024, "2024-06-15", ["a1", "a2", "a3", "a4"]);
    await processEvents();
    before = await storedFiles();

    await submit("b", { relations: { repeals: [numbers.a1], amends: [numbers.a2] } });
    await submit("c", { title: "关于测试文件a1的勘误", kind: "其他", corrects: ["川府发[2024]0501号"] });
    // Refers to a document that is published only later.
    await submit("d", { relations: { repeals: [], amends: [numbers.e] } });
    await publish(2024, "2024-07-01", ["b", "c", "d"]);
    await processEvents();
    await submit("e");
    await publish(2024, "2024-07-15", ["e"]);
    await processEvents();
  }, 240_000);
  afterAll(() => app.close());

  it("accepts corrects on intake, validated like relations, and returns it", async () => {
    const bad = await app.postJson(aSubmission({ corrects: ["不是文号"] }));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("corrects.0");
    const res = await app.request(`/api/documents/${ids.c}`);
    expect(((await res.json()) as { corrects: string[] }).corrects).toEqual(["川府发[2024]0501号"]);
  });

  it("marks a repealed document 已废止 on its page, linking the document that repealed it", async () => {
    const html = await publicText(`/documents/${ids.a1}.html`);
    expect(html).toContain("效力状态：已废止");
    expect(html).toContain(`href="/documents/${ids.b}.html"`);
    expect(html).toContain("2024年7月1日");
  });

  it("links a corrected document to its 勘误", async () => {
    const html = await publicText(`/documents/${ids.a1}.html`);
    expect(html).toContain("本文件已有勘误");
    expect(html).toContain(`href="/documents/${ids.c}.html"`);
  });

  it("marks an amended document 已修改 and an expired one 失效; others stay 有效", async () => {
    const a2 = await publicText(`/documents/${ids.a2}.html`);
    expect(a2).toContain("效力状态：已修改");
    expect(a2).toContain(`href="/documents/${ids.b}.html"`);
    const a3 = await publicText(`/documents/${ids.a3}.html`);
    expect(a3).toContain("效力状态：失效");
    const a4 = await publicText(`/documents/${ids.a4}.html`);
    expect(a4).not.toContain(`role="note"`);
    expect(a4).toContain("<dd>有效</dd>");
  });

  it("resolves a reference to a document published later", async () => {
    const html = await publicText(`/documents/${ids.e}.html`);
    expect(html).toContain("效力状态：已修改");
    expect(html).toContain(`href="/documents/${ids.d}.html"`);
  });

  it("serves the page as published for a document whose status did not change", async () => {
    const stored = await app.container.platform.blobs.get(`documents/${ids.a4}.html`);
    expect(await publicText(`/documents/${ids.a4}.html`)).toBe(new TextDecoder().decode(stored!.bytes));
  });

  it("never changes the published files: PDF, canonical text and the stored page", async () => {
    expect(await storedFiles()).toEqual(before);
  });

  it("carries the status in the documents feed", async () => {
    const feed = await publicText("/feeds/documents.atom");
    const entries = feed.split("<entry>");
    const entry = (name: string) => entries.find((e) => e.includes(ids[name]!)) ?? "";
    expect(entry("a1")).toContain('term="已废止"');
    expect(entry("a1")).toContain("效力状态：已废止");
    expect(entry("a2")).toContain('term="已修改"');
    expect(entry("a3")).toContain('term="失效"');
    expect(entry("a4")).toContain('term="有效"');
  });

  it("adds the status to GET /api/documents/{id}", async () => {
    const res = await app.request(`/api/documents/${ids.a1}`);
    const body = (await res.json()) as {
      id: string;
      title: string;
      status: { status: string; changedBy?: { id: string }; correctedBy?: { id: string }[] };
    };
    expect(body.id).toBe(ids.a1);
    expect(body.status.status).toBe("已废止");
    expect(body.status.changedBy?.id).toBe(ids.b);
    expect(body.status.correctedBy?.map((l) => l.id)).toEqual([ids.c]);
    const draft = await app.postJson(aSubmission());
    const draftId = ((await draft.json()) as { id: string }).id;
    const unpublished = (await (await app.request(`/api/documents/${draftId}`)).json()) as {
      status: unknown;
    };
    expect(unpublished).not.toHaveProperty("status");
  });

  it("changes nothing when an edition.published event is processed again", async () => {
    const first = await statusRecords();
    expect(first.length).toBe(4); // a1 ← b, a1 ← c, a2 ← b, e ← d
    for (const id of editions) await app.container.statuses.recordEdition(id);
    // Re-announce every edition through the queue, as a redelivery would.
    for (const id of editions) {
      const record = await app.request(`/api/editions/${id}`);
      const edition = (await record.json()) as Record<string, unknown>;
      await app.container.platform.queues.send(EVENTS_QUEUE, [
        {
          body: JSON.stringify({
            type: "edition.published",
            editionId: id,
            year: edition.year,
            issue: edition.issue,
            cumulative: edition.cumulative,
            date: edition.date,
            publishedAt: edition.publishedAt,
            publishedBy: edition.publishedBy,
            documents: edition.documents,
            urls: edition.urls,
          }),
        },
      ]);
    }
    await processEvents();
    expect(await statusRecords()).toEqual(first);
    expect((await app.container.platform.records.query(`PENDING_REF#${numbers.e}`)).items).toEqual([]);
    expect(await publicText(`/documents/${ids.a1}.html`)).toContain("效力状态：已废止");
  });

  it("shows editors what each of a document's references resolved to, and which did not resolve", async () => {
    // Prepare: a document that amends a 发文字号 never published here
    await submit("f", { relations: { repeals: [], amends: ["川府发〔2019〕999号"] } });
    await publish(2024, "2024-08-01", ["f"]);
    await processEvents();
    type View = { references: { kind: string; reference: string; resolved: boolean; targets: string[] }[] };

    // Act
    const b = (await (await app.request(`/api/documents/${ids.b}`)).json()) as View;
    const d = (await (await app.request(`/api/documents/${ids.d}`)).json()) as View;
    const f = (await (await app.request(`/api/documents/${ids.f}`)).json()) as View;

    // Assess
    expect(b.references).toEqual([
      { kind: "repeals", reference: numbers.a1, resolved: true, targets: [ids.a1] },
      { kind: "amends", reference: numbers.a2, resolved: true, targets: [ids.a2] },
    ]);
    expect(d.references).toEqual([
      { kind: "amends", reference: numbers.e, resolved: true, targets: [ids.e] },
    ]);
    expect(f.references).toEqual([
      { kind: "amends", reference: "川府发〔2019〕999号", resolved: false, targets: [] },
    ]);
  });
});

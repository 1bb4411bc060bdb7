import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { progressView } from "../../src/console/routes/editions.js";
import { PUBLISHING_QUEUE } from "../../src/editions/publish.js";
import { createPublishingHandler } from "../../src/handlers/publishing.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { toSqsEvent } from "../../src/platform/queue-poller.js";
import { ConsoleBrowser as Browser } from "../support/console-browser.js";
import { lambdaContext } from "../support/events.js";
import { aSubmission } from "../support/factories.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * Queued publishing (GAZETTE_PUBLISHING=queued, as in AWS) seen from the edition's page: the
 * progress section says where the job stands and follows itself (a script file, the page's only
 * way to refresh: axe forbids a timed meta refresh).
 */

const PASSWORD = "correct horse battery";

describe("publication progress on the edition page", () => {
  let app: TestApp;

  beforeEach(async () => {
    app = createTestApp({
      clock: new ManualClock(Date.UTC(2025, 5, 3, 2)),
      env: { GAZETTE_PUBLISHING: "queued" },
    });
    await app.container.console!.accounts.create(
      { username: "zhang", displayName: "张编辑", role: "editor", password: PASSWORD },
      "test",
    );
  });
  afterEach(() => app.close());

  async function runPublisher() {
    const { queues } = app.container.platform;
    const handler = createPublishingHandler({ queues, editions: app.container.editions });
    const messages = await queues.receive(PUBLISHING_QUEUE, {
      maxMessages: 10,
      visibilityTimeoutSeconds: 60,
    });
    const result = await handler(toSqsEvent(PUBLISHING_QUEUE, messages), lambdaContext);
    const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
    for (const m of messages)
      if (!failed.has(m.messageId)) await queues.delete(PUBLISHING_QUEUE, m.receiptHandle);
  }

  test("after publish the page shows the job queued, then published, and stops following it", async () => {
    // Prepare: an edition with one document
    const res = await app.postJson(aSubmission({ dateWritten: "2025-05-20" }));
    const { id: docId } = (await res.json()) as { id: string };
    const browser = new Browser(app);
    await browser.signIn("zhang", PASSWORD);
    const csrf = await browser.csrfOf("/console/editions");
    const created = await browser.post("/console/editions", {
      _csrf: csrf,
      year: "2025",
      date: "2025-06-03",
    });
    const editionPath = created.headers.get("location")!;
    await browser.post(`${editionPath}/documents`, { _csrf: csrf, action: "add", document: [docId] });
    const draft = await (await browser.get(editionPath)).text();

    // Act
    const answer = await browser.post(`${editionPath}/publish`, { _csrf: csrf });
    const queued = await answer.text();
    await runPublisher();
    const published = await (await browser.get(editionPath)).text();
    const script = await browser.get("/console/edition-progress.js");

    // Assess: no progress before; queued with the script following it; published with its steps
    expect(draft).not.toContain('id="publication-progress"');
    expect(answer.status).toBe(200);
    // The script reads the edition's own page: the answer to POST …/publish is at the confirmation's URL.
    expect(queued).toContain(
      `<section id="publication-progress" aria-labelledby="progress-h" data-live data-page="${editionPath}">`,
    );
    expect(queued).toContain("排队中");
    expect(queued).toMatch(/<li aria-current="step" class="current">已提交，排队等待排版/);
    expect(queued).toContain('<script src="/console/edition-progress.js" defer></script>');
    expect(queued).not.toMatch(/http-equiv="refresh"/i);
    expect(published).toContain("已发布");
    expect(published).toMatch(/<li class="done">已发布上线 · <time/);
    expect(published).toContain("文件标为已发布");
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toContain("text/javascript");
  });

  test("each state reads as it should, and the page follows only a running publication", () => {
    const at = "2025-06-03T02:00:00.000Z";
    const base = { requestedAt: at, renderingAt: null, publishedAt: null, failure: null };
    const queued = progressView({ publication: { ...base, state: "queued" }, completion: null })!;
    const rendering = progressView({
      publication: { ...base, state: "rendering", renderingAt: at },
      completion: null,
    })!;
    const failed = progressView({
      publication: { ...base, requestedAt: null, state: "failed", failure: { at, message: "字体缺字" } },
      completion: null,
    })!;
    const done = progressView({
      publication: { ...base, state: "published", publishedAt: at },
      completion: { complete: true, steps: [{ step: "documents", doneAt: at }] },
    })!;
    const pending = progressView({
      publication: { ...base, state: "published", publishedAt: at },
      completion: { complete: false, steps: [{ step: "fanout", doneAt: null }] },
    })!;

    expect(progressView({ publication: null, completion: null })).toBeNull();
    expect([queued.label, queued.live]).toEqual(["排队中", true]);
    expect(rendering.steps.map((s) => s.state)).toEqual(["done", "current", "pending"]);
    expect([rendering.label, rendering.live]).toEqual(["排版中", true]);
    expect([failed.label, failed.live, failed.failure?.message]).toEqual(["发布失败", false, "字体缺字"]);
    expect([done.label, done.live]).toEqual(["已发布", false]);
    expect(pending.live).toBe(true);
    expect(pending.detail).toContain("还有 1 项");
  });
});

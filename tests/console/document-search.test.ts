import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { indexPublishedDocuments } from "../../src/search/gazette.js";
import { ConsoleBrowser as Browser, processEvents } from "../support/console-browser.js";
import { aSubmission } from "../support/factories.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * The intake queue's search reads at most a bound of entries a page (GAZETTE_CONSOLE_SCAN_LIMIT,
 * here 30 instead of 5,000 so that the store can hold more than the bound quickly); a published
 * document is also found through the search index, however many documents came in after it.
 */

const BOUND = 30;
const PASSWORD = "correct horse battery";

describe("searching the intake queue beyond the scan bound", () => {
  let app: TestApp;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2025, 5, 3, 2));
    app = createTestApp({ clock, env: { GAZETTE_CONSOLE_SCAN_LIMIT: String(BOUND) } });
    await app.container.console!.accounts.create(
      { username: "zhang", displayName: "张编辑", role: "editor", password: PASSWORD },
      "test",
    );
  });
  afterEach(() => app.close());

  test("a published document received before more than the bound of others is found by its title", async () => {
    // Prepare: the sought document, published; then more than the bound of newer documents
    const sought = await app.postJson(
      aSubmission({ title: "四川省人民政府关于加强大熊猫国家公园保护管理的通知", dateWritten: "2025-05-20" }),
    );
    const { id: soughtId } = (await sought.json()) as { id: string };
    const edition = await app.container.editions.create({ year: 2025, date: "2025-06-03" }, "test");
    await app.container.editions.setDocuments(edition.id, { documents: [soughtId] }, "test");
    await app.container.editions.publish(edition.id, "test");
    await processEvents(app);
    // The events function's search subscriber, as the local server and AWS run it
    const { platform, statuses, search } = app.container;
    await indexPublishedDocuments({ platform, statuses, search, now: () => clock.now() }, [soughtId]);
    for (let i = 0; i < BOUND + 5; i++) {
      clock.advance(1000);
      expect(
        (await app.postJson(aSubmission({ title: `关于做好第${i}批农田水利建设工作的通知` }))).status,
      ).toBe(201);
    }
    const browser = new Browser(app);
    await browser.signIn("zhang", PASSWORD);

    // Act
    const scanOnly = await app.container.intake.list({ q: "大熊猫" }, { limit: 50, scanLimit: BOUND });
    const page = await (await browser.get(`/console/documents?q=${encodeURIComponent("大熊猫")}`)).text();
    const elsewhere = await (
      await browser.get(`/console/documents?q=${encodeURIComponent("大熊猫")}&state=accepted`)
    ).text();

    // Assess: the scan alone stops at the bound; the page finds it through the index
    expect(scanOnly.items).toEqual([]);
    expect(scanOnly.cursor).toBeDefined();
    expect(page).toContain("已发布文件的全文检索");
    expect(page).toContain(
      `<a href="/console/documents/${soughtId}">四川省人民政府关于加强大熊猫国家公园保护管理的通知</a>`,
    );
    expect(page).toContain("继续检索");
    // A search of documents not yet published does not ask the index (they are not in it)
    expect(elsewhere).not.toContain("已发布文件的全文检索");
    expect(elsewhere).not.toContain(soughtId);
  });
});

import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { scannedItemForReview } from "../support/archive-review.js";
import { ConsoleBrowser } from "../support/console-browser.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * Archive review in the console: a reviewer works through the queue of low-confidence items, reads
 * the page image beside the OCR text, corrects the fields (refused with the API's rules, shown
 * beside the field), accepts, and the correction history says who and when.
 */

const NOW = Date.UTC(2025, 5, 3, 2, 0, 0);
const PASSWORD = "correct horse battery";

describe("console: archive review", () => {
  let app: TestApp;
  let reviewer: ConsoleBrowser;
  let itemId: string;

  beforeEach(async () => {
    app = createTestApp({ clock: new ManualClock(NOW) });
    const accounts = app.container.console!.accounts;
    await accounts.create(
      { username: "li", displayName: "李审核", role: "reviewer", password: PASSWORD },
      "t",
    );
    await accounts.create(
      { username: "zhang", displayName: "张编辑", role: "editor", password: PASSWORD },
      "t",
    );
    itemId = await scannedItemForReview(app);
    reviewer = new ConsoleBrowser(app);
    await reviewer.signIn("li", PASSWORD);
  });
  afterEach(() => app.close());

  const correction = (csrf: string, version: string, overrides: Record<string, string> = {}) => ({
    _csrf: csrf,
    version,
    title: "四川省森林防火办法",
    docNumber: "四川省人民政府令第12号",
    issuers: "四川省人民政府",
    date: "1985-02-28",
    dateKind: "published",
    kind: "办法",
    text: "四川省森林防火办法\r\n第一条 为了预防和扑救森林火灾，制定本办法。",
    action: "accept",
    ...overrides,
  });

  test("the queue lists the low-confidence item with why; its page shows the page image beside the OCR text", async () => {
    // Act
    const home = await (await reviewer.get("/console/")).text();
    const queue = await (await reviewer.get("/console/archive/review")).text();
    const item = await (await reviewer.get(`/console/archive/items/${itemId}`)).text();
    const image = await app.request(`/archive/items/${itemId}/pages/1.png`, { editor: false });

    // Assess
    expect(home).toContain("待审核 1 条");
    expect(queue).toContain(`/console/archive/items/${itemId}`);
    expect(queue).toContain("OCR 置信度低");
    expect(queue).toContain("未找到日期");
    expect(item).toMatch(
      new RegExp(`<img src="/archive/items/${itemId}/pages/1.png" alt="第 1 页原件扫描图像"`),
    );
    expect(item).toContain("四川省森林防火办怯");
    expect(item).toContain('name="version" value="');
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
  });

  test("the OCR'd title is boxed on the page image where it was read, and the box leads to the title field, also after the correction", async () => {
    // Prepare: the page's hOCR has the title's four words on one line at y 200–240 of 2000
    const boxes = (html: string) =>
      [
        ...html.matchAll(
          /<a class="hitbox" href="#([^"]+)" aria-label="([^"]+)" style="left:([\d.]+)%;top:([\d.]+)%;width:([\d.]+)%;height:([\d.]+)%"/g,
        ),
      ].map((m) => ({
        field: m[1],
        label: m[2],
        left: Number(m[3]),
        top: Number(m[4]),
        width: Number(m[5]),
        height: Number(m[6]),
      }));
    const page = await (await reviewer.get(`/console/archive/items/${itemId}`)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const version = /name="version" value="(\d+)"/.exec(page)![1]!;

    // Act
    const before = boxes(page);
    await reviewer.post(`/console/archive/items/${itemId}`, correction(csrf, version));
    const after = boxes(await (await reviewer.get(`/console/archive/items/${itemId}`)).text());

    // Assess
    expect(before.map((b) => [b.field, b.left, b.top, b.width, b.height])).toEqual([
      ["r-title", 10, 10, 20, 2],
      ["r-title", 30, 10, 20, 2],
      ["r-title", 50, 10, 20, 2],
      ["r-title", 70, 10, 20, 2],
    ]);
    expect(before[3]!.label).toContain("标题（办怯）");
    expect(page).toContain('id="r-title"');
    expect(after).toEqual(before);
  });

  test("an impossible date is refused beside the date field and nothing is saved; the fixed correction is accepted with who and when", async () => {
    // Prepare
    const page = await (await reviewer.get(`/console/archive/items/${itemId}`)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const version = /name="version" value="(\d+)"/.exec(page)![1]!;

    // Act
    const refused = await reviewer.post(
      `/console/archive/items/${itemId}`,
      correction(csrf, version, { date: "1985-02-30" }),
    );
    const refusedHtml = await refused.text();
    const afterRefusal = await app.container.archive.service.getItem(itemId);
    const accepted = await reviewer.post(`/console/archive/items/${itemId}`, correction(csrf, version));

    // Assess: the refusal is beside the field, what was typed is kept
    expect(refused.status).toBe(400);
    expect(refusedHtml).toMatch(/id="r-date-error">[^<]*1985-02-30 does not exist/);
    expect(refusedHtml).toMatch(
      /id="r-date" name="date" value="1985-02-30" aria-invalid="true" aria-describedby="r-date-error"/,
    );
    expect(refusedHtml).toContain('value="四川省人民政府令第12号"');
    expect(afterRefusal.title).toBe("四川省森林防火办怯");
    expect(afterRefusal.history).toEqual([]);

    // Assess: accepted, off the queue, stored with who and when, public page corrected
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get("location")).toBe(`/console/archive/review?accepted=${itemId}`);
    const item = await app.container.archive.service.getItem(itemId);
    expect(item).toMatchObject({
      title: "四川省森林防火办法",
      issuers: ["四川省人民政府"],
      date: "1985-02-28",
      dateKind: "published",
      kind: "办法",
      review: false,
      text: "四川省森林防火办法\n第一条 为了预防和扑救森林火灾，制定本办法。",
    });
    expect(item.history).toHaveLength(1);
    expect(item.history[0]!.by).toBe("li");
    expect(item.history[0]!.at).toBe(new Date(NOW).toISOString());
    const queue = await (await reviewer.get("/console/archive/review")).text();
    expect(queue).toContain("没有待审核的条目");
    const detail = await (await reviewer.get(`/console/archive/items/${itemId}`)).text();
    expect(detail).toContain(
      '<strong>li</strong> · <time datetime="2025-06-03T10:00:00+08:00">2025年6月3日 10:00</time>',
    );
    expect(detail).toContain("标题：四川省森林防火办怯 → 四川省森林防火办法");
    const publicPage = await (await app.request(`/archive/items/${itemId}`, { editor: false })).text();
    expect(publicPage).toContain("四川省森林防火办法");
    const log = await app.container.console!.audit.page({ limit: 10 });
    expect(log.items.slice(0, 2).map((e) => `${e.action} ${e.outcome}`)).toEqual([
      "archive.accept ok",
      "archive.accept refused",
    ]);
    expect(log.items[0]!.details.fields).toEqual(expect.arrayContaining(["title", "date", "review"]));
  });

  test("saving without accepting keeps the item in the queue; a stale form is refused (409) and keeps what was typed", async () => {
    // Prepare
    const page = await (await reviewer.get(`/console/archive/items/${itemId}`)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const version = /name="version" value="(\d+)"/.exec(page)![1]!;

    // Act
    const saved = await reviewer.post(
      `/console/archive/items/${itemId}`,
      correction(csrf, version, { action: "save" }),
    );
    const stale = await reviewer.post(
      `/console/archive/items/${itemId}`,
      correction(csrf, version, { title: "另一个标题" }),
    );

    // Assess
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain("仍在待审核队列中");
    expect((await app.container.archive.service.getItem(itemId)).review).toBe(true);
    expect(stale.status).toBe(409);
    const staleHtml = await stale.text();
    expect(staleHtml).toContain("条目已被他人修改");
    expect(staleHtml).toContain('value="另一个标题"');
    expect((await app.container.archive.service.getItem(itemId)).title).toBe("四川省森林防火办法");
  });

  test("an editor may not review the archive (403)", async () => {
    // Prepare
    const editor = new ConsoleBrowser(app);
    await editor.signIn("zhang", PASSWORD);

    // Act
    const res = await editor.get("/console/archive/review");

    // Assess
    expect(res.status).toBe(403);
  });
});

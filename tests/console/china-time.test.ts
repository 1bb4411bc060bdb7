import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { chinaTime } from "../../src/console/time.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { ConsoleBrowser as Browser, noticeForm } from "../support/console-browser.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * Console and portal pages show times in China Standard Time (Asia/Shanghai), in Chinese
 * (2026年12月5日 14:03), each in a <time> whose datetime a machine can read; the store keeps UTC.
 */

/** The wall clock in Shanghai by the platform's time-zone database: the oracle. */
function shanghai(ms: number) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone: "Asia/Shanghai",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}年${Number(parts.month)}月${Number(parts.day)}日 ${parts.hour}:${parts.minute}`;
}

/** The visible text of a page (tags and their attributes removed). */
const visibleText = (html: string) => html.replace(/<[^>]*>/g, " ");

describe("China Standard Time on console pages", () => {
  test("an instant stored in UTC is shown as Shanghai's wall clock, and its datetime is the same instant", () => {
    fc.assert(
      fc.property(
        // From 1992 (China has kept no daylight saving since 1991) to 2100.
        fc.integer({ min: Date.UTC(1992, 0, 1), max: Date.UTC(2100, 0, 1) }),
        (ms) => {
          // Prepare
          const stored = new Date(ms).toISOString();

          // Act
          const shown = chinaTime(stored)!;

          // Assess
          expect(shown.text).toBe(shanghai(ms));
          expect(shown.datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
          expect(Date.parse(shown.datetime)).toBe(Math.floor(ms / 1000) * 1000);
        },
      ),
      { numRuns: 500 },
    );
  });

  test("a calendar date is shown in Chinese as it is; anything else is left alone", () => {
    expect(chinaTime("2026-12-05")).toEqual({ datetime: "2026-12-05", text: "2026年12月5日" });
    expect(chinaTime("2026-01-09T16:00:00.000Z")).toEqual({
      datetime: "2026-01-10T00:00:00+08:00",
      text: "2026年1月10日 00:00",
    });
    expect(chinaTime("2026-01-09T16:00:00+08:00")?.text).toBe("2026年1月9日 16:00");
    for (const other of ["川府发〔2025〕9号", "2026-12", "2026-12-05T25:00", "", 20261205, undefined]) {
      expect(chinaTime(other)).toBeUndefined();
    }
  });

  describe("on the pages", () => {
    let app: TestApp;
    // 20:30 UTC on 3 June is 04:30 on 4 June in China: the date differs too.
    const clock = new ManualClock(Date.UTC(2025, 5, 3, 20, 30, 0));
    const CST = '<time datetime="2025-06-04T04:30:00+08:00">2025年6月4日 04:30</time>';

    beforeEach(async () => {
      app = createTestApp({ clock });
      await app.container.console!.accounts.create(
        { username: "wang", displayName: "王管理", role: "administrator", password: "correct horse battery" },
        "test",
      );
    });
    afterEach(() => app.close());

    test("the audit log, a document, an edition and the accounts show China time, never the stored UTC", async () => {
      // Prepare: a submission and an edition made at 04:30 China time
      const browser = new Browser(app);
      await browser.signIn("wang", "correct horse battery");
      const csrf = await browser.csrfOf("/console/documents/new");
      const submitted = await browser.post("/console/documents", {
        ...noticeForm("四川省人民政府关于做好防汛减灾工作的通知", "川府发〔2025〕9号"),
        _csrf: csrf,
      });
      const created = await browser.post("/console/editions", {
        _csrf: csrf,
        year: "2025",
        date: "2025-06-04",
      });

      // Act
      const pages = {
        audit: await (await browser.get("/console/audit")).text(),
        document: await (await browser.get(submitted.headers.get("location")!)).text(),
        edition: await (await browser.get(created.headers.get("location")!)).text(),
        editions: await (await browser.get("/console/editions")).text(),
        accounts: await (await browser.get("/console/accounts")).text(),
      };

      // Assess
      expect(pages.audit).toContain(CST);
      expect(pages.document).toContain(CST); // 收文
      expect(pages.edition).toContain(CST); // 创建
      expect(pages.accounts).toContain(CST);
      expect(pages.edition).toContain('<time datetime="2025-06-04">2025年6月4日</time>'); // 出版日期
      for (const [name, html] of Object.entries(pages)) {
        expect(visibleText(html), name).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
      }
    });
  });
});

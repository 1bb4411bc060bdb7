import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type Browser,
  launchChromium,
  newPage,
  type Page,
  pageProblems,
  serveApp,
} from "../support/chromium.js";
import { createTestApp, type TestApp } from "../support/local-app.js";
import { publishOneDocument } from "../support/publish-edition.js";

/**
 * Issue 14 point 5: the /verify page in a real browser (Debian's chromium through playwright-core,
 * 390 px wide, axe-core on every state): a published PDF chosen in the file field is named
 * authentic with its edition; the same PDF with one byte changed is called changed; a pasted hash
 * the gazette never published is unknown; a malformed hash is refused by the form itself.
 */

describe("the /verify page in Chromium (390 px, axe-core on every state)", () => {
  let app: TestApp;
  let server: { base: string; close(): void };
  let base: string;
  let browser: Browser;
  let page: Page;
  let dir: string;
  let pdfPath: string;
  let tamperedPath: string;

  async function checkPage(label: string) {
    // The page works without a script of its own: the form posts, the answer is a page.
    const found = await pageProblems(page);
    expect(found.scripts, `scripts on ${label}`).toEqual([]);
    expect(found.violations, `axe on ${label}`).toEqual([]);
    expect(found.width, `horizontal scroll on ${label}`).toBeLessThanOrEqual(found.maxWidth);
  }

  beforeAll(async () => {
    app = createTestApp();
    const published = await publishOneDocument(app, "2024-06-15");
    const pdf = new Uint8Array(await (await app.request(published.pdf, { editor: false })).arrayBuffer());
    dir = mkdtempSync(join(tmpdir(), "gazette-verify-browser-"));
    pdfPath = join(dir, "2024-1.pdf");
    writeFileSync(pdfPath, pdf);
    const tampered = pdf.slice();
    tampered[200] = tampered[200]! ^ 1;
    tamperedPath = join(dir, "2024-1-changed.pdf");
    writeFileSync(tamperedPath, tampered);
    server = await serveApp(app);
    base = server.base;
    browser = await launchChromium();
    page = await newPage(browser);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("names a published PDF authentic, a changed one changed and an unknown hash unknown", async () => {
    await page.goto(`${base}/verify`);
    await checkPage("/verify");

    await page.setInputFiles("#file", pdfPath);
    await page.click("button[type=submit]");
    await page.waitForSelector(".result.authentic");
    const authentic = (await page.textContent(".result")) ?? "";
    expect(authentic).toContain("真实");
    expect(authentic).toContain("2024年第1期");
    expect(authentic).toContain("电子签名有效");
    await checkPage("/verify with an authentic PDF");

    await page.goto(`${base}/verify`);
    await page.setInputFiles("#file", tamperedPath);
    await page.click("button[type=submit]");
    await page.waitForSelector(".result.tampered");
    expect(await page.textContent(".result h2")).toContain("已被改动");
    await checkPage("/verify with a changed PDF");

    await page.goto(`${base}/verify`);
    await page.fill("#sha256", createHash("sha256").update("never published").digest("hex"));
    await page.click("button[type=submit]");
    await page.waitForSelector(".result.unknown");
    expect(await page.textContent(".result h2")).toContain("未找到");
    await checkPage("/verify with an unknown hash");

    // A malformed hash: the field's pattern stops the form in the browser; nothing is sent.
    await page.goto(`${base}/verify`);
    await page.fill("#sha256", "not a hash");
    await page.click("button[type=submit]");
    expect(
      await page.evaluate(
        () => (document.querySelector("#sha256") as HTMLInputElement).validity.patternMismatch,
      ),
    ).toBe(true);
    expect(new URL(page.url()).pathname).toBe("/verify");
  }, 300_000);
});

import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApiApp } from "../../src/handlers/api.js";
import { createTestApp, type TestApp } from "../support/local-app.js";
import { publishOneDocument } from "../support/publish-edition.js";

/**
 * Issue 14 point 5: the /verify page in a real browser (Debian's chromium through playwright-core,
 * 390 px wide, axe-core on every state): a published PDF chosen in the file field is named
 * authentic with its edition; the same PDF with one byte changed is called changed; a pasted hash
 * the gazette never published is unknown; a malformed hash is refused by the form itself.
 */

interface Page {
  setDefaultTimeout(ms: number): void;
  setDefaultNavigationTimeout(ms: number): void;
  goto(url: string): Promise<unknown>;
  fill(selector: string, value: string): Promise<void>;
  click(selector: string): Promise<void>;
  setInputFiles(selector: string, files: string): Promise<void>;
  waitForSelector(selector: string): Promise<unknown>;
  textContent(selector: string): Promise<string | null>;
  url(): string;
  addScriptTag(options: { path: string }): Promise<unknown>;
  evaluate<T>(fn: () => T | Promise<T>): Promise<T>;
}
interface Browser {
  newPage(options: { viewport: { width: number; height: number } }): Promise<Page>;
  close(): Promise<void>;
}
interface Chromium {
  launch(options: { executablePath: string; args: string[] }): Promise<Browser>;
}

const executablePath = process.env.GAZETTE_CHROMIUM ?? "/usr/bin/chromium";
const playwrightModule = "playwright-core";
const { chromium } = (await import(playwrightModule)) as { chromium: Chromium };
const axeSource = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
/** Waits are on conditions (selectors); this bounds them on a loaded 2-core machine. */
const WAIT_MS = 90_000;

describe("the /verify page in Chromium (390 px, axe-core on every state)", () => {
  let app: TestApp;
  let server: ReturnType<typeof serve>;
  let base: string;
  let browser: Browser;
  let page: Page;
  let dir: string;
  let pdfPath: string;
  let tamperedPath: string;

  async function checkPage(label: string) {
    // The page works without a script of its own: the form posts, the answer is a page.
    expect(await page.evaluate(() => document.scripts.length), `scripts on ${label}`).toBe(0);
    await page.addScriptTag({ path: axeSource });
    const violations = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
      const result = await axe.run();
      return (result.violations as { id: string; nodes: { target: string[] }[] }[]).map(
        (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
      );
    });
    expect(violations, `axe on ${label}`).toEqual([]);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `horizontal scroll on ${label}`).toBeLessThanOrEqual(390);
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
    const hono = createApiApp(app.container);
    server = await new Promise((resolve) => {
      const s = serve({ fetch: hono.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
    page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    page.setDefaultTimeout(WAIT_MS);
    page.setDefaultNavigationTimeout(WAIT_MS);
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

/**
 * What the browser suite (tests/browser/*.test.ts) and `npm run screenshots` share: the app served
 * on a loopback port, Debian's Chromium launched through playwright-core (nothing downloaded),
 * pages with their waits bounded, signing in to the console through its form, and the page check
 * (no script but the allowed files, axe-core finds nothing, nothing scrolls sideways).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApiApp } from "../../src/handlers/api.js";
import type { TestApp } from "./local-app.js";

/** The part of playwright-core's Page API the suite and the screenshots use. */
export interface Page {
  setDefaultTimeout(ms: number): void;
  setDefaultNavigationTimeout(ms: number): void;
  url(): string;
  waitForSelector(selector: string): Promise<unknown>;
  goto(url: string): Promise<unknown>;
  goBack(): Promise<unknown>;
  waitForURL(url: string | RegExp): Promise<void>;
  fill(selector: string, value: string): Promise<void>;
  selectOption(selector: string, value: string): Promise<unknown>;
  check(selector: string): Promise<void>;
  click(selector: string): Promise<void>;
  textContent(selector: string): Promise<string | null>;
  getAttribute(selector: string, name: string): Promise<string | null>;
  locator(selector: string): { textContent(): Promise<string | null> };
  focus(selector: string): Promise<void>;
  dragAndDrop(source: string, target: string): Promise<void>;
  waitForFunction(fn: () => boolean): Promise<unknown>;
  evaluate<T>(fn: (() => T | Promise<T>) | string): Promise<T>;
  setInputFiles(selector: string, files: string): Promise<void>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  setViewportSize(size: { width: number; height: number }): Promise<void>;
  readonly keyboard: { type(text: string): Promise<void>; press(key: string): Promise<void> };
  /** The page's timers, faked (installed before the page's scripts run) and advanced by the test. */
  readonly clock: { install(): Promise<void>; runFor(ms: number): Promise<void> };
  /** A file the page downloads (a link with `download`): where playwright saved it. */
  waitForEvent(event: "download"): Promise<{ path(): Promise<string>; suggestedFilename(): string }>;
}

export interface Browser {
  newPage(options: {
    viewport: { width: number; height: number };
    deviceScaleFactor?: number;
  }): Promise<Page>;
  close(): Promise<void>;
}

/** The Chromium the suite runs (tests/browser/run.ts passes the one it found). */
export const CHROMIUM_PATH = process.env.GAZETTE_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Every wait is on a condition (a URL, a selector), never on time; this bound is only how long a
 * condition may take on a loaded 2-core machine before the step fails.
 */
export const WAIT_MS = 90_000;

/** Launches Debian's Chromium through playwright-core. */
export async function launchChromium(
  options: { readonly args?: readonly string[]; readonly env?: Record<string, string> } = {},
): Promise<Browser> {
  // Imported by name at run time, so that a checkout whose node_modules predates this
  // devDependency still type-checks (the runner says why the suite did not run).
  const playwrightModule = "playwright-core";
  const { chromium } = (await import(playwrightModule)) as {
    chromium: {
      launch(o: { executablePath: string; args: string[]; env?: Record<string, string> }): Promise<Browser>;
    };
  };
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--no-sandbox", ...(options.args ?? [])],
    ...(options.env ? { env: options.env } : {}),
  });
}

/** A new page (no cookies) at the given viewport, its waits bounded by WAIT_MS. */
export async function newPage(
  browser: Browser,
  viewport: { width: number; height: number } = { width: 390, height: 844 },
): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(WAIT_MS);
  page.setDefaultNavigationTimeout(WAIT_MS);
  return page;
}

/** The whole app (createApiApp) served on a loopback port. */
export async function serveApp(app: TestApp): Promise<{ base: string; close(): void }> {
  const hono = createApiApp(app.container);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: hono.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close(),
  };
}

/**
 * Signs in to the console through its form and waits for the page it leads to (the console's
 * home, or for a submitter the body's home it is sent on to). `beforeSubmit` runs with the form
 * filled in (the screenshots take one there).
 */
export async function signInThroughForm(
  page: Page,
  base: string,
  account: { readonly username: string; readonly password: string },
  options: { readonly landing?: string; readonly beforeSubmit?: () => Promise<void> } = {},
): Promise<void> {
  await page.goto(`${base}/console/sign-in`);
  await page.fill("#username", account.username);
  await page.fill("#password", account.password);
  await options.beforeSubmit?.();
  await page.click("button[type=submit]");
  await page.waitForURL(`${base}${options.landing ?? "/console/"}`);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * No script but the allowed files (no inline script), axe-core finds no violation, and nothing
 * scrolls sideways at `width`. Returns the problems (empty when the page passes), each list
 * labelled, for the caller's expect.
 */
export async function pageProblems(
  page: Page,
  options: { readonly allowedScripts?: readonly string[]; readonly width?: number } = {},
): Promise<{
  scripts: string[];
  violations: string[];
  width: number;
  maxWidth: number;
  /** Instants shown raw (UTC ISO) instead of in China Standard Time. */
  rawTimes: string[];
  /** <time datetime> values that are neither a date nor a China Standard Time instant. */
  badDatetimes: string[];
}> {
  const allowed = options.allowedScripts ?? [];
  // Every form works without JavaScript; a script is progressive enhancement only.
  const scripts = await page.evaluate(() =>
    Array.from(document.scripts).map((s) => (s.src ? new URL(s.src).pathname : "(inline)")),
  );
  // Evaluated, not added as a <script>: the console's CSP (script-src 'self') refuses inline scripts.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run();
    return (result.violations as { id: string; nodes: { target: string[] }[] }[]).map(
      (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
    );
  });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  // Times are shown in China Standard Time, in Chinese, each a <time> with its datetime.
  const times = await page.evaluate(() => ({
    // biome-ignore lint/performance/useDomNodeTextContent: the text a reader sees (no hidden or script text)
    text: document.body.innerText,
    datetimes: Array.from(document.querySelectorAll("time")).map((t) => t.getAttribute("datetime") ?? ""),
  }));
  return {
    scripts: scripts.filter((src) => !allowed.includes(src)),
    violations,
    width,
    maxWidth: options.width ?? 390,
    rawTimes: times.text.match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}\S*/g) ?? [],
    badDatetimes: times.datetimes.filter((d) => !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}\+08:00)?$/.test(d)),
  };
}

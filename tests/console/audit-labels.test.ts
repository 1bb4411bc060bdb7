import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  CONSOLE_ACTION_LABELS,
  consoleActionLabel,
  hasConsoleActionLabel,
} from "../../src/audit/console-actions.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { ConsoleBrowser as Browser } from "../support/console-browser.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/** Every .ts file under a directory. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/**
 * The action codes the code base records, read from the source: each dotted or hyphenated code
 * on a line that sets or chooses an `action` (`action: "site.register"`, `const action = accept ?
 * "archive.accept" : …`), and the prefix of each code built from a template (`edition.documents.${…}`).
 */
function recordedCodes(): { codes: Set<string>; prefixes: Set<string> } {
  const codes = new Set<string>();
  const prefixes = new Set<string>();
  for (const file of [...sources("src/console"), ...sources("src/audit")]) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (!/\baction\b/.test(line) || /^\s*(\/\/|\*)/.test(line)) continue;
      for (const m of line.matchAll(/"([a-z]+(?:[.-][a-z]+)+)"/g)) codes.add(m[1]!);
      for (const m of line.matchAll(/`([a-z]+(?:[.-][a-z]+)*\.)\$\{/g)) prefixes.add(m[1]!);
    }
  }
  return { codes, prefixes };
}

describe("the audit log's action names", () => {
  test("every action code the code base records has a Chinese label", () => {
    // Act
    const { codes, prefixes } = recordedCodes();

    // Assess: the scan finds the codes (so it cannot pass by finding nothing), and each is named
    expect(codes.size).toBeGreaterThanOrEqual(15);
    expect([...codes].filter((code) => !hasConsoleActionLabel(code))).toEqual([]);
    expect(prefixes).toEqual(new Set(["edition.documents.", "site."]));
    for (const prefix of prefixes)
      expect(Object.keys(CONSOLE_ACTION_LABELS).some((code) => code.startsWith(prefix))).toBe(true);
    for (const label of Object.values(CONSOLE_ACTION_LABELS)) expect(label).toMatch(/\p{Script=Han}/u);
  });

  test("a refused request is named as such, and an unknown code is shown as it is", () => {
    expect(consoleActionLabel("POST /console/editions")).toContain("被拒绝");
    expect(consoleActionLabel("edition.unknown")).toBe("edition.unknown");
    expect(hasConsoleActionLabel("constructor")).toBe(false);
  });

  describe("the log page", () => {
    let app: TestApp;
    beforeEach(async () => {
      app = createTestApp({ clock: new ManualClock(Date.UTC(2025, 5, 3, 2)) });
      await app.container.console!.accounts.create(
        { username: "root", displayName: "管理员", role: "administrator", password: "correct horse battery" },
        "test",
      );
    });
    afterEach(() => app.close());

    test("shows each action in Chinese with its code beside it", async () => {
      // Prepare: a failed sign-in, a sign-in and a refused (no CSRF token) post
      const browser = new Browser(app);
      await browser.signIn("root", "wrong password");
      await browser.signIn("root", "correct horse battery");
      await browser.post("/console/editions", { year: "2025" });

      // Act
      const html = await (await browser.get("/console/audit")).text();

      // Assess
      expect(html).toMatch(/登录 <code class="muted">sign-in<\/code>/);
      expect(html).toMatch(
        /请求被拒绝（无权访问或表单令牌无效） <code class="muted">POST \/console\/editions<\/code>/,
      );
      expect(html).toContain("被拒绝</span>");
      expect(html).toContain("完成</span>");
    });
  });
});

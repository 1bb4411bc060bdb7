import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ConsoleBrowser as Browser } from "../support/console-browser.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * The preflight in the console: the preview lists its findings with their pages; publishing is
 * refused while it finds errors, the edition page says why and offers to publish anyway with a
 * reason, which the edition keeps and the page and the audit log show.
 */
describe("console: the preflight's findings and publishing over them", () => {
  let app: TestApp;
  let editionPath: string;
  const browser = () => new Browser(app);
  let editor: Browser;

  beforeAll(async () => {
    app = createTestApp();
    await app.container.console!.accounts.create(
      { username: "zhang", displayName: "张编辑", role: "editor", password: "correct horse battery" },
      "test",
    );
    // A document with a character no face has (CJK Extension B, 𪚥), which cannot be printed.
    const sample = JSON.parse(readFileSync("samples/documents/01-gov-order-measures.json", "utf8"));
    const res = await app.postJson({ ...sample, body: `${sample.body}\n油泼𪚥𪚥面。` });
    const { id } = (await res.json()) as { id: string };
    editor = browser();
    await editor.signIn("zhang", "correct horse battery");
    const csrf = await editor.csrfOf("/console/editions");
    const created = await editor.post("/console/editions", { _csrf: csrf, year: "2024", date: "2024-06-15" });
    editionPath = created.headers.get("location")!;
    await editor.post(`${editionPath}/documents`, { _csrf: csrf, action: "add", document: [id] });
  }, 120_000);
  afterAll(() => app.close());

  test("the preview lists the preflight's errors with their pages", async () => {
    // Act
    const html = await (await editor.get(`${editionPath}/preview`)).text();

    // Assess
    expect(html).toContain("排版预检");
    expect(html).toMatch(/发现 \d+ 处错误/);
    expect(html).toContain("missing_glyph");
    expect(html).toMatch(/第 \d+ 页/);
  }, 120_000);

  test("publishing is refused while the preflight finds errors; with a reason it goes through and the reason is kept", async () => {
    // Prepare
    const csrf = await editor.csrfOf(`${editionPath}/publish`);

    // Act
    const refused = await editor.post(`${editionPath}/publish`, { _csrf: csrf });
    const refusedHtml = await refused.text();
    const published = await editor.post(`${editionPath}/publish`, {
      _csrf: csrf,
      overrideReason: "生僻字已由印刷厂手工补字",
    });
    const page = await (await editor.get(editionPath)).text();

    // Assess
    expect(refused.status).toBe(409);
    expect(refusedHtml).toContain("preflight_missing_glyph");
    expect(refusedHtml).toContain('name="overrideReason"');
    expect(published.status).toBe(200);
    const edition = await app.container.editions.get(editionPath.split("/").pop()!);
    expect(edition.status).toBe("published");
    expect(edition.preflightOverride?.reason).toBe("生僻字已由印刷厂手工补字");
    expect(page).toContain("理由：生僻字已由印刷厂手工补字");
    const log = await app.container.console!.audit.page({ limit: 5 });
    expect(log.items[0]).toMatchObject({
      action: "edition.publish",
      outcome: "ok",
      details: { override: "生僻字已由印刷厂手工补字" },
    });
  }, 240_000);
});

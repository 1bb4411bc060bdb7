import { afterEach, describe, expect, it } from "vitest";
import { PublicSite } from "../../src/publishing/public-site.js";
import { createEditionsTestApp, type EditionsTestApp } from "../editions/harness.js";
import { aSubmission } from "../support/factories.js";

/** Edition files are found by year and 第N期 without listing every edition. */
describe("public edition lookup by year and issue", () => {
  let app: EditionsTestApp;
  afterEach(() => app.close());

  async function edition(year: number, publish: boolean, n: number): Promise<string> {
    const created = await app.api("/api/editions", {
      method: "POST",
      json: { year, date: `${year}-0${(n % 9) + 1}-15` },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    if (publish) {
      const doc = await app.submit(aSubmission({ docNumber: `川府发〔${year}〕${n}号` }));
      await app.api(`/api/editions/${id}/documents`, { method: "PUT", json: { documents: [doc.id] } });
      expect((await app.api(`/api/editions/${id}/publish`, { method: "POST" })).status).toBe(200);
    }
    return id;
  }

  it("finds each published edition across years, and nothing for drafts or numbers never issued", async () => {
    // Prepare: 2024 第1–4期, 2025 第1–3期; 2025 第2期 and 第3期 stay drafts (editions are
    // published in order, so drafts are the last ones)
    app = createEditionsTestApp();
    const plan: [number, boolean][] = [
      [2024, true],
      [2024, true],
      [2024, true],
      [2024, true],
      [2025, true],
      [2025, false],
      [2025, false],
    ];
    for (const [k, [year, publish]] of plan.entries()) await edition(year, publish, k + 1);
    const site = new PublicSite(app.container.platform, {
      ...app.container.config.gazette,
      baseUrl: "https://x.example",
    });

    // Act
    const found = await Promise.all(
      ["2024/1", "2024/2", "2024/3", "2024/4", "2025/1", "2025/2", "2025/3", "2025/4", "2023/1"].map(
        async (n) => [n, (await site.file(`editions/${n}.pdf`)) !== undefined] as const,
      ),
    );

    // Assess
    expect(Object.fromEntries(found)).toEqual({
      "2024/1": true,
      "2024/2": true,
      "2024/3": true,
      "2024/4": true,
      "2025/1": true,
      "2025/2": false,
      "2025/3": false,
      "2025/4": false,
      "2023/1": false,
    });
  });
});

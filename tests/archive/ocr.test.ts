import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanPage } from "../../src/archive/clean.js";
import { encodePng } from "../../src/archive/images.js";
import { npmLangPath, TesseractJsEngine } from "../../src/archive/ocr/engine.js";
import {
  characterErrorRate,
  degrade,
  rasterisePdf,
  SAMPLE_LINES_SIMPLIFIED,
  SAMPLE_LINES_TRADITIONAL,
  syntheticPdf,
} from "../../src/archive/synthetic.js";
import { createTestApp, type TestApp } from "../support/local-app.js";
import { drainArchiveQueue } from "./harness.js";

// OCR is slow (seconds per page on 2 cores): few pages, generous timeouts, workers ended in afterAll.
const OCR_TIMEOUT = 180_000;

describe("OCR of scanned pages (tesseract.js, traineddata from npm)", () => {
  let app: TestApp;
  interface JobView {
    status: string;
    script: string;
    pages: { index: number; text: string; confidence: number }[];
    items: { title: string; docNumber?: string; date?: string }[];
  }
  let job: JobView;
  let traditional: JobView;
  const engineBefore = process.env.GAZETTE_OCR_ENGINE;

  beforeAll(async () => {
    // Prepare: one edition of two scans: a clean PDF page and a degraded photo of the same page;
    // another of a Traditional page. tesseract.js even where the native CLI is installed, so
    // the test measures the engine `npm install` brings.
    process.env.GAZETTE_OCR_ENGINE = "tesseract.js";
    app = createTestApp();
    const pdf = await syntheticPdf([{ lines: SAMPLE_LINES_SIMPLIFIED }]);
    const degraded = encodePng(
      degrade(rasterisePdf(pdf), { rotation: 1.5, noise: 0.05, blur: 1, yellowing: 0.6, seed: 7 }),
    );
    const form = new FormData();
    form.append("files", new Blob([pdf as BlobPart], { type: "application/pdf" }), "p1.pdf");
    form.append("files", new Blob([degraded as BlobPart], { type: "image/png" }), "p2.png");
    form.append("year", "2017");
    form.append("issue", "10");

    // Act
    const response = await app.request("/api/archive/scans", { method: "POST", body: form });
    const { job: created } = (await response.json()) as { job: { id: string } };
    await drainArchiveQueue(app.container.platform.queues, app.container.archive.handler);
    job = await (await app.request(`/api/archive/jobs/${created.id}`)).json();
    const traditionalForm = new FormData();
    const traditionalPdf = await syntheticPdf([{ lines: SAMPLE_LINES_TRADITIONAL, traditional: true }]);
    traditionalForm.append(
      "files",
      new Blob([traditionalPdf as BlobPart], { type: "application/pdf" }),
      "t.pdf",
    );
    const second = await app.request("/api/archive/scans", { method: "POST", body: traditionalForm });
    const { job: secondJob } = (await second.json()) as { job: { id: string } };
    await drainArchiveQueue(app.container.platform.queues, app.container.archive.handler);
    traditional = await (await app.request(`/api/archive/jobs/${secondJob.id}`)).json();
  }, OCR_TIMEOUT);

  afterAll(async () => {
    await app.container.archive.close();
    app.close();
    if (engineBefore === undefined) delete process.env.GAZETTE_OCR_ENGINE;
    else process.env.GAZETTE_OCR_ENGINE = engineBefore;
  });

  const reference = SAMPLE_LINES_SIMPLIFIED.join("");

  it("reads a clean 200 dpi page with a CER of at most 2%", () => {
    expect(job.status).toBe("done");
    expect(characterErrorRate(reference, job.pages[0]!.text)).toBeLessThanOrEqual(0.02);
  });

  it("reads a rotated, noisy, blurred, yellowed page with a CER of at most 5% after cleaning", () => {
    expect(characterErrorRate(reference, job.pages[1]!.text)).toBeLessThanOrEqual(0.05);
  });

  it("tells a Traditional page from a Simplified one and reads it with chi_tra", () => {
    expect(job.script).toBe("sim");
    expect(traditional.script).toBe("tra");
    expect(
      characterErrorRate(SAMPLE_LINES_TRADITIONAL.join(""), traditional.pages[0]!.text),
    ).toBeLessThanOrEqual(0.05);
  });

  it("finds the document's title and 成文日期 in the OCR text", () => {
    expect(job.items[0]).toMatchObject({ title: "四川省人民政府关于加强林业工作的通知", date: "2017-05-03" });
  });
});

describe("OCR engine", () => {
  const engine = new TesseractJsEngine();
  afterAll(() => engine.close());

  it(
    "reads a vertical Traditional page with the _vert model",
    async () => {
      // Prepare
      const pdf = await syntheticPdf([
        { lines: SAMPLE_LINES_TRADITIONAL, vertical: true, traditional: true },
      ]);
      const cleaned = cleanPage(rasterisePdf(pdf));

      // Act
      const result = await engine.recognize(encodePng(cleaned.image), {
        script: "tra",
        vertical: cleaned.layout.vertical,
      });

      // Assess
      expect(cleaned.layout.vertical).toBe(true);
      expect(result.language).toBe("chi_tra_vert");
      expect(characterErrorRate(SAMPLE_LINES_TRADITIONAL.join(""), result.text)).toBeLessThanOrEqual(0.05);
    },
    OCR_TIMEOUT,
  );

  it(
    "reads traineddata from the local langPath and caches it in the local cachePath, fetching nothing",
    async () => {
      // Prepare: a langPath holding only chi_sim, an empty cache directory.
      const langDir = mkdtempSync(join(tmpdir(), "gazette-lang-"));
      const cacheDir = mkdtempSync(join(tmpdir(), "gazette-cache-"));
      copyFileSync(
        join(npmLangPath("chi_sim"), "chi_sim.traineddata.gz"),
        join(langDir, "chi_sim.traineddata.gz"),
      );
      const local = new TesseractJsEngine({ langPath: () => langDir, cachePath: cacheDir });
      const page = encodePng(rasterisePdf(await syntheticPdf([{ lines: ["政府公报"], size: 28 }])));

      try {
        // Act
        const result = await local.recognize(page, { script: "sim", vertical: false });
        const missing = await local
          .recognize(page, { script: "tra", vertical: false })
          .catch((e: Error) => e);

        // Assess
        expect(result.text.replace(/\s/g, "")).toContain("政府公报");
        expect(existsSync(join(cacheDir, "chi_sim.traineddata"))).toBe(true);
        expect(missing).toBeInstanceOf(Error);
        expect(String(missing)).toContain(join(langDir, "chi_tra.traineddata.gz"));
      } finally {
        await local.close();
        rmSync(langDir, { recursive: true, force: true });
        rmSync(cacheDir, { recursive: true, force: true });
      }
    },
    OCR_TIMEOUT,
  );
});

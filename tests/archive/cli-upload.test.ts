import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { encodePng } from "../../src/archive/images.js";
import { importArchive } from "../../src/cli/archive.js";
import { ApiClient } from "../../src/cli/client.js";
import { createTestApp, EDITOR_TOKEN, type TestApp } from "../support/local-app.js";

const png = (width: number) =>
  encodePng({ width, height: 100, pixels: new Uint8Array(width * 100).fill(255) });

describe("gazette archive import: large scans", () => {
  let app: TestApp;
  afterEach(() => app.close());

  it("uploads every scan of an edition with a file over the threshold directly and submits their keys", async () => {
    // Prepare
    app = createTestApp();
    const folder = join(app.dataDir, "back-catalogue");
    mkdirSync(join(folder, "1985-03"), { recursive: true });
    writeFileSync(join(folder, "1985-03", "001.png"), png(300));
    writeFileSync(join(folder, "1985-03", "002.png"), png(20));
    const big = png(300).byteLength;
    // Requests go to the app in process; the editor token only where the client sends it.
    const api = new ApiClient("http://localhost", EDITOR_TOKEN, async (input, init) => {
      const url = new URL(String(input));
      return app.request(`${url.pathname}${url.search}`, { ...init, editor: false });
    });
    const out: string[] = [];

    // Act
    const code = await importArchive(
      folder,
      api,
      { out: (l) => out.push(l), err: (l) => out.push(l), isTTY: false },
      { wait: false, pollMs: 10, uploadAboveBytes: big - 1 },
    );
    const jobId = /job (\S+)$/.exec(out[0] ?? "")?.[1] ?? "";
    const job = await app.container.archive.service.getJob(jobId);

    // Assess
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^submitted 1985-03 {2}2 file\(s\) {2}job \S+$/);
    // Each scan stored once, under its SHA-256, and nowhere else.
    const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
    expect(await app.container.platform.blobs.list("archive/")).toEqual(
      [`archive/scans/${sha(png(300))}.png`, `archive/scans/${sha(png(20))}.png`].sort(),
    );
    const record = await app.container.platform.records.get({ pk: `archive#job#${jobId}`, sk: "job" });
    expect((record?.data as { files: { name: string }[] } | undefined)?.files.map((f) => f.name)).toEqual([
      "001.png",
      "002.png",
    ]);
    expect(job).toMatchObject({ status: "queued", edition: { year: 1985, issue: 3 } });
    expect(job.progress.ocr?.total).toBe(2);
  });
});

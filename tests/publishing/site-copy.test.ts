import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EVENTS_QUEUE } from "../../src/documents/intake.js";
import { loadEdition } from "../../src/editions/publish.js";
import { createEventsHandler } from "../../src/handlers/events.js";
import { createEmbeddedPlatform, type EmbeddedPlatform } from "../../src/platform/embedded/index.js";
import { toSqsEvent } from "../../src/platform/queue-poller.js";
import { PublicSite } from "../../src/publishing/public-site.js";
import { copyEditionToSite } from "../../src/publishing/site-copy.js";
import { createEditionsTestApp, type EditionsTestApp } from "../editions/harness.js";
import { lambdaContext } from "../support/events.js";
import { aSubmission } from "../support/factories.js";
import { outOfBandBlobs } from "../support/local-app.js";

/**
 * In AWS, CloudFront serves published PDFs and texts from the site bucket: the events consumer
 * copies them there on edition.published, and the site shows the edition only once they are.
 */
describe("copying a published edition to the site store", () => {
  let app: EditionsTestApp;
  let siteDir: string;
  let siteStore: EmbeddedPlatform;
  let siteBlobs: ReturnType<typeof outOfBandBlobs>;
  let site: PublicSite;
  let editionId: string;

  beforeEach(async () => {
    app = createEditionsTestApp();
    siteDir = mkdtempSync(join(tmpdir(), "gazette-site-"));
    siteStore = createEmbeddedPlatform({ dataDir: siteDir });
    // The site bucket has no write-once rule: the copy overwrites (site-copy.ts).
    siteBlobs = outOfBandBlobs(siteDir);
    site = new PublicSite(
      app.container.platform,
      { ...app.container.config.gazette, baseUrl: "https://gb.example.gov.cn" },
      { requireSiteCopy: true },
    );
    const doc = await app.submit(aSubmission());
    const created = await app.api("/api/editions", { method: "POST", json: { year: 2025 } });
    editionId = ((await created.json()) as { id: string }).id;
    await app.api(`/api/editions/${editionId}/documents`, { method: "PUT", json: { documents: [doc.id] } });
  });
  afterEach(() => {
    siteBlobs.close();
    siteStore.close();
    rmSync(siteDir, { recursive: true, force: true });
    app.close();
  });

  async function publish() {
    const res = await app.api(`/api/editions/${editionId}/publish`, { method: "POST" });
    expect(res.status).toBe(200);
    return (await res.json()) as { manifest: { artifacts: { url: string; sha256: string }[] } };
  }

  it("keeps a published edition off the site until its files are copied", async () => {
    // Prepare
    await publish();

    // Act
    const listed = await site.publishedEditions();
    const pdf = await site.file("editions/2025/1.pdf");

    // Assess
    expect(listed).toEqual([]);
    expect(pdf).toBeUndefined();
  });

  it("copies every authentic file and the manifest, byte for byte, then shows the edition", async () => {
    // Prepare
    const { manifest } = await publish();

    // Act
    const result = await copyEditionToSite(app.container.platform, siteBlobs.blobs, editionId);
    const edition = await loadEdition(app.container.platform.records, editionId);

    // Assess
    expect(result).toEqual({ files: manifest.artifacts.length + 1, published: true });
    for (const artifact of manifest.artifacts) {
      const copy = await siteBlobs.blobs.head(artifact.url.replace(/^\//, ""));
      expect(copy?.sha256, artifact.url).toBe(artifact.sha256);
    }
    expect(await siteBlobs.blobs.head("editions/2025/1.manifest.json")).toBeDefined();
    expect(edition?.data.siteCopiedAt).toEqual(expect.any(String));
    expect((await site.publishedEditions()).map((e) => e.id)).toEqual([editionId]);
    expect(await site.file("editions/2025/1.pdf")).toBeDefined();
  });

  it("is idempotent: copying again rewrites nothing and keeps the first time noted", async () => {
    // Prepare
    await publish();
    await copyEditionToSite(app.container.platform, siteBlobs.blobs, editionId);
    const first = (await loadEdition(app.container.platform.records, editionId))?.data.siteCopiedAt;
    app.clock.advance(60_000);

    // Act
    await copyEditionToSite(app.container.platform, siteBlobs.blobs, editionId);

    // Assess
    expect((await loadEdition(app.container.platform.records, editionId))?.data.siteCopiedAt).toBe(first);
  });

  it("copies nothing for an edition that is not published", async () => {
    // Prepare / Act
    const result = await copyEditionToSite(app.container.platform, siteBlobs.blobs, editionId);

    // Assess
    expect(result).toEqual({ files: 0, published: false });
    expect(await siteBlobs.blobs.list("")).toEqual([]);
  });

  it("is what the events consumer does first on edition.published", async () => {
    // Prepare
    await publish();
    const { platform, audit, statuses } = app.container;
    const handler = createEventsHandler({
      queues: platform.queues,
      audit,
      statuses,
      siteCopy: { platform, site: siteBlobs.blobs },
    });

    // Act
    const messages = await platform.queues.receive(EVENTS_QUEUE, { maxMessages: 10 });
    const result = await handler(toSqsEvent(EVENTS_QUEUE, messages), lambdaContext);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(await siteBlobs.blobs.head("editions/2025/1.pdf")).toBeDefined();
    expect((await site.publishedEditions()).map((e) => e.id)).toEqual([editionId]);
  });
});

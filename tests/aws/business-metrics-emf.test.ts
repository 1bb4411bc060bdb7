import { afterEach, describe, expect, it, vi } from "vitest";
import { encodePng } from "../../src/archive/images.js";
import { createArchive } from "../../src/archive/module.js";
import type { EditionView } from "../../src/editions/model.js";
import { METRICS_NAMESPACE, PowertoolsBusinessMetrics } from "../../src/platform/aws/metrics.js";
import type { BusinessMetric } from "../../src/platform/metrics.js";
import { drainArchiveQueue } from "../archive/harness.js";
import { createEditionsTestApp } from "../editions/harness.js";
import { createRepostsHarness } from "../reposts/harness.js";
import { aPolicySubmission, aSubmission } from "../support/factories.js";
import { createTestApp } from "../support/local-app.js";
import { PageTextOcr } from "../support/page-ocr.js";

/**
 * The four business metrics as CloudWatch receives them: each step of the pipeline, run with the
 * Powertools metrics the Lambda platform uses, writes Embedded Metric Format lines on stdout
 * (Lambda's log agent turns those into metrics). The dashboard and alarms read namespace Gazette,
 * dimension service.
 */

interface EmfLine {
  readonly _aws: {
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit: string }[];
    }[];
  };
  readonly service: string;
  readonly [metric: string]: unknown;
}

/** Every EMF line written to stdout from now on (other output is passed through). */
function captureEmf(): EmfLine[] {
  const lines: EmfLine[] = [];
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, "write").mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
    const text = String(chunk);
    try {
      const parsed = JSON.parse(text) as Partial<EmfLine>;
      if (parsed && typeof parsed === "object" && parsed._aws) {
        lines.push(parsed as EmfLine);
        return true;
      }
    } catch {
      // not JSON: not ours
    }
    return write(chunk, ...rest);
  }) as typeof process.stdout.write);
  return lines;
}

/** The values of `metric` in the captured lines, with the service each was reported under. */
function reported(lines: readonly EmfLine[], metric: BusinessMetric) {
  return lines
    .filter((line) => line._aws.CloudWatchMetrics.some((m) => m.Metrics.some((x) => x.Name === metric)))
    .map((line) => ({
      namespace: line._aws.CloudWatchMetrics[0]?.Namespace,
      dimensions: line._aws.CloudWatchMetrics[0]?.Dimensions,
      unit: line._aws.CloudWatchMetrics[0]?.Metrics.find((x) => x.Name === metric)?.Unit,
      service: line.service,
      value: line[metric],
    }));
}

const counted = (service: string, value = 1) => ({
  namespace: METRICS_NAMESPACE,
  dimensions: [["service"]],
  unit: "Count",
  service,
  value,
});

const cleanups: (() => void)[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe("business metrics in Embedded Metric Format", () => {
  it("intake reports DocumentsAccepted once per accepted document and nothing for a refused one", async () => {
    // Prepare
    const app = createTestApp();
    cleanups.push(() => app.close());
    Object.assign(app.container.platform, {
      metrics: new PowertoolsBusinessMetrics({ serviceName: "gazette-api" }),
    });
    const lines = captureEmf();
    // Act
    const accepted = await app.postJson(aSubmission());
    const refused = await app.postJson({ title: "" });
    // Assess
    expect([accepted.status, refused.status]).toEqual([201, 400]);
    expect(reported(lines, "DocumentsAccepted")).toEqual([counted("gazette-api")]);
  });

  it("publishing reports EditionsPublished once, and publishing the same edition again reports nothing more", async () => {
    // Prepare
    const app = createEditionsTestApp();
    cleanups.push(() => app.close());
    Object.assign(app.container.platform, {
      metrics: new PowertoolsBusinessMetrics({ serviceName: "gazette-publisher" }),
    });
    const notice = await app.submit(aSubmission());
    const policy = await app.submit(aPolicySubmission());
    const edition = (await (
      await app.api("/api/editions", { method: "POST", json: { year: 2025, date: "2025-03-10" } })
    ).json()) as EditionView;
    await app.api(`/api/editions/${edition.id}/documents`, {
      method: "PUT",
      json: { documents: [notice.id, policy.id] },
    });
    const lines = captureEmf();
    // Act
    const first = await app.editions.publish(edition.id, "editor");
    const again = await app.editions.publish(edition.id, "editor");
    // Assess
    expect([first.edition.status, again.edition.status]).toEqual(["published", "published"]);
    expect(reported(lines, "EditionsPublished")).toEqual([counted("gazette-publisher")]);
  });

  it("delivery reports NoticesDelivered for the notice a site took, and nothing for the one its site refused", async () => {
    // Prepare
    const metrics = new PowertoolsBusinessMetrics({ serviceName: "gazette-repost-delivery" });
    const harness = createRepostsHarness({ platform: (platform) => ({ ...platform, metrics }) });
    cleanups.push(() => harness.close());
    await harness.registerSite({ name: "成都市人民政府", level: "city", region: "510100" });
    const failing = await harness.registerSite({ name: "绵阳市人民政府", level: "city", region: "510700" });
    failing.endpoint.status = 410;
    const documentId = await harness.submitRepost({ scope: "all" });
    const lines = captureEmf();
    // Act
    await harness.publish([documentId]);
    await harness.runQueues();
    // Assess
    const notices = await harness.notices(documentId);
    expect(notices.map((n) => n.delivery.state).sort()).toEqual(["delivered", "failed"]);
    expect(reported(lines, "NoticesDelivered")).toEqual([counted("gazette-repost-delivery")]);
  });

  it("the archive consumer reports PagesOcrd once per scanned page read", async () => {
    // Prepare
    const app = createTestApp();
    cleanups.push(() => app.close());
    const metrics = new PowertoolsBusinessMetrics({ serviceName: "gazette-archive" });
    const platform = { ...app.container.platform, metrics };
    const archive = createArchive({
      platform,
      gazette: app.container.config.gazette,
      ocr: async () =>
        new PageTextOcr("四川省人民政府文件\n川府发〔1985〕12号\n四川省人民政府关于保护森林资源的通知"),
    });
    const page = (grey: number) =>
      encodePng({ width: 200, height: 120, pixels: new Uint8Array(200 * 120).fill(grey) });
    await archive.service.submitScans(
      [
        { field: "files", name: "p1.png", bytes: page(255) },
        { field: "files", name: "p2.png", bytes: page(250) },
      ],
      { year: 1985, issue: 3, script: "sim" },
      "editor",
    );
    const lines = captureEmf();
    // Act
    await drainArchiveQueue(platform.queues, archive.handler);
    // Assess
    expect(reported(lines, "PagesOcrd")).toEqual([counted("gazette-archive"), counted("gazette-archive")]);
  });
});

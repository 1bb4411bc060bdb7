import { S3Client } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BUSINESS_METRICS } from "../../infra/constructs/operations.js";
import { encodePng } from "../../src/archive/images.js";
import { createArchive } from "../../src/archive/module.js";
import { METRICS_NAMESPACE, PowertoolsBusinessMetrics } from "../../src/platform/aws/metrics.js";
import type { BusinessMetric, BusinessMetrics } from "../../src/platform/metrics.js";
import { drainArchiveQueue } from "../archive/harness.js";
import { createTestApp, type TestApp } from "../support/local-app.js";
import { PageTextOcr } from "../support/page-ocr.js";

/** Counts what the pipeline reports. */
class RecordedMetrics implements BusinessMetrics {
  readonly counts = new Map<BusinessMetric, number>();
  count(metric: BusinessMetric, value = 1): void {
    this.counts.set(metric, (this.counts.get(metric) ?? 0) + value);
  }
}

const PAGE_TEXT =
  "四川省人民政府文件\n川府发〔1985〕12号\n四川省人民政府关于保护森林资源的通知\n为保护森林资源，特通知如下。";

describe("Powertools Metrics", () => {
  afterEach(() => vi.restoreAllMocks());

  it("writes each count at once as an EMF line: namespace Gazette, the function's service as dimension", () => {
    // Prepare
    const lines: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const metrics = new PowertoolsBusinessMetrics({ serviceName: "gazette-publisher" });

    // Act
    metrics.count("EditionsPublished");
    metrics.count("EditionsPublished", 2);

    // Assess
    const emf = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(emf).toHaveLength(2);
    expect(emf[0]).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: METRICS_NAMESPACE,
            Dimensions: [["service"]],
            Metrics: [{ Name: "EditionsPublished", Unit: "Count" }],
          },
        ],
      },
      service: "gazette-publisher",
      EditionsPublished: 1,
    });
    expect(emf[1]).toMatchObject({ EditionsPublished: 2 });
  });

  it("the dashboard graphs the metrics under the names and services that emit them", () => {
    // Assess
    expect(BUSINESS_METRICS.map((m) => m.name).sort()).toEqual(
      ["DocumentsAccepted", "EditionsPublished", "NoticesDelivered", "PagesOcrd"].sort(),
    );
  });
});

describe("business metrics from the pipeline", () => {
  let app: TestApp;
  afterEach(() => app.close());

  it("counts an accepted document once, and a refused one not at all", async () => {
    // Prepare
    app = createTestApp();
    const metrics = new RecordedMetrics();
    Object.assign(app.container.platform, { metrics });
    const { aSubmission } = await import("../support/factories.js");

    // Act
    const accepted = await app.postJson(aSubmission());
    const refused = await app.postJson({ title: "" });

    // Assess
    expect(accepted.status).toBe(201);
    expect(refused.status).toBe(400);
    expect(metrics.counts.get("DocumentsAccepted")).toBe(1);
  });

  it("counts each scanned page read by OCR", async () => {
    // Prepare
    app = createTestApp();
    const metrics = new RecordedMetrics();
    const platform = { ...app.container.platform, metrics };
    const archive = createArchive({
      platform,
      gazette: app.container.config.gazette,
      ocr: async () => new PageTextOcr(PAGE_TEXT),
    });
    const page = () => encodePng({ width: 200, height: 120, pixels: new Uint8Array(200 * 120).fill(255) });
    await archive.service.submitScans(
      [
        { field: "files", name: "p1.png", bytes: page() },
        {
          field: "files",
          name: "p2.png",
          bytes: encodePng({ width: 200, height: 120, pixels: new Uint8Array(200 * 120).fill(250) }),
        },
      ],
      { year: 1985, issue: 3, script: "sim" },
      "editor",
    );

    // Act
    await drainArchiveQueue(platform.queues, archive.handler);

    // Assess
    expect(metrics.counts.get("PagesOcrd")).toBe(2);
  });
});

describe("Powertools Tracer", () => {
  const saved = process.env.AWS_EXECUTION_ENV;
  afterEach(() => {
    if (saved === undefined) delete process.env.AWS_EXECUTION_ENV;
    else process.env.AWS_EXECUTION_ENV = saved;
    vi.resetModules();
  });

  it("instruments the AWS clients with X-Ray inside Lambda and leaves them alone elsewhere", async () => {
    // Prepare
    delete process.env.AWS_EXECUTION_ENV;
    const outside = await import("../../src/platform/aws/tracing.js");
    const plain = outside.traced(new S3Client({ region: "eu-west-1" }));
    vi.resetModules();
    process.env.AWS_EXECUTION_ENV = "AWS_Lambda_nodejs22.x";

    // Act
    const inside = await import("../../src/platform/aws/tracing.js");
    const client = inside.traced(new S3Client({ region: "eu-west-1" }));

    // Assess
    expect(inside.functionTracer()?.isTracingEnabled()).toBe(true);
    expect(outside.functionTracer()).toBeUndefined();
    expect(client.middlewareStack.identify().join(" ")).toContain("XRaySDKInstrumentation");
    expect(plain.middlewareStack.identify().join(" ")).not.toContain("XRaySDKInstrumentation");
  });
});

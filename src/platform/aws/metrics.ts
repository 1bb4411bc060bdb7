import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { BusinessMetric, BusinessMetrics } from "../metrics.js";

/** CloudWatch namespace of the business metrics (infra/constructs/operations.ts graphs them). */
export const METRICS_NAMESPACE = "Gazette";

/**
 * Business metrics as CloudWatch Embedded Metric Format lines on stdout (Powertools Metrics):
 * Lambda's log agent turns them into metrics, no API call and no IAM permission needed. Each count
 * is written at once, so none is lost when the container freezes after an invocation; the
 * dimension is the function's POWERTOOLS_SERVICE_NAME.
 */
export class PowertoolsBusinessMetrics implements BusinessMetrics {
  readonly #metrics: Metrics;

  constructor(options: { serviceName?: string | undefined } = {}) {
    this.#metrics = new Metrics({
      namespace: METRICS_NAMESPACE,
      serviceName: options.serviceName ?? process.env.POWERTOOLS_SERVICE_NAME ?? "gazette",
    });
  }

  count(metric: BusinessMetric, value = 1): void {
    this.#metrics.addMetric(metric, MetricUnit.Count, value);
    this.#metrics.publishStoredMetrics();
  }
}

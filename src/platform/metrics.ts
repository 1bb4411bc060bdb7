/**
 * Business metrics: counts of what the pipeline did, for the operators' dashboard and alarms.
 * AWS: CloudWatch Embedded Metric Format through Powertools Metrics (aws/metrics.ts), namespace
 * "Gazette" with the function's service name as dimension; embedded mode: none.
 */
export const BUSINESS_METRIC_NAMES = [
  /** A document passed intake and was stored (intake). */
  "DocumentsAccepted",
  /** An edition was switched to published (publisher). */
  "EditionsPublished",
  /** A repost notice reached its site (webhook 2xx or site-queue message sent). */
  "NoticesDelivered",
  /** A scanned page was read by OCR (archive consumer). */
  "PagesOcrd",
] as const;

export type BusinessMetric = (typeof BUSINESS_METRIC_NAMES)[number];

export interface BusinessMetrics {
  /** Adds `value` (default 1) to the metric; recorded at once, so nothing waits for a flush. */
  count(metric: BusinessMetric, value?: number): void;
}

/** Counts nothing (embedded mode, tests). */
export const NO_METRICS: BusinessMetrics = { count: () => {} };

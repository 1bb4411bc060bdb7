/**
 * How many concurrent invocations each queue consumer may take (SQS event source maximum
 * concurrency). Without a cap, a 1,000-page archive job or a fan-out to 10,000 sites scales its
 * consumer until it holds the account's concurrency and API Gateway's requests are throttled.
 * An event-source cap (unlike reserved concurrency) reserves nothing from the account pool, so the
 * stack deploys on new accounts with a low limit too, and messages over the cap wait in the queue
 * instead of being throttled back (no receive count spent). SQS allows 2–1000.
 *
 * Sizing (see infra/README.md): the consumers together take at most the sum below (24), leaving
 * the rest of the account's concurrency (1,000 by default; 10 on some new accounts) to the API.
 * The seven API functions (api, api-console, api-documents, api-preview, api-verify,
 * api-archive, api-reposts) reserve nothing either: each is bounded by its routes' throttles
 * (gazette-api.ts), so moving routes from one to another changes no sizing here.
 */
export const QUEUE_CONSUMER_CONCURRENCY = {
  /** OCR of one page per invocation, 3 GB each: 5 pages at a time is ~10 pages a minute. */
  archive: 5,
  /** Renders one edition per invocation; editions are published one at a time. */
  publisher: 2,
  /** Domain events: site copies, search indexing, fan-out start. */
  events: 5,
  /** One page of sites per invocation; each queues deliveries, so more would only fill that queue faster. */
  fanout: 2,
  /** Webhooks and site queues, network-bound: the widest, still bounded so sites are not flooded. */
  delivery: 10,
} as const satisfies Record<string, number>;

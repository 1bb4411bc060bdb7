// Lambda entry: SQS batch of domain events → subscribers → partial-batch failures.
import { createEventsHandler } from "../src/handlers/events.js";
import { createAwsContainer } from "../src/runtime/aws.js";

const container = createAwsContainer();

export const handler = createEventsHandler({
  queues: container.platform.queues,
  audit: container.audit,
  statuses: container.statuses,
  siteCopy: container.siteFiles ? { platform: container.platform, site: container.siteFiles } : undefined,
  // A Lambda's embedded index would be private to one container: AWS indexes into OpenSearch only.
  searchIndexing:
    container.config.search.engine === "opensearch"
      ? {
          platform: container.platform,
          statuses: container.statuses,
          search: container.search,
          now: () => container.platform.clock.now(),
        }
      : undefined,
  completion: { records: container.platform.records, now: () => container.platform.clock.now() },
  logger: container.logger,
});

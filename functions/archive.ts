// Lambda entry: "archive" queue messages (one scanned page or ingested text each) → OCR, items, search.
import { createArchive } from "../src/archive/module.js";
import { createAwsContainer } from "../src/runtime/aws.js";

const container = createAwsContainer();

export const handler = createArchive({
  platform: container.platform,
  gazette: { ...container.config.gazette, baseUrl: container.config.baseUrl },
  // A Lambda's embedded index would be private to one container: AWS indexes into OpenSearch only.
  search: container.config.search.engine === "opensearch" ? container.search : undefined,
  logger: container.logger,
}).handler;

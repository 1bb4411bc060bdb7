// Lambda entry: SQS publication requests → render and publish the edition → partial-batch failures.
import { createPublishingHandler } from "../src/handlers/publishing.js";
import { createAwsContainer } from "../src/runtime/aws.js";

const container = createAwsContainer();

export const handler = createPublishingHandler({
  queues: container.platform.queues,
  editions: container.editions,
  logger: container.logger,
});

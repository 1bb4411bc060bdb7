// Lambda entry: SQS batch of domain events → subscribers → partial-batch failures.
import { createEventsHandler } from "../src/handlers/events.js";
import { createAwsContainer } from "../src/runtime/aws.js";

const container = createAwsContainer();

export const handler = createEventsHandler({
  queues: container.platform.queues,
  audit: container.audit,
  statuses: container.statuses,
  logger: container.logger,
});

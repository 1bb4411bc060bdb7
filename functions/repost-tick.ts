// Lambda entry: EventBridge schedule → reminders, overdue escalation, re-checks of reposted pages.
import { createAwsContainer } from "../src/runtime/aws.js";

const container = createAwsContainer();

export const handler = async () => {
  const result = await container.reposts.tick.run();
  container.logger.info("Repost tick", { ...result });
  return result;
};

// Lambda entry: EventBridge schedule → reminders, overdue escalation, re-checks of reposted pages,
// publications whose completion a crash or a lost message left pending (editions/completion.ts)
// and events left in the outbox (platform/outbox.ts).
import { resumeCompletions } from "../src/editions/completion.js";
import { relayOutbox } from "../src/platform/outbox.js";
import { createAwsContainer } from "../src/runtime/aws.js";

const container = createAwsContainer();

export const handler = async () => {
  const completions = await resumeCompletions(container.platform);
  if (completions.announced.length || completions.reannounced.length) {
    container.logger.warn("Resumed publications", { ...completions });
  }
  const outbox = await relayOutbox(container.platform);
  if (outbox.sent || outbox.dropped) container.logger.warn("Relayed the outbox", { ...outbox });
  const result = await container.reposts.tick.run();
  container.logger.info("Repost tick", { ...result });
  return { ...result, ...completions };
};

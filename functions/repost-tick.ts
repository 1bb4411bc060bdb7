// Lambda entry: EventBridge schedule → reminders, overdue escalation, re-checks of reposted pages,
// and publications whose completion a crash or a lost message left pending (editions/completion.ts).
import { resumeCompletions } from "../src/editions/completion.js";
import { createAwsContainer } from "../src/runtime/aws.js";

const container = createAwsContainer();

export const handler = async () => {
  const completions = await resumeCompletions(container.platform);
  if (completions.announced.length || completions.reannounced.length) {
    container.logger.warn("Resumed publications", { ...completions });
  }
  const result = await container.reposts.tick.run();
  container.logger.info("Repost tick", { ...result });
  return { ...result, ...completions };
};

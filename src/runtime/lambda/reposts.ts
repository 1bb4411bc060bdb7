/** Composition roots of the three repost functions: fan-out, delivery and the scheduled tick. */
import { resumeCompletions } from "../../editions/completion.js";
import { relayOutbox } from "../../platform/outbox.js";
import { createReposts, type Reposts } from "../../reposts/module.js";
import { createSqsDeliverySender } from "../../reposts/sqs-sender.js";
import { requestCheckpoint } from "../../transparency/checkpoint-request.js";
import { type LambdaBase, type LambdaEnv, lambdaBase } from "./common.js";

function reposts(env: LambdaEnv, options: { sqsDelivery: boolean }): LambdaBase & { reposts: Reposts } {
  const base = lambdaBase(env);
  const { config, platform, logger } = base;
  return {
    ...base,
    reposts: createReposts({
      platform,
      config,
      logger,
      sqs: options.sqsDelivery ? createSqsDeliverySender({ region: config.aws.region }) : undefined,
    }),
  };
}

/** Fan-out messages (one page of sites each) → repost notices → delivery messages. */
export function createRepostFanoutHandler(env: LambdaEnv = process.env) {
  return reposts(env, { sqsDelivery: false }).reposts.fanoutHandler;
}

/** Delivery, verification and reminder messages → webhooks or the sites' own SQS queues. */
export function createRepostDeliveryHandler(env: LambdaEnv = process.env) {
  return reposts(env, { sqsDelivery: true }).reposts.deliveryHandler;
}

/**
 * The schedule: publications whose completion a crash or a lost message left pending, events left
 * in the outbox, log entries no checkpoint covers (asks the publisher to sign one), then reminders,
 * overdue escalation and re-checks of reposted pages.
 */
export function createRepostTickHandler(env: LambdaEnv = process.env) {
  const { reposts: module, platform, logger } = reposts(env, { sqsDelivery: false });
  return async () => {
    const completions = await resumeCompletions(platform);
    if (completions.announced.length || completions.reannounced.length) {
      logger.warn("Resumed publications", { ...completions });
    }
    const outbox = await relayOutbox(platform);
    if (outbox.sent || outbox.dropped || outbox.failed) logger.warn("Relayed the outbox", { ...outbox });
    if (await requestCheckpoint(platform)) logger.info("Asked the publisher for a log checkpoint");
    const result = await module.tick.run();
    logger.info("Repost tick", { ...result });
    return { ...result, ...completions };
  };
}

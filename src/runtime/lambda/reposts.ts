/** Composition roots of the three repost functions: fan-out, delivery and the scheduled tick. */
import { createReposts, type Reposts } from "../../reposts/module.js";
import { createSqsDeliverySender } from "../../reposts/sqs-sender.js";
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

/** The schedule: reminders, overdue escalation, re-checks of reposted pages. */
export function createRepostTickHandler(env: LambdaEnv = process.env) {
  const { reposts: module, logger } = reposts(env, { sqsDelivery: false });
  return async () => {
    const result = await module.tick.run();
    logger.info("Repost tick", { ...result });
    return result;
  };
}

/**
 * The reposts consumers on one machine: pollers in place of Lambda's SQS event source mappings,
 * and a timer in place of the EventBridge schedule that runs the tick.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { QueuePort } from "../platform/ports.js";
import { startQueuePoller } from "../platform/queue-poller.js";
import { DELIVERY_QUEUE, FANOUT_QUEUE } from "./messages.js";
import type { Reposts } from "./module.js";

export interface RepostWorkersOptions {
  readonly queues: QueuePort;
  readonly reposts: Pick<Reposts, "fanoutHandler" | "deliveryHandler" | "tick">;
  readonly logger?: Logger | undefined;
  /**
   * Delivery pollers running side by side, each taking batches of 10; a poller waits for its whole
   * batch, so one site that never answers holds it for the outbound timeout. Default 8.
   */
  readonly deliveryPollers?: number | undefined;
  /** Period of the reminder / overdue / re-check tick; 0 turns it off. Default 60 000. */
  readonly tickIntervalMs?: number | undefined;
  readonly idleDelayMs?: number | undefined;
}

export interface RepostWorkers {
  stop(): Promise<void>;
}

/** Queue settings for the embedded platform: receives before a message is dead-lettered. */
export const REPOST_QUEUE_SETTINGS = {
  [FANOUT_QUEUE]: { maxReceiveCount: 5 },
  [DELIVERY_QUEUE]: { maxReceiveCount: 5 },
} as const;

export function startRepostWorkers(options: RepostWorkersOptions): RepostWorkers {
  const { queues, reposts, logger } = options;
  const idleDelayMs = options.idleDelayMs ?? 250;
  const pollers = [
    startQueuePoller({
      queue: FANOUT_QUEUE,
      queues,
      handler: reposts.fanoutHandler,
      batchSize: 1,
      visibilityTimeoutSeconds: 120,
      idleDelayMs,
      logger,
    }),
    ...Array.from({ length: options.deliveryPollers ?? 8 }, () =>
      startQueuePoller({
        queue: DELIVERY_QUEUE,
        queues,
        handler: reposts.deliveryHandler,
        batchSize: 10,
        visibilityTimeoutSeconds: 120,
        idleDelayMs,
        logger,
      }),
    ),
  ];
  const interval = options.tickIntervalMs ?? 60_000;
  let ticking: Promise<unknown> = Promise.resolve();
  const timer =
    interval > 0
      ? setInterval(() => {
          ticking = reposts.tick.run().catch((error) => logger?.error("Repost tick failed", { error }));
        }, interval)
      : undefined;
  timer?.unref();
  return {
    async stop() {
      if (timer) clearInterval(timer);
      await Promise.all([...pollers.map((p) => p.stop()), ticking]);
    },
  };
}

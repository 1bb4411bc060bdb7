/** Wires the reposts module: registry, fan-out, delivery, acknowledgements, tick, and their consumers. */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Config } from "../config.js";
import { PermanentMessageError } from "../platform/errors.js";
import type { Platform } from "../platform/ports.js";
import { createSqsHandler, type SqsHandler } from "../platform/sqs-consumer.js";
import { RepostAcknowledgements } from "./acks.js";
import { RepostDelivery, type SqsDeliverySender } from "./delivery.js";
import { RepostFanout } from "./fanout.js";
import { DELIVERY_QUEUE, type DeliveryQueueMessage, FANOUT_QUEUE, type FanoutMessage } from "./messages.js";
import { createOutboundFetch, type OutboundFetch } from "./outbound.js";
import { SiteRegistry } from "./sites.js";
import { RepostTick } from "./tick.js";
import { createWorkingDayCalendar, holidayScheduleFromEnv, type WorkingDayCalendar } from "./working-days.js";

export interface RepostsOptions {
  readonly platform: Platform;
  readonly config: Pick<Config, "baseUrl" | "reposts">;
  readonly logger?: Logger | undefined;
  /** Replaces the SSRF-guarded fetch (tests). */
  readonly fetch?: OutboundFetch | undefined;
  readonly sqs?: SqsDeliverySender | undefined;
  readonly calendar?: WorkingDayCalendar | undefined;
  readonly retrySchedule?: readonly number[] | undefined;
  readonly recheckSeconds?: readonly number[] | undefined;
  /** Sites per fan-out message. */
  readonly pageSize?: number | undefined;
  /** Delay of the late-registration sweep; default config.reposts.sweepSeconds. */
  readonly sweepSeconds?: number | undefined;
}

export interface Reposts {
  readonly registry: SiteRegistry;
  readonly fanout: RepostFanout;
  readonly delivery: RepostDelivery;
  readonly acks: RepostAcknowledgements;
  readonly tick: RepostTick;
  readonly calendar: WorkingDayCalendar;
  /** What the HTTP routes need besides (src/reposts/http.ts: repostsRoutes, mounted by the API alone). */
  readonly platform: Pick<Platform, "records" | "clock">;
  readonly baseUrl: string;
  /** Consumer of FANOUT_QUEUE (Lambda or local poller). */
  readonly fanoutHandler: SqsHandler;
  /** Consumer of DELIVERY_QUEUE. */
  readonly deliveryHandler: SqsHandler;
}

export function createReposts(options: RepostsOptions): Reposts {
  const { platform, config, logger } = options;
  const fetch =
    options.fetch ??
    createOutboundFetch({
      allowPrivateTargets: config.reposts.allowPrivateTargets,
      timeoutMs: config.reposts.outboundTimeoutMs,
      maxResponseBytes: config.reposts.maxResponseBytes,
    });
  const calendar =
    options.calendar ??
    createWorkingDayCalendar({
      schedule: holidayScheduleFromEnv({ GAZETTE_HOLIDAYS_FILE: config.reposts.holidaysFile }),
    });
  const registry = new SiteRegistry({ platform, fetch });
  const fanout = new RepostFanout({
    platform,
    registry,
    calendar,
    pageSize: options.pageSize,
    sweepSeconds: options.sweepSeconds ?? config.reposts.sweepSeconds,
  });
  const delivery = new RepostDelivery({
    platform,
    registry,
    fetch,
    sqs: options.sqs,
    baseUrl: config.baseUrl,
    retrySchedule: options.retrySchedule,
    logger,
  });
  const acks = new RepostAcknowledgements({ platform, fetch, recheckSeconds: options.recheckSeconds });
  const tick = new RepostTick({ platform, calendar });
  return {
    registry,
    fanout,
    delivery,
    acks,
    tick,
    calendar,
    platform,
    baseUrl: config.baseUrl,
    fanoutHandler: createSqsHandler({
      queue: FANOUT_QUEUE,
      queues: platform.queues,
      logger,
      process: async (body, meta) => {
        const message = body as FanoutMessage;
        if (message?.type !== "repost.fanout" || typeof message.documentId !== "string") {
          throw new PermanentMessageError("Not a fan-out message");
        }
        await fanout.process(message, meta.messageId);
      },
    }),
    deliveryHandler: createSqsHandler({
      queue: DELIVERY_QUEUE,
      queues: platform.queues,
      logger,
      process: async (body, meta) => {
        const message = body as DeliveryQueueMessage;
        if (typeof message?.noticeId !== "string") throw new PermanentMessageError("Not a delivery message");
        switch (message.type) {
          case "repost.deliver":
            if (!Number.isInteger(message.attempt) || message.attempt < 1)
              throw new PermanentMessageError("Bad attempt");
            return delivery.deliver(message, meta.messageId);
          case "repost.verify":
            return acks.verify(message);
          case "repost.remind":
            return delivery.remind(message);
          default:
            throw new PermanentMessageError(
              `Unknown delivery message ${String((message as { type?: unknown }).type)}`,
            );
        }
      },
    }),
  };
}

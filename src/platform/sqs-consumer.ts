import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { Logger } from "@aws-lambda-powertools/logger";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { PermanentMessageError } from "./errors.js";
import type { QueuePort } from "./ports.js";

export interface MessageMeta {
  readonly messageId: string;
  /** 1 on the first delivery. */
  readonly receiveCount: number;
}

export interface SqsHandlerOptions {
  /** Logical queue the handler consumes (for changeVisibility and its DLQ). */
  readonly queue: string;
  readonly queues: QueuePort;
  /**
   * Handles one message body (parsed JSON). Throwing retries the message after a backoff;
   * throwing PermanentMessageError dead-letters it at once.
   */
  readonly process: (body: unknown, meta: MessageMeta) => Promise<void>;
  /** Seconds before a failed message is retried. Default: defaultBackoffSeconds. */
  readonly backoffSeconds?: ((receiveCount: number) => number) | undefined;
  readonly logger?: Logger | undefined;
}

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

const BACKOFF_BASE_SECONDS = 10;
/** 15 minutes: long enough to ride out a throttled or redeploying dependency, short enough that
 * maxReceiveCount (5) attempts end in the DLQ within about half an hour rather than hours. */
const BACKOFF_CAP_SECONDS = 900;

/**
 * Exponential backoff with "equal jitter": 10 s doubled per receive, capped at 15 min, then a
 * random point in its upper half (receive 1 → 5–10 s, 2 → 10–20 s, 3 → 20–40 s …). The jitter
 * spreads out messages that failed together; the floor keeps a retry from coming back at once.
 */
export function defaultBackoffSeconds(receiveCount: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** Math.max(0, receiveCount - 1));
  return Math.ceil(base / 2 + (random() * base) / 2);
}

/**
 * A Lambda SQS handler on Powertools' BatchProcessor that reports partial batch failures. The
 * event source mapping must enable ReportBatchItemFailures; it then deletes every message not
 * listed in batchItemFailures (the local queue poller does the same).
 *
 * - Success: the message is reported as done.
 * - Failure: the message's visibility is set to the backoff, then it is reported as failed, so
 *   SQS redelivers it after the backoff and, after maxReceiveCount receives, moves it to the DLQ
 *   through the queue's redrive policy.
 * - Body that is not JSON, or PermanentMessageError: retries cannot help, so the body is sent to
 *   the DLQ right away and the message is reported as done. (In AWS this needs sqs:SendMessage
 *   on the DLQ.) If that send fails, the message is retried like any failure.
 *
 * A fully failed batch is returned as batchItemFailures too (no FullBatchFailureError): a thrown
 * error would make Lambda retry the whole batch at the queue's visibility timeout and ignore
 * the backoff just set.
 */
export function createSqsHandler(options: SqsHandlerOptions): SqsHandler {
  const { queue, queues } = options;
  const backoff = options.backoffSeconds ?? ((n: number) => defaultBackoffSeconds(n));
  const logger = options.logger ?? new Logger({ serviceName: "gazette" });

  const deadLetter = async (record: SQSRecord, meta: MessageMeta, error: PermanentMessageError) => {
    const dlq = queues.deadLetterQueueOf(queue);
    logger.error("Permanent message failure; moving it to the dead-letter queue", {
      queue,
      deadLetterQueue: dlq,
      messageId: meta.messageId,
      receiveCount: meta.receiveCount,
      error,
    });
    await queues.send(dlq, [{ body: record.body }]);
  };

  const retryLater = async (record: SQSRecord, meta: MessageMeta, error: unknown) => {
    const seconds = clampVisibility(backoff(meta.receiveCount));
    logger.warn("Message processing failed; retrying after backoff", {
      queue,
      messageId: meta.messageId,
      receiveCount: meta.receiveCount,
      retryInSeconds: seconds,
      error,
    });
    try {
      await queues.changeVisibility(queue, record.receiptHandle, seconds);
    } catch (visibilityError) {
      // The message still comes back, only after the queue's visibility timeout instead.
      logger.warn("Could not set retry backoff", {
        queue,
        messageId: meta.messageId,
        error: visibilityError,
      });
    }
  };

  const handleRecord = async (record: SQSRecord): Promise<void> => {
    const meta: MessageMeta = {
      messageId: record.messageId,
      receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
    };
    try {
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch (error) {
        throw new PermanentMessageError("body is not valid JSON", { cause: error });
      }
      await options.process(body, meta);
    } catch (error) {
      try {
        if (!(error instanceof PermanentMessageError)) throw error;
        await deadLetter(record, meta, error);
      } catch (retryable) {
        await retryLater(record, meta, retryable);
        throw retryable;
      }
    }
  };

  return async (event, context) => {
    // A processor per invocation: it holds per-batch state, and the local runtime may run
    // several pollers on one handler.
    const processor = new BatchProcessor(EventType.SQS);
    const response = await processPartialResponse(event, handleRecord, processor, {
      context,
      throwOnFullBatchFailure: false,
    });
    return { batchItemFailures: response.batchItemFailures };
  };
}

function clampVisibility(seconds: number): number {
  if (!Number.isFinite(seconds)) return BACKOFF_CAP_SECONDS;
  return Math.min(43_200, Math.max(0, Math.round(seconds)));
}

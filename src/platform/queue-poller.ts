import { createHash, randomUUID } from "node:crypto";
import { Logger } from "@aws-lambda-powertools/logger";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { QueuePort, ReceivedMessage } from "./ports.js";
import { checkMaxMessages, checkSeconds, MAX_VISIBILITY_SECONDS } from "./validation.js";

export type PolledSqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface QueuePollerOptions {
  readonly queue: string;
  readonly queues: QueuePort;
  /** The same handler a Lambda function exports (e.g. from createSqsHandler). */
  readonly handler: PolledSqsHandler;
  /** Messages per batch, 1–10 (the SQS event source mapping's batch size). Default 10. */
  readonly batchSize?: number | undefined;
  /** Also the handler's time budget, as Lambda's timeout must not exceed it. Default 30. */
  readonly visibilityTimeoutSeconds?: number | undefined;
  /** Pause after an empty receive or a receive error. Default 1000. */
  readonly idleDelayMs?: number | undefined;
  /** Aborting stops the poller as stop() does. */
  readonly signal?: AbortSignal | undefined;
  readonly logger?: Logger | undefined;
}

export interface QueuePoller {
  /** Stops polling, waits for the batch in flight to finish and be acknowledged. */
  stop(): Promise<void>;
}

export const LOCAL_REGION = "local";
export const LOCAL_ACCOUNT = "000000000000";

/**
 * Stands in for Lambda's SQS event source mapping in the local runtime: receives batches,
 * calls the handler with a real-shaped SQSEvent, and deletes the messages the handler did not
 * list in batchItemFailures. As in AWS, a handler that throws, or that reports an identifier
 * not in the batch, fails the whole batch: nothing is deleted and every message comes back
 * after its visibility timeout.
 */
export function startQueuePoller(options: QueuePollerOptions): QueuePoller {
  const { queue, queues, handler } = options;
  const batchSize = options.batchSize ?? 10;
  const visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 30;
  const idleDelayMs = options.idleDelayMs ?? 1000;
  const logger = options.logger ?? new Logger({ serviceName: "gazette" });
  // Refuse bad settings now rather than logging a failed receive every idleDelayMs.
  checkMaxMessages(batchSize);
  checkSeconds("visibilityTimeoutSeconds", visibilityTimeoutSeconds, MAX_VISIBILITY_SECONDS);

  let stopped = false;
  let wakeIdle: (() => void) | undefined;

  const idle = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, idleDelayMs);
      function done() {
        clearTimeout(timer);
        wakeIdle = undefined;
        resolve();
      }
      wakeIdle = done;
    });

  const runBatch = async (messages: ReceivedMessage[]) => {
    const deadline = Date.now() + visibilityTimeoutSeconds * 1000;
    const event = toSqsEvent(queue, messages);
    let response: SQSBatchResponse | undefined;
    try {
      response = await handler(event, localContext(queue, deadline));
    } catch (error) {
      logger.error("Queue handler failed the whole batch; messages return after the visibility timeout", {
        queue,
        messages: messages.length,
        error,
      });
      return;
    }
    const failures = response?.batchItemFailures ?? [];
    const ids = new Set(messages.map((m) => m.messageId));
    if (failures.some((f) => !ids.has(f.itemIdentifier))) {
      logger.error("Queue handler reported an unknown item identifier; treating the batch as failed", {
        queue,
        failures,
      });
      return;
    }
    const failed = new Set(failures.map((f) => f.itemIdentifier));
    const results = await Promise.allSettled(
      messages.filter((m) => !failed.has(m.messageId)).map((m) => queues.delete(queue, m.receiptHandle)),
    );
    for (const result of results) {
      if (result.status === "rejected") {
        // The message will be delivered again; handlers are idempotent.
        logger.warn("Could not delete a processed message", { queue, error: result.reason });
      }
    }
  };

  const loop = async () => {
    while (!stopped) {
      let messages: ReceivedMessage[];
      try {
        messages = await queues.receive(queue, { maxMessages: batchSize, visibilityTimeoutSeconds });
      } catch (error) {
        logger.error("Receiving from queue failed", { queue, error });
        await idle();
        continue;
      }
      if (messages.length === 0) {
        await idle();
        continue;
      }
      await runBatch(messages);
    }
  };

  const running = loop();
  const stop = async () => {
    stopped = true;
    wakeIdle?.();
    await running;
  };
  if (options.signal) {
    if (options.signal.aborted) void stop();
    else options.signal.addEventListener("abort", () => void stop(), { once: true });
  }
  return { stop };
}

/** The SQSEvent Lambda would deliver for these messages (also handy for handler tests). */
export function toSqsEvent(queue: string, messages: readonly ReceivedMessage[]): SQSEvent {
  return { Records: messages.map((m) => toSqsRecord(queue, m)) };
}

function toSqsRecord(queue: string, message: ReceivedMessage): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: LOCAL_ACCOUNT,
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: createHash("md5").update(message.body, "utf8").digest("hex"),
    eventSource: "aws:sqs",
    eventSourceARN: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${queue}`,
    awsRegion: LOCAL_REGION,
  };
}

function localContext(queue: string, deadline: number): Context {
  const functionName = `local-${queue}-consumer`;
  const unsupported = () => {
    throw new Error("callback-style Lambda context methods are not supported locally");
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: "1024",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

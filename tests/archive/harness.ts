import type { Context } from "aws-lambda";
import { ARCHIVE_QUEUE } from "../../src/archive/model.js";
import type { QueuePort } from "../../src/platform/ports.js";
import { toSqsEvent } from "../../src/platform/queue-poller.js";
import type { SqsHandler } from "../../src/platform/sqs-consumer.js";

const context = { getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

/**
 * Runs the archive consumer until the queue is empty, as the local poller does: messages the
 * handler reports as failed stay (and come back after their backoff, which the tests skip by
 * making them visible again at once).
 */
export async function drainArchiveQueue(
  queues: QueuePort,
  handler: SqsHandler,
  maxRounds = 200,
): Promise<number> {
  let handled = 0;
  for (let round = 0; round < maxRounds; round++) {
    const messages = await queues.receive(ARCHIVE_QUEUE, { maxMessages: 10, visibilityTimeoutSeconds: 60 });
    if (messages.length === 0) return handled;
    const response = await handler(toSqsEvent(ARCHIVE_QUEUE, messages), context);
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    for (const m of messages) {
      if (failed.has(m.messageId))
        await queues.changeVisibility(ARCHIVE_QUEUE, m.receiptHandle, 0).catch(() => undefined);
      else await queues.delete(ARCHIVE_QUEUE, m.receiptHandle);
      handled++;
    }
  }
  throw new Error("the archive queue did not drain");
}

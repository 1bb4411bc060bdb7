/** Queues and message shapes of the reposts module. */

/** Per-document fan-out, one message per page of sites. */
export const FANOUT_QUEUE = "repost-fanout";
/** Deliveries, verifications and reminders, one notice per message. */
export const DELIVERY_QUEUE = "repost-delivery";

export interface FanoutMessage {
  readonly type: "repost.fanout";
  readonly documentId: string;
  readonly editionId: string;
  readonly publishedAt: string;
  /** Registry page to resume from; absent for the first page. */
  readonly cursor?: string | undefined;
  /**
   * The second, delayed pass over the registry (late registrations): it creates and delivers
   * notices only for target sites that have none yet.
   */
  readonly sweep?: boolean | undefined;
}

export interface DeliverMessage {
  readonly type: "repost.deliver";
  readonly noticeId: string;
  /** 1-based attempt this message makes. */
  readonly attempt: number;
  /** Not before this time (ISO): SQS delays stop at 15 min, so longer waits hop through the queue. */
  readonly notBefore?: string | undefined;
}

export interface VerifyMessage {
  readonly type: "repost.verify";
  readonly noticeId: string;
}

export interface RemindMessage {
  readonly type: "repost.remind";
  readonly noticeId: string;
}

export type DeliveryQueueMessage = DeliverMessage | VerifyMessage | RemindMessage;

/** SQS's largest per-message delay. */
export const MAX_DELAY_SECONDS = 900;

/** Sends messages in SendMessageBatch-sized groups of 10. */
export async function sendInBatches(
  queues: {
    send(queue: string, messages: readonly { body: string; delaySeconds?: number }[]): Promise<string[]>;
  },
  queue: string,
  messages: readonly { body: string; delaySeconds?: number }[],
): Promise<void> {
  const batches: { body: string; delaySeconds?: number }[][] = [];
  for (let i = 0; i < messages.length; i += 10) batches.push(messages.slice(i, i + 10));
  await Promise.all(batches.map((batch) => queues.send(queue, batch)));
}

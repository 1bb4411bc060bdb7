import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import {
  ConditionFailedError,
  StorageRequestError,
  StorageUnavailableError,
  UnknownQueueError,
} from "../errors.js";
import type { OutgoingMessage, QueuePort, ReceivedMessage, ReceiveOptions } from "../ports.js";
import {
  checkMaxMessages,
  checkSeconds,
  MAX_VISIBILITY_SECONDS,
  MAX_WAIT_SECONDS,
  utf8Length,
  validateOutgoingMessage,
} from "../validation.js";
import { awsErrorCode, mapAwsError } from "./errors.js";

export interface SqsQueueOptions {
  /** Logical queue name → queue URL, DLQs included (e.g. { events: "...", "events-dlq": "..." }). */
  readonly queueUrls: Readonly<Record<string, string>>;
  /** Logical queue → logical DLQ name, where it differs from the `${queue}-dlq` convention. */
  readonly deadLetterQueues?: Readonly<Record<string, string>> | undefined;
  /** Attempts for batch entries SQS failed on its side (not the sender's fault). Default 3. */
  readonly sendAttempts?: number | undefined;
}

const MAX_BATCH_ENTRIES = 10;
/**
 * Batch payload cap. SQS allows 1 MiB per batch today, but 256 KiB was the limit until 2025
 * and still is in some emulators and regions' older documentation: staying under it costs a
 * few more calls and never fails. A bigger single message goes in a batch of its own.
 */
const MAX_BATCH_BYTES = 256 * 1024;

/**
 * QueuePort on SQS. The redrive policy on each SQS queue moves a message to its DLQ after
 * maxReceiveCount receives; the adapter only needs the URLs.
 */
export class SqsQueue implements QueuePort {
  readonly #client: SQSClient;
  readonly #urls: Readonly<Record<string, string>>;
  readonly #dlqs: Readonly<Record<string, string>>;
  readonly #sendAttempts: number;

  constructor(client: SQSClient, options: SqsQueueOptions) {
    this.#client = client;
    this.#urls = options.queueUrls;
    this.#dlqs = options.deadLetterQueues ?? {};
    this.#sendAttempts = options.sendAttempts ?? 3;
  }

  async send(queue: string, messages: readonly OutgoingMessage[]): Promise<string[]> {
    const url = this.#url(queue);
    for (const message of messages) validateOutgoingMessage(message);
    const ids: string[] = new Array(messages.length);
    // Chunks (SendMessageBatch, 10 messages) go SEND_CONCURRENCY at a time, so 1,000 messages
    // take about 10 round trips, not 100. A failure leaves other chunks sent: at-least-once,
    // callers retry the whole send and consumers are idempotent.
    const chunks = chunkMessages(messages);
    let failure: unknown;
    let next = 0;
    const worker = async () => {
      while (failure === undefined && next < chunks.length) {
        const chunk = chunks[next++]!;
        try {
          await this.#sendChunk(queue, url, chunk, messages, ids);
        } catch (error) {
          failure ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, chunks.length) }, worker));
    if (failure !== undefined) throw failure;
    return ids;
  }

  async #sendChunk(
    queue: string,
    url: string,
    chunk: number[],
    messages: readonly OutgoingMessage[],
    ids: string[],
  ): Promise<void> {
    let pending = chunk;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const entries: SendMessageBatchRequestEntry[] = pending.map((index) => ({
        Id: String(index),
        MessageBody: messages[index]!.body,
        DelaySeconds: messages[index]!.delaySeconds,
      }));
      const result = await this.#send(`send to ${queue}`, () =>
        this.#client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries })),
      );
      for (const ok of result.Successful ?? []) {
        if (ok.Id !== undefined && ok.MessageId !== undefined) ids[Number(ok.Id)] = ok.MessageId;
      }
      const failed = result.Failed ?? [];
      const senderFault = failed.find((f) => f.SenderFault);
      if (senderFault) {
        throw new StorageRequestError(
          `send to ${queue}: message ${senderFault.Id} refused: ${senderFault.Code} ${senderFault.Message ?? ""}`,
        );
      }
      pending = failed.map((f) => Number(f.Id));
      if (pending.length > 0 && attempt >= this.#sendAttempts) {
        const first = failed[0];
        throw new StorageUnavailableError(
          `send to ${queue}: ${pending.length} message(s) failed after ${attempt} attempts: ${first?.Code ?? ""}`,
        );
      }
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }

  async receive(queue: string, options: ReceiveOptions = {}): Promise<ReceivedMessage[]> {
    const url = this.#url(queue);
    const maxMessages = options.maxMessages ?? 1;
    checkMaxMessages(maxMessages);
    if (options.visibilityTimeoutSeconds !== undefined) {
      checkSeconds("visibilityTimeoutSeconds", options.visibilityTimeoutSeconds, MAX_VISIBILITY_SECONDS);
    }
    const waitSeconds = options.waitSeconds ?? 0;
    checkSeconds("waitSeconds", waitSeconds, MAX_WAIT_SECONDS);
    const result = await this.#send(`receive from ${queue}`, () =>
      this.#client.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: maxMessages,
          VisibilityTimeout: options.visibilityTimeoutSeconds,
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ["ApproximateReceiveCount", "SentTimestamp"],
        }),
      ),
    );
    return (result.Messages ?? []).map((m) => ({
      messageId: m.MessageId ?? "",
      receiptHandle: m.ReceiptHandle ?? "",
      body: m.Body ?? "",
      receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? "1"),
      sentAt: Number(m.Attributes?.SentTimestamp ?? "0"),
    }));
  }

  async delete(queue: string, receiptHandle: string): Promise<void> {
    const url = this.#url(queue);
    await this.#send(`delete from ${queue}`, () =>
      this.#client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: receiptHandle })),
    );
  }

  async changeVisibility(queue: string, receiptHandle: string, seconds: number): Promise<void> {
    const url = this.#url(queue);
    checkSeconds("visibility timeout", seconds, MAX_VISIBILITY_SECONDS);
    try {
      await this.#client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: url,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    } catch (error) {
      // SQS reports a handle that is no longer current as InvalidParameterValue with this text.
      if (
        awsErrorCode(error) === "InvalidParameterValue" &&
        error instanceof Error &&
        /not available for visibility timeout change/i.test(error.message)
      ) {
        throw new ConditionFailedError(`change visibility on ${queue}: message not in flight`, {
          cause: error,
        });
      }
      throw mapAwsError(error, `change visibility on ${queue}`);
    }
  }

  async depth(queue: string): Promise<number> {
    const url = this.#url(queue);
    const result = await this.#send(`depth of ${queue}`, () =>
      this.#client.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: [
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
          ],
        }),
      ),
    );
    const a = result.Attributes ?? {};
    return (
      Number(a.ApproximateNumberOfMessages ?? 0) +
      Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
      Number(a.ApproximateNumberOfMessagesDelayed ?? 0)
    );
  }

  deadLetterQueueOf(queue: string): string {
    return this.#dlqs[queue] ?? `${queue}-dlq`;
  }

  #url(queue: string): string {
    const url = Object.hasOwn(this.#urls, queue) ? this.#urls[queue] : undefined;
    if (!url) throw new UnknownQueueError(`queue ${JSON.stringify(queue)} has no configured URL`);
    return url;
  }

  async #send<R>(action: string, call: () => Promise<R>): Promise<R> {
    try {
      return await call();
    } catch (error) {
      throw mapAwsError(error, action);
    }
  }
}

/** Splits message indexes into batches of at most 10 entries and MAX_BATCH_BYTES. */
/** SendMessageBatch calls one send has in flight at once. */
const SEND_CONCURRENCY = 10;

function chunkMessages(messages: readonly OutgoingMessage[]): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  messages.forEach((message, index) => {
    const size = utf8Length(message.body);
    if (current.length > 0 && (current.length === MAX_BATCH_ENTRIES || bytes + size > MAX_BATCH_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  });
  if (current.length > 0) chunks.push(current);
  return chunks;
}

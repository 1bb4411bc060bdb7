import { randomUUID } from "node:crypto";
import { ConditionFailedError, StorageRequestError } from "../errors.js";
import type { Clock, OutgoingMessage, QueuePort, ReceivedMessage, ReceiveOptions } from "../ports.js";
import {
  checkMaxMessages,
  checkSeconds,
  MAX_VISIBILITY_SECONDS,
  MAX_WAIT_SECONDS,
  validateOutgoingMessage,
  validateQueueName,
} from "../validation.js";
import { type SqliteDatabase, sqlite } from "./sqlite.js";

export interface EmbeddedQueueConfig {
  /** Receives before a message moves to the DLQ (SQS RedrivePolicy maxReceiveCount). Default 5. */
  readonly maxReceiveCount?: number | undefined;
  /** Default visibility timeout when receive() gives none (SQS queue attribute). Default 30. */
  readonly visibilityTimeoutSeconds?: number | undefined;
}

export const DEFAULT_MAX_RECEIVE_COUNT = 5;
export const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;
const DLQ_SUFFIX = "-dlq";
/** How often a long poll looks for messages sent by another process (same-process sends wake it at once). */
const POLL_STEP_MS = 50;

interface MessageRow {
  seq: number;
  id: string;
  queue: string;
  body: string;
  sent_at: number;
  visible_at: number;
  receive_count: number;
  receipt: string | null;
}

/**
 * QueuePort on SQLite with SQS semantics: at-least-once delivery, visibility timeout, a receipt
 * handle per receive (a stale one cannot delete or hide the message after it was received
 * again), per-message delay and a dead-letter queue `${queue}-dlq`.
 *
 * All message times come from the Clock so tests can move time; the long-poll wait itself is
 * real time, since it paces the caller rather than the queue.
 * Queues exist implicitly; a `-dlq` queue never redrives further (as SQS DLQs usually have no
 * redrive policy of their own).
 */
export class SqliteQueue implements QueuePort {
  readonly #db: SqliteDatabase;
  readonly #clock: Clock;
  readonly #config: Readonly<Record<string, EmbeddedQueueConfig>>;
  readonly #waiters = new Map<string, Set<() => void>>();
  readonly #insert;
  readonly #selectReady;
  readonly #markReceived;
  readonly #moveToDlq;
  readonly #delete;
  readonly #changeVisibility;
  readonly #count;

  constructor(db: SqliteDatabase, clock: Clock, config: Readonly<Record<string, EmbeddedQueueConfig>> = {}) {
    this.#db = db;
    this.#clock = clock;
    this.#config = config;
    for (const [name, queueConfig] of Object.entries(config)) {
      validateQueueName(name);
      const max = queueConfig.maxReceiveCount;
      if (max !== undefined && !(Number.isInteger(max) && max >= 1 && max <= 1000)) {
        throw new StorageRequestError(`queue ${name}: maxReceiveCount must be an integer from 1 to 1000`);
      }
      if (queueConfig.visibilityTimeoutSeconds !== undefined) {
        checkSeconds(
          "visibilityTimeoutSeconds",
          queueConfig.visibilityTimeoutSeconds,
          MAX_VISIBILITY_SECONDS,
        );
      }
    }
    db.exec(`
      CREATE TABLE IF NOT EXISTS queue_messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        queue TEXT NOT NULL,
        body TEXT NOT NULL,
        sent_at INTEGER NOT NULL,
        visible_at INTEGER NOT NULL,
        receive_count INTEGER NOT NULL DEFAULT 0,
        receipt TEXT
      );
      CREATE INDEX IF NOT EXISTS queue_messages_ready ON queue_messages (queue, visible_at, seq);
    `);
    this.#insert = db.prepare<[string, string, string, number, number]>(
      "INSERT INTO queue_messages (id, queue, body, sent_at, visible_at) VALUES (?, ?, ?, ?, ?)",
    );
    this.#selectReady = db.prepare<[string, number, number], MessageRow>(
      "SELECT * FROM queue_messages WHERE queue = ? AND visible_at <= ? ORDER BY visible_at, seq LIMIT ?",
    );
    this.#markReceived = db.prepare<[number, string, number]>(
      "UPDATE queue_messages SET visible_at = ?, receipt = ?, receive_count = receive_count + 1 WHERE seq = ?",
    );
    this.#moveToDlq = db.prepare<[string, number, number]>(
      "UPDATE queue_messages SET queue = ?, visible_at = ?, receipt = NULL WHERE seq = ?",
    );
    this.#delete = db.prepare<[string, string, string]>(
      "DELETE FROM queue_messages WHERE id = ? AND queue = ? AND receipt = ?",
    );
    this.#changeVisibility = db.prepare<[number, string, string, string, number]>(
      "UPDATE queue_messages SET visible_at = ? WHERE id = ? AND queue = ? AND receipt = ? AND visible_at > ?",
    );
    this.#count = db.prepare<[string], { n: number }>(
      "SELECT COUNT(*) AS n FROM queue_messages WHERE queue = ?",
    );
  }

  async send(queue: string, messages: readonly OutgoingMessage[]): Promise<string[]> {
    validateQueueName(queue);
    for (const message of messages) validateOutgoingMessage(message);
    const now = this.#now();
    const ids = messages.map(() => randomUUID());
    sqlite("send messages", () =>
      this.#db.transaction(() => {
        messages.forEach((message, i) => {
          this.#insert.run(ids[i]!, queue, message.body, now, now + (message.delaySeconds ?? 0) * 1000);
        });
      })(),
    );
    this.#wake(queue);
    return ids;
  }

  async receive(queue: string, options: ReceiveOptions = {}): Promise<ReceivedMessage[]> {
    validateQueueName(queue);
    const maxMessages = options.maxMessages ?? 1;
    checkMaxMessages(maxMessages);
    const visibility = options.visibilityTimeoutSeconds ?? this.#queueConfig(queue).visibilityTimeoutSeconds;
    checkSeconds("visibilityTimeoutSeconds", visibility, MAX_VISIBILITY_SECONDS);
    const waitSeconds = options.waitSeconds ?? 0;
    checkSeconds("waitSeconds", waitSeconds, MAX_WAIT_SECONDS);

    const deadline = performance.now() + waitSeconds * 1000;
    for (;;) {
      const received = this.#receiveNow(queue, maxMessages, visibility);
      const remaining = deadline - performance.now();
      if (received.length > 0 || remaining <= 0) return received;
      await this.#sleepOrWake(queue, Math.min(POLL_STEP_MS, remaining));
    }
  }

  async delete(queue: string, receiptHandle: string): Promise<void> {
    validateQueueName(queue);
    const { id, token } = parseReceipt(receiptHandle);
    // A stale handle matches nothing: like SQS, that is not an error, and the message stays.
    sqlite("delete message", () => this.#delete.run(id, queue, token));
  }

  async changeVisibility(queue: string, receiptHandle: string, seconds: number): Promise<void> {
    validateQueueName(queue);
    checkSeconds("visibility timeout", seconds, MAX_VISIBILITY_SECONDS);
    const { id, token } = parseReceipt(receiptHandle);
    const now = this.#now();
    const changes = sqlite(
      "change message visibility",
      () => this.#changeVisibility.run(now + seconds * 1000, id, queue, token, now).changes,
    );
    if (changes === 0) {
      // Same as SQS MessageNotInflight: deleted, visible again, or received by someone else since.
      throw new ConditionFailedError(`message ${id} is not in flight under this receipt handle`);
    }
    if (seconds === 0) this.#wake(queue);
  }

  async depth(queue: string): Promise<number> {
    validateQueueName(queue);
    return sqlite("queue depth", () => this.#count.get(queue)?.n ?? 0);
  }

  deadLetterQueueOf(queue: string): string {
    return `${queue}${DLQ_SUFFIX}`;
  }

  #receiveNow(queue: string, maxMessages: number, visibilitySeconds: number): ReceivedMessage[] {
    const { maxReceiveCount } = this.#queueConfig(queue);
    const redrives = !queue.endsWith(DLQ_SUFFIX);
    const dlq = this.deadLetterQueueOf(queue);
    let moved = false;
    // IMMEDIATE: two processes receiving at once must not both take the same message.
    const received = sqlite("receive messages", () =>
      this.#db
        .transaction(() => {
          const now = this.#now();
          const out: ReceivedMessage[] = [];
          // With a zero visibility timeout a message just received is ready again at once;
          // skipping taken rows keeps one receive from returning it twice.
          const taken = new Set<number>();
          for (;;) {
            const rows = this.#selectReady
              .all(queue, now, maxMessages - out.length + taken.size)
              .filter((row) => !taken.has(row.seq));
            if (rows.length === 0) return out;
            for (const row of rows) {
              if (out.length >= maxMessages) return out;
              if (redrives && row.receive_count >= maxReceiveCount) {
                // This would be receive number maxReceiveCount + 1: dead-letter it instead, as SQS does.
                this.#moveToDlq.run(dlq, now, row.seq);
                moved = true;
                continue;
              }
              const token = randomUUID();
              this.#markReceived.run(now + visibilitySeconds * 1000, token, row.seq);
              taken.add(row.seq);
              out.push({
                messageId: row.id,
                receiptHandle: `${row.id}.${token}`,
                body: row.body,
                receiveCount: row.receive_count + 1,
                sentAt: row.sent_at,
              });
            }
            if (out.length >= maxMessages) return out;
          }
        })
        .immediate(),
    );
    if (moved) this.#wake(dlq);
    return received;
  }

  #queueConfig(queue: string): Required<{ [K in keyof EmbeddedQueueConfig]: number }> {
    const config = this.#config[queue];
    return {
      maxReceiveCount: config?.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
      visibilityTimeoutSeconds: config?.visibilityTimeoutSeconds ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
    };
  }

  #now(): number {
    return this.#clock.now().getTime();
  }

  #wake(queue: string): void {
    const waiters = this.#waiters.get(queue);
    if (!waiters) return;
    this.#waiters.delete(queue);
    for (const wake of waiters) wake();
  }

  #sleepOrWake(queue: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let waiters = this.#waiters.get(queue);
      if (!waiters) {
        waiters = new Set();
        this.#waiters.set(queue, waiters);
      }
      const set = waiters;
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }
}

function parseReceipt(receiptHandle: string): { id: string; token: string } {
  const dot = typeof receiptHandle === "string" ? receiptHandle.indexOf(".") : -1;
  if (dot <= 0 || dot === receiptHandle.length - 1) {
    throw new StorageRequestError("malformed receipt handle");
  }
  return { id: receiptHandle.slice(0, dot), token: receiptHandle.slice(dot + 1) };
}

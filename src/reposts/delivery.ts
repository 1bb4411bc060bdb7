/**
 * Delivery of repost notices: one signed webhook (Standard Webhooks) or one message to the site's
 * own SQS queue per notice, retried on a schedule that backs off over hours. A 410 from a webhook
 * disables the site; a notice whose attempts are exhausted is marked `failed` and its message goes
 * to the delivery dead-letter queue: it shows in the report and never vanishes.
 *
 * Duplicate messages are expected (fan-out pages can be redone, SQS delivers at least once): a
 * message makes attempt N only while the notice has made N−1 attempts, and claims it with a lease
 * written under the record's version, so two copies never both send.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { GazetteDocument } from "../documents/model.js";
import { readDocument } from "../documents/records.js";
import { PermanentMessageError } from "../platform/errors.js";
import type { Platform } from "../platform/ports.js";
import { DELIVERY_QUEUE, type DeliverMessage, MAX_DELAY_SECONDS, type RemindMessage } from "./messages.js";
import {
  activeSecrets,
  type NoticeDelivery,
  parseNoticeId,
  type RepostNotice,
  type SiteRecord,
} from "./model.js";
import type { OutboundFetch } from "./outbound.js";
import { ackUrl, type NoticeDocument, noticeDocument, type RepostRequestedPayload } from "./payload.js";
import { noticeKeys, updateNotice } from "./records.js";
import { type WebhookHeaders, webhookHeaders } from "./signing.js";
import type { SiteRegistry } from "./sites.js";

/** Seconds to wait after each failed attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (8 attempts in all). */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];
/** How long an attempt is claimed; longer than the outbound timeout. */
const LEASE_SECONDS = 120;
const MAX_ERROR_CHARS = 500;

/** Where a notice goes by SQS: the site's queue, and the site's role to send as, if it named one. */
export interface SqsDeliveryTarget {
  readonly siteId: string;
  readonly queueUrl: string;
  readonly roleArn?: string | undefined;
}

/**
 * Sends a notice to a site-owned SQS queue (AWS): as the delivery role, which the queue policy
 * grants, or as the site's role (`roleArn`, assumed with ExternalId = the site id).
 */
export type SqsDeliverySender = (
  target: SqsDeliveryTarget,
  body: string,
  headers: WebhookHeaders,
) => Promise<void>;

export interface DeliveryOptions {
  readonly platform: Pick<Platform, "records" | "blobs" | "queues" | "clock" | "metrics">;
  readonly registry: SiteRegistry;
  readonly fetch: OutboundFetch;
  readonly sqs?: SqsDeliverySender | undefined;
  /** Public base URL: documents' pages and the ack URL. */
  readonly baseUrl: string;
  readonly retrySchedule?: readonly number[] | undefined;
  readonly logger?: Logger | undefined;
}

type Outcome =
  | { readonly kind: "delivered"; readonly status: number | null }
  | { readonly kind: "gone"; readonly status: number }
  | {
      readonly kind: "failed";
      readonly status: number | null;
      readonly error: string;
      /** Retrying cannot help (no way to deliver at all): the notice fails now. */
      readonly permanent?: boolean;
    };

export class RepostDelivery {
  readonly #platform;
  readonly #registry: SiteRegistry;
  readonly #fetch: OutboundFetch;
  readonly #sqs: SqsDeliverySender | undefined;
  readonly #baseUrl: string;
  readonly #schedule: readonly number[];
  readonly #logger: Logger | undefined;
  /** Documents are immutable once published: one read per document per process. */
  readonly #documents = new Map<string, Promise<NoticeDocument>>();

  constructor(options: DeliveryOptions) {
    this.#platform = options.platform;
    this.#registry = options.registry;
    this.#fetch = options.fetch;
    this.#sqs = options.sqs;
    this.#baseUrl = options.baseUrl;
    this.#schedule = options.retrySchedule ?? DEFAULT_RETRY_SCHEDULE;
    this.#logger = options.logger;
  }

  get maxAttempts(): number {
    return this.#schedule.length + 1;
  }

  async deliver(message: DeliverMessage, messageId: string): Promise<void> {
    const { records, queues, clock } = this.#platform;
    const ids = parseNoticeId(message.noticeId);
    if (!ids) throw new PermanentMessageError(`Not a notice id: ${message.noticeId}`);
    const key = noticeKeys(ids.documentId, ids.siteId);
    const stored = await records.get<RepostNotice>(key);
    const current = stored?.data;
    if (!stored || !current) throw new PermanentMessageError(`No notice ${message.noticeId}`);
    const d = current.delivery;
    if (d.attempts >= message.attempt) {
      // Done already. If this message made that attempt and crashed before queuing what follows, redo that.
      if (d.attempts === message.attempt) await this.#followUp(current, message.attempt);
      return;
    }
    if (d.state === "delivered" || d.state === "failed" || d.attempts !== message.attempt - 1) return;

    const now = clock.now();
    if (message.notBefore && Date.parse(message.notBefore) > now.getTime()) {
      const wait = Math.ceil((Date.parse(message.notBefore) - now.getTime()) / 1000);
      await queues.send(DELIVERY_QUEUE, [
        { body: JSON.stringify(message), delaySeconds: Math.min(MAX_DELAY_SECONDS, wait) },
      ]);
      return;
    }
    if (d.lease && Date.parse(d.lease.until) > now.getTime()) {
      // Another copy is sending; if it dies, its own message comes back and takes over.
      if (d.lease.messageId !== messageId) return;
      throw new Error(`Notice ${current.id}: attempt ${message.attempt} still leased`);
    }
    const lease = {
      messageId,
      attempt: message.attempt,
      until: new Date(now.getTime() + LEASE_SECONDS * 1000).toISOString(),
    };
    const claimed = await updateNotice(
      this.#platform,
      key,
      (n) =>
        n.delivery.attempts === message.attempt - 1 &&
        (n.delivery.state === "pending" || n.delivery.state === "retrying") &&
        (!n.delivery.lease ||
          Date.parse(n.delivery.lease.until) <= now.getTime() ||
          n.delivery.lease.messageId === messageId)
          ? { ...n, delivery: { ...n.delivery, lease } }
          : undefined,
      stored,
    );
    if (claimed?.data.delivery.lease?.messageId !== messageId) return;

    const site = await this.#registry.record(ids.siteId);
    const outcome: Outcome =
      !site || site.status === "disabled"
        ? {
            kind: "failed",
            status: null,
            error: `site ${site ? `disabled: ${site.disabledReason ?? ""}` : "deleted"}`,
          }
        : await this.#send(site, current, "repost.requested");
    if (outcome.kind === "gone" && site) {
      await this.#registry.disable(
        site.id,
        `webhook answered HTTP ${outcome.status} (Gone) on ${now.toISOString()}`,
      );
    }
    const attempts = message.attempt;
    const at = clock.now();
    const final =
      outcome.kind === "gone" ||
      (outcome.kind === "failed" && outcome.permanent === true) ||
      !site ||
      site.status === "disabled" ||
      attempts >= this.maxAttempts;
    const wait = this.#schedule[attempts - 1] ?? 0;
    const delivery: NoticeDelivery =
      outcome.kind === "delivered"
        ? {
            ...d,
            state: "delivered",
            attempts,
            deliveredAt: at.toISOString(),
            nextAttemptAt: null,
            lastStatus: outcome.status,
            lastError: null,
            lease: null,
          }
        : {
            ...d,
            state: final ? "failed" : "retrying",
            attempts,
            failedAt: final ? at.toISOString() : null,
            nextAttemptAt: final ? null : new Date(at.getTime() + wait * 1000).toISOString(),
            lastStatus: outcome.status,
            lastError: outcome.kind === "gone" ? `HTTP ${outcome.status} Gone: site disabled` : outcome.error,
            lease: null,
          };
    const recorded = await updateNotice(this.#platform, key, (n) => ({ ...n, delivery }), claimed);
    if (recorded && delivery.state === "delivered") this.#platform.metrics?.count("NoticesDelivered");
    if (recorded) await this.#followUp(recorded.data, attempts);
  }

  /** After attempt N was recorded: queue the retry, or dead-letter an exhausted notice. */
  async #followUp(notice: RepostNotice, attempt: number): Promise<void> {
    const { queues } = this.#platform;
    const d = notice.delivery;
    if (d.state === "retrying" && d.nextAttemptAt) {
      const next: DeliverMessage = {
        type: "repost.deliver",
        noticeId: notice.id,
        attempt: attempt + 1,
        notBefore: d.nextAttemptAt,
      };
      const wait = Math.ceil((Date.parse(d.nextAttemptAt) - this.#platform.clock.now().getTime()) / 1000);
      await queues.send(DELIVERY_QUEUE, [
        { body: JSON.stringify(next), delaySeconds: Math.max(0, Math.min(MAX_DELAY_SECONDS, wait)) },
      ]);
    } else if (d.state === "failed") {
      this.#logger?.warn("Repost notice undeliverable; dead-lettered", {
        noticeId: notice.id,
        error: d.lastError ?? "",
      });
      await queues.send(queues.deadLetterQueueOf(DELIVERY_QUEUE), [
        {
          body: JSON.stringify({
            type: "repost.deliver",
            noticeId: notice.id,
            attempt,
            failed: true,
            reason: d.lastError,
          }),
        },
      ]);
    }
  }

  /** A reminder before the deadline: one best-effort webhook, not retried. */
  async remind(message: RemindMessage): Promise<void> {
    const ids = parseNoticeId(message.noticeId);
    if (!ids) throw new PermanentMessageError(`Not a notice id: ${message.noticeId}`);
    const notice = (await this.#platform.records.get<RepostNotice>(noticeKeys(ids.documentId, ids.siteId)))
      ?.data;
    const site = await this.#registry.record(ids.siteId);
    if (!notice || !site || site.status !== "active" || notice.ack) return;
    const outcome = await this.#send(site, notice, "repost.reminder");
    if (outcome.kind === "gone")
      await this.#registry.disable(site.id, `webhook answered HTTP ${outcome.status} (Gone)`);
    if (outcome.kind === "failed")
      this.#logger?.info("Reminder not delivered", { noticeId: notice.id, error: outcome.error });
  }

  async #send(
    site: SiteRecord,
    notice: RepostNotice,
    type: RepostRequestedPayload["type"],
  ): Promise<Outcome> {
    const now = this.#platform.clock.now();
    let body: string;
    try {
      const payload: RepostRequestedPayload = {
        type,
        data: {
          noticeId: notice.id,
          deadline: notice.deadline,
          ackUrl: ackUrl(this.#baseUrl, notice.id),
          document: await this.#document(notice.documentId),
        },
      };
      body = JSON.stringify(payload);
    } catch (error) {
      this.#documents.delete(notice.documentId);
      throw error;
    }
    const headers = webhookHeaders(
      activeSecrets(site, now).map((s) => s.secret),
      notice.id,
      Math.floor(now.getTime() / 1000),
      body,
    );
    try {
      if (site.delivery.type === "sqs") {
        if (!this.#sqs) {
          return {
            kind: "failed",
            status: null,
            error: "SQS delivery is only available in AWS mode",
            permanent: true,
          };
        }
        await this.#sqs(
          { siteId: site.id, queueUrl: site.delivery.queueUrl, roleArn: site.delivery.roleArn },
          body,
          headers,
        );
        return { kind: "delivered", status: null };
      }
      const response = await this.#fetch(site.delivery.url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "gazette-reposts/1", ...headers },
        body,
        redirect: "manual",
      });
      // Drain the body so the connection can be reused; its content does not matter.
      await response.arrayBuffer().catch(() => undefined);
      if (response.status >= 200 && response.status < 300)
        return { kind: "delivered", status: response.status };
      if (response.status === 410) return { kind: "gone", status: 410 };
      return { kind: "failed", status: response.status, error: `HTTP ${response.status}` };
    } catch (error) {
      return {
        kind: "failed",
        status: null,
        error: String((error as Error).message ?? error).slice(0, MAX_ERROR_CHARS),
      };
    }
  }

  #document(documentId: string): Promise<NoticeDocument> {
    let cached = this.#documents.get(documentId);
    if (!cached) {
      cached = readDocument(this.#platform, documentId).then((found) => {
        if (!found) throw new PermanentMessageError(`No document ${documentId}`);
        return noticeDocument(found.document as GazetteDocument, this.#baseUrl);
      });
      this.#documents.set(documentId, cached);
    }
    return cached;
  }
}

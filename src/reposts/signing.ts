/**
 * Standard Webhooks signing (https://www.standardwebhooks.com/): headers webhook-id,
 * webhook-timestamp (epoch seconds) and webhook-signature, a space-separated list of `v1,<base64>`
 * HMAC-SHA256 signatures over `${id}.${timestamp}.${body}`, keyed by the base64-decoded part of
 * the `whsec_…` secret. A receiver accepts any one matching signature, which is what lets a secret
 * rotate without a missed delivery: both secrets sign during the grace period.
 */
import { createHmac, randomBytes } from "node:crypto";

const PREFIX = "whsec_";

export function newWebhookSecret(): string {
  return `${PREFIX}${randomBytes(32).toString("base64")}`;
}

function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, "base64");
}

export function signature(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac("sha256", secretKey(secret))
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest("base64");
  return `v1,${mac}`;
}

export interface WebhookHeaders {
  readonly "webhook-id": string;
  readonly "webhook-timestamp": string;
  readonly "webhook-signature": string;
}

export function webhookHeaders(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string,
): WebhookHeaders {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": secrets.map((s) => signature(s, id, timestampSeconds, body)).join(" "),
  };
}

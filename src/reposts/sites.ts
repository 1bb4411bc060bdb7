/**
 * The site registry: subordinate sites that must repost, with their delivery channel and
 * credentials. Editors register, list, update, disable sites and rotate their signing secrets.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { monotonicFactory } from "ulid";
import type { Platform } from "../platform/ports.js";
import * as z from "../platform/zod-mini.js";
import {
  type FieldProblem,
  InvalidRepostRequestError,
  problem,
  RepostRefusedError,
  SiteNotFoundError,
} from "./errors.js";
import { activeSecrets, SITE_LEVELS, type SiteRecord, type SiteView, siteView } from "./model.js";
import type { OutboundFetch } from "./outbound.js";
import { pageSites, SITES_INDEX, siteIndex, siteKeys } from "./records.js";
import { newWebhookSecret } from "./signing.js";
import { updateRecord } from "./store.js";

const TOKEN_PREFIX = "gst_";
/** Default overlap of old and new signing secrets after a rotation. */
export const DEFAULT_ROTATION_GRACE_SECONDS = 24 * 3600;
const MAX_ROTATION_GRACE_SECONDS = 30 * 24 * 3600;

const httpUrl = z.string().check(
  z.maxLength(2048),
  z.refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === "https:" || u.protocol === "http:") && !u.username && !u.password;
    } catch {
      return false;
    }
  }, "must be an http(s) URL without credentials"),
);

/** https://sqs.<region>.amazonaws.com/<account>/<queue> (or .amazonaws.com.cn). */
const sqsQueueUrl = z
  .string()
  .check(
    z.maxLength(512),
    z.regex(
      /^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/\d{12}\/[A-Za-z0-9_-]{1,80}(\.fifo)?$/,
      "must be an SQS queue URL, https://sqs.<region>.amazonaws.com/<account>/<queue>",
    ),
  );

/**
 * The site's role for SQS delivery: arn:aws:iam::<account>:role/gazette-repost-<name>, no path (the
 * delivery function may assume only roles named so: SITE_ROLE_NAME_PREFIX, see infra).
 */
const roleArn = z
  .string()
  .check(
    z.maxLength(2048),
    z.regex(
      /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/gazette-repost-[A-Za-z0-9+=,.@_-]{1,49}$/,
      "must be an IAM role ARN arn:aws:iam::<12-digit account>:role/gazette-repost-<name>, without a path",
    ),
  );

const delivery = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("webhook"), url: httpUrl }),
  z.strictObject({ type: z.literal("sqs"), queueUrl: sqsQueueUrl, roleArn: z.optional(roleArn) }),
]);

const name = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));
const region = z.string().check(z.regex(/^[1-9]\d{5}$/, "must be a six-digit GB/T 2260 code, e.g. 510104"));
const sectors = z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(50))).check(z.maxLength(50));
const level = z.enum(SITE_LEVELS, { message: `must be one of ${SITE_LEVELS.join(", ")}` });

const registration = z.strictObject({
  name,
  level,
  region,
  sectors: z._default(z.optional(sectors), []),
  delivery,
});
const patch = z.strictObject({
  name: z.optional(name),
  level: z.optional(level),
  region: z.optional(region),
  sectors: z.optional(sectors),
  delivery: z.optional(delivery),
  status: z.optional(z.enum(["active", "disabled"])),
  disabledReason: z.optional(z.string().check(z.trim(), z.maxLength(500))),
});
const rotation = z.strictObject({
  graceSeconds: z.optional(z.int().check(z.gte(0), z.lte(MAX_ROTATION_GRACE_SECONDS))),
});

export type SiteRegistration = z.input<typeof registration>;

function parse<T extends z.ZodMiniType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems: FieldProblem[] = result.error.issues.map((issue) =>
    problem(
      issue.path.length ? issue.path.join(".") : null,
      // zod/mini leaves `issue.input` out: look the value up, so only a missing field is `required`.
      issue.code === "invalid_type" && valueAt(input, issue.path) === undefined ? "required" : "invalid",
      issue.message,
    ),
  );
  throw new InvalidRepostRequestError("The site is invalid", problems);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** `gst_<siteId>_<random>`: the site id lets a request find its site in one read. */
function newToken(siteId: string): string {
  return `${TOKEN_PREFIX}${siteId}_${randomBytes(32).toString("base64url")}`;
}

export interface SiteRegistryOptions {
  readonly platform: Pick<Platform, "records" | "clock">;
  /** Outbound calls (SSRF-guarded): the webhook challenge. */
  readonly fetch: OutboundFetch;
}

export interface RegisteredSite {
  readonly id: string;
  readonly token: string;
  readonly webhookSecret: string;
}

export class SiteRegistry {
  readonly #records;
  readonly #clock;
  readonly #fetch: OutboundFetch;
  readonly #ulid = monotonicFactory();

  constructor(options: SiteRegistryOptions) {
    this.#records = options.platform.records;
    this.#clock = options.platform.clock;
    this.#fetch = options.fetch;
  }

  async register(input: unknown): Promise<RegisteredSite> {
    const parsed = parse(registration, input);
    // Verified before anything is stored: a site that cannot receive is refused, not half-registered.
    if (parsed.delivery.type === "webhook") await this.verifyWebhook(parsed.delivery.url);
    const now = this.#clock.now();
    const id = this.#ulid(now.getTime());
    const token = newToken(id);
    const webhookSecret = newWebhookSecret();
    const at = now.toISOString();
    const site: SiteRecord = {
      id,
      name: parsed.name,
      level: parsed.level,
      region: parsed.region,
      sectors: [...new Set(parsed.sectors)],
      delivery: parsed.delivery,
      status: "active",
      disabledReason: null,
      tokenHash: hashToken(token),
      secrets: [{ secret: webhookSecret, createdAt: at, expiresAt: null }],
      verifiedAt: parsed.delivery.type === "webhook" ? at : null,
      createdAt: at,
      updatedAt: at,
    };
    await this.#records.put({ ...siteKeys(id), data: site, index: siteIndex(id) }, { kind: "absent" });
    return { id, token, webhookSecret };
  }

  async list(
    options: { limit?: number; cursor?: string } = {},
  ): Promise<{ items: SiteView[]; cursor?: string }> {
    const page = await this.#records.query<SiteRecord>(SITES_INDEX, {
      index: "gsi1",
      limit: options.limit ?? 50,
      cursor: options.cursor,
    });
    const now = this.#clock.now();
    return { items: page.items.map((r) => siteView(r.data, now)), cursor: page.cursor };
  }

  /** One page of stored sites, for fan-out (index order: registration order). */
  page(options: { limit: number; cursor?: string | undefined }) {
    return pageSites(this.#records, options);
  }

  async record(id: string): Promise<SiteRecord | undefined> {
    if (!/^[A-Za-z0-9]{1,64}$/.test(id)) return undefined;
    return (await this.#records.get<SiteRecord>(siteKeys(id)))?.data;
  }

  async get(id: string): Promise<SiteView> {
    const site = await this.record(id);
    if (!site) throw notFound(id);
    return siteView(site, this.#clock.now());
  }

  /** Update, disable (status "disabled") or re-enable a site. A new webhook URL is verified first. */
  async update(id: string, input: unknown): Promise<SiteView> {
    const changes = parse(patch, input);
    const current = await this.record(id);
    if (!current) throw notFound(id);
    const newDelivery = changes.delivery;
    const reenabled = changes.status === "active" && current.status === "disabled";
    const webhook = newDelivery ?? current.delivery;
    const mustVerify = webhook.type === "webhook" && (newDelivery !== undefined || reenabled);
    if (mustVerify && webhook.type === "webhook") await this.verifyWebhook(webhook.url);
    const at = this.#clock.now().toISOString();
    const updated = await updateRecord<SiteRecord>(this.#records, siteKeys(id), (site) => ({
      ...site,
      name: changes.name ?? site.name,
      level: changes.level ?? site.level,
      region: changes.region ?? site.region,
      sectors: changes.sectors ? [...new Set(changes.sectors)] : site.sectors,
      delivery: newDelivery ?? site.delivery,
      status: changes.status ?? site.status,
      disabledReason:
        (changes.status ?? site.status) === "disabled"
          ? (changes.disabledReason ?? site.disabledReason ?? "disabled by an editor")
          : null,
      verifiedAt: mustVerify ? at : newDelivery?.type === "sqs" ? null : site.verifiedAt,
      updatedAt: at,
    }));
    if (!updated) throw notFound(id);
    return siteView(updated.data, this.#clock.now());
  }

  /**
   * A new signing secret; the old ones keep signing for `graceSeconds` (default 24 h), so a
   * receiver that switches secrets at any moment in that window misses nothing.
   */
  async rotateSecret(
    id: string,
    input: unknown,
  ): Promise<{ webhookSecret: string; previousExpiresAt: string }> {
    const { graceSeconds = DEFAULT_ROTATION_GRACE_SECONDS } = parse(rotation, input ?? {});
    const now = this.#clock.now();
    const webhookSecret = newWebhookSecret();
    const previousExpiresAt = new Date(now.getTime() + graceSeconds * 1000).toISOString();
    const updated = await updateRecord<SiteRecord>(this.#records, siteKeys(id), (site) => ({
      ...site,
      secrets: [
        ...activeSecrets(site, now).map((s) => ({
          ...s,
          expiresAt:
            s.expiresAt && Date.parse(s.expiresAt) < Date.parse(previousExpiresAt)
              ? s.expiresAt
              : previousExpiresAt,
        })),
        { secret: webhookSecret, createdAt: now.toISOString(), expiresAt: null },
      ],
      updatedAt: now.toISOString(),
    }));
    if (!updated) throw notFound(id);
    return { webhookSecret, previousExpiresAt };
  }

  /** The receiver said the endpoint is gone (HTTP 410): stop delivering to it. */
  async disable(id: string, reason: string): Promise<void> {
    const at = this.#clock.now().toISOString();
    await updateRecord<SiteRecord>(this.#records, siteKeys(id), (site) =>
      site.status === "disabled"
        ? undefined
        : { ...site, status: "disabled", disabledReason: reason, updatedAt: at },
    );
  }

  /** The site a bearer token belongs to, or undefined. */
  async authenticate(token: string): Promise<SiteRecord | undefined> {
    const m = /^gst_([A-Za-z0-9]{1,64})_[A-Za-z0-9_-]{20,}$/.exec(token);
    if (!m?.[1]) return undefined;
    const site = await this.record(m[1]);
    if (!site) return undefined;
    const a = Buffer.from(site.tokenHash, "hex");
    const b = Buffer.from(hashToken(token), "hex");
    return a.length === b.length && timingSafeEqual(a, b) ? site : undefined;
  }

  /**
   * WebSub-style intent verification: GET the URL with hub.mode=verify and a random hub.challenge;
   * only a 200 whose body is the challenge proves the endpoint is the site's and is listening.
   */
  async verifyWebhook(url: string): Promise<void> {
    const challenge = randomBytes(16).toString("hex");
    const target = new URL(url);
    target.searchParams.set("hub.mode", "verify");
    target.searchParams.set("hub.challenge", challenge);
    let reason: string;
    try {
      const response = await this.#fetch(target.toString(), { method: "GET", redirect: "manual" });
      const body = (await response.text()).trim();
      if (response.status === 200 && body === challenge) return;
      reason =
        response.status !== 200
          ? `the webhook answered the challenge with HTTP ${response.status}, not 200`
          : "the webhook answered 200 but did not echo hub.challenge as its body";
    } catch (error) {
      reason = `the webhook could not be reached: ${(error as Error).message}`;
    }
    throw new RepostRefusedError("The webhook failed verification", [
      problem("delivery.url", "webhook_unverified", reason),
    ]);
  }
}

function notFound(id: string) {
  return new SiteNotFoundError(`No site ${id}`, [problem("id", "not_found", `No site ${id}`)]);
}

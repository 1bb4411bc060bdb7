/**
 * Delivery to a site-owned SQS queue (AWS mode), one of two ways:
 *
 * - the site's queue policy grants the delivery function's role sqs:SendMessage, and the message
 *   is sent with the function's own credentials; or
 * - the site names a role in its account (`roleArn`, named `gazette-repost-*`) whose trust policy
 *   lets the delivery role assume it with ExternalId = the site id: the message is sent with that
 *   role's temporary credentials (cached per role and site until shortly before they expire).
 *
 * The Standard Webhooks headers travel as message attributes, so the site verifies the body
 * exactly as a webhook receiver does.
 */
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { AssumeRoleCommand, type AssumeRoleCommandOutput, STSClient } from "@aws-sdk/client-sts";
import type { SqsDeliverySender, SqsDeliveryTarget } from "./delivery.js";

/** Temporary (or static) AWS credentials, as the SDK clients take them. */
export interface SenderCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
  readonly expiration?: Date | undefined;
}

/** One SendMessage; `credentials` undefined means the function's own role. */
export interface SqsSendInput {
  readonly queueUrl: string;
  readonly region: string | undefined;
  readonly credentials: SenderCredentials | undefined;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export type SqsSend = (input: SqsSendInput) => Promise<void>;

/** The part of STSClient the sender uses (tests inject a fake). */
export interface StsLike {
  send(command: AssumeRoleCommand): Promise<Pick<AssumeRoleCommandOutput, "Credentials">>;
}

export interface SqsDeliverySenderOptions {
  readonly region?: string | undefined;
  /** Default: an STSClient in `region`. */
  readonly sts?: StsLike | undefined;
  /** Default: SendMessage with an SQSClient per region and credentials. */
  readonly send?: SqsSend | undefined;
  /** Default: Date.now. */
  readonly now?: (() => number) | undefined;
}

/** Role session length asked for (STS's default and the least a role allows past 15 minutes). */
export const ROLE_SESSION_SECONDS = 3600;
/** Credentials are assumed again this long before they expire. */
export const CREDENTIALS_REFRESH_MARGIN_MS = 5 * 60_000;

/** The role session name the site's trust policy may check: `gazette-repost-<siteId>`. */
export function roleSessionName(siteId: string): string {
  return `gazette-repost-${siteId}`.slice(0, 64);
}

/** The queue's region is in its URL: https://sqs.<region>.amazonaws.com/<account>/<name>. */
function queueRegion(queueUrl: string, fallback: string | undefined): string | undefined {
  return /^https:\/\/sqs\.([a-z0-9-]+)\./.exec(queueUrl)?.[1] ?? fallback;
}

export function createSqsDeliverySender(options: SqsDeliverySenderOptions = {}): SqsDeliverySender {
  const now = options.now ?? Date.now;
  const send = options.send ?? defaultSend();
  let sts = options.sts;
  const sessions = new Map<string, Promise<SenderCredentials>>();

  const assume = async (roleArn: string, siteId: string): Promise<SenderCredentials> => {
    sts ??= new STSClient({ region: options.region });
    let output: Pick<AssumeRoleCommandOutput, "Credentials">;
    try {
      output = await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: roleSessionName(siteId),
          ExternalId: siteId,
          DurationSeconds: ROLE_SESSION_SECONDS,
        }),
      );
    } catch (error) {
      const e = error as Error;
      throw new Error(`could not assume ${roleArn}: ${e.name}: ${e.message}`);
    }
    const c = output.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`could not assume ${roleArn}: no credentials`);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  };

  /** Cached per (role, site); concurrent deliveries share one AssumeRole call. */
  const credentialsFor = async (roleArn: string, siteId: string): Promise<SenderCredentials> => {
    const key = `${roleArn} ${siteId}`;
    const cached = sessions.get(key);
    if (cached) {
      const credentials = await cached.catch(() => undefined);
      const expires = credentials?.expiration?.getTime() ?? 0;
      if (credentials && expires - CREDENTIALS_REFRESH_MARGIN_MS > now()) return credentials;
      if (sessions.get(key) !== cached) return credentialsFor(roleArn, siteId);
    }
    const fresh = assume(roleArn, siteId);
    sessions.set(key, fresh);
    // A failed call is not cached: the next delivery tries again.
    fresh.catch(() => {
      if (sessions.get(key) === fresh) sessions.delete(key);
    });
    return fresh;
  };

  return async (target: SqsDeliveryTarget, body, headers) => {
    const credentials = target.roleArn ? await credentialsFor(target.roleArn, target.siteId) : undefined;
    await send({
      queueUrl: target.queueUrl,
      region: queueRegion(target.queueUrl, options.region),
      credentials,
      body,
      attributes: { ...headers },
    });
  };
}

/** SendMessage with one SQSClient per region and access key (a role's client lives as long as its session). */
function defaultSend(): SqsSend {
  const clients = new Map<string, SQSClient>();
  return async ({ queueUrl, region, credentials, body, attributes }) => {
    const key = `${region ?? ""} ${credentials?.accessKeyId ?? ""}`;
    let client = clients.get(key);
    if (!client) {
      // Expired sessions' clients are dropped once there are many.
      if (clients.size >= 1000) clients.clear();
      client = new SQSClient({ region, ...(credentials ? { credentials } : {}) });
      clients.set(key, client);
    }
    await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: body,
        MessageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([name, value]) => [
            name,
            { DataType: "String", StringValue: value },
          ]),
        ),
      }),
    );
  };
}

import type { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import type { RepostNotice } from "../../src/reposts/model.js";
import {
  CREDENTIALS_REFRESH_MARGIN_MS,
  createSqsDeliverySender,
  type SqsSendInput,
  type StsLike,
} from "../../src/reposts/sqs-sender.js";
import { createRepostsHarness, type RepostsHarness } from "./harness.js";

const QUEUE_URL = "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/gazette-repost-chengdu";
const ROLE_ARN = "arn:aws-cn:iam::123456789012:role/gazette-repost-chengdu";
const HEADERS = { "webhook-id": "n1", "webhook-timestamp": "1", "webhook-signature": "v1,x" };

/** A fake STS: records each AssumeRole and hands out numbered credentials valid for an hour. */
function fakeSts(now: () => number, fail?: Error) {
  const calls: AssumeRoleCommand["input"][] = [];
  const sts: StsLike = {
    async send(command) {
      calls.push(command.input);
      if (fail) throw fail;
      return {
        Credentials: {
          AccessKeyId: `ASIA${calls.length}`,
          SecretAccessKey: "secret",
          SessionToken: `token${calls.length}`,
          Expiration: new Date(now() + 3600_000),
        },
      };
    },
  };
  return { sts, calls };
}

function recordingSend() {
  const sent: SqsSendInput[] = [];
  return {
    sent,
    send: async (input: SqsSendInput) => {
      sent.push(input);
    },
  };
}

function accessDenied(): Error {
  const error = new Error("User is not authorized to perform: sts:AssumeRole");
  error.name = "AccessDenied";
  return error;
}

describe("SQS delivery via a role the site grants", () => {
  it("assumes the site's role with its id as the external id and sends with those credentials", async () => {
    // Prepare
    const clock = Date.parse("2026-02-12T02:00:00Z");
    const { sts, calls } = fakeSts(() => clock);
    const { sent, send } = recordingSend();
    const sender = createSqsDeliverySender({ sts, send, now: () => clock, region: "cn-northwest-1" });

    // Act
    await sender({ siteId: "01SITE", queueUrl: QUEUE_URL, roleArn: ROLE_ARN }, "{}", HEADERS);

    // Assess
    expect(calls).toEqual([
      {
        RoleArn: ROLE_ARN,
        ExternalId: "01SITE",
        RoleSessionName: "gazette-repost-01SITE",
        DurationSeconds: 3600,
      },
    ]);
    expect(sent).toEqual([
      {
        queueUrl: QUEUE_URL,
        region: "cn-north-1",
        credentials: expect.objectContaining({ accessKeyId: "ASIA1", sessionToken: "token1" }),
        body: "{}",
        attributes: HEADERS,
      },
    ]);
  });

  it("reuses the credentials until shortly before they expire, with one call for concurrent sends", async () => {
    // Prepare
    let clock = Date.parse("2026-02-12T02:00:00Z");
    const { sts, calls } = fakeSts(() => clock);
    const { sent, send } = recordingSend();
    const sender = createSqsDeliverySender({ sts, send, now: () => clock });
    const target = { siteId: "01SITE", queueUrl: QUEUE_URL, roleArn: ROLE_ARN };

    // Act: three sends at once, one later within the session, one inside the refresh margin.
    await Promise.all([1, 2, 3].map(() => sender(target, "{}", HEADERS)));
    clock += 3600_000 - CREDENTIALS_REFRESH_MARGIN_MS - 1000;
    await sender(target, "{}", HEADERS);
    clock += 2000;
    await sender(target, "{}", HEADERS);

    // Assess
    expect(calls).toHaveLength(2);
    expect(sent.map((s) => s.credentials?.accessKeyId)).toEqual([
      "ASIA1",
      "ASIA1",
      "ASIA1",
      "ASIA1",
      "ASIA2",
    ]);
  });

  it("keeps one session per site: another site's role is assumed with that site's id", async () => {
    // Prepare
    const clock = Date.parse("2026-02-12T02:00:00Z");
    const { sts, calls } = fakeSts(() => clock);
    const { send } = recordingSend();
    const sender = createSqsDeliverySender({ sts, send, now: () => clock });

    // Act
    await sender({ siteId: "01A", queueUrl: QUEUE_URL, roleArn: ROLE_ARN }, "{}", HEADERS);
    await sender({ siteId: "01B", queueUrl: QUEUE_URL, roleArn: ROLE_ARN }, "{}", HEADERS);

    // Assess
    expect(calls.map((c) => c.ExternalId)).toEqual(["01A", "01B"]);
  });

  it("sends with the function's own credentials when the site names no role", async () => {
    // Prepare
    const clock = Date.parse("2026-02-12T02:00:00Z");
    const { sts, calls } = fakeSts(() => clock);
    const { sent, send } = recordingSend();
    const sender = createSqsDeliverySender({ sts, send, now: () => clock });

    // Act
    await sender({ siteId: "01SITE", queueUrl: QUEUE_URL }, "{}", HEADERS);

    // Assess
    expect(calls).toEqual([]);
    expect(sent[0]?.credentials).toBeUndefined();
  });

  it("does not cache a failed AssumeRole: the next send asks again", async () => {
    // Prepare
    const clock = Date.parse("2026-02-12T02:00:00Z");
    const { sts, calls } = fakeSts(() => clock, accessDenied());
    const { sent, send } = recordingSend();
    const sender = createSqsDeliverySender({ sts, send, now: () => clock });
    const target = { siteId: "01SITE", queueUrl: QUEUE_URL, roleArn: ROLE_ARN };

    // Act
    const first = await sender(target, "{}", HEADERS).catch((e: Error) => e.message);
    const second = await sender(target, "{}", HEADERS).catch((e: Error) => e.message);

    // Assess
    expect(first).toBe(
      `could not assume ${ROLE_ARN}: AccessDenied: User is not authorized to perform: sts:AssumeRole`,
    );
    expect(second).toBe(first);
    expect(calls).toHaveLength(2);
    expect(sent).toEqual([]);
  });
});

describe("SQS delivery via a role, end to end", () => {
  let h: RepostsHarness;
  afterEach(() => h?.close());

  async function registerSqsSite(delivery: Record<string, unknown>) {
    return h.api("/api/sites", {
      method: "POST",
      json: { name: "成都市", level: "city", region: "510100", delivery: { type: "sqs", ...delivery } },
    });
  }

  it("delivers two documents' notices with one assumed session, verifiable with standardwebhooks", async () => {
    // Prepare
    const start = Date.now();
    const { sts, calls } = fakeSts(() => start);
    const { sent, send } = recordingSend();
    h = createRepostsHarness({
      start,
      reposts: { sqs: createSqsDeliverySender({ sts, send, now: () => h.clock.now().getTime() }) },
    });
    const res = await registerSqsSite({ queueUrl: QUEUE_URL, roleArn: ROLE_ARN });
    const site = (await res.json()) as { id: string; webhookSecret: string };
    const docs = [await h.submitRepost({ scope: "all" }), await h.submitRepost({ scope: "all" })];

    // Act
    await h.publish(docs);
    await h.runQueues();

    // Assess
    expect(res.status).toBe(201);
    expect(calls).toEqual([expect.objectContaining({ RoleArn: ROLE_ARN, ExternalId: site.id })]);
    expect(sent).toHaveLength(2);
    for (const s of sent) {
      expect(s.credentials?.accessKeyId).toBe("ASIA1");
      expect(new Webhook(site.webhookSecret).verify(s.body, { ...s.attributes })).toMatchObject({
        type: "repost.requested",
      });
    }
    const notices = (await Promise.all(docs.map((d) => h.notices(d)))).flat();
    expect(notices.map((n) => n.delivery.state)).toEqual(["delivered", "delivered"]);
  });

  it("records a refused AssumeRole as a failed attempt with the reason, and retries", async () => {
    // Prepare
    const start = Date.now();
    const { sts } = fakeSts(() => start, accessDenied());
    const { sent, send } = recordingSend();
    h = createRepostsHarness({
      start,
      reposts: { sqs: createSqsDeliverySender({ sts, send, now: () => h.clock.now().getTime() }) },
    });
    await registerSqsSite({ queueUrl: QUEUE_URL, roleArn: ROLE_ARN });
    const doc = await h.submitRepost({ scope: "all" });

    // Act
    await h.publish([doc]);
    await h.runQueues();

    // Assess
    const [notice] = (await h.notices(doc)) as RepostNotice[];
    expect(notice?.delivery).toMatchObject({ state: "retrying", attempts: 1, lastStatus: null });
    expect(notice?.delivery.lastError).toBe(
      `could not assume ${ROLE_ARN}: AccessDenied: User is not authorized to perform: sts:AssumeRole`,
    );
    expect(sent).toEqual([]);
  });

  it.each([
    ["not an ARN", "gazette-repost-chengdu"],
    ["a user, not a role", "arn:aws:iam::123456789012:user/gazette-repost-chengdu"],
    ["outside the agreed names", "arn:aws:iam::123456789012:role/chengdu-sender"],
    ["with a path", "arn:aws:iam::123456789012:role/sites/gazette-repost-chengdu"],
    ["a short account", "arn:aws:iam::1234:role/gazette-repost-chengdu"],
  ])("refuses a roleArn that is %s with 400 naming the field", async (_, roleArn) => {
    // Prepare
    h = createRepostsHarness();

    // Act
    const res = await registerSqsSite({ queueUrl: QUEUE_URL, roleArn });

    // Assess
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: unknown };
    const problems = (Array.isArray(body.error) ? body.error : [body.error]) as {
      field: string;
      message: string;
    }[];
    expect(problems).toEqual([
      expect.objectContaining({
        field: "delivery.roleArn",
        message: expect.stringContaining("gazette-repost-"),
      }),
    ]);
  });

  it("stores and shows a valid roleArn", async () => {
    // Prepare
    h = createRepostsHarness();

    // Act
    const res = await registerSqsSite({ queueUrl: QUEUE_URL, roleArn: ROLE_ARN });
    const { id } = (await res.json()) as { id: string };
    const shown = await h.api(`/api/sites/${id}`);

    // Assess
    expect(res.status).toBe(201);
    expect(await shown.json()).toMatchObject({
      delivery: { type: "sqs", queueUrl: QUEUE_URL, roleArn: ROLE_ARN },
    });
  });
});

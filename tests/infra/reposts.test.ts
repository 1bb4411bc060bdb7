import { beforeAll, describe, expect, test } from "vitest";
import {
  asArray,
  type CfnResource,
  policyStatements,
  propOf,
  resourcesOf,
  type SynthesisedGazette,
  sharedGazette,
  synthGazette,
} from "./helpers.js";

let gazette: SynthesisedGazette;

beforeAll(() => {
  gazette = sharedGazette();
});

function functionOf(service: string): { id: string; fn: CfnResource } {
  const entries = Object.entries(resourcesOf(gazette.statelessTemplate, "AWS::Lambda::Function")).filter(
    ([, fn]) =>
      propOf<{ Variables?: Record<string, unknown> }>(fn, "Environment")?.Variables
        ?.POWERTOOLS_SERVICE_NAME === service,
  );
  if (entries.length !== 1) throw new Error(`expected one function for ${service}`);
  const [id, fn] = entries[0]!;
  return { id, fn };
}

function inlineStatementsOf(service: string) {
  const { fn } = functionOf(service);
  const roleId = propOf<{ "Fn::GetAtt": [string, string] }>(fn, "Role")["Fn::GetAtt"][0];
  return Object.values(resourcesOf(gazette.statelessTemplate, "AWS::IAM::Policy"))
    .filter((p) => JSON.stringify(p.Properties?.Roles).includes(`"${roleId}"`))
    .flatMap((p) => policyStatements(p));
}

const logicalId = (token: string) =>
  (gazette.stateless.resolve(token) as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];

/** Logical ids of the queues a function may send to. */
function sendTargets(service: string): string[] {
  return inlineStatementsOf(service)
    .filter((s) => asArray(s.Action).includes("sqs:SendMessage"))
    .flatMap((s) => asArray(s.Resource))
    .map((r) => (r as { "Fn::GetAtt"?: [string, string] })["Fn::GetAtt"]?.[0] ?? JSON.stringify(r));
}

describe("reposts on AWS", () => {
  test("the fan-out and delivery queues have dead-letter queues with alarms on their depth", () => {
    // Prepare
    const { fanout, delivery } = gazette.stateless.repostQueues;

    // Act
    const alarms = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::CloudWatch::Alarm"));

    // Assess
    for (const q of [fanout, delivery]) {
      const queue = resourcesOf(gazette.statelessTemplate, "AWS::SQS::Queue")[logicalId(q.queue.queueArn)];
      expect(queue?.Properties?.RedrivePolicy).toMatchObject({
        deadLetterTargetArn: { "Fn::GetAtt": [logicalId(q.deadLetterQueue.queueArn), "Arn"] },
        maxReceiveCount: 5,
      });
      const dlqName = gazette.stateless.resolve(q.deadLetterQueue.queueName);
      expect(
        alarms.some((a) =>
          JSON.stringify(a.Properties?.Dimensions ?? a.Properties).includes(JSON.stringify(dlqName)),
        ),
      ).toBe(true);
    }
  });

  test.each([
    ["gazette-repost-fanout", "fanout", 1],
    ["gazette-repost-delivery", "delivery", 10],
  ] as const)("%s consumes its queue with partial-batch failure reporting", (service, queue, batchSize) => {
    // Prepare
    const { id } = functionOf(service);
    const source = gazette.stateless.repostQueues[queue].queue;

    // Act
    const mappings = Object.values(
      resourcesOf(gazette.statelessTemplate, "AWS::Lambda::EventSourceMapping"),
    ).filter((m) => propOf<{ Ref?: string }>(m, "FunctionName").Ref === id);

    // Assess
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties).toMatchObject({
      BatchSize: batchSize,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      EventSourceArn: { "Fn::GetAtt": [logicalId(source.queueArn), "Arn"] },
    });
  });

  test("each repost function may send only where its work goes", () => {
    // Prepare
    const { fanout, delivery } = gazette.stateless.repostQueues;
    const events = gazette.stateless.eventsQueue;

    // Act
    const targets = {
      fanout: sendTargets("gazette-repost-fanout").sort(),
      delivery: sendTargets("gazette-repost-delivery").sort(),
      tick: sendTargets("gazette-repost-tick").sort(),
      api: sendTargets("gazette-api"),
      repostsApi: sendTargets("gazette-api-reposts"),
    };

    // Assess
    expect(targets.fanout).toEqual(
      [fanout.queue, fanout.deadLetterQueue, delivery.queue].map((q) => logicalId(q.queueArn)).sort(),
    );
    expect(targets.delivery).toEqual(
      [
        ...[delivery.queue, delivery.deadLetterQueue].map((q) => logicalId(q.queueArn)),
        JSON.stringify("arn:aws:sqs:*:*:gazette-repost-*"),
      ].sort(),
    );
    // …and its own dead-letter queue, where Lambda puts an asynchronous invocation that failed; its
    // outbox relay sends what a request could not (document.accepted, an archive job's units), and
    // it asks the publisher for a log checkpoint while entries wait for one (issue 14).
    const tickFailures = gazette.stateless.reposts.tickDeadLetterQueue;
    const archive = gazette.stateless.archiveQueue.queue;
    const publishing = gazette.stateless.publishingQueue.queue;
    expect(targets.tick).toEqual(
      [delivery.queue, events.queue, archive, publishing, tickFailures]
        .map((q) => logicalId(q.queueArn))
        .sort(),
    );
    // The reposts API (a site's acknowledgement) queues the page's verification, and nothing else;
    // the api function, which no longer serves the reposts routes, sends to neither repost queue.
    expect(targets.repostsApi).toEqual([logicalId(delivery.queue.queueArn)]);
    expect(targets.api).not.toContain(logicalId(delivery.queue.queueArn));
    expect(targets.api).not.toContain(logicalId(fanout.queue.queueArn));
  });

  test("only the delivery function may assume roles: sites' gazette-repost-* roles, with an external id", () => {
    // Prepare
    const services = [
      "gazette-repost-fanout",
      "gazette-repost-delivery",
      "gazette-repost-tick",
      "gazette-api",
    ];

    // Act
    const assumes = Object.fromEntries(
      services.map((service) => [
        service,
        inlineStatementsOf(service).filter((s) =>
          asArray(s.Action).some((a) => String(a).startsWith("sts:")),
        ),
      ]),
    );

    // Assess
    expect(assumes["gazette-repost-fanout"]).toEqual([]);
    expect(assumes["gazette-repost-tick"]).toEqual([]);
    expect(assumes["gazette-api"]).toEqual([]);
    expect(assumes["gazette-repost-delivery"]).toEqual([
      {
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: "arn:aws:iam::*:role/gazette-repost-*",
        Condition: {
          Null: { "sts:ExternalId": "false" },
          StringLike: { "sts:RoleSessionName": "gazette-repost-*" },
        },
      },
    ]);
  });

  test("no repost function may write to S3", () => {
    // Prepare / Act
    const actions = ["gazette-repost-fanout", "gazette-repost-delivery", "gazette-repost-tick"].flatMap(
      (service) => inlineStatementsOf(service).flatMap((s) => asArray(s.Action)),
    );

    // Assess
    expect(actions.filter((a) => /^s3:(Put|Delete)/.test(a))).toEqual([]);
  });

  test("an EventBridge schedule runs the tick every 15 minutes", () => {
    // Prepare
    const { id } = functionOf("gazette-repost-tick");

    // Act
    // (the migrations' schedule, infra/constructs/gazette-migrations.ts, is another rule)
    const rules = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::Events::Rule")).filter((r) =>
      JSON.stringify(r.Properties?.Targets).includes(`"${id}"`),
    );

    // Assess
    expect(rules).toEqual([
      expect.objectContaining({
        Properties: expect.objectContaining({
          ScheduleExpression: "rate(15 minutes)",
          Targets: [expect.objectContaining({ Arn: { "Fn::GetAtt": [id, "Arn"] } })],
        }),
      }),
    ]);
  });

  test("repost links use the public address given by -c publicBaseUrl, else the custom domain", () => {
    // Prepare
    const withBase = synthGazette({ context: { publicBaseUrl: "https://gazette.example.gov.cn/" } });
    const withDomain = synthGazette({
      context: {
        siteDomainName: "gongbao.example.gov.cn",
        siteCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
      },
    });
    const env = (g: SynthesisedGazette) =>
      Object.values(resourcesOf(g.statelessTemplate, "AWS::Lambda::Function"))
        .map((fn) => propOf<{ Variables: Record<string, unknown> }>(fn, "Environment").Variables)
        .find((v) => v.POWERTOOLS_SERVICE_NAME === "gazette-repost-delivery");

    // Act
    const given = env(withBase)?.GAZETTE_BASE_URL;
    const fromDomain = env(withDomain)?.GAZETTE_BASE_URL;

    // Assess
    expect(given).toBe("https://gazette.example.gov.cn");
    expect(fromDomain).toBe("https://gongbao.example.gov.cn");
  });

  test("synthesis without a public address (publicBaseUrl or a site domain) fails and says what to pass", () => {
    // Act
    const synth = () => synthGazette({ context: { publicBaseUrl: "" } });

    // Assess
    expect(synth).toThrow(/public address is missing: synthesise with -c publicBaseUrl=https:\/\//);
  });

  test("a publicBaseUrl that is not an http(s) URL is refused at synthesis", () => {
    // Act
    const synth = () => synthGazette({ context: { publicBaseUrl: "gazette.example.gov.cn" } });

    // Assess
    expect(synth).toThrow(/publicBaseUrl must be an http\(s\) URL/);
  });
});

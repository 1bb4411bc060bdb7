import { Duration, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, test } from "vitest";
import { QueueWithDlq, queueUrlEnvName } from "../../infra/constructs/queue-with-dlq.js";
import { resourcesOf, testApp } from "./helpers.js";

function queueStack(props: Partial<ConstructorParameters<typeof QueueWithDlq>[2]> = {}) {
  const stack = new Stack(testApp(), "QueueTest");
  const queue = new QueueWithDlq(stack, "Jobs", { logicalName: "jobs", ...props });
  return { stack, queue, template: Template.fromStack(stack) };
}

describe("QueueWithDlq", () => {
  test("redrives to its DLQ after 5 receives by default", () => {
    // Prepare / Act
    const { stack, queue, template } = queueStack();

    // Assess
    const dlqArn = stack.resolve(queue.deadLetterQueue.queueArn);
    template.hasResourceProperties("AWS::SQS::Queue", {
      RedrivePolicy: { deadLetterTargetArn: dlqArn, maxReceiveCount: 5 },
      VisibilityTimeout: 30,
    });
  });

  test("honours maxReceiveCount and visibilityTimeout props", () => {
    // Prepare / Act
    const { template } = queueStack({ maxReceiveCount: 3, visibilityTimeout: Duration.minutes(2) });

    // Assess
    template.hasResourceProperties("AWS::SQS::Queue", {
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }),
      VisibilityTimeout: 120,
    });
  });

  test("keeps dead letters for 14 days", () => {
    // Prepare / Act
    const { stack, queue, template } = queueStack();

    // Assess
    const dlqId = (stack.resolve(queue.deadLetterQueue.queueUrl) as { Ref: string }).Ref;
    expect(template.toJSON().Resources[dlqId].Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  test("encrypts both queues with SQS-managed SSE and denies non-TLS access to both", () => {
    // Prepare / Act
    const { template } = queueStack();

    // Assess
    const queues = Object.values(resourcesOf(template, "AWS::SQS::Queue"));
    expect(queues).toHaveLength(2);
    for (const queue of queues) expect(queue.Properties?.SqsManagedSseEnabled).toBe(true);
    const policies = Object.values(resourcesOf(template, "AWS::SQS::QueuePolicy"));
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(JSON.stringify(policy.Properties?.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  test("alarms as soon as one message is visible in the DLQ", () => {
    // Prepare / Act
    const { stack, queue, template } = queueStack();

    // Assess
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "ApproximateNumberOfMessagesVisible",
      Namespace: "AWS/SQS",
      Dimensions: [{ Name: "QueueName", Value: stack.resolve(queue.deadLetterQueue.queueName) }],
      Threshold: 0,
      ComparisonOperator: "GreaterThanThreshold",
      EvaluationPeriods: 1,
      TreatMissingData: "notBreaching",
    });
  });

  test("names the URL environment variables the way src/config.ts reads them", () => {
    // Prepare
    const { stack, queue } = queueStack({ logicalName: "site-render" });

    // Act
    const env = stack.resolve(queue.environment()) as Record<string, unknown>;

    // Assess
    expect(Object.keys(env).sort()).toEqual([
      "GAZETTE_QUEUE_URL_SITE_RENDER",
      "GAZETTE_QUEUE_URL_SITE_RENDER_DLQ",
    ]);
    expect(queueUrlEnvName("events")).toBe("GAZETTE_QUEUE_URL_EVENTS");
  });

  test("rejects a logical name that cannot become an environment variable", () => {
    expect(() => queueStack({ logicalName: "Events_Queue" })).toThrow(/lower-kebab-case/);
  });

  test("rejects a maxReceiveCount outside 1..1000", () => {
    expect(() => queueStack({ maxReceiveCount: 0 })).toThrow(/maxReceiveCount/);
  });
});

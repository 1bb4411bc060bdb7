import { Duration, Validations } from "aws-cdk-lib";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { grantSend } from "./access.js";
import { QUEUE_CONSUMER_CONCURRENCY } from "./concurrency.js";
import type { BundleFile } from "./function-bundle.js";
import type { GazetteData } from "./gazette-data.js";
import { GazetteFunction } from "./gazette-function.js";
import { DEAD_LETTER_RETENTION, QueueWithDlq } from "./queue-with-dlq.js";

/** Queue names a site's own queue must match for SQS delivery (the delivery role may send only there). */
export const DEFAULT_SITE_QUEUE_NAME_PATTERN = "gazette-repost-*";
/**
 * Role names a site's own role must match for SQS delivery via a role the site grants (the
 * delivery role may assume only these; registration refuses other role ARNs).
 */
export const DEFAULT_SITE_ROLE_NAME_PATTERN = "gazette-repost-*";

/** The repost queues; created first, as the other functions need their URLs. */
export class RepostQueues extends Construct {
  public readonly fanout: QueueWithDlq;
  public readonly delivery: QueueWithDlq;

  constructor(scope: Construct, id: string, props: { fanoutTimeout: Duration; deliveryTimeout: Duration }) {
    super(scope, id);
    this.fanout = new QueueWithDlq(this, "Fanout", {
      logicalName: "repost-fanout",
      visibilityTimeout: Duration.seconds(props.fanoutTimeout.toSeconds() * 6),
      maxReceiveCount: 5,
    });
    this.delivery = new QueueWithDlq(this, "Delivery", {
      logicalName: "repost-delivery",
      visibilityTimeout: Duration.seconds(props.deliveryTimeout.toSeconds() * 6),
      maxReceiveCount: 5,
      // Retries hop through the queue for up to a day; keep undelivered work well beyond that.
      retentionPeriod: Duration.days(14),
    });
  }

  public environment(): Record<string, string> {
    return { ...this.fanout.environment(), ...this.delivery.environment() };
  }
}

export interface GazetteRepostsProps {
  readonly data: GazetteData;
  readonly queues: RepostQueues;
  /** Where overdue escalations go. */
  readonly eventsQueue: QueueWithDlq;
  readonly environment: Readonly<Record<string, string>>;
  /** Files each repost function reads at run time. */
  readonly files: readonly BundleFile[];
  readonly fanoutTimeout: Duration;
  readonly deliveryTimeout: Duration;
  /** @default DEFAULT_SITE_QUEUE_NAME_PATTERN */
  readonly siteQueueNamePattern?: string;
  /** One entry for all three functions (tests); default their own files under functions/. */
  readonly entry?: string;
  /** @default rate(15 minutes) */
  readonly tickSchedule?: Schedule;
}

/**
 * Reposts on AWS: the fan-out and delivery consumers (SQS, partial-batch failures), the tick on an
 * EventBridge schedule, and each function's least privileges.
 */
export class GazetteReposts extends Construct {
  public readonly fanoutFunction: GazetteFunction;
  public readonly deliveryFunction: GazetteFunction;
  public readonly tickFunction: GazetteFunction;
  public readonly tickRule: Rule;
  /**
   * Tick events EventBridge could not deliver after its retries, and runs that failed every retry
   * of the asynchronous invocation (alarmed in GazetteOperations).
   */
  public readonly tickDeadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: GazetteRepostsProps) {
    super(scope, id);
    const { data, queues, eventsQueue, environment, files } = props;

    this.fanoutFunction = new GazetteFunction(this, "FanoutFunction", {
      entry: props.entry ?? "functions/repost-fanout.ts",
      serviceName: "gazette-repost-fanout",
      description: "Reposts: one page of sites per message → notices → delivery messages",
      timeout: props.fanoutTimeout,
      files,
      environment,
    });
    // Least privilege: records, documents' content blobs (read), its own queue's next page and DLQ, deliveries.
    this.fanoutFunction.role.addManagedPolicy(data.tableReadWritePolicy);
    this.fanoutFunction.role.addManagedPolicy(data.documentContentReadPolicy);
    grantSend(queues.fanout.queue, this.fanoutFunction.function);
    grantSend(queues.fanout.deadLetterQueue, this.fanoutFunction.function);
    grantSend(queues.delivery.queue, this.fanoutFunction.function);
    this.fanoutFunction.function.addEventSource(
      new SqsEventSource(queues.fanout.queue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: QUEUE_CONSUMER_CONCURRENCY.fanout,
      }),
    );

    this.deliveryFunction = new GazetteFunction(this, "DeliveryFunction", {
      entry: props.entry ?? "functions/repost-delivery.ts",
      serviceName: "gazette-repost-delivery",
      description: "Reposts: signed webhooks / site-queue messages, verification of reposted pages",
      timeout: props.deliveryTimeout,
      files,
      environment,
    });
    // Least privilege: records, content blobs (read), its own queue (retry hops) and DLQ (exhausted).
    this.deliveryFunction.role.addManagedPolicy(data.tableReadWritePolicy);
    this.deliveryFunction.role.addManagedPolicy(data.documentContentReadPolicy);
    grantSend(queues.delivery.queue, this.deliveryFunction.function);
    grantSend(queues.delivery.deadLetterQueue, this.deliveryFunction.function);
    // SQS delivery to queues that sites own in their accounts: only queues named by the agreed
    // pattern, and the site's queue policy must also allow this role.
    const pattern = props.siteQueueNamePattern ?? DEFAULT_SITE_QUEUE_NAME_PATTERN;
    this.deliveryFunction.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ["sqs:SendMessage"], resources: [`arn:aws:sqs:*:*:${pattern}`] }),
    );
    // Or as a role the site grants: only roles named by the agreed pattern, only with an external id
    // (the site id; the site's trust policy checks it) and a gazette-repost-* session name.
    const rolePattern = DEFAULT_SITE_ROLE_NAME_PATTERN;
    this.deliveryFunction.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ["sts:AssumeRole"],
        resources: [`arn:aws:iam::*:role/${rolePattern}`],
        conditions: {
          Null: { "sts:ExternalId": "false" },
          StringLike: { "sts:RoleSessionName": "gazette-repost-*" },
        },
      }),
    );
    this.deliveryFunction.function.addEventSource(
      new SqsEventSource(queues.delivery.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        maxConcurrency: QUEUE_CONSUMER_CONCURRENCY.delivery,
      }),
    );

    // EventBridge invokes the tick asynchronously: an event it cannot deliver, or a run that fails
    // every retry, lands in this queue (the next tick redoes the work; the alarm shows the failure).
    this.tickDeadLetterQueue = new Queue(this, "TickDeadLetterQueue", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });
    Validations.of(this.tickDeadLetterQueue).acknowledge(
      {
        id: "AwsSolutions-SQS3",
        reason:
          "This queue is itself a dead-letter queue: the tick rule's EventBridge target DLQ (an SQS redrive policy cannot name it as such). Its depth is alarmed.",
      },
      {
        id: "Serverless-SQSRedrivePolicy",
        reason:
          "This queue is itself the dead-letter queue of the repost tick (EventBridge target and async invocations); a further DLQ would only move its events again.",
      },
    );
    this.tickFunction = new GazetteFunction(this, "TickFunction", {
      entry: props.entry ?? "functions/repost-tick.ts",
      serviceName: "gazette-repost-tick",
      description: "Reposts: reminders, overdue escalation, re-checks (EventBridge schedule)",
      timeout: Duration.minutes(5),
      files,
      environment,
      deadLetterQueue: this.tickDeadLetterQueue,
    });
    this.tickFunction.role.addManagedPolicy(data.tableReadWritePolicy);
    // The outbox relay promotes or deletes blobs a request left staged (src/platform/outbox.ts).
    this.tickFunction.role.addManagedPolicy(data.blobAccessPolicies.tick);
    grantSend(queues.delivery.queue, this.tickFunction.function);
    grantSend(eventsQueue.queue, this.tickFunction.function);
    this.tickRule = new Rule(this, "TickSchedule", {
      description: "Repost reminders, overdue escalation and re-checks",
      schedule: props.tickSchedule ?? Schedule.rate(Duration.minutes(15)),
      targets: [
        new LambdaFunction(this.tickFunction.function, {
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
          deadLetterQueue: this.tickDeadLetterQueue,
        }),
      ],
    });

    Validations.of(this.deliveryFunction.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:aws:sqs:*:*:${pattern}]`,
      reason:
        "SQS delivery goes to queues that subordinate sites own in their own accounts, unknown at deploy time: the wildcard allows only sqs:SendMessage on queues named by the agreed pattern, and each site's queue policy must grant this role as well.",
    });
    Validations.of(this.deliveryFunction.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:aws:iam::*:role/${rolePattern}]`,
      reason:
        "SQS delivery as a role a subordinate site grants in its own account, unknown at deploy time: the wildcard allows only sts:AssumeRole on roles named by the agreed pattern, only with an external id and a gazette-repost-* session name, and each role's trust policy must name this role and the site's id as the external id.",
    });
  }
}

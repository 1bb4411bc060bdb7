import { Duration, Validations } from "aws-cdk-lib";
import type { HttpApi } from "aws-cdk-lib/aws-apigatewayv2";
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IMetric,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { Rule } from "aws-cdk-lib/aws-events";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { GazetteFunction } from "./gazette-function.js";
import type { QueueWithDlq } from "./queue-with-dlq.js";

/** CloudWatch namespace of the business metrics the functions emit (src/platform/aws/metrics.ts). */
export const METRICS_NAMESPACE = "Gazette";

/** The business metrics, and which function (Powertools `service` dimension) emits each. */
export const BUSINESS_METRICS = [
  { name: "DocumentsAccepted", service: "gazette-api", label: "Documents accepted" },
  { name: "EditionsPublished", service: "gazette-publisher", label: "Editions published" },
  { name: "NoticesDelivered", service: "gazette-repost-delivery", label: "Repost notices delivered" },
  { name: "PagesOcrd", service: "gazette-archive", label: "Archive pages OCR'd" },
] as const;

export interface MonitoredQueue {
  readonly queue: QueueWithDlq;
  /** Alarm when the oldest message has waited longer than this. */
  readonly maxAge: Duration;
}

export interface GazetteOperationsProps {
  /** Every function of the stack, by a short name ("api", "publisher", …). */
  readonly functions: Readonly<Record<string, GazetteFunction>>;
  readonly queues: readonly MonitoredQueue[];
  readonly httpApi: HttpApi;
  /** The scheduled tick: its rule (FailedInvocations) and its target's dead-letter queue. */
  readonly tick: { readonly rule: Rule; readonly deadLetterQueue: IQueue };
  /** The migrations' schedule and its target's dead-letter queue (a failed run is alarmed). */
  readonly migrations?: { readonly rule: Rule; readonly deadLetterQueue: IQueue } | undefined;
  /**
   * Addresses subscribed to the alarm topic (each confirms the subscription e-mail once).
   * @default - none: subscribe later (SNS console, or redeploy with -c alarmEmail=…)
   */
  readonly alarmEmails?: readonly string[];
  /**
   * API Gateway 5xx answers in five minutes above which the API alarm fires.
   * @default 5
   */
  readonly api5xxThreshold?: number;
}

/**
 * What an operator watches: an SNS topic every alarm notifies (e-mail subscriptions by context),
 * alarms on each dead-letter queue, each function's errors and throttles, each queue's oldest
 * message, API Gateway 5xx and the tick's failed invocations, and one dashboard with all of it and
 * the business metrics.
 */
export class GazetteOperations extends Construct {
  public readonly topic: Topic;
  public readonly dashboard: Dashboard;
  /** Every alarm, by a stable name (e.g. "api-errors", "archive-age", "events-dlq"). */
  public readonly alarms: Readonly<Record<string, IAlarm>>;

  constructor(scope: Construct, id: string, props: GazetteOperationsProps) {
    super(scope, id);
    this.topic = new Topic(this, "AlarmTopic", {
      displayName: "Gazette alarms",
      enforceSSL: true,
    });
    Validations.of(this.topic).acknowledge({
      id: "AwsSolutions-SNS2",
      reason:
        "The topic carries only CloudWatch alarm state changes (names, thresholds, no content). CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key, and a customer-managed key would add $1/month and a key policy for no confidentiality gain.",
    });
    for (const email of props.alarmEmails ?? []) this.topic.addSubscription(new EmailSubscription(email));
    if (props.alarmEmails?.length) {
      Validations.of(this.topic).acknowledge({
        id: "Serverless-SNSRedrivePolicy",
        reason:
          "The subscriptions are alarm e-mails: a notification SNS could not deliver leaves nothing to replay, since the alarm stays in ALARM (on the dashboard and in CloudWatch) until it clears, and the OK message follows.",
      });
    }

    const alarms: Record<string, IAlarm> = {};
    const action = new SnsAction(this.topic);
    const add = (name: string, alarm: Alarm) => {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      alarms[name] = alarm;
    };
    const fiveMinutes = Duration.minutes(5);

    for (const { queue, maxAge } of props.queues) {
      add(`${queue.logicalName}-dlq`, queue.deadLetterAlarm);
      add(
        `${queue.logicalName}-age`,
        new Alarm(this, `${pascal(queue.logicalName)}AgeAlarm`, {
          alarmDescription: `The oldest message in the ${queue.logicalName} queue has waited over ${maxAge.toHumanString()}: its consumer is failing, throttled or capped too low.`,
          metric: queue.queue.metricApproximateAgeOfOldestMessage({
            period: fiveMinutes,
            statistic: "Maximum",
          }),
          threshold: maxAge.toSeconds(),
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    for (const [name, fn] of Object.entries(props.functions)) {
      add(
        `${name}-errors`,
        new Alarm(this, `${pascal(name)}ErrorsAlarm`, {
          alarmDescription: `The ${name} function failed (uncaught errors or timeouts) in the last five minutes: see its log group.`,
          metric: fn.function.metricErrors({ period: fiveMinutes, statistic: "Sum" }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
      add(
        `${name}-throttles`,
        new Alarm(this, `${pascal(name)}ThrottlesAlarm`, {
          alarmDescription: `The ${name} function was throttled: the account's concurrency is exhausted or a cap is too low.`,
          metric: fn.function.metricThrottles({ period: fiveMinutes, statistic: "Sum" }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    const api5xx = props.httpApi.metricServerError({ period: fiveMinutes, statistic: "Sum" });
    add(
      "api-5xx",
      new Alarm(this, "Api5xxAlarm", {
        alarmDescription:
          "API Gateway answered 5xx (integration errors, timeouts, the app's own 500/503) more than the threshold in five minutes.",
        metric: api5xx,
        threshold: props.api5xxThreshold ?? 5,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    const tickFailures = new Metric({
      namespace: "AWS/Events",
      metricName: "FailedInvocations",
      dimensionsMap: { RuleName: props.tick.rule.ruleName },
      period: fiveMinutes,
      statistic: "Sum",
    });
    add(
      "tick-failed-invocations",
      new Alarm(this, "TickFailedInvocationsAlarm", {
        alarmDescription:
          "EventBridge could not invoke the repost tick (reminders, escalations, re-checks stop until it can).",
        metric: tickFailures,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    if (props.migrations) {
      add(
        "migrations-dlq",
        new Alarm(this, "MigrationsDeadLetterAlarm", {
          alarmDescription:
            "A migration run failed after its retries (src/migrations): read the migration function's log; pending migrations stay pending.",
          metric: props.migrations.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(1),
            statistic: "Maximum",
          }),
          threshold: 0,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    add(
      "tick-dlq",
      new Alarm(this, "TickDeadLetterAlarm", {
        alarmDescription:
          "A scheduled tick event was dead-lettered after EventBridge's retries: inspect the tick's dead-letter queue.",
        metric: props.tick.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: "Maximum",
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    this.alarms = alarms;

    this.dashboard = new Dashboard(this, "Dashboard", {
      defaultInterval: Duration.hours(24),
    });
    const fns = Object.entries(props.functions);
    const perFunction = (metric: (fn: GazetteFunction) => IMetric) =>
      fns.map(([name, fn]) => withLabel(metric(fn), name));
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          "# Gazette\nAlarms notify the SNS topic in the stack outputs. Dead-letter queues: inspect, fix, redrive (docs/deploy.md).",
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new SingleValueWidget({
        title: "Business (24 h)",
        width: 24,
        metrics: BUSINESS_METRICS.map(
          (m) =>
            new Metric({
              namespace: METRICS_NAMESPACE,
              metricName: m.name,
              dimensionsMap: { service: m.service },
              statistic: "Sum",
              period: Duration.days(1),
              label: m.label,
            }),
        ),
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: "API requests and errors",
        width: 12,
        left: [
          props.httpApi.metricCount({ period: fiveMinutes, statistic: "Sum" }),
          props.httpApi.metricClientError({ period: fiveMinutes, statistic: "Sum" }),
          api5xx,
        ],
      }),
      new GraphWidget({
        title: "API latency (p50, p90, p99)",
        width: 12,
        left: ["p50", "p90", "p99"].map((statistic) =>
          props.httpApi.metricLatency({ period: fiveMinutes, statistic }),
        ),
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: "Function errors",
        width: 8,
        left: perFunction((fn) => fn.function.metricErrors({ period: fiveMinutes, statistic: "Sum" })),
      }),
      new GraphWidget({
        title: "Function throttles",
        width: 8,
        left: perFunction((fn) => fn.function.metricThrottles({ period: fiveMinutes, statistic: "Sum" })),
      }),
      new GraphWidget({
        title: "Function duration p90 (ms)",
        width: 8,
        left: perFunction((fn) => fn.function.metricDuration({ period: fiveMinutes, statistic: "p90" })),
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: "Queue depth (visible)",
        width: 8,
        left: props.queues.map(({ queue }) =>
          withLabel(
            queue.queue.metricApproximateNumberOfMessagesVisible({
              period: fiveMinutes,
              statistic: "Maximum",
            }),
            queue.logicalName,
          ),
        ),
      }),
      new GraphWidget({
        title: "Oldest message age (s)",
        width: 8,
        left: props.queues.map(({ queue }) =>
          withLabel(
            queue.queue.metricApproximateAgeOfOldestMessage({ period: fiveMinutes, statistic: "Maximum" }),
            queue.logicalName,
          ),
        ),
      }),
      new GraphWidget({
        title: "Dead-letter queues",
        width: 8,
        left: [
          ...props.queues.map(({ queue }) =>
            withLabel(
              queue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
                period: fiveMinutes,
                statistic: "Maximum",
              }),
              `${queue.logicalName}-dlq`,
            ),
          ),
          withLabel(
            props.tick.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
              period: fiveMinutes,
              statistic: "Maximum",
            }),
            "tick-dlq",
          ),
        ],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: "Concurrent executions (all functions)",
        width: 24,
        left: [
          new MathExpression({
            expression: fns.map((_, i) => `c${i}`).join(" + "),
            label: "sum",
            usingMetrics: Object.fromEntries(
              fns.map(([, fn], i) => [
                `c${i}`,
                fn.function.metric("ConcurrentExecutions", {
                  period: Duration.minutes(1),
                  statistic: "Maximum",
                }),
              ]),
            ),
            period: Duration.minutes(1),
          }),
        ],
      }),
    );
  }
}

function withLabel(metric: IMetric, label: string): IMetric {
  return metric instanceof Metric ? metric.with({ label }) : metric;
}

/** "repost-fanout" → "RepostFanout". */
function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
}

import { Duration, Validations } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

/** How long a dead-lettered message is kept: the SQS maximum, so an operator has two weeks to redrive. */
export const DEAD_LETTER_RETENTION = Duration.days(14);

export interface QueueWithDlqProps {
  /**
   * Logical queue name as the application knows it (lower-kebab-case, e.g. "events"). It only
   * names the environment variables (see {@link QueueWithDlq.environment}); the physical SQS names
   * stay CloudFormation-generated.
   */
  readonly logicalName: string;
  /**
   * Visibility timeout of the main queue. For a Lambda consumer use at least six times the
   * function timeout (AWS guidance), otherwise messages in flight are redelivered.
   * @default Duration.seconds(30)
   */
  readonly visibilityTimeout?: Duration;
  /**
   * Receives before a message moves to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * How long the main queue keeps an unprocessed message.
   * @default Duration.days(4) (the SQS default)
   */
  readonly retentionPeriod?: Duration;
}

/**
 * An SQS queue that always has a dead-letter queue: both SQS-managed SSE, both deny non-TLS access,
 * and an alarm fires as soon as anything lands in the DLQ.
 */
export class QueueWithDlq extends Construct {
  /** The working queue. */
  public readonly queue: Queue;
  /** Messages that failed `maxReceiveCount` times; kept 14 days. */
  public readonly deadLetterQueue: Queue;
  /** ApproximateNumberOfMessagesVisible on the DLQ > 0 (one-minute maximum). No action attached. */
  public readonly deadLetterAlarm: Alarm;
  /** See {@link QueueWithDlqProps.logicalName}. */
  public readonly logicalName: string;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(props.logicalName)) {
      throw new Error(`QueueWithDlq: logicalName must be lower-kebab-case, got "${props.logicalName}"`);
    }
    const maxReceiveCount = props.maxReceiveCount ?? 5;
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
      throw new Error(`QueueWithDlq: maxReceiveCount must be an integer in 1..1000, got ${maxReceiveCount}`);
    }
    this.logicalName = props.logicalName;

    this.deadLetterQueue = new Queue(this, "DeadLetterQueue", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: "Serverless-SQSRedrivePolicy",
      reason:
        "This is the dead-letter queue itself: messages that failed maxReceiveCount times end here to be inspected and redriven (its alarm fires on the first); a further DLQ would only move them again.",
    });
    this.queue = new Queue(this, "Queue", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout ?? Duration.seconds(30),
      retentionPeriod: props.retentionPeriod,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });

    this.deadLetterAlarm = new Alarm(this, "DeadLetterAlarm", {
      alarmDescription: `Messages in the ${props.logicalName} dead-letter queue: inspect them, fix the cause, redrive.`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: "Maximum",
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * The environment variables the application reads queue URLs from:
   * `GAZETTE_QUEUE_URL_<UPPER_SNAKE_LOGICAL_NAME>` and the same with `_DLQ` for the dead-letter queue
   * (src/config.ts maps them back to "events" and "events-dlq").
   */
  public environment(): Record<string, string> {
    const name = queueUrlEnvName(this.logicalName);
    return { [name]: this.queue.queueUrl, [`${name}_DLQ`]: this.deadLetterQueue.queueUrl };
  }
}

/** "events" → "GAZETTE_QUEUE_URL_EVENTS"; "site-render" → "GAZETTE_QUEUE_URL_SITE_RENDER". */
export function queueUrlEnvName(logicalName: string): string {
  return `GAZETTE_QUEUE_URL_${logicalName.toUpperCase().replaceAll("-", "_")}`;
}

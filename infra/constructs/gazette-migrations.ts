import { Duration, Validations } from "aws-cdk-lib";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { InvocationType, Trigger } from "aws-cdk-lib/triggers";
import { Construct, type IConstruct } from "constructs";
import type { GazetteData } from "./gazette-data.js";
import { GazetteFunction } from "./gazette-function.js";
import { DEAD_LETTER_RETENTION } from "./queue-with-dlq.js";

export interface GazetteMigrationsProps {
  readonly data: GazetteData;
  readonly environment: Readonly<Record<string, string>>;
  /** What must be deployed before the migrations run (the functions serving the new release). */
  readonly executeAfter?: readonly IConstruct[];
  /** @default "functions/migrate.ts" */
  readonly entry?: string;
  /** @default every 15 minutes */
  readonly schedule?: Schedule;
}

/** How long one invocation may run; a migration longer than that goes on at the next. */
export const MIGRATION_FUNCTION_TIMEOUT = Duration.minutes(14);

/**
 * The migrations (src/migrations) in AWS: one function that runs the pending ones; a trigger
 * (aws-cdk-lib/triggers) invokes it during each deploy that changes it, after the new release's
 * functions are in place, and waits for it (a migration that fails fails the deploy); a schedule
 * invokes it again every 15 minutes, so that a migration longer than one invocation goes on from
 * the cursor it stored. With nothing pending a run reads one record per migration.
 */
export class GazetteMigrations extends Construct {
  public readonly function: GazetteFunction;
  public readonly trigger: Trigger;
  public readonly schedule: Rule;
  public readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: GazetteMigrationsProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, "DeadLetterQueue", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });
    Validations.of(this.deadLetterQueue).acknowledge(
      {
        id: "AwsSolutions-SQS3",
        reason:
          "This queue is itself a dead-letter queue: the migration schedule's EventBridge target DLQ (an SQS redrive policy cannot name it as such).",
      },
      {
        id: "Serverless-SQSRedrivePolicy",
        reason:
          "This queue is itself the dead-letter queue of the migration function (EventBridge target and async invocations); a further DLQ would only move its events again.",
      },
    );
    this.function = new GazetteFunction(this, "Function", {
      entry: props.entry ?? "functions/migrate.ts",
      serviceName: "gazette-migrate",
      description: "Pending migrations of the stored records (trigger after deploy; schedule to continue)",
      timeout: MIGRATION_FUNCTION_TIMEOUT,
      // One runner at a time: two would only race for the same step (each stops on losing).
      reservedConcurrentExecutions: 1,
      environment: props.environment,
      deadLetterQueue: this.deadLetterQueue,
    });
    this.function.role.addManagedPolicy(props.data.tableReadWritePolicy);
    // Long documents keep their content in the blob bucket (documents/*); the 发文字号 re-key reads it.
    this.function.role.addManagedPolicy(props.data.documentContentReadPolicy);
    this.trigger = new Trigger(this, "AfterDeploy", {
      handler: this.function.function,
      invocationType: InvocationType.REQUEST_RESPONSE,
      timeout: MIGRATION_FUNCTION_TIMEOUT.plus(Duration.minutes(1)),
      executeOnHandlerChange: true,
      executeAfter: [...(props.executeAfter ?? [])] as Construct[],
    });
    this.schedule = new Rule(this, "Schedule", {
      description: "Continue pending migrations",
      schedule: props.schedule ?? Schedule.rate(Duration.minutes(15)),
      targets: [
        new LambdaFunction(this.function.function, {
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });
  }
}

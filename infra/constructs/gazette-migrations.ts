import { Duration, Stack, Validations } from "aws-cdk-lib";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { GazetteData } from "./gazette-data.js";
import { GazetteFunction } from "./gazette-function.js";
import { DEAD_LETTER_RETENTION } from "./queue-with-dlq.js";

export interface GazetteMigrationsProps {
  readonly data: GazetteData;
  readonly environment: Readonly<Record<string, string>>;
  /** @default "functions/migrate.ts" */
  readonly entry?: string;
  /** @default every 15 minutes */
  readonly schedule?: Schedule;
}

/** How long one invocation may run; a migration longer than that goes on at the next. */
export const MIGRATION_FUNCTION_TIMEOUT = Duration.minutes(14);

/**
 * The migrations (src/migrations) in AWS: one function that runs the pending ones. An EventBridge
 * rule invokes it when a deploy of this stack completes (CloudFormation's stack status change to
 * CREATE_COMPLETE or UPDATE_COMPLETE: the new release's functions are then all in place), and a
 * schedule every 15 minutes, so that a migration longer than one invocation goes on from the
 * cursor it stored. With nothing pending a run reads one record per migration. (Not a
 * aws-cdk-lib/triggers Trigger: it adds a custom-resource provider function outside the project's
 * function construct, with its own runtime, logging and permissions.)
 */
export class GazetteMigrations extends Construct {
  public readonly function: GazetteFunction;
  public readonly afterDeploy: Rule;
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
      description: "Pending migrations of the stored records (after each deploy; a schedule continues)",
      timeout: MIGRATION_FUNCTION_TIMEOUT,
      // One runner at a time: two would only race for the same step (each stops on losing).
      reservedConcurrentExecutions: 1,
      environment: props.environment,
      deadLetterQueue: this.deadLetterQueue,
    });
    this.function.role.addManagedPolicy(props.data.tableReadWritePolicy);
    // Long documents keep their content in the blob bucket (documents/*), which the 发文字号 re-key
    // reads; the log backfill checks each published edition's manifest (editions/*). Read only.
    this.function.role.addManagedPolicy(props.data.blobAccessPolicies.migrate);
    const target = () =>
      new LambdaFunction(this.function.function, {
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: this.deadLetterQueue,
      });
    this.afterDeploy = new Rule(this, "AfterDeploy", {
      description: "Run pending migrations when a deploy of the stack completes",
      eventPattern: {
        source: ["aws.cloudformation"],
        detailType: ["CloudFormation Stack Status Change"],
        resources: [Stack.of(this).stackId],
        detail: { "status-details": { status: ["CREATE_COMPLETE", "UPDATE_COMPLETE"] } },
      },
      targets: [target()],
    });
    this.schedule = new Rule(this, "Schedule", {
      description: "Continue pending migrations",
      schedule: props.schedule ?? Schedule.rate(Duration.minutes(15)),
      targets: [target()],
    });
  }
}

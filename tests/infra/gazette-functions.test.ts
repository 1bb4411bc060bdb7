import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, test } from "vitest";
import {
  asArray,
  type CfnResource,
  logicalIdOf,
  type PolicyStatementJson,
  policyStatements,
  propOf,
  resourcesOf,
  type SynthesisedGazette,
  sharedGazette,
} from "./helpers.js";

let gazette: SynthesisedGazette;

beforeAll(() => {
  gazette = sharedGazette();
});

/** The Lambda function resource whose POWERTOOLS_SERVICE_NAME is `service`. */
/** The SQS event source mappings that feed a function. */
function mappingsOf(functionId: string): CfnResource[] {
  return Object.values(resourcesOf(gazette.statelessTemplate, "AWS::Lambda::EventSourceMapping")).filter(
    (m) => propOf<{ Ref?: string }>(m, "FunctionName").Ref === functionId,
  );
}

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

/**
 * Every statement a function's role gets: inline policies in the stateless stack plus the managed
 * policies it attaches from the stateful stack (followed through Fn::GetStackOutput).
 */
function statementsOf(service: string): PolicyStatementJson[] {
  const { fn } = functionOf(service);
  const roleId = propOf<{ "Fn::GetAtt": [string, string] }>(fn, "Role")["Fn::GetAtt"][0];
  const inline = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::IAM::Policy"))
    .filter((p) => JSON.stringify(p.Properties?.Roles).includes(`"${roleId}"`))
    .flatMap((p) => policyStatements(p));
  const role = resourcesOf(gazette.statelessTemplate, "AWS::IAM::Role")[roleId];
  const outputs = gazette.statefulTemplate.toJSON().Outputs as Record<string, { Value: { Ref?: string } }>;
  const managed = asArray(role?.Properties?.ManagedPolicyArns as unknown[]).flatMap((arn) => {
    const outputName = (arn as { "Fn::GetStackOutput"?: { OutputName: string } })["Fn::GetStackOutput"]
      ?.OutputName;
    if (!outputName) throw new Error(`unexpected managed policy reference ${JSON.stringify(arn)}`);
    const policyId = outputs[outputName]?.Value.Ref;
    const policy = policyId
      ? resourcesOf(gazette.statefulTemplate, "AWS::IAM::ManagedPolicy")[policyId]
      : undefined;
    if (!policy) throw new Error(`managed policy for output ${outputName} not found`);
    return policyStatements(policy);
  });
  return [...inline, ...managed];
}

const actionsOf = (statements: PolicyStatementJson[]) => statements.flatMap((s) => asArray(s.Action));

describe("GazetteStateless functions", () => {
  test.each(["gazette-api", "gazette-events"])(
    "%s runs Node.js 22 on arm64 with active X-Ray tracing",
    (service) => {
      // Prepare / Act
      const { fn } = functionOf(service);

      // Assess
      expect(fn.Properties).toMatchObject({
        Runtime: "nodejs22.x",
        Architectures: ["arm64"],
        TracingConfig: { Mode: "Active" },
        Handler: "index.handler",
        LoggingConfig: { LogFormat: "JSON" },
      });
    },
  );

  test.each(["gazette-api", "gazette-events"])(
    "%s gets the table, buckets and queue URLs from its environment",
    (service) => {
      // Prepare
      const { fn } = functionOf(service);

      // Act
      const variables = propOf<{ Variables: Record<string, unknown> }>(fn, "Environment").Variables;

      // Assess
      expect(Object.keys(variables)).toEqual(
        expect.arrayContaining([
          "GAZETTE_BUCKET",
          "GAZETTE_MODE",
          "GAZETTE_PUBLISHING",
          "GAZETTE_QUEUE_URL_EVENTS",
          "GAZETTE_QUEUE_URL_EVENTS_DLQ",
          "GAZETTE_QUEUE_URL_PUBLISHING",
          "GAZETTE_SITE_BUCKET",
          "GAZETTE_TABLE",
          "LOG_LEVEL",
          "NODE_OPTIONS",
          "POWERTOOLS_SERVICE_NAME",
        ]),
      );
      // Configuration only: nothing else (no credentials) travels in the environment.
      expect(
        Object.keys(variables).filter(
          (name) =>
            !/^GAZETTE_/.test(name) &&
            !["LOG_LEVEL", "NODE_OPTIONS", "POWERTOOLS_SERVICE_NAME"].includes(name),
        ),
      ).toEqual([]);
      expect(variables).toMatchObject({
        GAZETTE_MODE: "aws",
        NODE_OPTIONS: "--enable-source-maps",
        LOG_LEVEL: "INFO",
      });
      const stack = gazette.stateless;
      expect(variables.GAZETTE_QUEUE_URL_EVENTS).toEqual(stack.resolve(stack.eventsQueue.queue.queueUrl));
      expect(variables.GAZETTE_QUEUE_URL_EVENTS_DLQ).toEqual(
        stack.resolve(stack.eventsQueue.deadLetterQueue.queueUrl),
      );
      for (const key of ["GAZETTE_TABLE", "GAZETTE_BUCKET", "GAZETTE_SITE_BUCKET"]) {
        expect(JSON.stringify(variables[key]), key).toContain('"StackName":"GazetteStateful"');
      }
    },
  );

  test.each([
    ["gazette-api", "ApiFunction"],
    ["gazette-events", "EventsFunction"],
  ])("%s logs to its own log group with a retention period", (service, prefix) => {
    // Prepare
    const { fn } = functionOf(service);
    const logGroupId = logicalIdOf(gazette.statelessTemplate, "AWS::Logs::LogGroup", `${prefix}LogGroup`);

    // Act
    const logGroup = resourcesOf(gazette.statelessTemplate, "AWS::Logs::LogGroup")[logGroupId];

    // Assess
    expect(fn.Properties?.LoggingConfig).toMatchObject({ LogGroup: { Ref: logGroupId } });
    expect(logGroup?.Properties?.RetentionInDays).toBe(90);
  });

  test("the events consumer reads the events queue in batches of 10 and reports item failures", () => {
    // Prepare
    const { id } = functionOf("gazette-events");
    const queueArn = gazette.stateless.resolve(gazette.stateless.eventsQueue.queue.queueArn);

    // Act
    const mappings = mappingsOf(id);

    // Assess
    expect(mappings).toHaveLength(1);
    gazette.statelessTemplate.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: id },
      EventSourceArn: queueArn,
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 5,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
  });

  test("the publisher takes one publication request at a time, for up to 15 minutes, with the fonts", () => {
    // Prepare
    const { id, fn } = functionOf("gazette-publisher");
    const queueArn = gazette.stateless.resolve(gazette.stateless.publishingQueue.queue.queueArn);

    // Act
    const mappings = mappingsOf(id);

    // Assess
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties).toMatchObject({
      EventSourceArn: queueArn,
      BatchSize: 1,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
    expect(fn.Properties?.Timeout).toBe(900);
    expect(propOf<{ Variables: Record<string, unknown> }>(fn, "Environment").Variables).toMatchObject({
      GAZETTE_PUBLISHING: "queued",
    });
  });

  test("the api function queues publications instead of rendering them within API Gateway's 30 s", () => {
    // Prepare / Act
    const { fn } = functionOf("gazette-api");
    const variables = propOf<{ Variables: Record<string, unknown> }>(fn, "Environment").Variables;

    // Assess
    expect(variables.GAZETTE_PUBLISHING).toBe("queued");
    expect(Object.keys(variables)).toContain("GAZETTE_QUEUE_URL_PUBLISHING");
  });

  test("no function role uses an AWS managed policy", () => {
    for (const role of Object.values(resourcesOf(gazette.statelessTemplate, "AWS::IAM::Role"))) {
      expect(JSON.stringify(role.Properties?.ManagedPolicyArns ?? [])).not.toContain(":iam::aws:policy/");
    }
  });
});

describe("least privilege", () => {
  test("the api function's policies list no wildcard actions", () => {
    // Prepare / Act
    const actions = actionsOf(statementsOf("gazette-api"));

    // Assess
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => action.includes("*"))).toEqual([]);
  });

  test("the api function may use the table and blob bucket and publish (not consume) events", () => {
    // Prepare / Act
    const actions = actionsOf(statementsOf("gazette-api"));

    // Assess
    expect(actions).toEqual(
      expect.arrayContaining([
        "dynamodb:GetItem",
        "dynamodb:UpdateItem",
        "dynamodb:Query",
        "s3:GetObject",
        "s3:PutObject",
      ]),
    );
    expect(actions).toContain("sqs:SendMessage");
    expect(actions).not.toContain("sqs:ReceiveMessage");
    expect(actions).not.toContain("sqs:DeleteMessage");
  });

  test("the events function may only read published files and copy them to the site bucket, and send only to its dead-letter queue, the repost fan-out queue and the publishing queue", () => {
    // Prepare
    const statements = statementsOf("gazette-events");
    const queues = resourcesOf(gazette.statelessTemplate, "AWS::SQS::Queue");
    const dlqIds = Object.values(queues).flatMap((q) => {
      const redrive = q.Properties?.RedrivePolicy as
        | { deadLetterTargetArn?: { "Fn::GetAtt": [string, string] } }
        | undefined;
      const target = redrive?.deadLetterTargetArn;
      return target ? [target["Fn::GetAtt"][0]] : [];
    });

    // Act
    const actions = actionsOf(statements);
    const sendTargets = statements
      .filter((st) => asArray(st.Action).includes("sqs:SendMessage"))
      .flatMap((st) => asArray(st.Resource))
      .map((r) => (r as { "Fn::GetAtt"?: [string, string] })["Fn::GetAtt"]?.[0]);

    // Assess
    const writes = statements.filter((st) => asArray(st.Action).includes("s3:PutObject"));
    expect(actions.filter((action) => action.startsWith("s3:")).sort()).toEqual(
      ["s3:GetObject", "s3:GetObject", "s3:ListBucket", "s3:PutObject"].sort(),
    );
    expect(actions).not.toContain("s3:DeleteObject");
    // Writes go to the site bucket's published prefixes only, never to the blob bucket.
    expect(writes).toHaveLength(1);
    for (const r of asArray(writes[0]?.Resource)) {
      expect(JSON.stringify(r)).toContain("SiteBucket");
      expect(JSON.stringify(r)).toMatch(/\/(editions|documents)\/\*/);
    }
    const fanoutId = (
      gazette.stateless.resolve(gazette.stateless.repostQueues.fanout.queue.queueArn) as {
        "Fn::GetAtt": [string, string];
      }
    )["Fn::GetAtt"][0];
    // The status changes it logs ask the publisher for a checkpoint (issue 14).
    const publishingId = (
      gazette.stateless.resolve(gazette.stateless.publishingQueue.queue.queueArn) as {
        "Fn::GetAtt": [string, string];
      }
    )["Fn::GetAtt"][0];
    expect(sendTargets.length).toBeGreaterThan(0);
    for (const target of sendTargets) expect([...dlqIds, fanoutId, publishingId]).toContain(target);
    expect(actions).toEqual(
      expect.arrayContaining(["dynamodb:GetItem", "sqs:ReceiveMessage", "sqs:DeleteMessage"]),
    );
  });

  test("the publisher may use the table and blob bucket, publish events, and consume only publication requests", () => {
    // Prepare
    const statements = statementsOf("gazette-publisher");
    const publishing = gazette.stateless.resolve(gazette.stateless.publishingQueue.queue.queueArn);

    // Act
    const actions = actionsOf(statements);
    const consumed = statements
      .filter((st) => asArray(st.Action).includes("sqs:ReceiveMessage"))
      .flatMap((st) => asArray(st.Resource));

    // Assess
    expect(actions).toEqual(
      expect.arrayContaining(["dynamodb:GetItem", "dynamodb:UpdateItem", "s3:GetObject", "s3:PutObject"]),
    );
    expect(actions.filter((action) => action.includes("*"))).toEqual([]);
    expect(consumed).toEqual([publishing]);
  });

  test.each(["gazette-api", "gazette-events", "gazette-publisher"])(
    "%s has Resource '*' only for X-Ray",
    (service) => {
      // Prepare
      const statements = statementsOf(service);

      // Act
      const wildcard = statements.filter((s) => asArray(s.Resource).includes("*"));

      // Assess
      expect(wildcard.length).toBeGreaterThan(0);
      for (const statement of wildcard) {
        expect(asArray(statement.Action).every((action) => action.startsWith("xray:"))).toBe(true);
      }
    },
  );

  test("the events queue policy lets nothing in without TLS", () => {
    gazette.statelessTemplate.hasResourceProperties("AWS::SQS::QueuePolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });
});

describe("queues in the Gazette app", () => {
  test("every queue either has a RedrivePolicy or is the dead-letter target of one (a Lambda event source or an EventBridge target)", () => {
    // Prepare
    const queues = resourcesOf(gazette.statelessTemplate, "AWS::SQS::Queue");

    // Act
    const deadLetterTargets = new Set(
      Object.values(queues)
        .map(
          (q) =>
            (
              q.Properties?.RedrivePolicy as
                | { deadLetterTargetArn: { "Fn::GetAtt": [string, string] } }
                | undefined
            )?.deadLetterTargetArn,
        )
        .filter((arn) => arn !== undefined)
        .map((arn) => arn["Fn::GetAtt"][0]),
    );
    for (const rule of Object.values(resourcesOf(gazette.statelessTemplate, "AWS::Events::Rule"))) {
      const targets = propOf<{ DeadLetterConfig?: { Arn: { "Fn::GetAtt": [string] } } }[]>(rule, "Targets");
      for (const target of targets) {
        if (target.DeadLetterConfig) deadLetterTargets.add(target.DeadLetterConfig.Arn["Fn::GetAtt"][0]);
      }
    }
    const orphans = Object.entries(queues).filter(
      ([id, q]) => !q.Properties?.RedrivePolicy && !deadLetterTargets.has(id),
    );

    // Assess
    expect(Object.keys(queues).length).toBeGreaterThan(0);
    expect(deadLetterTargets.size).toBeGreaterThan(0);
    expect(orphans.map(([id]) => id)).toEqual([]);
  });

  test("the events queue's visibility timeout is six times its consumer's timeout", () => {
    // Prepare
    const template = gazette.statelessTemplate;
    const [mapping] = mappingsOf(functionOf("gazette-events").id);
    const queueId = propOf<{ "Fn::GetAtt": [string, string] }>(mapping, "EventSourceArn")["Fn::GetAtt"][0];
    const functionId = propOf<{ Ref: string }>(mapping, "FunctionName").Ref;

    // Act
    const visibility = resourcesOf(template, "AWS::SQS::Queue")[queueId]?.Properties?.VisibilityTimeout;
    const timeout = resourcesOf(template, "AWS::Lambda::Function")[functionId]?.Properties?.Timeout;

    // Assess
    expect(timeout).toBe(30);
    expect(visibility).toBe(6 * 30);
  });
});

describe("stack outputs", () => {
  test("the stateless stack tells the operator the API URL, site URL and distribution id", () => {
    // Prepare / Act
    const outputs = Object.keys(gazette.statelessTemplate.toJSON().Outputs ?? {});

    // Assess
    expect(outputs).toEqual(
      expect.arrayContaining([
        "ApiUrl",
        "SiteUrl",
        "SiteDistributionId",
        "EventsDeadLetterQueueUrl",
        "PublishingDeadLetterQueueUrl",
      ]),
    );
  });
});

import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { logicalIdOf, resourcesOf, type SynthesisedGazette, sharedGazette } from "../infra/helpers.js";

describe("archive on AWS (CDK)", () => {
  let gazette: SynthesisedGazette;
  beforeAll(() => {
    gazette = sharedGazette();
  }, 120_000);

  it("has an archive queue whose messages go to a dead-letter queue after five receives", () => {
    // Prepare
    const dlq = logicalIdOf(gazette.statelessTemplate, "AWS::SQS::Queue", "ArchiveQueueDeadLetterQueue");

    // Assess
    gazette.statelessTemplate.hasResourceProperties("AWS::SQS::Queue", {
      VisibilityTimeout: 1800,
      RedrivePolicy: { deadLetterTargetArn: { "Fn::GetAtt": [dlq, "Arn"] }, maxReceiveCount: 5 },
    });
  });

  it("consumes it one page per invocation with partial-batch failures", () => {
    // Prepare
    const consumer = logicalIdOf(
      gazette.statelessTemplate,
      "AWS::Lambda::Function",
      "ArchiveConsumerFunction",
    );

    // Assess
    gazette.statelessTemplate.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: consumer },
      BatchSize: 1,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
    gazette.statelessTemplate.hasResourceProperties("AWS::Lambda::Function", {
      MemorySize: 3008,
      Timeout: 300,
      Environment: { Variables: Match.objectLike({ GAZETTE_MUPDF_WASM: "/var/task/dist/mupdf-wasm.wasm" }) },
    });
  });

  it("lets the archive API send to the archive queue and tells every function its URL", () => {
    // Prepare
    const queue = Object.keys(resourcesOf(gazette.statelessTemplate, "AWS::SQS::Queue")).find(
      (id) => id.startsWith("ArchiveQueue") && !id.includes("DeadLetter"),
    );
    const functions = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::Lambda::Function"));

    // Assess
    expect(queue).toBeDefined();
    for (const fn of functions) {
      const environment = fn.Properties?.Environment as { Variables: Record<string, unknown> } | undefined;
      expect(environment?.Variables.GAZETTE_QUEUE_URL_ARCHIVE).toEqual({ Ref: queue });
    }
    gazette.statelessTemplate.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: "sqs:SendMessage",
            Resource: { "Fn::GetAtt": [queue, "Arn"] },
          }),
        ]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp("^ArchiveApiFunctionRole") }],
    });
  });

  it("lets the archive API presign direct uploads: its role may PutObject under archive/scans/ of the blob bucket", () => {
    // Prepare
    const roles = resourcesOf(gazette.statelessTemplate, "AWS::IAM::Role");
    const apiRole = Object.entries(roles).find(([id]) => id.startsWith("ArchiveApiFunctionRole"))?.[1];
    const policies = resourcesOf(gazette.statefulTemplate, "AWS::IAM::ManagedPolicy");
    const blobPolicyId = Object.keys(policies).find((id) => id.startsWith("DataBlobArchiveApiPolicy"))!;
    const bucket = logicalIdOf(gazette.statefulTemplate, "AWS::S3::Bucket", "DataBlobBucket");

    // Assess: the archive API's role holds its blob policy, and that policy allows PutObject there
    expect(JSON.stringify(apiRole?.Properties?.ManagedPolicyArns)).toContain(blobPolicyId);
    const document = policies[blobPolicyId]?.Properties?.PolicyDocument as
      | { Statement: unknown[] }
      | undefined;
    const statements = document?.Statement;
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: "s3:PutObject",
          Resource: expect.arrayContaining([
            { "Fn::Join": ["", [{ "Fn::GetAtt": [bucket, "Arn"] }, "/archive/scans/*"]] },
          ]),
        }),
      ]),
    );
  });
});

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { App, Validations } from "aws-cdk-lib";
import { Bucket } from "aws-cdk-lib/aws-s3";
import { AwsSolutionsChecks, ServerlessChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { beforeAll, describe, expect, test } from "vitest";
import { GAZETTE_ROUTES } from "../../infra/constructs/gazette-api.js";
import { addGazetteStacks } from "../../infra/gazette-app.js";
import { cdkJsonContext, type SynthesisedGazette, synthGazette, TEST_PUBLIC_BASE_URL } from "./helpers.js";

/**
 * cdk-nag 3 is a policy-validation plugin (`Validations.of(app).addPlugins(...)`), not an Aspect: it
 * emits no Annotations, so `Annotations.fromStack(...).findError(...)` would always be empty. Its
 * findings go to the validation report, and any finding fails `app.synth()`. These tests check both,
 * plus the acknowledgements (v3's suppressions).
 */

/** Every acknowledgement in the tree: rule id (without the "Annotation::" prefix) → reasons. */
function acknowledgements(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  const found: Array<{ path: string; id: string; reason: string }> = [];
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ path: construct.node.path, id: id.replace(/^annotation::/i, ""), reason });
      }
    }
  }
  return found;
}

describe("cdk-nag AWS Solutions and Serverless checks", () => {
  let gazette: SynthesisedGazette;
  beforeAll(() => {
    // With CDK's built-in CloudFormation validation, exactly as `cdk synth` runs it.
    gazette = synthGazette({ cfnValidation: true });
  });

  test("the app synthesises with the checks registered and the validation report lists no violation", () => {
    // Prepare
    const reportFile = join(gazette.assemblyDir, "validation-report.json");

    // Act
    const report = JSON.parse(readFileSync(reportFile, "utf8")) as {
      pluginReports: Array<{ summary?: { status?: string }; violations?: unknown[]; conclusion?: string }>;
    };

    // Assess
    expect(existsSync(reportFile)).toBe(true);
    expect(JSON.stringify(report.pluginReports)).not.toMatch(/AwsSolutions-|Serverless-/);
    // The one deliberate warning: no web ACL until -c siteWebAclArn is given (tests/infra/edge.test.ts).
    const violations = report.pluginReports.flatMap((r) => (r.violations ?? []) as { ruleName?: string }[]);
    expect(violations.filter((v) => v.ruleName !== "Annotation::gazette:siteWebAclArn")).toEqual([]);
  });

  test.each([
    ["AwsSolutions", () => new AwsSolutionsChecks()],
    ["Serverless", () => new ServerlessChecks()],
  ])(
    "re-running the %s pack over the synthesised app finds no unacknowledged error or warning",
    (_, pack) => {
      // Act
      const result = pack().validateScope(gazette.app);

      // Assess
      expect(
        result.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath)}`),
      ).toEqual([]);
      expect(result.success).toBe(true);
    },
  );

  test("every event source mapping reads an SQS queue with a redrive policy (the reason of its Serverless acknowledgement)", () => {
    // Prepare
    const queues = gazette.statelessTemplate.findResources("AWS::SQS::Queue");
    const mappings = Object.values(
      gazette.statelessTemplate.findResources("AWS::Lambda::EventSourceMapping"),
    );

    // Act
    const sources = mappings.map(
      (m) => (m.Properties.EventSourceArn as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0],
    );

    // Assess
    expect(mappings.length).toBeGreaterThan(0);
    for (const id of sources) expect(queues[id]?.Properties?.RedrivePolicy, id).toBeDefined();
  });

  test("the repost tick's failures land in a dead-letter queue, from EventBridge and from its asynchronous invocations", () => {
    // Prepare
    const template = gazette.statelessTemplate;
    const tick = Object.entries(template.findResources("AWS::Lambda::Function")).find(
      ([, f]) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === "gazette-repost-tick",
    );
    const rule = Object.values(template.findResources("AWS::Events::Rule"))[0];

    // Act
    const functionDlq = tick?.[1].Properties.DeadLetterConfig?.TargetArn;
    const targetDlq = rule?.Properties.Targets?.[0]?.DeadLetterConfig?.Arn;

    // Assess
    expect(functionDlq).toEqual({ "Fn::GetAtt": [expect.stringMatching(/TickDeadLetterQueue/), "Arn"] });
    expect(targetDlq).toEqual(functionDlq);
  });

  test("every acknowledgement names one rule and gives a specific reason", () => {
    // Prepare / Act
    const acks = acknowledgements(gazette.app);

    // Assess
    expect(acks.length).toBeGreaterThan(0);
    for (const { path, id, reason } of acks) {
      expect(id, path).toMatch(
        /^(AwsSolutions-[A-Z]+\d+(\[.+\])?|Serverless-[A-Za-z]+|@aws-cdk\/[\w-]+:\w+)$/,
      );
      expect(reason.length, `${path} ${id}`).toBeGreaterThanOrEqual(60);
    }
  });

  test("the acknowledged rules are exactly the reviewed list", () => {
    // Prepare
    const reviewed = [
      "@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac", // OAC grant lives in the stateful bucket policy
      "AwsSolutions-APIG4", // public GET routes (x4), site-token repost routes (x3)
      "AwsSolutions-CFR1", // no geo restriction for an official gazette
      "AwsSolutions-CFR2", // no WAF unless siteWebAclArn
      "AwsSolutions-CFR4", // default CloudFront certificate unless a custom domain is configured
      "AwsSolutions-COG8", // console user pool without the Plus plan (threat protection); MFA required, admin-created accounts
      "AwsSolutions-IAM5[Resource::*]", // X-Ray (x2 roles)
      // Blob prefixes a function's code reads or writes (infra/constructs/access.ts); never the whole bucket.
      "AwsSolutions-IAM5[Resource::<DataBlobBucketE59139A7.Arn>/archive/items/*]",
      "AwsSolutions-IAM5[Resource::<DataBlobBucketE59139A7.Arn>/archive/jobs/*]",
      "AwsSolutions-IAM5[Resource::<DataBlobBucketE59139A7.Arn>/archive/scans/*]",
      "AwsSolutions-IAM5[Resource::<DataBlobBucketE59139A7.Arn>/documents/*]",
      "AwsSolutions-IAM5[Resource::<DataBlobBucketE59139A7.Arn>/editions/*]",
      "AwsSolutions-IAM5[Resource::<DataBlobBucketE59139A7.Arn>/originals/*]",
      "AwsSolutions-IAM5[Resource::<DataSiteBucketA111EFA4.Arn>/documents/*]", // published files → site (write)
      "AwsSolutions-IAM5[Resource::<DataSiteBucketA111EFA4.Arn>/editions/*]", // published files → site (write)
      "AwsSolutions-IAM5[Resource::<DataStagingBucket6DA6D6C6.Arn>/responses/*]", // answers too large for Lambda (every API function)
      "AwsSolutions-IAM5[Resource::<DataStagingBucket6DA6D6C6.Arn>/staging/*]", // staged blobs of requests not yet committed (api, tick)
      "AwsSolutions-IAM5[Resource::arn:aws:iam::*:role/gazette-repost-*]", // roles sites grant for SQS delivery
      "AwsSolutions-IAM5[Resource::arn:aws:sqs:*:*:gazette-repost-*]", // site-owned delivery queues
      "AwsSolutions-L1", // Node.js 22 pinned (x2 functions)
      "AwsSolutions-S1", // the access-log bucket itself
      "AwsSolutions-SNS2", // alarm topic: CloudWatch cannot publish to the AWS-managed SNS key; no content
      "AwsSolutions-SQS3", // the tick's DLQ (EventBridge target, async invocations) is itself a dead-letter queue
      "Serverless-LambdaDLQ", // synchronously invoked functions (all but the tick)
      "Serverless-LambdaEventSourceMappingDestination", // SQS sources take no on-failure destination
      "Serverless-LambdaLatestVersion", // Node.js 22 pinned
      "Serverless-SQSRedrivePolicy", // dead-letter queues themselves
    ];

    // Act
    const ids = [...new Set(acknowledgements(gazette.app).map((a) => a.id))].sort();

    // Assess
    expect(ids).toEqual([...reviewed].sort());
  });

  test("the no-authoriser acknowledgement covers only public GET routes and the site-token repost routes", () => {
    // Prepare / Act
    const apig4 = acknowledgements(gazette.app).filter((a) => a.id === "AwsSolutions-APIG4");

    // Assess
    const open = GAZETTE_ROUTES.filter((r) => r.access !== "editor" && r.access !== "console").map(
      (r) => `${r.method}--${r.path.split("/").filter(Boolean).join("--")}`,
    );
    expect(apig4.map((a) => a.path.split("/").pop()).sort()).toEqual(open.sort());
  });

  test("a non-compliant resource fails synthesis, so the checks are really wired in", () => {
    // Prepare
    const app = new App({
      builtinCloudFormationValidation: false,
      stackTraces: false,
      context: { ...cdkJsonContext(), "aws:cdk:bundling-stacks": [], publicBaseUrl: TEST_PUBLIC_BASE_URL },
    });
    const { stateful } = addGazetteStacks(app);
    new Bucket(stateful, "UnloggedBucket", { enforceSSL: false });

    // Act
    const synth = () => app.synth();

    // Assess
    expect(synth).toThrow(/AwsSolutions-S1/);
  });
});

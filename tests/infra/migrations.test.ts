import { beforeAll, describe, expect, test } from "vitest";
import { MIGRATION_FUNCTION_TIMEOUT } from "../../infra/constructs/gazette-migrations.js";
import { type CfnResource, propOf, resourcesOf, type SynthesisedGazette, sharedGazette } from "./helpers.js";

let gazette: SynthesisedGazette;

beforeAll(() => {
  gazette = sharedGazette();
});

function migrationFunction(): { id: string; fn: CfnResource } {
  const entries = Object.entries(resourcesOf(gazette.statelessTemplate, "AWS::Lambda::Function")).filter(
    ([, fn]) => serviceOf(fn) === "gazette-migrate",
  );
  expect(entries).toHaveLength(1);
  const [id, fn] = entries[0]!;
  return { id, fn };
}

const serviceOf = (fn: CfnResource) =>
  (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables
    ?.POWERTOOLS_SERVICE_NAME;

const refersTo = (value: unknown, logicalId: string) => JSON.stringify(value).includes(`"${logicalId}"`);

describe("migrations in AWS", () => {
  test("a deploy of the stack that completes invokes the migration function", () => {
    // Prepare
    const { id } = migrationFunction();

    // Act
    const rules = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::Events::Rule")).filter(
      (rule) => rule.Properties?.EventPattern !== undefined && refersTo(propOf(rule, "Targets"), id),
    );

    // Assess: on this stack's own status change to a completed deploy, retried, then dead-lettered
    expect(rules).toHaveLength(1);
    const pattern = propOf<Record<string, unknown>>(rules[0]!, "EventPattern");
    expect(pattern).toMatchObject({
      source: ["aws.cloudformation"],
      "detail-type": ["CloudFormation Stack Status Change"],
      resources: [{ Ref: "AWS::StackId" }],
      detail: { "status-details": { status: ["CREATE_COMPLETE", "UPDATE_COMPLETE"] } },
    });
    expect(propOf<Record<string, unknown>[]>(rules[0]!, "Targets")[0]).toMatchObject({
      RetryPolicy: { MaximumRetryAttempts: 2 },
      DeadLetterConfig: expect.anything(),
    });
    expect(propOf(migrationFunctionResource(), "Timeout")).toBe(MIGRATION_FUNCTION_TIMEOUT.toSeconds());
  });

  test("a schedule invokes it again, so that a long migration goes on from its stored cursor", () => {
    // Prepare
    const { id } = migrationFunction();

    // Act
    const rules = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::Events::Rule")).filter(
      (rule) => rule.Properties?.ScheduleExpression !== undefined && refersTo(propOf(rule, "Targets"), id),
    );

    // Assess
    expect(rules).toHaveLength(1);
    expect(propOf(rules[0]!, "ScheduleExpression")).toBe("rate(15 minutes)");
    expect(propOf(migrationFunctionResource(), "ReservedConcurrentExecutions")).toBe(1);
  });

  test("it may read and write the table, and nothing else of the data but long documents' content and the editions' manifests", () => {
    // Prepare
    const { fn } = migrationFunction();
    const roleId = propOf<{ "Fn::GetAtt": [string, string] }>(fn, "Role")["Fn::GetAtt"][0];

    // Act
    const role = resourcesOf(gazette.statelessTemplate, "AWS::IAM::Role")[roleId]!;
    const managed = JSON.stringify(propOf(role, "ManagedPolicyArns"));

    // Assess
    expect(managed).toMatch(/TableReadWrite/i);
    expect(managed).toMatch(/BlobMigratePolicy/i);
    expect(managed).not.toMatch(/SitePublish|Publisher/i);
  });
});

function migrationFunctionResource(): CfnResource {
  return migrationFunction().fn;
}

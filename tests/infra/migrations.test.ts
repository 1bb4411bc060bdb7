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
  test("a trigger runs the migration function after each deploy that changes it, and waits for it", () => {
    // Prepare
    const { id } = migrationFunction();
    const versions = Object.entries(resourcesOf(gazette.statelessTemplate, "AWS::Lambda::Version")).filter(
      ([, v]) => refersTo(v.Properties?.FunctionName, id),
    );

    // Act
    const triggers = Object.entries(resourcesOf(gazette.statelessTemplate, "Custom::Trigger"));

    // Assess: one trigger, invoking the function's current version (a new version per code change)
    expect(versions).toHaveLength(1);
    expect(triggers).toHaveLength(1);
    const [triggerId, trigger] = triggers[0]!;
    expect(refersTo(propOf(trigger, "HandlerArn"), versions[0]![0])).toBe(true);
    expect(propOf(trigger, "InvocationType")).toBe("RequestResponse");
    expect(Number(propOf(trigger, "Timeout"))).toBeGreaterThan(MIGRATION_FUNCTION_TIMEOUT.toMilliseconds());
    expect(propOf(migrationFunctionResource(), "Timeout")).toBe(MIGRATION_FUNCTION_TIMEOUT.toSeconds());
    // After the new release's functions are in place
    const dependsOn = JSON.stringify(gazette.statelessTemplate.toJSON().Resources[triggerId].DependsOn ?? []);
    for (const service of ["gazette-api", "gazette-events", "gazette-publisher"]) {
      const [fnId] = Object.entries(resourcesOf(gazette.statelessTemplate, "AWS::Lambda::Function")).find(
        ([, fn]) => serviceOf(fn) === service,
      )!;
      expect(dependsOn).toContain(fnId);
    }
  });

  test("a schedule invokes it again, so that a long migration goes on from its stored cursor", () => {
    // Prepare
    const { id } = migrationFunction();

    // Act
    const rules = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::Events::Rule")).filter((rule) =>
      refersTo(propOf(rule, "Targets"), id),
    );

    // Assess
    expect(rules).toHaveLength(1);
    expect(propOf(rules[0]!, "ScheduleExpression")).toBe("rate(15 minutes)");
    expect(propOf(migrationFunctionResource(), "ReservedConcurrentExecutions")).toBe(1);
  });

  test("it may read and write the table, and nothing else of the data but long documents' content", () => {
    // Prepare
    const { fn } = migrationFunction();
    const roleId = propOf<{ "Fn::GetAtt": [string, string] }>(fn, "Role")["Fn::GetAtt"][0];

    // Act
    const role = resourcesOf(gazette.statelessTemplate, "AWS::IAM::Role")[roleId]!;
    const managed = JSON.stringify(propOf(role, "ManagedPolicyArns"));

    // Assess
    expect(managed).toMatch(/TableReadWrite/i);
    expect(managed).toMatch(/DocumentContentRead/i);
    expect(managed).not.toMatch(/SitePublish|Publisher/i);
  });
});

function migrationFunctionResource(): CfnResource {
  return migrationFunction().fn;
}

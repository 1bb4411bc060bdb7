import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, test } from "vitest";
import { DEFAULT_RATE_LIMIT_PER_5_MIN } from "../../infra/stacks/gazette-edge-stack.js";
import { propOf, resourcesOf, sharedGazette, synthGazette } from "./helpers.js";

const ACL_ARN =
  "arn:aws:wafv2:us-east-1:123456789012:global/webacl/gazette/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

/** The synthesis warnings about the web ACL, as `cdk synth` reports them. */
function warnings(assemblyDir: string): string[] {
  const report = JSON.parse(readFileSync(join(assemblyDir, "validation-report.json"), "utf8")) as {
    pluginReports: { violations?: { ruleName?: string; description?: string }[] }[];
  };
  return report.pluginReports
    .flatMap((r) => r.violations ?? [])
    .filter((v) => v.ruleName === "Annotation::gazette:siteWebAclArn")
    .map((v) => v.description ?? "");
}

describe("WAF on CloudFront", () => {
  test("GazetteEdge, in us-east-1, holds a CLOUDFRONT web ACL whose first rule blocks an IP over the rate limit", () => {
    // Prepare
    const gazette = sharedGazette();

    // Act
    const template = Template.fromStack(gazette.edge!);
    const acls = Object.values(resourcesOf(template, "AWS::WAFv2::WebACL"));
    const rules = propOf<
      { Name: string; Priority: number; Action?: unknown; Statement: Record<string, unknown> }[]
    >(acls[0], "Rules");

    // Assess
    expect(gazette.edge?.region).toBe("us-east-1");
    expect(acls).toHaveLength(1);
    expect(acls[0]?.Properties).toMatchObject({ Scope: "CLOUDFRONT", DefaultAction: { Allow: {} } });
    const first = [...rules].sort((a, b) => a.Priority - b.Priority)[0];
    expect(first).toMatchObject({
      Action: { Block: {} },
      Statement: { RateBasedStatement: { Limit: DEFAULT_RATE_LIMIT_PER_5_MIN, AggregateKeyType: "IP" } },
    });
    expect(rules.map((r) => r.Name)).toEqual(
      expect.arrayContaining(["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"]),
    );
    expect(Object.keys(template.toJSON().Outputs ?? {})).toContain("WebAclArn");
  });

  test("synthesis warns while the distribution has no web ACL, and attaches the one given by siteWebAclArn", () => {
    // Prepare / Act
    const without = sharedGazette();
    const withAcl = synthGazette({ context: { siteWebAclArn: ACL_ARN } });
    const distribution = Object.values(
      resourcesOf(withAcl.statelessTemplate, "AWS::CloudFront::Distribution"),
    )[0];

    // Assess
    expect(warnings(without.assemblyDir)).toEqual([
      expect.stringContaining("deploy GazetteEdge, then deploy GazetteStateless with -c siteWebAclArn"),
    ]);
    expect(warnings(withAcl.assemblyDir)).toEqual([]);
    expect(propOf<{ WebACLId: string }>(distribution, "DistributionConfig").WebACLId).toBe(ACL_ARN);
  });

  test("-c waf=false leaves the edge stack out; another value fails synthesis", () => {
    // Prepare / Act
    const off = synthGazette({ context: { waf: "false" } });
    const bad = () => synthGazette({ context: { waf: "maybe" } });

    // Assess
    expect(off.edge).toBeUndefined();
    expect(off.app.node.children.map((c) => c.node.id)).not.toContain("GazetteEdge");
    expect(bad).toThrow(/context waf must be "true" or "false"/);
  });
});

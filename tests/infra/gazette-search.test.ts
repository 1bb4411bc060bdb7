import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Match } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { beforeAll, describe, expect, test } from "vitest";
import { searchFromContext } from "../../infra/gazette-app.js";
import { resourcesOf, type SynthesisedGazette, synthGazette } from "./helpers.js";

describe("OpenSearch domain for the public search (-c search=opensearch)", () => {
  let gazette: SynthesisedGazette;
  beforeAll(() => {
    gazette = synthGazette({ context: { search: "opensearch" } });
  });

  test("is encrypted at rest and between nodes, HTTPS-only with TLS 1.2, for this account's signed requests only", () => {
    // Act
    const domains = resourcesOf(gazette.statefulTemplate, "AWS::OpenSearchService::Domain");
    // Assess
    expect(Object.keys(domains)).toHaveLength(1);
    const props = Object.values(domains)[0]!.Properties!;
    expect(props).toMatchObject({
      EncryptionAtRestOptions: { Enabled: true },
      NodeToNodeEncryptionOptions: { Enabled: true },
      DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: "Policy-Min-TLS-1-2-2019-07" },
      ClusterConfig: { ZoneAwarenessEnabled: true },
    });
    const statements = (props.AccessPolicies as { Statement: { Principal: unknown }[] }).Statement;
    expect(JSON.stringify(statements.map((st) => st.Principal))).not.toContain('"*"');
    expect(JSON.stringify(statements)).toContain(":root");
    expect(Object.values(domains)[0]!.DeletionPolicy).toBe("Retain");
  });

  test("publishes search and index slow logs to CloudWatch", () => {
    // Act
    const props = Object.values(resourcesOf(gazette.statefulTemplate, "AWS::OpenSearchService::Domain"))[0]!
      .Properties as { LogPublishingOptions: Record<string, { Enabled: boolean }> };
    // Assess
    expect(props.LogPublishingOptions.SEARCH_SLOW_LOGS?.Enabled).toBe(true);
    expect(props.LogPublishingOptions.INDEX_SLOW_LOGS?.Enabled).toBe(true);
  });

  test("lets the API function only search the index and the events function write it", () => {
    // Act
    const policies = Object.values(resourcesOf(gazette.statefulTemplate, "AWS::IAM::ManagedPolicy"));
    const actionsOf = (description: string) =>
      policies
        .filter((p) => p.Properties?.Description === description)
        .flatMap(
          (p) =>
            (p.Properties as { PolicyDocument: { Statement: { Action: string[] }[] } }).PolicyDocument
              .Statement,
        )
        .flatMap((s) => s.Action);
    // Assess
    expect(actionsOf("Gazette: search the public search index (OpenSearch)").sort()).toEqual(
      ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost"].sort(),
    );
    expect(
      actionsOf("Gazette: create, write and search the public search index (OpenSearch)").sort(),
    ).toEqual(["es:ESHttpDelete", "es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut"].sort());
    expect(JSON.stringify(policies)).not.toMatch(/"es:\*"|"es:ESHttp\*"/);
  });

  test("tells the API and events functions to use the domain", () => {
    // Assess
    for (const description of [
      Match.stringLikeRegexp("HTTP API"),
      Match.stringLikeRegexp("domain-event consumer"),
    ]) {
      gazette.statelessTemplate.hasResourceProperties("AWS::Lambda::Function", {
        Description: description,
        Environment: {
          Variables: Match.objectLike({
            GAZETTE_SEARCH: "opensearch",
            GAZETTE_OPENSEARCH_URL: Match.objectLike({ "Fn::Join": Match.anyValue() }),
          }),
        },
      });
    }
  });

  test("passes the AWS Solutions checks with the domain's acknowledgements", () => {
    // Prepare
    const report = JSON.parse(readFileSync(join(gazette.assemblyDir, "validation-report.json"), "utf8")) as {
      pluginReports: { violations?: { ruleName?: string }[] }[];
    };
    // Act
    const result = new AwsSolutionsChecks().validateScope(gazette.app);
    // Assess
    // Apart from the deliberate reminder to attach the web ACL (tests/infra/edge.test.ts).
    const violations = report.pluginReports.flatMap((r) => r.violations ?? []);
    expect(violations.filter((v) => v.ruleName !== "Annotation::gazette:siteWebAclArn")).toEqual([]);
    expect(result.violations.map((v) => v.ruleName)).toEqual([]);
  });

  test("is absent by default and refuses an unknown engine", () => {
    // Act / Assess
    expect(searchFromContext(undefined)).toBeUndefined();
    expect(searchFromContext("embedded")).toBeUndefined();
    expect(searchFromContext("opensearch")).toEqual({});
    expect(() => searchFromContext("solr")).toThrow(/search/);
  });
});

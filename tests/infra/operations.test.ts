import { beforeAll, describe, expect, test } from "vitest";
import {
  EDITOR_THROTTLE,
  GAZETTE_ROUTES,
  PUBLIC_THROTTLE,
  SITE_THROTTLE,
} from "../../infra/constructs/gazette-api.js";
import { BUSINESS_METRICS, METRICS_NAMESPACE } from "../../infra/constructs/operations.js";
import { PAGE_QUERY_PARAMS } from "../../infra/constructs/public-site.js";
import {
  asArray,
  type CfnResource,
  policyStatements,
  propOf,
  refOf,
  resourcesOf,
  type SynthesisedGazette,
  sharedGazette,
  synthGazette,
} from "./helpers.js";

let gazette: SynthesisedGazette;
let topicId: string;

beforeAll(() => {
  gazette = synthGazette({ context: { alarmEmail: "ops@example.gov.cn,duty@example.gov.cn" } });
  topicId = refOf(gazette.stateless, gazette.stateless.operations.topic.topicArn);
});

const alarms = () => Object.values(resourcesOf(gazette.statelessTemplate, "AWS::CloudWatch::Alarm"));
const alarmsOn = (metricName: string) => alarms().filter((a) => a.Properties?.MetricName === metricName);

describe("alarms notify someone", () => {
  test("an SNS topic (TLS only) with one e-mail subscription per alarmEmail", () => {
    // Prepare / Act
    const subscriptions = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::SNS::Subscription"));
    const topicPolicies = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::SNS::TopicPolicy"));

    // Assess
    expect(subscriptions.map((s) => [s.Properties?.Protocol, s.Properties?.Endpoint]).sort()).toEqual([
      ["email", "duty@example.gov.cn"],
      ["email", "ops@example.gov.cn"],
    ]);
    expect(
      subscriptions.every((s) => JSON.stringify(s.Properties?.TopicArn) === JSON.stringify({ Ref: topicId })),
    ).toBe(true);
    expect(JSON.stringify(topicPolicies.flatMap((p) => policyStatements(p)))).toContain(
      '"aws:SecureTransport":"false"',
    );
  });

  test("without alarmEmail the topic has no subscription, and a malformed address fails synthesis", () => {
    // Prepare / Act
    const plain = sharedGazette();
    const bad = () => synthGazette({ context: { alarmEmail: "not-an-address" } });

    // Assess
    expect(Object.keys(resourcesOf(plain.statelessTemplate, "AWS::SNS::Subscription"))).toEqual([]);
    expect(bad).toThrow(/alarmEmail: "not-an-address"/);
  });

  test("every alarm of the stack notifies the topic when it fires and when it clears", () => {
    // Prepare / Act
    const all = alarms();

    // Assess
    expect(all.length).toBeGreaterThan(20);
    for (const alarm of all) {
      expect(alarm.Properties?.AlarmActions, String(alarm.Properties?.AlarmDescription)).toEqual([
        { Ref: topicId },
      ]);
      expect(alarm.Properties?.OKActions).toEqual([{ Ref: topicId }]);
    }
  });

  test("each function has an errors and a throttles alarm", () => {
    // Prepare
    const functions = Object.keys(resourcesOf(gazette.statelessTemplate, "AWS::Lambda::Function"));

    // Act
    const watched = (metric: string) =>
      alarmsOn(metric)
        .map(
          (a) => (asArray(a.Properties?.Dimensions as unknown[])[0] as { Value: { Ref: string } }).Value.Ref,
        )
        .sort();

    // Assess
    expect(functions).toHaveLength(14);
    expect(watched("Errors")).toEqual([...functions].sort());
    expect(watched("Throttles")).toEqual([...functions].sort());
  });

  test("each work queue has an oldest-message age alarm and each dead-letter queue a depth alarm", () => {
    // Prepare
    const queues = resourcesOf(gazette.statelessTemplate, "AWS::SQS::Queue");
    const redrive = (q: CfnResource) =>
      q.Properties?.RedrivePolicy as { deadLetterTargetArn: unknown } | undefined;
    const work = Object.entries(queues)
      .filter(([, q]) => redrive(q))
      .map(([id]) => id);
    const deadLetter = Object.keys(queues).filter((id) => !work.includes(id));

    // Act
    const queueOf = (a: CfnResource) =>
      (asArray(a.Properties?.Dimensions as unknown[])[0] as { Value: { "Fn::GetAtt": [string] } }).Value[
        "Fn::GetAtt"
      ][0];
    const aged = alarmsOn("ApproximateAgeOfOldestMessage").map(queueOf).sort();
    const depth = alarmsOn("ApproximateNumberOfMessagesVisible").map(queueOf).sort();

    // Assess
    expect(work).toHaveLength(5);
    expect(aged).toEqual([...work].sort());
    // The five DLQs and the tick's EventBridge target DLQ.
    expect(deadLetter).toHaveLength(7);
    expect(depth).toEqual([...deadLetter].sort());
  });

  test("API Gateway 5xx and the tick's failed invocations are alarmed", () => {
    // Prepare
    const apiId = gazette.stateless.resolve(gazette.stateless.api.httpApi.apiId) as { Ref: string };
    const ruleName = gazette.stateless.resolve(gazette.stateless.reposts.tickRule.ruleName) as {
      Ref: string;
    };

    // Act
    const api5xx = alarmsOn("5xx");
    const tick = alarmsOn("FailedInvocations");

    // Assess
    expect(api5xx).toHaveLength(1);
    expect(api5xx[0]?.Properties).toMatchObject({
      Namespace: "AWS/ApiGateway",
      Dimensions: [{ Name: "ApiId", Value: apiId }],
      Statistic: "Sum",
      Threshold: 5,
    });
    expect(tick).toHaveLength(1);
    expect(tick[0]?.Properties).toMatchObject({
      Namespace: "AWS/Events",
      Dimensions: [{ Name: "RuleName", Value: ruleName }],
    });
  });

  test("the tick's EventBridge target retries, then dead-letters to its own queue", () => {
    // Prepare
    const dlq = gazette.stateless.resolve(gazette.stateless.reposts.tickDeadLetterQueue.queueArn);

    // Act
    const tickRule = gazette.stateless.resolve(gazette.stateless.reposts.tickRule.ruleArn) as {
      "Fn::GetAtt": [string];
    };
    const rules = [resourcesOf(gazette.statelessTemplate, "AWS::Events::Rule")[tickRule["Fn::GetAtt"][0]]!];
    const targets = rules.flatMap((r) => propOf<Record<string, unknown>[]>(r, "Targets"));

    // Assess
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({
      DeadLetterConfig: { Arn: dlq },
      RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
    });
  });
});

describe("dashboard", () => {
  test("one dashboard with API, function, queue and dead-letter widgets and the business metrics", () => {
    // Prepare
    const dashboards = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::CloudWatch::Dashboard"));

    // Act
    const body = JSON.stringify(dashboards[0]?.Properties?.DashboardBody);

    // Assess
    expect(dashboards).toHaveLength(1);
    for (const title of [
      "API requests and errors",
      "Function errors",
      "Function throttles",
      "Oldest message age",
      "Dead-letter queues",
    ]) {
      expect(body).toContain(title);
    }
    for (const metric of BUSINESS_METRICS) {
      expect(body).toContain(
        `\\"${METRICS_NAMESPACE}\\",\\"${metric.name}\\",\\"service\\",\\"${metric.service}\\"`,
      );
    }
  });
});

describe("separate throttles for public, editor and site routes", () => {
  test("each route has the throttle of its access, so a public flood cannot use up the editors' budget", () => {
    // Prepare
    const stage = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::ApiGatewayV2::Stage"))[0];
    const expected = {
      public: PUBLIC_THROTTLE,
      editor: EDITOR_THROTTLE,
      site: SITE_THROTTLE,
      console: EDITOR_THROTTLE,
      submitter: SITE_THROTTLE,
    };

    // Act
    const settings = propOf<Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>>(
      stage,
      "RouteSettings",
    );

    // Assess
    expect(Object.keys(settings).sort()).toEqual(GAZETTE_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    for (const route of GAZETTE_ROUTES) {
      expect(settings[`${route.method} ${route.path}`], `${route.method} ${route.path}`).toEqual({
        ThrottlingRateLimit: expected[route.access].rateLimit,
        ThrottlingBurstLimit: expected[route.access].burstLimit,
      });
    }
    expect(settings["GET /{proxy+}"]?.ThrottlingRateLimit).toBeGreaterThan(
      settings["POST /api/documents"]!.ThrottlingRateLimit,
    );
  });

  test("the stage is deployed after the routes its settings name", () => {
    // Prepare
    const [stageId, stage] = Object.entries(
      resourcesOf(gazette.statelessTemplate, "AWS::ApiGatewayV2::Stage"),
    )[0]!;
    const routeIds = Object.keys(resourcesOf(gazette.statelessTemplate, "AWS::ApiGatewayV2::Route"));

    // Act
    const dependsOn = asArray(stage.DependsOn as string[] | undefined);

    // Assess
    expect(stageId).toBeTruthy();
    expect(routeIds.every((id) => dependsOn.includes(id))).toBe(true);
  });
});

describe("CloudFront cache keys and large downloads", () => {
  const distribution = () =>
    propOf<{
      DefaultCacheBehavior: { CachePolicyId: unknown };
      CacheBehaviors: { PathPattern: string; CachePolicyId: unknown; TargetOriginId: string }[];
      Origins: {
        Id: string;
        DomainName: unknown;
        OriginAccessControlId?: unknown;
        S3OriginConfig?: unknown;
      }[];
    }>(
      Object.values(resourcesOf(gazette.statelessTemplate, "AWS::CloudFront::Distribution"))[0],
      "DistributionConfig",
    );
  const policy = (ref: unknown) =>
    resourcesOf(gazette.statelessTemplate, "AWS::CloudFront::CachePolicy")[(ref as { Ref: string }).Ref]
      ?.Properties?.CachePolicyConfig as {
      ParametersInCacheKeyAndForwardedToOrigin: {
        QueryStringsConfig: { QueryStringBehavior: string; QueryStrings?: string[] };
      };
    };

  test("pages key their cache on the query parameters they read only, feeds on none", () => {
    // Prepare
    const config = distribution();

    // Act
    const pages = policy(config.DefaultCacheBehavior.CachePolicyId);
    const feeds = policy(config.CacheBehaviors.find((b) => b.PathPattern === "/feeds/*")?.CachePolicyId);

    // Assess
    expect(pages.ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig).toEqual({
      QueryStringBehavior: "whitelist",
      QueryStrings: [...PAGE_QUERY_PARAMS],
    });
    expect(PAGE_QUERY_PARAMS).toEqual(expect.arrayContaining(["q", "cursor", "year", "issuer"]));
    expect(feeds.ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig).toEqual({
      QueryStringBehavior: "none",
    });
  });

  test("/archive/scans/* is served from the blob bucket through Origin Access Control, not by the API", () => {
    // Prepare
    const config = distribution();
    const blobDomain = gazette.stateless.resolve(gazette.stateful.data.blobBucket.bucketRegionalDomainName);

    // Act
    const behavior = config.CacheBehaviors.find((b) => b.PathPattern === "/archive/scans/*");
    const origin = config.Origins.find((o) => o.Id === behavior?.TargetOriginId);

    // Assess
    expect(behavior).toBeDefined();
    expect(origin?.DomainName).toEqual(blobDomain);
    expect(origin?.OriginAccessControlId).toBeDefined();
  });

  test("the blob bucket lets CloudFront read archive/scans/ of this account's distributions, nothing else", () => {
    // Prepare
    const bucketPolicy = Object.values(resourcesOf(gazette.statefulTemplate, "AWS::S3::BucketPolicy")).find(
      (p) => JSON.stringify(p.Properties?.Bucket).includes("DataBlobBucket"),
    );

    // Act
    const cloudfront = policyStatements(bucketPolicy).filter((s) =>
      JSON.stringify((s as { Principal?: unknown }).Principal ?? "").includes("cloudfront.amazonaws.com"),
    );

    // Assess
    expect(cloudfront).toHaveLength(1);
    expect(cloudfront[0]).toMatchObject({ Effect: "Allow", Action: "s3:GetObject" });
    expect(JSON.stringify(cloudfront[0]?.Resource)).toContain('"/archive/scans/*"');
    expect(JSON.stringify(cloudfront[0]?.Condition)).toContain("AWS:SourceAccount");
  });
});

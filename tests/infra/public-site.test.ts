import { Match } from "aws-cdk-lib/assertions";
import { CachePolicy, OriginRequestPolicy } from "aws-cdk-lib/aws-cloudfront";
import { beforeAll, describe, expect, test } from "vitest";
import { PUBLISHED_FILE_PATTERNS } from "../../infra/constructs/public-site.js";
import { resourcesOf, type SynthesisedGazette, sharedGazette, synthGazette } from "./helpers.js";

type Origin = {
  Id: string;
  DomainName: unknown;
  OriginAccessControlId?: unknown;
  S3OriginConfig?: { OriginAccessIdentity: string };
  CustomOriginConfig?: { OriginProtocolPolicy: string; OriginSSLProtocols: string[] };
};
type Behavior = {
  PathPattern?: string;
  TargetOriginId: string;
  ViewerProtocolPolicy: string;
  CachePolicyId: string;
  OriginRequestPolicyId?: string;
  ResponseHeadersPolicyId?: unknown;
  AllowedMethods: string[];
};
type DistributionConfig = {
  Origins: Origin[];
  DefaultCacheBehavior: Behavior;
  CacheBehaviors: Behavior[];
  Logging?: { Bucket: unknown; Prefix: string };
  ViewerCertificate?: { MinimumProtocolVersion?: string; SslSupportMethod?: string };
  Aliases?: string[];
};

function distributionConfig(gazette: SynthesisedGazette): DistributionConfig {
  const distributions = Object.values(
    resourcesOf(gazette.statelessTemplate, "AWS::CloudFront::Distribution"),
  );
  expect(distributions).toHaveLength(1);
  return distributions[0]?.Properties?.DistributionConfig as DistributionConfig;
}

describe("PublicSite", () => {
  let gazette: SynthesisedGazette;
  let config: DistributionConfig;
  beforeAll(() => {
    gazette = sharedGazette();
    config = distributionConfig(gazette);
  });

  test("serves the site bucket's /static/* through Origin Access Control, not an OAI", () => {
    // Prepare
    const oacs = resourcesOf(gazette.statelessTemplate, "AWS::CloudFront::OriginAccessControl");
    const [oacId] = Object.keys(oacs);
    const statics = config.CacheBehaviors.find((b) => b.PathPattern === "/static/*");

    // Act
    const siteOrigin = config.Origins.find((o) => o.Id === statics?.TargetOriginId);

    // Assess
    expect(Object.values(oacs)[0]?.Properties?.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: "s3",
      SigningBehavior: "always",
      SigningProtocol: "sigv4",
    });
    expect(siteOrigin?.OriginAccessControlId).toEqual({ "Fn::GetAtt": [oacId, "Id"] });
    expect(siteOrigin?.S3OriginConfig?.OriginAccessIdentity).toBe("");
    expect(JSON.stringify(siteOrigin?.DomainName)).toMatch(/DataSiteBucket[0-9A-F]{8}RegionalDomainName/);
    gazette.statelessTemplate.resourceCountIs("AWS::CloudFront::CloudFrontOriginAccessIdentity", 0);
  });

  test("serves published PDFs, texts and manifests from the site bucket, cached, read-only", () => {
    // Prepare
    const statics = config.CacheBehaviors.find((b) => b.PathPattern === "/static/*");

    // Act
    const published = PUBLISHED_FILE_PATTERNS.map((p) =>
      config.CacheBehaviors.find((b) => b.PathPattern === p),
    );

    // Assess
    expect(PUBLISHED_FILE_PATTERNS).toEqual(
      expect.arrayContaining(["/editions/*.pdf", "/documents/*.pdf", "/documents/*.json"]),
    );
    for (const behavior of published) {
      expect(behavior?.TargetOriginId).toBe(statics?.TargetOriginId);
      expect(behavior?.CachePolicyId).toBe(CachePolicy.CACHING_OPTIMIZED.cachePolicyId);
      expect(behavior?.AllowedMethods).toEqual(["GET", "HEAD"]);
    }
  });

  test("redirects HTTP to HTTPS on every behaviour", () => {
    for (const behavior of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) {
      expect(behavior.ViewerProtocolPolicy, behavior.PathPattern ?? "default").toBe("redirect-to-https");
    }
  });

  test("sends /api/* uncached to the HTTP API with all viewer headers except Host", () => {
    // Prepare
    const api = config.CacheBehaviors.find((b) => b.PathPattern === "/api/*");

    // Act
    const origin = config.Origins.find((o) => o.Id === api?.TargetOriginId);

    // Assess
    expect(api).toMatchObject({
      CachePolicyId: CachePolicy.CACHING_DISABLED.cachePolicyId,
      OriginRequestPolicyId: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
    });
    expect(api?.AllowedMethods).toEqual(expect.arrayContaining(["POST", "PUT", "PATCH", "DELETE"]));
    expect(JSON.stringify(origin?.DomainName)).toContain(".execute-api.");
    expect(origin?.CustomOriginConfig).toEqual({
      OriginProtocolPolicy: "https-only",
      OriginSSLProtocols: ["TLSv1.2"],
    });
  });

  test("sends the public site (default behaviour) read-only to the app, which gates unpublished editions", () => {
    // Prepare / Act
    const api = config.CacheBehaviors.find((b) => b.PathPattern === "/api/*");

    // Assess
    expect(config.DefaultCacheBehavior.TargetOriginId).toBe(api?.TargetOriginId);
    expect(config.DefaultCacheBehavior.AllowedMethods).toEqual(["GET", "HEAD"]);
    // Its own cache policy (origin Cache-Control, only the query parameters pages read): operations.test.ts.
    expect(config.DefaultCacheBehavior.CachePolicyId).toEqual({
      Ref: expect.stringMatching(/PageCachePolicy/),
    });
  });

  test("sends /feeds/* read-only to the HTTP API", () => {
    // Prepare / Act
    const feeds = config.CacheBehaviors.find((b) => b.PathPattern === "/feeds/*");
    const api = config.CacheBehaviors.find((b) => b.PathPattern === "/api/*");

    // Assess
    expect(feeds?.TargetOriginId).toBe(api?.TargetOriginId);
    expect(feeds?.AllowedMethods).toEqual(["GET", "HEAD"]);
    expect(feeds?.OriginRequestPolicyId).toBe(
      OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
    );
  });

  test("adds the security headers policy (HSTS, CSP, nosniff, DENY framing) to every behaviour", () => {
    // Prepare
    const policyId = gazette.stateless.resolve(
      gazette.stateless.site.responseHeadersPolicy.responseHeadersPolicyId,
    );

    // Act
    const behaviors = [config.DefaultCacheBehavior, ...config.CacheBehaviors];

    // Assess
    // (The console's behaviours get the same headers with its sign-in domain in form-action:
    // tests/infra/console-identity.test.ts.)
    const consolePolicyId = gazette.stateless.resolve(
      gazette.stateless.site.consoleResponseHeadersPolicy.responseHeadersPolicyId,
    );
    for (const behavior of behaviors)
      expect(behavior.ResponseHeadersPolicyId).toEqual(
        (behavior as { PathPattern?: string }).PathPattern?.startsWith("/console")
          ? consolePolicyId
          : policyId,
      );
    gazette.statelessTemplate.hasResourceProperties("AWS::CloudFront::ResponseHeadersPolicy", {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: {
          StrictTransportSecurity: {
            AccessControlMaxAgeSec: 730 * 24 * 3600,
            IncludeSubdomains: true,
            Override: true,
          },
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: "DENY", Override: true },
          ContentSecurityPolicy: {
            Override: true,
            ContentSecurityPolicy: Match.stringLikeRegexp("default-src 'self'"),
          },
        },
      },
    });
  });

  test("writes standard logs to the CDN log bucket of the stateful stack", () => {
    expect(config.Logging?.Prefix).toBe("cloudfront/");
    expect(JSON.stringify(config.Logging?.Bucket)).toMatch(
      /DataCdnLogsBucket[0-9A-F]{8}DomainName|DataCdnLogsBucket[0-9A-F]{8}RegionalDomainName/,
    );
  });

  test("with a custom domain and certificate it requires TLS 1.2 (TLSv1.2_2021) from viewers", () => {
    // Prepare
    const custom = synthGazette({
      context: {
        siteDomainName: "gazette.example.gov.cn",
        siteCertificateArn:
          "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
      },
    });

    // Act
    const customConfig = distributionConfig(custom);

    // Assess
    expect(customConfig.Aliases).toEqual(["gazette.example.gov.cn"]);
    expect(customConfig.ViewerCertificate).toMatchObject({
      MinimumProtocolVersion: "TLSv1.2_2021",
      SslSupportMethod: "sni-only",
    });
  });
});

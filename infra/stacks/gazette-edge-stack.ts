import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import { CfnWebACL } from "aws-cdk-lib/aws-wafv2";
import type { Construct } from "constructs";

/** Requests one client IP may send in five minutes before the rate rule blocks it (WAF minimum 10). */
export const DEFAULT_RATE_LIMIT_PER_5_MIN = 2000;

export interface GazetteEdgeStackProps extends StackProps {
  /**
   * Requests per client IP in any five minutes above which that IP is blocked.
   * @default DEFAULT_RATE_LIMIT_PER_5_MIN
   */
  readonly rateLimitPer5Min?: number;
}

/**
 * The CloudFront web ACL. A CLOUDFRONT-scope WAFv2 web ACL must live in us-east-1, whatever the
 * region of the rest of the stack, so it has a stack of its own (`GazetteEdge`, region us-east-1).
 * Deploy it first, then pass its `WebAclArn` output to the stateless stack as
 * `-c siteWebAclArn=…` (docs/deploy.md): a plain context value instead of a cross-region
 * reference, which would add custom resources and an SSM round trip to every deployment.
 *
 * Rules, in order: a rate-based rule per client IP (block), then AWS's managed common rule set
 * and known-bad-inputs rule set (block), with sampled requests and metrics on each.
 */
export class GazetteEdgeStack extends Stack {
  public readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: GazetteEdgeStackProps = {}) {
    const { rateLimitPer5Min, ...stackProps } = props;
    super(scope, id, { description: "Gazette pipeline: CloudFront web ACL (us-east-1)", ...stackProps });
    const limit = rateLimitPer5Min ?? DEFAULT_RATE_LIMIT_PER_5_MIN;
    if (!Number.isInteger(limit) || limit < 10) {
      throw new Error(`GazetteEdge: the rate limit must be an integer of at least 10 (got ${limit})`);
    }
    const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const managed = (name: string, priority: number): CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: "AWS", name } },
      visibilityConfig: visibility(name),
    });

    this.webAcl = new CfnWebACL(this, "SiteWebAcl", {
      description: "Gazette public site: per-IP rate limit and AWS managed protections",
      scope: "CLOUDFRONT",
      defaultAction: { allow: {} },
      visibilityConfig: visibility("GazetteSiteWebAcl"),
      rules: [
        {
          name: "RateLimitPerIp",
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit, aggregateKeyType: "IP" } },
          visibilityConfig: visibility("GazetteRateLimitPerIp"),
        },
        managed("AWSManagedRulesCommonRuleSet", 1),
        managed("AWSManagedRulesKnownBadInputsRuleSet", 2),
      ],
    });

    new CfnOutput(this, "WebAclArn", {
      value: this.webAcl.attrArn,
      description: "Pass to the stateless stack as -c siteWebAclArn=… (docs/deploy.md)",
    });
  }
}

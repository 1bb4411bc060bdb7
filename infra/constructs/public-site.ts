import { Duration, Validations } from "aws-cdk-lib";
import type { ICertificate } from "aws-cdk-lib/aws-certificatemanager";
import {
  AllowedMethods,
  type BehaviorOptions,
  CacheCookieBehavior,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  FunctionEventType,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  type ICachePolicy,
  type IFunction,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from "aws-cdk-lib/aws-cloudfront";
import { HttpOrigin, S3BucketOrigin } from "aws-cdk-lib/aws-cloudfront-origins";
import { Bucket, type IBucket } from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { SEARCH_PAGE_PARAMS } from "../../src/search/query.js";

/**
 * The query parameters public pages read: the search page's (src/search/query.ts: the search and
 * `start`, the first hit's number), `q` on an archive item (hits marked) and `page` on the home page
 * (its 往期 list). Only these are in the
 * pages' cache key: any other query string is served from the cache, so random ones cannot force
 * uncached renders (tests/infra/page-cache-key.test.ts shows the pages ignore them).
 */
export const PAGE_QUERY_PARAMS: readonly string[] = [...new Set(["q", "page", ...SEARCH_PAGE_PARAMS])].sort();

/** Site paths of published authentic files, served from the site bucket. */
export const PUBLISHED_FILE_PATTERNS = [
  "/editions/*.pdf",
  "/editions/*.manifest.json",
  "/documents/*.pdf",
  "/documents/*.json",
] as const;

export interface PublicSiteProps {
  /**
   * The bucket with the rendered site (default behaviour). Usually owned by the stateful stack:
   * its bucket policy must already allow CloudFront OAC reads (GazetteData does), because a bucket
   * policy cannot reference a distribution in a stack that depends on the bucket's stack.
   */
  readonly siteBucket: IBucket;
  /**
   * The blob bucket, whose `archive/scans/` CloudFront serves at `/archive/scans/*` (the original
   * scans, up to hundreds of MB: Lambda could not answer them). Its policy must already allow
   * CloudFront OAC reads of that prefix (GazetteData does).
   * @default - no such behaviour (the app serves /archive/scans/* itself)
   */
  readonly scanBucket?: IBucket;
  /** The bucket for CloudFront standard logs; needs ACLs enabled (ObjectOwnership.OBJECT_WRITER). */
  readonly logBucket: IBucket;
  /** Host name of the API origin for `/api/*` and `/feeds/*`, e.g. GazetteApi.domainName. */
  readonly apiDomainName: string;
  /**
   * Custom host names; requires `certificate`.
   * @default - only the *.cloudfront.net name
   */
  readonly domainNames?: readonly string[];
  /**
   * ACM certificate in us-east-1 for `domainNames`; with it viewers need TLS 1.2 (TLSv1.2_2021).
   * @default - the default CloudFront certificate
   */
  readonly certificate?: ICertificate;
  /**
   * ARN of a WAFv2 web ACL (CLOUDFRONT scope, us-east-1) to attach.
   * @default - no web ACL
   */
  readonly webAclArn?: string;
  /**
   * @default PriceClass.PRICE_CLASS_ALL (all edge locations, including Asia)
   */
  readonly priceClass?: PriceClass;
  /**
   * The console's viewer-request function (ConsoleSignIn): with it, /console and /console/* go to
   * the app uncached with cookies, through the function, and /portal, /portal/* uncached too.
   * @default - no console behaviours (console paths fall to the default, cached, GET only)
   */
  readonly consoleViewerRequest?: IFunction;
  /**
   * Origins the console's forms may lead to besides the site (CSP form-action): the hosted
   * sign-in's domain, to which the sign-out form redirects (browsers apply form-action to a form's
   * redirects too). Only the console's behaviours get them.
   * @default - none: console forms stay on the site
   */
  readonly consoleFormActions?: readonly string[];
}

/**
 * The public face: CloudFront in front of the app (pages, listings, feeds: cached as the origin
 * says; `/api/*` never cached) and of the site bucket through Origin Access Control (published
 * PDFs, texts and manifests — PUBLISHED_FILE_PATTERNS — and `/static/*`). HTTPS only (HTTP
 * redirects), TLS 1.2 to the API origin, security headers on every response, standard logs to
 * the log bucket.
 */
export class PublicSite extends Construct {
  public readonly distribution: Distribution;
  public readonly responseHeadersPolicy: ResponseHeadersPolicy;
  /** The console's behaviours' headers: the same, with consoleFormActions in form-action. */
  public readonly consoleResponseHeadersPolicy: ResponseHeadersPolicy;
  /** Cache key of pages and feeds: the origin's Cache-Control, and only PAGE_QUERY_PARAMS. */
  public readonly pageCachePolicy: CachePolicy;
  public readonly feedCachePolicy: CachePolicy;

  constructor(scope: Construct, id: string, props: PublicSiteProps) {
    super(scope, id);
    if (props.domainNames?.length && !props.certificate) {
      throw new Error("PublicSite: domainNames need a certificate");
    }

    const securityHeaders = (id: string, comment: string, formAction: string) =>
      new ResponseHeadersPolicy(this, id, {
        comment,
        securityHeadersBehavior: {
          contentSecurityPolicy: {
            contentSecurityPolicy: `default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action ${formAction}`,
            override: true,
          },
          contentTypeOptions: { override: true },
          frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
          referrerPolicy: {
            referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
            override: true,
          },
          strictTransportSecurity: {
            accessControlMaxAge: Duration.days(730),
            includeSubdomains: true,
            override: true,
          },
        },
        customHeadersBehavior: {
          customHeaders: [
            {
              header: "Permissions-Policy",
              value: "camera=(), microphone=(), geolocation=(), payment=()",
              override: true,
            },
          ],
        },
      });
    this.responseHeadersPolicy = securityHeaders("SecurityHeaders", "Gazette security headers", "'self'");
    const consoleHeaders = props.consoleFormActions?.length
      ? securityHeaders(
          "ConsoleSecurityHeaders",
          "Gazette security headers, console (its sign-in domain may receive a form)",
          ["'self'", ...props.consoleFormActions].join(" "),
        )
      : this.responseHeadersPolicy;
    this.consoleResponseHeadersPolicy = consoleHeaders;

    // Imported on purpose: the real bucket lives in the stateful stack, and letting CloudFront add
    // its OAC statement there would make the stateful stack depend on this one (a cycle).
    const siteOriginBucket = Bucket.fromBucketAttributes(this, "SiteOriginBucket", {
      bucketArn: props.siteBucket.bucketArn,
      bucketRegionalDomainName: props.siteBucket.bucketRegionalDomainName,
    });
    const apiOrigin = new HttpOrigin(props.apiDomainName, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });
    const apiBehavior = (cachePolicy: ICachePolicy): BehaviorOptions => ({
      origin: apiOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.responseHeadersPolicy,
      compress: true,
      cachePolicy,
      allowedMethods: AllowedMethods.ALLOW_ALL,
    });

    // As the managed USE_ORIGIN_CACHE_CONTROL_HEADERS_QUERY_STRINGS (TTLs from the origin's
    // Cache-Control), but with only the query parameters pages read in the key.
    this.pageCachePolicy = new CachePolicy(this, "PageCachePolicy", {
      comment: "Gazette pages: origin Cache-Control; only the query parameters pages read",
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.days(365),
      queryStringBehavior: CacheQueryStringBehavior.allowList(...PAGE_QUERY_PARAMS),
      headerBehavior: CacheHeaderBehavior.none(),
      cookieBehavior: CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    this.feedCachePolicy = new CachePolicy(this, "FeedCachePolicy", {
      comment: "Gazette feeds: origin Cache-Control; no query string (feeds read none)",
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.days(365),
      queryStringBehavior: CacheQueryStringBehavior.none(),
      headerBehavior: CacheHeaderBehavior.none(),
      cookieBehavior: CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    const siteOrigin = S3BucketOrigin.withOriginAccessControl(siteOriginBucket);
    const siteBehavior = (cachePolicy: typeof CachePolicy.CACHING_OPTIMIZED): BehaviorOptions => ({
      origin: siteOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      cachePolicy,
      responseHeadersPolicy: this.responseHeadersPolicy,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      compress: true,
    });

    this.distribution = new Distribution(this, "Distribution", {
      comment: "Gazette public site",
      defaultRootObject: "index.html",
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: props.priceClass ?? PriceClass.PRICE_CLASS_ALL,
      domainNames: props.domainNames ? [...props.domainNames] : undefined,
      certificate: props.certificate,
      minimumProtocolVersion: props.certificate ? SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      webAclId: props.webAclArn,
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: "cloudfront/",
      logIncludesCookies: false,
      // The site is served by the app: it releases an edition's pages and PDFs only once the
      // edition's pointer says published (PDF and web together), and sets Cache-Control
      // (published files immutable, listings one minute), which CloudFront follows.
      defaultBehavior: {
        ...apiBehavior(this.pageCachePolicy),
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      },
      additionalBehaviors: {
        "/api/*": apiBehavior(CachePolicy.CACHING_DISABLED),
        "/feeds/*": {
          ...apiBehavior(this.feedCachePolicy),
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        },
        // Published PDFs, canonical texts and manifests: copied to the site bucket by the events
        // consumer once an edition is published, immutable, served straight from S3. Pages stay
        // with the app (they carry today's status banner).
        ...Object.fromEntries(
          PUBLISHED_FILE_PATTERNS.map((pattern) => [pattern, siteBehavior(CachePolicy.CACHING_OPTIMIZED)]),
        ),
        // The console and the site portal: people signed in, never cached, every method; the
        // console's requests pass the viewer-request function (session cookie → JWT header).
        ...(props.consoleViewerRequest
          ? Object.fromEntries(
              ["/console", "/console/*", "/portal", "/portal/*"].map((pattern) => [
                pattern,
                {
                  ...apiBehavior(CachePolicy.CACHING_DISABLED),
                  ...(pattern.startsWith("/console")
                    ? {
                        responseHeadersPolicy: consoleHeaders,
                        functionAssociations: [
                          {
                            function: props.consoleViewerRequest!,
                            eventType: FunctionEventType.VIEWER_REQUEST,
                          },
                        ],
                      }
                    : {}),
                },
              ]),
            )
          : {}),
        // Static assets (stylesheets, images) straight from the site bucket.
        "/static/*": siteBehavior(CachePolicy.CACHING_OPTIMIZED),
        // Original archive scans straight from the blob bucket: the URL path is the object key
        // (archive/scans/<sha256>.<ext>), content-addressed and immutable.
        ...(props.scanBucket
          ? {
              "/archive/scans/*": {
                origin: S3BucketOrigin.withOriginAccessControl(
                  Bucket.fromBucketAttributes(this, "ScanOriginBucket", {
                    bucketArn: props.scanBucket.bucketArn,
                    bucketRegionalDomainName: props.scanBucket.bucketRegionalDomainName,
                  }),
                ),
                viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cachePolicy: CachePolicy.CACHING_OPTIMIZED,
                responseHeadersPolicy: this.responseHeadersPolicy,
                allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
                compress: false,
              },
            }
          : {}),
      },
    });

    Validations.of(this).acknowledge({
      id: "@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac",
      reason:
        "The site bucket policy (GazetteData, stateful stack) already grants cloudfront.amazonaws.com s3:GetObject for this account's distributions; see GazetteDataProps.siteDistributionId.",
    });
    Validations.of(this.distribution).acknowledge({
      id: "AwsSolutions-CFR1",
      reason: "The gazette is an official publication for everyone: no geographic restriction by design.",
    });
    if (!props.webAclArn) {
      Validations.of(this.distribution).acknowledge({
        id: "AwsSolutions-CFR2",
        reason:
          "No WAF by default: the default behaviour is cached read-only content, writes are authorised and throttled at API Gateway. Attach one with the webAclArn prop (context siteWebAclArn).",
      });
    }
    if (!props.certificate) {
      Validations.of(this.distribution).acknowledge({
        id: "AwsSolutions-CFR4",
        reason:
          "Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose security policy cannot be raised. With domainNames + certificate the distribution requires TLSv1.2_2021.",
      });
    }
  }
}

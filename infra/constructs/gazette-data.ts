import { Aws, Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from "aws-cdk-lib/aws-dynamodb";
import { AnyPrincipal, Effect, ManagedPolicy, PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type BucketProps,
  type CfnBucket,
  ObjectLockRetention,
  ObjectOwnership,
} from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import {
  SPILLED_RESPONSE_EXPIRY_DAYS,
  SPILLED_RESPONSE_PREFIX,
  STAGED_BLOB_EXPIRY_DAYS,
  STAGING_PREFIX,
  WRITE_ONCE_PREFIXES,
} from "../../src/platform/blob-policy.js";
import { BLOB_ACCESS, type BlobAccess, type BlobAccessName, TABLE_ITEM_ACTIONS } from "./access.js";

export { STAGED_BLOB_EXPIRY_DAYS, STAGING_PREFIX, WRITE_ONCE_PREFIXES };

/** What every bucket here shares: SSE-S3, no public access, TLS 1.2+ only, versioned, retained. */
const secureBucketDefaults = {
  encryption: BucketEncryption.S3_MANAGED,
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  versioned: true,
  removalPolicy: RemovalPolicy.RETAIN,
} satisfies BucketProps;

export interface GazetteDataProps {
  /**
   * How long access logs (S3 server access logs and CloudFront standard logs) are kept.
   * @default Duration.days(365)
   */
  readonly logRetention?: Duration;
  /**
   * How long superseded versions of rendered site objects are kept (the site can be re-rendered
   * from the table, so old versions are only a safety net). Originals in the blob bucket keep every
   * version: they are the archive.
   * @default Duration.days(30)
   */
  /** Object Lock retention of the blob bucket's published files; default 30 years. */
  readonly publishedRetention?: Duration;
  readonly siteNoncurrentVersionRetention?: Duration;
  /**
   * The CloudFront distribution that may read the site bucket through Origin Access Control.
   * The distribution lives in the stateless stack, which depends on this one, so its id cannot be
   * referenced here without a dependency cycle. Until it is known (CDK context `siteDistributionId`
   * after the first deployment) any distribution *of this account* may read: the site is public
   * content anyway, and the bucket stays closed to every other principal.
   * @default - any CloudFront distribution in this account
   */
  readonly siteDistributionId?: string;
}

/** Item-level table access: exactly what the adapter in src/platform/aws sends (see access.ts). */
export const TABLE_READ_WRITE_ACTIONS: readonly string[] = TABLE_ITEM_ACTIONS;

/**
 * WRITE_ONCE_PREFIXES (src/platform/blob-policy.ts, shared with both adapter sets): prefixes of the
 * blob bucket whose objects are written once and never changed or removed: published edition files
 * and manifests, documents' content and published files, uploaded originals (content-addressed)
 * and archive scans (content-addressed). The code writes each of them with `ifAbsent`
 * (If-None-Match: *); the bucket policy makes that the only way in.
 */
/** Blob prefix CloudFront serves to the public (original archive scans, content-addressed). */
export const PUBLIC_SCAN_PREFIX = "archive/scans/";

/**
 * The stateful part of the gazette: blob and site buckets, their access-log buckets, and the
 * single DynamoDB table. Buckets and table are RETAINed on stack deletion.
 *
 * Encryption: S3-managed keys (SSE-S3) for every bucket. Server access logs and CloudFront standard
 * logs can only be delivered to SSE-S3 buckets; the site bucket is public content read through
 * CloudFront; and for the blob bucket a customer-managed KMS key would add key-policy management and
 * per-request KMS cost while IAM (least-privilege grants) and the bucket policy already decide who
 * can read. The table uses the AWS-managed KMS key (aws/dynamodb), visible in CloudTrail.
 *
 * Access is granted through the managed policies below rather than `grant*()` calls in the consuming
 * stack: a grant there would carry cross-stack references in its resources, and the cdk-nag finding
 * ids for the unavoidable `bucket/*` object ARN would then depend on the deployment region.
 */
export class GazetteData extends Construct {
  /** Target of the S3 server access logs of every other bucket. */
  public readonly accessLogsBucket: Bucket;
  /** Target of CloudFront standard (legacy) logging: needs ACLs (ObjectOwnership.OBJECT_WRITER). */
  public readonly cdnLogsBucket: Bucket;
  /** Originals (uploaded .docx/.json) and rendered PDFs. */
  public readonly blobBucket: Bucket;
  /**
   * Blobs of requests not yet committed (src/platform/blob-policy.ts): no Object Lock and no
   * versioning, so a delete frees the bytes; anything left expires after STAGED_BLOB_EXPIRY_DAYS.
   */
  public readonly stagingBucket: Bucket;
  /** The public site, served only through CloudFront (OAC). */
  public readonly siteBucket: Bucket;
  /** Single table: pk/sk, GSIs gsi1 (gsi1pk/gsi1sk), sparse gsi2 (gsi2pk/gsi2sk) and gsi3 (gsi3pk/gsi3sk), TTL attribute expiresAt. */
  public readonly table: Table;
  /**
   * Read/write items of the table and its gsi1 index (explicit actions, no wildcards). Attach it to
   * a role in another stack with `role.addManagedPolicy(...)`: the access policy lives with the data
   * it protects, and its resources are this stack's own ARNs (see the class comment on why).
   */
  public readonly tableReadWritePolicy: ManagedPolicy;
  /** Read items of the table and its indexes (GetItem, Query): for a function that writes nothing. */
  public readonly tableReadPolicy: ManagedPolicy;
  /**
   * Per function (access.ts BLOB_ACCESS): s3:GetObject on the prefixes it reads, s3:PutObject on
   * those it writes, and s3:ListBucket (so a missing key is a 404, not a 403). No DeleteObject.
   */
  public readonly blobAccessPolicies: Readonly<Record<BlobAccessName, ManagedPolicy>>;
  /**
   * For every API function: s3:PutObject and s3:GetObject under `responses/` of the staging bucket,
   * where an answer too large for Lambda is put and read back through a presigned link
   * (src/runtime/lambda/response-spill.ts). Nothing else of that bucket.
   */
  public readonly responseSpillPolicy: ManagedPolicy;
  /** Read-only access to documents' content blobs (documents/*), for the repost consumers. */
  public readonly documentContentReadPolicy: ManagedPolicy;
  /**
   * Copy published files (editions/*, documents/*) from the blob bucket to the site bucket that
   * CloudFront serves: read there, write here (no delete), for the events consumer.
   */
  public readonly sitePublishPolicy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: GazetteDataProps = {}) {
    super(scope, id);
    const logRetention = props.logRetention ?? Duration.days(365);

    this.accessLogsBucket = new Bucket(this, "AccessLogsBucket", {
      ...secureBucketDefaults,
      lifecycleRules: [
        { expiration: logRetention, noncurrentVersionExpiration: Duration.days(30) },
        { abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: "AwsSolutions-S1",
      reason:
        "This is the server-access-log target of every other bucket; logging it into itself would loop and logging it elsewhere only moves the problem.",
    });

    this.cdnLogsBucket = new Bucket(this, "CdnLogsBucket", {
      ...secureBucketDefaults,
      // CloudFront standard logging writes with the awslogsdelivery account's ACL.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: "cdn-logs/",
      lifecycleRules: [
        { expiration: logRetention, noncurrentVersionExpiration: Duration.days(30) },
        { abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });

    this.blobBucket = new Bucket(this, "BlobBucket", {
      ...secureBucketDefaults,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: "blob/",
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      // Everything here is written once (originals, published PDFs, canonical texts, manifests):
      // Object Lock keeps every version for the retention period, so not even a mistaken
      // overwrite or delete can change what was published. Governance mode leaves a privileged,
      // audited way out (s3:BypassGovernanceRetention) for legal removal orders.
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.governance(
        props.publishedRetention ?? Duration.days(365 * 30),
      ),
    });

    // Write-once in policy, for every principal (roles of this account included): no delete (not
    // even a delete marker, which Object Lock allows) and no PutObject without If-None-Match: *
    // under the write-once prefixes. A legal removal order goes through a reviewed change of this
    // policy (CloudTrail records it) plus the Object Lock governance bypass.
    const writeOnce = WRITE_ONCE_PREFIXES.map((prefix) => this.blobBucket.arnForObjects(`${prefix}*`));
    this.blobBucket.addToResourcePolicy(
      new PolicyStatement({
        sid: "DenyDeleteOfWriteOnceObjects",
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ["s3:DeleteObject", "s3:DeleteObjectVersion"],
        resources: writeOnce,
      }),
    );
    this.blobBucket.addToResourcePolicy(
      new PolicyStatement({
        sid: "DenyOverwriteOfWriteOnceObjects",
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ["s3:PutObject"],
        resources: writeOnce,
        conditions: { Null: { "s3:if-none-match": "true" } },
      }),
    );

    // Staging: what intake may still have to take back (a refused or failed request deletes it; the
    // tick's outbox relay promotes or deletes what a crash left). Not versioned and no Object Lock,
    // unlike the blob bucket, so deleting really removes it; the lifecycle rule is the backstop.
    this.stagingBucket = new Bucket(this, "StagingBucket", {
      ...secureBucketDefaults,
      versioned: false,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: "staging/",
      lifecycleRules: [
        {
          id: "ExpireUnclaimedStagedBlobs",
          prefix: STAGING_PREFIX,
          expiration: Duration.days(STAGED_BLOB_EXPIRY_DAYS),
        },
        // API answers too large for Lambda, read through a 15-minute link (response-spill.ts).
        {
          id: "ExpireSpilledResponses",
          prefix: SPILLED_RESPONSE_PREFIX,
          expiration: Duration.days(SPILLED_RESPONSE_EXPIRY_DAYS),
        },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });

    // Original archive scans (hundreds of MB) download through CloudFront straight from this bucket
    // (Origin Access Control; PublicSite's /archive/scans/* behaviour), never through Lambda:
    // cloudfront.amazonaws.com may read that prefix only, for this account's distributions.
    this.blobBucket.addToResourcePolicy(
      new PolicyStatement({
        sid: "AllowCloudFrontOacReadScans",
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal("cloudfront.amazonaws.com")],
        actions: ["s3:GetObject"],
        resources: [this.blobBucket.arnForObjects(`${PUBLIC_SCAN_PREFIX}*`)],
        conditions: {
          StringEquals: { "AWS:SourceAccount": Aws.ACCOUNT_ID },
          ArnLike: {
            "AWS:SourceArn": `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:distribution/${props.siteDistributionId ?? "*"}`,
          },
        },
      }),
    );

    this.siteBucket = new Bucket(this, "SiteBucket", {
      ...secureBucketDefaults,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: "site/",
      lifecycleRules: [
        { noncurrentVersionExpiration: props.siteNoncurrentVersionRetention ?? Duration.days(30) },
        { abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });
    // Origin Access Control read for CloudFront (see GazetteDataProps.siteDistributionId).
    const distributionArn = `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:distribution/${props.siteDistributionId ?? "*"}`;
    this.siteBucket.addToResourcePolicy(
      new PolicyStatement({
        sid: "AllowCloudFrontOacRead",
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal("cloudfront.amazonaws.com")],
        actions: ["s3:GetObject"],
        resources: [this.siteBucket.arnForObjects("*")],
        conditions: {
          StringEquals: { "AWS:SourceAccount": Aws.ACCOUNT_ID },
          ArnLike: { "AWS:SourceArn": distributionArn },
        },
      }),
    );

    this.table = new Table(this, "Table", {
      partitionKey: { name: "pk", type: AttributeType.STRING },
      sortKey: { name: "sk", type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: "expiresAt",
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: "gsi1",
      partitionKey: { name: "gsi1pk", type: AttributeType.STRING },
      sortKey: { name: "gsi1sk", type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    // Sparse: only records waiting for something carry gsi2pk: repost notices with work falling
    // due (keyed DUE#<day>#<shard>: src/reposts/due.ts), and documents accepted and not yet placed
    // (ACCEPTED#<shard>: src/documents/accepted.ts). Both are sharded so no partition takes every
    // write. The tick reads what is due, the console what waits, not everything stored.
    this.table.addGlobalSecondaryIndex({
      indexName: "gsi2",
      partitionKey: { name: "gsi2pk", type: AttributeType.STRING },
      sortKey: { name: "gsi2sk", type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    // Sparse as well: only overdue repost notices carry gsi3pk (OVERDUE#<documentId>, sorted by
    // <region>#<siteId>: src/reposts/counters.ts), the compliance report's overdue list.
    this.table.addGlobalSecondaryIndex({
      indexName: "gsi3",
      partitionKey: { name: "gsi3pk", type: AttributeType.STRING },
      sortKey: { name: "gsi3sk", type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });

    this.tableReadWritePolicy = new ManagedPolicy(this, "TableReadWritePolicy", {
      description: "Gazette: read/write items of the single table and its gsi1, gsi2 and gsi3 indexes",
      statements: [
        new PolicyStatement({
          actions: [...TABLE_READ_WRITE_ACTIONS],
          resources: [
            this.table.tableArn,
            `${this.table.tableArn}/index/gsi1`,
            `${this.table.tableArn}/index/gsi2`,
            `${this.table.tableArn}/index/gsi3`,
          ],
        }),
      ],
    });
    this.tableReadPolicy = new ManagedPolicy(this, "TableReadPolicy", {
      description: "Gazette: read items of the single table and its gsi1, gsi2 and gsi3 indexes",
      statements: [
        new PolicyStatement({
          actions: ["dynamodb:GetItem", "dynamodb:Query"],
          resources: [
            this.table.tableArn,
            `${this.table.tableArn}/index/gsi1`,
            `${this.table.tableArn}/index/gsi2`,
            `${this.table.tableArn}/index/gsi3`,
          ],
        }),
      ],
    });
    const blobLogicalId = Stack.of(this).resolve((this.blobBucket.node.defaultChild as CfnBucket).logicalId);
    const policies: Partial<Record<BlobAccessName, ManagedPolicy>> = {};
    for (const [name, access] of Object.entries(BLOB_ACCESS) as [
      BlobAccessName,
      (typeof BLOB_ACCESS)[BlobAccessName],
    ][]) {
      const objects = (prefixes: readonly string[]) =>
        prefixes.map((prefix) => this.blobBucket.arnForObjects(`${prefix}*`));
      const staging = (access as BlobAccess).staging ?? [];
      const stagingActions = staging.map(
        (what) => ({ read: "s3:GetObject", write: "s3:PutObject", delete: "s3:DeleteObject" })[what],
      );
      const policy = new ManagedPolicy(this, `Blob${name[0]!.toUpperCase()}${name.slice(1)}Policy`, {
        description: `Gazette ${name}: read ${access.read.join(", ") || "nothing"}; write ${access.write.join(", ") || "nothing"} (blob bucket, no delete)${staging.length ? `; ${staging.join("/")} staged blobs` : ""}`,
        statements: [
          // ListBucket only where the function reads: so that a missing key is a 404, not a 403.
          ...(access.read.length
            ? [
                new PolicyStatement({ actions: ["s3:GetObject"], resources: objects(access.read) }),
                new PolicyStatement({ actions: ["s3:ListBucket"], resources: [this.blobBucket.bucketArn] }),
              ]
            : []),
          ...(access.write.length
            ? [new PolicyStatement({ actions: ["s3:PutObject"], resources: objects(access.write) })]
            : []),
          ...(stagingActions.length
            ? [
                new PolicyStatement({
                  actions: stagingActions,
                  resources: [this.stagingBucket.arnForObjects(`${STAGING_PREFIX}*`)],
                }),
                // A staged blob already promoted is a 404, not a 403.
                new PolicyStatement({
                  actions: ["s3:ListBucket"],
                  resources: [this.stagingBucket.bucketArn],
                }),
              ]
            : []),
        ],
      });
      if (stagingActions.length) {
        const stagingLogicalId = Stack.of(this).resolve(
          (this.stagingBucket.node.defaultChild as CfnBucket).logicalId,
        );
        Validations.of(policy).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${stagingLogicalId}.Arn>/${STAGING_PREFIX}*]`,
          reason: `Object-level S3 actions need an object ARN pattern: the ${name} function stages, promotes or deletes blobs of requests not yet committed under ${STAGING_PREFIX} of the staging bucket (src/platform/blob-policy.ts).`,
        });
      }
      for (const prefix of new Set([...access.read, ...access.write])) {
        Validations.of(policy).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${blobLogicalId}.Arn>/${prefix}*]`,
          reason: `Object-level S3 actions need an object ARN pattern: the ${name} function's code reads or writes keys under ${prefix} of this one bucket (infra/constructs/access.ts); GetObject/PutObject only, never delete.`,
        });
      }
      policies[name] = policy;
    }
    this.blobAccessPolicies = policies as Record<BlobAccessName, ManagedPolicy>;
    this.responseSpillPolicy = new ManagedPolicy(this, "ResponseSpillPolicy", {
      description: `Gazette API functions: put and read answers too large for Lambda under ${SPILLED_RESPONSE_PREFIX} of the staging bucket`,
      statements: [
        new PolicyStatement({
          actions: ["s3:PutObject", "s3:GetObject"],
          resources: [this.stagingBucket.arnForObjects(`${SPILLED_RESPONSE_PREFIX}*`)],
        }),
      ],
    });
    Validations.of(this.responseSpillPolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).resolve((this.stagingBucket.node.defaultChild as CfnBucket).logicalId)}.Arn>/${SPILLED_RESPONSE_PREFIX}*]`,
      reason: `Object-level S3 actions need an object ARN pattern: each spilled answer has a key of its own (a day and a random id) under ${SPILLED_RESPONSE_PREFIX} of the staging bucket (src/runtime/lambda/response-spill.ts).`,
    });
    this.documentContentReadPolicy = new ManagedPolicy(this, "DocumentContentReadPolicy", {
      description: "Gazette: read documents' content blobs (documents/*) of the blob bucket",
      statements: [
        new PolicyStatement({
          actions: ["s3:GetObject"],
          resources: [this.blobBucket.arnForObjects("documents/*")],
        }),
      ],
    });
    const published = (bucket: Bucket) => [
      bucket.arnForObjects("editions/*"),
      bucket.arnForObjects("documents/*"),
    ];
    this.sitePublishPolicy = new ManagedPolicy(this, "SitePublishPolicy", {
      description:
        "Gazette: copy published PDFs, texts and manifests from the blob bucket to the site bucket",
      statements: [
        new PolicyStatement({ actions: ["s3:GetObject"], resources: published(this.blobBucket) }),
        new PolicyStatement({
          actions: ["s3:GetObject", "s3:PutObject"],
          resources: published(this.siteBucket),
        }),
        // So that a missing key is a 404 (not a 403) when the copy looks before writing.
        new PolicyStatement({ actions: ["s3:ListBucket"], resources: [this.siteBucket.bucketArn] }),
      ],
    });
    const siteLogicalId = Stack.of(this).resolve((this.siteBucket.node.defaultChild as CfnBucket).logicalId);
    for (const [bucketId, prefix] of [
      [blobLogicalId, "editions"],
      [blobLogicalId, "documents"],
      [siteLogicalId, "editions"],
      [siteLogicalId, "documents"],
    ]) {
      Validations.of(this.sitePublishPolicy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}/*]`,
        reason:
          "Object-level S3 actions under the published prefixes (editions/, documents/) of one bucket; read-only on the blob bucket, no delete on the site bucket.",
      });
    }
    Validations.of(this.documentContentReadPolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${blobLogicalId}.Arn>/documents/*]`,
      reason:
        "Read-only s3:GetObject under the documents/ prefix of this one bucket, where oversized documents keep their content.",
    });
  }
}

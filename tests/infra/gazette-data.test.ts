import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, test } from "vitest";
import { TABLE_READ_WRITE_ACTIONS } from "../../infra/constructs/gazette-data.js";
import {
  asArray,
  policyStatements,
  propOf,
  refOf,
  resourcesOf,
  type SynthesisedGazette,
  sharedGazette,
  synthGazette,
} from "./helpers.js";

let gazette: SynthesisedGazette;

beforeAll(() => {
  gazette = sharedGazette();
});

describe("GazetteStateful buckets", () => {
  test("every bucket is encrypted with S3-managed keys, versioned, blocks all public access and is retained", () => {
    // Prepare
    const buckets = resourcesOf(gazette.statefulTemplate, "AWS::S3::Bucket");

    // Act
    const ids = Object.keys(buckets);

    // Assess: the staging bucket alone is not versioned (a delete there must free the bytes)
    const stagingId = refOf(gazette.stateful, gazette.stateful.data.stagingBucket.bucketName);
    expect(ids).toHaveLength(5);
    for (const [id, bucket] of Object.entries(buckets)) {
      if (id === stagingId) expect(bucket.Properties?.VersioningConfiguration, id).toBeUndefined();
      else expect(bucket.Properties?.VersioningConfiguration, id).toEqual({ Status: "Enabled" });
      expect(bucket.Properties, id).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      });
      expect(bucket.DeletionPolicy, id).toBe("Retain");
      expect(bucket.UpdateReplacePolicy, id).toBe("Retain");
    }
  });

  test("every bucket policy denies requests without TLS and below TLS 1.2", () => {
    // Prepare
    const buckets = Object.keys(resourcesOf(gazette.statefulTemplate, "AWS::S3::Bucket"));
    const policies = Object.values(resourcesOf(gazette.statefulTemplate, "AWS::S3::BucketPolicy"));

    // Act
    const protectedBuckets = policies
      .filter((policy) => {
        const statements = policyStatements(policy);
        const denies = (condition: object) =>
          statements.some(
            (s) => s.Effect === "Deny" && JSON.stringify(s.Condition) === JSON.stringify(condition),
          );
        return (
          denies({ Bool: { "aws:SecureTransport": "false" } }) &&
          denies({ NumericLessThan: { "s3:TlsVersion": 1.2 } })
        );
      })
      .map((policy) => propOf<{ Ref: string }>(policy, "Bucket").Ref);

    // Assess
    expect(protectedBuckets.sort()).toEqual(buckets.sort());
  });

  test("blob, staging, site and CDN-log buckets write server access logs to the dedicated log bucket", () => {
    // Prepare
    const accessLogs = gazette.stateful.data.accessLogsBucket;
    const accessLogsId = gazette.stateful.resolve(accessLogs.bucketName) as { Ref: string };

    // Act
    const logged = Object.entries(resourcesOf(gazette.statefulTemplate, "AWS::S3::Bucket")).filter(
      ([, bucket]) =>
        JSON.stringify(
          (bucket.Properties?.LoggingConfiguration as { DestinationBucketName?: unknown } | undefined)
            ?.DestinationBucketName,
        ) === JSON.stringify(accessLogsId),
    );

    // Assess
    expect(logged.map(([id]) => id).sort()).toEqual(
      ["DataBlobBucket", "DataCdnLogsBucket", "DataSiteBucket", "DataStagingBucket"].map((prefix) =>
        expect.stringMatching(new RegExp(`^${prefix}[0-9A-F]{8}$`)),
      ),
    );
  });

  test("the CloudFront log bucket accepts ACL-based log delivery (ObjectWriter)", () => {
    gazette.statefulTemplate.hasResourceProperties("AWS::S3::Bucket", {
      OwnershipControls: { Rules: [{ ObjectOwnership: "ObjectWriter" }] },
    });
  });

  test("only CloudFront of this account may read the site bucket (Origin Access Control)", () => {
    gazette.statefulTemplate.hasResourceProperties("AWS::S3::BucketPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: "AllowCloudFrontOacRead",
            Effect: "Allow",
            Principal: { Service: "cloudfront.amazonaws.com" },
            Action: "s3:GetObject",
            Condition: {
              StringEquals: { "AWS:SourceAccount": { Ref: "AWS::AccountId" } },
              ArnLike: { "AWS:SourceArn": Match.anyValue() },
            },
          }),
        ]),
      },
    });
  });

  test("context siteDistributionId pins the site bucket's OAC grant to that distribution", () => {
    // Prepare
    const pinned = synthGazette({ context: { siteDistributionId: "E2EXAMPLE123" } });

    // Act
    const policy = JSON.stringify(resourcesOf(pinned.statefulTemplate, "AWS::S3::BucketPolicy"));

    // Assess
    expect(policy).toContain(":distribution/E2EXAMPLE123");
    expect(policy).not.toContain(":distribution/*");
  });
});

describe("GazetteStateful table", () => {
  test("the single table has pk/sk, gsi1 and the sparse indexes gsi2 (ALL: due notices, accepted documents) and gsi3 (ALL: overdue notices), TTL expiresAt, on-demand billing, PITR, SSE and deletion protection", () => {
    gazette.statefulTemplate.resourceCountIs("AWS::DynamoDB::Table", 1);
    gazette.statefulTemplate.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: {
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "S" },
          { AttributeName: "gsi1pk", AttributeType: "S" },
          { AttributeName: "gsi1sk", AttributeType: "S" },
          { AttributeName: "gsi2pk", AttributeType: "S" },
          { AttributeName: "gsi2sk", AttributeType: "S" },
          { AttributeName: "gsi3pk", AttributeType: "S" },
          { AttributeName: "gsi3sk", AttributeType: "S" },
        ]),
        GlobalSecondaryIndexes: [
          {
            IndexName: "gsi1",
            KeySchema: [
              { AttributeName: "gsi1pk", KeyType: "HASH" },
              { AttributeName: "gsi1sk", KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "ALL" },
          },
          {
            // Sparse: only notices with work pending (DUE#<day>#<shard>, src/reposts/due.ts) and
            // accepted documents (ACCEPTED#<shard>, src/documents/accepted.ts) carry gsi2pk, so the
            // tick and the console read what waits, and no partition takes every write.
            IndexName: "gsi2",
            KeySchema: [
              { AttributeName: "gsi2pk", KeyType: "HASH" },
              { AttributeName: "gsi2sk", KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "ALL" },
          },
          {
            // Sparse: only overdue repost notices (OVERDUE#<documentId>, src/reposts/counters.ts)
            // carry gsi3pk: the compliance report pages its overdue list from it.
            IndexName: "gsi3",
            KeySchema: [
              { AttributeName: "gsi3pk", KeyType: "HASH" },
              { AttributeName: "gsi3sk", KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "ALL" },
          },
        ],
        TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
        BillingMode: "PAY_PER_REQUEST",
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      },
    });
  });

  test("the stateful stack is termination-protected", () => {
    expect(gazette.stateful.terminationProtection).toBe(true);
  });
});

describe("GazetteStateful access policies", () => {
  test("the table policy grants explicit item actions on the table, gsi1, gsi2 and gsi3 only", () => {
    // Prepare
    const policyId = gazette.stateful.resolve(
      gazette.stateful.data.tableReadWritePolicy.managedPolicyArn,
    ) as {
      Ref: string;
    };

    // Act
    const policy = resourcesOf(gazette.statefulTemplate, "AWS::IAM::ManagedPolicy")[policyId.Ref];
    const statements = policyStatements(policy);

    // Assess
    expect(statements).toHaveLength(1);
    expect(asArray(statements[0]?.Action).sort()).toEqual([...TABLE_READ_WRITE_ACTIONS].sort());
    expect(JSON.stringify(statements[0]?.Resource)).toContain("/index/gsi1");
    expect(JSON.stringify(statements[0]?.Resource)).toContain("/index/gsi2");
    expect(JSON.stringify(statements[0]?.Resource)).toContain("/index/gsi3");
    expect(JSON.stringify(statements)).not.toContain("*");
  });

  test.each(["api", "publisher", "archive", "tick"] as const)(
    "the %s blob policy grants GetObject/PutObject under prefixes of the blob bucket, ListBucket, and deletes only staged blobs",
    (name) => {
      // Prepare
      const policyId = gazette.stateful.resolve(
        gazette.stateful.data.blobAccessPolicies[name].managedPolicyArn,
      ) as { Ref: string };
      const blobBucketId = refOf(gazette.stateful, gazette.stateful.data.blobBucket.bucketName);
      const stagingId = refOf(gazette.stateful, gazette.stateful.data.stagingBucket.bucketName);

      // Act
      const policy = resourcesOf(gazette.statefulTemplate, "AWS::IAM::ManagedPolicy")[policyId.Ref];
      const statements = policyStatements(policy);
      const on = (bucket: string) => statements.filter((s) => JSON.stringify(s.Resource).includes(bucket));
      const actionsOn = (bucket: string) => [...new Set(on(bucket).flatMap((s) => asArray(s.Action)))].sort();
      const referencedBuckets = new Set(JSON.stringify(statements).match(/Data\w+Bucket[0-9A-F]{8}/g));
      const objectResources = statements
        .filter((s) => !asArray(s.Action).includes("s3:ListBucket"))
        .flatMap((s) => asArray(s.Resource))
        .map((r) => JSON.stringify(r));

      // Assess
      expect(actionsOn(blobBucketId)).toEqual(
        name === "tick" ? ["s3:PutObject"] : ["s3:GetObject", "s3:ListBucket", "s3:PutObject"],
      );
      expect([...referencedBuckets].every((b) => b === blobBucketId || b === stagingId)).toBe(true);
      const staged = on(stagingId)
        .filter((s) => !asArray(s.Action).includes("s3:ListBucket"))
        .flatMap((s) => asArray(s.Resource))
        .map((r) => JSON.stringify(r))
        // One statement may name both buckets (the archive's GetObject): check the staging ones.
        .filter((r) => r.includes(stagingId));
      for (const r of staged) expect(r).toContain('"/staging/*"');
      // Every object resource names a prefix: none is the whole bucket ("<bucket>/*").
      expect(objectResources.filter((r) => r.includes('"/*"'))).toEqual([]);
    },
  );
});

describe("GazetteStateful write-once blobs", () => {
  test("the blob bucket has Object Lock with a governance-mode default retention", () => {
    // Prepare
    const gazette = sharedGazette();

    // Act
    const buckets = Object.values(gazette.statefulTemplate.findResources("AWS::S3::Bucket")).filter(
      (b) => b.Properties?.ObjectLockEnabled === true,
    );

    // Assess
    expect(buckets).toHaveLength(1);
    expect(buckets[0]?.Properties?.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: "Enabled",
      Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 365 * 30 } },
    });
  });
});

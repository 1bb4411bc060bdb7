import { beforeAll, describe, expect, test } from "vitest";
import { STAGED_BLOB_EXPIRY_DAYS, STAGING_PREFIX } from "../../src/platform/blob-policy.js";
import {
  asArray,
  type CfnResource,
  policyStatements,
  propOf,
  refOf,
  resourcesOf,
  type SynthesisedGazette,
  sharedGazette,
} from "./helpers.js";

/**
 * Staged blobs (src/platform/blob-policy.ts) live where a failed request can take them back: a
 * bucket of their own with no Object Lock and no versioning (so a delete frees the bytes), a
 * lifecycle rule that expires what nobody claimed, and s3:DeleteObject for the two roles whose code
 * deletes them (intake in the api, the outbox relay in the tick) and for nothing else.
 */
let gazette: SynthesisedGazette;
let stagingId: string;
let blobId: string;
let staging: CfnResource;

beforeAll(() => {
  gazette = sharedGazette();
  stagingId = refOf(gazette.stateful, gazette.stateful.data.stagingBucket.bucketName);
  blobId = refOf(gazette.stateful, gazette.stateful.data.blobBucket.bucketName);
  staging = resourcesOf(gazette.statefulTemplate, "AWS::S3::Bucket")[stagingId]!;
});

describe("the staging bucket", () => {
  test("has no Object Lock and no versioning, so a delete really removes a staged blob", () => {
    // Prepare / Act
    const properties = staging.Properties ?? {};

    // Assess
    expect(properties.ObjectLockEnabled).toBeUndefined();
    expect(properties.ObjectLockConfiguration).toBeUndefined();
    expect(properties.VersioningConfiguration).toBeUndefined();
  });

  test(`expires anything left under ${STAGING_PREFIX} after ${STAGED_BLOB_EXPIRY_DAYS} days`, () => {
    // Prepare / Act
    const rules = propOf<{ Rules: Record<string, unknown>[] }>(staging, "LifecycleConfiguration").Rules;

    // Assess
    expect(rules).toContainEqual(
      expect.objectContaining({
        Prefix: STAGING_PREFIX,
        ExpirationInDays: STAGED_BLOB_EXPIRY_DAYS,
        Status: "Enabled",
      }),
    );
  });

  test("expires answers too large for Lambda (responses/, spilled by the API functions) after a day", () => {
    // Prepare / Act
    const rules = propOf<{ Rules: Record<string, unknown>[] }>(staging, "LifecycleConfiguration").Rules;

    // Assess
    expect(rules).toContainEqual(
      expect.objectContaining({ Prefix: "responses/", ExpirationInDays: 1, Status: "Enabled" }),
    );
  });

  test("its bucket policy denies no delete (the blob bucket's write-once denials do not reach it)", () => {
    // Prepare
    const policies = Object.values(resourcesOf(gazette.statefulTemplate, "AWS::S3::BucketPolicy"));
    const of = (bucket: string) =>
      policies.filter((p) => propOf<{ Ref: string }>(p, "Bucket").Ref === bucket).flatMap(policyStatements);

    // Act
    const deniesDelete = (bucket: string) =>
      of(bucket).some((s) => s.Effect === "Deny" && asArray(s.Action).includes("s3:DeleteObject"));

    // Assess
    expect(deniesDelete(blobId)).toBe(true);
    expect(deniesDelete(stagingId)).toBe(false);
  });

  test("only staged blobs may be deleted, by any managed policy", () => {
    // Prepare
    const policies = Object.entries(resourcesOf(gazette.statefulTemplate, "AWS::IAM::ManagedPolicy"));

    // Act
    const deleting = policies.flatMap(([id, policy]) =>
      policyStatements(policy)
        .filter((s) => asArray(s.Action).some((a) => /^s3:Delete/.test(a)))
        .map((s) => ({ id, actions: asArray(s.Action), resources: JSON.stringify(s.Resource) })),
    );

    // Assess: the api's (the submitters' intake), the archive API's (multipart scans and texts), the
    // documents function's (intake) and the tick's blob policies, s3:DeleteObject under staging/ of
    // the staging bucket
    expect(deleting.map((d) => d.id).sort()).toEqual([
      expect.stringMatching(/^DataBlobApiPolicy/),
      expect.stringMatching(/^DataBlobArchiveApiPolicy/),
      expect.stringMatching(/^DataBlobDocumentsPolicy/),
      expect.stringMatching(/^DataBlobTickPolicy/),
    ]);
    for (const d of deleting) {
      expect(d.actions.filter((a) => /^s3:Delete/.test(a))).toEqual(["s3:DeleteObject"]);
      expect(d.resources).toContain(stagingId);
      expect(d.resources).toContain(`/${STAGING_PREFIX}*`);
      expect(d.resources).not.toContain(blobId);
    }
  });

  test("every function is told the staging bucket's name (GAZETTE_STAGING_BUCKET)", () => {
    // Prepare
    const functions = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::Lambda::Function")).filter(
      (fn) => propOf<{ Variables?: Record<string, unknown> }>(fn, "Environment").Variables?.GAZETTE_BUCKET,
    );

    // Act
    const told = functions.filter((fn) =>
      JSON.stringify(
        propOf<{ Variables: Record<string, unknown> }>(fn, "Environment").Variables.GAZETTE_STAGING_BUCKET,
      )?.includes("StagingBucket"),
    );

    // Assess
    expect(functions.length).toBeGreaterThan(1);
    expect(told).toHaveLength(functions.length);
  });
});

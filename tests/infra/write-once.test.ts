import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { WRITE_ONCE_PREFIXES } from "../../infra/constructs/gazette-data.js";
import type { BlobPutOptions } from "../../src/platform/ports.js";
import { createEditionsTestApp, type EditionsTestApp } from "../editions/harness.js";
import { aSubmission } from "../support/factories.js";
import { denyingStatements, type PolicyStatement } from "../support/s3-bucket-policy.js";
import { refOf, resourcesOf, type SynthesisedGazette, sharedGazette } from "./helpers.js";

/**
 * Write-once enforced by the blob bucket's policy, not only by the code: under the published
 * prefixes nobody may delete (not even leave a delete marker, which Object Lock allows) or write
 * without If-None-Match: *, whatever their IAM grants (issue 10).
 */

const DELETE_ACTIONS = ["s3:DeleteObject", "s3:DeleteObjectVersion"];
const key = fc.array(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,30}$/), { minLength: 1, maxLength: 4 });

describe("the blob bucket policy", () => {
  let statements: PolicyStatement[];
  let blobBucketId: string;
  const bucketArn = (id: string) => `arn:aws:s3:::${id}`;
  const resolve = (value: unknown): string | undefined => {
    if (typeof value === "string") return value;
    const v = value as { "Fn::GetAtt"?: [string, string]; "Fn::Join"?: [string, unknown[]] };
    if (v["Fn::GetAtt"]?.[1] === "Arn") return bucketArn(v["Fn::GetAtt"][0]);
    if (v["Fn::Join"]) {
      const parts = v["Fn::Join"][1].map(resolve);
      return parts.every((p) => p !== undefined) ? parts.join(v["Fn::Join"][0]) : undefined;
    }
    return undefined;
  };
  const denied = (action: string, objectKey: string, context: Record<string, string> = {}) =>
    denyingStatements(
      statements,
      {
        action,
        resource: `${bucketArn(blobBucketId)}/${objectKey}`,
        // A request of the app's roles: over TLS 1.3.
        context: { "aws:SecureTransport": "true", "s3:TlsVersion": "1.3", ...context },
      },
      resolve,
    ).length > 0;

  beforeAll(() => {
    const gazette: SynthesisedGazette = sharedGazette();
    blobBucketId = refOf(gazette.stateful, gazette.stateful.data.blobBucket.bucketName);
    const policy = Object.values(resourcesOf(gazette.statefulTemplate, "AWS::S3::BucketPolicy")).find(
      (p) => (p.Properties?.Bucket as { Ref?: string } | undefined)?.Ref === blobBucketId,
    );
    statements =
      (policy?.Properties?.PolicyDocument as { Statement: PolicyStatement[] } | undefined)?.Statement ?? [];
  });

  test("denies deleting any object under a published prefix, for every principal", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...WRITE_ONCE_PREFIXES),
        key,
        fc.constantFrom(...DELETE_ACTIONS),
        (prefix, parts, action) => {
          // Act / Assess
          expect(denied(action, `${prefix}${parts.join("/")}`), `${action} ${prefix}${parts.join("/")}`).toBe(
            true,
          );
        },
      ),
    );
    const deny = statements.filter((s) => s.Effect === "Deny" && /Delete/.test(JSON.stringify(s.Action)));
    for (const s of deny)
      expect(JSON.stringify((s as { Principal?: unknown }).Principal)).toMatch(/"AWS":"\*"|"\*"/);
  });

  test("denies a PutObject under a published prefix without If-None-Match, allows it with If-None-Match: *", () => {
    fc.assert(
      fc.property(fc.constantFrom(...WRITE_ONCE_PREFIXES), key, (prefix, parts) => {
        // Prepare
        const objectKey = `${prefix}${parts.join("/")}`;

        // Act / Assess
        expect(denied("s3:PutObject", objectKey), objectKey).toBe(true);
        expect(denied("s3:PutObject", objectKey, { "s3:if-none-match": "*" }), objectKey).toBe(false);
      }),
    );
  });

  test("leaves the working prefixes (direct uploads, archive jobs and items) writable", () => {
    fc.assert(
      fc.property(fc.constantFrom("uploads/", "archive/jobs/", "archive/items/"), key, (prefix, parts) => {
        const objectKey = `${prefix}${parts.join("/")}`;
        expect(denied("s3:PutObject", objectKey), objectKey).toBe(false);
      }),
    );
  });
});

describe("the app under the write-once policy", () => {
  let app: EditionsTestApp;
  afterEach(() => app?.close());

  test("writes every object under a published prefix with If-None-Match (ifAbsent), from intake to publication", async () => {
    // Prepare: record every blob write of the app
    app = createEditionsTestApp();
    const blobs = app.container.platform.blobs;
    const put = blobs.put.bind(blobs);
    const writes: { key: string; options: BlobPutOptions }[] = [];
    blobs.put = (k, bytes, options) => {
      writes.push({ key: k, options });
      return put(k, bytes, options);
    };

    // Act: submit a long document (its content goes to a blob), make an edition and publish it twice
    const long = aSubmission({
      body: Array.from({ length: 400 }, () =>
        "本办法适用于全省各级行政机关和依法授权的组织。".repeat(20),
      ).join("\n"),
    });
    const doc = await app.submit(long);
    const edition = (await (
      await app.api("/api/editions", { method: "POST", json: { year: 2025 } })
    ).json()) as {
      id: string;
    };
    const placed = await app.api(`/api/editions/${edition.id}/documents`, {
      method: "PUT",
      json: { documents: [doc.id] },
    });
    const first = await app.api(`/api/editions/${edition.id}/publish`, { method: "POST" });
    const again = await app.api(`/api/editions/${edition.id}/publish`, { method: "POST" });

    // Assess
    expect([placed.status, first.status, again.status]).toEqual([200, 200, 200]);
    const published = writes.filter((w) => WRITE_ONCE_PREFIXES.some((p) => w.key.startsWith(p)));
    expect(published.map((w) => w.key)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^editions\//), expect.stringMatching(/^documents\//)]),
    );
    for (const w of published) expect(w.options.ifAbsent, w.key).toBe(true);
  });
});

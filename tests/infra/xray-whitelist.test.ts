import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { trimXrayWhitelist, XRAY_WHITELIST } from "../../infra/constructs/esbuild-child.mjs";

/**
 * The bundles carry the X-Ray SDK's whitelist (the operations whose parameters a subsegment
 * records) without S3's bucket-level operations (infra/constructs/esbuild-child.mjs): no function
 * calls one, which the sources say.
 */
const WHITELIST = "node_modules/aws-xray-sdk-core/dist/lib/resources/aws_whitelist.json";

interface Whitelist {
  services: Record<string, { operations: Record<string, unknown> }>;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith(".ts"))
    .map((d) => join(d.parentPath, d.name));
}

describe("the X-Ray whitelist in the bundles", () => {
  it("keeps every operation but S3's bucket-level ones, which no function sends", () => {
    // Prepare
    const whitelist = JSON.parse(readFileSync(WHITELIST, "utf8")) as Whitelist;

    // Act
    const trimmed = trimXrayWhitelist(whitelist);
    const bucketCommands = sources("src").flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/\b(\w*Bucket\w*)Command\b/g)].map((m) => `${file}: ${m[0]}`),
    );

    // Assess
    expect(XRAY_WHITELIST.test(`/r/${WHITELIST}`)).toBe(true);
    expect(bucketCommands).toEqual([]);
    for (const [service, { operations }] of Object.entries(whitelist.services)) {
      const kept = Object.keys(trimmed.services[service]!.operations);
      const expected = Object.keys(operations).filter((op) => service !== "s3" || !/Bucket/.test(op));
      expect(kept, service).toEqual(expected);
    }
    expect(Object.keys(trimmed.services.s3!.operations)).toEqual(
      expect.arrayContaining(["getObject", "putObject", "headObject", "deleteObject", "listObjectsV2"]),
    );
    expect(trimmed.services.s3!.operations.putObject).toEqual(whitelist.services.s3!.operations.putObject);
  });
});

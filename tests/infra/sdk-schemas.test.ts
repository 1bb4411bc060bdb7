import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, test } from "vitest";
import { literalSchemaKeys, SDK_SCHEMA_MODULE } from "../../infra/constructs/esbuild-child.mjs";
import { buildFunctionBundle } from "../../infra/constructs/function-bundle.js";
import { sdkCalls } from "./fixtures/sdk-calls.js";

/**
 * The Lambda bundles write the AWS SDK clients' schema modules with literal keys
 * (infra/constructs/esbuild-child.mjs), so esbuild drops the shapes of operations no function calls.
 * The SDK must then write the very requests, and read the very results and errors, it does unbundled.
 */
const root = mkdtempSync(join(tmpdir(), "gazette-sdk-schemas-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the SDK schema modules with literal keys", () => {
  test("a computed key naming a string constant becomes that string; other keys and code stay as they were", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("a", "b", "X", "_", "0", '"', "\\", "中") }),
        fc.constantFrom("_xN", "_h", "_en"),
        (value, name) => {
          // Prepare
          const literal = JSON.stringify(value);
          const source = `const ${name} = ${literal};\nconst _other = 1;\nexport var S$ = [3, n0, ${name}, { [${name}]: 1, [_other]: 2, [_unknown]: 3 }, [() => T$]];\n`;

          // Act
          const written = literalSchemaKeys(source);

          // Assess
          expect(written).toBe(
            `const ${name} = ${literal};\nconst _other = 1;\nexport var S$ = [3, n0, ${name}, { ${literal}: 1, [_other]: 2, [_unknown]: 3 }, [() => T$]];\n`,
          );
          const evaluate = (code: string) =>
            JSON.stringify(
              new Function(
                "n0",
                "T$",
                `${code.replace(/export var/g, "var").replace("[_unknown]", '["u"]')}; return S$;`,
              )("ns", "t"),
            );
          expect(evaluate(written)).toBe(evaluate(source));
        },
      ),
    );
  });

  test("only the clients' schema modules are rewritten", () => {
    // Assess
    expect(SDK_SCHEMA_MODULE.test("/r/node_modules/@aws-sdk/client-s3/dist-es/schemas/schemas_0.js")).toBe(
      true,
    );
    expect(
      SDK_SCHEMA_MODULE.test("C:\\r\\node_modules\\@aws-sdk\\client-sqs\\dist-es\\schemas\\schemas_0.js"),
    ).toBe(true);
    expect(
      SDK_SCHEMA_MODULE.test("/r/node_modules/@aws-sdk/client-s3/dist-es/commands/GetObjectCommand.js"),
    ).toBe(false);
    expect(SDK_SCHEMA_MODULE.test("/r/node_modules/@aws-sdk/core/dist-es/schemas/schemas_0.js")).toBe(false);
  });

  test("every S3, DynamoDB and SQS command the functions send (KMS is called over HTTP: tests/signing/kms-key.test.ts) writes and reads the same inside a bundle", async () => {
    // Prepare
    const dir = join(root, "sdk-calls");
    const bundle = buildFunctionBundle({ entry: "tests/infra/fixtures/sdk-calls.ts" }, dir);
    const schemaModules = Object.keys(bundle.metafile.inputs).filter((input) =>
      SDK_SCHEMA_MODULE.test(input),
    );

    // Act
    const run = spawnSync(
      process.execPath,
      [
        "--no-warnings",
        "--input-type=module",
        "-e",
        `const m = await import("./index.mjs"); process.stdout.write(JSON.stringify(await m.sdkCalls()));`,
      ],
      { cwd: dir, encoding: "utf8", timeout: 60_000, env: { PATH: process.env.PATH } },
    );
    const unbundled = await sdkCalls();

    // Assess
    expect(schemaModules).toHaveLength(3);
    expect(run.stderr.slice(0, 500)).toBe("");
    expect(JSON.parse(run.stdout)).toEqual(unbundled);
    // The fake service answered what was asked: the outcomes are the replies, not errors of the fake.
    expect(JSON.stringify(unbundled)).toContain('"error":"NoSuchKey"');
    expect(JSON.stringify(unbundled)).toContain('"error":"ConditionalCheckFailedException"');
    expect(JSON.stringify(unbundled)).toContain('"Body":"hello"');
    expect(JSON.stringify(unbundled)).toContain('"MessageId":"m3"');
    expect(JSON.stringify(unbundled)).toContain('"error":"QueueDoesNotExist"');
  }, 120_000);

  test("the bundle keeps only the shapes of the operations it calls", () => {
    // Prepare: S3's schema module, as bundled for a function that calls five of its ~100 operations.
    const dir = join(root, "sdk-calls-size");
    const bundle = buildFunctionBundle({ entry: "tests/infra/fixtures/sdk-calls.ts" }, dir);
    const js = readFileSync(join(dir, "index.mjs"), "utf8");

    // Act
    const s3Schemas = Object.values(bundle.metafile.outputs)
      .flatMap((output) => Object.entries(output.inputs))
      .filter(([input]) => input.includes("client-s3/dist-es/schemas/schemas_0.js"))
      .reduce((sum, [, used]) => sum + used.bytesInOutput, 0);

    // Assess: was 66 KB with every operation's shapes.
    expect(s3Schemas).toBeLessThan(25_000);
    expect(js).toContain("ListBucketResult");
    expect(js).not.toContain("PutBucketAnalyticsConfiguration");
  }, 120_000);
});

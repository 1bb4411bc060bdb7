import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { exportedNames, ZOD_JSON_SCHEMA_KEPT } from "../../infra/constructs/esbuild-child.mjs";
import { buildFunctionBundle, type FunctionBundle } from "../../infra/constructs/function-bundle.js";
import { REPO_ROOT } from "../../infra/paths.js";

/**
 * zod's JSON Schema generator is left out of every bundle that does not keep it
 * (esbuild-child.mjs: zodWithoutJsonSchemaPlugin): validation, the checks' getters
 * (`minLength`, `minValue`, …) and Standard Schema validation still work inside such a bundle;
 * asking for JSON Schema throws, saying why.
 */

const ENTRY_TS = `// Temporary entry written by tests/infra/zod-json-schema.test.ts.
import * as z from "zod";

const schema = z.object({
  title: z.string().min(2).max(40),
  count: z.number().int().min(1).max(9),
  when: z.date().min(new Date("2020-01-01")),
});

function attempt(f: () => unknown) {
  try {
    return { value: f() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

export const handler = async () => {
  const shape = schema.shape;
  const standard = schema["~standard"];
  return {
    ok: schema.safeParse({ title: "公报", count: 3, when: new Date("2024-01-01") }).success,
    issues: (schema.safeParse({ title: "x", count: 0, when: new Date("2024-01-01") }).error?.issues ?? []).map(
      (issue) => issue.path.join("."),
    ),
    standardOk: "value" in (standard.validate({ title: "公报", count: 3, when: new Date() }) as object),
    getters: {
      minLength: shape.title.minLength,
      maxLength: shape.title.maxLength,
      minValue: shape.count.minValue,
      maxValue: shape.count.maxValue,
      isInt: shape.count.isInt,
      minDate: shape.when.minDate?.toISOString(),
    },
    toJSONSchema: attempt(() => z.toJSONSchema(schema, { unrepresentable: "any" })),
    method: attempt(() => schema.toJSONSchema({ unrepresentable: "any" })),
    standardJsonSchema: attempt(() => (standard as { jsonSchema: { input: (o: unknown) => unknown } }).jsonSchema.input({ target: "draft-2020-12" })),
  };
};
`;

let root: string;
let entry: string;
const build = (name: string, zodJsonSchema: boolean) =>
  buildFunctionBundle({ entry, zodJsonSchema }, join(root, name));
let without: FunctionBundle;
let withGenerator: FunctionBundle;

function run(dir: string) {
  const script = `const m = await import("./index.mjs"); process.stdout.write(JSON.stringify(await m.handler()));`;
  const out = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: dir,
    encoding: "utf8",
  });
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout);
}

const zodInputs = (bundle: FunctionBundle) =>
  Object.values(bundle.metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([path, input]) => input.bytesInOutput > 0 && /zod[\\/]v4[\\/]core[\\/]/.test(path))
      .map(([path]) => path),
  );

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "gazette-zod-json-schema-"));
  // Inside the repository: esbuild resolves zod from the project root.
  entry = join(mkdtempSync(join(REPO_ROOT, "tests", "infra", ".zod-")), "handler.ts");
  writeFileSync(entry, ENTRY_TS);
  without = build("without", false);
  withGenerator = build("with", true);
}, 120_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  if (entry) rmSync(join(entry, ".."), { recursive: true, force: true });
});

describe("zod without its JSON Schema generator", () => {
  test("the generator's modules are stand-ins; only aggregateChecks comes from the real module", () => {
    const inputs = zodInputs(without);
    expect(
      inputs.filter((p) => /to-json-schema|json-schema-generator/.test(p) && !p.startsWith("zod-without")),
    ).toEqual([]);
    expect(inputs.some((p) => p.startsWith("zod-without-json-schema:"))).toBe(true);
    expect(zodInputs(withGenerator).some((p) => p.includes("to-json-schema.js"))).toBe(true);
    expect(withGenerator.jsBytes - without.jsBytes).toBeGreaterThan(15_000);
  });

  test("validation and the checks' getters work; JSON Schema throws, saying why", () => {
    const result = run(join(root, "without"));
    expect(result.ok).toBe(true);
    expect(result.issues).toEqual(["title", "count"]);
    expect(result.standardOk).toBe(true);
    expect(result.getters).toEqual({
      minLength: 2,
      maxLength: 40,
      minValue: 1,
      maxValue: 9,
      isInt: true,
      minDate: "2020-01-01T00:00:00.000Z",
    });
    for (const key of ["toJSONSchema", "method", "standardJsonSchema"])
      expect(result[key].error).toMatch(/JSON Schema generator .* is not in this bundle/);
  });

  test("the same entry with the generator kept answers the same, and generates JSON Schema", () => {
    const result = run(join(root, "with"));
    const plain = run(join(root, "without"));
    expect(result.getters).toEqual(plain.getters);
    expect(result.issues).toEqual(plain.issues);
    expect(result.toJSONSchema.value.properties.title).toMatchObject({ minLength: 2, maxLength: 40 });
  });

  test("the stand-ins export every name of the real modules", () => {
    const core = join(REPO_ROOT, "node_modules", "zod", "v4", "core");
    const processors = exportedNames(readFileSync(join(core, "json-schema-processors.js"), "utf8"));
    expect(processors).toEqual(
      expect.arrayContaining([...ZOD_JSON_SCHEMA_KEPT["json-schema-processors"]!, "toJSONSchema"]),
    );
    const toJsonSchema = exportedNames(readFileSync(join(core, "to-json-schema.js"), "utf8"));
    expect(toJsonSchema).toEqual(
      expect.arrayContaining(["createToJSONSchemaMethod", "createStandardJSONSchemaMethod", "process"]),
    );
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App, type Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { addGazetteStacks, type GazetteAppOverrides, type GazetteStacks } from "../../infra/gazette-app.js";
import { REPO_ROOT } from "../../infra/paths.js";

/** The public address tests synthesise with (synthesis refuses to go without one). */
export const TEST_PUBLIC_BASE_URL = "https://gazette.example.gov.cn";

/** The feature flags and settings from cdk.json, so tests synthesise what `cdk synth` does. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, "cdk.json"), "utf8")) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/**
 * A bare App for construct unit tests. CDK's built-in CloudFormation validation is off: loading its
 * schemas costs seconds per test process, and the compliance test runs it on the real app.
 */
export function testApp(): App {
  return new App({ builtinCloudFormationValidation: false, stackTraces: false });
}

export interface SynthOptions {
  /** Extra CDK context (e.g. jwtIssuer); merged over cdk.json. */
  readonly context?: Record<string, unknown>;
  /** Really bundle the functions with esbuild. Default false: no asset bundling, fast and offline. */
  readonly bundle?: boolean;
  readonly overrides?: GazetteAppOverrides;
  readonly outdir?: string;
  /**
   * Run CDK's built-in CloudFormation validation too, as `cdk synth` does (about 3 s on a 2-core
   * machine). Default false; the compliance test turns it on. cdk-nag runs either way.
   */
  readonly cfnValidation?: boolean;
}

export interface SynthesisedGazette extends GazetteStacks {
  readonly app: App;
  readonly statefulTemplate: Template;
  readonly statelessTemplate: Template;
  /** Directory of the synthesised cloud assembly. */
  readonly assemblyDir: string;
}

/** Builds the real app (both stacks, cdk-nag plugin) and synthesises it once. */
export function synthGazette(options: SynthOptions = {}): SynthesisedGazette {
  const app = new App({
    outdir: options.outdir,
    builtinCloudFormationValidation: options.cfnValidation ?? false,
    stackTraces: false,
    context: {
      ...cdkJsonContext(),
      // No stack needs its assets bundled: functions/*.ts is not compiled (see bundling.test.ts).
      ...(options.bundle ? {} : { "aws:cdk:bundling-stacks": [] }),
      // Synthesis needs the site's public address; tests that test its absence pass their own context.
      ...(options.context && ("publicBaseUrl" in options.context || "siteDomainName" in options.context)
        ? {}
        : { publicBaseUrl: TEST_PUBLIC_BASE_URL }),
      ...options.context,
    },
  });
  const stacks = addGazetteStacks(app, options.overrides);
  const assembly = app.synth();
  return {
    app,
    ...stacks,
    statefulTemplate: Template.fromStack(stacks.stateful),
    statelessTemplate: Template.fromStack(stacks.stateless),
    assemblyDir: assembly.directory,
  };
}

let shared: SynthesisedGazette | undefined;

/**
 * The app with the settings `cdk synth` uses by default, synthesised once per vitest worker and
 * shared by every test file that reads it: the tests under tests/infra run without isolation
 * (vitest.config.ts, project "infra"), so this module, and the synthesised app, stay loaded from
 * one file to the next. Read it only: a test that needs other settings, or adds constructs,
 * synthesises its own with synthGazette().
 */
export function sharedGazette(): SynthesisedGazette {
  shared ??= synthGazette();
  return shared;
}

/** The logical id a token of `stack` resolves to (a `Ref` or the resource of an `Fn::GetAtt`). */
export function refOf(stack: Stack, token: unknown): string {
  const resolved = stack.resolve(token) as { Ref?: string; "Fn::GetAtt"?: [string, string] };
  const id = resolved.Ref ?? resolved["Fn::GetAtt"]?.[0];
  if (!id) throw new Error(`not a reference to a resource: ${JSON.stringify(resolved)}`);
  return id;
}

export type CfnResource = { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown };

/** Resources of one type, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}

/** The logical id of the (single) resource of `type` whose id starts with `prefix`. */
export function logicalIdOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(resourcesOf(template, type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1)
    throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(", ") || "none"}`);
  return ids[0]!;
}

/** A resource property; throws (failing the test) when the resource or the property is missing. */
export function propOf<T>(resource: CfnResource | undefined, key: string): T {
  const value = resource?.Properties?.[key];
  if (value === undefined) throw new Error(`resource has no property ${key}`);
  return value as T;
}

/** The statements of an IAM/S3/SQS policy resource. */
export function policyStatements(resource: CfnResource | undefined): PolicyStatementJson[] {
  return propOf<{ Statement: PolicyStatementJson[] }>(resource, "PolicyDocument").Statement;
}

export type PolicyStatementJson = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
};

export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

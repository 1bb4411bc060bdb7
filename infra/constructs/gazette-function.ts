import { AssetHashType, DockerImage, Duration, type ILocalBundling, Validations } from "aws-cdk-lib";
import { type IRole, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import {
  ApplicationLogLevel,
  Architecture,
  Code,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from "aws-cdk-lib/aws-lambda";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { REPO_ROOT } from "../paths.js";
import {
  type BundledPackage,
  type BundleFile,
  buildFunctionBundle,
  type FunctionBundleSpec,
} from "./function-bundle.js";

export type GazetteLogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR";

export { ESM_REQUIRE_BANNER, EXTERNAL_MODULES } from "./function-bundle.js";

import type { OpenApiConfig } from "../../src/http/route-declaration.js";

export interface GazetteFunctionProps {
  /** The TypeScript entry file, absolute or relative to the repository root (e.g. "functions/api.ts"). */
  readonly entry: string;
  /**
   * Exported handler name in the entry file.
   * @default "handler"
   */
  readonly handler?: string;
  /** POWERTOOLS_SERVICE_NAME, e.g. "gazette-api". */
  readonly serviceName: string;
  /** Human-readable description of the function. */
  readonly description?: string;
  /** Application environment variables (merged over the Powertools and Node.js defaults). */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * LOG_LEVEL for the Powertools logger, also the Lambda application log level.
   * @default "INFO"
   */
  readonly logLevel?: GazetteLogLevel;
  /**
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Reserved concurrency: caps the function (and reserves that much of the account's pool).
   * @default - unreserved
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * How long the function's log group keeps logs.
   * @default RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: RetentionDays;
  /**
   * Files and directories the function reads at run time, copied into its package from the
   * repository (e.g. TEMPLATE_FILES: `templates/` beside `index.mjs`).
   * @default - none
   */
  readonly files?: readonly BundleFile[];
  /**
   * The repository root: esbuild resolves there, and `entry`/`files` are relative to it.
   * @default the repository containing this file
   */
  readonly projectRoot?: string;
  /**
   * Packages left out of the bundle (they start worker threads or read their own files at run
   * time); their files must be among `files`.
   * @default - none
   */
  readonly external?: readonly string[];
  /**
   * Packages built beside the bundle from their installed sources (e.g. OCR_PACKAGE: tesseract.js
   * as two minified files, the main side and its worker's script).
   * @default - none
   */
  readonly packages?: readonly BundledPackage[];
  /**
   * Aliases of this function's bundle alone, over BUNDLE_ALIASES (e.g. DOCX_READER_ALIASES).
   * @default - none
   */
  readonly aliases?: Readonly<Record<string, string>>;
  /**
   * Keep zod's JSON Schema generator in the bundle, for a function that generates JSON Schema at
   * run time (FunctionBundleSpec.zodJsonSchema).
   * @default false
   */
  readonly zodJsonSchema?: boolean;
  /**
   * Write the OpenAPI document for these settings beside the bundle (FunctionBundleSpec.openApi).
   * @default - none
   */
  readonly openApi?: OpenApiConfig;
  /**
   * Where asynchronous invocations that fail every retry go (functions EventBridge invokes). Left
   * out, the function is invoked synchronously only (API Gateway, SQS event sources), where a
   * function DLQ never applies.
   * @default - none
   */
  readonly deadLetterQueue?: IQueue;
}

/**
 * A Node.js 22 / arm64 Lambda function bundled locally by esbuild's API (never Docker, never npm):
 * buildFunctionBundle (function-bundle.ts) writes ESM with a `require` banner, split into lazily
 * loaded chunks, minified, with source maps, plus the files the function reads. X-Ray active; its
 * own log group with retention; an explicit role that can only write to that log group (no
 * AWSLambdaBasicExecutionRole).
 */
export class GazetteFunction extends Construct {
  public readonly function: LambdaFunction;
  /** What is bundled: the same spec `npm run bench -- --lambda-only` builds. */
  public readonly bundle: FunctionBundleSpec;
  /** POWERTOOLS_SERVICE_NAME, e.g. "gazette-api". */
  public readonly serviceName: string;
  public readonly role: IRole;
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: GazetteFunctionProps) {
    super(scope, id);
    const projectRoot = props.projectRoot ?? REPO_ROOT;
    const entry = props.entry;
    this.serviceName = props.serviceName;
    const logLevel = props.logLevel ?? "INFO";

    this.logGroup = new LogGroup(this, "LogGroup", {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
    });
    const role = new Role(this, "Role", {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: `Execution role of ${props.serviceName}`,
    });
    this.logGroup.grantWrite(role);
    this.role = role;

    this.bundle = {
      entry,
      files: props.files ?? [],
      external: props.external ?? [],
      packages: props.packages ?? [],
      aliases: props.aliases ?? {},
      ...(props.zodJsonSchema ? { zodJsonSchema: true } : {}),
      ...(props.openApi ? { openApi: props.openApi } : {}),
    };
    const bundle = this.bundle;
    this.function = new LambdaFunction(this, "Function", {
      code: Code.fromAsset(projectRoot, {
        // The hash of what is deployed (the bundle), not of the whole repository.
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never used: local bundling always succeeds or throws (no Docker fallback).
          image: DockerImage.fromRegistry("public.ecr.aws/sam/build-nodejs22.x"),
          local: new LocalFunctionBundler(bundle, projectRoot),
        },
      }),
      handler: `index.${props.handler ?? "handler"}`,
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      deadLetterQueue: props.deadLetterQueue,
      tracing: Tracing.ACTIVE,
      role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[logLevel],
      systemLogLevelV2: SystemLogLevel.INFO,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        LOG_LEVEL: logLevel,
        NODE_OPTIONS: "--enable-source-maps",
        ...props.environment,
      },
    });

    if (!props.deadLetterQueue) {
      Validations.of(this.function).acknowledge({
        id: "Serverless-LambdaDLQ",
        reason:
          "Invoked synchronously only (API Gateway, or an SQS event source mapping, which polls and invokes synchronously): a function DLQ applies to asynchronous invocations; failed SQS messages reach the queue's own DLQ by its redrive policy.",
      });
    }
    Validations.of(this.function).acknowledge({
      id: "Serverless-LambdaLatestVersion",
      reason:
        "Node.js 22 is the runtime the project pins and bundles for (esbuild target node22); moving to a newer runtime is a deliberate, tested upgrade, not a synth-time default.",
    });
    Validations.of(this.function).acknowledge({
      id: "AwsSolutions-L1",
      reason:
        "Node.js 22 is the runtime the project pins and bundles for (esbuild target node22); moving to a newer runtime is a deliberate, tested upgrade, not a synth-time default.",
    });
    Validations.of(role).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions. Tests assert that X-Ray is the only statement on Resource '*'.",
    });
  }
}

/**
 * Bundles one function in-process (buildFunctionBundle). The spec is a public field on purpose:
 * CDK keys its cache of staged assets by the bundling options serialised as JSON, where a bare
 * function would vanish and every function's asset would be the first one's.
 */
class LocalFunctionBundler implements ILocalBundling {
  /** Private (not serialised): the asset hash must not depend on where the repository is checked out. */
  readonly #projectRoot: string;

  constructor(
    readonly spec: FunctionBundleSpec,
    projectRoot: string,
  ) {
    this.#projectRoot = projectRoot;
  }

  tryBundle(outputDir: string): boolean {
    buildFunctionBundle(this.spec, outputDir, this.#projectRoot);
    return true;
  }
}

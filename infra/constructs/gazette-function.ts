import { basename, isAbsolute, join } from "node:path";
import { Duration, Validations } from "aws-cdk-lib";
import { type IRole, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { REPO_ROOT } from "../paths.js";

export type GazetteLogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR";

/**
 * esbuild emits an ESM bundle, but CommonJS dependencies inside it still call `require()` (for Node
 * built-ins, e.g. mammoth, handlebars); ESM has no `require`, so the banner defines one.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __gazetteCreateRequire } from 'node:module'; const require = __gazetteCreateRequire(import.meta.url);";

/**
 * Never bundled: better-sqlite3, a native addon used only by the embedded (local) adapter, never
 * in Lambda. The AWS SDK is bundled at the versions package.json pins: the copy in the Lambda
 * runtime has an unannounced version and lacks packages we use (the S3 presigner, the credential
 * provider for OpenSearch), and AWS advises shipping your own.
 */
export const EXTERNAL_MODULES: readonly string[] = ["better-sqlite3"];

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
   * Directories (relative to the repository root) copied next to the bundle, e.g. "templates":
   * `templates/` then sits beside `index.mjs` in the Lambda package.
   * @default - none
   */
  readonly assetDirs?: readonly string[];
  /**
   * The repository root: esbuild runs there, and `entry`/`assetDirs` are resolved against it.
   * @default the repository containing this file
   */
  readonly projectRoot?: string;
  /**
   * Packages installed (from package-lock.json) into the function's node_modules instead of being
   * bundled: for packages that start worker threads or read their own files at run time.
   * @default - none
   */
  readonly nodeModules?: readonly string[];
}

/**
 * A Node.js 22 / arm64 Lambda function bundled locally by esbuild (never Docker): ESM output with a
 * `require` banner, minified, with source maps; X-Ray active; its own log group with retention; an
 * explicit role that can only write to that log group (no AWSLambdaBasicExecutionRole).
 */
export class GazetteFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly role: IRole;
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: GazetteFunctionProps) {
    super(scope, id);
    const projectRoot = props.projectRoot ?? REPO_ROOT;
    const entry = isAbsolute(props.entry) ? props.entry : join(projectRoot, props.entry);
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

    const assetDirs = props.assetDirs ?? [];
    this.function = new NodejsFunction(this, "Function", {
      entry,
      handler: props.handler ?? "handler",
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: Tracing.ACTIVE,
      role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[logLevel],
      systemLogLevelV2: SystemLogLevel.INFO,
      projectRoot,
      depsLockFilePath: join(projectRoot, "package-lock.json"),
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        LOG_LEVEL: logLevel,
        NODE_OPTIONS: "--enable-source-maps",
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: "node22",
        mainFields: ["module", "main"],
        banner: ESM_REQUIRE_BANNER,
        externalModules: [...EXTERNAL_MODULES],
        nodeModules: props.nodeModules ? [...props.nodeModules] : undefined,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) =>
            assetDirs.map(
              (dir) =>
                `cp -R ${shellQuote(join(inputDir, dir))} ${shellQuote(join(outputDir, basename(dir)))}`,
            ),
        },
      },
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

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

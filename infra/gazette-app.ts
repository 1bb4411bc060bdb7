import { Annotations, type App, Validations } from "aws-cdk-lib";
import { EventSourceMapping } from "aws-cdk-lib/aws-lambda";
import { AwsSolutionsChecks, ServerlessChecks } from "cdk-nag";
import type { JwtAuthSettings } from "./constructs/gazette-api.js";
import { GazetteFunction } from "./constructs/gazette-function.js";
import type { GazetteSearchProps } from "./constructs/gazette-search.js";
import { GazetteEdgeStack } from "./stacks/gazette-edge-stack.js";
import { GazetteStatefulStack } from "./stacks/gazette-stateful-stack.js";
import { GazetteStatelessStack } from "./stacks/gazette-stateless-stack.js";

/** Names of the two stacks (also their construct ids). */
export const STATEFUL_STACK_NAME = "GazetteStateful";
export const STATELESS_STACK_NAME = "GazetteStateless";
/** The CloudFront web ACL's stack: always in us-east-1 (CLOUDFRONT-scope WAF lives there). */
export const EDGE_STACK_NAME = "GazetteEdge";

export interface GazetteAppOverrides {
  /** Entry files relative to the repository root; defaults functions/api.ts and functions/events.ts. */
  readonly apiEntry?: string;
  readonly eventsEntry?: string;
  readonly publisherEntry?: string;
  /** One entry for the three repost functions (fan-out, delivery, tick); tests bundle a stub. */
  readonly repostEntry?: string;
  /** Entry of the archive consumer. */
  readonly archiveEntry?: string;
  /** Entry of the migration function. */
  readonly migrateEntry?: string;
}

export interface GazetteStacks {
  readonly stateful: GazetteStatefulStack;
  readonly stateless: GazetteStatelessStack;
  /** The web ACL stack (us-east-1); absent with `-c waf=false`. */
  readonly edge: GazetteEdgeStack | undefined;
}

/**
 * Adds both stacks and the cdk-nag AWS Solutions and Serverless checks to `app`. Deployment options come from CDK
 * context (cdk.json or `-c key=value`):
 * - `jwtIssuer` + `jwtAudience` (array, or comma-separated string): JWT instead of IAM on editor routes
 * - `siteDomainName` (array or comma-separated) + `siteCertificateArn`: custom domain for CloudFront
 * - `siteWebAclArn`: WAFv2 web ACL for CloudFront
 * - `publicBaseUrl`: the site's public address (default https:// + the first siteDomainName); repost
 *   notices link documents and their ack URL under it
 * - `siteDistributionId`: after the first deployment, pin the site bucket's OAC grant to it
 * - `waf=false`: leave out the GazetteEdge stack (the us-east-1 web ACL; on by default)
 * - `consoleDomainPrefix`: prefix of the console's hosted sign-in domain (default gazette-<account>)
 * - `alarmEmail` (array or comma-separated): addresses subscribed to the alarm topic
 * - `tsaUrl`: an RFC 3161 timestamp authority for the publisher's PDF signatures (PAdES B-T)
 * - `sesIdentity` (+ `mailFrom`, `sesConfigurationSet`): e-mail the submitters' notifications
 *   through this verified SES identity (a domain or an address); default: no e-mail
 * - `search=opensearch`: an OpenSearch domain for the public search (default: none; the embedded
 *   index does not fit Lambda, so /api/search answers 503 without it)
 */
export function addGazetteStacks(app: App, overrides: GazetteAppOverrides = {}): GazetteStacks {
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const context = (key: string): unknown => app.node.tryGetContext(key);

  const stateful = new GazetteStatefulStack(app, STATEFUL_STACK_NAME, {
    env,
    data: { siteDistributionId: optionalString(context("siteDistributionId"), "siteDistributionId") },
    search: searchFromContext(context("search")),
    console: { domainPrefix: optionalString(context("consoleDomainPrefix"), "consoleDomainPrefix") },
  });
  const stateless = new GazetteStatelessStack(app, STATELESS_STACK_NAME, {
    env,
    data: stateful.data,
    jwt: jwtFromContext(context("jwtIssuer"), context("jwtAudience")),
    apiEntry: overrides.apiEntry,
    eventsEntry: overrides.eventsEntry,
    publisherEntry: overrides.publisherEntry,
    repostEntry: overrides.repostEntry,
    archiveEntry: overrides.archiveEntry,
    migrateEntry: overrides.migrateEntry,
    search: stateful.search,
    siteDomainNames: stringList(context("siteDomainName"), "siteDomainName"),
    publicBaseUrl: optionalString(context("publicBaseUrl"), "publicBaseUrl"),
    siteCertificateArn: optionalString(context("siteCertificateArn"), "siteCertificateArn"),
    siteWebAclArn: optionalString(context("siteWebAclArn"), "siteWebAclArn"),
    alarmEmails: emailList(context("alarmEmail")),
    consoleUserPool: stateful.consoleUserPool,
    timestampAuthorityUrl: optionalString(context("tsaUrl"), "tsaUrl"),
    mail: mailFromContext(context),
  });
  stateless.addStackDependency(stateful, "functions, API and CDN use the buckets and the table");

  const waf = optionalString(context("waf"), "waf") ?? "true";
  if (waf !== "true" && waf !== "false")
    throw new Error(`context waf must be "true" or "false", got "${waf}"`);
  const edge =
    waf === "true"
      ? new GazetteEdgeStack(app, EDGE_STACK_NAME, { env: { account: env.account, region: "us-east-1" } })
      : undefined;
  if (edge && !context("siteWebAclArn")) {
    Annotations.of(stateless).addWarningV2(
      "gazette:siteWebAclArn",
      "CloudFront has no web ACL yet: deploy GazetteEdge, then deploy GazetteStateless with -c siteWebAclArn=<its WebAclArn output> (docs/deploy.md).",
    );
  }

  // Every event source mapping here reads an SQS queue (tests/infra/compliance.test.ts checks it).
  for (const mapping of app.node.findAll().filter((c) => c instanceof EventSourceMapping)) {
    Validations.of(mapping).acknowledge({
      id: "Serverless-LambdaEventSourceMappingDestination",
      reason:
        "SQS event sources take no on-failure destination (Lambda offers them for stream and Kafka sources): a failed message returns to its queue, whose redrive policy moves it to the queue's DLQ after maxReceiveCount.",
    });
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { stateful, stateless, edge };
}

/**
 * Every Lambda function of the app, with the bundle spec its asset is built from: the bench
 * (`npm run bench -- --lambda-only`) and the bundle tests build these, as `cdk synth` does.
 */
export function gazetteFunctions(app: App): GazetteFunction[] {
  return app.node.findAll().filter((c): c is GazetteFunction => c instanceof GazetteFunction);
}

/** JWT settings when `jwtIssuer` is set; otherwise undefined (IAM). An issuer without audience is an error. */
export function jwtFromContext(issuer: unknown, audience: unknown): JwtAuthSettings | undefined {
  const iss = optionalString(issuer, "jwtIssuer");
  const aud = stringList(audience, "jwtAudience");
  if (!iss) {
    if (aud) throw new Error("context jwtAudience is set but jwtIssuer is not");
    return undefined;
  }
  if (!aud?.length) throw new Error("context jwtIssuer needs jwtAudience (one or more client ids)");
  return { issuer: iss, audience: aud };
}

/** `-c search=opensearch` → the domain with its defaults; absent or "embedded" → none. */
export function searchFromContext(value: unknown): GazetteSearchProps | undefined {
  const engine = optionalString(value, "search");
  if (engine === undefined || engine === "embedded") return undefined;
  if (engine !== "opensearch")
    throw new Error(`context search must be "opensearch" or "embedded", got "${engine}"`);
  return {};
}

function mailFromContext(context: (key: string) => unknown) {
  const identity = optionalString(context("sesIdentity"), "sesIdentity");
  const from = optionalString(context("mailFrom"), "mailFrom");
  const configurationSet = optionalString(context("sesConfigurationSet"), "sesConfigurationSet");
  if (!identity) {
    if (from || configurationSet)
      throw new Error("context mailFrom and sesConfigurationSet need sesIdentity");
    return undefined;
  }
  return { identity, from, configurationSet };
}

function optionalString(value: unknown, key: string): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw new Error(`context ${key} must be a string`);
  return value.trim();
}

function emailList(value: unknown): string[] | undefined {
  const list = stringList(value, "alarmEmail");
  for (const email of list ?? []) {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
      throw new Error(`context alarmEmail: "${email}" is not an e-mail address`);
  }
  return list;
}

function stringList(value: unknown, key: string): string[] | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const items = typeof value === "string" ? value.split(",") : value;
  if (!Array.isArray(items) || !items.every((item) => typeof item === "string")) {
    throw new Error(`context ${key} must be a string array or a comma-separated string`);
  }
  const list = items.map((item) => item.trim()).filter(Boolean);
  return list.length ? list : undefined;
}

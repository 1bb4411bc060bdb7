/**
 * What every Lambda function's composition root shares: its configuration (from the environment
 * the CDK stack sets), the AWS platform (DynamoDB, S3, SQS clients, created once per container;
 * without the SQS client for a function that sends no message: lambdaBaseWithoutQueues)
 * and the Powertools logger. Each function builds on these only what it uses (see ./api.ts, …),
 * so its bundle holds only that code; heavy pieces it uses rarely load on first use.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { type Config, loadConfig } from "../../config.js";
import { createAwsPlatform } from "../../platform/aws/index.js";
import { type AwsStores, createAwsStores } from "../../platform/aws/stores.js";
import { noQueues } from "../../platform/no-queues.js";
import type { QueuePort } from "../../platform/ports.js";
import { awsPlatformOptions, awsStoresOptions } from "../aws-options.js";

/** The AWS platform of a function: the stores and its queues (SQS, or none). */
export type LambdaPlatform = AwsStores & { readonly queues: QueuePort };

export interface LambdaBase {
  readonly config: Config;
  readonly platform: LambdaPlatform;
  readonly logger: Logger;
}

export type LambdaEnv = Readonly<Record<string, string | undefined>>;

/** The base of a function that sends or receives queue messages: the platform with SQS. */
export function lambdaBase(env: LambdaEnv = process.env): LambdaBase {
  return baseOn(env, (config) => createAwsPlatform(awsPlatformOptions(config)));
}

/**
 * The base of a function that sends no queue message (the preview function): no SQS client is
 * built, nor bundled (`owner` names the function in the error a queue call would throw).
 */
export function lambdaBaseWithoutQueues(owner: string, env: LambdaEnv = process.env): LambdaBase {
  return baseOn(env, (config) => ({ ...createAwsStores(awsStoresOptions(config)), queues: noQueues(owner) }));
}

function baseOn(env: LambdaEnv, platformOf: (config: Config) => LambdaPlatform): LambdaBase {
  const config = loadConfig({ ...env, GAZETTE_MODE: "aws" });
  return { config, platform: platformOf(config), logger: new Logger({ serviceName: "gazette" }) };
}

/** The site's settings with its public address (links in pages, feeds and notices). */
export function siteGazette(config: Config) {
  return { ...config.gazette, baseUrl: config.baseUrl };
}

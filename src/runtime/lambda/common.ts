/**
 * What every Lambda function's composition root shares: its configuration (from the environment
 * the CDK stack sets), the AWS platform (DynamoDB, S3, SQS clients, created once per container)
 * and the Powertools logger. Each function builds on these only what it uses (see ./api.ts, …),
 * so its bundle holds only that code; heavy pieces it uses rarely load on first use.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { type Config, loadConfig } from "../../config.js";
import { type AwsPlatform, createAwsPlatform } from "../../platform/aws/index.js";

export interface LambdaBase {
  readonly config: Config;
  readonly platform: AwsPlatform;
  readonly logger: Logger;
}

export type LambdaEnv = Readonly<Record<string, string | undefined>>;

export function lambdaBase(env: LambdaEnv = process.env): LambdaBase {
  const config = loadConfig({ ...env, GAZETTE_MODE: "aws" });
  const platform = createAwsPlatform({
    tableName: config.aws.tableName,
    bucketName: config.aws.bucketName,
    stagingBucketName: config.aws.stagingBucketName,
    queueUrls: config.aws.queueUrls,
    region: config.aws.region,
  });
  return { config, platform, logger: new Logger({ serviceName: "gazette" }) };
}

/** The site's settings with its public address (links in pages, feeds and notices). */
export function siteGazette(config: Config) {
  return { ...config.gazette, baseUrl: config.baseUrl };
}

import { loadConfig } from "../config.js";
import { createAwsPlatform } from "../platform/aws/index.js";
import { type Container, createContainer } from "./container.js";

/** The container for a Lambda function, configured from its environment (set by the CDK stack). */
export function createAwsContainer(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Container {
  const config = loadConfig({ ...env, GAZETTE_MODE: "aws" });
  const platform = createAwsPlatform({
    tableName: config.aws.tableName,
    bucketName: config.aws.bucketName,
    queueUrls: config.aws.queueUrls,
    region: config.aws.region,
  });
  return createContainer(config, platform);
}

/**
 * The AWS platform's options as the configuration gives them (GAZETTE_TABLE, GAZETTE_BUCKET, …):
 * one mapping for the Lambda functions' bases, the container and the offline commands.
 */
import type { Config } from "../config.js";
import type { AwsPlatformOptions, AwsStoresOptions } from "../platform/aws/index.js";

/** The table and buckets, without the queues (a function that sends no message). */
export function awsStoresOptions(config: Config): AwsStoresOptions {
  return {
    tableName: config.aws.tableName,
    bucketName: config.aws.bucketName,
    stagingBucketName: config.aws.stagingBucketName,
    region: config.aws.region,
  };
}

/** The table, buckets and queues. */
export function awsPlatformOptions(config: Config): AwsPlatformOptions {
  return { ...awsStoresOptions(config), queueUrls: config.aws.queueUrls };
}

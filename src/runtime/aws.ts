import { S3Client } from "@aws-sdk/client-s3";
import { S3UploadUrls } from "../archive/s3-upload-urls.js";
import { loadConfig } from "../config.js";
import { createAwsPlatform } from "../platform/aws/index.js";
import { S3BlobStore } from "../platform/aws/s3-blobs.js";
import { awsPlatformOptions } from "./aws-options.js";
import { type Container, createContainer } from "./container.js";

/** The container for a Lambda function, configured from its environment (set by the CDK stack). */
export function createAwsContainer(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Container {
  const config = loadConfig({ ...env, GAZETTE_MODE: "aws" });
  const platform = createAwsPlatform(awsPlatformOptions(config));
  // CloudFront serves published PDFs and texts from the site bucket: the events consumer copies
  // them there, and the site shows an edition once they are.
  const siteFiles = config.aws.siteBucketName
    ? new S3BlobStore(new S3Client({ region: config.aws.region }), config.aws.siteBucketName)
    : undefined;
  // Large archive scans are PUT straight to their one place in the blob bucket (archive/scans/<sha256>.<ext>)
  // with presigned URLs that sign the SHA-256 checksum.
  const uploads = new S3UploadUrls(config.aws.bucketName, { region: config.aws.region });
  return createContainer(config, platform, { siteFiles, uploads });
}

// The bench's peer Lambda (bench/lambda.ts): only the AWS SDK clients the functions use and the
// Powertools logger, each created once as a function's composition root would, nothing of ours.
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";

const region = process.env.AWS_REGION;
const clients = [new DynamoDBClient({ region }), new S3Client({ region }), new SQSClient({ region })];
const logger = new Logger({ serviceName: "peer" });

export const handler = async () => {
  logger.info("peer", { clients: clients.length });
  return { clients: clients.length };
};

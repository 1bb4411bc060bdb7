import { Tracer } from "@aws-lambda-powertools/tracer";

let tracer: Tracer | undefined;

/**
 * The function's Powertools Tracer (X-Ray; the functions run with active tracing). It traces only
 * inside Lambda (AWS_EXECUTION_ENV set): elsewhere (tests, scripts, the local server) Powertools disables it, and
 * `captureAWSv3Client` hands the client back untouched.
 */
export function functionTracer(): Tracer {
  tracer ??= new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "gazette" });
  return tracer;
}

/** The client with an X-Ray subsegment per AWS call (DynamoDB, S3, SQS) where tracing is on. */
export function traced<T>(client: T): T {
  return functionTracer().captureAWSv3Client(client);
}

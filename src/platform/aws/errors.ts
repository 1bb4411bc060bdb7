import {
  ConditionFailedError,
  StorageError,
  StorageRequestError,
  StorageUnavailableError,
  UnknownQueueError,
} from "../errors.js";

const CONDITION_FAILED = new Set([
  "ConditionalCheckFailedException",
  "PreconditionFailed",
  "MessageNotInflight",
]);

const UNKNOWN_QUEUE = new Set(["QueueDoesNotExist", "NonExistentQueue"]);

/** Errors worth retrying: throttling, transient service faults, conflicting concurrent requests. */
const UNAVAILABLE = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "Throttling",
  "RequestLimitExceeded",
  "RequestThrottled",
  "SlowDown",
  "ServiceUnavailable",
  "InternalServerError",
  "InternalError",
  "InternalFailure",
  "RequestTimeout",
  "RequestTimeoutException",
  "TransactionConflictException",
  // S3: another conditional write to the key is in flight; AWS advises retrying.
  "ConditionalRequestConflict",
  "TimeoutError",
  "AbortError",
]);

interface SdkErrorShape {
  name?: string;
  Code?: string;
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number };
}

/** The error code without SQS's "AWS.SimpleQueueService." namespace. */
export function awsErrorCode(error: unknown): string {
  const shape = (typeof error === "object" && error !== null ? error : {}) as SdkErrorShape;
  const raw = shape.Code ?? shape.name ?? "";
  return raw.replace(/^AWS\.SimpleQueueService\./, "");
}

/** Maps an AWS SDK error to the shared storage errors, keeping it as `cause`. */
export function mapAwsError(error: unknown, action: string): StorageError {
  if (error instanceof StorageError) return error;
  const shape = (typeof error === "object" && error !== null ? error : {}) as SdkErrorShape;
  const code = awsErrorCode(error);
  const status = shape.$metadata?.httpStatusCode;
  const detail = error instanceof Error ? error.message : String(error);
  const message = `${action}: ${code || "error"}${detail ? ` (${detail})` : ""}`;

  if (CONDITION_FAILED.has(code) || status === 412)
    return new ConditionFailedError(message, { cause: error });
  if (UNKNOWN_QUEUE.has(code)) return new UnknownQueueError(message, { cause: error });
  if (UNAVAILABLE.has(code)) return new StorageUnavailableError(message, { cause: error });
  // No HTTP status: the request never got an answer (connection refused, DNS, socket reset).
  if (status === undefined || status === 429 || status >= 500 || shape.$fault === "server") {
    return new StorageUnavailableError(message, { cause: error });
  }
  return new StorageRequestError(message, { cause: error });
}

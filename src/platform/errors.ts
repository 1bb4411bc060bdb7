/** Storage errors shared by all adapters. Each keeps the SDK/driver error as `cause`. */

export class StorageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A conditional write failed: the record exists already, or its version moved on. */
export class ConditionFailedError extends StorageError {}

/** The backing store is unreachable or refused the request; the caller may retry. */
export class StorageUnavailableError extends StorageError {}

/** A request the store cannot take (too large, malformed key). Not retryable. */
export class StorageRequestError extends StorageError {}

/**
 * A query cursor this store did not issue (malformed, tampered with, or from another query). It
 * comes from the caller, so the HTTP layer answers 400 `invalid` on `cursor`.
 */
export class InvalidCursorError extends StorageRequestError {}

/** The named queue is not configured. */
export class UnknownQueueError extends StorageError {}

/**
 * Thrown by a queue message processor when retrying cannot help (a malformed or unknown
 * message). The SQS consumer then moves the message to the dead-letter queue at once instead of
 * retrying it maxReceiveCount times. Not a StorageError: it is about the message, not the store.
 */
export class PermanentMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

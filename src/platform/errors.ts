/**
 * The errors every module builds on, and the storage errors shared by all adapters.
 *
 * Request errors: each module's errors extend one of the base kinds below (a module never extends
 * another module's errors), and src/http/errors.ts maps each kind to one HTTP status, in one
 * place. Each carries the problems a client is told about: `{code, field, message}`.
 *
 *   ValidationError    400  the request is malformed: a missing, mistyped or oversized field
 *   UnauthorisedError  401  no valid credentials
 *   ForbiddenError     403  valid credentials, not allowed this
 *   NotFoundError      404  no such thing
 *   ConflictError      409  clashes with the current state (duplicate, modified, reused key)
 *   TooLargeError      413  the body or a file is larger than allowed
 *   UnsupportedError   415  a media type or file format this route does not take
 *   RefusedError       422  well-formed but against the rules (e.g. 退文)
 *   UnavailableError   503  a backend is temporarily unavailable; retry
 *
 * Storage errors keep the SDK/driver error as `cause`; the HTTP mapping turns the ones a request
 * can cause into base kinds (a cursor from elsewhere → 400, an outage → 503).
 */

export interface FieldProblem {
  /** Machine-readable reason, e.g. "required", "too_long", "invalid_format". */
  readonly code: string;
  /** Dotted path of the offending field, e.g. "disclosure.reason" or "attachments.2.title". */
  readonly field: string | null;
  readonly message: string;
}

export function problem(field: string | null, code: string, message: string): FieldProblem {
  return { field, code, message };
}

/** The kinds of request error, each one HTTP status (src/http/errors.ts). */
export type ProblemKind =
  | "validation"
  | "unauthorised"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "too_large"
  | "unsupported"
  | "refused"
  | "unavailable";

/** A request error: what a client did wrong (or may retry), with the problems it is told. */
export abstract class ProblemError extends Error {
  abstract readonly kind: ProblemKind;
  readonly problems: readonly FieldProblem[];

  /** `new XError(message, problems)`, or `new XError(problems)` (the message joins theirs). */
  constructor(
    messageOrProblems: string | readonly FieldProblem[],
    problems?: readonly FieldProblem[],
    options?: { cause?: unknown },
  ) {
    const list = typeof messageOrProblems === "string" ? (problems ?? []) : messageOrProblems;
    super(
      typeof messageOrProblems === "string" ? messageOrProblems : list.map((p) => p.message).join("; "),
      options,
    );
    this.problems = list;
    this.name = new.target.name;
  }
}

export class ValidationError extends ProblemError {
  readonly kind = "validation";
}
export class UnauthorisedError extends ProblemError {
  readonly kind = "unauthorised";
}
export class ForbiddenError extends ProblemError {
  readonly kind = "forbidden";
}
export class NotFoundError extends ProblemError {
  readonly kind = "not_found";
}
export class ConflictError extends ProblemError {
  readonly kind = "conflict";
}
export class TooLargeError extends ProblemError {
  readonly kind = "too_large";
}
export class UnsupportedError extends ProblemError {
  readonly kind = "unsupported";
}
export class RefusedError extends ProblemError {
  readonly kind = "refused";
}
export class UnavailableError extends ProblemError {
  readonly kind = "unavailable";
}

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

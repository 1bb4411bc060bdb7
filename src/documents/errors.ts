/**
 * Errors of the documents module, each one of the base kinds of src/platform/errors.ts (which
 * src/http/errors.ts maps to HTTP statuses).
 */
import {
  ConflictError,
  type FieldProblem,
  NotFoundError,
  problem,
  RefusedError,
  TooLargeError,
  UnsupportedError,
  ValidationError,
} from "../platform/errors.js";

export type { FieldProblem };
export { problem };

/** The submission is malformed: missing, wrongly typed or oversized fields. */
export class InvalidDocumentError extends ValidationError {}

/**
 * The submission is well-formed but may not be accepted under the publication rules
 * (no approval, confidentiality review not passed, policy without interpretation: 退文).
 */
export class DocumentRefusedError extends RefusedError {}

/** The same 发文字号 from the same issuer was accepted before. */
export class DuplicateDocumentError extends ConflictError {
  constructor(
    message: string,
    problems: readonly FieldProblem[],
    readonly existingId: string | undefined,
  ) {
    super(message, problems);
  }
}

/** An Idempotency-Key was reused with a different request, or the first request is still running. */
export class IdempotencyConflictError extends ConflictError {}

export class DocumentNotFoundError extends NotFoundError {}

/** The upload is larger than allowed. */
export class PayloadTooLargeError extends TooLargeError {}

/** The upload is not a format intake understands. */
export class UnsupportedMediaError extends UnsupportedError {}

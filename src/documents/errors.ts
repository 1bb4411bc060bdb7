/** Errors of the documents module. src/http/errors.ts maps them to HTTP responses. */

export interface FieldProblem {
  /** Machine-readable reason, e.g. "required", "too_long", "invalid_format". */
  readonly code: string;
  /** Dotted path of the offending field, e.g. "disclosure.reason" or "attachments.2.title". */
  readonly field: string | null;
  readonly message: string;
}

export class DocumentError extends Error {
  constructor(
    message: string,
    readonly problems: readonly FieldProblem[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The submission is malformed: missing, wrongly typed or oversized fields. */
export class InvalidDocumentError extends DocumentError {}

/**
 * The submission is well-formed but may not be accepted under the publication rules
 * (no approval, confidentiality review not passed, policy without interpretation: 退文).
 */
export class DocumentRefusedError extends DocumentError {}

/** The same 发文字号 from the same issuer was accepted before. */
export class DuplicateDocumentError extends DocumentError {
  constructor(
    message: string,
    problems: readonly FieldProblem[],
    readonly existingId: string | undefined,
  ) {
    super(message, problems);
  }
}

/** An Idempotency-Key was reused with a different request, or the first request is still running. */
export class IdempotencyConflictError extends DocumentError {}

export class DocumentNotFoundError extends DocumentError {}

/** The upload is larger than allowed. */
export class PayloadTooLargeError extends DocumentError {}

/** The upload is not a format intake understands. */
export class UnsupportedMediaError extends DocumentError {}

export function problem(field: string | null, code: string, message: string): FieldProblem {
  return { field, code, message };
}

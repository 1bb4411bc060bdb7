import {
  DocumentNotFoundError,
  DocumentRefusedError,
  DuplicateDocumentError,
  type FieldProblem,
  IdempotencyConflictError,
  InvalidDocumentError,
  PayloadTooLargeError,
  UnsupportedMediaError,
} from "../documents/errors.js";
import { InvalidCursorError, StorageRequestError, StorageUnavailableError } from "../platform/errors.js";
import { jsonResponse } from "./json.js";

/** An HTTP-level problem (auth, content type, malformed JSON) raised by the app itself. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly problems: readonly FieldProblem[],
  ) {
    super(problems.map((p) => p.message).join("; "));
    this.name = "HttpProblem";
  }
}

/**
 * The one place where errors become HTTP responses. Body: {error: {code, message, field}}, or
 * {error: [{…}, {…}]} when several fields fail.
 */
export function errorResponse(error: unknown, log?: (error: unknown) => void): Response {
  const [status, problems] = classify(error);
  if (status >= 500) log?.(error);
  const body = problems.length === 1 ? problems[0] : problems;
  const headers: Record<string, string> = status === 503 ? { "retry-after": "5" } : {};
  return jsonResponse({ error: body }, status, headers);
}

function classify(error: unknown): [number, readonly FieldProblem[]] {
  if (error instanceof HttpProblem) return [error.status, error.problems];
  if (error instanceof InvalidDocumentError) return [400, error.problems];
  if (error instanceof DocumentRefusedError) return [422, error.problems];
  if (error instanceof DuplicateDocumentError || error instanceof IdempotencyConflictError)
    return [409, error.problems];
  if (error instanceof DocumentNotFoundError) return [404, error.problems];
  if (error instanceof PayloadTooLargeError) return [413, error.problems];
  if (error instanceof UnsupportedMediaError) return [415, error.problems];
  if (error instanceof InvalidCursorError)
    return [400, [{ code: "invalid", field: "cursor", message: "cursor is not one this service issued" }]];
  if (error instanceof StorageRequestError)
    return [400, [{ code: "storage_rejected", field: null, message: "The request could not be stored" }]];
  if (error instanceof StorageUnavailableError)
    return [
      503,
      [{ code: "unavailable", field: null, message: "Storage is temporarily unavailable; retry" }],
    ];
  return [
    500,
    [
      {
        code: "internal",
        field: null,
        message: "Internal error. Retrying with the same Idempotency-Key is safe; report it if it persists.",
      },
    ],
  ];
}

/**
 * The one place where errors become HTTP responses. Each module's errors extend a base kind of
 * src/platform/errors.ts; STATUS gives each kind its status. Storage errors a request can cause
 * are answered as the kind they amount to; anything else is a 500.
 *
 * Body: {error: {code, message, field}}, or {error: [{…}, {…}]} when several fields fail.
 */
import {
  type FieldProblem,
  InvalidCursorError,
  ProblemError,
  type ProblemKind,
  StorageRequestError,
  StorageUnavailableError,
} from "../platform/errors.js";
import { jsonResponse } from "./json.js";

/** The HTTP status of each kind of request error. */
export const STATUS: Readonly<Record<ProblemKind, number>> = {
  validation: 400,
  unauthorised: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  refused: 422,
  unavailable: 503,
};

const INTERNAL: FieldProblem = {
  code: "internal",
  field: null,
  message: "Internal error. Retrying with the same Idempotency-Key is safe; report it if it persists.",
};

/** Any error as its HTTP status and the problems a client is told. */
export function classify(error: unknown): [number, readonly FieldProblem[]] {
  if (error instanceof ProblemError) return [STATUS[error.kind], error.problems];
  if (error instanceof InvalidCursorError)
    return [400, [{ code: "invalid", field: "cursor", message: "cursor is not one this service issued" }]];
  if (error instanceof StorageRequestError)
    return [400, [{ code: "storage_rejected", field: null, message: "The request could not be stored" }]];
  if (error instanceof StorageUnavailableError)
    return [
      503,
      [{ code: "unavailable", field: null, message: "Storage is temporarily unavailable; retry" }],
    ];
  return [500, [INTERNAL]];
}

/** A JSON error response: one problem as an object, several as a list; 503 says when to retry. */
export function problemResponse(
  status: number,
  problems: readonly FieldProblem[],
  headers: Record<string, string> = {},
): Response {
  const body = problems.length === 1 ? problems[0] : problems;
  return jsonResponse({ error: body }, status, status === 503 ? { "retry-after": "5", ...headers } : headers);
}

/** An error as its response; 5xx are logged. */
export function errorResponse(error: unknown, log?: (error: unknown) => void): Response {
  const [status, problems] = classify(error);
  if (status >= 500) log?.(error);
  return problemResponse(status, problems);
}

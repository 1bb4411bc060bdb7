/**
 * Errors of the archive module, each one of the base kinds of src/platform/errors.ts:
 *   InvalidArchiveRequestError  → 400 (malformed request, missing field)
 *   UnreadableScanError         → 422 (corrupt, encrypted, pixel bomb, unsupported page)
 *   ScanTooLargeError           → 413 (file bytes, page count)
 *   UnsupportedScanError        → 415 (not PDF, TIFF, PNG or JPEG)
 *   ArchiveConflictError        → 409 (an item changed since it was read)
 *   ArchiveNotFoundError        → 404
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

export class InvalidArchiveRequestError extends ValidationError {}

/** The file is of a supported type but cannot (or must not) be decoded. */
export class UnreadableScanError extends RefusedError {}

export class ScanTooLargeError extends TooLargeError {}

export class UnsupportedScanError extends UnsupportedError {}

export class ArchiveConflictError extends ConflictError {}

export class ArchiveNotFoundError extends NotFoundError {}

/** A page could not be read (its file is corrupt where it lies); retrying cannot help. */
export class PageUnreadableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PageUnreadableError";
  }
}

/** zod issue codes answered as they are: a value too small or too big, a malformed string. */
const PASSED_CODES: ReadonlySet<string> = new Set(["too_small", "too_big", "invalid_format"]);

/** A zod error's issues as field problems (`documents.0.text`, `year`, …). */
export function zodProblems(error: {
  issues: readonly {
    path: readonly PropertyKey[];
    message: string;
    code: string;
    params?: { reason?: unknown } | undefined;
  }[];
}) {
  return error.issues.map((i) =>
    problem(
      i.path.map(String).join(".") || null,
      // A custom check names its own reason (e.g. not_a_calendar_date); the codes docs/api.md
      // lists pass as they are, any other is `invalid`.
      i.code === "custom" && typeof i.params?.reason === "string"
        ? i.params.reason
        : PASSED_CODES.has(i.code)
          ? i.code
          : "invalid",
      i.message,
    ),
  );
}

/**
 * Errors of the submitters module (bodies, submissions, the completeness register), each one of
 * the base kinds of src/platform/errors.ts (which src/http/errors.ts maps to HTTP statuses).
 */
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  problem,
  RefusedError,
  ValidationError,
} from "../platform/errors.js";

export { problem };

/** Malformed input: a field missing or out of range (400). */
export class SubmitterInputError extends ValidationError {}

/** Well-formed, but not allowed in this state (422): resubmitting what was not returned. */
export class SubmissionStateError extends RefusedError {}

/** No such body, submission or register entry (404). */
export class SubmitterNotFoundError extends NotFoundError {}

/** Someone else changed it meanwhile, or the id is taken (409). */
export class SubmitterConflictError extends ConflictError {}

/** A submitter acting for another body than their own (403). */
export class OtherBodyError extends ForbiddenError {}

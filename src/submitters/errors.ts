/**
 * Errors of the submitters module (bodies, submissions, the completeness register). Each extends
 * the kind whose HTTP status it needs (src/http/errors.ts maps them).
 */
import {
  DocumentNotFoundError,
  DocumentRefusedError,
  type FieldProblem,
  IdempotencyConflictError,
  InvalidDocumentError,
  problem,
} from "../documents/errors.js";
import { HttpProblem } from "../http/errors.js";

export { problem };

/** Malformed input: a field missing or out of range (400). */
export class SubmitterInputError extends InvalidDocumentError {}

/** Well-formed, but not allowed in this state (422): resubmitting what was not returned. */
export class SubmissionStateError extends DocumentRefusedError {}

/** No such body, submission or register entry (404). */
export class SubmitterNotFoundError extends DocumentNotFoundError {}

/** Someone else changed it meanwhile, or the id is taken (409). */
export class SubmitterConflictError extends IdempotencyConflictError {}

/** A submitter acting for another body than their own (403). */
export class OtherBodyError extends HttpProblem {
  constructor(problems: readonly FieldProblem[]) {
    super(403, problems);
    this.name = "OtherBodyError";
  }
}

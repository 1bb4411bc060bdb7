/**
 * Errors of the reposts module. Like the editions module's, they subclass the documents module's
 * errors so that src/http/errors.ts maps them without changes:
 *   InvalidRepostRequestError → 400 (InvalidDocumentError)
 *   RepostRefusedError        → 422 (DocumentRefusedError), e.g. a webhook that fails its challenge
 *   RepostConflictError       → 409 (IdempotencyConflictError)
 *   SiteNotFoundError, NoticeNotFoundError → 404 (DocumentNotFoundError)
 * NoticeForbiddenError (a site touching another site's notice) becomes 403 in reposts/http.ts.
 */
import {
  DocumentError,
  DocumentNotFoundError,
  DocumentRefusedError,
  type FieldProblem,
  IdempotencyConflictError,
  InvalidDocumentError,
} from "../documents/errors.js";

export { problem } from "../documents/errors.js";
export type { FieldProblem };

export class InvalidRepostRequestError extends InvalidDocumentError {}
export class RepostRefusedError extends DocumentRefusedError {}
export class RepostConflictError extends IdempotencyConflictError {}
export class SiteNotFoundError extends DocumentNotFoundError {}
export class NoticeNotFoundError extends DocumentNotFoundError {}
export class NoticeForbiddenError extends DocumentError {}
/** Missing or wrong site token (401). */
export class SiteUnauthorizedError extends DocumentError {}

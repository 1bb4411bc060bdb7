/**
 * Errors of the reposts module, each one of the base kinds of src/platform/errors.ts:
 *   InvalidRepostRequestError → 400 (ValidationError)
 *   RepostRefusedError        → 422 (RefusedError), e.g. a webhook that fails its challenge
 *   RepostConflictError       → 409 (ConflictError)
 *   SiteNotFoundError, NoticeNotFoundError → 404 (NotFoundError)
 *   NoticeForbiddenError      → 403 (ForbiddenError): a site touching another site's notice
 */
import {
  ConflictError,
  type FieldProblem,
  ForbiddenError,
  NotFoundError,
  problem,
  RefusedError,
  ValidationError,
} from "../platform/errors.js";

export type { FieldProblem };
export { problem };

export class InvalidRepostRequestError extends ValidationError {}
export class RepostRefusedError extends RefusedError {}
export class RepostConflictError extends ConflictError {}
export class SiteNotFoundError extends NotFoundError {}
export class NoticeNotFoundError extends NotFoundError {}
export class NoticeForbiddenError extends ForbiddenError {}

/**
 * Errors of the editions module, each one of the base kinds of src/platform/errors.ts:
 *   InvalidEditionRequestError  → 400 (ValidationError)
 *   PlacementRefusedError       → 422 (RefusedError)
 *   DocumentAlreadyPlacedError  → 409 (ConflictError)
 *   EditionConflictError        → 409 (ConflictError)
 *   EditionNotFoundError        → 404 (NotFoundError)
 */
import {
  ConflictError,
  type FieldProblem,
  NotFoundError,
  problem,
  RefusedError,
  ValidationError,
} from "../platform/errors.js";

export type { FieldProblem };
export { problem };

export class InvalidEditionRequestError extends ValidationError {}

/** Well-formed but against the rules (a non-public document, an empty edition, …). */
export class PlacementRefusedError extends RefusedError {}

/** The document is already placed in another edition. `existingId` is that edition's id. */
export class DocumentAlreadyPlacedError extends ConflictError {
  constructor(
    message: string,
    problems: readonly FieldProblem[],
    readonly existingId: string | undefined,
  ) {
    super(message, problems);
  }
}

/**
 * The edition cannot change as asked: it is published (immutable), being published, was modified
 * concurrently, or an artifact key already holds different content.
 */
export class EditionConflictError extends ConflictError {}

export class EditionNotFoundError extends NotFoundError {}

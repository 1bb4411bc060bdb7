/**
 * Errors of the editions module. They subclass the documents module's errors so that
 * src/http/errors.ts maps them without changes:
 *   InvalidEditionRequestError  → 400 (InvalidDocumentError)
 *   PlacementRefusedError       → 422 (DocumentRefusedError)
 *   DocumentAlreadyPlacedError  → 409 (DuplicateDocumentError)
 *   EditionConflictError        → 409 (IdempotencyConflictError; a generic ConflictError in the
 *                                 mapping would be the cleaner parent)
 *   EditionNotFoundError        → 404 (DocumentNotFoundError)
 */
import {
  DocumentNotFoundError,
  DocumentRefusedError,
  DuplicateDocumentError,
  type FieldProblem,
  IdempotencyConflictError,
  InvalidDocumentError,
} from "../documents/errors.js";

export { problem } from "../documents/errors.js";

export class InvalidEditionRequestError extends InvalidDocumentError {}

/** Well-formed but against the rules (a non-public document, an empty edition, …). */
export class PlacementRefusedError extends DocumentRefusedError {}

/** The document is already placed in another edition. `existingId` is that edition's id. */
export class DocumentAlreadyPlacedError extends DuplicateDocumentError {}

/**
 * The edition cannot change as asked: it is published (immutable), being published, was modified
 * concurrently, or an artifact key already holds different content.
 */
export class EditionConflictError extends IdempotencyConflictError {}

export class EditionNotFoundError extends DocumentNotFoundError {}

export type { FieldProblem };

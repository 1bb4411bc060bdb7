import { type FieldProblem, UnavailableError, ValidationError } from "../platform/errors.js";

/** A search request that cannot be answered as asked (bad filter, cursor from elsewhere): 400. */
export class SearchQueryError extends ValidationError {
  constructor(problems: readonly FieldProblem[]) {
    super(problems);
  }
}

/** The search backend failed (unreachable cluster, unreadable index file): 503. */
export class SearchUnavailableError extends UnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(
      message,
      [{ code: "unavailable", field: null, message: "Search is temporarily unavailable; retry" }],
      options,
    );
  }
}

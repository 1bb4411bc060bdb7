import type { FieldProblem } from "../documents/errors.js";

/** A search request that cannot be answered as asked (bad filter, cursor from elsewhere). */
export class SearchQueryError extends Error {
  constructor(readonly problems: readonly FieldProblem[]) {
    super(problems.map((p) => p.message).join("; "));
    this.name = "SearchQueryError";
  }
}

/** The search backend failed (unreachable cluster, unreadable index file). */
export class SearchUnavailableError extends Error {
  override name = "SearchUnavailableError";
}

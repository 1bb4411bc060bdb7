import { ValidationError } from "../platform/errors.js";
import { PAGE_LIMIT } from "./route-declaration.js";

/**
 * The `limit` query parameter of a paged list, one rule for every route (and the OpenAPI
 * document's PAGE_PARAMS): absent → 50; decimal digits naming an integer from 1 to 200; anything
 * else (signs, exponents, hex, spaces, fractions) → 400 naming the field.
 */
export function pageLimit(raw: string | undefined): number {
  if (raw === undefined) return PAGE_LIMIT.default;
  const n = /^[0-9]{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < PAGE_LIMIT.min || n > PAGE_LIMIT.max) {
    throw new ValidationError([
      {
        code: "invalid",
        field: "limit",
        message: `limit must be an integer from ${PAGE_LIMIT.min} to ${PAGE_LIMIT.max}`,
      },
    ]);
  }
  return n;
}

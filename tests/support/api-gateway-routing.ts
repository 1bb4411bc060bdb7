/**
 * API Gateway HTTP API route selection, as documented ("Routing API requests" in the HTTP API
 * developer guide), applied to the route keys of a synthesised template:
 *   1. a full match of path and method — literal segments and `{name}` variables (one segment);
 *   2. a match with a greedy path variable (`/prefix/{proxy+}`, one or more segments);
 *   3. the `$default` route.
 * Within a level a route for the request's method beats `ANY`; among full matches, a literal
 * segment beats a variable at the first position where they differ; among greedy matches, the
 * longest prefix wins.
 */

export interface RouteKeyed {
  /** "GET /api/editions/{id}", "ANY /{proxy+}" or "$default". */
  readonly routeKey: string;
}

interface Parsed<T> {
  readonly route: T;
  readonly method: string;
  readonly segments: readonly string[];
  readonly greedy: boolean;
}

const segmentsOf = (path: string) => path.split("/").filter((s) => s !== "");
const isVariable = (segment: string) => /^\{[^}+]+\}$/.test(segment);

function parse<T extends RouteKeyed>(route: T): Parsed<T> | undefined {
  if (route.routeKey === "$default") return undefined;
  const [method, path] = route.routeKey.split(" ");
  if (!method || !path) throw new Error(`not a route key: ${route.routeKey}`);
  const segments = segmentsOf(path);
  const last = segments.at(-1);
  const greedy = last !== undefined && /^\{[^}]+\+\}$/.test(last);
  return { route, method, segments: greedy ? segments.slice(0, -1) : segments, greedy };
}

const methodRank = (route: { method: string }, method: string) =>
  route.method === method ? 0 : route.method === "ANY" ? 1 : undefined;

/** The route API Gateway selects for a request, or undefined (API Gateway answers 404 Not Found). */
export function selectRoute<T extends RouteKeyed>(
  routes: readonly T[],
  method: string,
  path: string,
): T | undefined {
  const request = segmentsOf(path);
  const parsed = routes.map(parse).filter((r): r is Parsed<T> => r !== undefined);

  const full = parsed.filter(
    (r) =>
      !r.greedy &&
      methodRank(r, method) !== undefined &&
      r.segments.length === request.length &&
      r.segments.every((s, i) => s === request[i] || isVariable(s)),
  );
  if (full.length > 0) {
    const specificity = (r: Parsed<T>) => r.segments.map((s) => (isVariable(s) ? "1" : "0")).join("");
    full.sort(
      (a, b) =>
        specificity(a).localeCompare(specificity(b)) || methodRank(a, method)! - methodRank(b, method)!,
    );
    return full[0]!.route;
  }

  const greedy = parsed.filter(
    (r) =>
      r.greedy &&
      methodRank(r, method) !== undefined &&
      request.length > r.segments.length &&
      r.segments.every((s, i) => s === request[i] || isVariable(s)),
  );
  if (greedy.length > 0) {
    greedy.sort(
      (a, b) => b.segments.length - a.segments.length || methodRank(a, method)! - methodRank(b, method)!,
    );
    return greedy[0]!.route;
  }
  return routes.find((r) => r.routeKey === "$default");
}

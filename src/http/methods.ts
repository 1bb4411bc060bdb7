/**
 * Which methods a path answers to, from the app's own route table: a request with another method
 * on a known path gets 405 Method Not Allowed with an Allow header, not 404 (RFC 9110 §15.5.6).
 * Hono patterns: `:name`, `:name{regex}`, a trailing `*` (anything, even nothing).
 */
export interface RouteLike {
  readonly method: string;
  readonly path: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

/** A Hono route pattern as an anchored regular expression. */
export function routePattern(path: string): RegExp {
  let out = "";
  let i = 0;
  while (i < path.length) {
    const c = path[i]!;
    if (c === ":") {
      const name = /^:[A-Za-z0-9_]+/.exec(path.slice(i))![0];
      i += name.length;
      if (path[i] === "{") {
        // A custom pattern: up to the matching close brace.
        let depth = 0;
        let j = i;
        for (; j < path.length; j++) {
          if (path[j] === "{") depth++;
          else if (path[j] === "}" && --depth === 0) break;
        }
        out += `(?:${path.slice(i + 1, j)})`;
        i = j + 1;
      } else {
        out += "[^/]+";
      }
      if (path[i] === "?") {
        out = `${out.replace(/\/?$/, "")}(?:/[^/]+)?`;
        i++;
      }
    } else if (c === "*") {
      out += ".*";
      i++;
    } else {
      out += escapeRegExp(c);
      i++;
    }
  }
  return new RegExp(`^${out}$`);
}

const ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/**
 * The methods (GET implying HEAD) that some route answers on a path; empty for an unknown path.
 * The table is read and compiled at the first call (after every route is registered).
 */
export function methodIndex(routes: () => readonly RouteLike[]): (path: string) => string[] {
  let compiled: { method: string; pattern: RegExp }[] | undefined;
  return (path) => {
    compiled ??= routes()
      .filter((r) => r.method !== "ALL" && r.path !== "*" && r.path !== "/*")
      .map((r) => ({ method: r.method, pattern: routePattern(r.path) }));
    const found = new Set<string>();
    for (const route of compiled) {
      if (!route.pattern.test(path)) continue;
      found.add(route.method);
      if (route.method === "GET") found.add("HEAD");
    }
    return [...found].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  };
}

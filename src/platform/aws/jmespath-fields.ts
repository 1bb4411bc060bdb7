/**
 * Stands in for @aws-lambda-powertools/jmespath (a JMESPath lexer, parser, interpreter and
 * function library, about 23 KB) in the Lambda bundles (infra/constructs/function-bundle.ts
 * aliases it and its `/functions` entry). Powertools' idempotency reads the idempotency key and
 * the payload to validate through it, with the paths the intake configures: dotted field names
 * ("key", "payloadHash"). This module evaluates exactly that subset of JMESPath, as JMESPath does
 * (a field of anything but an object, or a missing one, is null), and refuses any other
 * expression at the first search instead of answering it differently.
 * tests/infra/bundle-aliases.test.ts runs the intake's idempotency configuration inside a bundle
 * and compares the stand-in with the library on generated documents and paths.
 */

/** A field name: unquoted identifier or JSON-quoted string. */
const FIELD = /^(?:([A-Za-z_][A-Za-z0-9_]*)|("(?:[^"\\]|\\.)*"))/;

const parsed = new Map<string, readonly string[]>();

function fields(expression: string): readonly string[] {
  const cached = parsed.get(expression);
  if (cached) return cached;
  const names: string[] = [];
  let rest = expression.trim();
  let complete = false;
  for (;;) {
    const m = FIELD.exec(rest);
    if (!m) break;
    const name = m[1] ?? (JSON.parse(m[2]!) as string);
    if (name === "") break; // JMESPath libraries disagree on `""`; no configuration needs it.
    names.push(name);
    rest = rest.slice(m[0].length);
    complete = rest.trim() === "";
    if (!rest.startsWith(".")) break;
    rest = rest.slice(1);
  }
  if (!complete) {
    throw new Error(
      `JMESPath expression ${JSON.stringify(expression)} is not in this bundle: only dotted field names are (e.g. "key", "a.b")`,
    );
  }
  parsed.set(expression, names);
  return names;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** JMESPath's `search` for dotted field names. */
export function search(expression: string, data: unknown, _options?: unknown): unknown {
  let value: unknown = data;
  for (const name of fields(expression)) {
    if (!isObject(value) || !Object.hasOwn(value, name)) return null;
    value = value[name];
  }
  return value ?? null;
}

/** Powertools' custom functions: the subset calls none, so there are none. */
export class PowertoolsFunctions {}

/**
 * What the templates compiled at build time (./compiled-templates.ts, written by
 * scripts/compile-templates.ts from templates/*.hbs) call: Handlebars 4.7's semantics for the
 * constructs they use, in a few lines, so that a function drawing only those pages bundles no
 * Handlebars (its compiler alone is ≈ 57 KB). tests/site/compiled-templates.test.ts renders each
 * compiled template and its Handlebars compilation on the same contexts and compares the HTML.
 */

/** `@index`, `@first`, `@last`, `@key` of an `{{#each}}` iteration. */
export interface Frame {
  readonly index: number;
  readonly first: boolean;
  readonly last: boolean;
  readonly key: string | number;
}

/** The helpers a template calls (`{{time x}}`, `(eq a b)`), by name. */
export type TemplateHelpers = Readonly<Record<string, (...args: unknown[]) => unknown>>;

/** A compiled template: its context (and helpers) → HTML. */
export type CompiledTemplate = (context: unknown, helpers: TemplateHelpers) => string;

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#x27;",
  "`": "&#x60;",
  "=": "&#x3D;",
};

/** `{{value}}`: Handlebars' escapeExpression (a value with toHTML, as SafeString, is trusted). */
export function e(value: unknown): string {
  if (typeof value !== "string") {
    if (value && typeof (value as { toHTML?: unknown }).toHTML === "function")
      return (value as { toHTML(): string }).toHTML();
    if (value == null) return "";
    if (!value) return `${value}`;
    value = `${value}`;
  }
  return (value as string).replace(/[&<>"'`=]/g, (c) => ESCAPES[c]!);
}

/** `{{{value}}}`: the value as it is. */
export const r = (value: unknown): string => (value == null ? "" : `${value}`);

/**
 * A path's value (`a.b.c` from the context): each step reads an own property only, as
 * Handlebars' lookupProperty does (a prototype's properties read as undefined).
 */
export function g(context: unknown, ...path: string[]): unknown {
  let value = context;
  for (const key of path) {
    if (value == null) return value;
    const next = (value as Record<string, unknown>)[key];
    value = next == null || Object.hasOwn(Object(value), key) ? next : undefined;
  }
  return value;
}

/** `{{#if value}}`: false for falsy values (0 included) and empty arrays. */
export const t = (value: unknown): boolean => !!value && !(Array.isArray(value) && value.length === 0);

/**
 * `{{#each value}}…{{else}}…{{/each}}`: arrays (holes skipped), other iterables, then objects by
 * their keys; the inverse when nothing was iterated.
 */
export function each(
  value: unknown,
  body: (item: unknown, frame: Frame) => string,
  inverse?: () => string,
): string {
  let out = "";
  let i = 0;
  if (value && typeof value === "object") {
    const list: unknown[] | Record<string, unknown> =
      !Array.isArray(value) && typeof (value as Iterable<unknown>)[Symbol.iterator] === "function"
        ? [...(value as Iterable<unknown>)]
        : (value as unknown[] | Record<string, unknown>);
    if (Array.isArray(list)) {
      for (const n = list.length; i < n; i++)
        if (i in list) out += body(list[i], { index: i, first: i === 0, last: i === n - 1, key: i });
    } else {
      const keys = Object.keys(list);
      for (; i < keys.length; i++) {
        const key = keys[i]!;
        out += body(list[key], { index: i, first: i === 0, last: i === keys.length - 1, key });
      }
    }
  }
  return i === 0 && inverse ? inverse() : out;
}

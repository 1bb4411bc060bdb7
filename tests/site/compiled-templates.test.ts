import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Handlebars from "handlebars";
import { describe, expect, it } from "vitest";
import {
  COMPILED_TEMPLATES,
  compileTemplates,
  OUTPUT,
  TEMPLATES_DIR,
} from "../../scripts/compile-templates.js";
import { CONSOLE_HELPERS } from "../../src/console/template-helpers.js";
import * as compiled from "../../src/site/compiled-templates.js";
import type { CompiledTemplate } from "../../src/site/template-runtime.js";

/**
 * The templates compiled at build time (scripts/compile-templates.ts) against Handlebars: the
 * same HTML for the same context, on contexts generated from each template's own paths and
 * literals (missing, null, empty, zero, false, text to escape, lists, nested objects), plus the
 * pages the site's and the console's tests render through them (golden files included).
 */

/** Handlebars as the site and the console use it: the partials and the console's helpers. */
function handlebars() {
  const hbs = Handlebars.create();
  for (const [name, helper] of Object.entries(CONSOLE_HELPERS)) hbs.registerHelper(name, helper);
  const partials = join(TEMPLATES_DIR, "partials");
  for (const file of readdirSync(partials))
    if (file.endsWith(".hbs"))
      hbs.registerPartial(file.slice(0, -4), readFileSync(join(partials, file), "utf8"));
  return hbs;
}

/**
 * What a template reads, as a tree: the names it looks up under each value, and the shape of the
 * items of what it iterates. Partials are read in place, with the hash's values over the caller's
 * context (as Handlebars gives it to them).
 */
class Shape {
  readonly keys = new Map<string, Shape>();
  item: Shape | undefined;
  constructor(private readonly under?: Shape) {}
  key(name: string): Shape {
    if (this.under && !this.keys.has(name)) return this.under.key(name);
    const shape = this.keys.get(name) ?? new Shape();
    this.keys.set(name, shape);
    return shape;
  }
}

function shapeOf(source: string): { root: Shape; strings: string[] } {
  const strings = new Set<string>();
  const root = new Shape();
  type N = { type: string; [k: string]: unknown };
  const walk = (node: N | undefined, scopes: Shape[]): void => {
    if (!node) return;
    const at = (path: N): Shape | undefined => {
      if (path.type !== "PathExpression" || path.data) return undefined;
      let shape = scopes[scopes.length - 1 - (path.depth as number)];
      for (const part of path.parts as string[]) shape = shape?.key(part);
      return shape;
    };
    const expression = (e: N | undefined): Shape | undefined => {
      if (!e) return undefined;
      if (e.type === "StringLiteral") strings.add(e.value as string);
      if (e.type === "SubExpression") for (const p of e.params as N[]) expression(p);
      return at(e);
    };
    switch (node.type) {
      case "Program":
        for (const statement of node.body as N[]) walk(statement, scopes);
        return;
      case "MustacheStatement":
        if ((node.params as N[]).length) for (const p of node.params as N[]) expression(p);
        else expression(node.path as N);
        return;
      case "BlockStatement": {
        const helper = (node.path as { original: string }).original;
        const target = expression((node.params as N[])[0]);
        if (helper === "each" && target) {
          target.item ??= new Shape();
          walk(node.program as N, [...scopes, target.item]);
        } else walk(node.program as N, scopes);
        walk(node.inverse as N | undefined, scopes);
        return;
      }
      case "PartialStatement": {
        const name = (node.name as { original: string }).original;
        const caller = scopes[scopes.length - 1]!;
        const scope = new Shape(caller);
        for (const pair of ((node.hash as { pairs: N[] } | undefined)?.pairs ?? []) as N[]) {
          const value = expression(pair.value as N);
          if (value) scope.keys.set(pair.key as string, value);
        }
        const file = join(TEMPLATES_DIR, "partials", `${name}.hbs`);
        walk(Handlebars.parse(readFileSync(file, "utf8")) as unknown as N, [scope]);
        return;
      }
    }
  };
  walk(Handlebars.parse(source) as unknown as N, [root]);
  return { root, strings: [...strings] };
}

/** A small deterministic generator (mulberry32). */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Contexts with the template's shape: most names present, each value sometimes missing, null,
 * empty, zero, false or text to escape; lists of 0–3 items.
 */
function contexts(source: string, count: number, seed: number): unknown[] {
  const { root, strings } = shapeOf(source);
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const texts = [
    ...strings,
    ...strings,
    "",
    "0",
    "a&b<c>\"d'e`f=g",
    "中华人民共和国 第1号",
    "2026-12-05T06:03:00.000Z",
    "2026-12-05",
    "/console/x?y=1&z=2",
  ];
  const scalars: unknown[] = [undefined, null, 0, 1, 42, true, false];
  const scalar = () => (rnd() < 0.6 ? pick(texts) : pick(scalars));
  const value = (shape: Shape, depth: number): unknown => {
    if (depth > 8 || rnd() < 0.1) return scalar();
    if (shape.item || shape.keys.has("length")) {
      return Array.from({ length: Math.floor(rnd() * 4) }, () =>
        shape.item ? value(shape.item, depth + 1) : scalar(),
      );
    }
    if (!shape.keys.size) return scalar();
    const o: Record<string, unknown> = {};
    for (const [key, inner] of shape.keys) if (rnd() < 0.85) o[key] = value(inner, depth + 1);
    return o;
  };
  return Array.from({ length: count }, () => value(root, 0));
}

describe("templates compiled at build time", () => {
  it("src/site/compiled-templates.ts is what `npm run templates` writes from templates/", () => {
    // Act
    const fresh = compileTemplates();
    // Assess
    expect(fresh, "templates/ changed: run `npm run templates`").toBe(readFileSync(OUTPUT, "utf8"));
  });

  const hbs = handlebars();
  it.each(Object.entries(COMPILED_TEMPLATES))("%s draws what Handlebars draws from %s.hbs", (name, file) => {
    // Prepare
    const source = readFileSync(join(TEMPLATES_DIR, `${file}.hbs`), "utf8");
    const reference = hbs.compile(source);
    const template = (compiled as unknown as Record<string, CompiledTemplate>)[name]!;
    // Act + Assess: 400 generated contexts each, every branch of these templates taken many times.
    for (const context of contexts(source, 400, name.length * 7919)) {
      expect(template(context, CONSOLE_HELPERS)).toBe(reference(context));
    }
  });

  it("escapes as Handlebars does, and reads own properties only", () => {
    // Prepare
    const template = compiled.consoleMessage;
    const proto = Object.create({ heading: "inherited" }) as Record<string, unknown>;
    proto.message = ["a", "<b>"];
    // Act
    const html = template(proto, CONSOLE_HELPERS);
    // Assess
    expect(html).toBe(hbs.compile(readFileSync(join(TEMPLATES_DIR, "console/message.hbs"), "utf8"))(proto));
    expect(html).toContain("<h1></h1>");
    expect(html).toContain("a,&lt;b&gt;");
  });

  it("refuses a construct it does not compile, naming the template and line", () => {
    // Prepare: a template with a block helper the compiler does not know.
    const dir = join(TEMPLATES_DIR, "..", "tests", "site", "fixtures-templates");
    // Act + Assess
    expect(() => compileTemplates({ broken: "with" }, dir)).toThrow(/with\.hbs:2: block helper #with/);
  });
});

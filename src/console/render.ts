import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Handlebars from "handlebars";
import type { GazetteSettings } from "../config.js";
import { findTemplatesDir } from "../site/render.js";
import { chinaTime } from "./time.js";

/**
 * Console pages from templates/console/*.hbs inside templates/console/layout.hbs. Handlebars
 * escapes every {{value}}; the only triple-stash is the layout's {{{content}}}, a page rendered
 * by these same templates.
 */
export type ConsolePageRenderer = (name: string, context: Record<string, unknown>) => string;

export function createConsoleRenderer(
  gazette: Pick<GazetteSettings, "name">,
  dir?: string,
): ConsolePageRenderer {
  const root = join(dir ?? findTemplatesDir(), "console");
  const hbs = Handlebars.create();
  hbs.registerHelper("eq", (a: unknown, b: unknown) => a === b);
  // {{time value}}: a stored instant or date as <time datetime> in China Standard Time
  // (src/console/time.ts); anything else as escaped text.
  hbs.registerHelper("time", (value: unknown) => {
    const shown = chinaTime(value);
    if (!shown) return value === undefined || value === null ? "" : String(value);
    const e = hbs.escapeExpression;
    return new hbs.SafeString(`<time datetime="${e(shown.datetime)}">${e(shown.text)}</time>`);
  });
  // The site's partials (templates/partials/): a document's page shows the body as it prints
  // through the public page's own document-body partial.
  const partials = join(dir ?? findTemplatesDir(), "partials");
  if (existsSync(partials)) {
    for (const file of readdirSync(partials)) {
      if (file.endsWith(".hbs"))
        hbs.registerPartial(file.slice(0, -4), readFileSync(join(partials, file), "utf8"));
    }
  }
  const pages = new Map<string, Handlebars.TemplateDelegate>();
  for (const file of readdirSync(root)) {
    if (file.endsWith(".hbs"))
      pages.set(file.slice(0, -4), hbs.compile(readFileSync(join(root, file), "utf8")));
  }
  const layout = pages.get("layout");
  if (!layout) throw new Error(`${root}/layout.hbs is missing`);
  return (name, context) => {
    const page = pages.get(name);
    if (!page) throw new Error(`No console template ${name}`);
    const full = { ...context, gazette };
    return layout({ ...full, content: page(full) });
  };
}

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Handlebars from "handlebars";
import type { GazetteSettings } from "../config.js";
import {
  consoleDeskSubmission,
  consoleEdition,
  consoleLayout,
  consoleMessage,
  consolePreview,
  consoleSubmit,
} from "../site/compiled-templates.js";
import type { CompiledTemplate } from "../site/template-runtime.js";
import { findTemplatesDir } from "../site/templates-dir.js";
import { withContent } from "./compiled-render.js";
import { CONSOLE_HELPERS } from "./template-helpers.js";

/**
 * Console pages from templates/console/*.hbs inside templates/console/layout.hbs. Handlebars
 * escapes every {{value}}; the only triple-stash is the layout's {{{content}}}, a page rendered
 * by these same templates.
 */
export type ConsolePageRenderer = (name: string, context: Record<string, unknown>) => string;

/**
 * The pages the documents and preview functions draw, compiled at build time
 * (scripts/compile-templates.ts): drawn by the same code here, in every function and locally.
 */
const COMPILED_PAGES: Readonly<Record<string, CompiledTemplate>> = {
  message: consoleMessage,
  submit: consoleSubmit,
  "desk-submission": consoleDeskSubmission,
  preview: consolePreview,
  edition: consoleEdition,
};

/** Every console page: the compiled ones (above) and the others compiled by Handlebars at start. */
export function createConsoleRenderer(
  gazette: Pick<GazetteSettings, "name">,
  dir?: string,
): ConsolePageRenderer {
  const root = join(dir ?? findTemplatesDir(), "console");
  const hbs = Handlebars.create();
  for (const [name, helper] of Object.entries(CONSOLE_HELPERS)) hbs.registerHelper(name, helper);
  // The site's partials (templates/partials/): a document's page shows the body as it prints
  // through the public page's own document-body partial.
  const partials = join(dir ?? findTemplatesDir(), "partials");
  if (existsSync(partials)) {
    for (const file of readdirSync(partials)) {
      if (file.endsWith(".hbs"))
        hbs.registerPartial(file.slice(0, -4), readFileSync(join(partials, file), "utf8"));
    }
  }
  const pages = new Map<string, (context: Record<string, unknown>) => string>();
  for (const [name, page] of Object.entries(COMPILED_PAGES))
    pages.set(name, (context) => page(context, CONSOLE_HELPERS));
  for (const file of readdirSync(root)) {
    const name = file.slice(0, -4);
    if (file.endsWith(".hbs") && name !== "layout" && !pages.has(name))
      pages.set(name, hbs.compile(readFileSync(join(root, file), "utf8")));
  }
  return (name, context) => {
    const page = pages.get(name);
    if (!page) throw new Error(`No console template ${name}`);
    return consoleLayout(...withContent(gazette, context, page));
  };
}

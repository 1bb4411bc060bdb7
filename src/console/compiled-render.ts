/**
 * Console pages drawn by the templates compiled at build time (src/site/compiled-templates.ts,
 * from templates/console/*.hbs) inside the console's layout, without Handlebars: the documents
 * and preview functions draw a few pages only (the submission form, a message, the desk's
 * submission; the preview and the edition's page), and give them here. The api function and the
 * local server draw every page (./render.ts), these through the same compiled templates.
 */
import type { GazetteSettings } from "../config.js";
import { consoleLayout } from "../site/compiled-templates.js";
import type { CompiledTemplate } from "../site/template-runtime.js";
import type { ConsolePageRenderer } from "./render.js";
import { CONSOLE_HELPERS } from "./template-helpers.js";

/** The console's page renderer for `pages` (template name → compiled template) alone. */
export function createCompiledConsoleRenderer(
  gazette: Pick<GazetteSettings, "name">,
  pages: Readonly<Record<string, CompiledTemplate>>,
): ConsolePageRenderer {
  return (name, context) => {
    const page = Object.hasOwn(pages, name) ? pages[name] : undefined;
    if (!page) throw new Error(`No console template ${name} in this function`);
    return consoleLayout(...withContent(gazette, context, (full) => page(full, CONSOLE_HELPERS)));
  };
}

/** The layout's context: the page's, the gazette, and the page drawn as `content`. */
export function withContent(
  gazette: Pick<GazetteSettings, "name">,
  context: Record<string, unknown>,
  draw: (full: Record<string, unknown>) => string,
): [Record<string, unknown>, typeof CONSOLE_HELPERS] {
  const full = { ...context, gazette };
  return [{ ...full, content: draw(full) }, CONSOLE_HELPERS];
}

import { e, type TemplateHelpers } from "../site/template-runtime.js";
import { chinaTime } from "./time.js";

/** HTML a helper drew, written as it is (Handlebars' SafeString: toHTML). */
class Html {
  constructor(private readonly html: string) {}
  toHTML(): string {
    return this.html;
  }
  toString(): string {
    return this.html;
  }
}

/**
 * The console templates' helpers, for Handlebars (src/console/render.ts) and for the compiled
 * templates (src/site/compiled-templates.ts) alike:
 * - `(eq a b)`: a === b;
 * - `{{time value}}`: a stored instant or date as <time datetime> in China Standard Time
 *   (src/console/time.ts); anything else as escaped text.
 */
export const CONSOLE_HELPERS: TemplateHelpers = {
  eq: (a, b) => a === b,
  time: (value) => {
    const shown = chinaTime(value);
    if (!shown) return value === undefined || value === null ? "" : String(value);
    return new Html(`<time datetime="${e(shown.datetime)}">${e(shown.text)}</time>`);
  },
};

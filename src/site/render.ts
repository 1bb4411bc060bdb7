import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";
import type { GazetteSettings } from "../config.js";

/** Public pages, rendered from templates/*.hbs. Handlebars escapes every {{value}}. */
export interface SiteRenderer {
  home(): string;
  notFound(): string;
}

/**
 * Templates live in templates/ at the repository root; in a Lambda bundle they are copied next to
 * the bundle. GAZETTE_TEMPLATES_DIR overrides both.
 */
export function findTemplatesDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [env.GAZETTE_TEMPLATES_DIR, join(here, "templates"), resolve(here, "../../templates")];
  for (const dir of candidates) if (dir && existsSync(join(dir, "layout.hbs"))) return dir;
  throw new Error(
    `templates/ not found (looked in ${candidates.filter(Boolean).join(", ")}); set GAZETTE_TEMPLATES_DIR`,
  );
}

export function createSiteRenderer(
  gazette: GazetteSettings,
  templatesDir = findTemplatesDir(),
): SiteRenderer {
  const hbs = Handlebars.create();
  const load = (name: string) =>
    hbs.compile(readFileSync(join(templatesDir, `${name}.hbs`), "utf8"), { strict: false, noEscape: false });
  const layout = load("layout");
  const pages = { home: load("home"), notFound: load("not-found") };
  const page = (template: Handlebars.TemplateDelegate, title: string, data: object = {}) =>
    layout({ title, gazette, content: template({ gazette, ...data }) });
  return {
    home: () => page(pages.home, "首页"),
    notFound: () => page(pages.notFound, "页面不存在"),
  };
}

import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Templates live in templates/ at the repository root; in a Lambda bundle they are copied next to
 * the bundle. GAZETTE_TEMPLATES_DIR overrides both. (The pages compiled at build time,
 * src/site/compiled-templates.ts, are not read from here: `npm run templates` writes them.)
 */
export function findTemplatesDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [env.GAZETTE_TEMPLATES_DIR, join(here, "templates"), resolve(here, "../../templates")];
  for (const dir of candidates) if (dir && existsSync(join(dir, "layout.hbs"))) return dir;
  throw new Error(
    `templates/ not found (looked in ${candidates.filter(Boolean).join(", ")}); set GAZETTE_TEMPLATES_DIR`,
  );
}

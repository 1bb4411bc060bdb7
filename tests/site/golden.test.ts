import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderEditionSite } from "../../src/site/render.js";
import { documentPath, editionPath } from "../../src/site/urls.js";
import { edition, INTERPRETATION_ID, NOTICE_ID, POLICY_ID, siteInput } from "./fixtures.js";

/**
 * Golden files: the exact HTML of representative pages. After an intended change to templates or
 * views, regenerate them with
 *
 *   UPDATE_GOLDEN=1 npx vitest run tests/site
 *
 * and review the diff of tests/golden/site/ before committing.
 */
const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), "../golden/site");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

function matchesGolden(name: string, actual: string): void {
  const file = join(GOLDEN_DIR, name);
  if (UPDATE) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) {
    throw new Error(`Golden file ${file} is missing; run UPDATE_GOLDEN=1 npx vitest run tests/site`);
  }
  expect(actual, `${name} differs from its golden file; if intended, UPDATE_GOLDEN=1`).toBe(
    readFileSync(file, "utf8"),
  );
}

describe("golden pages", () => {
  // Prepare
  const pages = renderEditionSite(siteInput());

  it.each([
    ["edition-2024-12.html", editionPath(edition.edition)],
    ["document-policy.html", documentPath(POLICY_ID)],
    ["document-repealed-notice.html", documentPath(NOTICE_ID)],
    ["document-interpretation.html", documentPath(INTERPRETATION_ID)],
  ])("renders %s exactly as its golden file", (golden, path) => {
    // Act
    const html = pages.get(path);
    // Assess
    expect(html).toBeDefined();
    matchesGolden(golden, html!);
  });

  it("renders the same HTML for the same input (no clock, no randomness)", () => {
    // Act
    const again = renderEditionSite(siteInput());
    // Assess
    expect([...again]).toEqual([...pages]);
  });
});

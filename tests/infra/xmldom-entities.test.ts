import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { XMLDOM_ENTITIES } from "../../infra/constructs/esbuild-child.mjs";
import { buildFunctionBundle, type FunctionBundle } from "../../infra/constructs/function-bundle.js";
import { REPO_ROOT } from "../../infra/paths.js";
import { readHtml, readXml } from "./fixtures/xmldom-in-bundle.js";

/**
 * xmldom's HTML entity table is left out of the bundles (esbuild-child.mjs:
 * xmldomXmlEntitiesPlugin): inside a bundle, XML (every predefined entity, character
 * references, CDATA, attributes, errors) reads as from the sources; HTML, which no function
 * parses with xmldom, fails saying why.
 */

const XML = [
  `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="urn:w"><w:p w:val="a&amp;b&lt;c&gt;d&quot;e&apos;f">`,
  `<w:t>Tom &amp; Jerry &lt; 国务院 &gt; &quot;通知&quot; &apos;x&apos; &#x4e2d;&#20013; &#x1F600;</w:t>`,
  `<w:t><![CDATA[<b>&amp;</b>]]></w:t><w:t xml:space="preserve">  空格  </w:t></w:p></w:document>`,
].join("");
const BROKEN = `<w:document xmlns:w="urn:w"><w:t>a &nbsp; b</w:t><w:t>c</w:document>`;

let root: string;
let bundle: FunctionBundle;

function run(script: string) {
  const out = spawnSync(process.execPath, ["--no-warnings", "--input-type=module", "-e", script], {
    cwd: join(root, "xmldom"),
    encoding: "utf8",
    env: { PATH: process.env.PATH },
  });
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "gazette-xmldom-"));
  bundle = buildFunctionBundle({ entry: "tests/infra/fixtures/xmldom-in-bundle.ts" }, join(root, "xmldom"));
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("xmldom without its HTML entity table", () => {
  test("XML reads inside the bundle as from the sources: entities, character references, CDATA, attributes, errors", () => {
    // Prepare
    const file = join(root, "xml.json");
    writeFileSync(file, JSON.stringify([XML, BROKEN]));
    // Act
    const inBundle = run(
      `import { readFileSync } from "node:fs"; const m = await import("./index.mjs"); process.stdout.write(JSON.stringify(JSON.parse(readFileSync(${JSON.stringify(file)}, "utf8")).map(m.readXml)));`,
    );
    // Assess
    expect(inBundle).toEqual([readXml(XML), readXml(BROKEN)]);
    expect(readXml(XML).join("")).toContain(`Tom & Jerry < 国务院 > "通知" 'x' 中中 😀`);
    expect(readXml(BROKEN).some((line) => /nbsp/.test(line))).toBe(true);
  });

  test("HTML, which no function parses with xmldom, fails inside the bundle saying why", () => {
    // Act
    const html = run(
      `const m = await import("./index.mjs"); process.stdout.write(JSON.stringify(m.readHtml("<html><body>a&nbsp;b</body></html>")));`,
    );
    // Assess: the sources read the entity; the bundle refuses.
    expect(readHtml("<html><body>a&nbsp;b</body></html>")).toBe("a\u00a0b");
    expect(html).toMatch(/HTML entity table is not in this bundle/);
  });

  test("the table is left out, and mammoth, xmldom's one user, parses without a MIME type (XML)", () => {
    // Act
    const inputs = Object.values(bundle.metafile.outputs).flatMap((o) => Object.entries(o.inputs));
    const entities = inputs.find(([path]) => XMLDOM_ENTITIES.test(path));
    const mammothXmldom = readFileSync(join(REPO_ROOT, "node_modules/mammoth/lib/xml/xmldom.js"), "utf8");
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { dependencies?: Record<string, string> }>;
    };
    const dependents = Object.entries(lock.packages)
      .filter(([, p]) => p.dependencies?.["@xmldom/xmldom"])
      .map(([path]) => path);
    // Assess
    expect(entities?.[1].bytesInOutput).toBeLessThan(1000);
    expect([...mammothXmldom.matchAll(/\.parseFromString\(([^)]*)\)/g)].map((m) => m[1])).toEqual(["string"]);
    expect(dependents).toEqual(["node_modules/mammoth"]);
  });
});

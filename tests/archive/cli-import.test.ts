import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STATE_FILE } from "../../src/cli/archive.js";
import { run } from "../../src/cli/main.js";
import { loadConfig } from "../../src/config.js";
import { type LocalRuntime, startLocal } from "../../src/runtime/local.js";
import { capture } from "../support/cli-io.js";

const NOTICE =
  "四川省人民政府关于保护森林资源的通知\n为保护森林资源，特通知如下。\n四川省人民政府\n一九八五年三月五日";

describe("gazette archive import", () => {
  let runtime: LocalRuntime;
  let dataDir: string;
  let folder: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "gazette-archive-cli-"));
    runtime = await startLocal(loadConfig({ GAZETTE_DATA_DIR: dataDir, PORT: "0" }));
    env = { GAZETTE_URL: runtime.url, GAZETTE_EDITOR_TOKEN: runtime.editorToken };
    folder = join(dataDir, "back-catalogue");
    // Two editions of texts (one by folder name, one by manifest) and one with a corrupt scan.
    mkdirSync(join(folder, "1985-03"), { recursive: true });
    writeFileSync(join(folder, "1985-03", "a.txt"), NOTICE);
    mkdirSync(join(folder, "web-1999"), { recursive: true });
    writeFileSync(
      join(folder, "web-1999", "manifest.json"),
      JSON.stringify({ year: 1999, issue: 7, gazette: "四川政报" }),
    );
    writeFileSync(
      join(folder, "web-1999", "b.html"),
      `<p>${NOTICE.replaceAll("\n", "</p><p>")}</p><div>打印本页 关闭窗口</div>`,
    );
    mkdirSync(join(folder, "1986-01"), { recursive: true });
    writeFileSync(join(folder, "1986-01", "001.pdf"), "%PDF-1.4 truncated");
  }, 60_000);

  afterAll(async () => {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("loads every edition folder, summarises the failures and exits 1", async () => {
    // Act
    const { io, out } = capture();
    const code = await run(["archive", "import", folder, "--poll", "100"], io, env);

    // Assess
    expect(code).toBe(1);
    expect(out.at(-4)).toBe("2 edition(s) done (0 from an earlier run), 0 still running, 1 failed");
    expect(out.slice(-3)).toEqual([
      "failed: 1986-01",
      "  HTTP 422",
      expect.stringMatching(/^ {2}files\.0: The PDF file cannot be read/),
    ]);
    expect(existsSync(join(folder, STATE_FILE))).toBe(true);
    const issue = await fetch(`${runtime.url}/archive/1999/7/`);
    expect(await issue.text()).toContain("四川省人民政府关于保护森林资源的通知");
  }, 60_000);

  it("skips what an earlier run finished and resubmits only what failed", async () => {
    // Prepare
    const before = JSON.parse(readFileSync(join(folder, STATE_FILE), "utf8"));

    // Act
    const { io, out } = capture();
    const code = await run(["archive", "import", folder, "--poll", "100"], io, env);
    const after = JSON.parse(readFileSync(join(folder, STATE_FILE), "utf8"));

    // Assess
    expect(code).toBe(1);
    expect(out.filter((l) => l.startsWith("submitted"))).toEqual([]);
    expect(out).toContain("2 edition(s) done (2 from an earlier run), 0 still running, 1 failed");
    expect(after["1985-03"].jobId).toBe(before["1985-03"].jobId);
  }, 60_000);

  it("refuses a subfolder named neither YYYY-NN nor described by a manifest.json, imports the rest, exits 1", async () => {
    // Prepare
    const mixed = join(dataDir, "mixed-catalogue");
    mkdirSync(join(mixed, "1987-02"), { recursive: true });
    writeFileSync(join(mixed, "1987-02", "a.txt"), NOTICE);
    mkdirSync(join(mixed, "misc"), { recursive: true });
    writeFileSync(join(mixed, "misc", "b.txt"), NOTICE);

    // Act
    const { io, out } = capture();
    const code = await run(["archive", "import", mixed, "--poll", "100"], io, env);

    // Assess
    expect(code).toBe(1);
    expect(out.filter((l) => l.startsWith("submitted")).map((l) => l.split(/\s+/)[1])).toEqual(["1987-02"]);
    expect(out.slice(-3)).toEqual([
      "1 edition(s) done (0 from an earlier run), 0 still running, 1 failed",
      "failed: misc",
      expect.stringMatching(/^ {2}not an edition folder: name it YYYY-NN .*or add a manifest\.json/),
    ]);
    expect(Object.keys(JSON.parse(readFileSync(join(mixed, STATE_FILE), "utf8")))).toEqual(["1987-02"]);
    const issue = await fetch(`${runtime.url}/archive/1987/2/`);
    expect(issue.status).toBe(200);
  }, 60_000);
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/cli/main.js";
import { loadConfig } from "../../src/config.js";
import { type LocalRuntime, startLocal } from "../../src/runtime/local.js";
import { capture } from "../support/cli-io.js";
import { aSubmission } from "../support/factories.js";

describe("gazette CLI", () => {
  let runtime: LocalRuntime;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "gazette-cli-"));
    runtime = await startLocal(loadConfig({ GAZETTE_DATA_DIR: dataDir, PORT: "0" }));
    env = { GAZETTE_URL: runtime.url, GAZETTE_EDITOR_TOKEN: runtime.editorToken };
  });
  afterAll(async () => {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("submits the shipped samples (JSON and .docx) and is safe to re-run", async () => {
    const first = capture();
    const second = capture();
    const code1 = await run(["submit", "samples/documents"], first.io, env);
    const code2 = await run(["submit", "samples/documents"], second.io, env);
    expect(first.err).toEqual([]);
    expect(code1).toBe(0);
    expect(first.out.at(-1)).toMatch(/^(\d+) accepted, 0 not accepted$/);
    expect(first.out.some((l) => l.includes(".docx"))).toBe(true);
    // Idempotency keys come from the file contents: a re-run returns the same documents.
    expect(code2).toBe(0);
    const ids = (lines: string[]) =>
      lines.filter((l) => l.startsWith("accepted")).map((l) => l.split(/\s+/)[2]);
    expect(ids(second.out)).toEqual(ids(first.out));
  });

  it("composes, previews and publishes an edition from the accepted documents", async () => {
    const created = capture();
    const placed = capture();
    const preview = capture();
    const published = capture();
    expect(await run(["edition", "create", "--year", "2024", "--date", "2024-06-15"], created.io, env)).toBe(
      0,
    );
    const id = /^edition (\d+):/.exec(created.out[0] ?? "")?.[1];
    expect(id).toBeDefined();
    expect(await run(["edition", "place", id!, "--accepted"], placed.io, env)).toBe(0);
    expect(await run(["edition", "preview", id!], preview.io, env)).toBe(0);
    expect(await run(["edition", "publish", id!], published.io, env)).toBe(0);
    // The count is what the contents show: 解读 are entries of their own.
    expect(placed.out.at(-1)).toMatch(
      /^7 document\(s\) and 1 interpretation\(s\) placed in edition \d+: 8 entries in its contents$/,
    );
    expect(preview.out.at(-1)).toMatch(/^\d+ page\(s\)$/);
    const pdfUrl = published.out.find((l) => l.startsWith("PDF:"))?.split(/\s+/)[1];
    const pdf = await fetch(pdfUrl!);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
  }, 120_000);

  it("reports refused documents with the field and reason and exits 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gazette-cli-bad-"));
    writeFileSync(
      join(dir, "policy.json"),
      JSON.stringify(aSubmission({ policy: true, interpretations: [] })),
    );
    const c = capture();
    const code = await run(["submit", dir], c.io, env);
    rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(1);
    expect(c.out.join("\n")).toContain("interpretations: 退文");
    expect(c.out.at(-1)).toBe("0 accepted, 1 not accepted");
  });

  it("lists accepted documents", async () => {
    const c = capture();
    const code = await run(["list", "--limit", "5"], c.io, env);
    expect(code).toBe(0);
    expect(c.out.at(-1)).toMatch(/^5 document\(s\)/);
  });

  it("exits 2 with a message for a missing path or unreadable JSON", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gazette-cli-bad-"));
    writeFileSync(join(dir, "broken.json"), "{ not json");
    const missing = capture();
    const broken = capture();
    const codeMissing = await run(["submit", "no/such/dir"], missing.io, env);
    const codeBroken = await run(["submit", join(dir, "broken.json")], broken.io, env);
    rmSync(dir, { recursive: true, force: true });
    expect(codeMissing).toBe(2);
    expect(missing.err.join()).toContain("no such file or directory");
    // A per-file problem is reported in the summary, not thrown.
    expect(codeBroken).toBe(1);
    expect(broken.out.join("\n")).toContain("not valid JSON");
  });

  it("exits 3 and says to start the pipeline when it cannot connect", async () => {
    const c = capture();
    const code = await run(["list"], c.io, { GAZETTE_URL: "http://127.0.0.1:9", GAZETTE_EDITOR_TOKEN: "x" });
    expect(code).toBe(3);
    expect(c.err.join()).toContain("npm start");
  });

  it("exits 1 and explains the token on 401", async () => {
    const c = capture();
    const code = await run(["list"], c.io, { GAZETTE_URL: runtime.url, GAZETTE_EDITOR_TOKEN: "wrong" });
    expect(code).toBe(1);
    expect(c.err.join("\n")).toContain("GAZETTE_EDITOR_TOKEN");
  });

  it("stops a submission at the first 401 and explains the token, instead of failing every file", async () => {
    // Prepare
    const c = capture();

    // Act
    const code = await run(["submit", "samples/documents"], c.io, {
      GAZETTE_URL: runtime.url,
      GAZETTE_EDITOR_TOKEN: "wrong",
    });

    // Assess
    expect(code).toBe(1);
    expect(c.out.filter((l) => l.startsWith("invalid"))).toEqual([]);
    expect(c.err.join("\n")).toContain("HTTP 401");
    expect(c.err.join("\n")).toContain("GAZETTE_EDITOR_TOKEN");
  });
});

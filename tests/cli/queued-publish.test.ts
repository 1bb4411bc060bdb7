import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/cli/main.js";
import { loadConfig } from "../../src/config.js";
import { type LocalRuntime, startLocal } from "../../src/runtime/local.js";
import { capture } from "../support/cli-io.js";
import { aSubmission } from "../support/factories.js";

/** GAZETTE_PUBLISHING=queued, as in AWS: the local runtime's publisher renders, the CLI follows. */
describe("gazette edition publish, with publication behind the publishing queue", () => {
  let runtime: LocalRuntime;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "gazette-cli-queued-"));
    runtime = await startLocal(
      loadConfig({ GAZETTE_DATA_DIR: dataDir, PORT: "0", GAZETTE_PUBLISHING: "queued" }),
    );
    env = { GAZETTE_URL: runtime.url, GAZETTE_EDITOR_TOKEN: runtime.editorToken };
  });
  afterAll(async () => {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("waits for the local publisher and prints the published PDF and pages", async () => {
    // Prepare
    const submitted = await fetch(`${runtime.url}/api/documents`, {
      method: "POST",
      headers: { authorization: `Bearer ${runtime.editorToken}`, "content-type": "application/json" },
      body: JSON.stringify(aSubmission()),
    });
    expect(submitted.status).toBe(201);
    const created = capture();
    await run(["edition", "create", "--year", "2025", "--date", "2025-03-01"], created.io, env);
    const id = /^edition (\d+):/.exec(created.out[0] ?? "")?.[1];
    await run(["edition", "place", id!, "--accepted"], capture().io, env);
    const published = capture();

    // Act
    const code = await run(["edition", "publish", id!], published.io, env);

    // Assess
    expect(code).toBe(0);
    expect(published.err[0]).toContain("queued for publication");
    const pdfUrl = published.out.find((l) => l.startsWith("PDF:"))?.split(/\s+/)[1];
    const pdf = await fetch(pdfUrl!);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
  }, 120_000);
});

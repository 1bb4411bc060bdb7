import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/cli/main.js";
import { loadConfig } from "../../src/config.js";
import { type LocalRuntime, startLocal } from "../../src/runtime/local.js";
import { capture } from "../support/cli-io.js";

describe("gazette sites and compliance", () => {
  let runtime: LocalRuntime;
  let receiver: Server;
  let hook: string;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const challenge = new URL(req.url ?? "/", "http://x").searchParams.get("hub.challenge");
      res.writeHead(200).end(challenge ?? "");
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    dataDir = mkdtempSync(join(tmpdir(), "gazette-cli-reposts-"));
    runtime = await startLocal(loadConfig({ GAZETTE_DATA_DIR: dataDir, PORT: "0" }));
    env = { GAZETTE_URL: runtime.url, GAZETTE_EDITOR_TOKEN: runtime.editorToken };
  });
  afterAll(async () => {
    await runtime.stop();
    await new Promise<void>((r) => receiver.close(() => r()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("registers, lists, disables, re-enables a site and rotates its secret", async () => {
    // Prepare
    const added = capture();
    const listed = capture();
    const disabled = capture();
    const enabled = capture();
    const rotated = capture();
    const args = ["sites", "add", "--name", "锦江区", "--level", "county", "--region", "510104"];

    // Act
    const codeAdd = await run([...args, "--sector", "教育", "--webhook", hook], added.io, env);
    const id = /^site (\S+)$/.exec(added.out[0] ?? "")?.[1] ?? "";
    await run(["sites", "disable", id, "--reason", "网站改版"], disabled.io, env);
    await run(["sites", "enable", id], enabled.io, env);
    await run(["sites", "rotate-secret", id, "--grace-seconds", "60"], rotated.io, env);
    await run(["sites", "list"], listed.io, env);

    // Assess
    expect(codeAdd).toBe(0);
    expect(added.out[1]).toMatch(/^token {10}gst_/);
    expect(added.out[2]).toMatch(/^webhookSecret {2}whsec_/);
    expect(disabled.out).toEqual([`${id}  锦江区  disabled`]);
    expect(enabled.out).toEqual([`${id}  锦江区  active`]);
    expect(rotated.out[0]).toMatch(/^webhookSecret {2}whsec_/);
    expect(listed.out).toEqual([`${id}  锦江区  county  510104  active  ${hook}`]);
  });

  it("registers an SQS site that grants a role, and refuses a role without a queue", async () => {
    // Prepare
    const added = capture();
    const listed = capture();
    const refused = capture();
    const args = ["sites", "add", "--name", "成都市", "--level", "city", "--region", "510100"];
    const queueUrl = "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/gazette-repost-chengdu";
    const roleArn = "arn:aws-cn:iam::123456789012:role/gazette-repost-chengdu";

    // Act
    const code = await run([...args, "--sqs", queueUrl, "--sqs-role", roleArn], added.io, env);
    const id = /^site (\S+)$/.exec(added.out[0] ?? "")?.[1] ?? "";
    const shown = await fetch(`${runtime.url}/api/sites/${id}`, {
      headers: { authorization: `Bearer ${runtime.editorToken}` },
    });
    const codeRefused = await run([...args, "--sqs-role", roleArn, "--webhook", hook], refused.io, env);
    await run(["sites", "list"], listed.io, env);

    // Assess
    expect(code).toBe(0);
    expect(await shown.json()).toMatchObject({ delivery: { type: "sqs", queueUrl, roleArn } });
    expect(codeRefused).toBe(2);
    expect(refused.err.join("\n")).toContain("--sqs-role goes with --sqs");
    expect(listed.out).toContain(`${id}  成都市  city  510100  active  ${queueUrl}`);
  });

  it("refuses a site with both or neither delivery channel as a usage error (exit 2), and prints the report", async () => {
    // Prepare
    const refused = capture();
    const both = capture();
    const report = capture();
    const csv = capture();
    const overdue = capture();
    const args = ["sites", "add", "--name", "某县", "--level", "county", "--region", "510105"];

    // Act
    const code = await run(args, refused.io, env);
    const codeBoth = await run(
      [...args, "--webhook", hook, "--sqs", "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q"],
      both.io,
      env,
    );
    const sites = await fetch(`${runtime.url}/api/sites`, {
      headers: { authorization: `Bearer ${runtime.editorToken}` },
    });
    await run(["compliance"], report.io, env);
    await run(["compliance", "--csv", "--region", "510100"], csv.io, env);
    const overdueCode = await run(["compliance", "--overdue-csv"], overdue.io, env);

    // Assess
    expect(code).toBe(2);
    expect(refused.err.join("\n")).toContain("give exactly one of --webhook <url> and --sqs <queueUrl>");
    expect(codeBoth).toBe(2);
    expect(both.err.join("\n")).toContain("give exactly one of --webhook <url> and --sqs <queueUrl>");
    const { items } = (await sites.json()) as { items: { name: string }[] };
    expect(items.map((s) => s.name)).not.toContain("某县");
    expect(report.out[0]).toBe(
      "notices 0  delivered 0  acknowledged 0  verified 0  verification_failed 0  overdue 0  failed 0",
    );
    expect(csv.out[0]).toContain('"site_id","site","region"');
    expect(overdueCode).toBe(0);
    expect(overdue.out).toEqual([
      '"notice_id","document_id","document","doc_number","site_id","site","region","level","deadline","status","reason"',
    ]);
  });

  it.each([
    ["--from", "2026-13-01"],
    ["--to", "2026-02-30"],
    ["--from", "20260101"],
  ])(
    "refuses compliance %s %s as a usage error (exit 2) before asking the pipeline",
    async (option, value) => {
      // Prepare
      const refused = capture();

      // Act
      const code = await run(["compliance", option, value], refused.io, {
        ...env,
        GAZETTE_URL: "http://127.0.0.1:1",
      });

      // Assess
      expect(code).toBe(2);
      expect(refused.err).toEqual([
        `gazette: ${option} must be a date YYYY-MM-DD, e.g. 2026-01-31 (got ${value})`,
      ]);
      expect(refused.out).toEqual([]);
    },
  );
});

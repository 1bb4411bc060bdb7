import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";

/**
 * `gazette compliance --csv | head -1` (issue 11): the reader closes the pipe after the first line;
 * the CLI stops quietly instead of crashing with "write EPIPE".
 */

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A pipeline stand-in whose compliance report is far longer than a pipe's buffer. */
async function pipelineWithLongReport(): Promise<string> {
  const rows = Array.from({ length: 50_000 }, (_, n) => `site-${n},四川省,city,1,1,0,0,0`).join("\r\n");
  server = createServer((req, res) => {
    if (req.url?.startsWith("/api/compliance")) {
      res.writeHead(200, { "content-type": "text/csv; charset=utf-8" });
      res.end(`site,region,level,sent,acknowledged,verified,failed,overdue\r\n${rows}`);
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end('{"error":{"code":"not_found","field":null,"message":"no"}}');
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe("gazette compliance | head -1", () => {
  it("exits quietly when the reader closes the pipe after the first line", async () => {
    // Prepare
    const url = await pipelineWithLongReport();
    // Act: read one line, then close our end as `head -1` does
    const child = spawn(process.execPath, ["bin/gazette.mjs", "compliance", "--csv"], {
      env: { ...process.env, GAZETTE_URL: url, GAZETTE_EDITOR_TOKEN: "t".repeat(32), NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const firstLine = await new Promise<string>((resolveLine) => {
      let seen = "";
      child.stdout.on("data", (chunk: Buffer) => {
        seen += chunk.toString();
        const end = seen.indexOf("\n");
        if (end >= 0) {
          child.stdout.destroy();
          resolveLine(seen.slice(0, end).replace(/\r$/, ""));
        }
      });
    });
    const code = await new Promise<number | null>((r) => child.on("close", (c) => r(c)));
    // Assess
    expect(firstLine).toBe("site,region,level,sent,acknowledged,verified,failed,overdue");
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });
});

import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { DATABASE_FILE } from "../../src/platform/embedded/index.js";
import { type LocalRuntime, startLocal } from "../../src/runtime/local.js";
import { aSubmission } from "../support/factories.js";

async function eventually<T>(probe: () => Promise<T | undefined>, attempts = 100): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("condition not met");
}

describe("local runtime (npm start)", () => {
  const dirs: string[] = [];
  const runtimes: LocalRuntime[] = [];
  afterEach(async () => {
    for (const r of runtimes.splice(0)) await r.stop().catch(() => {});
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function start(dataDir: string, env: Record<string, string> = {}) {
    return startLocal(loadConfig({ GAZETTE_DATA_DIR: dataDir, PORT: "0", ...env })).then((r) => {
      runtimes.push(r);
      return r;
    });
  }

  it("serves the API and site, processes events, and keeps data and token across restarts", async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), "gazette-local-"));
    dirs.push(dataDir);
    const first = await start(dataDir);
    // Act
    const res = await fetch(`${first.url}/api/documents`, {
      method: "POST",
      headers: { authorization: `Bearer ${first.editorToken}`, "content-type": "application/json" },
      body: JSON.stringify(aSubmission()),
    });
    const doc = (await res.json()) as { id: string; title: string };
    // The events worker writes the audit trail through the same SQS handler as Lambda.
    const audit = await eventually(async () => {
      const entries = await first.container.audit.entries(doc.id);
      return entries.length ? entries : undefined;
    });
    await first.stop();
    runtimes.splice(runtimes.indexOf(first), 1);
    const second = await start(dataDir);
    const again = await fetch(`${second.url}/api/documents/${doc.id}`, {
      headers: { authorization: `Bearer ${second.editorToken}` },
    });
    const home = await fetch(`${second.url}/`);
    // Assess
    expect(res.status).toBe(201);
    expect(first.editorTokenSource).toBe("generated");
    expect(audit).toEqual([
      expect.objectContaining({ type: "document.accepted", documentId: doc.id, actor: "editor" }),
    ]);
    expect(second.editorToken).toBe(first.editorToken);
    expect(second.editorTokenSource).toBe("file");
    expect(again.status).toBe(200);
    expect(((await again.json()) as { title: string }).title).toBe(doc.title);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("四川省人民政府公报");
  });

  it("copies the database's write-ahead log into the database in the background, without a commit past 1,000 pages or a stop", async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), "gazette-local-"));
    dirs.push(dataDir);
    const copy = mkdtempSync(join(tmpdir(), "gazette-local-copy-"));
    dirs.push(copy);
    // Act: start (migrations and first records: a few log pages), then wait
    await start(dataDir);
    // Assess: the database file alone (without its log) comes to hold the records
    const recordsInFile = () => {
      copyFileSync(join(dataDir, DATABASE_FILE), join(copy, DATABASE_FILE));
      const db = new Database(join(copy, DATABASE_FILE), { readonly: true });
      try {
        if (!db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'records'").get()) return 0;
        return (db.prepare("SELECT COUNT(*) AS n FROM records").get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    await eventually(async () => (recordsInFile() > 0 ? true : undefined));
  });

  it("uses GAZETTE_EDITOR_TOKEN when it is set", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gazette-local-"));
    dirs.push(dataDir);
    const runtime = await start(dataDir, { GAZETTE_EDITOR_TOKEN: "from-env-token" });
    const ok = await fetch(`${runtime.url}/api/documents`, {
      headers: { authorization: "Bearer from-env-token" },
    });
    expect(runtime.editorTokenSource).toBe("env");
    expect(ok.status).toBe(200);
  });
  it("answers a body refused by its declared length with 413 once the client has sent it, instead of closing the connection under it", async () => {
    // Prepare: a 40 MiB JSON body, declared up front; the client sends it only after a pause longer
    // than the 500 ms @hono/node-server drains a refused body before closing the socket
    const dataDir = mkdtempSync(join(tmpdir(), "gazette-local-"));
    dirs.push(dataDir);
    const runtime = await start(dataDir);
    const { port } = new URL(runtime.url);
    const size = 40 * 1024 * 1024;
    const socket = connect(Number(port), "127.0.0.1");
    let answer = "";
    let closedWhileSending = false;
    let sending = true;
    socket.on("data", (chunk) => {
      answer += chunk.toString("latin1");
    });
    socket.on("close", () => {
      if (sending) closedWhileSending = true;
    });
    socket.on("error", () => {
      if (sending) closedWhileSending = true;
    });
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));

    // Act
    socket.write(
      `POST /api/documents HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${runtime.editorToken}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`,
    );
    await new Promise((r) => setTimeout(r, 1500));
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    for (let sent = 0; sent < size && !closedWhileSending; sent += chunk.length) {
      if (!socket.write(chunk)) await new Promise((r) => socket.once("drain", r));
    }
    sending = false;
    const status = await new Promise<string>((resolve) => {
      const done = () => resolve(answer.split("\r\n")[0] ?? "");
      if (/\r\n\r\n[\s\S]*\}/.test(answer)) done();
      else {
        socket.on("data", () => /\r\n\r\n[\s\S]*\}/.test(answer) && done());
        socket.on("close", done);
      }
    });
    socket.destroy();

    // Assess
    expect(closedWhileSending).toBe(false);
    expect(status).toBe("HTTP/1.1 413 Payload Too Large");
    expect(answer).toContain('"code":"too_large"');
  });
});

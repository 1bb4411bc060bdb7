import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEmbeddedPlatform, type EmbeddedPlatform } from "../../src/platform/embedded/index.js";
import { ConditionFailedError, StorageRequestError } from "../../src/platform/errors.js";
import { tempDataDir } from "./helpers.js";

const encoder = new TextEncoder();
const run = promisify(execFile);
const workerScript = fileURLToPath(new URL("./fixtures/blob-if-absent-worker.ts", import.meta.url));

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe("embedded blob store", () => {
  let data: Awaited<ReturnType<typeof tempDataDir>>;
  let platform: EmbeddedPlatform;
  const blobDir = () => path.join(data.dir, "blobs");

  beforeEach(async () => {
    data = await tempDataDir();
    platform = createEmbeddedPlatform({ dataDir: data.dir });
  });

  afterEach(async () => {
    platform.close();
    await data.remove();
  });

  it("concurrent ifAbsent puts from two connections to one data directory have exactly one winner", async () => {
    // Prepare
    const other = createEmbeddedPlatform({ dataDir: data.dir });
    const contenders = Array.from({ length: 20 }, (_, i) => ({
      store: i % 2 === 0 ? platform.blobs : other.blobs,
      bytes: encoder.encode(`contender ${i}`),
    }));

    // Act
    const outcomes = await Promise.allSettled(
      contenders.map((c) =>
        c.store.put("race/key.txt", c.bytes, { contentType: "text/plain", ifAbsent: true }),
      ),
    );
    const stored = await platform.blobs.get("race/key.txt");
    other.close();

    // Assess
    const winners = outcomes.flatMap((o, i) => (o.status === "fulfilled" ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === "rejected") expect(o.reason).toBeInstanceOf(ConditionFailedError);
    }
    expect(stored?.bytes).toEqual(contenders[winners[0]!]!.bytes);
  });

  it("concurrent ifAbsent puts from separate processes have exactly one winner", async () => {
    // Prepare: the workers open the same data directory and start together.
    const startAt = String(Date.now() + 2500);

    // Act
    const results = await Promise.all(
      [0, 1, 2, 3].map((id) =>
        run(process.execPath, [
          "--import",
          "tsx",
          workerScript,
          data.dir,
          "race/process.txt",
          String(id),
          startAt,
        ]),
      ),
    );
    const stored = await platform.blobs.get("race/process.txt");

    // Assess
    const outputs = results.map((r) => r.stdout.trim());
    expect(outputs.filter((o) => o === "won")).toHaveLength(1);
    expect(outputs.filter((o) => o === "lost")).toHaveLength(3);
    const winner = outputs.indexOf("won");
    expect(new TextDecoder().decode(stored?.bytes)).toBe(`contender ${winner}`);
  });

  it("leaves no temp files behind after writes, overwrites and refused ifAbsent puts", async () => {
    // Prepare
    // Overwritten, so not under a write-once prefix (blob-policy.ts).
    const keys = Array.from({ length: 10 }, (_, i) => `archive/jobs/j/pages/${i}.html`);

    // Act
    await Promise.all(
      keys.map((k) => platform.blobs.put(k, encoder.encode(`v1 ${k}`), { contentType: "text/html" })),
    );
    await Promise.all(
      keys.map((k) => platform.blobs.put(k, encoder.encode(`v2 ${k}`), { contentType: "text/html" })),
    );
    const refused = await Promise.allSettled(
      keys.map((k) =>
        platform.blobs.put(k, encoder.encode("v3"), { contentType: "text/html", ifAbsent: true }),
      ),
    );

    // Assess
    expect(refused.every((r) => r.status === "rejected")).toBe(true);
    const files = filesUnder(blobDir());
    expect(files.filter((f) => path.basename(f).startsWith(".tmp-"))).toEqual([]);
    // Only the current contents remain: overwritten and refused contents were removed.
    expect(files).toHaveLength(keys.length);
    expect(await platform.blobs.list("archive/jobs/j/pages/")).toEqual([...keys].sort());
  });

  it("readers see either the old or the new content during concurrent overwrites, never a mix", async () => {
    // Prepare
    const a = encoder.encode("A".repeat(256 * 1024));
    const b = encoder.encode("B".repeat(300 * 1024));
    const valid = new Set([
      createHash("sha256").update(a).digest("hex"),
      createHash("sha256").update(b).digest("hex"),
    ]);
    await platform.blobs.put("atomic.bin", a, { contentType: "application/octet-stream" });
    let writing = true;

    // Act
    const writer = (async () => {
      for (let i = 0; i < 40; i++) {
        await platform.blobs.put("atomic.bin", i % 2 ? a : b, { contentType: "application/octet-stream" });
      }
      writing = false;
    })();
    const observed: { sha256: string; actual: string; size: number; length: number }[] = [];
    while (writing) {
      const blob = await platform.blobs.get("atomic.bin");
      if (blob) {
        observed.push({
          sha256: blob.sha256,
          actual: createHash("sha256").update(blob.bytes).digest("hex"),
          size: blob.size,
          length: blob.bytes.byteLength,
        });
      }
    }
    await writer;

    // Assess
    expect(observed.length).toBeGreaterThan(0);
    for (const o of observed) {
      expect(valid.has(o.actual)).toBe(true);
      expect(o.sha256).toBe(o.actual);
      expect(o.size).toBe(o.length);
    }
  });

  it("identical content under two keys is stored once and kept until the last key is deleted", async () => {
    // Prepare
    const bytes = encoder.encode("same gazette PDF");
    await platform.blobs.put("a/copy.pdf", bytes, { contentType: "application/pdf" });
    await platform.blobs.put("b/copy.pdf", bytes, { contentType: "application/pdf" });
    const storedOnce = filesUnder(blobDir()).length;

    // Act
    await platform.blobs.delete("a/copy.pdf");
    const afterFirstDelete = await platform.blobs.get("b/copy.pdf");
    await platform.blobs.delete("b/copy.pdf");

    // Assess
    expect(storedOnce).toBe(1);
    expect(afterFirstDelete?.bytes).toEqual(bytes);
    expect(filesUnder(blobDir())).toEqual([]);
  });

  it("content written without its metadata commit (a crash in between) is invisible", async () => {
    // Prepare: simulate a crash after the content file was renamed into place.
    const bytes = encoder.encode("orphan");
    const sha = createHash("sha256").update(bytes).digest("hex");
    const shard = path.join(blobDir(), "sha256", sha.slice(0, 2));
    fs.mkdirSync(shard, { recursive: true });
    fs.writeFileSync(path.join(shard, sha), bytes);

    // Act
    const listed = await platform.blobs.list("");
    const head = await platform.blobs.head("orphan");

    // Assess
    expect(listed).toEqual([]);
    expect(head).toBeUndefined();
  });

  it("a temp file left by a crashed write is removed when the store is opened again", async () => {
    // Prepare
    const shard = path.join(blobDir(), "sha256", "ab");
    fs.mkdirSync(shard, { recursive: true });
    const stale = path.join(shard, ".tmp-crashed");
    const fresh = path.join(shard, ".tmp-in-progress");
    fs.writeFileSync(stale, "partial");
    fs.writeFileSync(fresh, "partial");
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    fs.utimesSync(stale, twoHoursAgo, twoHoursAgo);
    platform.close();

    // Act
    platform = createEmbeddedPlatform({ dataDir: data.dir });

    // Assess: the old one is gone; a recent one may belong to another live process.
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(fresh)).toBe(true);
  });

  it.each([
    ["a/./b.txt"],
    ["a/b/"],
    ["C:/windows.txt"],
    ["a\\b.txt"],
    ["line\nbreak.txt"],
    [`${"长".repeat(342)}.txt`],
  ])("refuses the key %j with StorageRequestError", async (key) => {
    // Prepare / Act
    const attempt = platform.blobs.put(key, encoder.encode("x"), { contentType: "text/plain" });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(StorageRequestError);
    expect(filesUnder(blobDir())).toEqual([]);
  });

  it("an empty content type is refused with StorageRequestError", async () => {
    // Prepare / Act
    const attempt = platform.blobs.put("x.txt", encoder.encode("x"), { contentType: "" });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(StorageRequestError);
  });
});

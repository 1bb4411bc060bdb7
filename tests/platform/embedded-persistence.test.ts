import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEmbeddedPlatform } from "../../src/platform/embedded/index.js";
import { StorageUnavailableError } from "../../src/platform/errors.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { tempDataDir } from "./helpers.js";

describe("embedded platform persistence", () => {
  let data: Awaited<ReturnType<typeof tempDataDir>>;

  beforeEach(async () => {
    data = await tempDataDir();
  });

  afterEach(async () => {
    await data.remove();
  });

  it("creates the data directory with the database and the blob directory", () => {
    // Prepare
    const dataDir = path.join(data.dir, "nested", "data");

    // Act
    const platform = createEmbeddedPlatform({ dataDir });
    platform.close();

    // Assess
    expect(fs.existsSync(path.join(dataDir, "gazette.sqlite"))).toBe(true);
    expect(fs.statSync(path.join(dataDir, "blobs")).isDirectory()).toBe(true);
  });

  it("records, blobs and queued messages survive close and reopen, including in-flight state", async () => {
    // Prepare
    const clock = new ManualClock();
    const first = createEmbeddedPlatform({ dataDir: data.dir, clock });
    await first.records.put({ pk: "doc#1", sk: "meta", data: { title: "公报" } });
    const second = await first.records.put({ pk: "doc#1", sk: "meta", data: { title: "公报（修订）" } });
    const bytes = new TextEncoder().encode("%PDF");
    await first.blobs.put("editions/1.pdf", bytes, { contentType: "application/pdf", ifAbsent: true });
    await first.queues.send("events", [{ body: '"in flight"' }, { body: '"waiting"' }]);
    const [inFlight] = await first.queues.receive("events", { visibilityTimeoutSeconds: 300 });
    first.close();

    // Act
    const reopened = createEmbeddedPlatform({ dataDir: data.dir, clock });
    const record = await reopened.records.get({ pk: "doc#1", sk: "meta" });
    const blob = await reopened.blobs.get("editions/1.pdf");
    const depth = await reopened.queues.depth("events");
    const ready = await reopened.queues.receive("events", { maxMessages: 10, visibilityTimeoutSeconds: 300 });
    await reopened.queues.delete("events", inFlight?.receiptHandle ?? "");
    const depthAfterDelete = await reopened.queues.depth("events");
    reopened.close();

    // Assess
    expect(record).toMatchObject({ data: { title: "公报（修订）" }, version: second.version });
    expect(blob?.bytes).toEqual(bytes);
    expect(depth).toBe(2);
    expect(ready.map((m) => m.body)).toEqual(['"waiting"']);
    expect(depthAfterDelete).toBe(1);
  });

  it("operations after close fail with StorageUnavailableError", async () => {
    // Prepare
    const platform = createEmbeddedPlatform({ dataDir: data.dir });
    platform.close();

    // Act
    const attempt = platform.records.get({ pk: "a", sk: "b" });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(StorageUnavailableError);
  });
});

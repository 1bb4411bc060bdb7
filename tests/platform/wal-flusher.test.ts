import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createEmbeddedPlatform } from "../../src/platform/embedded/index.js";
import { WalFlusher } from "../../src/platform/embedded/wal-flusher.js";

function controlledSync() {
  const pending: (() => void)[] = [];
  let calls = 0;
  return {
    sync: () => {
      calls++;
      return new Promise<void>((resolve) => pending.push(resolve));
    },
    finishOne: () => pending.shift()?.(),
    get calls() {
      return calls;
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("WalFlusher (group commit)", () => {
  it("shares one sync among callers that arrive while none is running, and runs a fresh one for later callers", async () => {
    // Prepare
    const disk = controlledSync();
    const flusher = new WalFlusher("/unused", disk.sync);
    // Act
    const first = flusher.flush();
    const during = [flusher.flush(), flusher.flush(), flusher.flush()];
    // Assess: one sync running; the three callers wait for a second one, not the running one.
    expect(disk.calls).toBe(1);
    let duringDone = false;
    void Promise.all(during).then(() => {
      duringDone = true;
    });
    disk.finishOne();
    await first;
    await tick();
    expect(duringDone).toBe(false);
    expect(disk.calls).toBe(2);
    disk.finishOne();
    await Promise.all(during);
    expect(disk.calls).toBe(2);
  });

  it("syncs the real write-ahead log of the embedded store", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gazette-wal-"));
    const platform = createEmbeddedPlatform({ dataDir, synchronous: "ack" });
    try {
      await platform.records.put({ pk: "A", sk: "B", data: { x: 1 } });
      await expect(platform.flush()).resolves.toBeUndefined();
    } finally {
      platform.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

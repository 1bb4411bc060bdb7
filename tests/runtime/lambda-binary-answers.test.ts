import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("the API functions' Lambda adapter with a large binary answer", () => {
  it("passes a 24 MB CSV as base64 within a 160 MB heap, byte for byte", () => {
    // Prepare: the size of a whole overdue list of ~100,000 notices; the heap of a small function
    const env = { ...process.env, BYTES: String(24 * 1024 * 1024) };

    // Act
    const child = spawnSync(
      process.execPath,
      ["--max-old-space-size=160", "--import", "tsx", "tests/support/big-binary-answer.ts"],
      { env, encoding: "utf8", timeout: 120_000 },
    );

    // Assess: hono's own encoder built the base64 a character at a time, a string of 24 million
    // pieces, and ran out of this heap
    expect(child.stderr).not.toMatch(/heap out of memory/i);
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({
      status: 200,
      isBase64Encoded: true,
      bytes: 24 * 1024 * 1024,
      same: true,
    });
  });
});

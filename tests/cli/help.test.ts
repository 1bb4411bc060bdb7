import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/main.js";
import { capture } from "../support/cli-io.js";

describe("gazette help texts", () => {
  it("describes the whole CLI, not only intake", async () => {
    // Prepare
    const c = capture();

    // Act
    const code = await run(["--help"], c.io, {});

    // Assess
    expect(code).toBe(0);
    const help = c.out.join("\n").replaceAll(/\s+/g, " ");
    expect(help).not.toContain("inspect intake");
    for (const topic of ["documents", "editions", "repost sites", "compliance report", "historical archive"])
      expect(help).toContain(topic);
  });

  it("offers --reason on sites disable only: enabling clears it", async () => {
    // Prepare
    const enable = capture();
    const disable = capture();

    // Act
    const codeEnable = await run(["sites", "enable", "--help"], enable.io, {});
    const codeDisable = await run(["sites", "disable", "--help"], disable.io, {});

    // Assess
    expect([codeEnable, codeDisable]).toEqual([0, 0]);
    expect(enable.out.join("\n")).not.toContain("--reason");
    expect(disable.out.join("\n")).toMatch(/--reason <text> +why the site is disabled/);
    expect(disable.out.join("\n")).not.toContain("why (disable)");
  });
});

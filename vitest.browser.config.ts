import { defineConfig } from "vitest/config";

/** The browser suite (tests/browser/): run by tests/browser/run.ts when a Chromium is found. */
export default defineConfig({
  test: {
    include: ["tests/browser/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});

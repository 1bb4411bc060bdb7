import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // The browser suite runs on its own (tests/browser/run.ts), only where a Chromium is found.
    exclude: ["tests/browser/**", "**/node_modules/**"],
    // CDK synth and the AWS emulators are slow to start on a 2-core CI machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});

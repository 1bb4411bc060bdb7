import { defineConfig } from "vitest/config";

/**
 * Test files that read the app synthesised with the default settings (tests/infra/helpers.ts
 * sharedGazette). They run without isolation, so a worker synthesises the app once and every one
 * of these files it runs reads the same one; the others run each in a process of its own.
 */
const SHARED_SYNTHESIS = [
  "tests/infra/concurrency.test.ts",
  "tests/infra/console-identity.test.ts",
  "tests/infra/console-submitters.test.ts",
  "tests/infra/edge.test.ts",
  "tests/infra/gazette-api.test.ts",
  "tests/infra/gazette-data.test.ts",
  "tests/infra/gazette-functions.test.ts",
  "tests/infra/least-privilege.test.ts",
  "tests/infra/operations.test.ts",
  "tests/infra/public-site.test.ts",
  "tests/infra/reposts.test.ts",
  "tests/infra/signing-key.test.ts",
  "tests/infra/staging.test.ts",
  "tests/infra/write-once.test.ts",
  "tests/archive/infra.test.ts",
];

export default defineConfig({
  test: {
    // CDK synth and the AWS emulators are slow to start on a 2-core CI machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["tests/**/*.test.ts"],
          // The browser suite runs on its own (tests/browser/run.ts), only where a Chromium is found.
          exclude: ["tests/browser/**", "**/node_modules/**", ...SHARED_SYNTHESIS],
        },
      },
      {
        extends: true,
        test: { name: "infra", include: SHARED_SYNTHESIS, isolate: false },
      },
    ],
  },
});

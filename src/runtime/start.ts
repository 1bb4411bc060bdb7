import { ConfigError, loadConfig } from "../config.js";
import { DataDirLockedError } from "./data-dir-lock.js";
import { startLocal } from "./local.js";

/** `npm start`: the local pipeline on the embedded store. */
async function main() {
  const config = loadConfig({ ...process.env, GAZETTE_MODE: "embedded" });
  const runtime = await startLocal(config, { hostname: process.env.HOST });
  const tokenNote =
    runtime.editorTokenSource === "env"
      ? "(from GAZETTE_EDITOR_TOKEN)"
      : `(stored in ${config.dataDir}/editor-token)`;
  process.stdout.write(
    [
      "",
      `  ${config.gazette.name} — gazette pipeline (local, embedded store)`,
      "",
      `  Public site   ${runtime.url}/`,
      `  API           ${runtime.url}/api/openapi.json`,
      `  Data          ${config.dataDir}`,
      `  Editor token  ${runtime.editorToken} ${tokenNote}`,
      `  Console       ${runtime.url}/console/`,
      ...(runtime.firstAdministrator
        ? [
            `  Console admin ${runtime.firstAdministrator.username} / ${runtime.firstAdministrator.password}  (created now, shown once; add accounts at /console/accounts)`,
          ]
        : []),
      "",
      `  Try:  GAZETTE_URL=${runtime.url} GAZETTE_EDITOR_TOKEN=${runtime.editorToken} npx gazette submit samples/documents`,
      "",
    ].join("\n"),
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: finishing in-flight work…\n`);
    await runtime.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  if (error instanceof DataDirLockedError) {
    process.stderr.write(`Not started: ${error.message}\n`);
  } else if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
  } else if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
    process.stderr.write(
      `Port ${process.env.PORT ?? 3000} is in use. Start with another, e.g. PORT=3001 npm start\n`,
    );
  } else {
    process.stderr.write(`Could not start: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
});

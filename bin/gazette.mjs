#!/usr/bin/env node
// `npx gazette …`: runs the TypeScript CLI through tsx, which npm install brings.
import { register } from "tsx/esm/api";

// `gazette compliance | head -1`: once the reader has gone, the rest of the output has nowhere to
// go. Stop quietly, as Unix tools do, rather than crash with "write EPIPE".
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

register();
const { run } = await import("../src/cli/main.ts");
process.exitCode = await run(process.argv.slice(2));

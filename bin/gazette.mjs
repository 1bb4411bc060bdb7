#!/usr/bin/env node
// `npx gazette …`: runs the TypeScript CLI through tsx, which npm install brings.
import { register } from "tsx/esm/api";

register();
const { run } = await import("../src/cli/main.ts");
process.exitCode = await run(process.argv.slice(2));

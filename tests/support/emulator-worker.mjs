// The worker thread of emulator-thread.ts: loads it through tsx (the worker has no TypeScript
// loader of its own, under vitest or tsx alike) and serves the emulators from this thread.
import { tsImport } from "tsx/esm/api";

const { serveEmulators } = await tsImport("./emulator-thread.ts", import.meta.url);
await serveEmulators();

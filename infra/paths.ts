import { fileURLToPath } from "node:url";

/** The repository root (the parent of infra/), where package-lock.json, functions/ and templates/ live. */
export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The local editor token: GAZETTE_EDITOR_TOKEN if set, else the one stored in the data directory,
 * else a new random one written there (mode 0600) so it survives restarts.
 */
export function ensureEditorToken(
  dataDir: string,
  fromEnv: string | undefined,
): { token: string; source: "env" | "file" | "generated"; path: string } {
  const path = join(dataDir, "editor-token");
  if (fromEnv) return { token: fromEnv, source: "env", path };
  if (existsSync(path)) {
    const token = readFileSync(path, "utf8").trim();
    if (token) return { token, source: "file", path };
  }
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(24).toString("base64url");
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${token}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return { token, source: "generated", path };
}

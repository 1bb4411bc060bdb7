/**
 * `gazette key show|rotate`: the local signing key in the data directory (src/signing/local-key.ts).
 * Run on the machine that holds the data directory; the server signs with the key that was current
 * when it started, so restart it after a rotation. In AWS the key is a KMS key: rotation is a new
 * key in the stack (docs/verifying.md), not this command.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { hex, sha256 } from "../signing/key.js";
import { loadOrCreateLocalKey, rotateLocalKey } from "../signing/local-key.js";
import { UsageError } from "./usage-error.js";

interface Io {
  out(line: string): void;
}

function dataDirOf(option: string | undefined, env: NodeJS.ProcessEnv): string {
  const dir = resolve(option ?? env.GAZETTE_DATA_DIR ?? ".gazette");
  if (!existsSync(join(dir, "signing", "current"))) {
    throw new UsageError(
      `${dir} has no signing key (signing/current): give the data directory of a gazette that has started once (--data-dir or GAZETTE_DATA_DIR)`,
    );
  }
  return dir;
}

async function describe(dataDir: string): Promise<{ id: string; fingerprint: string }> {
  const key = loadOrCreateLocalKey(dataDir);
  return { id: key.keyId, fingerprint: hex(sha256(await key.publicKey())) };
}

export function registerKeyCommands(program: Command, deps: { io: Io; env: NodeJS.ProcessEnv }): void {
  const { io, env } = deps;
  const key = program
    .command("key")
    .description("The local signing key in the data directory (in AWS the key is in KMS)");
  key
    .command("show")
    .description("The key in use: its id and the SHA-256 of its public key (SPKI)")
    .option("--data-dir <dir>", "the gazette's data directory (default GAZETTE_DATA_DIR or .gazette)")
    .action(async (options: { dataDir?: string }) => {
      const { id, fingerprint } = await describe(dataDirOf(options.dataDir, env));
      io.out(`key: ${id}`);
      io.out(`public key sha256: ${fingerprint}`);
    });
  key
    .command("rotate")
    .description(
      "Generate a new signing key and make it current; the old key and its certificate stay, so what it signed still verifies. Restart the server to sign with the new key",
    )
    .option("--data-dir <dir>", "the gazette's data directory (default GAZETTE_DATA_DIR or .gazette)")
    .action(async (options: { dataDir?: string }) => {
      const dataDir = dataDirOf(options.dataDir, env);
      const before = await describe(dataDir);
      const rotated = rotateLocalKey(dataDir);
      const fingerprint = hex(sha256(await rotated.publicKey()));
      io.out(`previous key: ${before.id} (public key sha256 ${before.fingerprint}), kept in signing/keys/`);
      io.out(`current key: ${rotated.keyId} (public key sha256 ${fingerprint})`);
      io.out(
        `now: restart the server; its next publication adds the new certificate to the keyring (GET /api/signing/certificates). signing/current: ${readFileSync(join(dataDir, "signing", "current"), "utf8").trim()}`,
      );
    });
}

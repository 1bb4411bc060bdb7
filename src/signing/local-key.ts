/**
 * The embedded adapter of the signing key: an ECDSA P-256 key generated with node:crypto into the
 * data directory at first start (signing/keys/<id>.pem, PKCS #8, mode 0600), the one in use named
 * by signing/current. Rotation writes a new key and points `current` at it; old keys stay on disk
 * (and their certificates in the keyring), so what they signed still verifies.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hex, type SigningKey, sha256 } from "./key.js";

export class LocalSigningKey implements SigningKey {
  readonly algorithm = "ES256" as const;
  private readonly spki: Uint8Array;

  constructor(
    readonly keyId: string,
    private readonly privateKey: KeyObject,
  ) {
    this.spki = new Uint8Array(createPublicKey(privateKey).export({ format: "der", type: "spki" }));
  }

  async publicKey(): Promise<Uint8Array> {
    return this.spki;
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    return new Uint8Array(sign("sha256", data, { key: this.privateKey, dsaEncoding: "der" }));
  }
}

function signingDir(dataDir: string): string {
  return join(dataDir, "signing");
}

function writeAtomically(path: string, text: string) {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, path);
}

function generate(dataDir: string): string {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const id = `local-${hex(sha256(publicKey.export({ format: "der", type: "spki" }))).slice(0, 16)}`;
  mkdirSync(join(signingDir(dataDir), "keys"), { recursive: true, mode: 0o700 });
  writeAtomically(
    join(signingDir(dataDir), "keys", `${id}.pem`),
    privateKey.export({ format: "pem", type: "pkcs8" }) as string,
  );
  writeAtomically(join(signingDir(dataDir), "current"), `${id}\n`);
  return id;
}

function load(dataDir: string, id: string): LocalSigningKey {
  if (!/^local-[0-9a-f]{16}$/.test(id)) throw new Error(`signing/current names no local key: "${id}"`);
  const pem = readFileSync(join(signingDir(dataDir), "keys", `${id}.pem`), "utf8");
  return new LocalSigningKey(id, createPrivateKey(pem));
}

/** The deployment's key in `dataDir`, generated on first use. */
export function loadOrCreateLocalKey(dataDir: string): LocalSigningKey {
  const current = join(signingDir(dataDir), "current");
  const id = existsSync(current) ? readFileSync(current, "utf8").trim() : generate(dataDir);
  return load(dataDir, id);
}

/** A new key becomes current; the old one stays on disk. */
export function rotateLocalKey(dataDir: string): LocalSigningKey {
  return load(dataDir, generate(dataDir));
}

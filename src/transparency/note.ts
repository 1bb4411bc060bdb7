/**
 * Checkpoints (C2SP tlog-checkpoint) as signed notes (C2SP signed-note): the origin line, the
 * tree size, the base64 root hash, a blank line, then "— <key name> base64(key ID ‖ signature)".
 * The signature type is 0x02 (ECDSA P-256, as transparency-dev/witness): a DER ECDSA signature
 * over the note text, key ID = the first four bytes of SHA-256 of the DER public key (SPKI).
 */
import { type SigningKey, sha256, verifyWith } from "../signing/key.js";

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Uint8Array;
}

export function checkpointText(checkpoint: Checkpoint): string {
  return `${checkpoint.origin}\n${checkpoint.size}\n${Buffer.from(checkpoint.root).toString("base64")}\n`;
}

export function noteKeyId(spki: Uint8Array): Uint8Array {
  return sha256(spki).slice(0, 4);
}

export async function signCheckpoint(checkpoint: Checkpoint, key: SigningKey): Promise<string> {
  const text = checkpointText(checkpoint);
  const signature = await key.sign(new TextEncoder().encode(text));
  const id = noteKeyId(await key.publicKey());
  const blob = Buffer.concat([id, signature]).toString("base64");
  return `${text}\n— ${checkpoint.origin} ${blob}\n`;
}

export class NoteError extends Error {
  override name = "NoteError";
}

/**
 * Reads a signed checkpoint and checks it was signed by one of `keys` (DER SPKI) under the key
 * name `origin`; throws NoteError saying why not.
 */
export function openCheckpoint(note: string, keys: readonly Uint8Array[]): Checkpoint {
  const at = note.indexOf("\n\n");
  if (at < 0) throw new NoteError("not a signed note: no blank line before the signatures");
  const text = note.slice(0, at + 1);
  const lines = text.split("\n");
  const [origin, sizeText, rootText] = lines;
  if (!origin || !sizeText || !/^(0|[1-9][0-9]{0,15})$/.test(sizeText) || !rootText) {
    throw new NoteError("not a checkpoint: origin, tree size and root hash lines expected");
  }
  const root = new Uint8Array(Buffer.from(rootText, "base64"));
  if (root.length !== 32) throw new NoteError("not a checkpoint: the root hash is not 32 bytes");
  const signatures = note
    .slice(at + 2)
    .split("\n")
    .filter((l) => l.length > 0);
  const data = new TextEncoder().encode(text);
  for (const line of signatures) {
    const match = /^— (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!match || match[1] !== origin) continue;
    const blob = Buffer.from(match[2]!, "base64");
    for (const spki of keys) {
      if (!blob.subarray(0, 4).equals(Buffer.from(noteKeyId(spki)))) continue;
      if (verifyWith(spki, data, new Uint8Array(blob.subarray(4)))) {
        return { origin, size: Number(sizeText), root };
      }
      throw new NoteError("the checkpoint's signature by a known key does not verify");
    }
  }
  throw new NoteError("the checkpoint is not signed by this gazette's key");
}

/**
 * The gazette's append-only log: every published manifest, erratum and status change is a leaf of
 * a Merkle tree (merkle.ts, RFC 9162 hashing) kept in the records port, so it works on the
 * embedded store and on DynamoDB alike; signed checkpoints (note.ts) are its tree heads.
 *
 *   pk LOG          sk HEAD               {size}: the number of leaves (version-conditioned)
 *   pk LOG          sk L#<index, 12>      {leafHash, entry}: leaf `index`, written once (absent)
 *   pk LOG          sk CP#<size, 12>      {note}: the signed checkpoint at that size, kept forever
 *   pk LOGENTRY#<leaf hash>  sk ENTRY     {index}: where an entry is, so appends are idempotent
 *
 * An append writes the leaf at the head's size (absent), then its index, then moves the head
 * (version). Each is a single-item conditional write; a crash between them leaves a leaf past the
 * head, which the next append finds and adopts before adding its own. The log never rewrites a
 * leaf: a checkpoint, once signed, is consistent with every later one (gazette log audit checks).
 */
import { ConditionFailedError } from "../platform/errors.js";
import type { RecordStore } from "../platform/ports.js";
import type { SigningKey } from "../signing/key.js";
import { consistencyProof, type Hash, inclusionProof, leafHash, rootHash } from "./merkle.js";
import { type Checkpoint, signCheckpoint } from "./note.js";

export const LOG_PARTITION = "LOG";
const HEAD = { pk: LOG_PARTITION, sk: "HEAD" };
const DIGITS = 12;

/** What the log records. Fields are data; the leaf is their canonical JSON. */
export type LogEntry =
  | {
      readonly type: "edition.manifest";
      readonly edition: string;
      readonly url: string;
      /** Hex SHA-256 of the manifest as published. */
      readonly sha256: string;
      readonly publishedAt: string;
    }
  | {
      readonly type: "document.status" | "document.erratum";
      readonly document: string;
      readonly at: string;
      readonly [field: string]: unknown;
    };

interface LeafRecord {
  readonly leafHash: string;
  readonly entry: LogEntry;
}

/** The bytes of a leaf: the entry's JSON with sorted keys and a final newline. */
export function leafData(entry: LogEntry): Uint8Array {
  return new TextEncoder().encode(`${canonicalJson(entry)}\n`);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const pad = (n: number) => String(n).padStart(DIGITS, "0");
const hexOf = (h: Hash) => Buffer.from(h).toString("hex");
const fromHex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));

export class LogRangeError extends Error {
  override name = "LogRangeError";
}

export interface LogOptions {
  readonly records: RecordStore;
  /** The log's name in its checkpoints: the site's host and "/log", e.g. gazette.example.gov.cn/log. */
  readonly origin: string;
  /** Signs checkpoints; only where the publisher runs. Without it the log can append, not sign. */
  readonly key?: SigningKey | undefined;
}

export function logOrigin(baseUrl: string): string {
  return `${baseUrl.replace(/^[a-z]+:\/\//i, "").replace(/\/+$/, "")}/log`;
}

export class TransparencyLog {
  constructor(private readonly options: LogOptions) {}

  private get records() {
    return this.options.records;
  }

  get origin(): string {
    return this.options.origin;
  }

  async size(): Promise<number> {
    return (await this.records.get<{ size: number }>(HEAD))?.data.size ?? 0;
  }

  /** Appends `entry` once (an entry already in the log keeps its index); returns its index. */
  async append(entry: LogEntry): Promise<number> {
    const data = leafData(entry);
    const hash = hexOf(leafHash(data));
    const known = await this.records.get<{ index: number }>({ pk: `LOGENTRY#${hash}`, sk: "ENTRY" });
    if (known) {
      const leaf = await this.records.get<LeafRecord>({
        pk: LOG_PARTITION,
        sk: `L#${pad(known.data.index)}`,
      });
      if (leaf?.data.leafHash === hash) return known.data.index;
    }
    for (let attempt = 0; attempt < 50; attempt++) {
      const head = await this.records.get<{ size: number }>(HEAD);
      const size = head?.data.size ?? 0;
      const leafKey = { pk: LOG_PARTITION, sk: `L#${pad(size)}` };
      const pending = await this.records.get<LeafRecord>(leafKey);
      if (!pending) {
        try {
          await this.records.put<LeafRecord>(
            { ...leafKey, data: { leafHash: hash, entry } },
            { kind: "absent" },
          );
        } catch (error) {
          if (error instanceof ConditionFailedError) continue;
          throw error;
        }
        await this.records
          .put({ pk: `LOGENTRY#${hash}`, sk: "ENTRY", data: { index: size } }, { kind: "absent" })
          .catch((error) => {
            if (!(error instanceof ConditionFailedError)) throw error;
          });
      }
      await this.advance(head?.version, size + 1);
      if (!pending) return size;
      if (pending.data.leafHash === hash) return size; // an earlier append of this entry crashed here
    }
    throw new Error("The log kept changing while appending");
  }

  private async advance(version: number | undefined, size: number): Promise<void> {
    try {
      await this.records.put(
        { ...HEAD, data: { size } },
        version === undefined ? { kind: "absent" } : { kind: "version", version },
      );
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }

  /** Leaf hashes [0, size). */
  private async leafHashes(size: number): Promise<Hash[]> {
    const out: Hash[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.records.query<LeafRecord>(LOG_PARTITION, { prefix: "L#", cursor, limit: 1000 });
      for (const item of page.items) {
        if (out.length >= size) break;
        out.push(fromHex(item.data.leafHash));
      }
      cursor = out.length >= size ? undefined : page.cursor;
    } while (cursor);
    if (out.length < size) throw new Error(`The log has ${out.length} leaves, its head says ${size}`);
    return out;
  }

  async entry(index: number): Promise<{ index: number; leafHash: string; entry: LogEntry } | undefined> {
    if (!Number.isSafeInteger(index) || index < 0 || index >= (await this.size())) return undefined;
    const leaf = await this.records.get<LeafRecord>({ pk: LOG_PARTITION, sk: `L#${pad(index)}` });
    return leaf && { index, leafHash: leaf.data.leafHash, entry: leaf.data.entry };
  }

  /** Where the entry with this leaf hash is (hex), if logged. */
  async indexOf(leafHashHex: string): Promise<number | undefined> {
    const known = await this.records.get<{ index: number }>({ pk: `LOGENTRY#${leafHashHex}`, sk: "ENTRY" });
    return known && known.data.index < (await this.size()) ? known.data.index : undefined;
  }

  async root(size: number): Promise<Hash> {
    return rootHash(await this.leafHashes(size));
  }

  /** The inclusion proof of leaf `index` in the tree of `size` leaves. */
  async inclusion(index: number, size: number): Promise<Hash[]> {
    if (!(index >= 0 && index < size && size <= (await this.size())))
      throw new LogRangeError(`No leaf ${index} in a tree of ${size}`);
    return inclusionProof(index, await this.leafHashes(size));
  }

  /** The consistency proof from the tree of `from` leaves to the tree of `to`. */
  async consistency(from: number, to: number): Promise<Hash[]> {
    if (!(from >= 1 && from <= to && to <= (await this.size())))
      throw new LogRangeError(`No consistency proof from ${from} to ${to}`);
    return consistencyProof(from, await this.leafHashes(to));
  }

  /**
   * Signs a checkpoint of the whole log as it stands, unless the latest one already covers it,
   * and keeps it. Needs the key (the publisher).
   */
  async checkpoint(): Promise<string | undefined> {
    const size = await this.size();
    const latest = await this.latestCheckpoint();
    if (latest && latest.size >= size) return latest.note;
    if (!this.options.key || size === 0) return latest?.note;
    const checkpoint: Checkpoint = { origin: this.origin, size, root: await this.root(size) };
    const note = await signCheckpoint(checkpoint, this.options.key);
    try {
      await this.records.put(
        { pk: LOG_PARTITION, sk: `CP#${pad(size)}`, data: { note } },
        { kind: "absent" },
      );
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      return (await this.checkpointAt(size)) ?? note;
    }
    return note;
  }

  /** How many entries no signed checkpoint covers yet. */
  async uncheckpointed(): Promise<number> {
    const [size, latest] = await Promise.all([this.size(), this.latestCheckpoint()]);
    return Math.max(0, size - (latest?.size ?? 0));
  }

  async latestCheckpoint(): Promise<{ size: number; note: string } | undefined> {
    const page = await this.records.query<{ note: string }>(LOG_PARTITION, {
      prefix: "CP#",
      descending: true,
      limit: 1,
    });
    const item = page.items[0];
    return item && { size: Number(item.sk.slice(3)), note: item.data.note };
  }

  async checkpointAt(size: number): Promise<string | undefined> {
    return (await this.records.get<{ note: string }>({ pk: LOG_PARTITION, sk: `CP#${pad(size)}` }))?.data
      .note;
  }
}

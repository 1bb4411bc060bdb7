import { createHash, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import { mkdir, open, readFile, rename, stat, unlink } from "node:fs/promises";
import * as path from "node:path";
import { checkBlobDelete, checkBlobPut } from "../blob-policy.js";
import { ConditionFailedError, StorageRequestError, StorageUnavailableError } from "../errors.js";
import type { Blob, BlobMetadata, BlobPutOptions, BlobStore } from "../ports.js";
import { validateBlobKey } from "../validation.js";
import { prefixUpperBound, type SqliteDatabase, sqlite } from "./sqlite.js";

/**
 * BlobStore on the local file system.
 *
 * Bytes live in content-addressed files (`<dir>/sha256/ab/abcd…`), written to a temp file in
 * the same directory, fsynced and renamed into place. The key → (sha256, size, content type)
 * mapping lives in SQLite and its commit is the single point at which a blob appears, changes
 * or disappears. So after a crash a blob is either fully there (row + bytes) or not there, an
 * overwrite switches bytes and metadata together, and `ifAbsent` is an INSERT that exactly one
 * writer wins, also across processes. A file that lost its row in a crash is only unused disk.
 *
 * Unreferenced content files are removed inside the same write transaction that drops their
 * last reference, and `put` re-checks its file inside its own write transaction, so a
 * concurrent delete of identical content can never leave a row pointing at a missing file.
 */
export class FileBlobStore implements BlobStore {
  readonly #db: SqliteDatabase;
  readonly #dir: string;
  readonly #select;
  readonly #insert;
  readonly #update;
  readonly #deleteRow;
  readonly #referenced;
  readonly #listFrom;
  readonly #listRange;
  readonly #writeOnce: readonly string[];

  /**
   * `writeOncePrefixes` (blob-policy.ts): keys there are refused an overwrite or a delete, as the
   * AWS blob bucket's policy refuses them.
   */
  constructor(db: SqliteDatabase, dir: string, options: { writeOncePrefixes?: readonly string[] } = {}) {
    this.#db = db;
    this.#writeOnce = options.writeOncePrefixes ?? [];
    this.#dir = path.resolve(dir);
    fs.mkdirSync(path.join(this.#dir, "sha256"), { recursive: true });
    db.exec(`
      CREATE TABLE IF NOT EXISTS blobs (
        key TEXT PRIMARY KEY,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        content_type TEXT NOT NULL,
        cache_control TEXT,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS blobs_sha256 ON blobs (sha256);
    `);
    this.#select = db.prepare<[string], BlobRow>("SELECT * FROM blobs WHERE key = ?");
    this.#insert = db.prepare<[BlobRow]>(
      `INSERT INTO blobs (key, sha256, size, content_type, cache_control, updated_at)
       VALUES (@key, @sha256, @size, @content_type, @cache_control, @updated_at) ON CONFLICT (key) DO NOTHING`,
    );
    this.#update = db.prepare<[BlobRow]>(
      `UPDATE blobs SET sha256 = @sha256, size = @size, content_type = @content_type,
       cache_control = @cache_control, updated_at = @updated_at WHERE key = @key`,
    );
    this.#deleteRow = db.prepare<[string]>("DELETE FROM blobs WHERE key = ?");
    this.#referenced = db.prepare<[string], { one: number }>(
      "SELECT 1 AS one FROM blobs WHERE sha256 = ? LIMIT 1",
    );
    this.#listFrom = db.prepare<[string], { key: string }>(
      "SELECT key FROM blobs WHERE key >= ? ORDER BY key",
    );
    this.#listRange = db.prepare<[string, string], { key: string }>(
      "SELECT key FROM blobs WHERE key >= ? AND key < ? ORDER BY key",
    );
    this.#sweepTempFiles();
  }

  async put(key: string, bytes: Uint8Array, options: BlobPutOptions): Promise<BlobMetadata> {
    validateBlobKey(key);
    if (typeof options.contentType !== "string" || options.contentType.length === 0) {
      throw new StorageRequestError("contentType must be a non-empty string");
    }
    checkBlobPut(key, options, this.#writeOnce);
    if (options.ifAbsent && this.#row(key)) {
      // Cheap early refusal; the authoritative check is the INSERT below.
      throw new ConditionFailedError(`blob ${key} already exists`);
    }
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    await this.#writeContent(sha256, bytes);

    const row: BlobRow = {
      key,
      sha256,
      size: bytes.byteLength,
      content_type: options.contentType,
      cache_control: options.cacheControl ?? null,
      updated_at: Date.now(),
    };
    const outcome = sqlite("put blob", () =>
      this.#db
        .transaction((): "written" | "exists" => {
          this.#ensureContentSync(sha256, bytes);
          if (options.ifAbsent) {
            if (this.#insert.run(row).changes === 1) return "written";
            this.#collect(sha256);
            return "exists";
          }
          const previous = this.#select.get(key);
          if (previous) this.#update.run(row);
          else this.#insert.run(row);
          if (previous && previous.sha256 !== sha256) this.#collect(previous.sha256);
          return "written";
        })
        .immediate(),
    );
    if (outcome === "exists") throw new ConditionFailedError(`blob ${key} already exists`);
    return { contentType: row.content_type, size: row.size, sha256 };
  }

  async get(key: string): Promise<Blob | undefined> {
    validateBlobKey(key);
    // A concurrent overwrite may remove the old content file between reading the row and the
    // file; the row read again then points at the new content.
    for (let attempt = 0; ; attempt++) {
      const row = this.#row(key);
      if (!row) return undefined;
      try {
        const bytes = new Uint8Array(await readFile(this.#contentPath(row.sha256)));
        return { bytes, contentType: row.content_type, size: row.size, sha256: row.sha256 };
      } catch (error) {
        if (isNotFound(error) && attempt < 3) continue;
        throw new StorageUnavailableError(`blob ${key}: content file unreadable`, { cause: error });
      }
    }
  }

  async head(key: string): Promise<BlobMetadata | undefined> {
    validateBlobKey(key);
    const row = this.#row(key);
    return row ? { contentType: row.content_type, size: row.size, sha256: row.sha256 } : undefined;
  }

  async delete(key: string): Promise<void> {
    validateBlobKey(key);
    checkBlobDelete(key, this.#writeOnce);
    sqlite("delete blob", () =>
      this.#db
        .transaction(() => {
          const previous = this.#select.get(key);
          if (!previous) return;
          this.#deleteRow.run(key);
          this.#collect(previous.sha256);
        })
        .immediate(),
    );
  }

  async list(prefix: string): Promise<string[]> {
    const upper = prefix ? prefixUpperBound(prefix) : undefined;
    const rows = sqlite("list blobs", () =>
      upper === undefined ? this.#listFrom.all(prefix) : this.#listRange.all(prefix, upper),
    );
    return rows.map((r) => r.key);
  }

  #row(key: string): BlobRow | undefined {
    return sqlite("read blob metadata", () => this.#select.get(key));
  }

  #contentPath(sha256: string): string {
    return path.join(this.#dir, "sha256", sha256.slice(0, 2), sha256);
  }

  /** Writes the content file unless identical content is already stored (same name = same bytes). */
  async #writeContent(sha256: string, bytes: Uint8Array): Promise<void> {
    const target = this.#contentPath(sha256);
    const existing = await stat(target).catch(() => undefined);
    if (existing?.size === bytes.byteLength) return;
    const dir = path.dirname(target);
    await mkdir(dir, { recursive: true });
    const temp = path.join(dir, `${TEMP_PREFIX}${randomUUID()}`);
    try {
      const handle = await open(temp, "wx");
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw new StorageUnavailableError(`writing blob content ${sha256} failed`, { cause: error });
    }
    await fsyncDirectory(dir);
  }

  /** Inside the write transaction: rewrites the content if a concurrent delete collected it. */
  #ensureContentSync(sha256: string, bytes: Uint8Array): void {
    const target = this.#contentPath(sha256);
    if (fs.existsSync(target)) return;
    const dir = path.dirname(target);
    fs.mkdirSync(dir, { recursive: true });
    const temp = path.join(dir, `${TEMP_PREFIX}${randomUUID()}`);
    try {
      const fd = fs.openSync(temp, "wx");
      try {
        fs.writeFileSync(fd, bytes);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temp, target);
    } catch (error) {
      fs.rmSync(temp, { force: true });
      throw new StorageUnavailableError(`writing blob content ${sha256} failed`, { cause: error });
    }
  }

  /** Inside the write transaction: removes a content file no key refers to any more. */
  #collect(sha256: string): void {
    if (this.#referenced.get(sha256)) return;
    fs.rmSync(this.#contentPath(sha256), { force: true });
  }

  /** Temp files older than an hour are leftovers of a crashed write (live writes take milliseconds). */
  #sweepTempFiles(): void {
    const root = path.join(this.#dir, "sha256");
    const cutoff = Date.now() - 60 * 60 * 1000;
    for (const shard of fs.readdirSync(root)) {
      const dir = path.join(root, shard);
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of names) {
        if (!name.startsWith(TEMP_PREFIX)) continue;
        const file = path.join(dir, name);
        try {
          if (fs.statSync(file).mtimeMs < cutoff) fs.rmSync(file, { force: true });
        } catch {
          // Another process finished or removed it meanwhile.
        }
      }
    }
  }
}

export const TEMP_PREFIX = ".tmp-";

interface BlobRow {
  key: string;
  sha256: string;
  size: number;
  content_type: string;
  cache_control: string | null;
  updated_at: number;
}

function isNotFound(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "ENOENT";
}

/** Makes the rename itself durable. Directories cannot be opened for fsync on Windows; skip there. */
async function fsyncDirectory(dir: string): Promise<void> {
  if (process.platform === "win32") return;
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

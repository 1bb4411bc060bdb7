import type Database from "better-sqlite3";
import { decodeCursor, encodeCursor } from "../cursor.js";
import { ConditionFailedError, StorageRequestError } from "../errors.js";
import {
  type Clock,
  EMBEDDED_TRANSACT_EACH_WRITES,
  type NewRecord,
  type QueryOptions,
  type RecordKey,
  type RecordPage,
  type RecordStore,
  type StoredRecord,
  type TransactionWrite,
  type WriteCondition,
  withSparseKeys,
} from "../ports.js";
import {
  validateCondition,
  validateNewRecord,
  validateQueryOptions,
  validateRecordKey,
  validateTransaction,
} from "../validation.js";
import { prefixUpperBound, type SqliteDatabase, sqlite } from "./sqlite.js";

interface RecordRow {
  pk: string;
  sk: string;
  data: string;
  version: number;
  gsi1pk: string | null;
  gsi1sk: string | null;
  gsi2pk: string | null;
  gsi2sk: string | null;
  gsi3pk: string | null;
  gsi3sk: string | null;
  expires_at: number | null;
  counts: string | null;
  /** Set on an update: the row written over (RowState). */
  rowid?: number;
}

/**
 * A write that can wait for the end of a transactEach and needs no read before it, as applied in
 * one statement (#upsert): a counter add without a condition (`adds` of them summed: the version
 * rises by that many, as it would one by one; the label of the last), or a put without a condition
 * of a record without index keys (an outbox entry), the last of `adds` puts.
 */
type WaitingWrite =
  | {
      readonly kind: "add";
      readonly key: RecordKey;
      readonly counts: Readonly<Record<string, number>>;
      readonly data: string;
      readonly adds: number;
    }
  | {
      readonly kind: "put";
      readonly key: RecordKey;
      readonly data: string;
      readonly expiresAt: number | null;
      readonly adds: number;
    };

/** Whether a write of a transaction can wait (WaitingWrite). */
function canWait(write: TransactionWrite): boolean {
  if ("add" in write) return !write.condition;
  return "put" in write && !write.condition && write.put.index === undefined;
}

/** What a write needs of the row it replaces: its place, version and indexed columns, not its data. */
interface RowState {
  rowid: number;
  version: number;
  gsi1pk: string | null;
  gsi1sk: string | null;
  gsi2pk: string | null;
  gsi2sk: string | null;
  gsi3pk: string | null;
  gsi3sk: string | null;
  expires_at: number | null;
  counts: string | null;
}

const RECORD_COLUMNS =
  "pk, sk, data, version, gsi1pk, gsi1sk, gsi2pk, gsi2sk, gsi3pk, gsi3sk, expires_at, counts";

/**
 * The records table. A rowid table with (pk, sk) as its unique key: rows here are large (a repost
 * notice is ~1 KB of JSON, a document more), and in a WITHOUT ROWID table, whose b-tree is keyed
 * by the whole row, a row over ~1,000 bytes (4 KiB pages) spills into an overflow page of its own
 * and every interior page holds full copies of rows. A rewrite of one notice then wrote a leaf, an
 * overflow page and free-list pages; here it rewrites its leaf cell in place (issue 15: the tick's
 * commit was half its time).
 */
function createRecordsTable(db: SqliteDatabase, name: string): void {
  db.exec(`
    CREATE TABLE ${name} (
      pk TEXT NOT NULL,
      sk TEXT NOT NULL,
      data TEXT NOT NULL,
      version INTEGER NOT NULL,
      gsi1pk TEXT,
      gsi1sk TEXT,
      gsi2pk TEXT,
      gsi2sk TEXT,
      gsi3pk TEXT,
      gsi3sk TEXT,
      expires_at REAL,
      counts TEXT,
      PRIMARY KEY (pk, sk)
    );`);
}

export function migrateRecords(db: SqliteDatabase): void {
  const table = () =>
    db
      .prepare<[], { sql: string }>("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'records'")
      .get();
  const existing = table();
  if (existing === undefined || /WITHOUT\s+ROWID/i.test(existing.sql)) {
    // IMMEDIATE: another process opening the same directory waits, then finds the work done.
    db.transaction(() => {
      const now = table();
      if (now === undefined) createRecordsTable(db, "records");
      else if (/WITHOUT\s+ROWID/i.test(now.sql)) convertToRowidTable(db);
    }).immediate();
  }
  // A rowid table from before gsi3 (the overdue index): its columns, empty.
  if (!recordColumns(db).has("gsi3pk")) {
    db.transaction(() => {
      if (!recordColumns(db).has("gsi3pk"))
        db.exec("ALTER TABLE records ADD COLUMN gsi3pk TEXT; ALTER TABLE records ADD COLUMN gsi3sk TEXT;");
    }).immediate();
  }
  db.exec(`
    -- pk, sk complete the index key so equal gsi1sk values still have a stable order for cursors.
    CREATE INDEX IF NOT EXISTS records_gsi1 ON records (gsi1pk, gsi1sk, pk, sk) WHERE gsi1pk IS NOT NULL;
    CREATE INDEX IF NOT EXISTS records_gsi2 ON records (gsi2pk, gsi2sk, pk, sk) WHERE gsi2pk IS NOT NULL;
    CREATE INDEX IF NOT EXISTS records_gsi3 ON records (gsi3pk, gsi3sk, pk, sk) WHERE gsi3pk IS NOT NULL;
    CREATE INDEX IF NOT EXISTS records_expiry ON records (expires_at) WHERE expires_at IS NOT NULL;
  `);
}

/**
 * A data directory made before the rowid layout: its rows are copied, in key order (so a
 * partition's rows stay together), into the new table, and the old table and its indexes are
 * dropped. Columns added over time (gsi2 and gsi3 for the sparse indexes, counts for counters) may be absent
 * from a very old table; they start empty.
 */
function convertToRowidTable(db: SqliteDatabase): void {
  const columns = recordColumns(db);
  const source = RECORD_COLUMNS.split(", ")
    .map((c) => (columns.has(c) ? c : "NULL"))
    .join(", ");
  db.exec("ALTER TABLE records RENAME TO records_without_rowid");
  createRecordsTable(db, "records");
  db.exec(
    `INSERT INTO records (${RECORD_COLUMNS}) SELECT ${source} FROM records_without_rowid ORDER BY pk, sk`,
  );
  // Its indexes (records_gsi1, records_gsi2, records_gsi3, records_expiry) go with it; migrateRecords makes them again.
  db.exec("DROP TABLE records_without_rowid");
}

/** The records table's columns, as it is now. */
function recordColumns(db: SqliteDatabase): Set<string> {
  return new Set(
    db
      .prepare<[], { name: string }>("PRAGMA table_info(records)")
      .all()
      .map((c) => c.name),
  );
}

/** Index columns a write may change, in groups that are set together. */
const INDEX_GROUPS = [
  ["gsi1pk", "gsi1sk"],
  ["gsi2pk", "gsi2sk"],
  ["gsi3pk", "gsi3sk"],
  ["expires_at"],
] as const;

/** RecordStore on SQLite, mirroring the DynamoDB single-table layout (pk/sk + gsi1, gsi2, gsi3). */
export class SqliteRecordStore implements RecordStore {
  readonly transactEachLimit = EMBEDDED_TRANSACT_EACH_WRITES;
  readonly #db: SqliteDatabase;
  readonly #clock: Clock;
  readonly #select;
  readonly #state;
  readonly #insert;
  readonly #delete;
  /** UPDATE statements by the index groups they set (a bit each): a write sets only the index columns that change. */
  readonly #updates: Database.Statement<unknown[]>[] = [];
  // Built once: better-sqlite3 transaction wrappers are not free to create per call.
  readonly #putTx;
  readonly #deleteTx;
  readonly #transactTx;
  readonly #transactEachTx;
  readonly #queries = new Map<string, Database.Statement<unknown[], QueryRow>>();
  /** Counter upserts (#upsert) by the names of the counts they add, in order. */
  readonly #putUpsert: Database.Statement<unknown[]>;
  readonly #adds = new Map<string, Database.Statement<unknown[]>>();

  constructor(db: SqliteDatabase, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
    migrateRecords(db);
    this.#select = db.prepare<[string, string], RecordRow>("SELECT * FROM records WHERE pk = ? AND sk = ?");
    this.#state = db.prepare<[string, string], RowState>(
      "SELECT rowid, version, gsi1pk, gsi1sk, gsi2pk, gsi2sk, gsi3pk, gsi3sk, expires_at, counts FROM records WHERE pk = ? AND sk = ?",
    );
    this.#insert = db.prepare<[RecordRow]>(`
      INSERT INTO records (${RECORD_COLUMNS})
      VALUES (@pk, @sk, @data, @version, @gsi1pk, @gsi1sk, @gsi2pk, @gsi2sk, @gsi3pk, @gsi3sk, @expires_at, @counts)`);
    for (let groups = 0; groups < 1 << INDEX_GROUPS.length; groups++) {
      const set = ["data = @data", "version = @version", "counts = @counts"];
      INDEX_GROUPS.forEach((columns, g) => {
        if (groups & (1 << g)) for (const c of columns) set.push(`${c} = @${c}`);
      });
      this.#updates.push(db.prepare(`UPDATE records SET ${set.join(", ")} WHERE rowid = @rowid`));
    }
    this.#delete = db.prepare<[string, string]>("DELETE FROM records WHERE pk = ? AND sk = ?");
    // Versions keep counting across expiry, as in putOne.
    this.#putUpsert = db.prepare(`
      INSERT INTO records (pk, sk, data, version, expires_at) VALUES (@pk, @sk, @data, @adds, @expires_at)
      ON CONFLICT (pk, sk) DO UPDATE SET data = excluded.data, version = version + @adds,
        expires_at = excluded.expires_at, counts = NULL, gsi1pk = NULL, gsi1sk = NULL, gsi2pk = NULL, gsi2sk = NULL,
        gsi3pk = NULL, gsi3sk = NULL`);
    /** Writes `next` over the row whose state is `existing` (or as a new row), touching only the indexes whose keys change. */
    const write = (existing: RowState | undefined, next: RecordRow) => {
      if (!existing) {
        this.#insert.run(next);
        return;
      }
      // Plain comparisons, in INDEX_GROUPS' order (a tick writes ~1,000 notices through here).
      const groups =
        (existing.gsi1pk !== next.gsi1pk || existing.gsi1sk !== next.gsi1sk ? 1 : 0) |
        (existing.gsi2pk !== next.gsi2pk || existing.gsi2sk !== next.gsi2sk ? 2 : 0) |
        (existing.gsi3pk !== next.gsi3pk || existing.gsi3sk !== next.gsi3sk ? 4 : 0) |
        (existing.expires_at !== next.expires_at ? 8 : 0);
      next.rowid = existing.rowid;
      this.#updates[groups]!.run(next);
    };
    const putOne = (record: NewRecord, condition: WriteCondition | undefined, data: string) => {
      const existing = this.#state.get(record.pk, record.sk);
      this.#check(existing, condition, record);
      const next: RecordRow = {
        pk: record.pk,
        sk: record.sk,
        data,
        // Versions keep counting across expiry, as DynamoDB's if_not_exists(version) + 1 does.
        version: (existing?.version ?? 0) + 1,
        gsi1pk: record.index?.gsi1pk ?? null,
        gsi1sk: record.index?.gsi1sk ?? null,
        gsi2pk: record.index?.gsi2pk ?? null,
        gsi2sk: record.index?.gsi2sk ?? null,
        gsi3pk: record.index?.gsi3pk ?? null,
        gsi3sk: record.index?.gsi3sk ?? null,
        expires_at: record.expiresAt ?? null,
        counts: null,
      };
      write(existing, next);
      return next;
    };
    const deleteOne = (key: RecordKey, condition: WriteCondition | undefined) => {
      if (condition) this.#check(this.#state.get(key.pk, key.sk), condition, key);
      this.#delete.run(key.pk, key.sk);
    };
    this.#putTx = db.transaction(putOne);
    this.#deleteTx = db.transaction(deleteOne);
    /** A transaction's writes; with `deferred`, those that can wait (canWait) are put there instead. */
    this.#transactTx = db.transaction(
      (writes: readonly TransactionWrite[], json: (string | undefined)[], deferred?: WaitingWrite[]) => {
        writes.forEach((write_, i) => {
          if ("put" in write_) {
            if (deferred && canWait(write_)) {
              const { pk, sk, expiresAt } = write_.put;
              deferred.push({
                kind: "put",
                key: { pk, sk },
                data: json[i]!,
                expiresAt: expiresAt ?? null,
                adds: 1,
              });
            } else putOne(write_.put, write_.condition, json[i]!);
          } else if ("delete" in write_) deleteOne(write_.delete, write_.condition);
          else if (!write_.condition) {
            const add: WaitingWrite = {
              kind: "add",
              key: write_.add,
              counts: write_.counts,
              data: json[i]!,
              adds: 1,
            };
            if (deferred) deferred.push(add);
            else this.#upsert(add);
          } else {
            const existing = this.#state.get(write_.add.pk, write_.add.sk);
            this.#check(existing, write_.condition, write_.add);
            const live = existing !== undefined && !this.#expired(existing);
            const counts: Record<string, number> = live && existing.counts ? JSON.parse(existing.counts) : {};
            for (const [name, n] of Object.entries(write_.counts)) counts[name] = (counts[name] ?? 0) + n;
            write(existing, {
              pk: write_.add.pk,
              sk: write_.add.sk,
              data: json[i]!,
              version: (existing?.version ?? 0) + 1,
              gsi1pk: null,
              gsi1sk: null,
              gsi2pk: null,
              gsi2sk: null,
              gsi3pk: null,
              gsi3sk: null,
              expires_at: null,
              counts: JSON.stringify(counts),
            });
          }
        });
      },
    );
    this.#transactEachTx = db.transaction((run: () => boolean[]) => run());
  }

  async get<T = unknown>(key: RecordKey): Promise<StoredRecord<T> | undefined> {
    validateRecordKey(key);
    const row = sqlite("get record", () => this.#select.get(key.pk, key.sk));
    return row && !this.#expired(row) ? toRecord<T>(row) : undefined;
  }

  async put<T = unknown>(record: NewRecord<T>, condition?: WriteCondition): Promise<StoredRecord<T>> {
    const data = validateNewRecord(record);
    validateCondition(condition);
    // IMMEDIATE takes the write lock before the read, so check-then-write is atomic across processes.
    const row = sqlite("put record", () => this.#putTx.immediate(record, condition, data));
    return toRecord<T>(row);
  }

  async delete(key: RecordKey, condition?: WriteCondition): Promise<void> {
    validateRecordKey(key);
    validateCondition(condition);
    sqlite("delete record", () => this.#deleteTx.immediate(key, condition));
  }

  async transact(writes: readonly TransactionWrite[]): Promise<void> {
    const json = validateTransaction(writes);
    sqlite("transact records", () => this.#transactTx.immediate(writes, json));
  }

  /**
   * One write lock and one commit for all; each transaction is a savepoint, undone alone when its
   * condition fails. Writes that need no read (counter adds and plain puts without a condition,
   * WaitingWrite) wait until the end, adds summed per counter (one statement for a site counter
   * that several transactions move, instead of one each), then go in key order: what commits is
   * the same, since nothing reads in between and no other writer can. A later write of another
   * kind to such a record (a conditioned put or add, a delete) applies its waiting write first,
   * outside that transaction's savepoint, so it finds the record as the earlier transactions left
   * it; a transaction that fails drops its own waiting writes with the rest.
   */
  async transactEach(transactions: readonly (readonly TransactionWrite[])[]): Promise<boolean[]> {
    if (!Array.isArray(transactions))
      throw new StorageRequestError("transactEach takes a list of transactions");
    // Each transaction is validated (and its records serialised) just before it is written, so
    // only one transaction's JSON is held at a time; an invalid one throws, which rolls back the
    // whole SQLite transaction: nothing of the call is stored, as when validated up front.
    return sqlite("transact records", () =>
      this.#transactEachTx.immediate(() => {
        const waiting = new Map<string, Map<string, WaitingWrite>>();
        const apply = (key: RecordKey) => {
          const inPartition = waiting.get(key.pk);
          const write = inPartition?.get(key.sk);
          if (!write) return;
          inPartition!.delete(key.sk);
          this.#upsert(write);
        };
        const committed = transactions.map((writes) => {
          const json = validateTransaction(writes, EMBEDDED_TRANSACT_EACH_WRITES);
          for (const w of writes) {
            if (!canWait(w)) apply("put" in w ? w.put : "delete" in w ? w.delete : w.add);
          }
          const deferred: WaitingWrite[] = [];
          try {
            this.#transactTx(writes, json, deferred);
          } catch (error) {
            if (error instanceof ConditionFailedError) return false;
            throw error;
          }
          for (const write of deferred) {
            let inPartition = waiting.get(write.key.pk);
            if (!inPartition) {
              inPartition = new Map();
              waiting.set(write.key.pk, inPartition);
            }
            const prior = inPartition.get(write.key.sk);
            if (prior?.kind === "add" && write.kind === "add") {
              const counts: Record<string, number> = { ...prior.counts };
              for (const name in write.counts) counts[name] = (counts[name] ?? 0) + write.counts[name]!;
              inPartition.set(write.key.sk, { ...write, counts, adds: prior.adds + write.adds });
            } else {
              if (prior) this.#upsert(prior); // a put after an add or the reverse: in order
              inPartition.set(write.key.sk, write);
            }
          }
          return true;
        });
        // In key order: neighbouring rows share pages.
        for (const pk of [...waiting.keys()].sort()) {
          const inPartition = waiting.get(pk)!;
          for (const sk of [...inPartition.keys()].sort()) this.#upsert(inPartition.get(sk)!);
        }
        return committed;
      }),
    );
  }

  async query<T = unknown>(partition: string, options: QueryOptions = {}): Promise<RecordPage<T>> {
    validateQueryOptions(partition, options);
    const onIndex = options.index !== undefined;
    const indexName = options.index ?? "main";
    const [pkCol, skCol] = onIndex ? [`${indexName}pk`, `${indexName}sk`] : ["pk", "sk"];
    // The index order is (gsiNsk, pk, sk): pk/sk break ties so cursors are exact.
    const orderCols = onIndex ? [skCol, "pk", "sk"] : ["sk"];
    const dir = options.descending ? "DESC" : "ASC";
    const where = [`${pkCol} = ?`, "(expires_at IS NULL OR expires_at > ?)"];
    const params: (string | number)[] = [partition, this.#nowSeconds()];

    if (options.prefix) {
      where.push(`${skCol} >= ?`);
      params.push(options.prefix);
      const upper = prefixUpperBound(options.prefix);
      if (upper !== undefined) {
        where.push(`${skCol} < ?`);
        params.push(upper);
      }
    }
    if (options.until !== undefined) {
      where.push(`${skCol} <= ?`);
      params.push(options.until);
    }
    if (options.cursor !== undefined) {
      const { key } = decodeCursor(options.cursor, { index: indexName, partition });
      const values = orderCols.map((c) => key[c]);
      if (values.some((v) => v === undefined)) {
        throw new StorageRequestError("query cursor lacks the sort key of this index");
      }
      where.push(
        `(${orderCols.join(", ")}) ${options.descending ? "<" : ">"} (${orderCols.map(() => "?").join(", ")})`,
      );
      params.push(...(values as string[]));
    }
    let sql = `SELECT ${QUERY_COLUMNS} FROM records WHERE ${where.join(" AND ")} ORDER BY ${orderCols.map((c) => `${c} ${dir}`).join(", ")}`;
    if (options.limit !== undefined) {
      // One extra row tells whether another page exists.
      sql += " LIMIT ?";
      params.push(options.limit + 1);
    }
    const rows = sqlite("query records", () => this.#statement(sql).all(...params));
    const hasMore = options.limit !== undefined && rows.length > options.limit;
    const count = hasMore ? options.limit! : rows.length;
    const items: StoredRecord<T>[] = new Array(count);
    for (let i = 0; i < count; i++) items[i] = fromQueryRow<T>(rows[i]!);
    const last = items.at(-1);
    if (!hasMore || last === undefined) return { items };
    const key: Record<string, string> = { pk: last.pk, sk: last.sk };
    const indexSk = options.index ? last.index?.[`${options.index}sk`] : undefined;
    if (indexSk !== undefined) key[`${options.index}sk`] = indexSk;
    return { items, cursor: encodeCursor({ index: indexName, partition, key }) };
  }

  /**
   * A WaitingWrite in one statement, with no read before it. An add inserts the counter with the
   * counts given, or adds them to its counts in SQL (json_set over the stored JSON), increments
   * its version and replaces its label; the same outcome as the conditioned path: counts of an
   * expired record start again from zero, and an add leaves the record without index keys or
   * expiry. A put inserts the record or replaces it (its counts and index keys dropped), as putOne.
   */
  #upsert(write: WaitingWrite): void {
    const { key, data, adds } = write;
    if (write.kind === "put") {
      this.#putUpsert.run({ pk: key.pk, sk: key.sk, data, adds, expires_at: write.expiresAt });
      return;
    }
    const { counts } = write;
    const names = Object.keys(counts).sort();
    const signature = names.join(",");
    let statement = this.#adds.get(signature);
    if (!statement) {
      // Names are checked by validateTransaction (COUNT_NAME: [a-z][a-z0-9_]*), so they can be JSON paths.
      const live = "(counts IS NOT NULL AND (expires_at IS NULL OR expires_at > @now))";
      const base = `CASE WHEN ${live} THEN counts ELSE '{}' END`;
      const merged =
        names.length === 0
          ? base
          : `json_set(${base}, ${names
              .map(
                (name, j) =>
                  `'$.${name}', coalesce(CASE WHEN ${live} THEN json_extract(counts, '$.${name}') END, 0) + CAST(@c${j} AS INTEGER)`,
              )
              .join(", ")})`;
      statement = this.#db.prepare(`
        INSERT INTO records (pk, sk, data, version, counts) VALUES (@pk, @sk, @data, @adds, @counts)
        ON CONFLICT (pk, sk) DO UPDATE SET data = excluded.data, version = version + @adds, counts = ${merged},
          gsi1pk = NULL, gsi1sk = NULL, gsi2pk = NULL, gsi2sk = NULL, gsi3pk = NULL, gsi3sk = NULL, expires_at = NULL`);
      // Count names are few (the reposts figures); a caller adding many others still gets a bounded cache.
      if (this.#adds.size < 256) this.#adds.set(signature, statement);
    }
    const values: Record<string, unknown> = {
      pk: key.pk,
      sk: key.sk,
      data,
      adds,
      now: this.#nowSeconds(),
      counts: JSON.stringify(counts),
    };
    names.forEach((name, j) => {
      values[`c${j}`] = counts[name];
    });
    statement.run(values);
  }

  /** DynamoDB TTL deletes expired items eventually; this does the same on demand (e.g. at start-up). */
  purgeExpired(): number {
    return sqlite(
      "purge expired records",
      () => this.#db.prepare("DELETE FROM records WHERE expires_at <= ?").run(this.#nowSeconds()).changes,
    );
  }

  /**
   * Query shapes are few (index × prefix × cursor × limit × direction), so their statements are
   * kept. They return rows as arrays (QUERY_COLUMNS' order): a report reads 10,000 counter rows,
   * and arrays are built in about half the time of objects with named columns.
   */
  #statement(sql: string): Database.Statement<unknown[], QueryRow> {
    let statement = this.#queries.get(sql);
    if (!statement) {
      statement = this.#db.prepare<unknown[], QueryRow>(sql).raw(true) as unknown as Database.Statement<
        unknown[],
        QueryRow
      >;
      this.#queries.set(sql, statement);
    }
    return statement;
  }

  #nowSeconds(): number {
    return this.#clock.now().getTime() / 1000;
  }

  #expired(row: { expires_at: number | null }): boolean {
    return row.expires_at !== null && row.expires_at <= this.#nowSeconds();
  }

  #check(existing: RowState | undefined, condition: WriteCondition | undefined, key: RecordKey): void {
    if (!condition) return;
    const live = existing !== undefined && !this.#expired(existing);
    if (condition.kind === "absent" && live) {
      throw new ConditionFailedError(`record ${key.pk}/${key.sk} already exists`);
    }
    if (condition.kind === "version" && (!live || existing.version !== condition.version)) {
      throw new ConditionFailedError(
        `record ${key.pk}/${key.sk} is at version ${live ? existing.version : "absent"}, expected ${condition.version}`,
      );
    }
  }
}

/** A query's columns, in the order of QueryRow. */
const QUERY_COLUMNS = RECORD_COLUMNS;
type QueryRow = [
  pk: string,
  sk: string,
  data: string,
  version: number,
  gsi1pk: string | null,
  gsi1sk: string | null,
  gsi2pk: string | null,
  gsi2sk: string | null,
  gsi3pk: string | null,
  gsi3sk: string | null,
  expires_at: number | null,
  counts: string | null,
];

function fromQueryRow<T>(row: QueryRow): StoredRecord<T> {
  const [pk, sk, data, version, gsi1pk, gsi1sk, gsi2pk, gsi2sk, gsi3pk, gsi3sk, expiresAt, counts] = row;
  const sparse = { gsi2pk, gsi2sk, gsi3pk, gsi3sk };
  return {
    pk,
    sk,
    data: JSON.parse(data) as T,
    version,
    index:
      gsi1pk !== null && gsi1sk !== null ? withSparseKeys({ gsi1pk, gsi1sk }, (c) => sparse[c]) : undefined,
    expiresAt: expiresAt ?? undefined,
    ...(counts !== null ? { counts: JSON.parse(counts) as Record<string, number> } : {}),
  };
}

function toRecord<T>(row: RecordRow): StoredRecord<T> {
  const { pk, sk, data, version, gsi1pk, gsi1sk, gsi2pk, gsi2sk, gsi3pk, gsi3sk, expires_at, counts } = row;
  return fromQueryRow([
    pk,
    sk,
    data,
    version,
    gsi1pk,
    gsi1sk,
    gsi2pk,
    gsi2sk,
    gsi3pk,
    gsi3sk,
    expires_at,
    counts,
  ]);
}

import { hash, randomBytes } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { crc32 } from "node:zlib";

/**
 * dynalite (4.0.0) has no TransactWriteItems. This module starts dynalite and serves
 * TransactWriteItems inside dynalite's own process and store, as DynamoDB applies it: one request,
 * all or nothing.
 *
 * How: dynalite's `index.js` calls `require('./db').create()` when `dynalite()` is called, so
 * wrapping that export for the call hands us the store its actions use. A transaction then
 *  1. validates every item with dynalite's own validations (`validations/<action>.js`: types, then
 *     `custom()`, which parses the expressions) and its key against the table — a malformed item
 *     fails the whole request (ValidationException), as do two operations on one item;
 *  2. takes the item lock of every item (the `lock` dynalite's PutItem/UpdateItem/DeleteItem take),
 *     all tables' keys in one order, so single-item writes and other transactions on those items
 *     wait and nothing changes them until it is done;
 *  3. runs dynalite's own action for each item (actions/putItem|updateItem|deleteItem.js; a
 *     ConditionCheck as a DeleteItem whose writes are dropped) against a staging view of the
 *     store: it reads the item as stored, evaluates the condition and computes the new item and
 *     its index entries (db.updateIndexes) exactly as dynalite does, but its writes are recorded,
 *     not made;
 *  4. if any item's condition failed or its update could not be applied, answers
 *     TransactionCanceledException with one CancellationReasons entry per item
 *     (`ConditionalCheckFailed`, with the item when ReturnValuesOnConditionCheckFailure is
 *     ALL_OLD; `ValidationError`; `None`) and writes nothing; otherwise writes every recorded
 *     item and index entry in ONE batch of dynalite's database (atomic: a reader sees all of the
 *     transaction or none of it), then releases the locks.
 *
 * Differences from DynamoDB, all on the side of doing less: a transaction that meets another on
 * the same items waits for it (DynamoDB may instead cancel one with `TransactionConflict`, which
 * callers must handle anyway); the 4 MB aggregate size limit is not checked; no ConsumedCapacity
 * or ItemCollectionMetrics is returned. `ClientRequestToken` (which the SDK sends with every call)
 * is honoured for 10 minutes as DynamoDB does: the same request again answers success without
 * applying it twice, another request under the same token IdempotentParameterMismatchException,
 * one still running TransactionInProgressException.
 */
const require = createRequire(import.meta.url);

/** What dynalite's sub-databases (db/index.js createPrefixedDbWrapper) offer. */
interface SubDb {
  get(key: string, cb: (err: Error | null, value?: Item) => void): void;
  put(key: string, value: Item, cb: (err: Error | null) => void): void;
  del(key: string, cb: (err: Error | null) => void): void;
  batch(ops: readonly BatchOp[], cb: (err: Error | null) => void): void;
}

interface ItemDb extends SubDb {
  lock(keys: string[], exec: (release: (done: () => void) => () => void) => void): void;
}

interface BatchOp {
  readonly type: "put" | "del";
  readonly key: string;
  readonly value?: Item;
}

interface Table {
  readonly TableName: string;
}

interface Store {
  readonly options: Record<string, unknown>;
  readonly db: { batch: (ops: readonly BatchOp[], cb: (err: Error | null) => void) => void };
  getTable(name: string, cb: (err: DynaliteError | null, table?: Table) => void): void;
  getItemDb(name: string): ItemDb;
  getIndexDb(indexType: string, tableName: string, indexName: string): SubDb;
}

/** An error dynalite answers with: an HTTP status and DynamoDB's JSON body. */
interface DynaliteError extends Error {
  statusCode?: number;
  body?: { __type: string; message?: string; Message?: string };
}

type Item = Record<string, unknown>;
type Callback = (err: DynaliteError | null, result?: unknown) => void;
type Action = (store: unknown, data: Item, cb: Callback) => void;

interface Validation {
  readonly types: Record<string, unknown>;
  readonly custom: (data: Item, store: Store) => string | undefined;
}

const dynalite = require("dynalite") as (options?: Record<string, unknown>) => Server;
const dynaliteDb = require("dynalite/db") as {
  create: (options: Record<string, unknown>) => Store;
  validateItem(item: Item, table: Table): DynaliteError | null | undefined;
  validateKey(key: Item, table: Table): DynaliteError | null | undefined;
  createKey(item: Item, table: Table): string;
  validationError(message: string): DynaliteError;
};
const validations = require("dynalite/validations") as {
  checkTypes(data: Item, types: Record<string, unknown>): Item;
  checkValidations(
    data: Item,
    types: Record<string, unknown>,
    custom: Validation["custom"],
    store: Store,
  ): void;
};

type Operation = "Put" | "Update" | "Delete" | "ConditionCheck";
const OPERATIONS: Record<Operation, { action: Action; validation: Validation }> = {
  Put: { action: require("dynalite/actions/putItem"), validation: require("dynalite/validations/putItem") },
  Update: {
    action: require("dynalite/actions/updateItem"),
    validation: require("dynalite/validations/updateItem"),
  },
  Delete: {
    action: require("dynalite/actions/deleteItem"),
    validation: require("dynalite/validations/deleteItem"),
  },
  // A condition on an item, no write: validated and evaluated as a DeleteItem whose writes are dropped.
  ConditionCheck: {
    action: require("dynalite/actions/deleteItem"),
    validation: require("dynalite/validations/deleteItem"),
  },
};

const TRANSACT_TARGET = "DynamoDB_20120810.TransactWriteItems";
const MAX_ITEMS = 100;

/** What dynalite has been asked, for benchmarks: every request, and the transactions among them. */
export interface DynaliteStats {
  /** Requests dynalite answered, each transaction one. */
  requests: number;
  transactions: number;
  /** Items of the transactions that were applied (their writes; ConditionChecks not counted). */
  transactionWrites: number;
}

export interface DynaliteWithTransactions {
  readonly server: Server;
  readonly stats: DynaliteStats;
}

/**
 * dynalite, with TransactWriteItems served in its process (see above). Call `server.listen`.
 * `stats` is where it counts (a fresh object unless given: emulator-thread.ts gives one kept in
 * memory shared with the thread that started it).
 */
export function dynaliteWithTransactions(
  options: Record<string, unknown> = {},
  stats: DynaliteStats = { requests: 0, transactions: 0, transactionWrites: 0 },
): DynaliteWithTransactions {
  let captured: Store | undefined;
  const create = dynaliteDb.create;
  dynaliteDb.create = (o) => {
    captured = create(o);
    return captured;
  };
  let server: Server;
  try {
    server = dynalite(options);
  } finally {
    dynaliteDb.create = create;
  }
  if (!captured) throw new Error("dynalite did not create its store through db.create (not dynalite 4?)");
  const store = captured;
  const tokens = new Map<string, Claim>();
  const [handler] = server.listeners("request") as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (!handler) throw new Error("dynalite's server has no request handler");
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    stats.requests += 1;
    if (req.method !== "POST" || req.headers["x-amz-target"] !== TRANSACT_TARGET) return handler(req, res);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      transactWriteItems(store, Buffer.concat(chunks).toString(), stats, tokens).then(
        ({ status, body }) => send(res, status, body),
        (error: unknown) =>
          send(res, 500, {
            __type: "com.amazonaws.dynamodb.v20120810#InternalServerError",
            message: String(error),
          }),
      );
    });
  });
  return { server, stats };
}

function send(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    "content-type": "application/x-amz-json-1.0",
    "content-length": Buffer.byteLength(body),
    "x-amzn-RequestId": randomBytes(39).toString("base64").toUpperCase().replace(/\+|\//g, "0"),
    "x-amz-crc32": String(crc32(body)),
  });
  res.end(body);
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

const validationException = (message: string): Answer => ({
  status: 400,
  body: { __type: "com.amazon.coral.validate#ValidationException", message },
});

const answerOf = (error: DynaliteError): Answer => {
  if (!error.statusCode || !error.body) throw error;
  return { status: error.statusCode, body: error.body };
};

/** One item of a transaction, validated: its table, its key as dynalite stores it, its request. */
interface Entry {
  readonly operation: Operation;
  readonly data: Item;
  readonly table: Table;
  readonly key: string;
  readonly returnOld: boolean;
}

type Reason =
  | { readonly Code: "None" }
  | {
      readonly Code: "ConditionalCheckFailed" | "ValidationError";
      readonly Message: string;
      readonly Item?: Item;
    };

interface Staged {
  readonly reason: Reason;
  readonly writes: readonly { readonly db: SubDb; readonly op: BatchOp }[];
}

/** A client request token seen in the last 10 minutes: the request's other parameters, and its state. */
interface Claim {
  /** SHA-256 of the request's other parameters. */
  readonly params: string;
  state: "running" | "applied";
  at: number;
}
const TOKEN_MS = 10 * 60_000;

async function transactWriteItems(
  store: Store,
  text: string,
  stats: DynaliteStats,
  tokens: Map<string, Claim>,
): Promise<Answer> {
  let request: { TransactItems?: unknown; ClientRequestToken?: unknown };
  try {
    request = JSON.parse(text) as typeof request;
  } catch {
    return { status: 400, body: { __type: "com.amazon.coral.service#SerializationException" } };
  }
  const items = request.TransactItems;
  if (!Array.isArray(items))
    return validationException(
      "1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null",
    );
  if (items.length < 1 || items.length > MAX_ITEMS)
    return validationException(
      `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length ${items.length < 1 ? "greater than or equal to 1" : `less than or equal to ${MAX_ITEMS}`}`,
    );
  // Idempotency (the SDK sends a token with every call): within 10 minutes a token that applied
  // a transaction answers success again without applying it; with other parameters, a mismatch.
  const token = request.ClientRequestToken;
  let claim: Claim | undefined;
  if (token !== undefined) {
    if (typeof token !== "string" || token.length < 1 || token.length > 36)
      return validationException(
        "1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: Member must have length between 1 and 36",
      );
    const now = Date.now();
    for (const [t, c] of tokens) {
      if (c.state === "running" || now - c.at < TOKEN_MS) break;
      tokens.delete(t);
    }
    // A digest, not the request (a bench's rebuild sends thousands of transactions in 10 minutes),
    // of the request's text as sent, which holds this token: the same request under it is the same
    // text (the SDK writes a request's JSON the same way each time), another request other text.
    // Not JSON.stringify of the parsed request again: 1.6 ms against 0.27 ms for 100 notices (130 KB).
    const params = hash("sha256", text, "base64");
    const known = tokens.get(token);
    if (known && (known.state === "running" || now - known.at < TOKEN_MS)) {
      if (known.params !== params)
        return {
          status: 400,
          body: {
            __type: "com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException",
            message: "The request uses the same client token as a previous, but non-identical request.",
          },
        };
      if (known.state === "running")
        return {
          status: 400,
          body: {
            __type: "com.amazonaws.dynamodb.v20120810#TransactionInProgressException",
            message: "The transaction with the given request token is already in progress.",
          },
        };
      return { status: 200, body: {} };
    }
    tokens.delete(token);
    claim = { params, state: "running", at: now };
    tokens.set(token, claim);
  }
  try {
    const answer = await apply(store, items, stats);
    if (claim && answer.status === 200) {
      claim.state = "applied";
      claim.at = Date.now();
    }
    return answer;
  } finally {
    // A transaction that did not apply leaves its token free: a retry is a new request.
    if (token !== undefined && claim?.state === "running") tokens.delete(token as string);
  }
}

async function apply(store: Store, items: unknown[], stats: DynaliteStats): Promise<Answer> {
  // 1. Every item validated, and its key, before anything is locked or read.
  const entries: Entry[] = [];
  const seen = new Set<string>();
  const described = new Map<string, Table | DynaliteError>();
  for (const [i, raw] of items.entries()) {
    const operations = raw && typeof raw === "object" ? Object.keys(raw as object) : [];
    const operation = operations[0] as Operation | undefined;
    if (operations.length !== 1 || !operation || !(operation in OPERATIONS))
      return validationException(
        `TransactItems[${i}] must hold exactly one of ConditionCheck, Put, Delete, Update`,
      );
    const input = (raw as Record<string, unknown>)[operation];
    if (!input || typeof input !== "object")
      return validationException(`TransactItems[${i}].${operation} must be an object`);
    const returnOld = (input as Item).ReturnValuesOnConditionCheckFailure === "ALL_OLD";
    if (operation === "ConditionCheck" && (input as Item).ConditionExpression == null)
      return validationException(
        `1 validation error detected: Value null at 'transactItems.${i + 1}.member.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null`,
      );
    const { validation } = OPERATIONS[operation];
    let data: Item;
    try {
      data = validations.checkTypes(input as Item, validation.types);
      validations.checkValidations(data, validation.types, validation.custom, store);
    } catch (error) {
      return answerOf(error as DynaliteError);
    }
    // The table's description, read once per table for the request (as one request reads it).
    const name = String(data.TableName);
    let table = described.get(name);
    if (!table) {
      table = await new Promise<Table | DynaliteError>((resolve) =>
        store.getTable(name, (err, t) => resolve(err ?? t!)),
      );
      described.set(name, table);
    }
    if (table instanceof Error) return answerOf(table);
    const keySource = operation === "Put" ? (data.Item as Item) : (data.Key as Item);
    const invalid =
      operation === "Put"
        ? dynaliteDb.validateItem(keySource, table)
        : dynaliteDb.validateKey(keySource, table);
    if (invalid) return answerOf(invalid);
    const key = dynaliteDb.createKey(keySource, table);
    const id = `${table.TableName}\u0000${key}`;
    if (seen.has(id))
      return validationException("Transaction request cannot include multiple operations on one item");
    seen.add(id);
    entries.push({ operation, data, table, key, returnOld });
  }

  // 2. Every item's lock, tables in name order (each table's keys taken together).
  const tables = [...new Set(entries.map((e) => e.table.TableName))].sort();
  const releases: (() => void)[] = [];
  try {
    for (const name of tables) {
      const keys = entries.filter((e) => e.table.TableName === name).map((e) => e.key);
      releases.push(
        await new Promise<() => void>((resolve) =>
          store.getItemDb(name).lock(keys, (release) => resolve(release(() => {}))),
        ),
      );
    }

    // 3. Each item's action on the stored item, its writes recorded, none made.
    const staged: Staged[] = [];
    for (const entry of entries) {
      const outcome = await stage(store, entry);
      if ("status" in outcome) return outcome;
      staged.push(outcome);
    }

    // 4. All or nothing.
    if (staged.some((s) => s.reason.Code !== "None")) {
      const reasons = staged.map((s) => s.reason);
      return {
        status: 400,
        body: {
          __type: "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
          message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(", ")}]`,
          CancellationReasons: reasons,
        },
      };
    }
    const ops = staged.flatMap((s) => s.writes.map((w) => prefixed(store, w.db, w.op)));
    await new Promise<void>((resolve, reject) =>
      store.db.batch(ops, (err) => (err ? reject(err) : resolve())),
    );
    stats.transactions += 1;
    stats.transactionWrites += entries.filter((e) => e.operation !== "ConditionCheck").length;
    return { status: 200, body: {} };
  } finally {
    for (const release of releases) release();
  }
}

/**
 * dynalite's action for one item, run against a view of the store whose reads are the store's
 * (the item is locked) and whose writes are recorded. An error before the item is read is the
 * request's (a key or update that does not fit the table); after, the item's cancellation reason.
 */
function stage(store: Store, entry: Entry): Promise<Staged | Answer> {
  const writes: { db: SubDb; op: BatchOp }[] = [];
  let read = false;
  let stored: Item | undefined;
  const recording = (db: SubDb) => ({
    put: (key: string, value: Item, cb: (err: null) => void) => {
      writes.push({ db, op: { type: "put", key, value } });
      cb(null);
    },
    del: (key: string, cb: (err: null) => void) => {
      writes.push({ db, op: { type: "del", key } });
      cb(null);
    },
  });
  const view = {
    options: store.options,
    getTable: (_name: string, cb: (err: null, table: Table) => void) => cb(null, entry.table),
    getItemDb: (name: string) => {
      const db = store.getItemDb(name);
      return {
        ...recording(db),
        lock: (_key: string, exec: (release: (done: Callback) => Callback) => void) => exec((done) => done),
        get: (key: string, cb: (err: Error | null, value?: Item) => void) => {
          read = true;
          db.get(key, (err, value) => {
            stored = value;
            cb(err, value);
          });
        },
      };
    },
    getIndexDb: (indexType: string, tableName: string, indexName: string) =>
      recording(store.getIndexDb(indexType, tableName, indexName)),
  };
  const { action } = OPERATIONS[entry.operation];
  return new Promise((resolve, reject) => {
    action(view, entry.data, (err) => {
      if (!err) {
        resolve({ reason: { Code: "None" }, writes: entry.operation === "ConditionCheck" ? [] : writes });
        return;
      }
      if (!err.statusCode || !err.body) return reject(err);
      if (!read) return resolve(answerOf(err));
      const type = err.body.__type.split("#").pop();
      const message = err.body.message ?? err.body.Message ?? "";
      if (type === "ConditionalCheckFailedException") {
        resolve({
          reason: {
            Code: "ConditionalCheckFailed",
            Message: message,
            ...(entry.returnOld && stored ? { Item: stored } : {}),
          },
          writes: [],
        });
      } else if (type === "ValidationException") {
        resolve({ reason: { Code: "ValidationError", Message: message }, writes: [] });
      } else reject(err);
    });
  });
}

/**
 * The operation as dynalite's main database stores it for this sub-database: the sub-database's
 * own batch is asked, with the main database's batch standing in to take its prefixed operations
 * (db/index.js: each sub-database prefixes its keys and hands the batch on synchronously).
 */
function prefixed(store: Store, db: SubDb, op: BatchOp): BatchOp {
  const main = store.db;
  const batch = main.batch;
  let taken: readonly BatchOp[] | undefined;
  main.batch = (ops) => {
    taken = ops;
  };
  try {
    db.batch([op], () => {});
  } finally {
    main.batch = batch;
  }
  if (taken?.length !== 1)
    throw new Error("dynalite's sub-database did not hand its batch to the main database");
  return taken[0]!;
}

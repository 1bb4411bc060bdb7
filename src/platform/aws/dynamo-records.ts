import {
  type AttributeValue,
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteItemCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type QueryCommandInput,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  type Update,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { decodeCursor, encodeCursor } from "../cursor.js";
import { ConditionFailedError, StorageRequestError } from "../errors.js";
import {
  type Clock,
  MAX_TRANSACTION_WRITES,
  type NewRecord,
  type QueryOptions,
  type RecordKey,
  type RecordPage,
  type RecordStore,
  SPARSE_INDEXES,
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
import { mapAwsError } from "./errors.js";

/** TransactWriteItems calls transactEach has in flight at once. */
const TRANSACT_EACH_CONCURRENCY = 8;

/** Attribute and index names shared with the CDK table definition. */
export const TABLE_SCHEMA = {
  partitionKey: "pk",
  sortKey: "sk",
  gsi1: { indexName: "gsi1", partitionKey: "gsi1pk", sortKey: "gsi1sk" },
  /** Sparse: only items with gsi2pk are in it (due work: reposts/due.ts; accepted documents: documents/accepted.ts). */
  gsi2: { indexName: "gsi2", partitionKey: "gsi2pk", sortKey: "gsi2sk" },
  /** Sparse: only items with gsi3pk are in it (overdue repost notices: reposts/counters.ts). */
  gsi3: { indexName: "gsi3", partitionKey: "gsi3pk", sortKey: "gsi3sk" },
  ttlAttribute: "expiresAt",
} as const;

/** The table as the CDK stack creates it (on-demand, pk/sk strings, GSIs "gsi1", "gsi2" and "gsi3" projecting all). */
export function recordsTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "S" },
      { AttributeName: "gsi1pk", AttributeType: "S" },
      { AttributeName: "gsi1sk", AttributeType: "S" },
      { AttributeName: "gsi2pk", AttributeType: "S" },
      { AttributeName: "gsi2sk", AttributeType: "S" },
      { AttributeName: "gsi3pk", AttributeType: "S" },
      { AttributeName: "gsi3sk", AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: "gsi1",
        KeySchema: [
          { AttributeName: "gsi1pk", KeyType: "HASH" },
          { AttributeName: "gsi1sk", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
      {
        IndexName: "gsi2",
        KeySchema: [
          { AttributeName: "gsi2pk", KeyType: "HASH" },
          { AttributeName: "gsi2sk", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
      {
        IndexName: "gsi3",
        KeySchema: [
          { AttributeName: "gsi3pk", KeyType: "HASH" },
          { AttributeName: "gsi3sk", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
    ],
  };
}

/**
 * Creates the table (for emulators and tests) unless it exists, waits until it is ACTIVE and
 * enables TTL on expiresAt where the service supports it (dynalite has no UpdateTimeToLive;
 * the adapters hide expired records on read either way).
 */
export async function createTableIfMissing(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(recordsTableDefinition(tableName)));
  } catch (error) {
    if (!(error instanceof Error && error.name === "ResourceInUseException"))
      throw mapAwsError(error, "create table");
  }
  for (let attempt = 0; ; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === "ACTIVE");
    if (Table?.TableStatus === "ACTIVE" && indexesActive) break;
    if (attempt > 600) throw new Error(`table ${tableName} did not become ACTIVE`);
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { Enabled: true, AttributeName: TABLE_SCHEMA.ttlAttribute },
      }),
    );
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    // UnknownOperation: emulator without TTL. Validation: TTL already enabled.
    if (name !== "UnknownOperationException" && name !== "ValidationException")
      throw mapAwsError(error, "enable TTL");
  }
}

/**
 * RecordStore on one DynamoDB table. `data` is stored as a JSON string: it round-trips any
 * JSON value exactly (empty strings, nested and empty arrays, number precision) and keeps the
 * item independent of DynamoDB's type mapping. Writes are single-item UpdateItem calls with a
 * ConditionExpression, so the version increments atomically on the server.
 */
export class DynamoRecordStore implements RecordStore {
  readonly transactEachLimit = MAX_TRANSACTION_WRITES;
  readonly #client: DynamoDBClient;
  readonly #table: string;
  readonly #clock: Clock;

  constructor(client: DynamoDBClient, tableName: string, clock: Clock) {
    this.#client = client;
    this.#table = tableName;
    this.#clock = clock;
  }

  async get<T = unknown>(key: RecordKey): Promise<StoredRecord<T> | undefined> {
    validateRecordKey(key);
    const result = await this.#send("get record", () =>
      this.#client.send(
        new GetItemCommand({
          TableName: this.#table,
          Key: { pk: { S: key.pk }, sk: { S: key.sk } },
          ConsistentRead: true,
        }),
      ),
    );
    const record = result.Item ? fromItem<T>(result.Item) : undefined;
    return record && !this.#expired(record) ? record : undefined;
  }

  async put<T = unknown>(record: NewRecord<T>, condition?: WriteCondition): Promise<StoredRecord<T>> {
    const data = validateNewRecord(record);
    validateCondition(condition);
    const update = this.#putUpdate(record, data, condition);
    const result = await this.#send(`put record ${record.pk}/${record.sk}`, () =>
      this.#client.send(new UpdateItemCommand({ ...update, ReturnValues: "ALL_NEW" })),
    );
    if (!result.Attributes) throw new StorageRequestError("UpdateItem returned no attributes");
    return fromItem<T>(result.Attributes);
  }

  /**
   * TransactWriteItems: a put is the same UpdateItem as `put` (so the version still counts), an
   * `add` a SET of its label and an ADD of each count (attributes `c_<name>`).
   */
  async transact(writes: readonly TransactionWrite[]): Promise<void> {
    const json = validateTransaction(writes);
    const items: TransactWriteItem[] = writes.map((write, i) => {
      if ("put" in write) return { Update: this.#putUpdate(write.put, json[i]!, write.condition) };
      if ("delete" in write) {
        const names: Record<string, string> = {};
        const values: Record<string, AttributeValue> = {};
        const conditionExpression = this.#condition(write.condition, names, values);
        return {
          Delete: {
            TableName: this.#table,
            Key: { pk: { S: write.delete.pk }, sk: { S: write.delete.sk } },
            ConditionExpression: conditionExpression,
            ExpressionAttributeNames: conditionExpression ? names : undefined,
            ExpressionAttributeValues: conditionExpression ? values : undefined,
          },
        };
      }
      const names: Record<string, string> = { "#data": "data", "#version": "version" };
      const values: Record<string, AttributeValue> = {
        ":data": { S: json[i]! },
        ":zero": { N: "0" },
        ":one": { N: "1" },
      };
      const adds = Object.entries(write.counts).map(([name, n], j) => {
        names[`#c${j}`] = `c_${name}`;
        values[`:c${j}`] = { N: String(n) };
        return `#c${j} :c${j}`;
      });
      const conditionExpression = this.#condition(write.condition, names, values);
      return {
        Update: {
          TableName: this.#table,
          Key: { pk: { S: write.add.pk }, sk: { S: write.add.sk } },
          UpdateExpression: `SET #data = :data, #version = if_not_exists(#version, :zero) + :one${adds.length ? ` ADD ${adds.join(", ")}` : ""}`,
          ConditionExpression: conditionExpression,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      };
    });
    const action = `transact ${writes.length} records`;
    try {
      await this.#client.send(new TransactWriteItemsCommand({ TransactItems: items }));
    } catch (error) {
      // A failed condition, or another transaction on the same items: the caller reads and retries.
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      if (
        error instanceof Error &&
        error.name === "TransactionCanceledException" &&
        reasons.some((r) => r.Code === "ConditionalCheckFailed" || r.Code === "TransactionConflict")
      ) {
        throw new ConditionFailedError(`${action}: ${error.message}`, { cause: error });
      }
      throw mapAwsError(error, action);
    }
  }

  async transactEach(transactions: readonly (readonly TransactionWrite[])[]): Promise<boolean[]> {
    for (const writes of transactions) validateTransaction(writes);
    // Waves: a transaction goes after every earlier one it shares a record with (order, and no
    // TransactionConflict between our own calls); a wave's transactions are sent at once.
    const lastWave = new Map<string, number>();
    const waves: number[][] = [];
    transactions.forEach((writes, i) => {
      const ids = writes.map((w) => {
        const key = "put" in w ? w.put : "delete" in w ? w.delete : w.add;
        return JSON.stringify([key.pk, key.sk]);
      });
      const wave = Math.max(-1, ...ids.map((id) => lastWave.get(id) ?? -1)) + 1;
      for (const id of ids) lastWave.set(id, wave);
      if (waves[wave]) waves[wave].push(i);
      else waves[wave] = [i];
    });
    const results: boolean[] = new Array(transactions.length).fill(false);
    for (const wave of waves) {
      for (let i = 0; i < wave.length; i += TRANSACT_EACH_CONCURRENCY) {
        await Promise.all(
          wave.slice(i, i + TRANSACT_EACH_CONCURRENCY).map(async (t) => {
            try {
              await this.transact(transactions[t]!);
              results[t] = true;
            } catch (error) {
              if (!(error instanceof ConditionFailedError)) throw error;
            }
          }),
        );
      }
    }
    return results;
  }

  #putUpdate(record: NewRecord, data: string, condition: WriteCondition | undefined): Update {
    const names: Record<string, string> = { "#data": "data", "#version": "version" };
    const values: Record<string, AttributeValue> = {
      ":data": { S: data },
      ":zero": { N: "0" },
      ":one": { N: "1" },
    };
    const set = ["#data = :data", "#version = if_not_exists(#version, :zero) + :one"];
    const remove: string[] = [];
    if (record.index) {
      set.push("gsi1pk = :gsi1pk", "gsi1sk = :gsi1sk");
      values[":gsi1pk"] = { S: record.index.gsi1pk };
      values[":gsi1sk"] = { S: record.index.gsi1sk };
    } else {
      remove.push("gsi1pk", "gsi1sk");
    }
    for (const name of SPARSE_INDEXES) {
      const pk = record.index?.[`${name}pk`];
      const sk = record.index?.[`${name}sk`];
      if (pk !== undefined && sk !== undefined) {
        set.push(`${name}pk = :${name}pk`, `${name}sk = :${name}sk`);
        values[`:${name}pk`] = { S: pk };
        values[`:${name}sk`] = { S: sk };
      } else {
        remove.push(`${name}pk`, `${name}sk`);
      }
    }
    names["#expiresAt"] = TABLE_SCHEMA.ttlAttribute;
    if (record.expiresAt !== undefined) {
      set.push("#expiresAt = :expiresAt");
      values[":expiresAt"] = { N: String(record.expiresAt) };
    } else {
      remove.push("#expiresAt");
    }
    const conditionExpression = this.#condition(condition, names, values);
    return {
      TableName: this.#table,
      Key: { pk: { S: record.pk }, sk: { S: record.sk } },
      UpdateExpression: `SET ${set.join(", ")}${remove.length ? ` REMOVE ${remove.join(", ")}` : ""}`,
      ConditionExpression: conditionExpression,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  async delete(key: RecordKey, condition?: WriteCondition): Promise<void> {
    validateRecordKey(key);
    validateCondition(condition);
    const names: Record<string, string> = {};
    const values: Record<string, AttributeValue> = {};
    const conditionExpression = this.#condition(condition, names, values);
    await this.#send(`delete record ${key.pk}/${key.sk}`, () =>
      this.#client.send(
        new DeleteItemCommand({
          TableName: this.#table,
          Key: { pk: { S: key.pk }, sk: { S: key.sk } },
          ConditionExpression: conditionExpression,
          ExpressionAttributeNames: conditionExpression ? names : undefined,
          ExpressionAttributeValues: conditionExpression ? values : undefined,
        }),
      ),
    );
  }

  async query<T = unknown>(partition: string, options: QueryOptions = {}): Promise<RecordPage<T>> {
    validateQueryOptions(partition, options);
    const onIndex = options.index !== undefined;
    const indexName = options.index ?? "main";
    const [pkAttr, skAttr] = options.index
      ? [TABLE_SCHEMA[options.index].partitionKey, TABLE_SCHEMA[options.index].sortKey]
      : ["pk", "sk"];
    const values: Record<string, AttributeValue> = {
      ":partition": { S: partition },
      ":now": { N: String(this.#nowSeconds()) },
    };
    let keyCondition = `${pkAttr} = :partition`;
    if (options.prefix) {
      // begins_with refuses an empty string, hence only with a prefix.
      keyCondition += ` AND begins_with(${skAttr}, :prefix)`;
      values[":prefix"] = { S: options.prefix };
    }
    if (options.until !== undefined) {
      keyCondition += ` AND ${skAttr} <= :until`;
      values[":until"] = { S: options.until };
    }
    const names: Record<string, string> = { "#expiresAt": TABLE_SCHEMA.ttlAttribute };
    let projection: string | undefined;
    if (options.countsOnly) {
      // The sort key, data and the counts asked for; not pk, version or index keys.
      names["#sk"] = "sk";
      names["#data"] = "data";
      const counts = options.countsOnly.map((name, i) => {
        names[`#c${i}`] = `c_${name}`;
        return `#c${i}`;
      });
      projection = ["#sk", "#data", ...counts].join(", ");
    }
    const base: QueryCommandInput = {
      TableName: this.#table,
      IndexName: options.index ? TABLE_SCHEMA[options.index].indexName : undefined,
      KeyConditionExpression: keyCondition,
      // TTL deletion lags (and the emulator has none), so expired items are filtered here.
      FilterExpression: "attribute_not_exists(#expiresAt) OR #expiresAt > :now",
      ProjectionExpression: projection,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: !options.descending,
      // GSIs cannot be read consistently; the main table can, and the pipeline reads its own writes.
      ConsistentRead: onIndex ? undefined : true,
    };
    let startKey: Record<string, AttributeValue> | undefined;
    if (options.cursor !== undefined) {
      const { key } = decodeCursor(options.cursor, { index: indexName, partition });
      startKey = Object.fromEntries(Object.entries(key).map(([k, v]) => [k, { S: v }]));
    }

    // DynamoDB applies Limit before the filter, so keep asking with the remaining count. Every
    // evaluated item is then either returned or expired, and the last evaluated key is an exact
    // cursor: nothing is skipped or repeated.
    const items: StoredRecord<T>[] = [];
    for (;;) {
      const remaining = options.limit === undefined ? undefined : options.limit - items.length;
      const page = await this.#send(`query ${partition}`, () =>
        this.#client.send(new QueryCommand({ ...base, Limit: remaining, ExclusiveStartKey: startKey })),
      );
      if (options.countsOnly)
        for (const item of page.Items ?? []) items.push(fromCountsItem<T>(item, partition));
      else for (const item of page.Items ?? []) items.push(fromItem<T>(item));
      startKey = page.LastEvaluatedKey;
      if (!startKey) return { items };
      if (options.limit !== undefined && items.length >= options.limit) {
        const key = Object.fromEntries(Object.entries(startKey).map(([k, v]) => [k, v.S ?? ""]));
        return { items, cursor: encodeCursor({ index: indexName, partition, key }) };
      }
    }
  }

  #nowSeconds(): number {
    return this.#clock.now().getTime() / 1000;
  }

  #expired(record: StoredRecord): boolean {
    return record.expiresAt !== undefined && record.expiresAt <= this.#nowSeconds();
  }

  /** Expired items count as absent, as in the embedded store. */
  #condition(
    condition: WriteCondition | undefined,
    names: Record<string, string>,
    values: Record<string, AttributeValue>,
  ): string | undefined {
    if (!condition) return undefined;
    names["#expiresAt"] = TABLE_SCHEMA.ttlAttribute;
    values[":now"] = { N: String(this.#nowSeconds()) };
    if (condition.kind === "absent") {
      names["#pk"] = "pk";
      return "attribute_not_exists(#pk) OR #expiresAt <= :now";
    }
    names["#version"] = "version";
    values[":expected"] = { N: String(condition.version) };
    return "#version = :expected AND (attribute_not_exists(#expiresAt) OR #expiresAt > :now)";
  }

  async #send<R>(action: string, call: () => Promise<R>): Promise<R> {
    try {
      return await call();
    } catch (error) {
      throw mapAwsError(error, action);
    }
  }
}

/** The counts of an item (attributes `c_<name>`), in one pass over its attributes. */
function countsOf(item: Record<string, AttributeValue>): Record<string, number> | undefined {
  let counts: Record<string, number> | undefined;
  for (const name in item) {
    // c_<name>: a count (99 "c", 95 "_").
    if (name.charCodeAt(0) !== 99 || name.charCodeAt(1) !== 95) continue;
    const n = item[name]?.N;
    if (n === undefined) continue;
    counts ??= {};
    counts[name.slice(2)] = Number(n);
  }
  return counts;
}

/** An item read with `countsOnly`: its sort key, data and counts (QueryOptions.countsOnly). */
function fromCountsItem<T>(item: Record<string, AttributeValue>, partition: string): StoredRecord<T> {
  const counts = countsOf(item);
  const record: { -readonly [K in keyof StoredRecord<T>]: StoredRecord<T>[K] } = {
    pk: partition,
    sk: item.sk?.S ?? "",
    data: JSON.parse(item.data?.S ?? "null") as T,
    version: Number.NaN,
  };
  if (counts) record.counts = counts;
  return record;
}

/** A stored item as a record (a report reads ~10,000 at a time). */
function fromItem<T>(item: Record<string, AttributeValue>): StoredRecord<T> {
  const gsi1pk = item.gsi1pk?.S;
  const gsi1sk = item.gsi1sk?.S;
  const expiresAt = item.expiresAt?.N;
  const counts = countsOf(item);
  const record: { -readonly [K in keyof StoredRecord<T>]: StoredRecord<T>[K] } = {
    pk: item.pk?.S ?? "",
    sk: item.sk?.S ?? "",
    data: JSON.parse(item.data?.S ?? "null") as T,
    version: Number(item.version?.N ?? "0"),
    index:
      gsi1pk !== undefined && gsi1sk !== undefined
        ? withSparseKeys({ gsi1pk, gsi1sk }, (name) => item[name]?.S)
        : undefined,
    expiresAt: expiresAt !== undefined ? Number(expiresAt) : undefined,
  };
  if (counts) record.counts = counts;
  return record;
}

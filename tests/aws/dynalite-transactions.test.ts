import type { AddressInfo } from "node:net";
import {
  type AttributeValue,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordsTableDefinition } from "../../src/platform/aws/dynamo-records.js";
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from "../support/aws-emulators.js";
import { type DynaliteWithTransactions, dynaliteWithTransactions } from "../support/dynalite-transactions.js";

/**
 * The TransactWriteItems dynalite is given by tests/support/dynalite-transactions.ts, as DynamoDB
 * answers it: all or nothing, cancellation reasons per item, the item locks shared with dynalite's
 * own writes, the indexes kept with the items, client request tokens honoured.
 */
const TABLE = "front-test";
let dynalite: DynaliteWithTransactions;
let client: DynamoDBClient;

beforeAll(async () => {
  dynalite = dynaliteWithTransactions({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => dynalite.server.listen(0, "127.0.0.1", resolve));
  client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(dynalite.server.address() as AddressInfo).port}`,
    region: EMULATOR_REGION,
    credentials: EMULATOR_CREDENTIALS,
    maxAttempts: 1,
  });
  await client.send(new CreateTableCommand(recordsTableDefinition(TABLE)));
});

afterAll(async () => {
  client.destroy();
  await new Promise<void>((resolve) => dynalite.server.close(() => resolve()));
});

const S = (s: string): AttributeValue => ({ S: s });
const key = (pk: string, sk: string) => ({ pk: S(pk), sk: S(sk) });

async function item(pk: string, sk: string) {
  return (await client.send(new GetItemCommand({ TableName: TABLE, Key: key(pk, sk), ConsistentRead: true })))
    .Item;
}

async function gsi1(partition: string) {
  const out = await client.send(
    new QueryCommand({
      TableName: TABLE,
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :p",
      ExpressionAttributeValues: { ":p": S(partition) },
    }),
  );
  return (out.Items ?? []).map((i) => i.sk?.S);
}

const put = (pk: string, sk: string, extra: Record<string, AttributeValue> = {}): TransactWriteItem => ({
  Put: { TableName: TABLE, Item: { ...key(pk, sk), ...extra } },
});

const add = (pk: string, sk: string, n = 1, condition?: string): TransactWriteItem => ({
  Update: {
    TableName: TABLE,
    Key: key(pk, sk),
    UpdateExpression: "ADD #n :n",
    ExpressionAttributeNames: { "#n": "n" },
    ExpressionAttributeValues: { ":n": { N: String(n) }, ...(condition ? { ":v": { N: "0" } } : {}) },
    ...(condition ? { ConditionExpression: condition } : {}),
  },
});

async function cancelled(items: TransactWriteItem[]): Promise<TransactionCanceledException> {
  const error = await client.send(new TransactWriteItemsCommand({ TransactItems: items })).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect((error as Error | undefined)?.name).toBe("TransactionCanceledException");
  return error as TransactionCanceledException;
}

async function refused(items: TransactWriteItem[], name: string, message: RegExp): Promise<void> {
  const error = await client.send(new TransactWriteItemsCommand({ TransactItems: items })).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error?.name).toBe(name);
  expect(error?.message).toMatch(message);
}

describe("TransactWriteItems on dynalite (tests/support/dynalite-transactions.ts)", () => {
  it("applies puts, updates, deletes and condition checks together, and keeps the GSIs with the items", async () => {
    await client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { ...key("A", "gone"), gsi1pk: S("LIST"), gsi1sk: S("3") },
      }),
    );
    await client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { ...key("A", "moved"), gsi1pk: S("LIST"), gsi1sk: S("2") },
      }),
    );
    expect(await gsi1("LIST")).toEqual(["moved", "gone"]);
    const before = dynalite.stats.requests;
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          put("A", "new", { gsi1pk: S("LIST"), gsi1sk: S("1") }),
          {
            Update: {
              TableName: TABLE,
              Key: key("A", "moved"),
              UpdateExpression: "SET gsi1pk = :p, gsi1sk = :s ADD n :one",
              ExpressionAttributeValues: { ":p": S("OTHER"), ":s": S("9"), ":one": { N: "1" } },
            },
          },
          {
            Delete: { TableName: TABLE, Key: key("A", "gone"), ConditionExpression: "attribute_exists(pk)" },
          },
          {
            ConditionCheck: {
              TableName: TABLE,
              Key: key("A", "absent"),
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
        ],
      }),
    );
    expect(dynalite.stats.requests - before).toBe(1);
    expect(await item("A", "new")).toEqual({ ...key("A", "new"), gsi1pk: S("LIST"), gsi1sk: S("1") });
    expect((await item("A", "moved"))?.n).toEqual({ N: "1" });
    expect(await item("A", "gone")).toBeUndefined();
    expect(await item("A", "absent")).toBeUndefined();
    expect(await gsi1("LIST")).toEqual(["new"]);
    expect(await gsi1("OTHER")).toEqual(["moved"]);
  });

  it("writes nothing when one condition fails, and gives a reason per item (the old item on ALL_OLD)", async () => {
    await client.send(new PutItemCommand({ TableName: TABLE, Item: { ...key("B", "held"), v: { N: "7" } } }));
    const error = await cancelled([
      put("B", "one", { gsi1pk: S("B-LIST"), gsi1sk: S("1") }),
      add("B", "count", 5),
      {
        Update: {
          TableName: TABLE,
          Key: key("B", "held"),
          UpdateExpression: "SET v = :w",
          ConditionExpression: "v = :v",
          ExpressionAttributeValues: { ":v": { N: "6" }, ":w": { N: "8" } },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        },
      },
      {
        Delete: { TableName: TABLE, Key: key("B", "held-too"), ConditionExpression: "attribute_exists(pk)" },
      },
    ]);
    expect(error.CancellationReasons).toEqual([
      { Code: "None" },
      { Code: "None" },
      {
        Code: "ConditionalCheckFailed",
        Message: "The conditional request failed",
        Item: { ...key("B", "held"), v: { N: "7" } },
      },
      { Code: "ConditionalCheckFailed", Message: "The conditional request failed" },
    ]);
    expect(error.message).toContain("[None, None, ConditionalCheckFailed, ConditionalCheckFailed]");
    expect(await item("B", "one")).toBeUndefined();
    expect(await item("B", "count")).toBeUndefined();
    expect(await item("B", "held")).toEqual({ ...key("B", "held"), v: { N: "7" } });
    expect(await gsi1("B-LIST")).toEqual([]);
  });

  it("writes nothing when an update cannot be applied to the stored item (ValidationError)", async () => {
    await client.send(
      new PutItemCommand({ TableName: TABLE, Item: { ...key("C", "text"), n: S("not a number") } }),
    );
    const error = await cancelled([put("C", "one"), add("C", "text")]);
    expect(error.CancellationReasons?.map((r) => r.Code)).toEqual(["None", "ValidationError"]);
    expect(error.CancellationReasons?.[1]?.Message).toMatch(/incorrect data type/);
    expect(await item("C", "one")).toBeUndefined();
  });

  it("refuses a malformed transaction as a whole, as DynamoDB does", async () => {
    await refused([put("D", "x"), add("D", "x")], "ValidationException", /multiple operations on one item/);
    await refused(
      [put("D", "y"), { Put: { TableName: TABLE, Item: { pk: S("D") } } }],
      "ValidationException",
      /key/i,
    );
    await refused(
      [{ ConditionCheck: { TableName: TABLE, Key: key("D", "z"), ConditionExpression: undefined as never } }],
      "ValidationException",
      /conditionExpression/,
    );
    await refused(
      [put("D", "w"), { Put: { TableName: "no-such-table", Item: key("D", "w") } }],
      "ResourceNotFoundException",
      /not found/,
    );
    await refused(
      [
        put("D", "v"),
        {
          Update: {
            TableName: TABLE,
            Key: key("D", "u"),
            UpdateExpression: "SET #a = :a",
            ExpressionAttributeValues: { ":a": S("a") },
          },
        },
      ],
      "ValidationException",
      /#a/,
    );
    await refused(
      Array.from({ length: 101 }, (_, i) => put("D", `many${i}`)),
      "ValidationException",
      /less than or equal to 100/,
    );
    for (const sk of ["x", "y", "v", "w", "many0"]) expect(await item("D", sk)).toBeUndefined();
  });

  it("serialises transactions on the same items: no lost update, one winner per condition", async () => {
    // 40 transactions at once, each adding 1 to two counters, beside 20 single UpdateItems on one.
    await Promise.all([
      ...Array.from({ length: 40 }, () =>
        client.send(new TransactWriteItemsCommand({ TransactItems: [add("E", "a"), add("E", "b")] })),
      ),
      ...Array.from({ length: 20 }, () =>
        client.send(
          new UpdateItemCommand({
            TableName: TABLE,
            Key: key("E", "a"),
            UpdateExpression: "ADD n :one",
            ExpressionAttributeValues: { ":one": { N: "1" } },
          }),
        ),
      ),
    ]);
    expect((await item("E", "a"))?.n).toEqual({ N: "60" });
    expect((await item("E", "b"))?.n).toEqual({ N: "40" });

    // 10 transactions at once, each creating the same item only if it is absent: one applies.
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        client
          .send(
            new TransactWriteItemsCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: TABLE,
                    Item: { ...key("E", "once"), by: { N: String(i) } },
                    ConditionExpression: "attribute_not_exists(pk)",
                  },
                },
                put("E", `mark${i}`),
              ],
            }),
          )
          .then(
            () => "applied",
            (e: Error) => e.name,
          ),
      ),
    );
    expect(outcomes.filter((o) => o === "applied")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "TransactionCanceledException")).toHaveLength(9);
    const winner = Number((await item("E", "once"))?.by?.N);
    for (let i = 0; i < 10; i++)
      expect(await item("E", `mark${i}`)).toEqual(i === winner ? key("E", `mark${i}`) : undefined);
  });

  it("applies a request once per client token, and refuses the token for another request", async () => {
    const token = "token-0001";
    const send = (items: TransactWriteItem[]) =>
      client.send(new TransactWriteItemsCommand({ TransactItems: items, ClientRequestToken: token }));
    await send([add("F", "count")]);
    await send([add("F", "count")]);
    expect((await item("F", "count"))?.n).toEqual({ N: "1" });
    const error = await send([add("F", "count", 2)]).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).toBe("IdempotentParameterMismatchException");
    expect((await item("F", "count"))?.n).toEqual({ N: "1" });
  });
});

import { createServer, type IncomingHttpHeaders, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * dynalite has no TransactWriteItems. This front serves it over dynalite's own operations: it runs
 * every request one at a time, so a transaction's writes are applied one by one with nothing else
 * in between, each under its own condition (dynalite evaluates it), and the ones already applied
 * are restored from their prior images when a later one fails. Callers see DynamoDB's answer:
 * `TransactionCanceledException` with one `CancellationReasons` entry per item.
 * ConditionCheck items are refused (the adapters write none).
 */
const TARGET_PREFIX = "DynamoDB_20120810.";

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

type Item = Record<string, unknown>;

/** What the front has asked of dynalite: one call per request, one per write of a transaction. */
export interface FrontStats {
  dynaliteCalls: number;
}

export async function startTransactionFront(
  dynalite: Server,
  stats: FrontStats = { dynaliteCalls: 0 },
): Promise<Server> {
  const inner = dynalite.address() as AddressInfo;
  const keySchemas = new Map<string, string[]>();
  let queue: Promise<void> = Promise.resolve();

  const call = (target: string, headers: IncomingHttpHeaders, body: string) =>
    new Promise<Answer>((resolve, reject) => {
      stats.dynaliteCalls += 1;
      const forwarded: IncomingHttpHeaders = { ...headers, "x-amz-target": `${TARGET_PREFIX}${target}` };
      delete forwarded.host;
      forwarded["content-length"] = String(Buffer.byteLength(body));
      const req = request(
        { host: inner.address, port: inner.port, method: "POST", path: "/", headers: forwarded },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 500,
              headers: res.headers,
              body: Buffer.concat(chunks).toString(),
            }),
          );
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });

  const errorType = (answer: Answer) => {
    try {
      return (
        String((JSON.parse(answer.body) as { __type?: string }).__type ?? "")
          .split("#")
          .pop() ?? ""
      );
    } catch {
      return "";
    }
  };

  async function keyOf(table: string, item: Item, headers: IncomingHttpHeaders): Promise<Item> {
    let names = keySchemas.get(table);
    if (!names) {
      const described = await call("DescribeTable", headers, JSON.stringify({ TableName: table }));
      const schema = (JSON.parse(described.body) as { Table?: { KeySchema?: { AttributeName: string }[] } })
        .Table?.KeySchema;
      names = (schema ?? []).map((k) => k.AttributeName);
      keySchemas.set(table, names);
    }
    return Object.fromEntries(names.map((n) => [n, item[n]]));
  }

  async function transact(headers: IncomingHttpHeaders, body: string): Promise<Answer> {
    const items = (JSON.parse(body) as { TransactItems?: Record<string, Item>[] }).TransactItems ?? [];
    const json = (status: number, value: unknown): Answer => ({
      status,
      headers: { "content-type": "application/x-amz-json-1.0" },
      body: JSON.stringify(value),
    });
    if (items.some((i) => "ConditionCheck" in i)) {
      return json(400, {
        __type: "com.amazon.coral.validate#ValidationException",
        message: "ConditionCheck is not supported by this emulator",
      });
    }
    const applied: { table: string; key: Item; prior: Item | undefined }[] = [];
    const undo = async () => {
      for (const { table, key, prior } of applied.reverse()) {
        if (prior) await call("PutItem", headers, JSON.stringify({ TableName: table, Item: prior }));
        else await call("DeleteItem", headers, JSON.stringify({ TableName: table, Key: key }));
      }
    };
    for (const [index, entry] of items.entries()) {
      const [operation, input] = Object.entries(entry)[0] as [string, Item & { TableName: string }];
      const key =
        operation === "Put" ? await keyOf(input.TableName, input.Item as Item, headers) : (input.Key as Item);
      const target = operation === "Put" ? "PutItem" : operation === "Delete" ? "DeleteItem" : "UpdateItem";
      // The write returns the item as it was (ALL_OLD), which is what an undo restores: one
      // dynalite call per write, not a read and a write.
      const { ReturnValuesOnConditionCheckFailure: _, ...write } = input;
      const answer = await call(target, headers, JSON.stringify({ ...write, ReturnValues: "ALL_OLD" }));
      const prior =
        answer.status === 200 ? (JSON.parse(answer.body) as { Attributes?: Item }).Attributes : undefined;
      if (answer.status !== 200) {
        await undo();
        if (errorType(answer) !== "ConditionalCheckFailedException") return answer;
        const reasons = items.map((_, i) =>
          i === index
            ? { Code: "ConditionalCheckFailed", Message: "The conditional request failed" }
            : { Code: "None" },
        );
        return json(400, {
          __type: "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
          message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(", ")}]`,
          CancellationReasons: reasons,
        });
      }
      applied.push({ table: input.TableName, key, prior });
    }
    return json(200, {});
  }

  const front = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      const target = String(req.headers["x-amz-target"] ?? "").slice(TARGET_PREFIX.length);
      const run = async () => {
        const answer =
          target === "TransactWriteItems"
            ? await transact(req.headers, body)
            : await call(target, req.headers, body);
        res.writeHead(answer.status, {
          "content-type": String(answer.headers["content-type"] ?? "application/x-amz-json-1.0"),
          ...(answer.headers["x-amzn-requestid"]
            ? { "x-amzn-RequestId": String(answer.headers["x-amzn-requestid"]) }
            : {}),
          ...(answer.headers["x-amz-crc32"] ? { "x-amz-crc32": String(answer.headers["x-amz-crc32"]) } : {}),
        });
        res.end(answer.body);
      };
      // One request at a time: a transaction's steps see nothing else in between.
      queue = queue.then(run).catch((error: unknown) => {
        res.writeHead(500, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify({ __type: "InternalFailure", message: String(error) }));
      });
    });
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  return front;
}

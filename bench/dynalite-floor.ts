/**
 * The emulator floor of the dynalite bench (issue 15): on the same dynalite and fauxqs, in the same
 * run, the least work any implementation of the tick or of the report must do on DynamoDB's and
 * SQS's protocol, with none of our logic; the bench prints our tick and report next to it, with the
 * ratio, so the committed output shows how much of the time is the emulator's and how much ours.
 *
 * Tick floor, for the tick's 1,000 due notices (each reminded):
 *  1. read the same due-index pages: the tick's own Query requests (captured from its SDK client as
 *     it ran) sent again with the raw SDK client against a copy of the due notices — the same items,
 *     byte for byte, copied before the tick into a second table of the same definition (same GSIs)
 *     on the same dynalite; first pages at once (the tick reads up to 32 partitions at once), then
 *     the further pages;
 *  2. write each notice once, marked as the tick marks it (reminderSentAt, and its next due time in
 *     the index), conditioned on its version: the real DynamoRecordStore's TransactWriteItems of 100
 *     (MAX_TRANSACTION_WRITES), through transactEach as the tick (8 in flight); the records are
 *     prepared before the clock starts;
 *  3. send the 1,000 reminder messages to fauxqs: the real SQS adapter (SendMessageBatch of 10).
 * What the tick does beyond it: the counters and outbox entries in its transactions, the outbox
 * entries' deletion, the watermark (GetItem, UpdateItem), and everything in JavaScript between.
 *
 * Report floor: the report's own Query requests (captured from one report run) sent again with
 * the raw SDK client, up to 32 in flight (the report's READ_CONCURRENCY), in the order the report
 * sent them, every page at once (the report
 * must wait for a page's key before the next): the same number of Query calls over the same items,
 * with no parsing of `data`, no arithmetic and no JSON of the answer.
 */
import { performance } from "node:perf_hooks";
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  DynamoDBClient,
  QueryCommand,
  type QueryCommandInput,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { createTableIfMissing, DynamoRecordStore } from "../src/platform/aws/dynamo-records.js";
import { counted } from "../src/platform/aws/stores.js";
import type { ManualClock } from "../src/platform/manual-clock.js";
import {
  MAX_TRANSACTION_WRITES,
  type QueuePort,
  type RecordKey,
  type TransactionWrite,
} from "../src/platform/ports.js";
import { DELIVERY_QUEUE } from "../src/reposts/messages.js";
import type { RepostNotice } from "../src/reposts/model.js";
import { noticeIndex } from "../src/reposts/records.js";
import { workDue } from "../src/reposts/tick.js";
import type { WorkingDayCalendar } from "../src/reposts/working-days.js";

/** How the peer is named in the output. */
export const FLOOR_PEER =
  "emulator floor (bench/dynalite-floor.ts): the same requests' least work on the same dynalite + fauxqs, no app logic";

/** The report's reads in flight: at most the report's (src/reposts/compliance.ts READ_CONCURRENCY). */
const REPORT_CONCURRENCY = 32;
/** The tick's due partitions read at once (src/reposts/tick.ts DUE_PARALLEL). */
const TICK_READS_AT_ONCE = 32;

export interface CapturedRequest {
  readonly service: "dynamodb" | "s3" | "sqs";
  readonly command: string;
  readonly input: unknown;
}

/** Records the requests an SDK client sends between start() and stop() (AwsStoresOptions.onRequest). */
export class RequestCapture {
  #captured: CapturedRequest[] | undefined;

  /** For onRequest: keeps the request while capturing. */
  readonly record = (service: CapturedRequest["service"], command: string, input: unknown): void => {
    this.#captured?.push({ service, command, input });
  };

  start(): void {
    this.#captured = [];
  }

  stop(): CapturedRequest[] {
    const captured = this.#captured ?? [];
    this.#captured = undefined;
    return captured;
  }
}

export interface TickFloor {
  /** Wall time of the three phases, one after the other. */
  readonly ms: number;
  /** CPU time of the process (all its threads) meanwhile. */
  readonly cpuMs: number;
  readonly reads: { readonly ms: number; readonly queries: number; readonly items: number };
  readonly writes: { readonly ms: number; readonly transactions: number; readonly items: number };
  readonly sends: { readonly ms: number; readonly batches: number; readonly messages: number };
}

export interface ReportFloor {
  readonly p50Ms: number;
  /** Our report (built and serialised), run alternately with the floor: its p50 over the same runs. */
  readonly oursP50Ms: number;
  readonly runs: number;
  readonly queries: number;
  readonly items: number;
}

export interface DynaliteFloor {
  /** The floor after each measured tick, of that tick's due notices. */
  readonly ticks: readonly TickFloor[];
  readonly report: ReportFloor;
}

/** A second table of the records table's definition on the same dynalite, and a raw client. */
export class FloorTable {
  readonly client: DynamoDBClient;
  readonly #source: string;
  readonly #table: string;
  readonly #requests: Record<string, number> = {};

  constructor(client: DynamoDBClient, sourceTable: string, floorTable: string) {
    this.client = counted(client, "dynamodb", (_service, command) => {
      this.#requests[command] = (this.#requests[command] ?? 0) + 1;
    });
    this.#source = sourceTable;
    this.#table = floorTable;
  }

  static async create(endpoint: string, sourceTable: string, options: ClientOptions): Promise<FloorTable> {
    const floor = new FloorTable(
      new DynamoDBClient({ endpoint, ...options }),
      sourceTable,
      `${sourceTable}-floor`,
    );
    await createTableIfMissing(floor.client, floor.#table);
    return floor;
  }

  /** Requests this table's client has sent, by command. */
  requests(): Readonly<Record<string, number>> {
    return { ...this.#requests };
  }

  /**
   * Copies the items under `keys` from the records table, as stored (every attribute), and returns
   * them as the tick will have them: notice, version and the write the tick's mark makes.
   */
  async copy(keys: readonly RecordKey[]): Promise<Item[]> {
    const items: Item[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      let wanted: Record<string, AttributeValue>[] | undefined = keys
        .slice(i, i + 100)
        .map((k) => ({ pk: { S: k.pk }, sk: { S: k.sk } }));
      while (wanted?.length) {
        const out: BatchGetItemCommandOutput = await this.client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.#source]: { Keys: wanted, ConsistentRead: true } },
          }),
        );
        items.push(...(out.Responses?.[this.#source] ?? []));
        wanted = out.UnprocessedKeys?.[this.#source]?.Keys;
      }
    }
    if (items.length !== keys.length) throw new Error(`copied ${items.length} of ${keys.length} items`);
    for (let i = 0; i < items.length; i += 25) {
      let writes: WriteRequest[] | undefined = items
        .slice(i, i + 25)
        .map((Item) => ({ PutRequest: { Item } }));
      while (writes?.length) {
        const out: BatchWriteItemCommandOutput = await this.client.send(
          new BatchWriteItemCommand({ RequestItems: { [this.#table]: writes } }),
        );
        writes = out.UnprocessedItems?.[this.#table];
      }
    }
    return items;
  }

  /** The tick's floor (see the header): reads, writes, sends, timed apart and together. */
  async tick(options: {
    readonly captured: readonly CapturedRequest[];
    readonly items: readonly Item[];
    readonly clock: ManualClock;
    readonly calendar: WorkingDayCalendar;
    readonly queues: QueuePort;
    /** SQS requests sent so far (the platform's counter), to count the floor's batches. */
    readonly sqsRequests: () => number;
  }): Promise<TickFloor> {
    const now = options.clock.now();
    const at = now.toISOString();
    // Prepared before the clock starts: each notice marked as the tick marks a reminder.
    const writes: TransactionWrite[] = options.items.map((item) => {
      const notice = JSON.parse(item.data?.S ?? "null") as RepostNotice;
      if (!workDue(notice, now, options.calendar).remind)
        throw new Error(`the floor's notice ${notice.id} is not due for a reminder`);
      const marked: RepostNotice = { ...notice, reminderSentAt: at };
      return {
        put: { pk: item.pk!.S!, sk: item.sk!.S!, data: marked, index: noticeIndex(marked, now) },
        condition: { kind: "version", version: Number(item.version?.N ?? "0") },
      };
    });
    const transactions: TransactionWrite[][] = [];
    for (let i = 0; i < writes.length; i += MAX_TRANSACTION_WRITES)
      transactions.push(writes.slice(i, i + MAX_TRANSACTION_WRITES));
    // The tick's reminder message for each (tick.ts: { type: "repost.remind", noticeId }).
    const messages = writes.map((w) => ({
      body: JSON.stringify({
        type: "repost.remind",
        noticeId: "put" in w ? (w.put.data as RepostNotice).id : "",
      }),
    }));
    const queries = this.#retarget(options.captured, (input) => input.IndexName !== undefined);
    const store = new DynamoRecordStore(this.client, this.#table, options.clock);
    const sqs0 = options.sqsRequests();

    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const first = queries.filter((q) => !q.ExclusiveStartKey);
    const further = queries.filter((q) => q.ExclusiveStartKey);
    let items = 0;
    for (const round of [first, further]) {
      for (let i = 0; i < round.length; i += TICK_READS_AT_ONCE) {
        const pages = await Promise.all(
          round.slice(i, i + TICK_READS_AT_ONCE).map((q) => this.client.send(new QueryCommand(q))),
        );
        for (const page of pages) items += page.Items?.length ?? 0;
      }
    }
    const t1 = performance.now();
    const committed = await store.transactEach(transactions);
    const t2 = performance.now();
    await options.queues.send(DELIVERY_QUEUE, messages);
    const t3 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    if (committed.some((c) => !c)) throw new Error("a floor transaction's condition failed");
    return {
      ms: t3 - t0,
      cpuMs: (cpu.user + cpu.system) / 1000,
      reads: { ms: t1 - t0, queries: queries.length, items },
      writes: { ms: t2 - t1, transactions: transactions.length, items: writes.length },
      sends: { ms: t3 - t2, batches: options.sqsRequests() - sqs0, messages: messages.length },
    };
  }

  /**
   * The report's floor (see the header): its Query requests again, raw, against the records table
   * (read only), `runs` times, each after a run of `ours` (our report), so both see the same
   * moments of the machine's load; the p50 of each.
   */
  async report(
    captured: readonly CapturedRequest[],
    runs: number,
    ours: () => Promise<unknown>,
  ): Promise<ReportFloor> {
    const queries = captured
      .filter((c) => c.service === "dynamodb" && c.command === "QueryCommand")
      .map((c) => c.input as QueryCommandInput);
    if (queries.length !== captured.length)
      throw new Error("the report sent more than Query requests; the floor replays Query only");
    const times: number[] = [];
    const oursTimes: number[] = [];
    let items = 0;
    for (let run = 0; run < runs; run++) {
      const o0 = performance.now();
      await ours();
      oursTimes.push(performance.now() - o0);
      items = 0;
      let next = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: REPORT_CONCURRENCY }, async () => {
          while (next < queries.length) {
            const page = await this.client.send(new QueryCommand(queries[next++]!));
            items += page.Items?.length ?? 0;
          }
        }),
      );
      times.push(performance.now() - t0);
    }
    return { p50Ms: median(times), oursP50Ms: median(oursTimes), runs, queries: queries.length, items };
  }

  /** The captured Query requests matching `which`, sent to the floor table instead. */
  #retarget(
    captured: readonly CapturedRequest[],
    which: (input: QueryCommandInput) => boolean,
  ): QueryCommandInput[] {
    return captured
      .filter((c) => c.service === "dynamodb" && c.command === "QueryCommand")
      .map((c) => c.input as QueryCommandInput)
      .filter(which)
      .map((input) => ({ ...input, TableName: this.#table }));
  }
}

type Item = Record<string, AttributeValue>;

interface ClientOptions {
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

interface Counts {
  readonly dynamodb: Readonly<Record<string, number>>;
  readonly sqs: number;
  readonly transactionWrites: number;
}

/** Our figures for the same steps (bench/reposts-scale.ts ScaleRun). */
interface Ours {
  readonly tickMs: number;
  readonly ticks: readonly { readonly ms: number; readonly cpuMs: number }[];
  readonly reportP50Ms: number;
  readonly requests: { readonly report: Counts; readonly tick: Counts };
}

function requestsOf(c: Counts): string {
  const entries = Object.entries(c.dynamodb).sort((x, y) => y[1] - x[1]);
  const total = entries.reduce((n, [, k]) => n + k, 0);
  return `${total} (${entries.map(([command, n]) => `${n} ${command}`).join(", ")})`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** The floor next to our tick and report, with the ratio and the requests of each. */
export function floorLines(store: string, notices: number, floor: DynaliteFloor, ours: Ours): string[] {
  const { report } = floor;
  const ticks = floor.ticks;
  const tick = {
    ms: median(ticks.map((t) => t.ms)),
    cpuMs: median(ticks.map((t) => t.cpuMs)),
    reads: median(ticks.map((t) => t.reads.ms)),
    writes: median(ticks.map((t) => t.writes.ms)),
    sends: median(ticks.map((t) => t.sends.ms)),
  };
  const first = ticks[0];
  if (!first) return [];
  // Each tick against the floor run right after it, on the same notices.
  const pairs = ticks.map((t, k) => (ours.ticks[k]?.ms ?? Number.NaN) / t.ms);
  const pairRange = `${median(pairs).toFixed(2)}, ${Math.min(...pairs).toFixed(2)}–${Math.max(...pairs).toFixed(2)}`;
  const n = ticks.length;
  return [
    `${store} at ${notices.toLocaleString("en")} against its peer, the ${FLOOR_PEER}:`,
    "",
    "| step | ours | ours: DynamoDB requests, SQS requests, items written | peer: emulator floor | floor: DynamoDB requests, SQS requests, items written | ours / floor |",
    "| --- | --- | --- | --- | --- | --- |",
    `| tick with 1,000 due | ${ours.tickMs.toFixed(0)} ms (median of ${ours.ticks.length}; CPU ${median(ours.ticks.map((t) => t.cpuMs)).toFixed(0)} ms) | ${requestsOf(ours.requests.tick)}, ${ours.requests.tick.sqs} SQS, ${ours.requests.tick.transactionWrites} items | ${tick.ms.toFixed(0)} ms (median of ${n}; CPU ${tick.cpuMs.toFixed(0)} ms): reads ${tick.reads.toFixed(0)} ms, writes ${tick.writes.toFixed(0)} ms, sends ${tick.sends.toFixed(0)} ms | ${first.reads.queries + first.writes.transactions} (${first.reads.queries} Query, ${first.writes.transactions} TransactWriteItems), ${first.sends.batches} SQS, ${first.writes.items} items | ×${(ours.tickMs / tick.ms).toFixed(2)} (each tick / the floor right after it: median ${pairRange}) |`,
    `| report (p50) | ${report.oursP50Ms.toFixed(0)} ms (p50 of ${report.runs}, each run before a floor run; ${ours.reportP50Ms.toFixed(0)} ms in the table above, before the ticks) | ${requestsOf(ours.requests.report)}, 0 SQS, 0 items | ${report.p50Ms.toFixed(0)} ms (p50 of ${report.runs}; ${report.items} items returned) | ${report.queries} (${report.queries} Query), 0 SQS, 0 items | ×${(report.oursP50Ms / report.p50Ms).toFixed(2)} |`,
    "",
    `  after each measured tick, its floor read the ${first.reads.items} due items again with the tick's own ${first.reads.queries} due-index Query requests (sent on a copy of that tick's due notices, made before it: a table of the same definition on the same dynalite), wrote the ${first.writes.items} notices marked as the tick marks them in ${first.writes.transactions} TransactWriteItems of up to 100 (the real DynamoRecordStore, version-conditioned, 8 in flight), and sent their ${first.sends.messages} reminders in ${first.sends.batches} SendMessageBatch (the real SQS adapter); the tick also writes counters and outbox entries, deletes the entries and keeps its watermark`,
    `  the report's floor sends the report's own ${report.queries} Query requests again with the raw SDK client, in their order, up to ${REPORT_CONCURRENCY} in flight (the report's most), no parsing of the items and no report built`,
  ];
}

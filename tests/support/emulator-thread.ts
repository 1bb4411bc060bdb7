import { parentPort, Worker, workerData } from "node:worker_threads";
import { type CreatedQueue, type Emulators, startEmulators } from "./aws-emulators.js";
import type { DynaliteStats } from "./dynalite-transactions.js";

/**
 * dynalite and fauxqs started in a worker thread of their own, as a remote service would be: the
 * thread that sends them requests (the app, the SDK) and the emulators no longer take turns on one
 * event loop, so on two cores the app's CPU and the emulator's overlap. Requests go over loopback
 * HTTP as before; the same Emulators interface (aws-emulators.ts) is returned: the endpoints,
 * fauxqs's createBucket/createQueue forwarded to the thread (they answer promises), and dynalite's
 * counts read from memory shared with the thread (so they are current without a round trip).
 */
export async function startEmulatorsInThread(): Promise<Emulators> {
  const shared = new SharedArrayBuffer(STATS.length * Int32Array.BYTES_PER_ELEMENT);
  const counts = new Int32Array(shared);
  const worker = new Worker(new URL("./emulator-worker.mjs", import.meta.url), {
    workerData: { stats: shared },
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let failed: Error | undefined;
  const fail = (error: Error) => {
    failed ??= error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  const ready = new Promise<{ dynamoEndpoint: string; fauxqsAddress: string }>((resolve, reject) => {
    worker.on("message", (m: Reply) => {
      if (m.type === "ready") return resolve(m);
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error !== undefined) p?.reject(new Error(m.error));
      else p?.resolve(m.value);
    });
    worker.on("error", (error) => {
      fail(error);
      reject(error);
    });
    worker.on("exit", (code) => {
      const error = new Error(`the emulator thread exited (${code})`);
      fail(error);
      reject(error);
    });
  });
  const { dynamoEndpoint, fauxqsAddress } = await ready;
  let next = 0;
  const call = <T>(op: Call["op"], ...args: unknown[]) =>
    new Promise<T>((resolve, reject) => {
      if (failed) return reject(failed);
      const id = next++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, op, args } satisfies Call);
    });
  const stats = Object.defineProperties(
    {},
    Object.fromEntries(
      STATS.map((name, i) => [name, { get: () => Atomics.load(counts, i), enumerable: true }]),
    ),
  ) as Readonly<DynaliteStats>;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= call<void>("stop").then(async () => {
      await worker.terminate();
    });
    return stopped;
  };
  return {
    dynamoEndpoint,
    stats,
    fauxqs: {
      address: fauxqsAddress,
      createBucket: (name: string) => call<unknown>("createBucket", name),
      createQueue: (name: string, options?: { attributes?: Record<string, string> }) =>
        call<CreatedQueue>("createQueue", name, options),
      stop,
    },
    stop,
  };
}

/** dynalite's counts, in the order they are kept in shared memory. */
const STATS = [
  "requests",
  "transactions",
  "transactionWrites",
] as const satisfies readonly (keyof DynaliteStats)[];

interface Call {
  readonly id: number;
  readonly op: "createBucket" | "createQueue" | "stop";
  readonly args: readonly unknown[];
}

type Reply =
  | { readonly type: "ready"; readonly dynamoEndpoint: string; readonly fauxqsAddress: string }
  | { readonly type?: undefined; readonly id: number; readonly value?: unknown; readonly error?: string };

/** In the worker (emulator-worker.mjs): starts the emulators and answers the calls above. */
export async function serveEmulators(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error("serveEmulators runs in a worker thread");
  const counts = new Int32Array((workerData as { stats: SharedArrayBuffer }).stats);
  // dynalite counts into shared memory (dynalite-transactions.ts adds to these properties).
  const stats = Object.defineProperties(
    {},
    Object.fromEntries(
      STATS.map((name, i) => [
        name,
        {
          get: () => Atomics.load(counts, i),
          set: (v: number) => Atomics.store(counts, i, v),
          enumerable: true,
        },
      ]),
    ),
  ) as DynaliteStats;
  const emulators = await startEmulators({ stats });
  port.on("message", async ({ id, op, args }: Call) => {
    try {
      let value: unknown;
      if (op === "createBucket") value = emulators.fauxqs.createBucket(String(args[0]));
      else if (op === "createQueue") {
        const { queueUrl, queueArn } = await emulators.fauxqs.createQueue(
          String(args[0]),
          args[1] as { attributes?: Record<string, string> } | undefined,
        );
        value = { queueUrl, queueArn };
      } else if (op === "stop") {
        await emulators.stop();
        port.postMessage({ id } satisfies Reply);
        port.close();
        return;
      } else throw new Error(`unknown call ${String(op)}`);
      port.postMessage({ id, value } satisfies Reply);
    } catch (error) {
      port.postMessage({ id, error: String(error) } satisfies Reply);
    }
  });
  port.postMessage({
    type: "ready",
    dynamoEndpoint: emulators.dynamoEndpoint,
    fauxqsAddress: emulators.fauxqs.address,
  } satisfies Reply);
}

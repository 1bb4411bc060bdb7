import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { ARCHIVE_QUEUE, ARCHIVE_QUEUE_SETTINGS } from "../archive/module.js";
import type { Config } from "../config.js";
import { EVENTS_QUEUE } from "../documents/intake.js";
import { resumeCompletions } from "../editions/completion.js";
import { PUBLISHING_QUEUE } from "../editions/publish.js";
import { createApiApp } from "../handlers/api.js";
import { createEventsHandler } from "../handlers/events.js";
import { createPublishingHandler } from "../handlers/publishing.js";
import { MIGRATIONS } from "../migrations/index.js";
import { runMigrations } from "../migrations/runner.js";
import { createEmbeddedPlatform } from "../platform/embedded/index.js";
import { relayOutbox } from "../platform/outbox.js";
import { startQueuePoller } from "../platform/queue-poller.js";
import { REPOST_QUEUE_SETTINGS, startRepostWorkers } from "../reposts/local-workers.js";
import { createOutboundFetch } from "../reposts/outbound.js";
import { type Container, createContainer } from "./container.js";
import { type DataDirLock, lockDataDir } from "./data-dir-lock.js";
import { ensureEditorToken } from "./editor-token.js";
import { createMailer } from "./mailer.js";

/** How often the local runtime checkpoints the embedded database's write-ahead log (in a thread). */
const CHECKPOINT_INTERVAL_MS = 1000;

export interface LocalRuntime {
  readonly url: string;
  readonly editorToken: string;
  readonly editorTokenSource: "env" | "file" | "generated";
  readonly container: Container;
  /** The console's first administrator, created at this start (shown once); undefined when accounts existed. */
  readonly firstAdministrator: { readonly username: string; readonly password: string } | undefined;
  stop(): Promise<void>;
}

/**
 * The whole pipeline on one machine: the same HTTP app and SQS handlers as in Lambda, on the
 * embedded adapters (SQLite + files under config.dataDir), with pollers standing in for Lambda's
 * SQS event source mappings.
 */
export async function startLocal(
  config: Config,
  options: { hostname?: string | undefined; tickIntervalMs?: number | undefined } = {},
): Promise<LocalRuntime> {
  // One writer per data directory: a second `npm start` on it refuses (DataDirLockedError).
  const lock = lockDataDir(config.dataDir);
  try {
    return await startLocked(config, options, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startLocked(
  config: Config,
  options: { hostname?: string | undefined; tickIntervalMs?: number | undefined },
  lock: DataDirLock,
): Promise<LocalRuntime> {
  const { token, source } = ensureEditorToken(config.dataDir, config.editorToken);
  let container: Container | undefined;
  const platform = createEmbeddedPlatform({
    dataDir: config.dataDir,
    synchronous: config.sqliteSynchronous,
    // The write-ahead log is copied into the database by a thread of its own every second, not by
    // the commit (a request's, a tick's) that takes it past 1,000 pages (docs/architecture.md).
    backgroundCheckpoints: {
      intervalMs: CHECKPOINT_INTERVAL_MS,
      onError: (error) => container?.logger.error("Checkpoint of the database log failed", { error }),
    },
    queues: {
      [EVENTS_QUEUE]: { maxReceiveCount: 5 },
      [PUBLISHING_QUEUE]: { maxReceiveCount: 3 },
      ...REPOST_QUEUE_SETTINGS,
      ...ARCHIVE_QUEUE_SETTINGS,
    },
  });
  container = createContainer(config, platform, { editorToken: token });
  // Pending migrations (src/migrations: new index keys, records moved to new keys, editions
  // published before signing entered into the log — the first checkpoint signed covers them —,
  // the repost counters and due times rebuilt from the notices), before serving.
  const migrations = await runMigrations(
    { platform, statuses: container.statuses, calendar: container.reposts.calendar },
    MIGRATIONS,
  );
  for (const outcome of migrations) {
    if (!outcome.already) container.logger.info("migration done", { ...outcome, warnings: undefined });
    for (const warning of outcome.warnings) container.logger.warn(warning, { migration: outcome.name });
  }
  const firstAdministrator = await container.console?.accounts.ensureFirstAdministrator();
  await platform.flush();
  const app = createApiApp(container);
  const eventsHandler = createEventsHandler({
    queues: platform.queues,
    audit: container.audit,
    statuses: container.statuses,
    searchIndexing: {
      platform,
      statuses: container.statuses,
      search: container.search,
      now: () => platform.clock.now(),
    },
    completion: { records: platform.records, now: () => platform.clock.now() },
    // As in AWS: status changes ask the publishing poller for a checkpoint.
    checkpointRequests: { records: platform.records },
    submitters: {
      desk: container.submitters.desk,
      bodies: container.submitters.bodies,
      fetch: createOutboundFetch({
        allowPrivateTargets: config.reposts.allowPrivateTargets,
        timeoutMs: config.reposts.outboundTimeoutMs,
        maxResponseBytes: config.reposts.maxResponseBytes,
      }),
      baseUrl: config.baseUrl,
      // Each channel's delivery of a change is noted, so a retry sends only what failed.
      records: platform.records,
      // E-mail to the bodies' submitters where GAZETTE_SMTP_URL (or SES) is set.
      mailer: await createMailer(config),
      gazetteName: config.gazette.name,
    },
    logger: container.logger,
  });
  const poller = startQueuePoller({
    queue: EVENTS_QUEUE,
    queues: platform.queues,
    handler: eventsHandler,
    batchSize: 10,
    visibilityTimeoutSeconds: 30,
    idleDelayMs: 250,
  });
  // Publications render here only with GAZETTE_PUBLISHING=queued, as in AWS's publisher; the
  // checkpoints the events consumer asks for after status changes are signed here either way.
  const publishingPoller = startQueuePoller({
    queue: PUBLISHING_QUEUE,
    queues: platform.queues,
    handler: createPublishingHandler({
      queues: platform.queues,
      editions: container.editions,
      checkpoints: container.seal,
      logger: container.logger,
    }),
    batchSize: 1,
    visibilityTimeoutSeconds: 900,
    idleDelayMs: 250,
  });
  // One archive page at a time: OCR is CPU-bound and the HTTP server shares this process.
  const archivePoller = startQueuePoller({
    queue: ARCHIVE_QUEUE,
    queues: platform.queues,
    handler: container.archive.handler,
    batchSize: 1,
    visibilityTimeoutSeconds: 300,
    idleDelayMs: 250,
  });
  const repostWorkers = startRepostWorkers({
    queues: platform.queues,
    reposts: container.reposts,
    logger: container.logger,
  });
  // Publications a crash left incomplete resume now, and then with every tick; so do events left
  // in the outbox.
  let completing: Promise<unknown> = Promise.resolve();
  const resume = () => {
    completing = Promise.all([
      resumeCompletions(platform, { requeueFrozen: true }).catch((error) =>
        container.logger.error("Resuming publications failed", { error: error as Error }),
      ),
      relayOutbox(platform).catch((error) =>
        container.logger.error("Relaying the outbox failed", { error: error as Error }),
      ),
      // Status changes logged since the last publication get a signed checkpoint.
      container.seal
        ?.signCheckpoint()
        .catch((error) =>
          container.logger.error("Signing the log's checkpoint failed", { error: error as Error }),
        ),
    ]);
  };
  resume();
  const completionTimer = setInterval(resume, options.tickIntervalMs ?? 60_000);
  completionTimer.unref();
  const hostname = options.hostname ?? "127.0.0.1";
  const server = await new Promise<ReturnType<typeof serve>>((resolvePromise, reject) => {
    const fetch = async (request: Request, env: unknown) => {
      const response = await app.fetch(request, env);
      if (response.status === 413) await drainRefusedBody(request);
      return response;
    };
    const s = serve({ fetch, port: config.port, hostname }, () => resolvePromise(s));
    s.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  const host = hostname === "0.0.0.0" || hostname === "::" ? "localhost" : hostname;
  return {
    url: `http://${host}:${address.port}`,
    editorToken: token,
    editorTokenSource: source,
    container,
    firstAdministrator,
    async stop() {
      clearInterval(completionTimer);
      await completing;
      await repostWorkers.stop();
      await poller.stop();
      await publishingPoller.stop();
      await archivePoller.stop();
      await container.archive.close();
      await new Promise<void>((r) => server.close(() => r()));
      container.search.close?.();
      platform.close();
      lock.release();
    },
  };
}

/** The largest refused body the server still reads to its end (as @hono/node-server's own cap). */
const DRAIN_REFUSED_BYTES = 64 * 1024 * 1024;

/**
 * A body refused by its declared length (413) is read to its end before the answer goes out.
 * Otherwise the server answers at once and @hono/node-server drains the rest for only 500 ms
 * before closing the socket: a client still uploading (a slow link, a loaded machine) then sees
 * a connection reset instead of the 413. Bodies declared over DRAIN_REFUSED_BYTES are not read.
 */
async function drainRefusedBody(request: Request): Promise<void> {
  if (!request.body || request.bodyUsed || request.body.locked) return;
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > DRAIN_REFUSED_BYTES) return;
  const reader = request.body.getReader();
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
      if (total > DRAIN_REFUSED_BYTES) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // The client went away: nothing to answer.
  }
}

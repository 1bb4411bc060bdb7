import { Hono, type MiddlewareHandler } from "hono";
import { EVENTS_QUEUE } from "../../src/documents/intake.js";
import { requireEditor as requireEditorOf } from "../../src/http/app.js";
import { errorResponse } from "../../src/http/errors.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import type { Platform, ReceivedMessage } from "../../src/platform/ports.js";
import { toSqsEvent } from "../../src/platform/queue-poller.js";
import type { SqsHandler } from "../../src/platform/sqs-consumer.js";
import { enqueueFanout } from "../../src/reposts/fanout.js";
import { repostsRoutes } from "../../src/reposts/http.js";
import { DELIVERY_QUEUE, FANOUT_QUEUE } from "../../src/reposts/messages.js";
import type { RepostNotice } from "../../src/reposts/model.js";
import { createReposts, type Reposts, type RepostsOptions } from "../../src/reposts/module.js";
import type { OutboundFetch } from "../../src/reposts/outbound.js";
import { noticePartition } from "../../src/reposts/records.js";
import { aSubmission } from "../support/factories.js";
import { createTestApp, EDITOR_TOKEN, type TestApp } from "../support/local-app.js";

/** A receiving endpoint in the fake network: answers GET challenges and records POSTs. */
export interface Endpoint {
  readonly url: string;
  readonly received: { headers: Record<string, string>; body: string }[];
  /** Status answered to POSTs (default 204); a function for per-call behaviour. */
  status: number | ((n: number) => number);
  /** Whether the GET challenge is echoed (default true). */
  echo: boolean;
  /** HTML served on GET without a challenge (the reposted page). */
  page?: string | undefined;
}

export interface RepostsHarness extends TestApp {
  readonly clock: ManualClock;
  readonly reposts: Reposts;
  readonly endpoints: Map<string, Endpoint>;
  endpoint(path: string): Endpoint;
  api(
    path: string,
    init?: RequestInit & { editor?: boolean; json?: unknown; token?: string },
  ): Promise<Response>;
  registerSite(
    site: Record<string, unknown> & { path?: string },
  ): Promise<{ id: string; token: string; webhookSecret: string; endpoint: Endpoint }>;
  submitRepost(repost: Record<string, unknown>, overrides?: Record<string, unknown>): Promise<string>;
  publish(documents: string[], editionId?: string): Promise<void>;
  /** Runs the fan-out and delivery consumers until both queues have nothing visible. */
  runQueues(): Promise<void>;
  notices(documentId: string): Promise<RepostNotice[]>;
  drainEvents(): Promise<unknown[]>;
}

const ORIGIN = "http://sites.example";

const lambdaContext = {} as Parameters<SqsHandler>[1];

export function createRepostsHarness(
  options: {
    start?: number;
    reposts?: Partial<RepostsOptions>;
    /** A view of the store for the reposts module (fault injection). */
    platform?: (platform: Platform) => Platform;
  } = {},
): RepostsHarness {
  const clock = new ManualClock(options.start ?? Date.parse("2026-02-12T02:00:00Z"));
  const base = createTestApp({ clock });
  const endpoints = new Map<string, Endpoint>();
  const fetch: OutboundFetch = async (url, init) => {
    const u = new URL(url);
    const endpoint = endpoints.get(`${u.origin}${u.pathname}`);
    if (!endpoint) throw new Error(`connect ECONNREFUSED ${u.host}`);
    const method = init?.method ?? "GET";
    if (method === "GET") {
      const challenge = u.searchParams.get("hub.challenge");
      if (challenge !== null) return new Response(endpoint.echo ? challenge : "nope", { status: 200 });
      return endpoint.page === undefined
        ? new Response("not found", { status: 404 })
        : new Response(endpoint.page, {
            status: 200,
            headers: { "content-type": "text/html; charset=utf-8" },
          });
    }
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    endpoint.received.push({ headers, body: String(init?.body) });
    const status =
      typeof endpoint.status === "function" ? endpoint.status(endpoint.received.length) : endpoint.status;
    return new Response(null, { status });
  };
  const reposts = createReposts({
    platform: options.platform ? options.platform(base.container.platform) : base.container.platform,
    config: base.container.config,
    fetch,
    ...options.reposts,
  });
  const requireEditor = requireEditorOf(base.container.auth) as MiddlewareHandler;
  const app = new Hono();
  app.onError((error) => errorResponse(error));
  app.route("/", repostsRoutes(reposts, requireEditor));

  const api: RepostsHarness["api"] = async (path, init = {}) => {
    const { editor = true, json, token, headers, ...rest } = init;
    const h = new Headers(headers);
    if (token) h.set("authorization", `Bearer ${token}`);
    else if (editor) h.set("authorization", `Bearer ${EDITOR_TOKEN}`);
    if (json !== undefined) h.set("content-type", "application/json");
    return app.fetch(
      new Request(`http://localhost${path}`, {
        ...rest,
        headers: h,
        ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      }),
    );
  };

  const endpoint = (path: string) => {
    const url = `${ORIGIN}${path}`;
    let e = endpoints.get(url);
    if (!e) {
      e = { url, received: [], status: 204, echo: true };
      endpoints.set(url, e);
    }
    return e;
  };

  const runHandler = async (queue: string, handler: SqsHandler): Promise<number> => {
    const { queues } = base.container.platform;
    const messages: ReceivedMessage[] = await queues.receive(queue, {
      maxMessages: 10,
      visibilityTimeoutSeconds: 60,
    });
    if (messages.length === 0) return 0;
    const result = await handler(toSqsEvent(queue, messages), lambdaContext);
    const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
    for (const m of messages) if (!failed.has(m.messageId)) await queues.delete(queue, m.receiptHandle);
    return messages.length - failed.size;
  };

  return {
    ...base,
    clock,
    reposts,
    endpoints,
    endpoint,
    api,
    async registerSite(site) {
      const { path, ...rest } = site;
      const e = endpoint(path ?? `/hook/${endpoints.size + 1}`);
      const res = await api("/api/sites", {
        method: "POST",
        json: { sectors: [], delivery: { type: "webhook", url: e.url }, ...rest },
      });
      if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${await res.text()}`);
      return { ...((await res.json()) as { id: string; token: string; webhookSecret: string }), endpoint: e };
    },
    async submitRepost(repost, overrides = {}) {
      const res = await base.postJson(
        aSubmission({
          repost: { regions: [], levels: [], sectors: [], deadlineWorkingDays: 5, ...repost },
          ...overrides,
        }),
      );
      if (res.status !== 201) throw new Error(`submission failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    },
    async publish(documents, editionId = "1") {
      await enqueueFanout(base.container.platform.queues, {
        editionId,
        publishedAt: clock.now().toISOString(),
        documents,
      });
    },
    async runQueues() {
      for (let round = 0; round < 1000; round++) {
        const done =
          (await runHandler(FANOUT_QUEUE, reposts.fanoutHandler)) +
          (await runHandler(DELIVERY_QUEUE, reposts.deliveryHandler));
        if (done === 0) return;
      }
      throw new Error("queues did not settle");
    },
    async notices(documentId) {
      const page = await base.container.platform.records.query<RepostNotice>(noticePartition(documentId), {
        limit: 1000,
      });
      return page.items.map((r) => r.data);
    },
    async drainEvents() {
      const { queues } = base.container.platform;
      const bodies: unknown[] = [];
      for (;;) {
        const batch = await queues.receive(EVENTS_QUEUE, { maxMessages: 10 });
        if (batch.length === 0) return bodies;
        for (const m of batch) {
          bodies.push(JSON.parse(m.body));
          await queues.delete(EVENTS_QUEUE, m.receiptHandle);
        }
      }
    },
  };
}

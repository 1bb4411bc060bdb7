import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { EVENTS_QUEUE } from "../../src/documents/intake.js";
import { createEventsHandler } from "../../src/handlers/events.js";
import { toSqsEvent } from "../../src/platform/queue-poller.js";
import { DELIVERY_QUEUE, FANOUT_QUEUE } from "../../src/reposts/messages.js";
import { lambdaContext } from "./events.js";
import type { TestApp } from "./local-app.js";

/** A browser's cookie jar and form handling against the in-process app. */
export class ConsoleBrowser {
  readonly cookies = new Map<string, string>();
  readonly setCookieHeaders: string[] = [];

  constructor(private readonly app: TestApp) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await this.app.request(path, { ...init, headers, editor: false, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      this.setCookieHeaders.push(line);
      const [pair] = line.split(";");
      const [name, ...value] = pair!.split("=");
      if (/max-age=0/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line))
        this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join("="));
    }
    return res;
  }

  get(path: string) {
    return this.request(path);
  }

  post(path: string, fields: Record<string, string | string[]>) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields))
      for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    return this.request(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
    });
  }

  /** The CSRF token of the form on a page. */
  async csrfOf(path: string): Promise<string> {
    const html = await (await this.get(path)).text();
    const match = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!match) throw new Error(`no form with a CSRF token on ${path}`);
    return match[1]!;
  }

  async signIn(username: string, password: string): Promise<Response> {
    const csrf = await this.csrfOf("/console/sign-in");
    return this.post("/console/sign-in", { _csrf: csrf, username, password, next: "/console/" });
  }
}

/** A submission form filled in as an editor would for a publishable public notice. */
export function noticeForm(title: string, docNumber: string): Record<string, string> {
  return {
    title,
    docNumber,
    issuers: "四川省人民政府",
    dateWritten: "2025-05-20",
    kind: "通知",
    section: "省政府文件",
    addressees: "各市（州）人民政府：",
    body: "　　现将有关事项通知如下。\n　　一、压实责任\n　　各地要落实防汛责任。",
    "disclosure.attribute": "public",
    "review.reviewer": "保密审查小组",
    "review.date": "2025-05-19",
    "review.result": "passed",
    "approval.approver": "分管副省长",
    "approval.date": "2025-05-20",
    "repost.scope": "all",
    "repost.deadlineWorkingDays": "3",
  };
}

/**
 * Drains the events queue through the events handler, as the local poller or Lambda would after a
 * publication (statuses, search index, repost fan-out). With `asLocalRuntime` the handler is wired
 * as `npm start` wires it (src/runtime/local.ts): it also indexes the published documents for the
 * public search and notes each completion step on the edition (the edition page's 发布进度).
 */
export async function processEvents(app: TestApp, options: { asLocalRuntime?: boolean } = {}): Promise<void> {
  const { platform, audit, statuses, search } = app.container;
  const now = () => platform.clock.now();
  const handler = createEventsHandler({
    queues: platform.queues,
    audit,
    statuses,
    ...(options.asLocalRuntime
      ? {
          searchIndexing: { platform, statuses, search, now },
          completion: { records: platform.records, now },
        }
      : {}),
  });
  for (let round = 0; round < 50; round++) {
    const messages = await platform.queues.receive(EVENTS_QUEUE, {
      maxMessages: 10,
      visibilityTimeoutSeconds: 30,
    });
    if (!messages.length) return;
    const result = await handler(toSqsEvent(EVENTS_QUEUE, messages), lambdaContext);
    if (result.batchItemFailures.length) throw new Error(`events failed: ${JSON.stringify(result)}`);
    for (const m of messages) await platform.queues.delete(EVENTS_QUEUE, m.receiptHandle);
  }
}

/** Runs the repost fan-out and delivery consumers until neither queue has a visible message. */
export async function runRepostQueues(app: TestApp): Promise<void> {
  const { platform, reposts } = app.container;
  for (let round = 0; round < 50; round++) {
    let handled = 0;
    for (const [queue, handler] of [
      [FANOUT_QUEUE, reposts.fanoutHandler],
      [DELIVERY_QUEUE, reposts.deliveryHandler],
    ] as const) {
      const messages = await platform.queues.receive(queue, {
        maxMessages: 10,
        visibilityTimeoutSeconds: 60,
      });
      if (!messages.length) continue;
      const result = await handler(toSqsEvent(queue, messages), lambdaContext);
      const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
      for (const m of messages)
        if (!failed.has(m.messageId)) await platform.queues.delete(queue, m.receiptHandle);
      handled += messages.length - failed.size;
    }
    if (!handled) return;
  }
}

/**
 * A subordinate site's web server on 127.0.0.1: answers the registry's webhook challenge, takes
 * deliveries, and serves the pages a site reposts (set `pages[path]`).
 */
export async function startSiteServer(): Promise<{
  readonly origin: string;
  readonly pages: Map<string, string>;
  readonly deliveries: string[];
  close(): Promise<void>;
}> {
  const pages = new Map<string, string>();
  const deliveries: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method === "POST") {
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      req.on("end", () => {
        deliveries.push(body);
        res.writeHead(204).end();
      });
      return;
    }
    const challenge = url.searchParams.get("hub.challenge");
    if (challenge !== null) return void res.writeHead(200, { "content-type": "text/plain" }).end(challenge);
    const page = pages.get(url.pathname);
    if (page === undefined) return void res.writeHead(404).end("not found");
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pages,
    deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

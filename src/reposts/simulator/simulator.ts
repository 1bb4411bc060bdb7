/**
 * A local simulator of subordinate sites, for demos and tests of the repost flow.
 *
 * One HTTP server plays every site: /sites/<n>/webhook receives repost notices and
 * /sites/<n>/reposts/<noticeId>.html serves the pages the site "reposts". Each site is registered
 * through the pipeline's API (which challenges its webhook first, WebSub-style), verifies every
 * delivery's Standard Webhooks signature with the `standardwebhooks` library, and then behaves as
 * its behaviour says: prompt, slow, failing a few times, gone, never answering, or reposting a
 * page that should fail verification.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { ApiClient } from "../../cli/client.js";
import { SITE_BEHAVIOURS, type SiteBehaviour, type SiteProfile, simulatedSite } from "./catalogue.js";
import { type RepostDocument, repostPage } from "./page.js";

export interface SiteSimulatorOptions {
  /** The pipeline's base URL, e.g. http://127.0.0.1:3000. */
  readonly api: string;
  readonly editorToken: string;
  /** How many sites to register. */
  readonly sites: number;
  /** Behaviours given to the sites in rotation; all of them by default. */
  readonly behaviours?: readonly SiteBehaviour[];
  /** Where the simulator listens: 127.0.0.1 and a free port by default. */
  readonly host?: string;
  readonly port?: number;
  /** How long a slow site takes to answer a delivery and, again, to acknowledge. Default 3 s. */
  readonly slowMs?: number;
  /** How many deliveries of each notice a failing site answers with 500. Default 2. */
  readonly failures?: number;
  /** Registrations in flight at once. Default 8. */
  readonly concurrency?: number;
  /** Waits before retrying a failed acknowledgement. Default 1 s, 5 s, 15 s. */
  readonly ackRetryDelaysMs?: readonly number[];
  /** When to ask the pipeline for the verification result after acknowledging. Default 0.5 s … 8 s. */
  readonly verificationPollMs?: readonly number[];
  readonly onEvent?: (event: SimulatorEvent) => void;
  /** For the API calls (registration, acknowledgements). */
  readonly fetch?: typeof fetch;
}

export interface SimulatedSite extends SiteProfile {
  /** 1-based number of the site in this simulator. */
  readonly number: number;
  readonly behaviour: SiteBehaviour;
  readonly webhookUrl: string;
  /** From the registration response. */
  readonly id: string;
  readonly token: string;
  readonly webhookSecret: string;
}

export type SimulatorEventKind =
  | "challenged"
  | "registered"
  | "registration_failed"
  | "delivery"
  | "signature_rejected"
  | "reposted"
  | "acknowledged"
  | "ack_failed"
  | "verification";

export interface SimulatorEvent {
  readonly kind: SimulatorEventKind;
  /** Absent only for a challenge to a site that is not registered yet. */
  readonly site: Pick<SimulatedSite, "number" | "name" | "behaviour"> & { readonly id?: string };
  readonly noticeId?: string;
  readonly message: string;
}

export interface SiteSimulator {
  /** The simulator's own base URL. */
  readonly url: string;
  readonly sites: readonly SimulatedSite[];
  stop(): Promise<void>;
}

interface RepostRequest {
  readonly type: "repost.requested" | "repost.reminder";
  readonly data: {
    readonly noticeId: string;
    readonly deadline: string;
    readonly ackUrl: string;
    readonly document: RepostDocument & { readonly sha256: string };
  };
}

/** What a site remembers of one notice. */
interface NoticeState {
  deliveries: number;
  page: string | null;
  acknowledged: boolean;
  acknowledging: boolean;
}

interface SiteState {
  readonly profile: SiteProfile & { readonly number: number; readonly behaviour: SiteBehaviour };
  readonly webhookUrl: string;
  registered: SimulatedSite | null;
  readonly notices: Map<string, NoticeState>;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

export async function startSiteSimulator(options: SiteSimulatorOptions): Promise<SiteSimulator> {
  const behaviours = options.behaviours?.length ? options.behaviours : SITE_BEHAVIOURS;
  const slowMs = options.slowMs ?? 3000;
  const failures = options.failures ?? 2;
  const ackRetryDelaysMs = options.ackRetryDelaysMs ?? [1000, 5000, 15_000];
  const verificationPollMs = options.verificationPollMs ?? [500, 1000, 2000, 4000, 8000];
  const apiFetch = options.fetch ?? fetch;
  const apiOrigin = new URL(options.api).origin;
  const emit = (event: SimulatorEvent) => options.onEvent?.(event);
  let stopping = false;
  const stopped = new AbortController();
  const tasks = new Set<Promise<void>>();
  /** Waits, or less if the simulator stops meanwhile. */
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        stopped.signal.removeEventListener("abort", wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      stopped.signal.addEventListener("abort", wake, { once: true });
    });

  const states: SiteState[] = [];
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" }).end("simulator error");
      process.emitWarning(`site simulator: ${(error as Error).message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  // Listening on every interface: the pipeline reaches the sites over loopback.
  const reachable =
    address.address === "0.0.0.0" ? "127.0.0.1" : address.address === "::" ? "::1" : address.address;
  const host = reachable.includes(":") ? `[${reachable}]` : reachable;
  const baseUrl = `http://${host}:${address.port}`;

  for (let i = 0; i < options.sites; i++) {
    const profile = { ...simulatedSite(i, behaviours), number: i + 1 };
    states.push({
      profile,
      webhookUrl: `${baseUrl}/sites/${profile.number}/webhook`,
      registered: null,
      notices: new Map(),
    });
  }

  const who = (state: SiteState): SimulatorEvent["site"] => ({
    number: state.profile.number,
    name: state.profile.name,
    behaviour: state.profile.behaviour,
    ...(state.registered ? { id: state.registered.id } : {}),
  });

  /** Runs work in the background; stop() waits for it. */
  const later = (work: () => Promise<void>) => {
    const task = work().catch((error: unknown) =>
      process.emitWarning(`site simulator: ${(error as Error).message}`),
    );
    tasks.add(task);
    void task.finally(() => tasks.delete(task));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", baseUrl);
    if (url.pathname === "/" && req.method === "GET") {
      res
        .writeHead(200, { "content-type": "text/plain; charset=utf-8" })
        .end(states.map((s) => `${s.profile.number}\t${s.profile.behaviour}\t${s.profile.name}`).join("\n"));
      return;
    }
    const route = /^\/sites\/(\d+)\/(webhook|reposts\/([^/]+)\.html)$/.exec(url.pathname);
    const state = route ? states[Number(route[1]) - 1] : undefined;
    if (!route || !state) {
      res.writeHead(404).end();
      return;
    }
    if (route[3] !== undefined) {
      const page = state.notices.get(decodeURIComponent(route[3]))?.page;
      if (req.method !== "GET" || !page) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
      return;
    }
    if (req.method === "GET") return challenge(state, url, res);
    if (req.method === "POST") return receive(state, req, res);
    res.writeHead(405, { allow: "GET, POST" }).end();
  }

  /** WebSub-style intent verification: echo hub.challenge. Every behaviour passes it. */
  function challenge(state: SiteState, url: URL, res: ServerResponse): void {
    const mode = url.searchParams.get("hub.mode");
    const value = url.searchParams.get("hub.challenge");
    if (mode !== "verify" || !value) {
      res.writeHead(400, { "content-type": "text/plain" }).end("expected hub.mode=verify and hub.challenge");
      return;
    }
    emit({ kind: "challenged", site: who(state), message: "answered the webhook challenge" });
    res.writeHead(200, { "content-type": "text/plain" }).end(value);
  }

  async function receive(state: SiteState, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const site = state.registered;
    if (!site) {
      res.writeHead(503, { "retry-after": "5" }).end("site not registered yet");
      return;
    }
    let payload: RepostRequest;
    try {
      payload = new Webhook(site.webhookSecret).verify(body, headerRecord(req)) as RepostRequest;
    } catch (error) {
      const message = error instanceof WebhookVerificationError ? error.message : "unreadable payload";
      emit({ kind: "signature_rejected", site: who(state), message: `rejected a delivery: ${message}` });
      res.writeHead(401, { "content-type": "text/plain" }).end(message);
      return;
    }
    const noticeId = payload.data?.noticeId;
    if (typeof noticeId !== "string") {
      res.writeHead(400, { "content-type": "text/plain" }).end("no data.noticeId");
      return;
    }
    const notice = state.notices.get(noticeId) ?? {
      deliveries: 0,
      page: null,
      acknowledged: false,
      acknowledging: false,
    };
    state.notices.set(noticeId, notice);
    notice.deliveries++;
    const said = (status: number | null, what: string) =>
      emit({
        kind: "delivery",
        site: who(state),
        noticeId,
        message: `${payload.type} #${notice.deliveries}: ${what}${status === null ? "" : ` → ${status}`}`,
      });

    switch (state.profile.behaviour) {
      case "gone":
        said(410, "endpoint gone");
        res.writeHead(410, { "content-type": "text/plain" }).end("gone");
        return;
      case "never":
        // Hold the request open until the sender gives up (or the simulator stops).
        said(null, "never answering");
        return;
      case "failing":
        if (notice.deliveries <= failures) {
          said(500, `failing (${notice.deliveries} of ${failures})`);
          res.writeHead(500, { "content-type": "text/plain" }).end("internal error (simulated)");
          return;
        }
        break;
      case "slow":
        await sleep(slowMs);
        break;
    }
    said(200, "accepted");
    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    if (!notice.acknowledged && !notice.acknowledging) {
      notice.acknowledging = true;
      later(() => repostAndAcknowledge(state, site, notice, payload));
    }
  }

  async function repostAndAcknowledge(
    state: SiteState,
    site: SimulatedSite,
    notice: NoticeState,
    payload: RepostRequest,
  ): Promise<void> {
    const { noticeId, ackUrl, document } = payload.data;
    try {
      if (state.profile.behaviour === "slow") await sleep(slowMs);
      if (stopping) return;
      const complete = state.profile.behaviour !== "wrong";
      const intact = createHash("sha256").update(document.text, "utf8").digest("hex") === document.sha256;
      notice.page = repostPage(state.profile.name, document, complete);
      const pageUrl = `${baseUrl}/sites/${state.profile.number}/reposts/${encodeURIComponent(noticeId)}.html`;
      emit({
        kind: "reposted",
        site: who(state),
        noticeId,
        message: `reposted ${complete ? "the document" : "only the title and a link"} at ${pageUrl}${intact ? "" : " (text does not match its sha256!)"}`,
      });
      if (new URL(ackUrl).origin !== apiOrigin) {
        emit({
          kind: "ack_failed",
          site: who(state),
          noticeId,
          message: `ackUrl ${ackUrl} is not on ${apiOrigin}; token withheld`,
        });
        return;
      }
      for (let attempt = 0; ; attempt++) {
        if (stopping) return;
        const outcome = await acknowledge(site, ackUrl, pageUrl);
        if (outcome.ok) {
          notice.acknowledged = true;
          emit({
            kind: "acknowledged",
            site: who(state),
            noticeId,
            message: `acknowledged → ${outcome.status}`,
          });
          await followVerification(state, site, noticeId, ackUrl.replace(/\/ack$/, ""));
          return;
        }
        const delay = ackRetryDelaysMs[attempt];
        const retry = outcome.retry && delay !== undefined;
        emit({
          kind: "ack_failed",
          site: who(state),
          noticeId,
          message: `acknowledgement failed: ${outcome.message}${retry ? `; retrying in ${delay} ms` : ""}`,
        });
        if (!retry) return;
        await sleep(delay);
      }
    } finally {
      notice.acknowledging = false;
    }
  }

  /** Asks the pipeline how its check of the reposted page went, to show it in the demo. */
  async function followVerification(
    state: SiteState,
    site: SimulatedSite,
    noticeId: string,
    noticeUrl: string,
  ): Promise<void> {
    for (const delay of verificationPollMs) {
      await sleep(delay);
      if (stopping) return;
      let view: { verification?: { state?: string; reason?: string | null } | null };
      try {
        const response = await apiFetch(noticeUrl, {
          headers: { authorization: `Bearer ${site.token}`, accept: "application/json" },
        });
        if (!response.ok) return;
        view = (await response.json()) as typeof view;
      } catch {
        return;
      }
      const verification = view.verification;
      if (verification?.state === "verified" || verification?.state === "failed") {
        emit({
          kind: "verification",
          site: who(state),
          noticeId,
          message:
            verification.state === "verified"
              ? "the pipeline verified the reposted page"
              : `the pipeline found the reposted page wanting: ${verification.reason ?? "no reason given"}`,
        });
        return;
      }
    }
  }

  async function acknowledge(
    site: SimulatedSite,
    ackUrl: string,
    pageUrl: string,
  ): Promise<{ ok: true; status: number } | { ok: false; retry: boolean; message: string }> {
    let response: Response;
    try {
      response = await apiFetch(ackUrl, {
        method: "POST",
        headers: { authorization: `Bearer ${site.token}`, "content-type": "application/json" },
        body: JSON.stringify({ url: pageUrl }),
      });
    } catch (error) {
      return { ok: false, retry: true, message: (error as Error).message };
    }
    const text = await response.text();
    if (response.ok) return { ok: true, status: response.status };
    return {
      ok: false,
      retry: response.status >= 500 || response.status === 429,
      message: `HTTP ${response.status} ${text.slice(0, 300)}`,
    };
  }

  // Register the sites through the API; the server above answers the API's challenges meanwhile.
  const client = new ApiClient(options.api, options.editorToken, apiFetch);
  const queue = [...states];
  const registerNext = async (): Promise<void> => {
    for (let state = queue.shift(); state; state = queue.shift()) {
      const { name, level, region, sectors } = state.profile;
      try {
        const { body } = await client.request<{ id: string; token: string; webhookSecret: string }>(
          "POST",
          "/api/sites",
          {
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              name,
              level,
              region,
              sectors,
              delivery: { type: "webhook", url: state.webhookUrl },
            }),
          },
        );
        state.registered = { ...state.profile, webhookUrl: state.webhookUrl, ...body };
        emit({ kind: "registered", site: who(state), message: `registered as ${body.id}` });
      } catch (error) {
        emit({ kind: "registration_failed", site: who(state), message: (error as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, registerNext));

  return {
    url: baseUrl,
    sites: states.flatMap((s) => (s.registered ? [s.registered] : [])),
    async stop() {
      stopping = true;
      stopped.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...tasks]);
    },
  };
}

function headerRecord(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers[name] = value;
    else if (Array.isArray(value)) headers[name] = value.join(", ");
  }
  return headers;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error("delivery body too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

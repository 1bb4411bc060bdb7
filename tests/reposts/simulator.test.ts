import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { runSimulator } from "../../src/reposts/simulator/cli.js";
import {
  type SimulatedSite,
  type SimulatorEvent,
  type SiteSimulator,
  startSiteSimulator,
} from "../../src/reposts/simulator/simulator.js";
import { checkRepostPage } from "../../src/reposts/verification.js";

const EDITOR = "editor-token-for-tests";

const sample = JSON.parse(
  readFileSync(join(import.meta.dirname, "../../samples/documents/02-notice-flood-prevention.json"), "utf8"),
) as { title: string; docNumber: string; issuers: string[]; dateWritten: string; body: string };

const DOCUMENT = {
  id: "01JDOC00000000000000000001",
  title: sample.title,
  docNumber: sample.docNumber,
  issuers: sample.issuers,
  dateWritten: sample.dateWritten,
  url: "http://127.0.0.1/documents/01JDOC00000000000000000001.html",
  text: sample.body,
  sha256: createHash("sha256").update(sample.body, "utf8").digest("hex"),
};

interface FakeSite {
  id: string;
  token: string;
  webhookSecret: string;
  registration: { name: string; level: string; region: string; sectors: string[]; delivery: { url: string } };
}

/**
 * The part of the pipeline's API the simulator uses: POST /api/sites (with the WebSub-style
 * challenge) and POST /api/reposts/{id}/ack (a site may only acknowledge its own notices).
 */
async function startFakeApi() {
  const sites: FakeSite[] = [];
  const acks: { noticeId: string; siteId: string; url: string }[] = [];
  let waiting: { count: number; resolve: () => void } | null = null;

  const json = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    const bearer = req.headers.authorization?.replace(/^Bearer /, "");
    if (req.method === "POST" && req.url === "/api/sites") {
      if (bearer !== EDITOR)
        return json(res, 401, { error: { code: "unauthorized", message: "no", field: null } });
      const registration = JSON.parse(text) as FakeSite["registration"];
      const challenge = randomBytes(8).toString("hex");
      const target = new URL(registration.delivery.url);
      target.searchParams.set("hub.mode", "verify");
      target.searchParams.set("hub.challenge", challenge);
      const answer = await fetch(target);
      if (answer.status !== 200 || (await answer.text()) !== challenge) {
        return json(res, 422, {
          error: { code: "webhook_unverified", message: "challenge failed", field: "delivery.url" },
        });
      }
      const n = sites.length + 1;
      const site = {
        id: `SITE${n}`,
        token: `gst_SITE${n}_${randomBytes(8).toString("hex")}`,
        webhookSecret: `whsec_${randomBytes(24).toString("base64")}`,
        registration,
      };
      sites.push(site);
      return json(res, 201, { id: site.id, token: site.token, webhookSecret: site.webhookSecret });
    }
    const ack = /^\/api\/reposts\/([^/]+)\/ack$/.exec(req.url ?? "");
    if (req.method === "POST" && ack) {
      const noticeId = decodeURIComponent(ack[1]!);
      const site = sites.find((s) => s.token === bearer);
      if (!site) return json(res, 401, { error: { code: "unauthorized", message: "no", field: null } });
      if (!noticeId.endsWith(`.${site.id}`)) {
        return json(res, 403, { error: { code: "forbidden", message: "not yours", field: null } });
      }
      acks.push({ noticeId, siteId: site.id, url: (JSON.parse(text) as { url: string }).url });
      if (waiting && acks.length >= waiting.count) waiting.resolve();
      return json(res, 202, { id: noticeId, status: "acknowledged" });
    }
    const notice = /^\/api\/reposts\/([^/]+)$/.exec(req.url ?? "");
    if (req.method === "GET" && notice) {
      // Verified on request, as the pipeline does after an acknowledgement.
      const ackOf = acks.find((a) => a.noticeId === decodeURIComponent(notice[1]!));
      if (!ackOf || sites.find((s) => s.token === bearer)?.id !== ackOf.siteId) {
        return json(res, 404, { error: { code: "not_found", message: "no notice", field: null } });
      }
      const check = checkRepostPage(await (await fetch(ackOf.url)).text(), DOCUMENT);
      return json(res, 200, {
        id: ackOf.noticeId,
        verification: check.ok
          ? { state: "verified", reason: null }
          : { state: "failed", reason: check.reason },
      });
    }
    json(res, 404, { error: { code: "not_found", message: "no route", field: null } });
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    sites,
    acks,
    /** Resolves once this many acknowledgements have arrived. */
    acksArrived(count: number) {
      return acks.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => (waiting = { count, resolve }));
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

type FakeApi = Awaited<ReturnType<typeof startFakeApi>>;

/** Sends one signed repost.requested delivery, as the pipeline does; "timeout" if no answer. */
async function deliver(
  api: FakeApi,
  site: SimulatedSite,
  options: { secret?: string; ackUrl?: string; timeoutMs?: number } = {},
): Promise<number | "timeout"> {
  const noticeId = `${DOCUMENT.id}.${site.id}`;
  const body = JSON.stringify({
    type: "repost.requested",
    data: {
      noticeId,
      deadline: "2026-03-05",
      ackUrl: options.ackUrl ?? `${api.url}/api/reposts/${encodeURIComponent(noticeId)}/ack`,
      document: DOCUMENT,
    },
  });
  const id = `msg_${randomBytes(6).toString("hex")}`;
  const now = new Date();
  const signature = new Webhook(options.secret ?? site.webhookSecret).sign(id, now, body);
  try {
    const response = await fetch(site.webhookUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
        "webhook-signature": signature,
      },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    await response.text();
    return response.status;
  } catch (error) {
    if ((error as Error).name === "TimeoutError") return "timeout";
    throw error;
  }
}

let api: FakeApi | undefined;
let simulator: SiteSimulator | undefined;

afterEach(async () => {
  await simulator?.stop();
  await api?.stop();
  simulator = undefined;
  api = undefined;
});

describe("site simulator", () => {
  it("registers its sites through the API, each answering the webhook challenge", async () => {
    // Prepare
    api = await startFakeApi();
    // Act
    simulator = await startSiteSimulator({ api: api.url, editorToken: EDITOR, sites: 8 });
    // Assess
    expect(simulator.sites.map((s) => s.id).sort()).toEqual([
      "SITE1",
      "SITE2",
      "SITE3",
      "SITE4",
      "SITE5",
      "SITE6",
      "SITE7",
      "SITE8",
    ]);
    const registered = [...api.sites].sort((a, b) => a.registration.name.localeCompare(b.registration.name));
    expect(registered.map((s) => s.registration.delivery)).toEqual(
      [...simulator.sites]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((s) => ({ type: "webhook", url: s.webhookUrl })),
    );
    expect(api.sites.find((s) => s.registration.name === "成都市锦江区人民政府")?.registration).toMatchObject(
      {
        level: "county",
        region: "510104",
        sectors: [],
      },
    );
    expect(simulator.sites.map((s) => s.behaviour)).toEqual([
      "prompt",
      "slow",
      "failing",
      "gone",
      "never",
      "wrong",
      "prompt",
      "slow",
    ]);
  });

  it("answers deliveries as each behaviour says, reposts, and acknowledges with the site's own token", async () => {
    // Prepare
    api = await startFakeApi();
    simulator = await startSiteSimulator({
      api: api.url,
      editorToken: EDITOR,
      sites: 6,
      slowMs: 20,
      failures: 2,
      verificationPollMs: [],
    });
    const site = (behaviour: string) => simulator!.sites.find((s) => s.behaviour === behaviour)!;
    // Act
    const answers = {
      prompt: [await deliver(api, site("prompt"))],
      slow: [await deliver(api, site("slow"))],
      failing: [
        await deliver(api, site("failing")),
        await deliver(api, site("failing")),
        await deliver(api, site("failing")),
      ],
      gone: [await deliver(api, site("gone"))],
      never: [await deliver(api, site("never"), { timeoutMs: 300 })],
      wrong: [await deliver(api, site("wrong"))],
    };
    await api.acksArrived(4);
    // Assess
    expect(answers).toEqual({
      prompt: [200],
      slow: [200],
      failing: [500, 500, 200],
      gone: [410],
      never: ["timeout"],
      wrong: [200],
    });
    expect(api.acks.map((a) => a.siteId).sort()).toEqual(
      ["prompt", "slow", "failing", "wrong"].map((b) => site(b).id).sort(),
    );
    for (const ack of api.acks) expect(ack.noticeId).toBe(`${DOCUMENT.id}.${ack.siteId}`);
  });

  it("serves reposted pages that pass verification, except the wrong site's, and reports the result", async () => {
    // Prepare
    api = await startFakeApi();
    const verifications = new Map<string, string>();
    let allVerified: () => void = () => {};
    const done = new Promise<void>((resolve) => (allVerified = resolve));
    simulator = await startSiteSimulator({
      api: api.url,
      editorToken: EDITOR,
      sites: 2,
      behaviours: ["prompt", "wrong"],
      verificationPollMs: [10],
      onEvent: (e) => {
        if (e.kind !== "verification") return;
        verifications.set(e.site.behaviour, e.message);
        if (verifications.size === 2) allVerified();
      },
    });
    await deliver(api, simulator.sites[0]!);
    await deliver(api, simulator.sites[1]!);
    await api.acksArrived(2);
    // Act
    const checks = new Map<string, ReturnType<typeof checkRepostPage>>();
    for (const ack of api.acks) {
      const html = await (await fetch(ack.url)).text();
      checks.set(ack.siteId, checkRepostPage(html, DOCUMENT));
    }
    await done;
    // Assess
    expect(checks.get(simulator.sites[0]!.id)).toEqual({ ok: true });
    const wrong = checks.get(simulator.sites[1]!.id);
    expect(wrong?.ok).toBe(false);
    expect(!wrong?.ok && wrong?.reason).toMatch(
      /^docNumber: 川府发〔2024〕9号 not found on the page; body: only/,
    );
    expect(verifications.get("prompt")).toBe("the pipeline verified the reposted page");
    expect(verifications.get("wrong")).toMatch(/^the pipeline found the reposted page wanting: docNumber: /);
  });

  it("rejects a delivery whose signature does not verify, and does not act on it", async () => {
    // Prepare
    api = await startFakeApi();
    const events: SimulatorEvent[] = [];
    simulator = await startSiteSimulator({
      api: api.url,
      editorToken: EDITOR,
      sites: 1,
      onEvent: (e) => events.push(e),
    });
    // Act
    const status = await deliver(api, simulator.sites[0]!, {
      secret: `whsec_${randomBytes(24).toString("base64")}`,
    });
    // Assess
    expect(status).toBe(401);
    expect(events.filter((e) => e.kind === "signature_rejected")).toHaveLength(1);
    expect(events.some((e) => e.kind === "reposted")).toBe(false);
  });

  it("withholds its token from an ackUrl that is not on the pipeline's origin", async () => {
    // Prepare
    api = await startFakeApi();
    const events: SimulatorEvent[] = [];
    let withheld: () => void = () => {};
    const seen = new Promise<void>((resolve) => (withheld = resolve));
    simulator = await startSiteSimulator({
      api: api.url,
      editorToken: EDITOR,
      sites: 1,
      onEvent: (e) => {
        events.push(e);
        if (e.kind === "ack_failed") withheld();
      },
    });
    // Act
    const status = await deliver(api, simulator.sites[0]!, {
      ackUrl: "http://127.0.0.2:9/api/reposts/x/ack",
    });
    await seen;
    // Assess
    expect(status).toBe(200);
    expect(events.find((e) => e.kind === "ack_failed")?.message).toMatch(/token withheld/);
    expect(api.acks).toEqual([]);
  });
});

describe("simulate-sites command", () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
  };

  it("prints each registered site and what it does", async () => {
    // Prepare
    api = await startFakeApi();
    const { out, io: terminal } = io();
    // Act
    const result = await runSimulator(["--api", api.url, "--sites", "3"], terminal, {
      GAZETTE_EDITOR_TOKEN: EDITOR,
    });
    simulator = result.simulator;
    // Assess
    expect(result.exitCode).toBe(0);
    expect(out.join("\n")).toContain("#1 成都市人民政府 (city, 510100)");
    expect(out.join("\n")).toContain("prompt: answers at once, reposts the document and acknowledges");
    expect(out.join("\n")).toContain("failing: answers 500 to the first deliveries");
  });

  it("asks for the editor token when there is none", async () => {
    // Prepare
    const { err, io: terminal } = io();
    const empty = mkdtempSync(join(tmpdir(), "simulator-"));
    // Act
    const result = await runSimulator(["--sites", "1"], terminal, { GAZETTE_DATA_DIR: empty });
    // Assess
    expect(result).toEqual({ exitCode: 2 });
    expect(err.join("\n")).toMatch(/no editor token/);
  });

  it("fails when no site can be registered", async () => {
    // Prepare: an API that is not running
    const { err, io: terminal } = io();
    // Act
    const result = await runSimulator(
      ["--api", "http://127.0.0.1:9", "--sites", "1", "--token", EDITOR],
      terminal,
      {},
    );
    // Assess
    expect(result).toEqual({ exitCode: 1 });
    expect(err.join("\n")).toMatch(/no site could be registered with http:\/\/127\.0\.0\.1:9/);
  });

  it("refuses an unknown behaviour", async () => {
    const { err, io: terminal } = io();
    const result = await runSimulator(["--behaviours", "prompt,lazy"], terminal, {
      GAZETTE_EDITOR_TOKEN: EDITOR,
    });
    expect(result).toEqual({ exitCode: 2 });
    expect(err.join("\n")).toMatch(/unknown behaviour "lazy"/);
  });
});
